//! One-time links that set a password: making them (invitations, resets, the first admin),
//! showing what they are for, and redeeming them.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::account_tokens::{self, AccountToken, NewAccountToken};
use crate::db::users::{self, NewUser, User};
use crate::db::{self, DbConn, Tx, sessions};
use crate::domain::accounts::{self as rules, LinkPurpose, LinkState};
use crate::domain::audit::AuditAction;
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;
use crate::services::audit::{self, Event};
use crate::services::{
    Actor, Caller, Ctx, Env, Missing, Refusal, ServiceResult, notify, passwords, secrets,
};

/// A freshly made one-time link. The token is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub user_id: Option<UserId>,
    pub token: String,
    pub expires_at: NaiveDateTime,
}

impl IssuedLink {
    /// The path of the page that redeems it.
    pub fn path(&self) -> String {
        crate::urls::setup(&self.token)
    }
}

/// Stores the hash of a new random token and returns the token.
pub(super) fn issue(
    conn: &mut DbConn,
    purpose: LinkPurpose,
    user_id: Option<UserId>,
    created_by: Option<UserId>,
) -> ServiceResult<IssuedLink> {
    let token = secrets::random_token()?;
    let now = db::now();
    let expires_at = now + purpose.valid_for();
    account_tokens::insert(
        conn,
        &NewAccountToken {
            token_hash: &secrets::hash_token(&token),
            purpose: purpose.as_str(),
            user_id,
            created_by,
            created_at: now,
            expires_at,
        },
    )?;
    Ok(IssuedLink {
        user_id,
        token,
        expires_at,
    })
}

/// Makes a password-reset link for an active account (earlier unused links stop working)
/// and queues the email that carries it. Admin only.
pub fn issue_reset_link(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    user_id: UserId,
) -> ServiceResult<IssuedLink> {
    caller.require(Role::Admin)?;
    let env = ctx.env();
    ctx.write(|tx| {
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        if !user.is_active {
            return Err(Refusal::Deactivated(user.email).into());
        }
        account_tokens::retire_unused_for_user(tx, user_id, db::now())?;
        let link = issue(tx, LinkPurpose::Reset, Some(user_id), caller.id())?;
        notify::password_reset(tx, env, &user, &link.token, link.expires_at)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::ResetLinkIssued)
                .target_user(user_id)
                .details(json!({ "email": user.email, "link_expires_at": link.expires_at })),
        )?;
        Ok(link)
    })
}

/// What the page behind a one-time link shows.
#[derive(Debug, Clone)]
pub enum LinkView {
    /// Create the first admin: asks for email, name and password.
    FirstAdmin { expires_at: NaiveDateTime },
    /// Set the password of an existing account.
    SetPassword {
        purpose: LinkPurpose,
        email: String,
        display_name: String,
        expires_at: NaiveDateTime,
    },
}

/// Finds a usable link, or says clearly why it cannot be used. The token is the
/// credential: whoever holds it may see what it is for.
pub fn open_link(ctx: &mut Ctx<'_>, token: &str) -> ServiceResult<LinkView> {
    let (link, purpose, user) = usable(ctx.conn(), token)?;
    Ok(match (purpose, user) {
        (LinkPurpose::Bootstrap, _) | (_, None) => LinkView::FirstAdmin {
            expires_at: link.expires_at,
        },
        (purpose, Some(user)) => LinkView::SetPassword {
            purpose,
            email: user.email,
            display_name: user.display_name,
            expires_at: link.expires_at,
        },
    })
}

fn usable(
    conn: &mut DbConn,
    token: &str,
) -> ServiceResult<(AccountToken, LinkPurpose, Option<User>)> {
    if !secrets::looks_like_token(token) {
        return Err(Missing::Link.into());
    }
    let link =
        account_tokens::find_by_hash(conn, &secrets::hash_token(token))?.ok_or(Missing::Link)?;
    let purpose = LinkPurpose::parse(&link.purpose).ok_or(Missing::Link)?;
    match rules::link_state(link.used_at, link.expires_at, db::now()) {
        LinkState::Usable => {}
        LinkState::Used => return Err(Refusal::LinkUsed.into()),
        LinkState::Expired => return Err(Refusal::LinkExpired(link.expires_at).into()),
    }
    let user = match link.user_id {
        Some(id) => {
            let user = users::find_by_id(conn, id)?.ok_or(Missing::Link)?;
            if !user.is_active {
                return Err(Refusal::LinkAccountDeactivated.into());
            }
            Some(user)
        }
        None => None,
    };
    if purpose == LinkPurpose::Bootstrap && users::count_active_admins(conn)? > 0 {
        return Err(Refusal::SetupComplete.into());
    }
    Ok((link, purpose, user))
}

