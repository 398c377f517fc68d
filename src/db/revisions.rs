//! The `revisions` table. A revision's content never changes once it is submitted; its state
//! changes only by compare-and-set on `version`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::cached::{bind, cached};
use super::schema::{articles, revisions};
use super::{DbConn, MultiBackend, Tx};
use crate::domain::content::Version;
use crate::domain::workflow::{self, State, Transition};
use crate::ids::{ArticleId, RevisionId, SpecialtyId, UserId};

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
    /// The patient version (all four set, or all `None` when it has none).
    pub patient_title: Option<String>,
    pub patient_summary: Option<String>,
    pub patient_body: Option<String>,
    pub patient_body_html: Option<String>,
    /// The change summary for readers (blank: "Editorial update"); `change_note` is the
    /// internal note to reviewers.
    pub public_note: String,
}

/// "Revision 3" for a submitted revision's number, or "Draft" before submission.
pub fn label(number: Option<i32>) -> String {
    match number {
        Some(n) => format!("Revision {n}"),
        None => "Draft".to_owned(),
    }
}

impl Revision {
    /// "Revision 3", or "Draft" before submission.
    pub fn label(&self) -> String {
        label(self.number)
    }

    /// The clinician version: the revision's own title, summary and body.
    pub fn clinician(&self) -> Version {
        Version {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
        }
    }

    /// The patient version, when the revision has one.
    pub fn patient(&self) -> Option<Version> {
        Some(Version {
            title: self.patient_title.clone()?,
            summary: self.patient_summary.clone().unwrap_or_default(),
            body: self.patient_body.clone()?,
        })
    }

    pub fn has_patient(&self) -> bool {
        self.patient_body.is_some()
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
    pub patient_title: Option<&'a str>,
    pub patient_summary: Option<&'a str>,
    pub patient_body: Option<&'a str>,
    pub patient_body_html: Option<&'a str>,
    pub public_note: &'a str,
}

/// New content for a draft. The patient columns are always written (`Some(None)` clears
/// them: a draft whose patient version was removed has none).
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
    pub patient_title: Option<Option<&'a str>>,
    pub patient_summary: Option<Option<&'a str>>,
    pub patient_body: Option<Option<&'a str>>,
    pub patient_body_html: Option<Option<&'a str>>,
    pub public_note: &'a str,
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

/// A revision's list line, without its text.
pub fn find_line(conn: &mut DbConn, id: RevisionId) -> QueryResult<Option<RevisionLine>> {
    revisions::table
        .find(id)
        .select(LINE)
        .first(conn)
        .optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[RevisionId]) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::id.eq_any(ids))
        .load(conn)
}

/// What a list of published articles shows of a revision.
#[derive(Debug, Clone, Queryable)]
pub struct CardText {
    pub id: RevisionId,
    pub title: String,
    pub summary: String,
    pub submitted_at: Option<NaiveDateTime>,
    /// Only when asked for (search results' snippets).
    pub body: Option<String>,
    /// The revision has a patient version.
    pub has_patient: bool,
}

/// The card texts of `ids`, with their bodies when `with_body`.
pub fn card_texts(
    conn: &mut DbConn,
    ids: &[RevisionId],
    with_body: bool,
) -> QueryResult<Vec<CardText>> {
    let query = revisions::table.filter(revisions::id.eq_any(ids));
    if with_body {
        query
            .select((
                revisions::id,
                revisions::title,
                revisions::summary,
                revisions::submitted_at,
                revisions::body.nullable(),
                revisions::patient_title.is_not_null(),
            ))
            .load(conn)
    } else {
        query
            .select((
                revisions::id,
                revisions::title,
                revisions::summary,
                revisions::submitted_at,
                None::<String>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(),
                revisions::patient_title.is_not_null(),
            ))
            .load(conn)
    }
}

