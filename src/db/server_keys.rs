//! The `server_keys` table: secrets every server instance on this database shares.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::server_keys;

pub fn find(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    server_keys::table
        .find(name)
        .select(server_keys::secret)
        .first(conn)
        .optional()
}

/// Stores `secret` under `name` unless one is there already (another instance may have
/// stored its own at the same moment: the primary key keeps one). Returns the secret
/// stored.
pub fn find_or_insert(
    conn: &mut DbConn,
    name: &str,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    if let Some(existing) = find(conn, name)? {
        return Ok(existing);
    }
    let inserted = diesel::insert_into(server_keys::table)
        .values((
            server_keys::name.eq(name),
            server_keys::secret.eq(secret),
            server_keys::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(secret.to_owned()),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => find(conn, name)?.ok_or(diesel::result::Error::NotFound),
        Err(other) => Err(other),
    }
}