/// What the person behind a link submits.
#[derive(Debug, Clone, Default)]
pub struct SetPasswordInput {
    /// Only for the first admin.
    pub email: String,
    /// Only for the first admin.
    pub display_name: String,
    /// Only for the first admin.
    pub credentials: String,
    pub password: String,
    pub password_confirm: String,
}

/// A redeemed link: whose password it set, and the session that signs them in.
#[derive(Debug)]
pub struct Redeemed {
    pub user_id: UserId,
    /// The new session's cookie value (never stored).
    pub cookie_value: String,
}

/// Redeems a link: sets the password (creating the first admin for a first-run link), uses
/// the link up, and for a reset ends every session of the account. Takes the `Env` because
/// the password is hashed before any connection is held. (For programs that set up
/// accounts; a person at the browser is signed in by [`redeem_link_and_sign_in`].)
pub fn redeem_link(
    env: &Env,
    token: &str,
    input: &SetPasswordInput,
    client_addr: &str,
) -> ServiceResult<UserId> {
    redeem(env, token, input, client_addr, false).map(|(user_id, _)| user_id)
}

/// Redeems a link as [`redeem_link`] does and signs the person in: a new session, made in
/// the same transaction (after a reset has ended the account's others).
pub fn redeem_link_and_sign_in(
    env: &Env,
    token: &str,
    input: &SetPasswordInput,
    client_addr: &str,
) -> ServiceResult<Redeemed> {
    let (user_id, cookie_value) = redeem(env, token, input, client_addr, true)?;
    Ok(Redeemed {
        user_id,
        cookie_value: cookie_value.ok_or(Missing::Link)?,
    })
}

fn redeem(
    env: &Env,
    token: &str,
    input: &SetPasswordInput,
    client_addr: &str,
    sign_in: bool,
) -> ServiceResult<(UserId, Option<String>)> {
    let purpose = env.ctx(|ctx| Ok(usable(ctx.conn(), token)?.1))?;
    let first_admin = if purpose == LinkPurpose::Bootstrap {
        Some((
            rules::normalize_email(&input.email)?,
            rules::display_name(&input.display_name)?,
            rules::credentials(&input.credentials)?,
        ))
    } else {
        None
    };
    rules::check_new_password(&input.password, &input.password_confirm)?;
    let hash = passwords::hash(env.hashing(), &input.password)?;

    env.ctx(|ctx| {
        ctx.write(|tx| {
            // Checked again inside the transaction: the link may have been used meanwhile.
            let (link, purpose, user) = usable(tx, token)?;
            if !account_tokens::mark_used(tx, link.id, db::now())? {
                return Err(Refusal::LinkUsed.into());
            }
            let (user_id, email) = match (purpose, user, &first_admin) {
                (LinkPurpose::Bootstrap, _, Some((email, name, credentials))) => {
                    create_first_admin(tx, email, name, credentials, &hash, client_addr)
                        .map(|id| (id, email.clone()))
                }
                (_, Some(user), _) => {
                    let now = db::now();
                    users::set_password_hash(tx, user.id, &hash, now)?;
                    let ended = if purpose == LinkPurpose::Reset {
                        sessions::delete_for_user(tx, user.id)?
                    } else {
                        0
                    };
                    audit::record(
                        tx,
                        &Actor::user(user.id, &user.email, client_addr),
                        Event::new(AuditAction::PasswordSet)
                            .target_user(user.id)
                            .details(json!({ "via": purpose.as_str(), "sessions_ended": ended })),
                    )?;
                    Ok((user.id, user.email))
                }
                _ => Err(Missing::Link.into()),
            }?;
            let session = if sign_in {
                users::record_sign_in(tx, user_id, db::now())?;
                audit::record(
                    tx,
                    &Actor::user(user_id, &email, client_addr),
                    Event::new(AuditAction::LoginSucceeded)
                        .target_user(user_id)
                        .details(json!({ "via": "one-time link" })),
                )?;
                Some(super::super::sessions::create(tx, user_id)?.0)
            } else {
                None
            };
            Ok((user_id, session))
        })
    })
}

fn create_first_admin(
    tx: &mut Tx<'_>,
    email: &str,
    display_name: &str,
    credentials: &str,
    hash: &str,
    client_addr: &str,
) -> ServiceResult<UserId> {
    if users::email_taken(tx, email)? {
        return Err(Refusal::EmailTaken(email.to_owned()).into());
    }
    let now = db::now();
    let user = users::insert(
        tx,
        &NewUser {
            email,
            display_name,
            credentials,
            password_hash: Some(hash),
            is_active: true,
            created_at: now,
            updated_at: now,
        },
    )?;
    let roles: RoleSet = [Role::Admin].into_iter().collect();
    users::set_roles(tx, user.id, &roles)?;
    audit::record(
        tx,
        &Actor::user(user.id, email, client_addr),
        Event::new(AuditAction::SetupCompleted)
            .target_user(user.id)
            .details(json!({ "email": email, "name": display_name, "roles": roles })),
    )?;
    Ok(user.id)
}
