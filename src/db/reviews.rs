//! The `reviews` table: each reviewer judgement on a revision, with the content hash seen.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{reviews, users};
use crate::domain::workflow::Verdict;
use crate::ids::{ReviewId, RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Review {
    pub id: ReviewId,
    pub revision_id: RevisionId,
    pub reviewer_id: UserId,
    #[diesel(deserialize_as = String)]
    pub verdict: Verdict,
    pub body: String,
    pub content_hash: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    revision: RevisionId,
    reviewer: UserId,
    verdict: Verdict,
    body: &str,
    content_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<ReviewId> {
    diesel::insert_into(reviews::table)
        .values((
            reviews::revision_id.eq(revision),
            reviews::reviewer_id.eq(reviewer),
            reviews::verdict.eq(verdict.as_str()),
            reviews::body.eq(body),
            reviews::content_hash.eq(content_hash),
            reviews::created_at.eq(now),
        ))
        .returning(reviews::id)
        .get_result(conn)
}

pub fn of_revision(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<Review>> {
    reviews::table
        .filter(reviews::revision_id.eq(revision))
        .order((reviews::created_at.asc(), reviews::id.asc()))
        .load(conn)
}

/// Who approved this content of a revision, oldest first, each with whether their account
/// is still active: a deactivated reviewer's approval of a pending revision no longer counts.
pub fn approvers(
    conn: &mut DbConn,
    revision: RevisionId,
    content_hash: &str,
) -> QueryResult<Vec<(UserId, bool)>> {
    reviews::table
        .inner_join(users::table)
        .filter(reviews::revision_id.eq(revision))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .filter(reviews::content_hash.eq(content_hash))
        .select((reviews::reviewer_id, users::is_active))
        .order(reviews::created_at.asc())
        .load(conn)
}

/// The approvals that count (by active accounts) on each of `revisions`.
pub fn approval_counts(
    conn: &mut DbConn,
    revisions: &[RevisionId],
) -> QueryResult<HashMap<RevisionId, i64>> {
    let rows: Vec<(RevisionId, i64)> = reviews::table
        .inner_join(users::table)
        .filter(users::is_active.eq(true))
        .filter(reviews::revision_id.eq_any(revisions))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .group_by(reviews::revision_id)
        .select((reviews::revision_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Which of `revisions` this reviewer already approved.
pub fn approved_by(
    conn: &mut DbConn,
    reviewer: UserId,
    revisions: &[RevisionId],
) -> QueryResult<Vec<RevisionId>> {
    reviews::table
        .filter(reviews::reviewer_id.eq(reviewer))
        .filter(reviews::revision_id.eq_any(revisions))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .select(reviews::revision_id)
        .load(conn)
}

/// Everyone who reviewed a revision (with repeats).
pub fn reviewers_of(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<UserId>> {
    reviews::table
        .filter(reviews::revision_id.eq(revision))
        .select(reviews::reviewer_id)
        .load(conn)
}

/// The votes (not comments) on many revisions, oldest first.
pub fn votes_on(conn: &mut DbConn, revisions: &[RevisionId]) -> QueryResult<Vec<Review>> {
    let votes: Vec<&str> = Verdict::votes().iter().map(|v| v.as_str()).collect();
    reviews::table
        .filter(reviews::revision_id.eq_any(revisions))
        .filter(reviews::verdict.eq_any(votes))
        .order((reviews::created_at.asc(), reviews::id.asc()))
        .load(conn)
}

/// Approvals on many revisions: revision, reviewer and the content hash approved, oldest
/// first.
pub fn approvals_on(
    conn: &mut DbConn,
    revisions: &[RevisionId],
) -> QueryResult<Vec<(RevisionId, UserId, String)>> {
    reviews::table
        .filter(reviews::revision_id.eq_any(revisions))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .order(reviews::created_at.asc())
        .select((
            reviews::revision_id,
            reviews::reviewer_id,
            reviews::content_hash,
        ))
        .load(conn)
}

/// The latest revision among `revisions` on which `reviewer` voted or commented as a
/// reviewer: what "since your last review" compares with.
pub fn last_reviewed_by(
    conn: &mut DbConn,
    reviewer: UserId,
    revisions: &[RevisionId],
) -> QueryResult<Option<RevisionId>> {
    reviews::table
        .filter(reviews::reviewer_id.eq(reviewer))
        .filter(reviews::revision_id.eq_any(revisions))
        .order((reviews::created_at.desc(), reviews::id.desc()))
        .select(reviews::revision_id)
        .first(conn)
        .optional()
}

/// The reviewers who gave `verdict` on a revision (with repeats).
pub fn with_verdict(
    conn: &mut DbConn,
    revision: RevisionId,
    verdict: Verdict,
) -> QueryResult<Vec<UserId>> {
    reviews::table
        .filter(reviews::revision_id.eq(revision))
        .filter(reviews::verdict.eq(verdict.as_str()))
        .select(reviews::reviewer_id)
        .load(conn)
}

/// Every review row on many revisions (votes and review comments).
pub fn of_revisions(conn: &mut DbConn, revisions: &[RevisionId]) -> QueryResult<Vec<Review>> {
    reviews::table
        .filter(reviews::revision_id.eq_any(revisions))
        .order((reviews::created_at.asc(), reviews::id.asc()))
        .load(conn)
}
