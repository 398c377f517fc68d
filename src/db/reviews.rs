//! The `reviews` table: each reviewer judgement on a revision, with the content hash seen.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{reviews, users};
use crate::domain::checklist::{self, Item};
use crate::domain::disclosures::Declaration;
use crate::domain::workflow::{State, Verdict};
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
    /// An approval's declaration for its article: `Some(false)` no conflict, `Some(true)` a
    /// conflict (described in `conflict`); `None` for other votes and older approvals.
    pub conflict_declared: Option<bool>,
    pub conflict: String,
    /// The checklist items an approval attested, or a change request named as failing,
    /// as JSON with their wording at the time (`domain::checklist`).
    pub checklist: String,
}

impl Review {
    pub fn checklist_items(&self) -> Vec<Item> {
        checklist::from_json(&self.checklist)
    }
}

/// A vote or comment to record.
pub struct NewReview<'a> {
    pub revision: RevisionId,
    pub reviewer: UserId,
    pub verdict: Verdict,
    pub body: &'a str,
    pub content_hash: &'a str,
    /// An approval's declaration for its article.
    pub declaration: Option<&'a Declaration>,
    /// The checklist items attested (approval) or named as failing (change request).
    pub checklist: &'a [Item],
    pub now: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, review: &NewReview<'_>) -> QueryResult<ReviewId> {
    diesel::insert_into(reviews::table)
        .values((
            reviews::revision_id.eq(review.revision),
            reviews::reviewer_id.eq(review.reviewer),
            reviews::verdict.eq(review.verdict.as_str()),
            reviews::body.eq(review.body),
            reviews::content_hash.eq(review.content_hash),
            reviews::created_at.eq(review.now),
            reviews::conflict_declared.eq(review.declaration.map(Declaration::is_conflict)),
            reviews::conflict.eq(review.declaration.map_or("", Declaration::text)),
            reviews::checklist.eq(checklist::to_json(review.checklist)),
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

/// An approval of a revision's content, with what decides whether it counts.
#[derive(Debug, Clone, Queryable)]
pub struct Approver {
    pub id: UserId,
    /// A deactivated reviewer's approval of a pending revision no longer counts.
    pub active: bool,
    pub conflict_declared: Option<bool>,
    pub conflict: String,
}

impl Approver {
    pub fn declaration(&self) -> Option<Declaration> {
        Declaration::stored(self.conflict_declared, &self.conflict)
    }

    /// Whether the reviewer declared a conflict with the article.
    pub fn conflicted(&self) -> bool {
        self.conflict_declared == Some(true)
    }
}

/// Who approved this content of a revision, oldest first.
pub fn approvers(
    conn: &mut DbConn,
    revision: RevisionId,
    content_hash: &str,
) -> QueryResult<Vec<Approver>> {
    reviews::table
        .inner_join(users::table)
        .filter(reviews::revision_id.eq(revision))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .filter(reviews::content_hash.eq(content_hash))
        .select((
            reviews::reviewer_id,
            users::is_active,
            reviews::conflict_declared,
            reviews::conflict,
        ))
        .order(reviews::created_at.asc())
        .load(conn)
}

/// The approvals that count (by active accounts) on each of `revisions`.
pub fn approval_counts(
    conn: &mut DbConn,
    revisions: &[RevisionId],
    conflicts_count: bool,
) -> QueryResult<HashMap<RevisionId, i64>> {
    // An approval with a declared conflict counts only when the policy says so.
    let rows: Vec<(RevisionId, i64)> = reviews::table
        .inner_join(users::table)
        .filter(users::is_active.eq(true))
        .filter(reviews::revision_id.eq_any(revisions))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .filter(
            reviews::conflict_declared
                .is_null()
                .or(reviews::conflict_declared.eq(false))
                .or(reviews::conflict_declared.eq(conflicts_count)),
        )
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

/// The names of the states of versions that were published.
fn published_states() -> Vec<&'static str> {
    State::all_where(State::was_published)
        .into_iter()
        .map(State::as_str)
        .collect()
}

/// How many articles each of `reviewers` approved a published (approved) version of.
pub fn articles_reviewed(
    conn: &mut DbConn,
    reviewers: &[UserId],
) -> QueryResult<HashMap<UserId, i64>> {
    use super::schema::revisions;
    let rows: Vec<(UserId, i64)> = reviews::table
        .inner_join(revisions::table)
        .filter(reviews::reviewer_id.eq_any(reviewers))
        .filter(reviews::verdict.eq(Verdict::Approve.as_str()))
        .filter(revisions::state.eq_any(published_states()))
        .group_by(reviews::reviewer_id)
        .select((
            reviews::reviewer_id,
            diesel::dsl::count(revisions::article_id).aggregate_distinct(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether `reviewer` voted on `revision` (approved, asked for changes or rejected).
pub fn voted(conn: &mut DbConn, reviewer: UserId, revision: RevisionId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        reviews::table
            .filter(reviews::revision_id.eq(revision))
            .filter(reviews::reviewer_id.eq(reviewer))
            .filter(reviews::verdict.ne(Verdict::Comment.as_str())),
    ))
    .get_result(conn)
}
