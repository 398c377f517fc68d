//! Handlers, grouped by area. Each extracts its input, calls one use case and renders; the
//! rules live below, in the services.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod public;
pub mod workspace;

use actix_web::{HttpRequest, HttpResponse};

use super::error::AppError;

/// Every address no route matches.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    tracing::debug!(path = req.path(), "no route");
    Err(AppError::not_found())
}
