//! Inviting someone (an account without a password, and a link to set one), and the
//! first-admin link printed at start while no admin exists.

use serde_json::json;

use super::links::{self, IssuedLink};
use crate::db::users::{self, NewUser};
use crate::db::{self, account_tokens};
use crate::domain::accounts::{self as rules, InputError, LinkPurpose};
use crate::domain::audit::AuditAction;
use crate::domain::roles::{Role, RoleSet};
use crate::services::audit::{self, Event};
use crate::services::{Caller, Ctx, Refusal, ServiceResult, notify};

/// What an admin (or the command line) fills in to invite someone.
#[derive(Debug, Clone)]
pub struct InviteInput {
    pub email: String,
    pub display_name: String,
    pub credentials: String,
    pub roles: RoleSet,
}

/// Creates an account without a password and a link for its owner to set one, and queues
/// the invitation email with that link. Admin only.
pub fn invite(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &InviteInput,
) -> ServiceResult<IssuedLink> {
    caller.require(Role::Admin)?;
    let email = rules::normalize_email(&input.email)?;
    let display_name = rules::display_name(&input.display_name)?;
    let credentials = rules::credentials(&input.credentials)?;
    if input.roles.is_empty() {
        return Err(InputError::NoRoles.into());
    }
    let env = ctx.env();
    ctx.write(|tx| {
        if users::email_taken(tx, &email)? {
            return Err(Refusal::EmailTaken(email.clone()).into());
        }
        let now = db::now();
        let user = users::insert(
            tx,
            &NewUser {
                email: &email,
                display_name: &display_name,
                credentials: &credentials,
                password_hash: None,
                is_active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        users::set_roles(tx, user.id, &input.roles)?;
        let link = links::issue(tx, LinkPurpose::Invite, Some(user.id), caller.id())?;
        notify::invitation(tx, env, &user, &link.token, link.expires_at)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::UserInvited)
                .target_user(user.id)
                .details(json!({
                    "email": email,
                    "name": display_name,
                    "roles": input.roles,
                    "link_expires_at": link.expires_at,
                })),
        )?;
        Ok(link)
    })
}

/// While no active admin exists: retires earlier first-admin links and makes a new one.
/// Returns `None` once an admin exists. Run by the server at start.
pub fn first_admin_link(ctx: &mut Ctx<'_>) -> ServiceResult<Option<IssuedLink>> {
    ctx.write(|tx| {
        if users::count_active_admins(tx)? > 0 {
            return Ok(None);
        }
        let purpose = LinkPurpose::Bootstrap;
        account_tokens::retire_unused_unowned(tx, purpose.as_str(), db::now())?;
        links::issue(tx, purpose, None, None).map(Some)
    })
}
