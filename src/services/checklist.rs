//! The review checklist an admin keeps: items are added and retired, never edited, so what
//! a review attested keeps the wording it was signed with.

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::{self, checklist as rows};
use crate::domain::audit::AuditAction;
use crate::domain::checklist::{Item, MAX_ACTIVE, valid_text};
use crate::domain::problems::Problems;
use crate::domain::roles::Role;

/// The items in force. Anyone in the workspace (the revision page asks for them).
pub fn in_force(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Vec<Item>> {
    caller.require_any_role()?;
    Ok(rows::in_force(ctx.conn())?)
}

/// Adds an item. Admin only.
pub fn add(ctx: &mut Ctx<'_>, caller: &Caller, text: &str) -> ServiceResult<i64> {
    caller.require(Role::Admin)?;
    let text = valid_text(text)?;
    ctx.write(|tx| {
        if rows::count_in_force(tx)? >= MAX_ACTIVE {
            return Err(Problems::one(
                "text",
                format!("The checklist is full ({MAX_ACTIVE} items): retire one first."),
            )
            .into());
        }
        let id = rows::insert(tx, &text, db::now())?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::ChecklistItemAdded)
                .target_settings()
                .details(json!({ "item": id, "text": text })),
        )?;
        // The editorial policy page lists the checklist.
        tx.public_content_changed();
        Ok(id)
    })
}

/// Retires an item: approvals from now on do not attest it; those that did keep it.
/// Admin only.
pub fn retire(ctx: &mut Ctx<'_>, caller: &Caller, id: i64) -> ServiceResult<String> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let text = rows::retire(tx, id, db::now())?.ok_or(Missing::ChecklistItem)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::ChecklistItemRetired)
                .target_settings()
                .details(json!({ "item": id, "text": text })),
        )?;
        tx.public_content_changed();
        Ok(text)
    })
}
