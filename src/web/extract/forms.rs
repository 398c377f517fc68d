//! Reading forms and query strings safely: bounded bodies, CSRF checked before anything else,
//! clear 400s for malformed input.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::session;
use crate::db::revisions::Cursor;
use crate::domain::text;
use crate::services::secrets;
use crate::services::sessions::Session;
use crate::web::error::AppError;

/// The largest ordinary form body accepted.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// The largest article form (a 200,000-character body, encoded, with references); the
/// largest body any route accepts. Larger ones are answered 413 before they are read.
pub const MAX_ARTICLE_FORM_BYTES: usize = 768 * 1024;

/// A form posted from one of our pages: its `csrf_token` matched the session's before the
/// fields were even parsed. Anything else is refused with 403 and changes nothing.
pub struct CsrfForm<T> {
    pub fields: T,
    pub session: Session,
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf_token: String,
}

const CSRF_REFUSED: &str = "This form could not be accepted because it was out of date or did \
    not come from this site. Nothing was changed. Go back, reload the page and try again.";

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(payload_error)?;
            let content_type = req
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !body.is_empty() && !content_type.starts_with("application/x-www-form-urlencoded") {
                return Err(AppError::BadRequest(
                    "Expected a form (application/x-www-form-urlencoded).".into(),
                ));
            }
            // A signed-in (or session) form is checked against its session's token; one
            // shown before sign-in against the visitor cookie's.
            let session = match session::current(&req).await? {
                Some(session) => session,
                None => session::visitor(&req)
                    .await?
                    .ok_or_else(|| AppError::Forbidden(CSRF_REFUSED.into()))?,
            };
            let token: TokenOnly = serde_html_form::from_bytes(&body)
                .map_err(|_| AppError::Forbidden(CSRF_REFUSED.into()))?;
            if !secrets::same_secret(&token.csrf_token, &session.csrf_token) {
                return Err(AppError::Forbidden(CSRF_REFUSED.into()));
            }
            refuse_control_characters(&body)?;
            let fields = serde_html_form::from_bytes(&body)
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))?;
            Ok(CsrfForm { fields, session })
        })
    }
}

fn payload_error(error: actix_web::Error) -> AppError {
    let status = error.as_response_error().status_code();
    if status == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest("The request body could not be read.".into())
    }
}

/// Applies the text rule (`domain::text`) to every value of a form body or query string:
/// NUL and other control characters are refused with a 400 naming the field, before any
/// handler, use case or database sees them.
fn refuse_control_characters(encoded: &[u8]) -> Result<(), AppError> {
    for (field, value) in url::form_urlencoded::parse(encoded) {
        text::check(&field, &value).map_err(AppError::BadRequest)?;
    }
    Ok(())
}

/// Query-string parameters, with a 400 page (not a bare error) when they do not parse or
/// carry a control character.
pub fn query<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, AppError> {
    refuse_control_characters(req.query_string().as_bytes())?;
    serde_html_form::from_str(req.query_string()).map_err(|e| {
        AppError::BadRequest(format!(
            "The address has a parameter that could not be read: {e}."
        ))
    })
}

/// Where to go after signing in: only a path on this site, never another host.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => crate::urls::dashboard(),
    }
}

/// An optional whole number from a form or query field: empty is `None`, anything else must
/// be a number (400 naming the field otherwise).
pub fn optional_number(value: &str, field: &str) -> Result<Option<i64>, AppError> {
    match value.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| {
            AppError::BadRequest(format!("The field {field} must be a number, not '{text}'."))
        }),
    }
}

/// An id from the path: a positive whole number, or 404 naming what was looked for.
pub fn path_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::NotFound(format!("There is no {what} with the id '{raw}'.")))
}

/// A date field (`YYYY-MM-DD`, as `<input type=date>` sends it); empty is none.
pub fn optional_date(raw: &str, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            AppError::BadRequest(format!(
                "'{raw}' is not a date for {field}: use YYYY-MM-DD."
            ))
        })
}

/// Ids posted by ticked boxes (`name=1&name=4`): each a whole number from 1, else 400.
pub fn ids(raw: &[String], field: &str) -> Result<std::collections::BTreeSet<i64>, AppError> {
    raw.iter()
        .map(|value| {
            value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "'{value}' is not a choice of {field}: reload the page and choose again."
                    ))
                })
        })
        .collect()
}

/// A `?page=` number: 1 when absent, at least 1.
pub fn page_number(page: Option<u32>) -> u32 {
    page.unwrap_or(1).max(1)
}

/// The row offset of a 1-based page of `size` rows.
pub fn offset(page: u32, size: i64) -> i64 {
    i64::from(page.saturating_sub(1)) * size
}

/// Whether a confirmation checkbox (`confirm=yes`) was ticked.
pub fn confirmed(value: Option<&str>) -> bool {
    value == Some("yes")
}

/// An `?after=` page link: absent or empty is the first page; anything that is not a cursor
/// this site wrote is 400, so a mangled link says so instead of showing the first page.
pub fn cursor(value: Option<String>) -> Result<Option<Cursor>, AppError> {
    non_empty(value)
        .map(|text| {
            Cursor::decode(&text).ok_or_else(|| {
                AppError::BadRequest(
                    "That page link is not valid; start from the first page.".into(),
                )
            })
        })
        .transpose()
}

/// Turns an empty text field into `None`.
pub fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            local_path(Some("/admin/users?page=2")),
            "/admin/users?page=2"
        );
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "dashboard",
        ] {
            assert_eq!(local_path(Some(hostile)), "/dashboard", "{hostile}");
        }
        assert_eq!(local_path(None), "/dashboard");
    }
}
