//! The `revisions` table. A revision's content never changes once it is submitted; its state
//! changes only by compare-and-set on `version`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{articles, revisions};
use super::{DbConn, MultiBackend, Tx};
use crate::domain::workflow::{self, State, Transition};
use crate::ids::{ArticleId, RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct Revision {
    pub id: RevisionId,
    pub article_id: ArticleId,
    /// Set when submitted.
    pub number: Option<i32>,
    pub base_revision_id: Option<RevisionId>,
    pub author_id: UserId,
    /// An unknown stored name fails the read (the column's CHECK constraint admits none).
    #[diesel(deserialize_as = String)]
    pub state: State,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub change_note: String,
    pub content_hash: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    /// The approvals it needs: the policy in force when it was submitted.
    pub approvals_required: Option<i32>,
}

impl Revision {
    /// "Revision 3", or "Draft" before submission.
    pub fn label(&self) -> String {
        match self.number {
            Some(n) => format!("Revision {n}"),
            None => "Draft".to_owned(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = revisions)]
pub struct NewRevision<'a> {
    pub article_id: ArticleId,
    pub base_revision_id: Option<RevisionId>,
    pub author_id: UserId,
    pub state: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub change_note: &'a str,
    pub content_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// New content for a draft.
#[derive(AsChangeset)]
#[diesel(table_name = revisions)]
pub struct DraftContent<'a> {
    pub base_revision_id: Option<RevisionId>,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub change_note: &'a str,
    pub content_hash: &'a str,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewRevision<'_>) -> QueryResult<Revision> {
    diesel::insert_into(revisions::table)
        .values(new)
        .returning(revisions::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: RevisionId) -> QueryResult<Option<Revision>> {
    revisions::table.find(id).first(conn).optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[RevisionId]) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::id.eq_any(ids))
        .load(conn)
}

/// The next revision number of an article.
pub fn next_number(conn: &mut DbConn, article: ArticleId) -> QueryResult<i32> {
    let max: Option<i32> = revisions::table
        .filter(revisions::article_id.eq(article))
        .select(diesel::dsl::max(revisions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Revisions of an article that `viewer` may see (everything but other people's drafts):
/// the viewer's draft first, then by number, newest first.
pub fn list_for_article(
    conn: &mut DbConn,
    article: ArticleId,
    viewer: UserId,
    limit: i64,
) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(
            revisions::state
                .eq_any(names(&workflow::visible_to_everyone()))
                .or(revisions::author_id.eq(viewer)),
        )
        .order(revisions::id.desc())
        .limit(limit)
        .load::<Revision>(conn)
        .map(|mut rows| {
            // NULL sorts differently on the two backends: order drafts first here.
            rows.sort_by_key(|r| std::cmp::Reverse(r.number.unwrap_or(i32::MAX)));
            rows
        })
}

/// Submitted revisions of an article in the given states, highest number first.
pub fn in_states(
    conn: &mut DbConn,
    article: ArticleId,
    states: &[State],
) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(revisions::number.is_not_null())
        .filter(revisions::state.eq_any(names(states)))
        .order(revisions::number.desc())
        .load(conn)
}

/// The author's open draft of an article, if any.
pub fn draft_of(
    conn: &mut DbConn,
    article: ArticleId,
    author: UserId,
) -> QueryResult<Option<Revision>> {
    revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(revisions::author_id.eq(author))
        .filter(revisions::state.eq(State::Draft.as_str()))
        .order(revisions::id.desc())
        .first(conn)
        .optional()
}

/// Compare-and-set for submission: the draft takes the transition's state and its number,
/// if nobody changed it since `version` was read.
pub fn submit(
    tx: &mut Tx<'_>,
    id: RevisionId,
    version: i64,
    number: i32,
    approvals_required: i32,
    transition: &Transition,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    tx.public_content_changed();
    let changed = diesel::update(
        revisions::table
            .find(id)
            .filter(revisions::version.eq(version))
            .filter(revisions::number.is_null()),
    )
    .set((
        revisions::state.eq(transition.to.as_str()),
        revisions::number.eq(number),
        revisions::version.eq(version + 1),
        revisions::updated_at.eq(now),
        revisions::submitted_at.eq(now),
        revisions::approvals_required.eq(approvals_required),
    ))
    .execute(&mut **tx)?;
    Ok(changed == 1)
}

/// Compare-and-set: makes the transition if nobody acted on the revision since `version`
/// was read (every action bumps the version, so any concurrent action makes this fail). A
/// transition that decides stamps the decision date.
pub fn transition(
    tx: &mut Tx<'_>,
    id: RevisionId,
    version: i64,
    transition: &Transition,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    tx.public_content_changed();
    let target = revisions::table
        .find(id)
        .filter(revisions::version.eq(version));
    let changed = diesel::update(target)
        .set((
            revisions::state.eq(transition.to.as_str()),
            revisions::version.eq(version + 1),
            revisions::updated_at.eq(now),
        ))
        .execute(&mut **tx)?;
    if changed == 1 && transition.decides() {
        diesel::update(revisions::table.find(id))
            .set(revisions::decided_at.eq(now))
            .execute(&mut **tx)?;
    }
    Ok(changed == 1)
}

fn names(states: &[State]) -> Vec<&'static str> {
    states.iter().map(|s| s.as_str()).collect()
}

/// Compare-and-set on a draft's content. Only a revision never submitted (no number) can
/// change: submitted content is immutable.
pub fn update_draft(
    conn: &mut DbConn,
    id: RevisionId,
    version: i64,
    content: &DraftContent<'_>,
) -> QueryResult<bool> {
    let changed = diesel::update(
        revisions::table
            .find(id)
            .filter(revisions::version.eq(version))
            .filter(revisions::number.is_null()),
    )
    .set((content, revisions::version.eq(version + 1)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Which articles a workspace list shows.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub state: Option<State>,
    pub author: Option<UserId>,
    /// Part of the title.
    pub title: Option<String>,
}

/// An article id, its published revision, and its current revision.
pub type CurrentRow = (ArticleId, Option<RevisionId>, Revision);

/// One page of articles as the workspace sees them: each with its current (newest
/// submitted) revision, most recently changed first. Returns whether there are more.
pub fn list_current(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CurrentRow>, bool)> {
    let mut query = articles::table
        .inner_join(revisions::table.on(revisions::id.nullable().eq(articles::current_revision_id)))
        .select((
            articles::id,
            articles::published_revision_id,
            revisions::all_columns,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(state) = filter.state {
        query = query.filter(revisions::state.eq(state.as_str()));
    }
    if let Some(author) = filter.author {
        query = query.filter(revisions::author_id.eq(author));
    }
    if let Some(title) = filter.title.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", super::users::escape_like(&title.to_lowercase()));
        query = query.filter(super::lower(revisions::title).like(pattern).escape('\\'));
    }
    let rows: Vec<CurrentRow> = query
        .order((articles::updated_at.desc(), articles::id.desc()))
        .offset(offset)
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// The author's drafts, newest first.
pub fn drafts_by(conn: &mut DbConn, author: UserId, limit: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::author_id.eq(author))
        .filter(revisions::state.eq(State::Draft.as_str()))
        .order(revisions::updated_at.desc())
        .limit(limit)
        .load(conn)
}

/// The author's revisions waiting on review or on them, oldest submission first.
pub fn pending_by(conn: &mut DbConn, author: UserId, limit: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::author_id.eq(author))
        .filter(revisions::state.eq_any(names(&State::all_where(State::is_pending))))
        .order(revisions::submitted_at.asc())
        .limit(limit)
        .load(conn)
}

/// The author's revisions that were approved or rejected, most recent decision first.
pub fn decided_for(conn: &mut DbConn, author: UserId, limit: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::author_id.eq(author))
        .filter(revisions::decided_at.is_not_null())
        .order(revisions::decided_at.desc())
        .limit(limit)
        .load(conn)
}

/// Revisions waiting for reviewers (submitted or under review), oldest submission first.
pub fn awaiting_review(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::state.eq_any(names(&State::all_where(State::awaits_reviewers))))
        .order((revisions::submitted_at.asc(), revisions::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Recently approved revisions that are (still) published, newest first.
pub fn recently_published(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .inner_join(
            articles::table.on(articles::published_revision_id.eq(revisions::id.nullable())),
        )
        .select(revisions::all_columns)
        .order(revisions::decided_at.desc())
        .limit(limit)
        .load(conn)
}

/// The authors of an article's submitted revisions (with repeats).
pub fn authors_of_article(conn: &mut DbConn, article: ArticleId) -> QueryResult<Vec<UserId>> {
    revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(revisions::number.is_not_null())
        .select(revisions::author_id)
        .load(conn)
}

/// Whether `viewer` may see any revision of the article (a submitted one, or their own
/// draft): an article that is only someone else's draft is not there for them.
pub fn any_visible(conn: &mut DbConn, article: ArticleId, viewer: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        revisions::table
            .filter(revisions::article_id.eq(article))
            .filter(
                revisions::state
                    .eq_any(names(&workflow::visible_to_everyone()))
                    .or(revisions::author_id.eq(viewer)),
            ),
    ))
    .get_result(conn)
}

/// Locks a revision's row for the rest of the transaction, so actions on one revision (two
/// reviewers commenting at once, say) take turns instead of failing each other's
/// compare-and-set. On SQLite the immediate transaction already holds the only write lock.
pub fn lock(tx: &mut Tx<'_>, id: RevisionId) -> QueryResult<()> {
    match &mut **tx {
        DbConn::Pg(pg) => {
            diesel::sql_query("SELECT id FROM revisions WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::BigInt, _>(id.0)
                .execute(pg)?;
            Ok(())
        }
        DbConn::Sqlite(_) => Ok(()),
    }
}
