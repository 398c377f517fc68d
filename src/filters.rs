//! Template filters for dates, so every page and message writes a time the same way:
//! `{{ at|date }}` (2026-11-25), `{{ at|datetime }}` (2026-11-25 08:30, UTC),
//! `{{ at|seconds }}` (2026-11-25 08:30:05), `{{ at|iso }}` (for `datetime` attributes) and
//! `{{ at|long_date }}` (November 25, 2026) / `{{ at|short_date }}` (Nov 25, 2026) for readers.
//!
//! Templates that use them bring this module into scope as `filters`.

use std::borrow::Borrow;

use chrono::NaiveDateTime;

fn format(at: &NaiveDateTime, pattern: &str) -> String {
    at.format(pattern).to_string()
}

#[askama::filter_fn]
pub fn date(at: impl Borrow<NaiveDateTime>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(at.borrow(), "%Y-%m-%d"))
}

#[askama::filter_fn]
pub fn datetime(at: impl Borrow<NaiveDateTime>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(at.borrow(), "%Y-%m-%d %H:%M"))
}

#[askama::filter_fn]
pub fn seconds(at: impl Borrow<NaiveDateTime>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(at.borrow(), "%Y-%m-%d %H:%M:%S"))
}

#[askama::filter_fn]
pub fn iso(at: impl Borrow<NaiveDateTime>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(at.borrow(), "%Y-%m-%dT%H:%M:%SZ"))
}

#[askama::filter_fn]
pub fn long_date(at: impl Borrow<NaiveDateTime>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format(at.borrow(), "%B %-d, %Y"))
}

#[askama::filter_fn]
pub fn short_date(
    at: impl Borrow<NaiveDateTime>,
    _: &dyn askama::Values,
) -> askama::Result<String> {
    Ok(format(at.borrow(), "%b %-d, %Y"))
}
