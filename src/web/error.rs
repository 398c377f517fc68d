//! The one error type at the web edge: an explicit status for every case, a page in the site
//! layout for people, and the underlying cause in the log (never on the page).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::pages::Chrome;
use crate::services::ServiceError;

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
        match error {
            ServiceError::Invalid(e) => AppError::BadRequest(e.to_string()),
            ServiceError::InvalidContent(e) => AppError::BadRequest(e.to_string()),
            ServiceError::BadInput(m) => AppError::BadRequest(m),
            ServiceError::Workflow(e) if e.is_permission() => AppError::Forbidden(e.to_string()),
            ServiceError::Workflow(e) => AppError::Conflict(e.to_string()),
            error @ (ServiceError::ArticleMoved { .. } | ServiceError::Contended) => {
                AppError::Conflict(error.to_string())
            }
            ServiceError::NotFound(m) => AppError::NotFound(m.into()),
            ServiceError::Forbidden(m) => AppError::Forbidden(m),
            ServiceError::Conflict(m) => AppError::Conflict(m),
            ServiceError::Gone(m) => AppError::Gone(m),
            ServiceError::Throttled { seconds, message } => AppError::TooManyRequests {
                message,
                retry_after: seconds,
            },
            ServiceError::Unavailable(e) => {
                tracing::error!(cause = %e, "database pool unavailable");
                AppError::Unavailable
            }
            ServiceError::Database(e) => AppError::internal(format!("database: {e}")),
            ServiceError::Internal(m) => AppError::internal(m),
        }
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
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired { next } = self {
            let location = format!("/login?next={}", super::forms::encode(next));
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        let status = self.status_code();
        let message = self.message();
        let page = ErrorPage {
            chrome: Chrome::plain(),
            status: status.as_u16(),
            title: self.title(),
            message: &message,
        };
        let mut response = super::pages::html(status, &page);
        if let AppError::TooManyRequests { retry_after, .. } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