/// The patient versions of published revisions, as a search result shows them (title,
/// summary, submission time and body); revisions without one are left out.
pub fn patient_card_texts(conn: &mut DbConn, ids: &[RevisionId]) -> QueryResult<Vec<CardText>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    // A patient version's title, summary and body are set together (`editing`).
    revisions::table
        .filter(revisions::id.eq_any(ids))
        .filter(revisions::patient_title.is_not_null())
        .select((
            revisions::id,
            revisions::patient_title.assume_not_null(),
            revisions::patient_summary.assume_not_null(),
            revisions::submitted_at,
            revisions::patient_body,
            sql::<Bool>("TRUE"),
        ))
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
/// the viewer's draft first, then by number, newest first. Lines, not bodies.
pub fn list_for_article(
    conn: &mut DbConn,
    article: ArticleId,
    viewer: UserId,
    limit: i64,
) -> QueryResult<Vec<RevisionLine>> {
    revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(
            revisions::state
                .eq_any(names(&workflow::visible_to_everyone()))
                .or(revisions::author_id.eq(viewer)),
        )
        .select(LINE)
        .order(revisions::id.desc())
        .limit(limit)
        .load::<RevisionLine>(conn)
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
    use diesel::sql_types::{BigInt, Bool, Text, Timestamp};
    // One statement, decision or not (on SQLite an update rewrites the whole row, body
    // included), of fixed text, so each connection prepares it once.
    let state = transition.to.as_str();
    let (to, version, decided, at) = (
        bind::<Text, _>(state),
        (bind::<BigInt, _>(version + 1), bind::<BigInt, _>(version)),
        bind::<Bool, _>(transition.decides()),
        bind::<Timestamp, _>(now),
    );
    // The article list filters on its current revision's state, kept on the article, and
    // the reviewers' assigned lists on their assignments' `waiting_since`, cleared when the
    // revision stops waiting: on PostgreSQL all change in one statement (one round trip
    // for every action).
    let stops_waiting = bind::<Bool, _>(!transition.to.awaits_reviewers());
    let changed = match &mut **tx {
        DbConn::Pg(pg) => {
            #[derive(QueryableByName)]
            struct Moved {
                #[diesel(sql_type = BigInt)]
                moved: i64,
            }
            cached(
                &[
                    "WITH moved AS (UPDATE revisions SET state = ",
                    ", version = ",
                    ", updated_at = ",
                    ", decided_at = CASE WHEN ",
                    " THEN ",
                    " ELSE decided_at END WHERE id = ",
                    " AND version = ",
                    " RETURNING id), listed AS (UPDATE articles SET current_state = ",
                    " WHERE current_revision_id IN (SELECT id FROM moved)), \
                     done AS (UPDATE assignments SET waiting_since = NULL WHERE ",
                    " AND revision_id IN (SELECT id FROM moved) AND waiting_since IS NOT NULL) \
                     SELECT count(*) AS moved FROM moved",
                ],
                (
                    (to, version.0, at, decided),
                    (
                        bind::<Timestamp, _>(now),
                        bind::<BigInt, _>(id.0),
                        version.1,
                        bind::<Text, _>(state),
                        stops_waiting,
                    ),
                ),
            )
            .get_result::<Moved>(pg)?
            .moved
        }
        DbConn::Sqlite(sqlite) => {
            let changed = cached(
                &[
                    "UPDATE revisions SET state = ",
                    ", version = ",
                    ", updated_at = ",
                    ", decided_at = CASE WHEN ",
                    " THEN ",
                    " ELSE decided_at END WHERE id = ",
                    " AND version = ",
                    "",
                ],
                (
                    (to, version.0, at, decided),
                    (
                        bind::<Timestamp, _>(now),
                        bind::<BigInt, _>(id.0),
                        version.1,
                    ),
                ),
            )
            .execute(sqlite)?;
            if changed == 1 {
                cached(
                    &[
                        "UPDATE articles SET current_state = ",
                        " WHERE current_revision_id = ",
                        "",
                    ],
                    (bind::<Text, _>(state), bind::<BigInt, _>(id.0)),
                )
                .execute(sqlite)?;
                if !transition.to.awaits_reviewers() {
                    cached(
                        &[
                            "UPDATE assignments SET waiting_since = NULL WHERE revision_id = ",
                            " AND waiting_since IS NOT NULL",
                        ],
                        bind::<BigInt, _>(id.0),
                    )
                    .execute(sqlite)?;
                }
            }
            i64::try_from(changed).unwrap_or(0)
        }
    };
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

/// A revision as a list shows it: everything but its text.
#[derive(Debug, Clone, Queryable)]
pub struct RevisionLine {
    pub id: RevisionId,
    pub article_id: ArticleId,
    pub number: Option<i32>,
    pub author_id: UserId,
    #[diesel(deserialize_as = String)]
    pub state: State,
    pub title: String,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub approvals_required: Option<i32>,
    /// What the author said changed (at most 500 characters).
    pub change_note: String,
}

impl RevisionLine {
    /// "Revision 3", or "Draft" before submission.
    pub fn label(&self) -> String {
        label(self.number)
    }
}

/// The columns of a [`RevisionLine`]: lists never read a body.
pub type LineColumns = (
    revisions::id,
    revisions::article_id,
    revisions::number,
    revisions::author_id,
    revisions::state,
    revisions::title,
    revisions::updated_at,
    revisions::submitted_at,
    revisions::decided_at,
    revisions::approvals_required,
    revisions::change_note,
);

pub const LINE: LineColumns = (
    revisions::id,
    revisions::article_id,
    revisions::number,
    revisions::author_id,
    revisions::state,
    revisions::title,
    revisions::updated_at,
    revisions::submitted_at,
    revisions::decided_at,
    revisions::approvals_required,
    revisions::change_note,
);

/// Where a page of a list ordered by a time and an id starts: after this row. Queries
/// write "after" as `at >= cursor.at AND (at > cursor.at OR id > cursor.id)` (or the
/// mirror for newest first): the first half is an index range both backends seek to and
/// walk in order. The plain `at > c OR (at = c AND id > i)` is not one; PostgreSQL
/// answered it with a bitmap of every later row, then a sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: NaiveDateTime,
    pub id: i64,
}

