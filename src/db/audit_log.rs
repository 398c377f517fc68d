//! The `audit_log` table: append-only, hash-chained (see `domain::audit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::cached::{Binds, bind, cached};
use super::schema::audit_log;
use crate::domain::audit::ChainedRow;
use crate::ids::{ArticleId, AuditId, UserId};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: AuditId,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub details: String,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub row_hash: String,
    pub article_id: Option<ArticleId>,
}

impl AuditRow {
    /// The row to store for a new link of the chain: its fields, with their hash.
    pub fn sealed(chained: ChainedRow) -> AuditRow {
        let row_hash = chained.hash();
        AuditRow {
            id: AuditId(chained.id),
            occurred_at: chained.occurred_at,
            actor_id: chained.actor_id.map(UserId),
            actor_label: chained.actor_label,
            action: chained.action,
            target_type: chained.target_type,
            target_id: chained.target_id,
            details: chained.details,
            client_addr: chained.client_addr,
            prev_hash: chained.prev_hash,
            row_hash,
            article_id: chained.article_id.map(ArticleId),
        }
    }

    /// The fields the row's hash covers.
    pub fn chained(&self) -> ChainedRow {
        ChainedRow {
            id: self.id.0,
            occurred_at: self.occurred_at,
            actor_id: self.actor_id.map(|id| id.0),
            actor_label: self.actor_label.clone(),
            action: self.action.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id,
            details: self.details.clone(),
            client_addr: self.client_addr.clone(),
            prev_hash: self.prev_hash.clone(),
            article_id: self.article_id.map(|id| id.0),
        }
    }
}

/// Which rows an audit listing or export shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    /// Rows with no account as actor and this label ("system", "anonymous").
    pub actor_label: Option<String>,
    pub action: Option<String>,
    pub article_id: Option<ArticleId>,
    pub target: Option<(String, i64)>,
    /// Inclusive lower bound.
    pub from: Option<NaiveDateTime>,
    /// Exclusive upper bound.
    pub until: Option<NaiveDateTime>,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// The newest rows.
    Newest,
    /// Rows older than this id.
    Before(AuditId),
    /// Rows newer than this id.
    After(AuditId),
}

/// The newest row's id and hash: where the next row links on.
pub fn head(conn: &mut DbConn) -> QueryResult<Option<(AuditId, String)>> {
    audit_log::table
        .select((audit_log::id, audit_log::row_hash))
        .order(audit_log::id.desc())
        .first(conn)
        .optional()
}

/// The newest row's id and hash, once this transaction holds the chain: on PostgreSQL the
/// advisory lock `key`, taken and the head read in one round trip (the `audit_chain_head`
/// function, in the migrations), for the lock is held until commit and every writer waits
/// for it; on SQLite the immediate transaction already holds the only write lock.
pub fn head_locked(conn: &mut DbConn, key: i64) -> QueryResult<Option<(AuditId, String)>> {
    #[derive(QueryableByName)]
    struct Head {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        row_hash: String,
    }
    match conn {
        DbConn::Pg(pg) => Ok(cached(
            &["SELECT id, row_hash FROM audit_chain_head(", ")"],
            bind::<diesel::sql_types::BigInt, _>(key),
        )
        .load::<Head>(pg)?
        .into_iter()
        .next()
        .map(|h| (AuditId(h.id), h.row_hash))),
        DbConn::Sqlite(_) => head(conn),
    }
}

/// The text of an insert of `N` rows: every row's twelve values.
const INSERT: &str = "INSERT INTO audit_log (id, occurred_at, actor_id, actor_label, action, \
     target_type, target_id, details, client_addr, prev_hash, row_hash, article_id) VALUES (";
const ONE_ROW: [&str; 13] = [
    INSERT, ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ")",
];
const TWO_ROWS: [&str; 25] = [
    INSERT, ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", "), (", ", ", ", ",
    ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ", ")",
];

/// A row's values, in the column order of [`INSERT`].
fn values(row: &AuditRow) -> impl Binds<super::MultiBackend> + '_ {
    use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
    (
        (
            bind::<BigInt, _>(row.id.0),
            bind::<Timestamp, _>(row.occurred_at),
            bind::<Nullable<BigInt>, _>(row.actor_id.map(|id| id.0)),
            bind::<Text, _>(&row.actor_label),
        ),
        (
            bind::<Text, _>(&row.action),
            bind::<Nullable<Text>, _>(row.target_type.as_deref()),
            bind::<Nullable<BigInt>, _>(row.target_id),
            bind::<Text, _>(&row.details),
        ),
        (
            bind::<Nullable<Text>, _>(row.client_addr.as_deref()),
            bind::<Text, _>(&row.prev_hash),
            bind::<Text, _>(&row.row_hash),
            bind::<Nullable<BigInt>, _>(row.article_id.map(|id| id.0)),
        ),
    )
}

/// Appends `rows`, two to a statement (an approval that publishes writes two). On
/// PostgreSQL this runs while the chain is locked, so each statement is one round trip of
/// fixed text, prepared once per connection (diesel would prepare its own insert anew each
/// time: its optional columns may be left to their defaults).
pub fn insert_all(conn: &mut DbConn, rows: &[AuditRow]) -> QueryResult<usize> {
    let mut written = 0;
    for pair in rows.chunks(2) {
        written += match pair {
            [one, two] => cached(&TWO_ROWS, (values(one), values(two))).execute(conn)?,
            [one] => cached(&ONE_ROW, values(one)).execute(conn)?,
            _ => 0,
        };
    }
    Ok(written)
}

