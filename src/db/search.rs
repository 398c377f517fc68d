//! The full-text index of live articles: SQLite FTS5 or PostgreSQL text search, one
//! interface. The SQL differs per backend, so each function matches on the connection.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use crate::ids::ArticleId;

/// Matches ranked per search: the newest this many. Ranking every match of a word that is in
/// most articles would cost time in proportion to the whole collection; this keeps a search
/// bounded whatever it matches (and at most this many results are listed).
const CANDIDATES: i64 = 1_000;

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    article_id: i64,
}

/// Puts an article's published text in the index (replacing what was there).
pub fn index(
    conn: &mut DbConn,
    article: ArticleId,
    title: &str,
    summary: &str,
    body: &str,
) -> QueryResult<()> {
    remove(conn, article)?;
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "INSERT INTO search_documents (title, summary, body, article_id) VALUES (?, ?, ?, ?)",
        )
        .bind::<Text, _>(title)
        .bind::<Text, _>(summary)
        .bind::<Text, _>(body)
        .bind::<BigInt, _>(article.0)
        .execute(c)?,
        DbConn::Pg(c) => diesel::sql_query(
            "INSERT INTO search_documents (title, summary, body, article_id) VALUES ($1, $2, $3, $4)",
        )
        .bind::<Text, _>(title)
        .bind::<Text, _>(summary)
        .bind::<Text, _>(body)
        .bind::<BigInt, _>(article.0)
        .execute(c)?,
    };
    Ok(())
}

/// Takes an article out of the index.
pub fn remove(conn: &mut DbConn, article: ArticleId) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query("DELETE FROM search_documents WHERE article_id = ?")
            .bind::<BigInt, _>(article.0)
            .execute(c)?,
        DbConn::Pg(c) => diesel::sql_query("DELETE FROM search_documents WHERE article_id = $1")
            .bind::<BigInt, _>(article.0)
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

/// Articles matching every word of `query`, best match first, one page of them, and whether
/// there are more. Typed input never reaches the query syntax as syntax: only letters and
/// digits survive `terms`, each word is required, and the last one matches as a prefix (for
/// search-as-you-type): `"a" "b"*` in FTS5, `a & b:*` in PostgreSQL.
pub fn search(
    conn: &mut DbConn,
    query: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ArticleId>, bool)> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok((Vec::new(), false));
    }
    let last = terms.len() - 1;
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => {
            let expression = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last {
                        format!("\"{t}\"*")
                    } else {
                        format!("\"{t}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            diesel::sql_query(
                "SELECT article_id FROM ( \
                     SELECT article_id, rank FROM search_documents WHERE search_documents MATCH ? \
                     ORDER BY rowid DESC LIMIT ? \
                 ) ORDER BY rank, article_id DESC LIMIT ? OFFSET ?",
            )
            .bind::<Text, _>(expression)
            .bind::<BigInt, _>(CANDIDATES)
            .bind::<BigInt, _>(limit + 1)
            .bind::<BigInt, _>(offset)
            .load(c)?
        }
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT article_id FROM ( \
                 SELECT article_id, document FROM search_documents \
                 WHERE document @@ to_tsquery('english', $1) ORDER BY article_id DESC LIMIT $4 \
             ) AS candidates, to_tsquery('english', $1) AS query \
             ORDER BY ts_rank(document, query) DESC, article_id DESC LIMIT $2 OFFSET $3",
        )
        .bind::<Text, _>(
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i == last {
                        format!("{t}:*")
                    } else {
                        t.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" & "),
        )
        .bind::<BigInt, _>(limit + 1)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(CANDIDATES)
        .load(c)?,
    };
    let (hits, more) = super::split_page(hits, limit);
    Ok((
        hits.into_iter().map(|h| ArticleId(h.article_id)).collect(),
        more,
    ))
}
