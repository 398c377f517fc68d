//! The one error type at the web edge: an explicit status for every case, a page in the site
//! layout for people, RFC 9457 problem details for programs (every address under `/api/`),
//! and the underlying cause in the log (never on the page). And the one place that decides
//! which failures a form shows again with what the person typed.

use std::future::Future;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use super::render::{self, Chrome};
use super::state::AppState;
use crate::domain::problems::Problems;
use crate::services::{Refusal, RefusalKind, ServiceError, ServiceResult};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Input with problems, each naming its field.
    #[error("invalid input: {0}")]
    Invalid(Problems),
    /// Anonymous request to a workspace page: go to the sign-in page, then come back.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A request to the API without a valid token, or a token where none is taken (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("gone: {0}")]
    Gone(String),
    /// The path exists, but not for this method; `allow` lists the methods it answers.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("request body too large")]
    PayloadTooLarge,
    /// A body in a media type the address does not take (415).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A well-formed API body whose content is refused, each problem naming its field (422).
    #[error("unprocessable content: {0}")]
    Unprocessable(Problems),
    /// A new revision whose base is behind the article, and whose merge with the newer
    /// revision has conflicts (409, with the conflicts).
    #[error("merge conflict")]
    MergeConflict(Box<MergeConflicts>),
    #[error("too many requests")]
    TooManyRequests { message: String, retry_after: i64 },
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn not_found() -> Self {
        AppError::NotFound("There is no page at this address.".into())
    }

    /// Logs a cause the user must not see and answers 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        AppError::Internal
    }

    /// The error an answer with this status stands for (for errors raised outside the
    /// handlers), with `detail` for the statuses whose message is free text.
    fn from_status(status: StatusCode, detail: &str) -> Self {
        match status.as_u16() {
            404 => AppError::not_found(),
            405 => AppError::MethodNotAllowed {
                allow: String::new(),
            },
            413 => AppError::PayloadTooLarge,
            400..=499 => AppError::BadRequest(detail.to_owned()),
            503 => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "That request could not be understood",
            AppError::Invalid(_) => "Some input is not valid",
            AppError::SignInRequired { .. } => "Sign in required",
            AppError::Unauthorized(_) => "Not authenticated",
            AppError::Forbidden(_) => "Not allowed",
            AppError::NotFound(_) => "Not found",
            AppError::Conflict(_) => "Conflict",
            AppError::Gone(_) => "No longer available",
            AppError::MethodNotAllowed { .. } => "Method not allowed",
            AppError::PayloadTooLarge => "Too large",
            AppError::UnsupportedMediaType(_) => "Unsupported media type",
            AppError::Unprocessable(_) => "The content is not acceptable",
            AppError::MergeConflict(_) => "The article moved on, and the merge has conflicts",
            AppError::TooManyRequests { .. } => "Too many attempts",
            AppError::Unavailable => "Temporarily unavailable",
            AppError::Internal => "Something went wrong",
        }
    }

    fn message(&self) -> String {
        match self {
            AppError::BadRequest(m)
            | AppError::Unauthorized(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::Gone(m)
            | AppError::UnsupportedMediaType(m)
            | AppError::TooManyRequests { message: m, .. } => m.clone(),
            AppError::Invalid(problems) | AppError::Unprocessable(problems) => {
                problems.to_string()
            }
            AppError::MergeConflict(merge) => format!(
                "Revision {} ({}) was submitted after the revision you started from, and your text and theirs change the same parts. Nothing was saved. Resolve each conflict listed in `conflicts`, then send the result again with `base_revision_id` {}.",
                merge.newer_number, merge.newer_author, merge.newer_revision_id
            ),
            AppError::SignInRequired { .. } => "Please sign in to continue.".into(),
            AppError::MethodNotAllowed { allow } => {
                format!("This address answers only these methods: {allow}.")
            }
            AppError::PayloadTooLarge => {
                "What you sent is larger than this server accepts. Nothing was saved.".into()
            }
            AppError::Unavailable => {
                "The database cannot be reached right now. Please try again in a moment.".into()
            }
            AppError::Internal => {
                "The server could not finish this request. Nothing you can do caused this; it has been logged. Please try again."
                    .into()
            }
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        let message = error.to_string();
        match error {
            ServiceError::Invalid(problems) => AppError::Invalid(problems),
            ServiceError::Refused(refusal) => match refusal.kind() {
                RefusalKind::Forbidden => AppError::Forbidden(message),
                RefusalKind::Conflict => AppError::Conflict(message),
                RefusalKind::Gone => AppError::Gone(message),
            },
            ServiceError::Workflow(e) if e.is_permission() => AppError::Forbidden(message),
            ServiceError::Workflow(_) | ServiceError::Contended | ServiceError::KeyUsed => {
                AppError::Conflict(message)
            }
            ServiceError::NotFound(_) => AppError::NotFound(message),
            ServiceError::Throttled {
                retry_after_seconds,
            } => AppError::TooManyRequests {
                message,
                retry_after: retry_after_seconds,
            },
            ServiceError::Unavailable(e) => {
                tracing::error!(cause = %e, "database pool unavailable");
                AppError::Unavailable
            }
            ServiceError::Database(e) => AppError::internal(format!("database: {e}")),
            ServiceError::Failed(failure) => AppError::internal(failure),
        }
    }
}

impl From<Problems> for AppError {
    fn from(problems: Problems) -> Self {
        AppError::Invalid(problems)
    }
}

impl From<actix_web::error::HttpError> for AppError {
    fn from(error: actix_web::error::HttpError) -> Self {
        AppError::internal(format!("building the response failed: {error}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::internal(format!("blocking task failed: {error}"))
    }
}

/// Why a form was not accepted, for showing it again with what the person typed: bad input
/// (400), a refusal about the state of things or a lost race (409), or too many attempts
/// (429). Every other failure (not allowed, not found, gone, broken) is an error page.
#[derive(Debug)]
pub struct Rejected {
    pub status: StatusCode,
    pub error: ServiceError,
}

impl Rejected {
    /// Input the handler itself refused before calling a use case.
    pub fn invalid(problems: Problems) -> Self {
        Rejected {
            status: StatusCode::BAD_REQUEST,
            error: ServiceError::Invalid(problems),
        }
    }

    /// Splits a failure into one the form shows and one that is an error page.
    pub fn from_error(error: ServiceError) -> Result<Self, AppError> {
        let status = match &error {
            ServiceError::Invalid(_) => StatusCode::BAD_REQUEST,
            ServiceError::Refused(r) if r.kind() == RefusalKind::Conflict => StatusCode::CONFLICT,
            ServiceError::Workflow(e) if !e.is_permission() => StatusCode::CONFLICT,
            ServiceError::Contended | ServiceError::KeyUsed => StatusCode::CONFLICT,
            ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ => return Err(error.into()),
        };
        Ok(Rejected { status, error })
    }

    /// One sentence per problem, for the page.
    pub fn messages(&self) -> Vec<String> {
        match &self.error {
            ServiceError::Invalid(problems) => problems.iter().map(|p| p.message.clone()).collect(),
            other => vec![other.to_string()],
        }
    }

    /// Whether the form field `field` is one the person must fix.
    pub fn concerns(&self, field: &str) -> bool {
        matches!(&self.error, ServiceError::Invalid(problems) if problems.concerns(field))
    }

    pub fn refusal(&self) -> Option<&Refusal> {
        match &self.error {
            ServiceError::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }

    /// Seconds before another attempt is accepted, when throttled.
    pub fn retry_after(&self) -> Option<i64> {
        match self.error {
            ServiceError::Throttled {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            _ => None,
        }
    }
}

/// Answers a form: `done` with the use case's result when it worked; when the form can be
/// shown again, the page `again` builds for the failure (with the person's input), sent with
/// the failure's status; any other failure as an error page.
pub async fn answer_form<T, Again, Fut>(
    outcome: ServiceResult<T>,
    done: impl FnOnce(T) -> HttpResponse,
    again: Again,
) -> Result<HttpResponse, AppError>
where
    Again: FnOnce(Rejected) -> Fut,
    Fut: Future<Output = Result<HttpResponse, AppError>>,
{
    match outcome {
        Ok(value) => Ok(done(value)),
        Err(error) => show_again(Rejected::from_error(error)?, again).await,
    }
}

/// The page `again` builds for `rejected`, answered with its status (and `Retry-After` when
/// throttled).
pub async fn show_again<Again, Fut>(
    rejected: Rejected,
    again: Again,
) -> Result<HttpResponse, AppError>
where
    Again: FnOnce(Rejected) -> Fut,
    Fut: Future<Output = Result<HttpResponse, AppError>>,
{
    let (status, retry_after) = (rejected.status, rejected.retry_after());
    let mut page = again(rejected).await?;
    *page.status_mut() = status;
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        page.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(page)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    title: &'a str,
    message: &'a str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MergeConflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.response("Imprimatur")
    }
}

/// An error answered to a program: RFC 9457 problem details (`application/problem+json`).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// What kind of problem: one stable URI per kind, e.g.
    /// `tag:imprimatur,2026:problem/not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem, in words.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, for a person to read.
    pub detail: String,
    /// The input that was refused, one entry per problem (empty unless the input was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For a merge conflict: the revision the text was merged with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_revision_id: Option<i64>,
    /// For a merge conflict: each part both sides changed differently, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<MergeConflict>,
}

/// A new revision's merge conflicts with the revision that moved the article on.
#[derive(Debug)]
pub struct MergeConflicts {
    pub newer_revision_id: i64,
    pub newer_number: i32,
    pub newer_author: String,
    pub conflicts: Vec<MergeConflict>,
}

/// One conflict of a merge: the part, and both sides' version of it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MergeConflict {
    /// title, summary, body, references, patient.title, patient.summary or patient.body.
    pub field: String,
    /// Where, in words ("Body, paragraph 3").
    pub place: String,
    /// For the body: the 1-based paragraph (of the merged text) where the conflict starts;
    /// for references: the 1-based position in the merged list.
    pub at: Option<u32>,
    /// The sent text's version: a title, a summary or body paragraphs joined by a blank
    /// line (empty: deleted), or for references one line per reference.
    pub mine: String,
    /// The newer revision's version, in the same form.
    pub theirs: String,
}

/// One problem with one field of the input.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The query parameter or body field.
    pub field: String,
    pub message: String,
}

/// The media type of [`Problem`] answers.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl AppError {
    /// The stable name of the problem's kind, the last part of its `type` URI.
    fn kind(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad-request",
            AppError::Invalid(_) => "invalid-input",
            AppError::SignInRequired { .. } | AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not-found",
            AppError::Conflict(_) => "conflict",
            AppError::Gone(_) => "gone",
            AppError::MethodNotAllowed { .. } => "method-not-allowed",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::UnsupportedMediaType(_) => "unsupported-media-type",
            AppError::Unprocessable(_) => "unprocessable-content",
            AppError::MergeConflict(_) => "merge-conflict",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
        }
    }

    /// The problem details of this error.
    pub fn problem(&self) -> Problem {
        let status = match self {
            // A program is not sent to a sign-in page: it is told it is not signed in.
            AppError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            _ => self.status_code(),
        };
        Problem {
            kind: format!("tag:imprimatur,2026:problem/{}", self.kind()),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail: self.message(),
            errors: match self {
                AppError::Invalid(problems) | AppError::Unprocessable(problems) => problems
                    .iter()
                    .map(|p| FieldProblem {
                        field: p.field.to_string(),
                        message: p.message.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            newer_revision_id: match self {
                AppError::MergeConflict(merge) => Some(merge.newer_revision_id),
                _ => None,
            },
            conflicts: match self {
                AppError::MergeConflict(merge) => merge.conflicts.clone(),
                _ => Vec::new(),
            },
        }
    }

    /// The answer to a program: the problem details, with the status and the headers the
    /// error needs (`Allow`, `Retry-After`).
    pub fn problem_response(&self) -> HttpResponse {
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut response = HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body);
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut HttpResponse) {
        if let AppError::Unauthorized(_) = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"imprimatur\""),
            );
        }
        if let AppError::TooManyRequests { retry_after, .. } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if let AppError::MethodNotAllowed { allow } = self
            && let Ok(value) = HeaderValue::from_str(allow)
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
    }

    /// The answer: a redirect to sign in, or an error page in the layout of `site_name`.
    fn response(&self, site_name: &str) -> HttpResponse {
        if let AppError::SignInRequired { next } = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, crate::urls::login_then(next)))
                .finish();
        }
        let status = self.status_code();
        let message = self.message();
        let page = ErrorPage {
            chrome: Chrome::plain(site_name),
            status: status.as_u16(),
            title: self.title(),
            message: &message,
        };
        let mut response = render::html(status, &page);
        self.add_headers(&mut response);
        response
    }
}

/// Whether `path` is the JSON API's: its errors are problem details, not pages.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Middleware: renders error pages in the layout of this application's site (its name is
/// application state, which `ResponseError` cannot reach), and errors under `/api/` as
/// problem details.
pub async fn render_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let api = is_api(req.path());
    let res = next.call(req).await?;
    let page = match (state, res.response().error()) {
        (_, Some(error)) if api => Some(match error.as_error::<AppError>() {
            Some(error) => error.problem_response(),
            // An error of actix's own (a body it could not read, say): its status, as a
            // problem.
            None => {
                let status = error.as_response_error().status_code();
                AppError::from_status(status, &error.to_string()).problem_response()
            }
        }),
        (Some(state), Some(error)) => error
            .as_error::<AppError>()
            .filter(|e| !matches!(e, AppError::SignInRequired { .. }))
            .map(|e| e.response(&state.site_name())),
        _ => None,
    };
    Ok(match page {
        Some(page) => res.into_response(page).map_into_right_body(),
        None => res.map_into_left_body(),
    })
}
