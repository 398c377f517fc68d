//! The full-text index of live articles: SQLite FTS5 or PostgreSQL text search, one
//! interface. The SQL differs per backend, so each function matches on the connection.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::cached::{bind, cached};
use crate::domain::content::Version;
use crate::ids::ArticleId;

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    article_id: i64,
}

/// A PostgreSQL search row: one ranked article, whether more matched than were ranked, and
/// whether its clinician version matched (else only its patient version did).
#[derive(QueryableByName)]
struct PgHit {
    #[diesel(sql_type = BigInt)]
    article_id: i64,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    narrowed: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    clinician: bool,
}

/// Puts an article's published text in the index (replacing what was there): its clinician
/// version and, when it has one, its patient version.
pub fn index(
    conn: &mut DbConn,
    article: ArticleId,
    clinician: &Version,
    patient: Option<&Version>,
) -> QueryResult<()> {
    let (title, summary, body) = (&clinician.title, &clinician.summary, &clinician.body);
    let empty = Version::default();
    let has_patient = patient.is_some();
    let patient = patient.unwrap_or(&empty);
    match conn {
        // The rowid is the article's id: found again without a scan. FTS5 has no upsert:
        // the old text goes first.
        DbConn::Sqlite(c) => {
            remove_sqlite(c, article)?;
            cached(
                &[
                    "INSERT INTO search_documents (rowid, title, summary, body, article_id, \
                 patient_title, patient_summary, patient_body) VALUES (",
                    ", ",
                    ", ",
                    ", ",
                    ", ",
                    ", ",
                    ", ",
                    ", ",
                    ")",
                ],
                (
                    (
                        bind::<BigInt, _>(article.0),
                        bind::<Text, _>(title),
                        bind::<Text, _>(summary),
                        bind::<Text, _>(body),
                        bind::<BigInt, _>(article.0),
                    ),
                    (
                        bind::<Text, _>(&patient.title),
                        bind::<Text, _>(&patient.summary),
                        bind::<Text, _>(&patient.body),
                    ),
                ),
            )
            .execute(c)?
        }
        // Only the weighted words are kept (`search_document` is in the migrations); one
        // statement whether the article was in the index or not.
        DbConn::Pg(c) => cached(
            &[
                "INSERT INTO search_documents (article_id, document, patient_document) VALUES (",
                ", search_document(",
                ", ",
                ", ",
                "), CASE WHEN ",
                " THEN search_document(",
                ", ",
                ", ",
                ") END) ON CONFLICT (article_id) DO UPDATE SET document = excluded.document, \
                 patient_document = excluded.patient_document",
            ],
            (
                (
                    bind::<BigInt, _>(article.0),
                    bind::<Text, _>(title),
                    bind::<Text, _>(summary),
                    bind::<Text, _>(body),
                ),
                (
                    bind::<diesel::sql_types::Bool, _>(has_patient),
                    bind::<Text, _>(&patient.title),
                    bind::<Text, _>(&patient.summary),
                    bind::<Text, _>(&patient.body),
                ),
            ),
        )
        .execute(c)?,
    };
    Ok(())
}

fn remove_sqlite(c: &mut SqliteConnection, article: ArticleId) -> QueryResult<usize> {
    cached(
        &["DELETE FROM search_documents WHERE rowid = ", ""],
        bind::<BigInt, _>(article.0),
    )
    .execute(c)
}

/// Takes an article out of the index.
pub fn remove(conn: &mut DbConn, article: ArticleId) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => remove_sqlite(c, article)?,
        DbConn::Pg(c) => cached(
            &["DELETE FROM search_documents WHERE article_id = ", ""],
            bind::<BigInt, _>(article.0),
        )
        .execute(c)?,
    };
    Ok(())
}

