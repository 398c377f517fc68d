//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers'
//! annotations and the types they answer with.

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::{Modify, OpenApi};

use super::{JSON, actions, articles, queue, revisions, writing};
use crate::domain::webhooks::WebhookEvent;
use crate::services::webhooks;
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
    components(schemas(
        Problem,
        FieldProblem,
        MergeConflict,
        queue::QueueList,
        webhooks::Payload,
        webhooks::PayloadLinks
    )),
    modifiers(&TokenScheme, &Webhooks),
    tags(
        (name = "public", description = "Published articles: no token needed."),
        (name = "review", description = "For reviewers: a personal API token (made at /account/tokens) with the `read` or `review` scope."),
        (name = "workspace", description = "What the token's account sees and does in the workspace: a personal API token with a scope that reads; acting takes the scope of the role that acts (`write` for an editor's submit and withdraw, `review` for a reviewer's verdicts)."),
        (name = "writing", description = "For editors and drafting pipelines: a personal API token with the `write` scope."),
        (name = "webhooks", description = "What this server posts to the endpoints admins register at /admin/webhooks."),
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

/// The webhooks (OpenAPI 3.1 `webhooks`): what this server posts to the endpoints admins
/// register at /admin/webhooks, one entry per event, with the signing headers.
struct Webhooks;

impl Modify for Webhooks {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
        use utoipa::openapi::request_body::RequestBodyBuilder;
        use utoipa::openapi::{
            Content, HttpMethod, ObjectBuilder, PathsBuilder, Ref, Required, ResponseBuilder, Type,
        };
        let header = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build()
        };
        let mut paths = PathsBuilder::new();
        for event in WebhookEvent::ALL {
            let operation = OperationBuilder::new()
                .operation_id(Some(format!("webhook.{}", event.as_str())))
                .summary(Some(event.label()))
                .description(Some(
                    "Posted to every endpoint subscribed to this event, from the transaction that recorded it; retried with doubling delays (up to 10 attempts) until the endpoint answers 2xx. Redirects are not followed; the endpoint has 10 s to answer.",
                ))
                .tag("webhooks")
                .parameter(header("Imprimatur-Event", "The event's type, as in the body."))
                .parameter(header("Imprimatur-Delivery", "The event's id, as in the body: the same on every retry, to ignore a repeat."))
                .parameter(header("Imprimatur-Timestamp", "When this attempt was signed, in Unix seconds: refuse one more than a few minutes old."))
                .parameter(header("Imprimatur-Signature", "`v1=` and the hex HMAC-SHA256, keyed with the webhook's secret, of the timestamp, a dot and the raw body."))
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .required(Some(Required::True))
                        .content(
                            "application/json",
                            Content::new(Some(Ref::from_schema_name("Payload"))),
                        )
                        .build(),
                ))
                .response("2XX", ResponseBuilder::new().description("Received: not sent again."))
                .response("default", ResponseBuilder::new().description("Not received: sent again later."))
                .build();
            paths = paths.path(event.as_str(), PathItem::new(HttpMethod::Post, operation));
        }
        doc.webhooks = Some(paths.build());
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
