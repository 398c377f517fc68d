//! What API writes take and how they answer: a JSON body ([`JsonBody`]: 415 for another
//! media type, 413 beyond [`BODY_LIMIT`], 400 for malformed JSON, 422 naming the field for
//! JSON of the wrong shape) and the `Idempotency-Key` that makes a retried POST safe
//! ([`Idempotent`]).

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use actix_web::web::BytesMut;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::JSON;
use crate::db::idempotency;
use crate::domain::problems::Problems;
use crate::domain::text;
use crate::services::{Claim, Ctx, ServiceResult};
use crate::web::error::{AppError, PROBLEM_JSON};
use crate::web::extract::bearer::Token;
use crate::web::state::AppState;

/// The largest body an API write takes: an article at its longest (200,000 characters of
/// body, 100 references) fits with room to spare.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The longest `Idempotency-Key` taken.
pub const KEY_MAX: usize = 255;

/// The header that marks an answer given again for a retried key.
pub const REPLAYED: &str = "idempotent-replayed";

/// A JSON body, parsed, with the bytes it came as (for the idempotency fingerprint).
pub struct JsonBody<T> {
    pub value: T,
    raw: Vec<u8>,
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"))
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge
}

/// The field a deserialisation error is about, as a dotted path (`references.2.year`), or
/// `body` for the document as a whole.
fn field_of(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    if path.is_empty() || path == "." {
        "body".to_owned()
    } else {
        path.replace('[', ".").replace(']', "")
    }
}

/// What serde says is wrong, without the position (the field names it).
fn plain(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// Reads and parses the body of `req`. A handler calls it after its token was checked
    /// (an extractor would race the token check: a cookie-only request must get 401, not a
    /// complaint about its body).
    pub async fn read(req: &HttpRequest, mut payload: web::Payload) -> Result<Self, AppError> {
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if !is_json(req) {
            return Err(AppError::UnsupportedMediaType(
                "This takes a JSON body: send it with `Content-Type: application/json`. Nothing was done.".into(),
            ));
        }
        if declared.is_some_and(|n| n > BODY_LIMIT) {
            return Err(too_large());
        }
        let mut raw = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The body could not be read: {e}")))?;
            if raw.len() + chunk.len() > BODY_LIMIT {
                return Err(too_large());
            }
            raw.extend_from_slice(&chunk);
        }
        let malformed = |error: &serde_json::Error| {
            AppError::BadRequest(format!(
                "The body is not valid JSON: {error}. Nothing was done."
            ))
        };
        // Well-formed JSON first (400), then the text rule every form value meets too
        // (`domain::text`: no NUL or other control characters but tab and line ends), then
        // the shape (422).
        let document: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| malformed(&e))?;
        if let Some((field, message)) = refused_text(&document, &mut String::new()) {
            return Err(AppError::Unprocessable(Problems::one(field, message)));
        }
        let value = serde_path_to_error::deserialize(document).map_err(|error| {
            let inner = error.inner();
            AppError::Unprocessable(Problems::one(field_of(error.path()), plain(inner)))
        })?;
        Ok(JsonBody {
            value,
            raw: raw.to_vec(),
        })
    }
}

/// The first string of `value` (a key or a value) that breaks the text rule: its field, as
/// a dotted path, and why.
fn refused_text(value: &serde_json::Value, path: &mut String) -> Option<(String, String)> {
    let name = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        serde_json::Value::String(text) => {
            let field = name(path);
            text::check(&field, text)
                .err()
                .map(|message| (field, message))
        }
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(n, item)| {
            let len = path.len();
            push_segment(path, &n.to_string());
            let found = refused_text(item, path);
            path.truncate(len);
            found
        }),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let len = path.len();
            push_segment(path, key);
            let found = match text::check(&name(path), key) {
                Err(message) => Some((name(path), message)),
                Ok(()) => refused_text(item, path),
            };
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

fn push_segment(path: &mut String, segment: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
}

/// An answer to an API write: its status, its JSON and, for what it created, where that is.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
}

impl Answer {
    /// `value` as JSON with `status`.
    pub fn json(status: StatusCode, value: &impl serde::Serialize) -> Result<Self, AppError> {
        Ok(Answer {
            status,
            body: serde_json::to_string(value).map_err(AppError::internal)?,
            location: None,
        })
    }

    pub fn at(mut self, location: String) -> Self {
        self.location = Some(location);
        self
    }

    fn response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(JSON);
        if let Some(location) = self.location {
            response.insert_header((LOCATION, location));
        }
        response.body(self.body)
    }
}

/// A write made at most once per `Idempotency-Key`: the key (optional), the token it
/// belongs to, and what the request asked for.
pub struct Idempotent {
    key: Option<String>,
    claim: Option<Claim>,
}

/// An answer kept for a key, or a reason to give none.
enum Kept {
    Answer { status: u16, body: String },
    Pending,
    OtherRequest,
}

