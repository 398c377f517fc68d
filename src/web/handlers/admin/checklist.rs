//! `GET|POST /admin/checklist`: the review checklist (what an approval attests);
//! `POST /admin/checklist/{id}/retire`. Admin only.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::checklist::{Item, TEXT_MAX};
use crate::domain::problems::Problems;
use crate::services::checklist;
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/checklist.html")]
struct ChecklistView {
    chrome: Chrome,
    items: Vec<Item>,
    /// What was typed into the form, kept when it is shown again.
    text: String,
    text_max: usize,
    rejected: Option<Rejected>,
}

impl ChecklistView {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

async fn page(
    state: &AppState,
    admin: &Admin,
    text: String,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = admin.caller();
    let items = state
        .db(move |ctx| checklist::in_force(ctx, &caller))
        .await?;
    let chrome = match &rejected {
        Some(rejected) => admin.chrome("settings").with_alerts(rejected.messages()),
        None => admin.chrome("settings"),
    };
    Ok(render::ok(&ChecklistView {
        chrome,
        items,
        text,
        text_max: TEXT_MAX,
        rejected,
    }))
}

/// `GET /admin/checklist`
pub async fn list(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    page(&state, &admin, String::new(), None).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    text: String,
}

/// `POST /admin/checklist`: adds an item.
pub async fn add(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<AddForm>,
) -> Result<HttpResponse, AppError> {
    let text = form.fields.text;
    let caller = admin.caller();
    let typed = text.clone();
    let outcome = state
        .db(move |ctx| checklist::add(ctx, &caller, &typed))
        .await;
    answer_form(
        outcome,
        |_| render::see_other(&Notice::ChecklistItemAdded.after(&urls::checklist())),
        |rejected| page(&state, &admin, text.clone(), Some(rejected)),
    )
    .await
}

#[derive(Deserialize)]
pub struct RetireForm {
    confirm: Option<String>,
}

/// `POST /admin/checklist/{id}/retire`: retires an item, once confirmed.
pub async fn retire(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<RetireForm>,
) -> Result<HttpResponse, AppError> {
    let id = forms::path_id(&id, "checklist item")?;
    let outcome = if forms::confirmed(form.fields.confirm.as_deref()) {
        let caller = admin.caller();
        state
            .db(move |ctx| checklist::retire(ctx, &caller, id))
            .await
    } else {
        Err(Problems::one(
            "confirm",
            "Tick the box to confirm retiring the item. Nothing was changed.",
        )
        .into())
    };
    answer_form(
        outcome,
        |_| render::see_other(&Notice::ChecklistItemRetired.after(&urls::checklist())),
        |rejected| page(&state, &admin, String::new(), Some(rejected)),
    )
    .await
}
