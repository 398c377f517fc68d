//! `POST /admin/articles/{id}/retract`: take a published article off the public site. The
//! form is on the article's workspace page, which answers.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::problems::Problems;
use crate::ids::ArticleId;
use crate::services::publishing;
use crate::web::error::AppError;
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::handlers::workspace::article;
use crate::web::notice::Notice;
use crate::web::state::AppState;

#[derive(Deserialize)]
pub struct RetractForm {
    #[serde(default)]
    reason: String,
    /// A different reason for readers (blank: readers see `reason`).
    #[serde(default)]
    notice: String,
    confirm: Option<String>,
}

pub async fn retract(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<RetractForm>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(forms::path_id(&id, "article")?);
    let fields = form.fields;
    let outcome = if forms::confirmed(fields.confirm.as_deref()) {
        let caller = admin.caller();
        let retraction = publishing::Retraction {
            reason: fields.reason,
            notice: fields.notice,
        };
        state
            .db(move |ctx| publishing::retract(ctx, &caller, article, &retraction))
            .await
    } else {
        Err(Problems::one(
            "confirm",
            "Tick the box to confirm the retraction. Nothing was changed.",
        )
        .into())
    };
    article::answer(&state, &admin, article, outcome, Notice::Retracted).await
}
