//! Server-side sessions: a random id in the cookie, its hash in the database, a CSRF token
//! per session, idle and absolute timeouts.

use chrono::Duration;

use super::{Ctx, ServiceResult, secrets};
use crate::db::sessions::{self as rows, SessionRow};
use crate::db::{self, DbConn};
use crate::domain::roles::{Role, RoleSet};
use crate::domain::sessions::{Freshness, freshness};
use crate::ids::UserId;

/// The timeouts, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

/// The signed-in account behind a session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub roles: RoleSet,
}

/// A valid session, anonymous or signed in.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub csrf_token: String,
    pub user: Option<SessionUser>,
}

/// Loads the session a cookie names. Expired sessions, and sessions of accounts that were
/// deactivated, are deleted and read as no session.
pub fn load(
    ctx: &mut Ctx<'_>,
    cookie_value: &str,
    timeouts: Timeouts,
) -> ServiceResult<Option<Session>> {
    let conn = ctx.conn();
    if !secrets::looks_like_token(cookie_value) {
        return Ok(None);
    }
    let id_hash = secrets::hash_token(cookie_value);
    let Some((row, account, roles)) = rows::find_with_account(conn, &id_hash)? else {
        return Ok(None);
    };
    let now = db::now();
    let touch = match freshness(
        row.created_at,
        row.last_seen_at,
        now,
        timeouts.idle,
        timeouts.absolute,
    ) {
        Freshness::Expired => {
            rows::delete(conn, &id_hash)?;
            return Ok(None);
        }
        Freshness::Valid { touch } => touch,
    };
    let user = match (row.user_id, account) {
        (None, _) => None,
        (Some(_), Some(account)) if account.is_active => Some(SessionUser {
            id: account.id,
            email: account.email,
            display_name: account.display_name,
            roles: roles.iter().filter_map(|n| Role::parse(n)).collect(),
        }),
        (Some(_), _) => {
            rows::delete(conn, &id_hash)?;
            return Ok(None);
        }
    };
    if touch {
        rows::touch(conn, &id_hash, now)?;
    }
    Ok(Some(Session {
        id_hash,
        csrf_token: row.csrf_token,
        user,
    }))
}

/// Creates a signed-in session row and returns the cookie value (never stored) with the
/// row. Only a sign-in makes one: visitors who are not signed in have no row (their form
/// tokens are signed cookies, `services::visitors`).
pub fn create(conn: &mut DbConn, user_id: UserId) -> ServiceResult<(String, SessionRow)> {
    let cookie_value = secrets::random_token()?;
    let now = db::now();
    let row = SessionRow {
        id_hash: secrets::hash_token(&cookie_value),
        user_id: Some(user_id),
        csrf_token: secrets::random_token()?,
        created_at: now,
        last_seen_at: now,
    };
    rows::insert(conn, &row)?;
    Ok((cookie_value, row))
}

impl Session {
    /// A visitor who is not signed in, known only by a signed cookie (no row).
    pub fn visitor(csrf_token: String) -> Self {
        Self {
            id_hash: String::new(),
            csrf_token,
            user: None,
        }
    }
}
