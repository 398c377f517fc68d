//! The `audit_log` table: append-only, hash-chained (see `domain::audit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
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

pub fn insert(conn: &mut DbConn, row: &AuditRow) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
}

fn filtered<'a>(filter: &AuditFilter) -> audit_log::BoxedQuery<'a, super::MultiBackend> {
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
        query = query.filter(audit_log::action.eq(action.clone()));
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

/// Up to `limit` matching rows, newest first, starting at `cursor`.
pub fn page(
    conn: &mut DbConn,
    filter: &AuditFilter,
    cursor: Cursor,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    match cursor {
        Cursor::Newest => filtered(filter)
            .order(audit_log::id.desc())
            .limit(limit)
            .load(conn),
        Cursor::Before(id) => filtered(filter)
            .filter(audit_log::id.lt(id))
            .order(audit_log::id.desc())
            .limit(limit)
            .load(conn),
        Cursor::After(id) => {
            let mut rows: Vec<AuditRow> = filtered(filter)
                .filter(audit_log::id.gt(id))
                .order(audit_log::id.asc())
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
    let mut query = filtered(filter);
    if let Some(id) = older_than {
        query = query.filter(audit_log::id.lt(id));
    }
    if let Some(id) = newer_than {
        query = query.filter(audit_log::id.gt(id));
    }
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
    filtered(filter)
        .filter(audit_log::id.gt(after))
        .order(audit_log::id.asc())
        .limit(limit)
        .load(conn)
}
