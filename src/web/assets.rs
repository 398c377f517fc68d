//! Static assets, compiled into the binary and served with long-lived cache headers. Links
//! carry a content hash (`?v=`), so a new build is fetched at once and an old one never is.

use std::sync::LazyLock;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/style.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../assets/favicon.svg"),
    },
];

/// A short content hash per asset, computed once.
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hex::encode(&Sha256::digest(a.body)[..8]))
        .collect()
});

fn version_of(name: &str) -> Option<&'static str> {
    let index = ASSETS.iter().position(|a| a.name == name)?;
    VERSIONS.get(index).map(String::as_str)
}

/// The stylesheet's address, with its version.
pub fn stylesheet_path() -> String {
    format!(
        "/assets/style.css?v={}",
        version_of("style.css").unwrap_or("0")
    )
}

/// `GET /assets/{name}`
pub async fn serve(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = name.into_inner();
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(AppError::not_found)?;
    let etag = format!("\"{}\"", version_of(&name).unwrap_or("0"));
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