/// The words of a query, lower-cased, at most 12.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// The full-text expression of typed words: every word required, the last one as a prefix
/// (for search-as-you-type): `"a" "b"*` in FTS5, `a & b:*` in PostgreSQL. Only letters and
/// digits survive [`terms`], so typed input never reaches the query syntax as syntax.
fn expression(conn: &DbConn, terms: &[String]) -> String {
    let last = terms.len().saturating_sub(1);
    let words = terms.iter().enumerate();
    match conn {
        DbConn::Sqlite(_) => words
            .map(|(i, t)| {
                if i == last {
                    format!("\"{t}\"*")
                } else {
                    format!("\"{t}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        DbConn::Pg(_) => words
            .map(|(i, t)| {
                if i == last {
                    format!("{t}:*")
                } else {
                    t.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// The most matches a search ranks. Scoring is per match (bm25 reads each match's positions
/// and column sizes): 15,000 matches of "blood pressure" in a 100,000-article archive took
/// 21 ms to rank on SQLite, 1,000 take 3 ms. A search that matches more ranks its newest
/// `RANKED_AT_MOST` matches and says so (see [`Found::narrowed`]).
pub const RANKED_AT_MOST: i64 = 1_000;

/// A query's matches, best first: at most [`RANKED_AT_MOST`] of them.
#[derive(Debug, Clone, Default)]
pub struct Ranked {
    pub ids: Vec<ArticleId>,
    /// More than [`RANKED_AT_MOST`] articles matched, so only the newest of them were ranked.
    pub narrowed: bool,
    /// The ranked articles that matched in their patient version only (a reader is sent
    /// to that version).
    pub patient_only: HashSet<ArticleId>,
}

impl Ranked {
    /// One page of the ranking: `limit` ids from `offset`, and whether more follow.
    pub fn page(&self, offset: i64, limit: i64) -> Found {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(0);
        let ids: Vec<ArticleId> = self.ids.iter().skip(offset).take(limit).copied().collect();
        Found {
            more: self.ids.len() > offset.saturating_add(limit),
            patient_only: ids
                .iter()
                .copied()
                .filter(|id| self.patient_only.contains(id))
                .collect(),
            ids,
            narrowed: self.narrowed,
        }
    }
}

/// One page of search results.
#[derive(Debug, Default)]
pub struct Found {
    /// Best match first.
    pub ids: Vec<ArticleId>,
    /// Whether a later page has more.
    pub more: bool,
    /// More than [`RANKED_AT_MOST`] articles matched, so only the newest of them were ranked.
    pub narrowed: bool,
    /// Those of `ids` that matched in their patient version only.
    pub patient_only: HashSet<ArticleId>,
}

/// What identifies a query's ranking: its words as [`terms`] reads them (the last one a
/// prefix), so "Blood  pressure" and "blood pressure" share one. `None` for no words.
pub fn ranking_key(query: &str) -> Option<String> {
    let terms = terms(query);
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Articles matching every word of `query`, best match first. Ranked inside the index
/// (FTS5's bm25 with title above summary above body; PostgreSQL's ts_rank over the weighted
/// document), among the newest [`RANKED_AT_MOST`] matches. Every page of a query's results
/// is a slice of this one ranking (the service keeps recent rankings).
pub fn rank(conn: &mut DbConn, query: &str) -> QueryResult<Ranked> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok(Ranked::default());
    }
    let expression = expression(conn, &terms);
    let (hits, narrowed, patient_only): (Vec<i64>, bool, HashSet<i64>) = match conn {
        // FTS5 walks a match in rowid (article id) order without sorting; the inner LIMIT
        // stops the walk, so bm25 runs for the candidates only. A second walk tells whether
        // a match lies past the candidates.
        DbConn::Sqlite(c) => {
            let hits = diesel::sql_query(
                "SELECT article_id FROM (SELECT rowid AS article_id, \
                 bm25(search_documents, 10.0, 4.0, 1.0, 0.0, 10.0, 4.0, 1.0) AS score \
                 FROM search_documents \
                 WHERE search_documents MATCH ? ORDER BY rowid DESC LIMIT ?) \
                 ORDER BY score, article_id DESC",
            )
            .bind::<Text, _>(&expression)
            .bind::<BigInt, _>(RANKED_AT_MOST)
            .load::<Hit>(c)?;
            let beyond = diesel::sql_query(
                "SELECT rowid AS article_id FROM search_documents \
                 WHERE search_documents MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            )
            .bind::<Text, _>(&expression)
            .bind::<BigInt, _>(RANKED_AT_MOST)
            .load::<Hit>(c)?;
            let hits: Vec<i64> = hits.into_iter().map(|h| h.article_id).collect();
            // Which candidates match in their clinician version: a walk of the same range
            // with the clinician columns only (no scoring). The rest matched in their
            // patient version only.
            let lowest = hits.iter().copied().min().unwrap_or(0);
            let clinician: HashSet<i64> = diesel::sql_query(
                "SELECT rowid AS article_id FROM search_documents \
                 WHERE search_documents MATCH ? AND rowid >= ?",
            )
            .bind::<Text, _>(format!("{{title summary body}} : ({expression})"))
            .bind::<BigInt, _>(lowest)
            .load::<Hit>(c)?
            .into_iter()
            .map(|h| h.article_id)
            .collect();
            let patient_only = hits
                .iter()
                .copied()
                .filter(|id| !clinician.contains(id))
                .collect();
            (hits, !beyond.is_empty(), patient_only)
        }
        // One walk of the matches, newest first, takes one candidate more than are ranked
        // (whether there are more is its count), scoring each as it passes the filter: the
        // rank and the clinician test read the vectors the filter has just read (reading
        // them again by id for the ranked candidates cost 1.2 ms more of 7 ms). Literals,
        // not parameters: planned for its words (see [`pg_literal`]).
        DbConn::Pg(c) => {
            let query = pg_literal(&expression);
            let rows = diesel::sql_query(format!(
                "WITH candidates AS MATERIALIZED (SELECT article_id, \
                 greatest(ts_rank(document, to_tsquery('english', {query})), \
                 coalesce(ts_rank(patient_document, to_tsquery('english', {query})), 0)) AS score, \
                 document @@ to_tsquery('english', {query}) AS clinician \
                 FROM search_documents \
                 WHERE document @@ to_tsquery('english', {query}) \
                 OR patient_document @@ to_tsquery('english', {query}) \
                 ORDER BY article_id DESC LIMIT {RANKED_AT_MOST} + 1) \
                 SELECT article_id, \
                 (SELECT count(*) > {RANKED_AT_MOST} FROM candidates) AS narrowed, clinician \
                 FROM (SELECT * FROM candidates ORDER BY article_id DESC \
                 LIMIT {RANKED_AT_MOST}) AS ranked \
                 ORDER BY score DESC, article_id DESC"
            ))
            .load::<PgHit>(c)?;
            let narrowed = rows.first().is_some_and(|r| r.narrowed);
            let patient_only = rows
                .iter()
                .filter(|r| !r.clinician)
                .map(|r| r.article_id)
                .collect();
            (
                rows.into_iter().map(|r| r.article_id).collect(),
                narrowed,
                patient_only,
            )
        }
    };
    Ok(Ranked {
        ids: hits.into_iter().map(ArticleId).collect(),
        narrowed,
        patient_only: patient_only.into_iter().map(ArticleId).collect(),
    })
}

/// Puts an article's current title in the title index (replacing what was there).
pub fn index_title(conn: &mut DbConn, article: ArticleId, title: &str) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => {
            diesel::sql_query("DELETE FROM article_titles WHERE rowid = ?")
                .bind::<BigInt, _>(article.0)
                .execute(c)?;
            diesel::sql_query("INSERT INTO article_titles (rowid, title) VALUES (?, ?)")
                .bind::<BigInt, _>(article.0)
                .bind::<Text, _>(title)
                .execute(c)?;
        }
        DbConn::Pg(c) => {
            diesel::sql_query(
                "INSERT INTO article_titles (article_id, title) VALUES ($1, $2) \
                 ON CONFLICT (article_id) DO UPDATE SET title = excluded.title",
            )
            .bind::<BigInt, _>(article.0)
            .bind::<Text, _>(title)
            .execute(c)?;
        }
    }
    Ok(())
}

/// `text` as a PostgreSQL string literal (quotes doubled; the connection keeps
/// `standard_conforming_strings` on, so a backslash is an ordinary character).
///
/// PostgreSQL connections plan parameterised statements once, generically (see
/// `db::POSTGRES_SETTINGS`): right for the workspace's lists, whose plans follow their
/// indexes whatever the values. A full-text query's best plan depends on how common its
/// words are, which a generic plan cannot know ("question 777" took 40 ms planned
/// generically, 4 ms planned for its words), so these statements carry their words, and
/// their numbers, as literals: each is planned for what it asks. The words come from
/// [`terms`] (letters and digits only), and are quoted besides.
fn pg_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Newest titles PostgreSQL checks before asking the title index.
const TITLE_WINDOW: i64 = 500;

/// Articles whose current title has every word of `query` (the last as a prefix), newest
/// article first, below `before` (an article id), at most `limit`.
pub fn titles(
    conn: &mut DbConn,
    query: &str,
    before: Option<ArticleId>,
    limit: i64,
) -> QueryResult<Vec<ArticleId>> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let expression = expression(conn, &terms);
    let before = before.map_or(i64::MAX, |id| id.0);
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT rowid AS article_id FROM article_titles WHERE article_titles MATCH ? \
             AND rowid < ? ORDER BY rowid DESC LIMIT ?",
        )
        .bind::<Text, _>(expression)
        .bind::<BigInt, _>(before)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        DbConn::Pg(c) => {
            // A GIN index finds matches but cannot give them newest first. Words in many
            // titles fill a page from the newest few thousand titles, so those are tried
            // first; rarer words are found in the index and sorted (a walk back through
            // every title until the page filled took 16 ms, or over a second cold, for
            // "question 777"). Written with literals, not parameters, so that each is
            // planned for its words (see [`pg_literal`]).
            let query = pg_literal(&expression);
            let recent: Vec<Hit> = diesel::sql_query(format!(
                "SELECT article_id FROM (SELECT article_id, document FROM article_titles \
                 WHERE article_id < {before} ORDER BY article_id DESC LIMIT {TITLE_WINDOW}) \
                 AS recent WHERE document @@ to_tsquery('simple', {query}) \
                 ORDER BY article_id DESC LIMIT {limit}"
            ))
            .load(c)?;
            if i64::try_from(recent.len()).unwrap_or(0) >= limit {
                recent
            } else {
                diesel::sql_query(format!(
                    "WITH hits AS MATERIALIZED (SELECT article_id FROM article_titles \
                     WHERE document @@ to_tsquery('simple', {query}) AND article_id < {before}) \
                     SELECT article_id FROM hits ORDER BY article_id DESC LIMIT {limit}"
                ))
                .load(c)?
            }
        }
    };
    Ok(hits.into_iter().map(|h| ArticleId(h.article_id)).collect())
}
