//! `GET|POST /admin/settings`: approval policy, review interval, site texts. Admin only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::pages::{self, Chrome};
use super::session::Admin;
use crate::domain::settings::{
    APPROVALS_MAX, APPROVALS_MIN, INTERVAL_MAX_DAYS, INTERVAL_MIN_DAYS, SettingsInput,
};
use crate::services::settings;

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    input: SettingsInput,
    version: i64,
    notice: Option<&'static str>,
    error: Option<String>,
    approvals_min: i32,
    approvals_max: i32,
    interval_min: i32,
    interval_max: i32,
}

fn page(admin: &Admin, input: SettingsInput, version: i64) -> SettingsPage {
    SettingsPage {
        chrome: admin.chrome("settings"),
        input,
        version,
        notice: None,
        error: None,
        approvals_min: APPROVALS_MIN,
        approvals_max: APPROVALS_MAX,
        interval_min: INTERVAL_MIN_DAYS,
        interval_max: INTERVAL_MAX_DAYS,
    }
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    done: Option<String>,
}

/// `GET /admin/settings`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    let query: SettingsQuery = forms::query(&req)?;
    let current = state.db(settings::current).await?;
    let input = SettingsInput {
        approvals_required: current.approvals_required.to_string(),
        review_interval_days: current.review_interval_days.to_string(),
        site_name: current.site_name,
        disclaimer: current.disclaimer,
        editorial_policy: current.editorial_policy,
    };
    let mut view = page(&admin, input, current.version);
    view.notice = match query.done.as_deref() {
        Some("saved") => Some("Settings saved."),
        Some("unchanged") => Some("Nothing changed."),
        _ => None,
    };
    Ok(pages::ok(&view))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    approvals_required: String,
    #[serde(default)]
    review_interval_days: String,
    #[serde(default)]
    site_name: String,
    #[serde(default)]
    disclaimer: String,
    #[serde(default)]
    editorial_policy: String,
    #[serde(default)]
    version: String,
}

/// `POST /admin/settings`
pub async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let fields = form.fields;
    let version: i64 = fields.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let input = SettingsInput {
        approvals_required: fields.approvals_required,
        review_interval_days: fields.review_interval_days,
        site_name: fields.site_name,
        disclaimer: fields.disclaimer,
        editorial_policy: fields.editorial_policy,
    };
    let caller = admin.caller();
    let submitted = input.clone();
    match state
        .db(move |ctx| settings::update(ctx, &caller, version, &submitted))
        .await
    {
        Ok(true) => Ok(pages::see_other("/admin/settings?done=saved")),
        Ok(false) => Ok(pages::see_other("/admin/settings?done=unchanged")),
        Err(error @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let (status, message, version) = match error {
                AppError::Conflict(m) => {
                    // Offer the newer version, keeping what was typed.
                    let current = state.db(settings::current).await?;
                    (StatusCode::CONFLICT, m, current.version)
                }
                AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m, version),
                _ => return Err(AppError::Internal),
            };
            let mut view = page(&admin, input, version);
            view.error = Some(message);
            Ok(pages::html(status, &view))
        }
        Err(other) => Err(other),
    }
}
