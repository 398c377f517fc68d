//! The `login_attempts` table: one row per password check, for throttling.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_attempts;
use crate::domain::throttle::Recent;

/// Records an attempt before its password is checked, as failed until proven otherwise, so
/// concurrent attempts count against the limit and a crash mid-check still counts.
pub fn record_pending(
    conn: &mut DbConn,
    email: &str,
    client_addr: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::client_addr.eq(client_addr),
            login_attempts::attempted_at.eq(now),
            login_attempts::failed.eq(true),
        ))
        .returning(login_attempts::id)
        .get_result(conn)
}

pub fn mark_succeeded(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::failed.eq(false))
        .execute(conn)
}

/// Failed attempts for an email address since `since`.
pub fn recent_for_email(
    conn: &mut DbConn,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<Recent> {
    let (failures, oldest) = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::attempted_at.gt(since))
        .filter(login_attempts::failed.eq(true))
        .select((count_star(), min(login_attempts::attempted_at)))
        .get_result(conn)?;
    Ok(Recent { failures, oldest })
}

/// Failed attempts from a client address since `since`.
pub fn recent_for_address(
    conn: &mut DbConn,
    client_addr: &str,
    since: NaiveDateTime,
) -> QueryResult<Recent> {
    let (failures, oldest) = login_attempts::table
        .filter(login_attempts::client_addr.eq(client_addr))
        .filter(login_attempts::attempted_at.gt(since))
        .filter(login_attempts::failed.eq(true))
        .select((count_star(), min(login_attempts::attempted_at)))
        .get_result(conn)?;
    Ok(Recent { failures, oldest })
}

pub fn delete_older_than(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(cutoff)))
        .execute(conn)
}
