//! The `recertifications` table: reviewers confirming a published version unchanged at its
//! periodic review.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::reviews::Approver;
use super::schema::{recertifications, users};
use crate::ids::{ArticleId, RevisionId, UserId};

/// A re-certification to record.
pub struct NewRecertification<'a> {
    pub article: ArticleId,
    pub revision: RevisionId,
    pub reviewer: UserId,
    pub conflict_declared: bool,
    pub conflict: &'a str,
    /// The checklist items attested, as JSON (`domain::checklist`).
    pub checklist: &'a str,
    pub note: &'a str,
    pub now: NaiveDateTime,
    /// It meets the policy: the review is complete.
    pub completes: bool,
}

pub fn insert(conn: &mut DbConn, new: &NewRecertification<'_>) -> QueryResult<usize> {
    diesel::insert_into(recertifications::table)
        .values((
            recertifications::article_id.eq(new.article),
            recertifications::revision_id.eq(new.revision),
            recertifications::reviewer_id.eq(new.reviewer),
            recertifications::conflict_declared.eq(new.conflict_declared),
            recertifications::conflict.eq(new.conflict),
            recertifications::checklist.eq(new.checklist),
            recertifications::note.eq(new.note),
            recertifications::created_at.eq(new.now),
            recertifications::completes.eq(new.completes),
        ))
        .execute(conn)
}

/// The re-certifications of `revision` given since `since` (the article's last review):
/// the current round, oldest first, as approvals to count.
pub fn round(
    conn: &mut DbConn,
    article: ArticleId,
    revision: RevisionId,
    since: Option<NaiveDateTime>,
) -> QueryResult<Vec<Approver>> {
    let mut query = recertifications::table
        .inner_join(users::table)
        .filter(recertifications::article_id.eq(article))
        .filter(recertifications::revision_id.eq(revision))
        .select((
            recertifications::reviewer_id,
            users::is_active,
            recertifications::conflict_declared.nullable(),
            recertifications::conflict,
        ))
        .order((
            recertifications::created_at.asc(),
            recertifications::id.asc(),
        ))
        .limit(1_000)
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(recertifications::created_at.gt(since));
    }
    query.load(conn)
}

/// One re-certification, as an article's history shows it.
#[derive(Debug, Clone, Queryable)]
pub struct Given {
    pub reviewer_id: UserId,
    pub revision_id: RevisionId,
    pub created_at: NaiveDateTime,
    pub completes: bool,
}

/// Every re-certification of an article, oldest first (a few per review round).
pub fn of_article(conn: &mut DbConn, article: ArticleId) -> QueryResult<Vec<Given>> {
    recertifications::table
        .filter(recertifications::article_id.eq(article))
        .select((
            recertifications::reviewer_id,
            recertifications::revision_id,
            recertifications::created_at,
            recertifications::completes,
        ))
        .order((
            recertifications::created_at.asc(),
            recertifications::id.asc(),
        ))
        .limit(10_000)
        .load(conn)
}
