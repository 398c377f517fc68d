//! The JSON API under `/api/v1`, and its OpenAPI document (`/api/openapi.json`), generated
//! from the types the handlers answer with. Errors are RFC 9457 problem details (rendered by
//! `web::error` for every address under `/api/`).
//!
//! The public read API (published articles with their review provenance) needs no token;
//! the rest takes a personal API token (`web::extract::bearer`).

pub mod actions;
pub mod articles;
pub mod body;
pub mod openapi;
pub mod queue;
pub mod revisions;
pub mod writing;

use chrono::{DateTime, NaiveDateTime, Utc};

/// The JSON media type of API answers.
pub const JSON: &str = "application/json";

/// A stored time (UTC) as an RFC 3339 date-time.
fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A `limit` parameter: absent for `default`, else a whole number from 1 to `max` (digits
/// only); anything else is a problem with the field `limit`.
fn page_limit(
    text: Option<&str>,
    default: i64,
    max: i64,
    problems: &mut crate::domain::problems::Problems,
) -> i64 {
    let Some(text) = text else {
        return default;
    };
    match text.parse::<i64>() {
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) && (1..=max).contains(&n) => n,
        _ => {
            problems.push(
                "limit",
                format!("The limit must be a whole number from 1 to {max}."),
            );
            default
        }
    }
}

/// Whether `text` has the shape of a keyset cursor (`db::revisions::Cursor`'s form with
/// no sign): digits, a dot, digits. The document's pattern says the same.
fn digits_cursor(text: &str) -> bool {
    let digits =
        |part: &str| (1..=18).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
    text.split_once('.')
        .is_some_and(|(micros, id)| digits(micros) && digits(id))
}
