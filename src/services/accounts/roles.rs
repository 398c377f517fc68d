//! Changing which roles an account holds.

use serde_json::json;

use super::ADMINS_LOCK;
use crate::db::{self, users};
use crate::domain::accounts::{InputError, keeps_an_admin};
use crate::domain::audit::AuditAction;
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;
use crate::services::audit::{self, Event};
use crate::services::{Caller, Ctx, Missing, Refusal, ServiceResult};

/// Replaces an account's roles. Refuses to leave the site without an active admin. Returns
/// whether anything changed. Admin only.
pub fn change_roles(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    user_id: UserId,
    roles: &RoleSet,
) -> ServiceResult<bool> {
    caller.require(Role::Admin)?;
    if roles.is_empty() {
        return Err(InputError::NoRoles.into());
    }
    ctx.write(|tx| {
        db::lock_for_transaction(tx, ADMINS_LOCK)?;
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        let before = users::roles_of(tx, user_id)?;
        if &before == roles {
            return Ok(false);
        }
        let was_admin = user.is_active && before.has(Role::Admin);
        let is_admin = user.is_active && roles.has(Role::Admin);
        if !keeps_an_admin(users::count_active_admins(tx)?, was_admin, is_admin) {
            return Err(Refusal::LastAdmin.into());
        }
        users::set_roles(tx, user_id, roles)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::RolesChanged)
                .target_user(user_id)
                .details(json!({ "email": user.email, "from": before, "to": roles })),
        )?;
        Ok(true)
    })
}
