//! The `sessions` table. Rows are keyed by a hash of the cookie value, so a copy of the
//! database does not yield usable session cookies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::sessions;
use crate::ids::UserId;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: Option<UserId>,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &SessionRow) -> QueryResult<usize> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)
}

pub fn find(conn: &mut DbConn, id_hash: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table.find(id_hash).first(conn).optional()
}

pub fn touch(conn: &mut DbConn, id_hash: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id_hash))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id_hash)).execute(conn)
}

pub fn delete_for_user(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Removes sessions unused since `idle_cutoff` or created before `absolute_cutoff`.
pub fn delete_expired(
    conn: &mut DbConn,
    idle_cutoff: NaiveDateTime,
    absolute_cutoff: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .le(idle_cutoff)
                .or(sessions::created_at.le(absolute_cutoff)),
        ),
    )
    .execute(conn)
}
