//! The one error type at the web edge: an explicit status for every case, a page in the site
//! layout for people, and the underlying cause in the log (never on the page). And the one
//! place that decides which failures a form shows again with what the person typed.

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
    /// Anonymous request to a workspace page: go to the sign-in page, then come back.
    #[error("sign-in required")]
    SignInRequired { next: String },
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

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "That request could not be understood",
            AppError::SignInRequired { .. } => "Sign in required",
            AppError::Forbidden(_) => "Not allowed",
            AppError::NotFound(_) => "Not found",
            AppError::Conflict(_) => "Conflict",
            AppError::Gone(_) => "No longer available",
            AppError::MethodNotAllowed { .. } => "Method not allowed",
            AppError::PayloadTooLarge => "Too large",
            AppError::TooManyRequests { .. } => "Too many attempts",
            AppError::Unavailable => "Temporarily unavailable",
            AppError::Internal => "Something went wrong",
        }
    }

    fn message(&self) -> String {
        match self {
            AppError::BadRequest(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::Gone(m)
            | AppError::TooManyRequests { message: m, .. } => m.clone(),
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
            ServiceError::Invalid(_) => AppError::BadRequest(message),
            ServiceError::Refused(refusal) => match refusal.kind() {
                RefusalKind::Forbidden => AppError::Forbidden(message),
                RefusalKind::Conflict => AppError::Conflict(message),
                RefusalKind::Gone => AppError::Gone(message),
            },
            ServiceError::Workflow(e) if e.is_permission() => AppError::Forbidden(message),
            ServiceError::Workflow(_) | ServiceError::Contended => AppError::Conflict(message),
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
        AppError::BadRequest(problems.to_string())
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
            ServiceError::Contended => StatusCode::CONFLICT,
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
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.response("Imprimatur")
    }
}

impl AppError {
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
        response
    }
}

/// Middleware: renders error pages in the layout of this application's site (its name is
/// application state, which `ResponseError` cannot reach).
pub async fn render_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let page = match (state, res.response().error()) {
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
