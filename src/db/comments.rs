//! The `comments` table: the discussion under a revision, threaded by `parent_id`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::comments;
use crate::ids::{CommentId, ReviewId, RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Comment {
    pub id: CommentId,
    pub revision_id: RevisionId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub review_id: Option<ReviewId>,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<UserId>,
    /// What the comment is about: a paragraph block or a reference (see `domain::anchor`).
    pub anchor: Option<String>,
    pub anchor_excerpt: Option<String>,
}

pub struct NewComment<'a> {
    pub revision_id: RevisionId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub review_id: Option<ReviewId>,
    pub body: &'a str,
    pub created_at: NaiveDateTime,
    pub anchor: Option<(&'a str, &'a str)>,
}

pub fn insert(conn: &mut DbConn, new: &NewComment<'_>) -> QueryResult<CommentId> {
    diesel::insert_into(comments::table)
        .values((
            comments::revision_id.eq(new.revision_id),
            comments::parent_id.eq(new.parent_id),
            comments::author_id.eq(new.author_id),
            comments::review_id.eq(new.review_id),
            comments::body.eq(new.body),
            comments::created_at.eq(new.created_at),
            comments::anchor.eq(new.anchor.map(|a| a.0)),
            comments::anchor_excerpt.eq(new.anchor.map(|a| a.1)),
        ))
        .returning(comments::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: CommentId) -> QueryResult<Option<Comment>> {
    comments::table.find(id).first(conn).optional()
}

/// A revision's comments, oldest first (the page threads them).
pub fn of_revision(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::revision_id.eq(revision))
        .order((comments::created_at.asc(), comments::id.asc()))
        .load(conn)
}

/// Everyone who commented on a revision (with repeats).
pub fn commenters_of(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<UserId>> {
    comments::table
        .filter(comments::revision_id.eq(revision))
        .select(comments::author_id)
        .load(conn)
}

/// The comments on any of `revisions` (an article's conversation), oldest first, at most
/// `limit`.
pub fn of_revisions(
    conn: &mut DbConn,
    revisions: &[RevisionId],
    limit: i64,
) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::revision_id.eq_any(revisions))
        .order((comments::created_at.asc(), comments::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Marks a thread resolved (`Some`) or open again (`None`), compare-and-set on its current
/// resolution so two people acting at once cannot both win; returns whether it changed.
pub fn set_resolved(
    conn: &mut DbConn,
    id: CommentId,
    resolved: Option<(UserId, NaiveDateTime)>,
) -> QueryResult<bool> {
    let target = comments::table
        .find(id)
        .filter(comments::parent_id.is_null());
    let changed = match resolved {
        Some((by, at)) => diesel::update(target.filter(comments::resolved_at.is_null()))
            .set((comments::resolved_at.eq(at), comments::resolved_by.eq(by)))
            .execute(conn)?,
        None => diesel::update(target.filter(comments::resolved_at.is_not_null()))
            .set((
                comments::resolved_at.eq(None::<NaiveDateTime>),
                comments::resolved_by.eq(None::<UserId>),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}