impl Idempotent {
    /// Reads the `Idempotency-Key` header of `req`, a write by `token` whose body was
    /// `body`: 1 to 255 visible ASCII characters.
    pub fn of<T>(req: &HttpRequest, token: &Token, body: &JsonBody<T>) -> Result<Self, AppError> {
        let Some(value) = req.headers().get("idempotency-key") else {
            return Ok(Idempotent {
                key: None,
                claim: None,
            });
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=KEY_MAX).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                AppError::Invalid(Problems::one(
                    "Idempotency-Key",
                    format!("An Idempotency-Key is 1 to {KEY_MAX} visible ASCII characters (a UUID, say)."),
                ))
            })?
            .to_owned();
        let mut hash = Sha256::new();
        hash.update(req.method().as_str());
        hash.update(b" ");
        hash.update(req.path());
        hash.update(b"\n");
        hash.update(&body.raw);
        Ok(Idempotent {
            key: Some(key.clone()),
            claim: Some(Claim {
                token: token.id(),
                key,
                fingerprint: hex::encode(hash.finalize()),
            }),
        })
    }

    fn kept(ctx: &mut Ctx<'_>, claim: &Claim) -> ServiceResult<Option<Kept>> {
        let Some(used) = idempotency::find(ctx.conn(), claim.token, &claim.key)? else {
            return Ok(None);
        };
        Ok(Some(if used.fingerprint != claim.fingerprint {
            Kept::OtherRequest
        } else {
            match (used.status, used.body) {
                (Some(status), Some(body)) => Kept::Answer {
                    status: u16::try_from(status).unwrap_or(500),
                    body,
                },
                _ => Kept::Pending,
            }
        }))
    }

    /// Runs `work` unless this key was used before, and answers: the first answer again for
    /// a retry with the same key (with `Idempotent-Replayed: true`), 422 for the key used on
    /// a different request, 409 while the first request with it is still being answered.
    /// The key is recorded in the transaction of the use case's write; the answer (success
    /// or refusal) once it has committed.
    pub async fn run<F>(self, state: &AppState, work: F) -> Result<HttpResponse, AppError>
    where
        F: FnOnce(&mut Ctx<'_>) -> Result<Answer, AppError> + Send + 'static,
    {
        let Some(claim) = self.claim else {
            let outcome = state.db(move |ctx| Ok(work(ctx))).await?;
            return outcome.map(Answer::response);
        };
        let key = self.key.unwrap_or_default();
        let (kept, outcome) = state
            .db(move |ctx| {
                if let Some(kept) = Self::kept(ctx, &claim)? {
                    return Ok((Some(kept), None));
                }
                ctx.claim(claim.clone());
                let outcome = work(ctx);
                if ctx.claimed() {
                    let (status, body) = match &outcome {
                        Ok(answer) => (answer.status.as_u16(), answer.body.clone()),
                        Err(error) => {
                            let problem = error.problem();
                            (
                                problem.status,
                                serde_json::to_string(&problem).unwrap_or_default(),
                            )
                        }
                    };
                    // A server error is not kept: the retry is told the answer was lost.
                    if status < 500
                        && let Err(error) =
                            idempotency::answer(ctx.conn(), claim.token, &claim.key, status, &body)
                    {
                        tracing::warn!(%error, "could not keep the answer of an idempotent request");
                    }
                    return Ok((None, Some(outcome)));
                }
                if outcome.is_err() {
                    // Another request with this key may have done the work meanwhile.
                    if let Some(kept) = Self::kept(ctx, &claim)? {
                        return Ok((Some(kept), None));
                    }
                }
                Ok((None, Some(outcome)))
            })
            .await?;
        match (kept, outcome) {
            (Some(Kept::Answer { status, body }), _) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                let mut response = HttpResponse::build(status);
                response.content_type(if status.is_success() {
                    JSON
                } else {
                    PROBLEM_JSON
                });
                response.insert_header((REPLAYED, HeaderValue::from_static("true")));
                Ok(response.body(body))
            }
            (Some(Kept::Pending), _) => Err(AppError::Conflict(format!(
                "A request with the Idempotency-Key '{key}' was done, but its answer is not kept (it is still being answered, or the server failed while answering). Read the state back with GET before trying again."
            ))),
            (Some(Kept::OtherRequest), _) => Err(AppError::Unprocessable(Problems::one(
                "Idempotency-Key",
                format!(
                    "The Idempotency-Key '{key}' was used for a different request. Use a new key for each new request."
                ),
            ))),
            (None, Some(outcome)) => outcome.map(Answer::response),
            (None, None) => Err(AppError::Internal),
        }
    }
}

/// An optional whole number as JSON Schema counts them: `3` and `3.0` alike (a program's
/// JSON library may write either), never `3.5`. For `#[serde(deserialize_with)]`.
pub fn whole<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let value = match number.as_i64() {
        Some(n) => Some(n),
        None => number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            // A whole float below 2^53 converts exactly.
            .map(|f| f as i64),
    };
    value
        .and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a whole number in range, not {number}")))
}
