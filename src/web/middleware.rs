//! Response headers every answer carries, and the request-size guard.

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::{DefaultHeaders, Next};

use super::error::AppError;
use super::extract::forms::MAX_ARTICLE_FORM_BYTES;

/// No inline scripts or styles, nothing from other origins, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers on every response, error pages and assets included. `Cache-Control`
/// defaults to `no-store` (pages show personal data); assets and public pages set their own.
/// With an https public URL, browsers are told to use only https (HSTS) for a year.
pub fn security(https: bool) -> DefaultHeaders {
    let headers = if https {
        DefaultHeaders::new().add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cache-Control", "no-store"))
}

/// Answers 413 to a request that declares a body larger than any route accepts, before
/// reading it. Routes with smaller limits, and bodies without a declared length, are cut
/// off by the form extractor instead.
pub async fn limit_body(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_ARTICLE_FORM_BYTES as u64) {
        let response = if super::error::is_api(req.path()) {
            AppError::PayloadTooLarge.problem_response()
        } else {
            AppError::PayloadTooLarge.error_response()
        };
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Refuses an API token sent to a page (401): pages take the browser's session, and a
/// token must not work where a cross-site form could use the browser's credentials.
pub async fn refuse_tokens_outside_api(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    if !super::error::is_api(req.path()) && super::extract::bearer::bearer(req.request()).is_some()
    {
        return Err(AppError::Unauthorized(
            "API tokens work only under /api/. Sign in to use the site's pages.".into(),
        )
        .into());
    }
    next.call(req).await
}

/// The request line for the access log, with one-time link tokens masked.
pub fn loggable_request(req: &ServiceRequest) -> String {
    let path = req.path();
    let secret_links = crate::urls::setup("");
    if path.starts_with(&secret_links) {
        format!("{} {secret_links}…", req.method())
    } else {
        format!("{} {path}", req.method())
    }
}
