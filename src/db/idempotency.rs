//! The `api_idempotency` table: the `Idempotency-Key`s of API writes and the answers they
//! got (`web::handlers::api::idempotency`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::api_idempotency;
use crate::ids::ApiTokenId;

/// A key already used by a token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_idempotency)]
pub struct Used {
    /// What the request that first used the key asked for (its method, address and body).
    pub fingerprint: String,
    /// The answer, once the request that first used the key has one.
    pub status: Option<i32>,
    pub body: Option<String>,
}

pub fn find(conn: &mut DbConn, token: ApiTokenId, key: &str) -> QueryResult<Option<Used>> {
    api_idempotency::table
        .find((token, key))
        .select(Used::as_select())
        .first(conn)
        .optional()
}

/// Records that `key` is used, in the transaction of the write it stands for. A key some
/// other transaction has just recorded makes this fail with a uniqueness violation.
pub fn claim(
    conn: &mut DbConn,
    token: ApiTokenId,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(api_idempotency::table)
        .values((
            api_idempotency::token_id.eq(token),
            api_idempotency::idempotency_key.eq(key),
            api_idempotency::fingerprint.eq(fingerprint),
            api_idempotency::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Keeps the answer a claimed key got.
pub fn answer(
    conn: &mut DbConn,
    token: ApiTokenId,
    key: &str,
    status: u16,
    body: &str,
) -> QueryResult<()> {
    diesel::update(api_idempotency::table.find((token, key)))
        .filter(api_idempotency::status.is_null())
        .set((
            api_idempotency::status.eq(i32::from(status)),
            api_idempotency::body.eq(body),
        ))
        .execute(conn)
        .map(drop)
}

/// Forgets keys used before `before`.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(api_idempotency::table.filter(api_idempotency::created_at.lt(before)))
        .execute(conn)
}
