//! Accounts: inviting people, roles, deactivation, and the one-time links that set passwords.

use chrono::NaiveDateTime;
use serde_json::json;

use super::audit::{self, Event};
use super::{Actor, ServiceError, ServiceResult, notify, passwords, secrets};
use crate::db::account_tokens::{self, AccountToken, NewAccountToken};
use crate::db::users::{self, NewUser, User, UserFilter};
use crate::db::{self, DbConn, Pool, sessions};
use crate::domain::accounts::{self as rules, InputError, LinkPurpose, LinkState};
use crate::domain::audit::AuditAction;
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;
use crate::mail;

/// An account with its roles, for lists and pages.
#[derive(Clone)]
pub struct Account {
    pub user: User,
    pub roles: RoleSet,
}

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
        format!("/setup/{}", self.token)
    }
}

/// What an admin (or the command line) fills in to invite someone.
#[derive(Debug, Clone)]
pub struct InviteInput {
    pub email: String,
    pub display_name: String,
    pub credentials: String,
    pub roles: RoleSet,
}

/// Creates an account without a password and a link for its owner to set one, and queues the
/// invitation email with that link.
pub fn invite(conn: &mut DbConn, actor: &Actor, input: &InviteInput) -> ServiceResult<IssuedLink> {
    let email = rules::normalize_email(&input.email)?;
    let display_name = rules::display_name(&input.display_name)?;
    let credentials = rules::credentials(&input.credentials)?;
    if input.roles.is_empty() {
        return Err(InputError::NoRoles.into());
    }
    let link = db::write_tx(conn, |conn| {
        if users::email_taken(conn, &email)? {
            return Err(ServiceError::Conflict(format!(
                "An account with the email {email} already exists."
            )));
        }
        let now = db::now();
        let user = users::insert(
            conn,
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
        users::set_roles(conn, user.id, &input.roles)?;
        let link = issue_link(conn, LinkPurpose::Invite, Some(user.id), actor.user_id)?;
        notify::invitation(conn, &user, &link)?;
        audit::record(
            conn,
            actor,
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
    })?;
    mail::wake();
    Ok(link)
}

/// Stores the hash of a new random token and returns the token.
fn issue_link(
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

/// While no active admin exists: retires earlier first-admin links and makes a new one.
/// Returns `None` once an admin exists.
pub fn first_admin_link(conn: &mut DbConn) -> ServiceResult<Option<IssuedLink>> {
    db::write_tx(conn, |conn| {
        if users::count_active_admins(conn)? > 0 {
            return Ok(None);
        }
        let purpose = LinkPurpose::Bootstrap;
        account_tokens::retire_unused_unowned(conn, purpose.as_str(), db::now())?;
        issue_link(conn, purpose, None, None).map(Some)
    })
}

/// Replaces an account's roles. Refuses to leave the site without an active admin.
/// Returns whether anything changed.
pub fn change_roles(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: UserId,
    roles: &RoleSet,
) -> ServiceResult<bool> {
    if roles.is_empty() {
        return Err(InputError::NoRoles.into());
    }
    db::write_tx(conn, |conn| {
        let user =
            users::find_by_id(conn, user_id)?.ok_or(ServiceError::NotFound("No such account."))?;
        let before = users::roles_of(conn, user_id)?;
        if &before == roles {
            return Ok(false);
        }
        let loses_admin = before.has(Role::Admin) && !roles.has(Role::Admin);
        if loses_admin && user.is_active && users::count_active_admins(conn)? <= 1 {
            return Err(ServiceError::Conflict(
                "This is the only active admin. Make someone else an admin first.".into(),
            ));
        }
        users::set_roles(conn, user_id, roles)?;
        audit::record(
            conn,
            actor,
            Event::new(AuditAction::RolesChanged)
                .target_user(user_id)
                .details(json!({ "email": user.email, "from": before, "to": roles })),
        )?;
        Ok(true)
    })
}

/// Deactivates an account: it can no longer sign in, its sessions end at once and its unused
/// links stop working. Returns how many sessions were ended.
pub fn deactivate(conn: &mut DbConn, actor: &Actor, user_id: UserId) -> ServiceResult<usize> {
    if actor.user_id == Some(user_id) {
        return Err(ServiceError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let user =
            users::find_by_id(conn, user_id)?.ok_or(ServiceError::NotFound("No such account."))?;
        let now = db::now();
        if users::set_active(conn, user_id, false, now)? == 0 {
            return Err(ServiceError::Conflict(format!(
                "{} is already deactivated.",
                user.email
            )));
        }
        let roles = users::roles_of(conn, user_id)?;
        if roles.has(Role::Admin) && users::count_active_admins(conn)? == 0 {
            return Err(ServiceError::Conflict(
                "This is the only active admin. Make someone else an admin first.".into(),
            ));
        }
        let ended = sessions::delete_for_user(conn, user_id)?;
        account_tokens::retire_unused_for_user(conn, user_id, now)?;
        audit::record(
            conn,
            actor,
            Event::new(AuditAction::UserDeactivated)
                .target_user(user_id)
                .details(json!({ "email": user.email, "sessions_ended": ended })),
        )?;
        Ok(ended)
    })
}

/// Lets a deactivated account sign in again.
pub fn reactivate(conn: &mut DbConn, actor: &Actor, user_id: UserId) -> ServiceResult<()> {
    db::write_tx(conn, |conn| {
        let user =
            users::find_by_id(conn, user_id)?.ok_or(ServiceError::NotFound("No such account."))?;
        if users::set_active(conn, user_id, true, db::now())? == 0 {
            return Err(ServiceError::Conflict(format!(
                "{} is already active.",
                user.email
            )));
        }
        audit::record(
            conn,
            actor,
            Event::new(AuditAction::UserReactivated)
                .target_user(user_id)
                .details(json!({ "email": user.email })),
        )?;
        Ok(())
    })
}

/// Makes a password-reset link for an active account (earlier unused links stop working) and
/// queues the email that carries it.
pub fn issue_reset_link(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: UserId,
) -> ServiceResult<IssuedLink> {
    let link = db::write_tx(conn, |conn| {
        let user =
            users::find_by_id(conn, user_id)?.ok_or(ServiceError::NotFound("No such account."))?;
        if !user.is_active {
            return Err(ServiceError::Conflict(format!(
                "{} is deactivated. Reactivate the account first.",
                user.email
            )));
        }
        account_tokens::retire_unused_for_user(conn, user_id, db::now())?;
        let link = issue_link(conn, LinkPurpose::Reset, Some(user_id), actor.user_id)?;
        notify::password_reset(conn, &user, &link)?;
        audit::record(
            conn,
            actor,
            Event::new(AuditAction::ResetLinkIssued)
                .target_user(user_id)
                .details(json!({ "email": user.email, "link_expires_at": link.expires_at })),
        )?;
        Ok(link)
    })?;
    mail::wake();
    Ok(link)
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

/// Finds a usable link, or says clearly why it cannot be used.
pub fn open_link(conn: &mut DbConn, token: &str) -> ServiceResult<LinkView> {
    let (link, purpose, user) = usable_link(conn, token)?;
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

fn usable_link(
    conn: &mut DbConn,
    token: &str,
) -> ServiceResult<(AccountToken, LinkPurpose, Option<User>)> {
    const NOT_FOUND: ServiceError = ServiceError::NotFound(
        "This link is not valid. Check that you copied all of it, or ask an admin for a new one.",
    );
    if !secrets::looks_like_token(token) {
        return Err(NOT_FOUND);
    }
    let link = account_tokens::find_by_hash(conn, &secrets::hash_token(token))?.ok_or(NOT_FOUND)?;
    let purpose = LinkPurpose::parse(&link.purpose).ok_or(NOT_FOUND)?;
    match rules::link_state(link.used_at, link.expires_at, db::now()) {
        LinkState::Usable => {}
        LinkState::Used => {
            return Err(ServiceError::Gone(
                "This link has already been used. Each link works once: sign in, or ask an admin for a new link."
                    .into(),
            ));
        }
        LinkState::Expired => {
            return Err(ServiceError::Gone(format!(
                "This link expired on {} UTC. Ask an admin for a new one.",
                link.expires_at.format("%Y-%m-%d %H:%M")
            )));
        }
    }
    let user = match link.user_id {
        Some(id) => {
            let user = users::find_by_id(conn, id)?.ok_or(NOT_FOUND)?;
            if !user.is_active {
                return Err(ServiceError::Gone(
                    "This account is deactivated, so its links no longer work.".into(),
                ));
            }
            Some(user)
        }
        None => None,
    };
    if purpose == LinkPurpose::Bootstrap && users::count_active_admins(conn)? > 0 {
        return Err(ServiceError::Gone(
            "Setup is already complete: an admin account exists. Sign in instead.".into(),
        ));
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

/// Redeems a link: sets the password (creating the first admin for a first-run link), uses
/// the link up, and for a reset ends every session of the account. Takes the pool because the
/// password is hashed before any connection is held.
pub fn redeem_link(
    pool: &Pool,
    token: &str,
    input: &SetPasswordInput,
    client_addr: &str,
) -> ServiceResult<UserId> {
    let purpose = {
        let mut conn = pool.get()?;
        usable_link(&mut conn, token)?.1
    };
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
    let hash = passwords::hash(&input.password)?;

    let mut conn = pool.get()?;
    db::write_tx(&mut conn, |conn| {
        // Checked again inside the transaction: the link may have been used meanwhile.
        let (link, purpose, user) = usable_link(conn, token)?;
        if !account_tokens::mark_used(conn, link.id, db::now())? {
            return Err(ServiceError::Gone(
                "This link has already been used.".into(),
            ));
        }
        match (purpose, user, &first_admin) {
            (LinkPurpose::Bootstrap, _, Some((email, name, credentials))) => {
                create_first_admin(conn, email, name, credentials, &hash, client_addr)
            }
            (_, Some(user), _) => {
                let now = db::now();
                users::set_password_hash(conn, user.id, &hash, now)?;
                let ended = if purpose == LinkPurpose::Reset {
                    sessions::delete_for_user(conn, user.id)?
                } else {
                    0
                };
                audit::record(
                    conn,
                    &Actor::user(user.id, &user.email, client_addr),
                    Event::new(AuditAction::PasswordSet)
                        .target_user(user.id)
                        .details(json!({ "via": purpose.as_str(), "sessions_ended": ended })),
                )?;
                Ok(user.id)
            }
            _ => Err(ServiceError::Gone("This link cannot be used.".into())),
        }
    })
}

fn create_first_admin(
    conn: &mut DbConn,
    email: &str,
    display_name: &str,
    credentials: &str,
    hash: &str,
    client_addr: &str,
) -> ServiceResult<UserId> {
    if users::email_taken(conn, email)? {
        return Err(ServiceError::Conflict(format!(
            "An account with the email {email} already exists."
        )));
    }
    let now = db::now();
    let user = users::insert(
        conn,
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
    users::set_roles(conn, user.id, &roles)?;
    audit::record(
        conn,
        &Actor::user(user.id, email, client_addr),
        Event::new(AuditAction::SetupCompleted)
            .target_user(user.id)
            .details(json!({ "email": email, "name": display_name, "roles": roles })),
    )?;
    Ok(user.id)
}

/// One page of accounts with their roles (two queries, whatever the page size).
pub fn list(
    conn: &mut DbConn,
    filter: &UserFilter,
    offset: i64,
    limit: i64,
) -> ServiceResult<(Vec<Account>, bool)> {
    let (rows, more) = users::list_page(conn, filter, offset, limit)?;
    let ids: Vec<UserId> = rows.iter().map(|u| u.id).collect();
    let mut roles = users::roles_for(conn, &ids)?;
    let accounts = rows
        .into_iter()
        .map(|user| Account {
            roles: roles.remove(&user.id).unwrap_or_default(),
            user,
        })
        .collect();
    Ok((accounts, more))
}

pub fn get(conn: &mut DbConn, user_id: UserId) -> ServiceResult<Account> {
    let user =
        users::find_by_id(conn, user_id)?.ok_or(ServiceError::NotFound("No such account."))?;
    let roles = users::roles_of(conn, user_id)?;
    Ok(Account { user, roles })
}

/// The account with this email address, if any.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> ServiceResult<Option<UserId>> {
    Ok(users::find_by_email(conn, &email.trim().to_lowercase())?.map(|u| u.id))
}

/// Records someone's notification choices (comment and review-date mail); audited.
pub fn set_notifications(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: UserId,
    comments: bool,
    review_due: bool,
) -> ServiceResult<()> {
    db::write_tx(conn, |conn| {
        users::set_notifications(conn, user_id, comments, review_due)?;
        audit::record(
            conn,
            actor,
            Event::new(AuditAction::NotificationsChanged)
                .target_user(user_id)
                .details(json!({ "comments": comments, "review_due": review_due })),
        )?;
        Ok(())
    })
}

/// How long after a reset link was made another request for the same account is ignored.
fn reset_cooldown() -> chrono::Duration {
    chrono::Duration::minutes(2)
}

/// Someone asked for a password reset by email address. Whether or not an account exists,
/// the answer is the same (so addresses cannot be probed); an active account gets a link by
/// email, at most one per cooldown. Audited either way.
pub fn request_reset(conn: &mut DbConn, email: &str, client_addr: &str) -> ServiceResult<()> {
    let key: String = email.trim().to_lowercase().chars().take(254).collect();
    let anonymous = Actor::anonymous(client_addr);
    let queued = db::write_tx(conn, |conn| {
        let user = users::find_by_email(conn, &key)?;
        let mut event = Event::new(AuditAction::ResetRequested).details(json!({ "email": key }));
        let mut queued = false;
        if let Some(user) = user.filter(|u| u.is_active) {
            event = event.target_user(user.id);
            let recent =
                account_tokens::newest_for_user(conn, user.id, LinkPurpose::Reset.as_str())?
                    .is_some_and(|created| db::now() - created < reset_cooldown());
            if !recent {
                account_tokens::retire_unused_for_user(conn, user.id, db::now())?;
                let link = issue_link(conn, LinkPurpose::Reset, Some(user.id), None)?;
                notify::password_reset(conn, &user, &link)?;
                queued = true;
            }
        }
        audit::record(conn, &anonymous, event)?;
        Ok::<_, ServiceError>(queued)
    })?;
    if queued {
        mail::wake();
    }
    Ok(())
}
