//! The `sessions` table. Rows are keyed by a hash of the cookie value, so a copy of the
//! database does not yield usable session cookies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{sessions, user_roles, users};
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

/// The account a session is signed in to, as a request needs it.
#[derive(Debug, Clone, Queryable)]
pub struct SessionAccount {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub is_active: bool,
}

/// A session row, its account (none for a session without one, or when the account is
/// gone), and the account's role names.
pub type SessionWithAccount = (SessionRow, Option<SessionAccount>, Vec<String>);

/// A session with its account and the account's role names, in one query (one row per
/// role): every signed-in request starts with this, so it is one round trip, not three.
pub fn find_with_account(
    conn: &mut DbConn,
    id_hash: &str,
) -> QueryResult<Option<SessionWithAccount>> {
    let rows: Vec<(SessionRow, Option<SessionAccount>, Option<String>)> = sessions::table
        .left_join(users::table.on(users::id.nullable().eq(sessions::user_id)))
        .left_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(sessions::id_hash.eq(id_hash))
        .select((
            sessions::all_columns,
            (
                users::id,
                users::email,
                users::display_name,
                users::is_active,
            )
                .nullable(),
            user_roles::role.nullable(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((session, account, role)) = rows.next() else {
        return Ok(None);
    };
    let roles = role
        .into_iter()
        .chain(rows.filter_map(|(_, _, role)| role))
        .collect();
    Ok(Some((session, account, roles)))
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

/// Removes every session of the account but the one whose id hash is `keep`.
pub fn delete_others(conn: &mut DbConn, user_id: UserId, keep: &str) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id_hash.ne(keep)),
    )
    .execute(conn)
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
