//! `POST /admin/articles/{id}/retract`: take a published article off the public site.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::CsrfForm;
use super::manage_articles::{article_outcome, parse_id};
use super::session::Admin;
use crate::ids::ArticleId;
use crate::services::publishing;

#[derive(Deserialize)]
pub struct RetractForm {
    #[serde(default)]
    reason: String,
    confirm: Option<String>,
}

pub async fn retract(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<RetractForm>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(parse_id(&id, "article")?);
    let fields = form.fields;
    let outcome = if fields.confirm.as_deref() == Some("yes") {
        let caller = admin.caller();
        let reason = fields.reason;
        state
            .db(move |ctx| publishing::retract(ctx, &caller, article, &reason))
            .await
    } else {
        Err(AppError::BadRequest(
            "Tick the box to confirm the retraction. Nothing was changed.".into(),
        ))
    };
    article_outcome(&state, &admin, article, outcome, "retracted").await
}
