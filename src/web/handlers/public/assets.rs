//! `GET /assets/{name}`: the compiled-in assets, with long-lived cache headers (their links
//! carry a content hash).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::web::assets;
use crate::web::error::AppError;

pub async fn serve(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (asset, version) = assets::find(&name).ok_or_else(AppError::not_found)?;
    let etag = format!("\"{version}\"");
    let cache = "public, max-age=31536000, immutable";
    let matches = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((ETAG, etag))
            .insert_header((CACHE_CONTROL, cache))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, asset.content_type))
        .insert_header((ETAG, etag))
        .insert_header((CACHE_CONTROL, cache))
        .body(asset.body))
}
