//! Signing in and out.
//!
//! Unknown addresses and wrong passwords get the same answer after the same amount of work.
//! Each attempt is recorded before its password is checked, so concurrent attempts cannot
//! slip past the throttle, and every failure is audited. The throttling rule is in
//! `domain::throttle`: a browser that signed in to an account before (its device cookie)
//! is not held back by its address's limit.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::audit::{self, Event};
use super::{Actor, Ctx, Env, ServiceError, ServiceResult, passwords, secrets, sessions, visitors};
use crate::db::users::{self, User};
use crate::db::{self, login_attempts};
use crate::domain::accounts::EMAIL_MAX_CHARS;
use crate::domain::audit::AuditAction;
use crate::domain::throttle::{self, Decision};
use crate::ids::UserId;

/// A sign-in attempt.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub client_addr: String,
    /// The cookie value of the session the form came from; it is replaced, never promoted.
    pub previous_session: Option<String>,
    /// The browser's device cookie, if it has one (see `domain::throttle`).
    pub device_cookie: Option<String>,
}

#[derive(Debug)]
pub enum Outcome {
    /// A new session: its cookie value, and a fresh device cookie for the browser.
    SignedIn {
        user_id: UserId,
        cookie_value: String,
        device_cookie: String,
    },
    /// Unknown address, wrong password, deactivated account or no password set: one answer.
    Refused,
}

/// The recorded attempt and the account it names, as read before the password check.
struct Claimed {
    attempt_id: i64,
    user: Option<User>,
}

/// Anyone may try: the credentials are the check.
pub fn sign_in(env: &Env, attempt: &Credentials) -> ServiceResult<Outcome> {
    let email: String = attempt
        .email
        .trim()
        .to_lowercase()
        .chars()
        .take(EMAIL_MAX_CHARS)
        .collect();
    let anonymous = Actor::anonymous(&attempt.client_addr);
    let key = env.visitor_key()?;
    let known_device = attempt.device_cookie.as_deref().is_some_and(|cookie| {
        visitors::known_device(&key, cookie, &email, db::now(), visitors::device_lifetime())
    });

    // 1. Throttle check and attempt record, one short transaction.
    let claimed = env.ctx(|ctx| {
        ctx.write(|tx| {
            db::lock_for_transaction(tx, lock_key(&email))?;
            let now = db::now();
            let since = now - throttle::window();
            let account = login_attempts::recent_for_email(tx, &email, since)?;
            let address = login_attempts::recent_for_address(tx, &attempt.client_addr, since)?;
            let user = users::find_by_email(tx, &email)?;
            if let Decision::Wait {
                seconds,
                by_address,
            } = throttle::decide(account, address, known_device, now)
            {
                let mut event = Event::new(AuditAction::LoginThrottled).details(json!({
                    "email": email,
                    "limited_by": if by_address { "client address" } else { "account" },
                    "retry_after_seconds": seconds,
                }));
                if let Some(user) = &user {
                    event = event.target_user(user.id);
                }
                audit::record(tx, &anonymous, event)?;
                return Ok(Err(seconds));
            }
            let attempt_id = login_attempts::record_pending(tx, &email, &attempt.client_addr, now)?;
            Ok(Ok(Claimed { attempt_id, user }))
        })
    })?;
    let claimed = match claimed {
        Ok(claimed) => claimed,
        // Committed the audit row above; now answer.
        Err(seconds) => {
            return Err(ServiceError::Throttled {
                retry_after_seconds: seconds,
            });
        }
    };

    // 2. The password check, holding no connection.
    let stored = claimed
        .user
        .as_ref()
        .and_then(|u| u.password_hash.as_deref());
    let password_ok = passwords::verify(env.hashing(), &attempt.password, stored);

    // 3. The outcome, one transaction: a new session and the audit row, or the failure.
    env.ctx(|ctx| {
        ctx.write(|tx| match &claimed.user {
            Some(user) if password_ok && user.is_active => {
                login_attempts::mark_succeeded(tx, claimed.attempt_id)?;
                users::record_sign_in(tx, user.id, db::now())?;
                let (cookie_value, _) = sessions::create(tx, user.id)?;
                if let Some(previous) = &attempt.previous_session {
                    db::sessions::delete(tx, &secrets::hash_token(previous))?;
                }
                audit::record(
                    tx,
                    &Actor::user(user.id, &user.email, &attempt.client_addr),
                    Event::new(AuditAction::LoginSucceeded).target_user(user.id),
                )?;
                Ok(Outcome::SignedIn {
                    user_id: user.id,
                    cookie_value,
                    device_cookie: visitors::device_cookie(&key, &email, db::now()),
                })
            }
            user => {
                let reason = match user {
                    None => "unknown account",
                    Some(u) if u.password_hash.is_none() => "no password set",
                    Some(u) if !u.is_active => "account deactivated",
                    Some(_) => "wrong password",
                };
                let mut event = Event::new(AuditAction::LoginFailed)
                    .details(json!({ "email": email, "reason": reason }));
                if let Some(user) = user {
                    event = event.target_user(user.id);
                }
                audit::record(tx, &anonymous, event)?;
                Ok(Outcome::Refused)
            }
        })
    })
}

/// Ends a session server-side; the cookie value stops working at once. The cookie is the
/// check: whoever holds it may end it.
pub fn sign_out(ctx: &mut Ctx<'_>, cookie_value: &str, actor: &Actor) -> ServiceResult<()> {
    ctx.write(|tx| {
        let ended = db::sessions::delete(tx, &secrets::hash_token(cookie_value))?;
        if ended > 0 {
            audit::record(tx, actor, Event::new(AuditAction::Logout))?;
        }
        Ok(())
    })
}

/// A PostgreSQL advisory-lock key per email address, so two attempts on one account are
/// counted one after the other.
pub(crate) fn lock_key(email: &str) -> i64 {
    let digest = Sha256::digest(email.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}