impl Cursor {
    /// `<microseconds since the epoch>.<id>`, as a link carries it.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.and_utc().timestamp_micros(), self.id)
    }

    /// Reads [`Cursor::encode`]'s form; `None` for anything else.
    pub fn decode(value: &str) -> Option<Cursor> {
        let (micros, id) = value.split_once('.')?;
        let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
        Some(Cursor {
            at,
            id: id.parse().ok()?,
        })
    }
}

/// Which articles a workspace list shows.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub state: Option<State>,
    pub author: Option<UserId>,
    /// Words of the title.
    pub title: Option<String>,
}

/// An article id, its published revision, when it last changed, and its current revision.
pub type CurrentRow = (ArticleId, Option<RevisionId>, NaiveDateTime, RevisionLine);

/// Title matches examined per page when the title filter is combined with another.
const TITLE_CANDIDATES: i64 = 500;

/// One page of articles as the workspace sees them, each with its current (newest
/// submitted) revision: most recently changed first, after `after` (the last row of the
/// previous page); with a title filter, newest article first. Returns whether more follow.
/// Each order is an index range (articles_updated, articles_current_state,
/// articles_current_author, the title index), so a page reads about `limit` rows.
pub fn list_current(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<(Vec<CurrentRow>, bool)> {
    let mut query = articles::table
        .inner_join(revisions::table.on(revisions::id.nullable().eq(articles::current_revision_id)))
        .select((
            articles::id,
            articles::published_revision_id,
            articles::updated_at,
            LINE,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(state) = filter.state {
        query = query.filter(articles::current_state.eq(state.as_str()));
    }
    if let Some(author) = filter.author {
        query = query.filter(articles::current_author_id.eq(author));
    }
    if let Some(title) = filter.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let before = after.map(|c| ArticleId(c.id));
        let plain = filter.state.is_none() && filter.author.is_none();
        let wanted = if plain { limit + 1 } else { TITLE_CANDIDATES };
        let ids = super::search::titles(conn, title, before, wanted)?;
        let examined_all = i64::try_from(ids.len()).unwrap_or(0) < wanted;
        let rows: Vec<CurrentRow> = query
            .filter(articles::id.eq_any(&ids))
            .order(articles::id.desc())
            .limit(limit + 1)
            .load(conn)?;
        let (rows, more) = super::split_page(rows, limit);
        return Ok((rows, more || (!plain && !examined_all)));
    }
    if let Some(c) = after {
        query = query.filter(
            articles::updated_at.le(c.at).and(
                articles::updated_at
                    .lt(c.at)
                    .or(articles::id.lt(ArticleId(c.id))),
            ),
        );
    }
    let rows: Vec<CurrentRow> = query
        .order((articles::updated_at.desc(), articles::id.desc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// The author's drafts, most recently saved first, after `after`; and whether more follow.
pub fn drafts_by(
    conn: &mut DbConn,
    author: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<(Vec<RevisionLine>, bool)> {
    let mut query = revisions::table
        .filter(revisions::author_id.eq(author))
        .filter(revisions::state.eq(State::Draft.as_str()))
        .select(LINE)
        .into_boxed::<MultiBackend>();
    if let Some(c) = after {
        query = query.filter(
            revisions::updated_at.le(c.at).and(
                revisions::updated_at
                    .lt(c.at)
                    .or(revisions::id.lt(RevisionId(c.id))),
            ),
        );
    }
    let rows = query
        .order((revisions::updated_at.desc(), revisions::id.desc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// The author's revisions waiting on review or on them, most recently changed first (one
/// index range per pending state, merged).
pub fn pending_by(conn: &mut DbConn, author: UserId, limit: i64) -> QueryResult<Vec<RevisionLine>> {
    let mut all = Vec::new();
    for state in State::all_where(State::is_pending) {
        let rows: Vec<RevisionLine> = revisions::table
            .filter(revisions::author_id.eq(author))
            .filter(revisions::state.eq(state.as_str()))
            .select(LINE)
            .order((revisions::updated_at.desc(), revisions::id.desc()))
            .limit(limit)
            .load(conn)?;
        all.extend(rows);
    }
    all.sort_by_key(|r| std::cmp::Reverse((r.updated_at, r.id)));
    all.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(all)
}

/// The author's revisions that were approved or rejected, most recent decision first.
pub fn decided_for(
    conn: &mut DbConn,
    author: UserId,
    limit: i64,
) -> QueryResult<Vec<RevisionLine>> {
    revisions::table
        .filter(revisions::author_id.eq(author))
        .filter(revisions::decided_at.is_not_null())
        .select(LINE)
        .order((revisions::decided_at.desc(), revisions::id.desc()))
        .limit(limit)
        .load(conn)
}

/// Which waiting revisions a review queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueShow {
    /// Everything waiting that is not assigned to the reviewer.
    Unassigned,
    /// Assigned to the reviewer, not re-requested.
    Assigned,
    /// The reviewer is asked to look again.
    ReRequested,
}

/// Which articles' revisions a queue list holds, by their specialties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Among {
    #[default]
    All,
    /// Articles with at least one of these specialties.
    In(Vec<SpecialtyId>),
    /// Articles with none of these specialties.
    NotIn(Vec<SpecialtyId>),
}

/// One page of revisions waiting for reviewers, oldest submission first, after `after`:
/// never the reviewer's own, nor one they already approved. An assigned list reads the
/// reviewer's assignments of waiting revisions in that order (assignments_waiting), each
/// row's revision a primary-key probe; the unassigned list reads every waiting revision in
/// that order (revisions_waiting_all), each row's exclusions being primary-key probes.
/// Either way the page stops at its end, whatever the archive holds.
pub fn waiting_for(
    conn: &mut DbConn,
    reviewer: UserId,
    show: QueueShow,
    among: &Among,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<(Vec<RevisionLine>, bool)> {
    use super::schema::{article_specialties, assignments, reviews};
    let approved = || {
        reviews::table
            .filter(reviews::revision_id.eq(revisions::id))
            .filter(reviews::reviewer_id.eq(reviewer))
            .filter(reviews::verdict.eq(workflow::Verdict::Approve.as_str()))
    };
    let holding = |ids: &[SpecialtyId]| {
        diesel::dsl::exists(
            article_specialties::table
                .filter(article_specialties::article_id.eq(revisions::article_id))
                .filter(article_specialties::specialty_id.eq_any(ids.to_vec())),
        )
    };
    let waiting = names(&State::all_where(State::awaits_reviewers));
    if show != QueueShow::Unassigned {
        let mut query = assignments::table
            .inner_join(revisions::table)
            .filter(assignments::reviewer_id.eq(reviewer))
            .filter(assignments::re_requested.eq(show == QueueShow::ReRequested))
            .filter(assignments::waiting_since.is_not_null())
            .filter(revisions::state.eq_any(waiting))
            .filter(revisions::author_id.ne(reviewer))
            .filter(diesel::dsl::not(diesel::dsl::exists(approved())))
            .select(LINE)
            .into_boxed::<MultiBackend>();
        query = match among {
            Among::All => query,
            Among::In(ids) => query.filter(holding(ids)),
            Among::NotIn(ids) => query.filter(diesel::dsl::not(holding(ids))),
        };
        if let Some(c) = after {
            query = query.filter(
                assignments::waiting_since.ge(c.at).and(
                    assignments::waiting_since
                        .gt(c.at)
                        .or(assignments::revision_id.gt(RevisionId(c.id))),
                ),
            );
        }
        let rows = query
            .order((
                assignments::waiting_since.asc(),
                assignments::revision_id.asc(),
            ))
            .limit(limit + 1)
            .load(conn)?;
        return Ok(super::split_page(rows, limit));
    }
    let scoped = |query: BoxedLines<'static>| match among {
        Among::All => query,
        Among::In(ids) => query.filter(holding(ids)),
        Among::NotIn(ids) => query.filter(diesel::dsl::not(holding(ids))),
    };
    let after_cursor = |query: BoxedLines<'static>| match after {
        Some(c) => query.filter(
            revisions::submitted_at.ge(c.at).and(
                revisions::submitted_at
                    .gt(c.at)
                    .or(revisions::id.gt(RevisionId(c.id))),
            ),
        ),
        None => query,
    };
    let mine = || {
        assignments::table
            .filter(assignments::revision_id.eq(revisions::id))
            .filter(assignments::reviewer_id.eq(reviewer))
    };
    let query = revisions::table
        .filter(waiting_literally())
        .filter(revisions::author_id.ne(reviewer))
        .filter(diesel::dsl::not(diesel::dsl::exists(approved())))
        .filter(diesel::dsl::not(diesel::dsl::exists(mine())))
        .select(LINE)
        .into_boxed::<MultiBackend>();
    let rows: Vec<RevisionLine> = after_cursor(scoped(query))
        .order((revisions::submitted_at.asc(), revisions::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// `state IN ('submitted', 'under_review')` as SQL text, not bound values: the predicate of
/// the partial index revisions_waiting_all, which a planner uses only for the same words
/// (SQLite never looks at bound values here, see `SQLITE_ENABLE_QPSG`).
fn waiting_literally() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    let names: Vec<String> = State::all_where(State::awaits_reviewers)
        .into_iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    diesel::dsl::sql(&format!("revisions.state IN ({})", names.join(", ")))
}

/// A boxed query of [`RevisionLine`]s.
type BoxedLines<'a> = revisions::BoxedQuery<'a, MultiBackend, <LineColumns as Expression>::SqlType>;

/// Recently approved revisions that are (still) published, newest first: read from the
/// articles in their order of last review (articles_published).
pub fn recently_published(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<RevisionLine>> {
    articles::table
        .filter(articles::published_revision_id.is_not_null())
        .inner_join(
            revisions::table.on(revisions::id.nullable().eq(articles::published_revision_id)),
        )
        .select(LINE)
        .order((articles::last_reviewed_at.desc(), articles::id.desc()))
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

/// Reads a revision and locks its row for the rest of the transaction, so actions on one
/// revision (two reviewers commenting at once, say) take turns instead of failing each
/// other's compare-and-set. One statement (`SELECT ... FOR UPDATE`) on PostgreSQL; on
/// SQLite the immediate transaction already holds the only write lock.
pub fn find_locked(tx: &mut Tx<'_>, id: RevisionId) -> QueryResult<Option<Revision>> {
    match &mut **tx {
        DbConn::Pg(pg) => revisions::table.find(id).for_update().first(pg).optional(),
        sqlite @ DbConn::Sqlite(_) => find(sqlite, id),
    }
}
