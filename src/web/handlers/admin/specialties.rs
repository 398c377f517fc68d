//! `GET|POST /admin/specialties`: the specialties reviewers hold and articles need, and who
//! holds each; `POST /admin/specialties/{id}/remove`. Admin only. Which specialties a
//! reviewer holds is set on their account page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::specialties::Specialty;
use crate::domain::problems::Problems;
use crate::domain::specialties::NAME_MAX;
use crate::ids::SpecialtyId;
use crate::services::specialties;
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/specialties.html")]
struct SpecialtiesView {
    chrome: Chrome,
    list: Vec<(Specialty, Vec<String>)>,
    /// What was typed into the form, kept when it is shown again.
    name: String,
    name_max: usize,
    rejected: Option<Rejected>,
}

impl SpecialtiesView {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

async fn page(
    state: &AppState,
    admin: &Admin,
    name: String,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = admin.caller();
    let list = state
        .db(move |ctx| specialties::with_holders(ctx, &caller))
        .await?;
    let chrome = match &rejected {
        Some(rejected) => admin.chrome("settings").with_alerts(rejected.messages()),
        None => admin.chrome("settings"),
    };
    Ok(render::ok(&SpecialtiesView {
        chrome,
        list,
        name,
        name_max: NAME_MAX,
        rejected,
    }))
}

/// `GET /admin/specialties`
pub async fn list(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    page(&state, &admin, String::new(), None).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    name: String,
}

/// `POST /admin/specialties`: adds one.
pub async fn add(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<AddForm>,
) -> Result<HttpResponse, AppError> {
    let name = form.fields.name;
    let caller = admin.caller();
    let typed = name.clone();
    let outcome = state
        .db(move |ctx| specialties::add(ctx, &caller, &typed))
        .await;
    answer_form(
        outcome,
        |_| render::see_other(&Notice::SpecialtyAdded.after(&urls::specialties())),
        |rejected| page(&state, &admin, name.clone(), Some(rejected)),
    )
    .await
}

#[derive(Deserialize)]
pub struct RemoveForm {
    confirm: Option<String>,
}

/// `POST /admin/specialties/{id}/remove`: removes one, once confirmed.
pub async fn remove(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<RemoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = SpecialtyId(forms::path_id(&id, "specialty")?);
    let outcome = if forms::confirmed(form.fields.confirm.as_deref()) {
        let caller = admin.caller();
        state
            .db(move |ctx| specialties::remove(ctx, &caller, id))
            .await
    } else {
        Err(Problems::one(
            "confirm",
            "Tick the box to confirm the removal. Nothing was changed.",
        )
        .into())
    };
    answer_form(
        outcome,
        |_| render::see_other(&Notice::SpecialtyRemoved.after(&urls::specialties())),
        |rejected| page(&state, &admin, String::new(), Some(rejected)),
    )
    .await
}
