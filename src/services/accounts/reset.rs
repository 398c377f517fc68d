//! Someone asking for a password reset by email address, from the sign-in page.

use serde_json::json;

use super::links;
use crate::db::{self, account_tokens, users};
use crate::domain::accounts::{EMAIL_MAX_CHARS, LinkPurpose};
use crate::domain::audit::AuditAction;
use crate::services::audit::{self, Event};
use crate::services::{Actor, Ctx, ServiceResult, notify};

/// How long after a reset link was made another request for the same account is ignored.
fn cooldown() -> chrono::Duration {
    chrono::Duration::minutes(2)
}

/// Whether or not an account exists, the answer is the same (so addresses cannot be
/// probed); an active account gets a link by email, at most one per cooldown. Audited
/// either way. Anyone may ask: the link goes only to the account's own address.
pub fn request_reset(ctx: &mut Ctx<'_>, email: &str, client_addr: &str) -> ServiceResult<()> {
    let key: String = email
        .trim()
        .to_lowercase()
        .chars()
        .take(EMAIL_MAX_CHARS)
        .collect();
    let anonymous = Actor::anonymous(client_addr);
    let env = ctx.env();
    ctx.write(|tx| {
        let user = users::find_by_email(tx, &key)?;
        let mut event = Event::new(AuditAction::ResetRequested).details(json!({ "email": key }));
        if let Some(user) = user.filter(|u| u.is_active) {
            event = event.target_user(user.id);
            let recent = account_tokens::newest_for_user(tx, user.id, LinkPurpose::Reset.as_str())?
                .is_some_and(|created| db::now() - created < cooldown());
            if !recent {
                account_tokens::retire_unused_for_user(tx, user.id, db::now())?;
                let link = links::issue(tx, LinkPurpose::Reset, Some(user.id), None)?;
                notify::password_reset(tx, env, &user, &link.token, link.expires_at)?;
            }
        }
        audit::record(tx, &anonymous, event)?;
        Ok(())
    })
}
