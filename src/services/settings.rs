//! Reading and changing the site settings.

use serde_json::{Map, Value, json};

use super::audit::{self, Event};
use super::{Caller, ServiceError, ServiceResult};
use crate::db::settings::{self as rows, Settings, SettingsChanges};
use crate::db::{self, DbConn};
use crate::domain::audit::AuditAction;
use crate::domain::markdown;
use crate::domain::roles::Role;
use crate::domain::settings::{SettingsInput, validate};

pub fn current(conn: &mut DbConn) -> ServiceResult<Settings> {
    Ok(rows::load(conn)?)
}

/// Saves new settings if nobody changed them since `version` was read; audits which fields
/// changed, from what to what.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    version: i64,
    input: &SettingsInput,
) -> ServiceResult<bool> {
    caller.require(Role::Admin)?;
    let valid = validate(input).map_err(|problems| ServiceError::BadInput(problems.join(" ")))?;
    let policy_html = markdown::render(&valid.editorial_policy, 0);
    let changed = db::write_tx(conn, |conn| {
        let before = rows::load(conn)?;
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
        if before.version != version {
            return Err(ServiceError::Conflict(
                "Someone changed the settings since you opened this page. Your changes are shown below; save again to keep them.".into(),
            ));
        }
        if changed.is_empty() {
            return Ok(false);
        }
        let saved = rows::update(
            conn,
            version,
            &SettingsChanges {
                approvals_required: valid.approvals_required,
                review_interval_days: valid.review_interval_days,
                site_name: &valid.site_name,
                disclaimer: &valid.disclaimer,
                editorial_policy: &valid.editorial_policy,
                editorial_policy_html: &policy_html,
                updated_at: db::now(),
                updated_by: Some(caller.id),
            },
        )?;
        if !saved {
            return Err(ServiceError::Conflict(
                "Someone changed the settings at the same moment. Save again to keep yours.".into(),
            ));
        }
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::SettingsChanged)
                .target_settings()
                .details(Value::Object(changed)),
        )?;
        Ok(true)
    })?;
    if changed {
        super::publishing::changed(conn);
    }
    Ok(changed)
}
