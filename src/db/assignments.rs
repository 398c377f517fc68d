//! The `assignments` table: which reviewers are asked to (or claimed to) review a revision.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{assignments, revisions};
use crate::domain::workflow::State;
use crate::ids::{RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Assignment {
    pub revision_id: RevisionId,
    pub reviewer_id: UserId,
    pub assigned_by: UserId,
    pub created_at: NaiveDateTime,
    /// Carried into a resubmission: this reviewer is asked to look again.
    pub re_requested: bool,
    /// When the review is due (none for assignments made before due dates existed).
    pub due_at: Option<NaiveDateTime>,
    /// The reminder the day before was sent (or was no longer owed).
    pub reminded_before_at: Option<NaiveDateTime>,
    /// The reminder when it passed was sent (or was no longer owed).
    pub reminded_overdue_at: Option<NaiveDateTime>,
    /// The revision's submission time while it waits for reviewers; none once it does not
    /// (what a reviewer's assigned list walks, in order: assignments_waiting).
    pub waiting_since: Option<NaiveDateTime>,
}

/// Records an assignment due at `due`; returns false when the reviewer was already
/// assigned.
pub fn add(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    assigned_by: UserId,
    now: NaiveDateTime,
    due: NaiveDateTime,
) -> QueryResult<bool> {
    add_marked(conn, revision, reviewer, assigned_by, now, due, false)
}

/// Records an assignment, marked re-requested when it is carried into a resubmission.
pub fn add_marked(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    assigned_by: UserId,
    now: NaiveDateTime,
    due: NaiveDateTime,
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
    // The revision's submission time if it waits for reviewers, else NULL.
    let waiting: Vec<&'static str> = State::all_where(State::awaits_reviewers)
        .into_iter()
        .map(State::as_str)
        .collect();
    let waiting_since = revisions::table
        .filter(revisions::id.eq(revision))
        .filter(revisions::state.eq_any(waiting))
        .select(revisions::submitted_at)
        .single_value();
    diesel::insert_into(assignments::table)
        .values((
            assignments::revision_id.eq(revision),
            assignments::reviewer_id.eq(reviewer),
            assignments::assigned_by.eq(assigned_by),
            assignments::created_at.eq(now),
            assignments::re_requested.eq(re_requested),
            assignments::due_at.eq(due),
            assignments::waiting_since.eq(waiting_since),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Its revision no longer waits for reviewers: its assignments leave the reviewers' assigned
/// lists (they stay, for the record and the reminders' bookkeeping).
pub fn stop_waiting(conn: &mut DbConn, revision: RevisionId) -> QueryResult<usize> {
    diesel::update(
        assignments::table
            .filter(assignments::revision_id.eq(revision))
            .filter(assignments::waiting_since.is_not_null()),
    )
    .set(assignments::waiting_since.eq(None::<NaiveDateTime>))
    .execute(conn)
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

/// Which reminder an assignment is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The day before it is due.
    DueSoon,
    /// Once it has passed.
    Overdue,
}

/// Assignments due before `cutoff` still owed a reminder, in due order, after `after`
/// (the last one of the previous batch): served by `assignments_due`.
pub fn owed_reminders(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    after: Option<(NaiveDateTime, RevisionId, UserId)>,
    limit: i64,
) -> QueryResult<Vec<Assignment>> {
    let mut query = assignments::table
        .filter(assignments::due_at.is_not_null())
        .filter(assignments::reminded_overdue_at.is_null())
        .filter(assignments::due_at.le(cutoff))
        .into_boxed();
    if let Some((due, revision, reviewer)) = after {
        query = query.filter(
            assignments::due_at
                .gt(due)
                .or(assignments::due_at.eq(due).and(
                    assignments::revision_id
                        .gt(revision)
                        .or(assignments::revision_id
                            .eq(revision)
                            .and(assignments::reviewer_id.gt(reviewer))),
                )),
        );
    }
    query
        .order((
            assignments::due_at.asc(),
            assignments::revision_id.asc(),
            assignments::reviewer_id.asc(),
        ))
        .limit(limit)
        .load(conn)
}

/// Records that `reminder` was sent (or is no longer owed), once: returns false when
/// another pass recorded it first. An overdue reminder also settles the one before.
pub fn mark_reminded(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    reminder: Reminder,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let one = assignments::table
        .filter(assignments::revision_id.eq(revision))
        .filter(assignments::reviewer_id.eq(reviewer));
    let changed = match reminder {
        Reminder::DueSoon => diesel::update(one.filter(assignments::reminded_before_at.is_null()))
            .set(assignments::reminded_before_at.eq(now))
            .execute(conn)?,
        Reminder::Overdue => {
            let changed = diesel::update(one.filter(assignments::reminded_overdue_at.is_null()))
                .set(assignments::reminded_overdue_at.eq(now))
                .execute(conn)?;
            diesel::update(one.filter(assignments::reminded_before_at.is_null()))
                .set(assignments::reminded_before_at.eq(now))
                .execute(conn)?;
            changed
        }
    };
    Ok(changed == 1)
}

/// When each of `revisions` assigned to `reviewer` is due (one query).
pub fn due_for(
    conn: &mut DbConn,
    reviewer: UserId,
    revisions: &[RevisionId],
) -> QueryResult<std::collections::HashMap<RevisionId, NaiveDateTime>> {
    let rows: Vec<(RevisionId, Option<NaiveDateTime>)> = assignments::table
        .filter(assignments::reviewer_id.eq(reviewer))
        .filter(assignments::revision_id.eq_any(revisions))
        .select((assignments::revision_id, assignments::due_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, due)| due.map(|d| (id, d)))
        .collect())
}
