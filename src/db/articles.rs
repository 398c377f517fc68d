//! The `articles` table: an article is a slug and a pointer to its published revision.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::cached::{bind, cached};
use super::revisions::Revision;
use super::schema::articles;
use super::{DbConn, Tx};
use crate::ids::{ArticleId, RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Article {
    pub id: ArticleId,
    pub slug: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The newest submitted revision, whatever its state now.
    pub current_revision_id: Option<RevisionId>,
    pub published_revision_id: Option<RevisionId>,
    pub first_published_at: Option<NaiveDateTime>,
    pub last_reviewed_at: Option<NaiveDateTime>,
    pub next_review_due: Option<NaiveDateTime>,
    /// Bumped by every change to the article or to which revision is pending; used for
    /// compare-and-set so concurrent submissions and approvals serialise.
    pub version: i64,
    /// Taken off the public site (until a new approval republishes it).
    pub retracted_at: Option<NaiveDateTime>,
    pub retraction_reason: Option<String>,
    pub retracted_by: Option<UserId>,
    /// The current revision's state and author, kept here for the article list's filters.
    pub current_state: Option<String>,
    pub current_author_id: Option<UserId>,
    /// Why it was retracted, as readers are told (`retraction_reason` is the internal one);
    /// `None` for retractions made before notices existed.
    pub retraction_notice: Option<String>,
}

impl Article {
    /// The retraction notice readers see, when it differs from the internal reason.
    pub fn separate_notice(&self) -> Option<&str> {
        self.retraction_notice
            .as_deref()
            .filter(|notice| Some(*notice) != self.retraction_reason.as_deref())
    }

    /// On the public site: published and not retracted.
    pub fn is_live(&self) -> bool {
        self.published_revision_id.is_some() && self.retracted_at.is_none()
    }
}

#[derive(Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle<'a> {
    pub slug: &'a str,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewArticle<'_>) -> QueryResult<Article> {
    diesel::insert_into(articles::table)
        .values(new)
        .returning(articles::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: ArticleId) -> QueryResult<Option<Article>> {
    articles::table.find(id).first(conn).optional()
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Article>> {
    articles::table
        .filter(articles::slug.eq(slug))
        .first(conn)
        .optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[ArticleId]) -> QueryResult<Vec<Article>> {
    articles::table.filter(articles::id.eq_any(ids)).load(conn)
}

pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        articles::table.filter(articles::slug.eq(slug)),
    ))
    .get_result(conn)
}

