//! `GET /healthz` for load balancers and uptime checks.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, web};

use crate::services::health;
use crate::web::state::AppState;

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let healthy = state
        .with_env(health::check)
        .await
        .map_err(|e| e.to_string());
    let (mut response, body) = match healthy {
        Ok(()) => (HttpResponse::Ok(), "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (HttpResponse::ServiceUnavailable(), "database unavailable\n")
        }
    };
    response
        .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(body)
}
