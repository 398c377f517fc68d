//! Public pages that need no session, and the health check.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::AppState;
use super::error::AppError;
use super::pages::{self, Chrome};

#[derive(Template)]
#[template(path = "public/home.html")]
struct Home {
    chrome: Chrome,
}

/// `GET /`
pub async fn home() -> HttpResponse {
    pages::ok(&Home {
        chrome: Chrome::plain(),
    })
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let healthy = web::block(move || {
        let mut conn = pool.get_timeout(std::time::Duration::from_secs(2))?;
        crate::db::ping(&mut conn).map_err(crate::services::ServiceError::from)
    })
    .await;
    let (mut response, body) = match healthy {
        Ok(Ok(())) => (HttpResponse::Ok(), "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check failed");
            (HttpResponse::ServiceUnavailable(), "database unavailable\n")
        }
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (HttpResponse::ServiceUnavailable(), "database unavailable\n")
        }
    };
    response
        .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(body)
}

/// Every address no route matches.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    tracing::debug!(path = req.path(), "no route");
    Err(AppError::not_found())
}