type Filtered<'a> = audit_log::BoxedQuery<'a, super::MultiBackend>;

/// How one listing of the log reads it: which rows (`filter`), and by which key it orders
/// and bounds its pages.
///
/// Filtered by action on PostgreSQL, it orders by (action, id) and bounds pages by the row
/// value (action, id), with the action as a range rather than `=`: the (action, id) index
/// is then the one plan that needs no sort, and its seek starts at the cursor. Ordered by id
/// with `action = ...`, PostgreSQL dropped the fixed action from the order and walked the
/// primary key backwards testing each row: 610 ms to pass 400,000 rows of other actions in
/// the 100,000-article archive, against 4 ms now. SQLite picks the index for `action = ...`
/// by itself and does not seek on a row value, so it keeps the plain form.
struct Listing<'f> {
    filter: &'f AuditFilter,
    by_action: bool,
}

impl<'f> Listing<'f> {
    fn new(conn: &DbConn, filter: &'f AuditFilter) -> Self {
        Self {
            filter,
            by_action: filter.action.is_some() && matches!(conn, DbConn::Pg(_)),
        }
    }

    fn rows<'a>(&self) -> Filtered<'a> {
        let filter = self.filter;
        let mut query = audit_log::table.into_boxed();
        if let Some(actor) = filter.actor_id {
            query = query.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(label) = &filter.actor_label {
            query = query
                .filter(audit_log::actor_id.is_null())
                .filter(audit_log::actor_label.eq(label.clone()));
        }
        if let Some(action) = &filter.action {
            query = if self.by_action {
                query
                    .filter(audit_log::action.ge(action.clone()))
                    .filter(audit_log::action.le(action.clone()))
            } else {
                query.filter(audit_log::action.eq(action.clone()))
            };
        }
        if let Some(article) = filter.article_id {
            query = query.filter(audit_log::article_id.eq(article));
        }
        if let Some((kind, id)) = &filter.target {
            query = query
                .filter(audit_log::target_type.eq(kind.clone()))
                .filter(audit_log::target_id.eq(*id));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::occurred_at.ge(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::occurred_at.lt(until));
        }
        query
    }

    fn newest_first<'a>(&self, query: Filtered<'a>) -> Filtered<'a> {
        if self.by_action {
            query.order((audit_log::action.desc(), audit_log::id.desc()))
        } else {
            query.order(audit_log::id.desc())
        }
    }

    fn oldest_first<'a>(&self, query: Filtered<'a>) -> Filtered<'a> {
        if self.by_action {
            query.order((audit_log::action.asc(), audit_log::id.asc()))
        } else {
            query.order(audit_log::id.asc())
        }
    }

    /// Rows older than `id` (`older`), or newer.
    fn beyond<'a>(&self, query: Filtered<'a>, id: AuditId, older: bool) -> Filtered<'a> {
        use diesel::sql_types::{BigInt, Bool, Text};
        match &self.filter.action {
            Some(action) if self.by_action => query.filter(
                diesel::dsl::sql::<Bool>(if older {
                    "(action, id) < ("
                } else {
                    "(action, id) > ("
                })
                .bind::<Text, _>(action.clone())
                .sql(", ")
                .bind::<BigInt, _>(id.0)
                .sql(")"),
            ),
            _ if older => query.filter(audit_log::id.lt(id)),
            _ => query.filter(audit_log::id.gt(id)),
        }
    }
}

/// Up to `limit` matching rows, newest first, starting at `cursor`.
pub fn page(
    conn: &mut DbConn,
    filter: &AuditFilter,
    cursor: Cursor,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let listing = Listing::new(conn, filter);
    match cursor {
        Cursor::Newest => listing.newest_first(listing.rows()).limit(limit).load(conn),
        Cursor::Before(id) => listing
            .newest_first(listing.beyond(listing.rows(), id, true))
            .limit(limit)
            .load(conn),
        Cursor::After(id) => {
            let mut rows: Vec<AuditRow> = listing
                .oldest_first(listing.beyond(listing.rows(), id, false))
                .limit(limit)
                .load(conn)?;
            rows.reverse();
            Ok(rows)
        }
    }
}

/// Whether any matching row is older than `id` / newer than `id`.
pub fn exists_beyond(
    conn: &mut DbConn,
    filter: &AuditFilter,
    older_than: Option<AuditId>,
    newer_than: Option<AuditId>,
) -> QueryResult<bool> {
    let listing = Listing::new(conn, filter);
    let mut query = listing.rows();
    if let Some(id) = older_than {
        query = listing.beyond(query, id, true);
    }
    if let Some(id) = newer_than {
        query = listing.beyond(query, id, false);
    }
    // Seek from the bound that is given: walking from the other end would pass every row.
    let query = if older_than.is_none() && newer_than.is_some() {
        listing.oldest_first(query)
    } else {
        listing.newest_first(query)
    };
    let found: Option<AuditId> = query
        .select(audit_log::id)
        .limit(1)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Up to `limit` matching rows after `after` (exclusive), oldest first: for exports and for
/// verifying the chain in batches.
pub fn batch_after(
    conn: &mut DbConn,
    filter: &AuditFilter,
    after: AuditId,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let listing = Listing::new(conn, filter);
    listing
        .oldest_first(listing.beyond(listing.rows(), after, false))
        .limit(limit)
        .load(conn)
}
