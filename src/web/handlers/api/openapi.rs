//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers'
//! annotations and the types they answer with.

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::{Modify, OpenApi};

use super::{JSON, actions, articles, queue, revisions, writing};
use crate::web::error::{AppError, FieldProblem, MergeConflict, Problem};
use crate::web::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Imprimatur API",
        description = "Published articles with their review provenance; drafting, submitting and reviewing revisions; the review queue. Errors are RFC 9457 problem details (application/problem+json), with a stable `type` per kind of problem. Requests that need a token take it as `Authorization: Bearer <token>`; the API takes no cookies.",
        license(name = "Proprietary"),
    ),
    paths(
        articles::list,
        articles::show,
        writing::create,
        writing::revisions,
        writing::create_revision,
        queue::list,
        revisions::show,
        actions::act,
    ),
    components(schemas(Problem, FieldProblem, MergeConflict, queue::QueueList)),
    modifiers(&TokenScheme),
    tags(
        (name = "public", description = "Published articles: no token needed."),
        (name = "review", description = "For reviewers: a personal API token (made at /account/tokens) with the `read` or `review` scope."),
        (name = "workspace", description = "What the token's account sees and does in the workspace: a personal API token with a scope that reads; acting takes the scope of the role that acts (`write` for an editor's submit and withdraw, `review` for a reviewer's verdicts)."),
        (name = "writing", description = "For editors and drafting pipelines: a personal API token with the `write` scope."),
    ),
)]
pub struct ApiDoc;

/// The security scheme: a personal API token as a Bearer token.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            let mut scheme = Http::new(HttpAuthScheme::Bearer);
            scheme.description = Some(
                "A personal API token (`imp_` and 64 hex digits), made at /account/tokens.".into(),
            );
            components.add_security_scheme("token", SecurityScheme::Http(scheme));
        }
    }
}

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
