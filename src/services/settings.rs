//! Reading and changing the site settings.

use serde_json::{Map, Value, json};

use super::audit::{self, Event};
use super::{Caller, Ctx, Refusal, ServiceResult};
use crate::db;
use crate::db::settings::{self as rows, Settings, SettingsChanges};
use crate::domain::audit::AuditAction;
use crate::domain::markdown;
use crate::domain::roles::Role;
use crate::domain::settings::{SettingsInput, validate};

/// The settings; public (site name, policy, disclaimer are on every public page).
pub fn current(ctx: &mut Ctx<'_>) -> ServiceResult<Settings> {
    Ok(rows::load(ctx.conn())?)
}

/// Saves new settings if nobody changed them since `version` was read; audits which fields
/// changed, from what to what. Admin only.
pub fn update(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    version: i64,
    input: &SettingsInput,
) -> ServiceResult<bool> {
    caller.require(Role::Admin)?;
    let valid = validate(input)?;
    let policy_html = markdown::render(&valid.editorial_policy, 0);
    ctx.write(|tx| {
        let before = rows::load(tx)?;
        let mut changed = Map::new();
        let mut note = |field: &str, from: Value, to: Value| {
            if from != to {
                changed.insert(field.to_owned(), json!({ "from": from, "to": to }));
            }
        };
        note(
            "approvals_required",
            json!(before.approvals_required),
            json!(valid.approvals_required),
        );
        note(
            "review_interval_days",
            json!(before.review_interval_days),
            json!(valid.review_interval_days),
        );
        note("site_name", json!(before.site_name), json!(valid.site_name));
        note(
            "disclaimer",
            json!(before.disclaimer),
            json!(valid.disclaimer),
        );
        note(
            "editorial_policy",
            json!(before.editorial_policy),
            json!(valid.editorial_policy),
        );
        note(
            "require_specialist",
            json!(before.require_specialist),
            json!(valid.require_specialist),
        );
        note(
            "conflicted_approvals_count",
            json!(before.conflicted_approvals_count),
            json!(valid.conflicted_approvals_count),
        );
        note(
            "review_due_days",
            json!(before.review_due_days),
            json!(valid.review_due_days),
        );
        note(
            "default_audience",
            json!(before.default_audience),
            json!(valid.default_audience.as_str()),
        );
        note(
            "patient_disclaimer",
            json!(before.patient_disclaimer),
            json!(valid.patient_disclaimer),
        );
        if before.version != version {
            return Err(Refusal::SettingsChanged.into());
        }
        if changed.is_empty() {
            return Ok(false);
        }
        let saved = rows::update(
            tx,
            version,
            &SettingsChanges {
                approvals_required: valid.approvals_required,
                review_interval_days: valid.review_interval_days,
                site_name: &valid.site_name,
                disclaimer: &valid.disclaimer,
                editorial_policy: &valid.editorial_policy,
                editorial_policy_html: &policy_html,
                updated_at: db::now(),
                updated_by: caller.id(),
                require_specialist: valid.require_specialist,
                conflicted_approvals_count: valid.conflicted_approvals_count,
                review_due_days: valid.review_due_days,
                default_audience: valid.default_audience.as_str(),
                patient_disclaimer: &valid.patient_disclaimer,
            },
        )?;
        if !saved {
            return Err(Refusal::SettingsChanged.into());
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::SettingsChanged)
                .target_settings()
                .details(Value::Object(changed)),
        )?;
        Ok(true)
    })
}
