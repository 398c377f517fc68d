//! `POST /admin/articles/{id}/retract`: take a published article off the public site.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::CsrfForm;
use super::manage_articles::{article_page, parse_id};
use super::pages;
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
    if fields.confirm.as_deref() != Some("yes") {
        let message = "Tick the box to confirm the retraction. Nothing was changed.".to_owned();
        return article_page(
            &state,
            &admin,
            article,
            None,
            Some((StatusCode::BAD_REQUEST, message)),
        )
        .await;
    }
    let caller = admin.caller();
    let reason = fields.reason;
    match state
        .db(move |conn| publishing::retract(conn, &caller, article, &reason))
        .await
    {
        Ok(()) => Ok(pages::see_other(&format!(
            "/manage/articles/{article}?done=retracted"
        ))),
        Err(AppError::BadRequest(m)) => {
            article_page(
                &state,
                &admin,
                article,
                None,
                Some((StatusCode::BAD_REQUEST, m)),
            )
            .await
        }
        Err(AppError::Conflict(m)) => {
            article_page(
                &state,
                &admin,
                article,
                None,
                Some((StatusCode::CONFLICT, m)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
