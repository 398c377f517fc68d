//! The `assignments` table: which reviewers are asked to (or claimed to) review a revision.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::assignments;
use crate::ids::{RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Assignment {
    pub revision_id: RevisionId,
    pub reviewer_id: UserId,
    pub assigned_by: UserId,
    pub created_at: NaiveDateTime,
    /// Carried into a resubmission: this reviewer is asked to look again.
    pub re_requested: bool,
}

/// Records an assignment; returns false when the reviewer was already assigned.
pub fn add(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    assigned_by: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    add_marked(conn, revision, reviewer, assigned_by, now, false)
}

/// Records an assignment, marked re-requested when it is carried into a resubmission.
pub fn add_marked(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    assigned_by: UserId,
    now: NaiveDateTime,
    re_requested: bool,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        assignments::table
            .filter(assignments::revision_id.eq(revision))
            .filter(assignments::reviewer_id.eq(reviewer)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(assignments::table)
        .values((
            assignments::revision_id.eq(revision),
            assignments::reviewer_id.eq(reviewer),
            assignments::assigned_by.eq(assigned_by),
            assignments::created_at.eq(now),
            assignments::re_requested.eq(re_requested),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn of_revision(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<Assignment>> {
    assignments::table
        .filter(assignments::revision_id.eq(revision))
        .order(assignments::created_at.asc())
        .load(conn)
}

/// Which of `revisions` are assigned to this reviewer, and whether each was re-requested.
pub fn assigned_to(
    conn: &mut DbConn,
    reviewer: UserId,
    revisions: &[RevisionId],
) -> QueryResult<Vec<(RevisionId, bool)>> {
    assignments::table
        .filter(assignments::reviewer_id.eq(reviewer))
        .filter(assignments::revision_id.eq_any(revisions))
        .select((assignments::revision_id, assignments::re_requested))
        .load(conn)
}

/// The reviewers assigned to a revision.
pub fn assignees_of(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<UserId>> {
    assignments::table
        .filter(assignments::revision_id.eq(revision))
        .select(assignments::reviewer_id)
        .load(conn)
}
