//! Template filters for dates, so every page and message writes a time the same way:
//! `{{ at|date }}` (2026-11-25), `{{ at|datetime }}` (2026-11-25 08:30, UTC),
//! `{{ at|seconds }}` (2026-11-25 08:30:05), `{{ at|iso }}` (for `datetime` attributes) and
//! `{{ at|long_date }}` (November 25, 2026) / `{{ at|short_date }}` (Nov 25, 2026) for readers.
//!
//! Templates that use them bring this module into scope as `filters`.

use chrono::NaiveDateTime;

/// A time, or a reference to one: templates pass `&at` (or `&&at` from a loop or a match).
pub trait Moment {
    fn moment(&self) -> NaiveDateTime;
}

impl Moment for NaiveDateTime {
    fn moment(&self) -> NaiveDateTime {
        *self
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> NaiveDateTime {
        (**self).moment()
    }
}

fn format(at: &impl Moment, pattern: &str) -> String {
    at.moment().format(pattern).to_string()
}

#[askama::filter_fn]
pub fn date(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%Y-%m-%d"))
}

#[askama::filter_fn]
pub fn datetime(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%Y-%m-%d %H:%M"))
}

#[askama::filter_fn]
pub fn seconds(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%Y-%m-%d %H:%M:%S"))
}

#[askama::filter_fn]
pub fn iso(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%Y-%m-%dT%H:%M:%SZ"))
}

#[askama::filter_fn]
pub fn long_date(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%B %-d, %Y"))
}

#[askama::filter_fn]
pub fn short_date(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%b %-d, %Y"))
}

#[askama::filter_fn]
pub fn time(at: impl Moment, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(&at, "%H:%M:%S"))
}

/// A whole number with thousands separators: `{{ n|grouped }}` (100,000).
#[askama::filter_fn]
pub fn grouped(n: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(group_digits(&n.to_string()))
}

fn group_digits(number: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let mut out = String::with_capacity(number.len() + digits.len() / 3);
    out.push_str(sign);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_grouped_by_thousands() {
        for (n, shown) in [
            ("0", "0"),
            ("999", "999"),
            ("1000", "1,000"),
            ("100000", "100,000"),
            ("-1234567", "-1,234,567"),
        ] {
            assert_eq!(super::group_digits(n), shown);
        }
    }
}
