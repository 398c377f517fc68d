//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers'
//! annotations and the types they answer with.

use actix_web::{HttpResponse, web};
use utoipa::OpenApi;
use utoipa::openapi::server::Server;

use super::{JSON, articles};
use crate::web::error::{AppError, FieldProblem, Problem};
use crate::web::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Imprimatur API",
        description = "Published articles with their review provenance. Errors are RFC 9457 problem details (application/problem+json), with a stable `type` per kind of problem.",
        license(name = "Proprietary"),
    ),
    paths(articles::list, articles::show),
    components(schemas(Problem, FieldProblem)),
    tags((name = "public", description = "Published articles: no token needed.")),
)]
pub struct ApiDoc;

/// The document, with this server as the one to call.
pub fn document(public_url: &str) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.servers = Some(vec![Server::new(public_url)]);
    doc
}

/// `GET /api/openapi.json`
pub async fn serve(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let body = document(&state.config.public_url)
        .to_json()
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type(JSON).body(body))
}
