//! The `api_tokens` table: personal API tokens (`services::tokens`). Only a hash of each
//! secret is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{api_tokens, user_roles, users};
use crate::ids::{ApiTokenId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub last_used_addr: Option<String>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub scopes: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, token: &NewApiToken<'_>) -> QueryResult<ApiTokenId> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .returning(api_tokens::id)
        .get_result(conn)
}

/// One account's tokens, newest first, at most `limit`.
pub fn of_user(conn: &mut DbConn, user: UserId, limit: i64) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .select(ApiToken::as_select())
        .order(api_tokens::id.desc())
        .limit(limit)
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: ApiTokenId) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// The account behind a token: what a request made with it needs.
#[derive(Debug, Clone, Queryable)]
pub struct TokenAccount {
    pub id: UserId,
    pub email: String,
    pub is_active: bool,
}

/// The token with this hash, its account and the account's role names, in one query (one
/// row per role).
pub fn find_by_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(ApiToken, TokenAccount, Vec<String>)>> {
    let rows: Vec<(ApiToken, TokenAccount, Option<String>)> = api_tokens::table
        .inner_join(users::table.on(users::id.eq(api_tokens::user_id)))
        .left_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((
            ApiToken::as_select(),
            (users::id, users::email, users::is_active),
            user_roles::role.nullable(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((token, account, role)) = rows.next() else {
        return Ok(None);
    };
    let roles = role
        .into_iter()
        .chain(rows.filter_map(|(_, _, role)| role))
        .collect();
    Ok(Some((token, account, roles)))
}

/// Records a use. Returns whether the row changed (a concurrent request may have recorded
/// the same use first).
pub fn record_use(
    conn: &mut DbConn,
    id: ApiTokenId,
    at: NaiveDateTime,
    addr: &str,
    seen: (Option<NaiveDateTime>, Option<&str>),
) -> QueryResult<bool> {
    let (last_at, last_addr) = seen;
    let mut query = diesel::update(api_tokens::table)
        .filter(api_tokens::id.eq(id))
        .into_boxed();
    query = match last_at {
        None => query.filter(api_tokens::last_used_at.is_null()),
        Some(at) => query.filter(api_tokens::last_used_at.eq(at)),
    };
    query = match last_addr {
        None => query.filter(api_tokens::last_used_addr.is_null()),
        Some(addr) => query.filter(api_tokens::last_used_addr.eq(addr)),
    };
    let changed = query
        .set((
            api_tokens::last_used_at.eq(at),
            api_tokens::last_used_addr.eq(addr),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes a token that is not revoked yet; whether it was.
pub fn revoke(
    conn: &mut DbConn,
    id: ApiTokenId,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set((api_tokens::revoked_at.eq(at), api_tokens::revoked_by.eq(by)))
    .execute(conn)?;
    Ok(changed == 1)
}
