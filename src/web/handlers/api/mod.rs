//! The JSON API under `/api/v1`, and its OpenAPI document (`/api/openapi.json`), generated
//! from the types the handlers answer with. Errors are RFC 9457 problem details (rendered by
//! `web::error` for every address under `/api/`).
//!
//! This first part is the public read API: published articles with their review
//! provenance, which needs no token.

pub mod articles;
pub mod openapi;

use chrono::{DateTime, NaiveDateTime, Utc};

/// The JSON media type of API answers.
pub const JSON: &str = "application/json";

/// A stored time (UTC) as an RFC 3339 date-time.
fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