/// Claims the article for this transaction: bumps its version if it is still `version`.
pub fn bump(
    conn: &mut DbConn,
    id: ArticleId,
    version: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        articles::table
            .find(id)
            .filter(articles::version.eq(version)),
    )
    .set((
        articles::version.eq(version + 1),
        articles::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Makes `revision` the published one (ending any retraction), if the article is still at
/// `version`; bumps the version. One statement: the claim, the publication and the first
/// publication date are one row's update.
pub fn publish(
    tx: &mut Tx<'_>,
    id: ArticleId,
    version: i64,
    revision: RevisionId,
    now: NaiveDateTime,
    next_review_due: NaiveDateTime,
) -> QueryResult<bool> {
    use diesel::sql_types::{BigInt, Timestamp};
    tx.public_content_changed();
    let changed = cached(
        &[
            "UPDATE articles SET version = ",
            ", published_revision_id = ",
            ", first_published_at = COALESCE(first_published_at, ",
            "), last_reviewed_at = ",
            ", next_review_due = ",
            ", updated_at = ",
            ", retracted_at = NULL, retraction_reason = NULL, retracted_by = NULL, \
             retraction_notice = NULL WHERE id = ",
            " AND version = ",
            "",
        ],
        (
            (
                bind::<BigInt, _>(version + 1),
                bind::<BigInt, _>(revision.0),
                bind::<Timestamp, _>(now),
                bind::<Timestamp, _>(now),
            ),
            (
                bind::<Timestamp, _>(next_review_due),
                bind::<Timestamp, _>(now),
                bind::<BigInt, _>(id.0),
                bind::<BigInt, _>(version),
            ),
        ),
    )
    .execute(&mut **tx)?;
    Ok(changed == 1)
}

/// Makes `revision` the one the workspace lists for the article, with its state, author
/// and title for the list's filters.
pub fn set_current(conn: &mut DbConn, id: ArticleId, revision: &Revision) -> QueryResult<usize> {
    let changed = diesel::update(articles::table.find(id))
        .set((
            articles::current_revision_id.eq(revision.id),
            articles::current_state.eq(revision.state.as_str()),
            articles::current_author_id.eq(revision.author_id),
        ))
        .execute(&mut *conn)?;
    super::search::index_title(conn, id, &revision.title)?;
    Ok(changed)
}

pub fn set_slug(conn: &mut DbConn, id: ArticleId, slug: &str) -> QueryResult<usize> {
    diesel::update(articles::table.find(id))
        .set(articles::slug.eq(slug))
        .execute(conn)
}

/// Published articles whose next review is due before `now`, most overdue first, each with
/// its published title; and whether more are overdue.
pub fn overdue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<(Vec<(Article, String)>, bool)> {
    use super::schema::revisions;
    let rows = articles::table
        .inner_join(
            revisions::table.on(articles::published_revision_id.eq(revisions::id.nullable())),
        )
        .filter(articles::next_review_due.lt(now))
        .select((articles::all_columns, revisions::title))
        .order((articles::next_review_due.asc(), articles::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// Moves an article's next review date (the demo uses it to show an overdue article).
pub fn set_review_due(conn: &mut DbConn, id: ArticleId, due: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(articles::table.find(id))
        .set(articles::next_review_due.eq(due))
        .execute(conn)
}

/// Takes a live article off the public site, with the internal `reason` and the `notice`
/// readers see; returns false when it was not live.
pub fn retract(
    tx: &mut Tx<'_>,
    id: ArticleId,
    reason: &str,
    notice: &str,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    tx.public_content_changed();
    let changed = diesel::update(
        articles::table
            .find(id)
            .filter(articles::published_revision_id.is_not_null())
            .filter(articles::retracted_at.is_null()),
    )
    .set((
        articles::retracted_at.eq(now),
        articles::retraction_reason.eq(reason),
        articles::retraction_notice.eq(notice),
        articles::retracted_by.eq(by),
        articles::updated_at.eq(now),
        articles::version.eq(articles::version + 1),
    ))
    .execute(&mut **tx)?;
    Ok(changed == 1)
}

/// One page of live articles, most recently reviewed first, and whether there are more.
pub fn live_page(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<Article>, bool)> {
    let rows: Vec<Article> = articles::table
        .filter(articles::published_revision_id.is_not_null())
        .filter(articles::retracted_at.is_null())
        .order((articles::last_reviewed_at.desc(), articles::id.desc()))
        .offset(offset)
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// Live articles reviewed at or after `since`, most recently reviewed first, starting after
/// `after` (the review time and id of the last one of the previous page): keyset pages, read
/// from the `articles_published` index however deep. One more than `limit` is read, to
/// tell whether more follow.
pub fn live_keyset(
    conn: &mut DbConn,
    since: Option<NaiveDateTime>,
    after: Option<(NaiveDateTime, ArticleId)>,
    limit: i64,
) -> QueryResult<(Vec<Article>, bool)> {
    let mut query = articles::table
        .filter(articles::published_revision_id.is_not_null())
        .filter(articles::retracted_at.is_null())
        .filter(articles::last_reviewed_at.is_not_null())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(articles::last_reviewed_at.ge(since));
    }
    if let Some((at, id)) = after {
        // The first condition bounds the index range; the second breaks ties.
        query = query
            .filter(articles::last_reviewed_at.le(at))
            .filter(articles::last_reviewed_at.lt(at).or(articles::id.lt(id)));
    }
    let rows: Vec<Article> = query
        .order((articles::last_reviewed_at.desc(), articles::id.desc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// The slugs and last review dates of live articles, most recently reviewed first.
pub fn live_slugs(
    conn: &mut DbConn,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    articles::table
        .filter(articles::published_revision_id.is_not_null())
        .filter(articles::retracted_at.is_null())
        .select((articles::slug, articles::last_reviewed_at))
        .order((articles::last_reviewed_at.desc(), articles::id.desc()))
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// A retraction as the feed announces it: the slug, when, the notice for readers and the
/// revision that was taken off.
pub type RetractionLine = (String, NaiveDateTime, Option<String>, Option<RevisionId>);

/// The newest retractions, newest first (the partial index `articles_retracted`).
pub fn recent_retractions(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<RetractionLine>> {
    articles::table
        .filter(articles::retracted_at.is_not_null())
        .select((
            articles::slug,
            articles::retracted_at.assume_not_null(),
            articles::retraction_notice,
            articles::published_revision_id,
        ))
        .order((articles::retracted_at.desc(), articles::id.desc()))
        .limit(limit)
        .load(conn)
}

/// How many articles are live.
pub fn live_count(conn: &mut DbConn) -> QueryResult<i64> {
    articles::table
        .filter(articles::published_revision_id.is_not_null())
        .filter(articles::retracted_at.is_null())
        .count()
        .get_result(conn)
}

/// Completes a periodic review without a new revision: the article was last reviewed
/// `now`, and is due again at `next_review_due`. Compare-and-set on `version`.
pub fn reviewed(
    tx: &mut Tx<'_>,
    id: ArticleId,
    version: i64,
    now: NaiveDateTime,
    next_review_due: NaiveDateTime,
) -> QueryResult<bool> {
    tx.public_content_changed();
    let changed = diesel::update(
        articles::table
            .find(id)
            .filter(articles::version.eq(version)),
    )
    .set((
        articles::version.eq(version + 1),
        articles::last_reviewed_at.eq(now),
        articles::next_review_due.eq(next_review_due),
        articles::updated_at.eq(now),
    ))
    .execute(&mut **tx)?;
    Ok(changed == 1)
}
