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
}

pub struct NewComment<'a> {
    pub revision_id: RevisionId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub review_id: Option<ReviewId>,
    pub body: &'a str,
    pub created_at: NaiveDateTime,
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
