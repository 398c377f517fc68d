//! The `checklist_items` table: the review checklist an admin keeps.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::checklist_items;
use crate::domain::checklist::{Item, MAX_ACTIVE};

/// The items in force, in the order they were added.
pub fn in_force(conn: &mut DbConn) -> QueryResult<Vec<Item>> {
    let rows: Vec<(i64, String)> = checklist_items::table
        .filter(checklist_items::active.eq(true))
        .select((checklist_items::id, checklist_items::text))
        .order(checklist_items::id.asc())
        .limit(MAX_ACTIVE)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, text)| Item { id, text })
        .collect())
}

pub fn count_in_force(conn: &mut DbConn) -> QueryResult<i64> {
    checklist_items::table
        .filter(checklist_items::active.eq(true))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut DbConn, text: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(checklist_items::table)
        .values((
            checklist_items::text.eq(text),
            checklist_items::created_at.eq(now),
        ))
        .returning(checklist_items::id)
        .get_result(conn)
}

/// Retires an item in force; returns its wording, or `None` when there is no such item in
/// force.
pub fn retire(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<Option<String>> {
    let text: Option<String> = checklist_items::table
        .find(id)
        .filter(checklist_items::active.eq(true))
        .select(checklist_items::text)
        .first(conn)
        .optional()?;
    if text.is_some() {
        diesel::update(checklist_items::table.find(id))
            .set((
                checklist_items::active.eq(false),
                checklist_items::retired_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(text)
}
