//! A person changing their own password: the current one is required (and counts towards
//! the sign-in throttle of the account, since a wrong one is a guess), the new one meets the
//! same rule as everywhere, and every other session of the account ends with the change.

use serde_json::json;

use super::super::audit::{self, Event};
use super::super::{Caller, Env, Missing, ServiceError, ServiceResult, auth, passwords};
use crate::db::{self, login_attempts, sessions, users};
use crate::domain::accounts as rules;
use crate::domain::audit::AuditAction;
use crate::domain::problems::Problems;
use crate::domain::throttle::{self, Decision};

/// What the password form sends.
#[derive(Debug, Clone, Default)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Changes the caller's password and ends their other sessions (`keep` is the id hash of
/// the session the change was made from). Returns how many sessions ended. Passwords are
/// hashed and checked holding no connection.
pub fn change_password(
    env: &Env,
    caller: &Caller,
    keep: &str,
    change: &PasswordChange,
    client_addr: &str,
) -> ServiceResult<usize> {
    let me = caller.me()?;
    if change.current.is_empty() {
        return Err(Problems::one("current_password", "Enter your current password.").into());
    }
    rules::check_new_password(&change.new, &change.confirm)?;

    // 1. The throttle of the account's sign-ins, and this attempt recorded in it.
    let (user, attempt) = env
        .ctx(|ctx| {
            ctx.write(|tx| {
                let user = users::find_by_id(tx, me)?
                    .filter(|u| u.is_active)
                    .ok_or(Missing::Account)?;
                db::lock_for_transaction(tx, auth::lock_key(&user.email))?;
                let now = db::now();
                let since = now - throttle::window();
                let account = login_attempts::recent_for_email(tx, &user.email, since)?;
                let address = login_attempts::recent_for_address(tx, client_addr, since)?;
                // Signed in on this browser: only the account's own limit applies.
                if let Decision::Wait { seconds, .. } =
                    throttle::decide(account, address, true, now)
                {
                    return Ok(Err(seconds));
                }
                let attempt = login_attempts::record_pending(tx, &user.email, client_addr, now)?;
                Ok(Ok((user, attempt)))
            })
        })?
        .map_err(|seconds| ServiceError::Throttled {
            retry_after_seconds: seconds,
        })?;

    // 2. The current password checked, and the new one hashed, outside any transaction.
    if !passwords::verify(
        env.hashing(),
        &change.current,
        user.password_hash.as_deref(),
    ) {
        env.ctx(|ctx| {
            audit::record_alone(
                ctx,
                caller.actor(),
                Event::new(AuditAction::PasswordChangeRefused)
                    .target_user(me)
                    .details(json!({ "reason": "wrong current password" })),
            )
        })?;
        return Err(Problems::one(
            "current_password",
            "That is not your current password. Nothing was changed.",
        )
        .into());
    }
    let hash = passwords::hash(env.hashing(), &change.new)?;

    // 3. The change, the other sessions' end and the audit row, together.
    env.ctx(|ctx| {
        ctx.write(|tx| {
            login_attempts::mark_succeeded(tx, attempt)?;
            users::set_password_hash(tx, me, &hash, db::now())?;
            let ended = sessions::delete_others(tx, me, keep)?;
            audit::record(
                tx,
                caller.actor(),
                Event::new(AuditAction::PasswordSet)
                    .target_user(me)
                    .details(json!({ "via": "account", "other_sessions_ended": ended })),
            )?;
            Ok(ended)
        })
    })
}
