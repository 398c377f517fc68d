//! The `account_tokens` table: one-time links to set a password (first admin, invitation,
//! reset). Only a hash of each token is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::account_tokens;
use crate::ids::{TokenId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct AccountToken {
    pub id: TokenId,
    pub token_hash: String,
    pub purpose: String,
    pub user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = account_tokens)]
pub struct NewAccountToken<'a> {
    pub token_hash: &'a str,
    pub purpose: &'a str,
    pub user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAccountToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(account_tokens::table)
        .values(new)
        .execute(conn)
}

pub fn find_by_hash(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<AccountToken>> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Marks a token used if nobody used it first; returns whether this call did.
pub fn mark_used(conn: &mut DbConn, id: TokenId, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        account_tokens::table
            .find(id)
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Retires every unused link of an account, so only the newest one works.
pub fn retire_unused_for_user(
    conn: &mut DbConn,
    user_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)
}

/// Retires unused links of one purpose that belong to no account (the first-admin links).
pub fn retire_unused_unowned(
    conn: &mut DbConn,
    purpose: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.is_null())
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)
}

/// When the account's newest link of this purpose was made.
pub fn newest_for_user(
    conn: &mut DbConn,
    user_id: UserId,
    purpose: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    account_tokens::table
        .filter(account_tokens::user_id.eq(user_id))
        .filter(account_tokens::purpose.eq(purpose))
        .select(diesel::dsl::max(account_tokens::created_at))
        .first(conn)
}
