//! Deactivating an account (it can no longer sign in; its sessions and links end at once)
//! and reactivating it.

use serde_json::json;

use super::ADMINS_LOCK;
use crate::db::{self, account_tokens, sessions, users};
use crate::domain::accounts::keeps_an_admin;
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;
use crate::ids::UserId;
use crate::services::audit::{self, Event};
use crate::services::{Caller, Ctx, Missing, Refusal, ServiceResult};

/// Deactivates an account: it can no longer sign in, its sessions end at once and its unused
/// links stop working. Returns how many sessions were ended. Admin only.
pub fn deactivate(ctx: &mut Ctx<'_>, caller: &Caller, user_id: UserId) -> ServiceResult<usize> {
    caller.require(Role::Admin)?;
    if caller.is(user_id) {
        return Err(Refusal::OwnAccount.into());
    }
    ctx.write(|tx| {
        db::lock_for_transaction(tx, ADMINS_LOCK)?;
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        if !user.is_active {
            return Err(Refusal::AlreadyDeactivated(user.email).into());
        }
        let was_admin = users::roles_of(tx, user_id)?.has(Role::Admin);
        if !keeps_an_admin(users::count_active_admins(tx)?, was_admin, false) {
            return Err(Refusal::LastAdmin.into());
        }
        let now = db::now();
        if users::set_active(tx, user_id, false, now)? == 0 {
            return Err(Refusal::AlreadyDeactivated(user.email).into());
        }
        let ended = sessions::delete_for_user(tx, user_id)?;
        account_tokens::retire_unused_for_user(tx, user_id, now)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::UserDeactivated)
                .target_user(user_id)
                .details(json!({ "email": user.email, "sessions_ended": ended })),
        )?;
        Ok(ended)
    })
}

/// Lets a deactivated account sign in again. Admin only.
pub fn reactivate(ctx: &mut Ctx<'_>, caller: &Caller, user_id: UserId) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        if users::set_active(tx, user_id, true, db::now())? == 0 {
            return Err(Refusal::AlreadyActive(user.email).into());
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::UserReactivated)
                .target_user(user_id)
                .details(json!({ "email": user.email })),
        )?;
        Ok(())
    })
}
