//! `GET|POST /admin/settings`: approval policy, review interval, site texts. Admin only.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::problems::Problems;
use crate::domain::settings::{
    APPROVALS_MAX, APPROVALS_MIN, DUE_MAX_DAYS, DUE_MIN_DAYS, INTERVAL_MAX_DAYS, INTERVAL_MIN_DAYS,
    SettingsInput,
};
use crate::services::{Refusal, settings};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{Admin, CsrfForm};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    input: SettingsInput,
    version: i64,
    approvals_min: i32,
    approvals_max: i32,
    interval_min: i32,
    interval_max: i32,
    due_min: i32,
    due_max: i32,
    rejected: Option<Rejected>,
}

impl SettingsPage {
    fn new(chrome: Chrome, input: SettingsInput, version: i64) -> Self {
        SettingsPage {
            chrome,
            input,
            version,
            approvals_min: APPROVALS_MIN,
            approvals_max: APPROVALS_MAX,
            interval_min: INTERVAL_MIN_DAYS,
            interval_max: INTERVAL_MAX_DAYS,
            due_min: DUE_MIN_DAYS,
            due_max: DUE_MAX_DAYS,
            rejected: None,
        }
    }

    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

/// `GET /admin/settings`
pub async fn show(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    let current = state.db(settings::current).await?;
    let input = SettingsInput {
        approvals_required: current.approvals_required.to_string(),
        review_interval_days: current.review_interval_days.to_string(),
        site_name: current.site_name,
        disclaimer: current.disclaimer,
        editorial_policy: current.editorial_policy,
        require_specialist: current.require_specialist,
        conflicted_approvals_count: current.conflicted_approvals_count,
        review_due_days: current.review_due_days.to_string(),
        default_audience: current.default_audience,
        patient_disclaimer: current.patient_disclaimer,
    };
    Ok(render::ok(&SettingsPage::new(
        admin.chrome("settings"),
        input,
        current.version,
    )))
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
    /// A checkbox: present when ticked.
    #[serde(default)]
    require_specialist: Option<String>,
    #[serde(default)]
    conflicted_approvals_count: Option<String>,
    #[serde(default)]
    review_due_days: String,
    #[serde(default)]
    default_audience: String,
    #[serde(default)]
    patient_disclaimer: String,
}

/// `POST /admin/settings`
pub async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let fields = form.fields;
    let input = SettingsInput {
        approvals_required: fields.approvals_required,
        review_interval_days: fields.review_interval_days,
        site_name: fields.site_name,
        disclaimer: fields.disclaimer,
        editorial_policy: fields.editorial_policy,
        require_specialist: fields.require_specialist.is_some(),
        conflicted_approvals_count: fields.conflicted_approvals_count.is_some(),
        review_due_days: fields.review_due_days,
        default_audience: fields.default_audience,
        patient_disclaimer: fields.patient_disclaimer,
    };
    let version = fields.version.trim().parse::<i64>().ok();
    let outcome = match version {
        Some(version) => {
            let caller = admin.caller();
            let submitted = input.clone();
            state
                .db(move |ctx| settings::update(ctx, &caller, version, &submitted))
                .await
        }
        None => Err(Problems::one(
            "version",
            "The form is missing its version; reload the page.",
        )
        .into()),
    };
    answer_form(
        outcome,
        |changed| {
            let done = if changed {
                Notice::SettingsSaved
            } else {
                Notice::SettingsUnchanged
            };
            render::see_other(&done.after(&urls::settings()))
        },
        |rejected| async move {
            // Someone else saved meanwhile: offer their version, keeping what was typed.
            let version = match rejected.refusal() {
                Some(Refusal::SettingsChanged) => state.db(settings::current).await?.version,
                _ => version.unwrap_or_default(),
            };
            let mut page = SettingsPage::new(
                admin.chrome("settings").with_alerts(rejected.messages()),
                input,
                version,
            );
            page.rejected = Some(rejected);
            Ok(render::ok(&page))
        },
    )
    .await
}
