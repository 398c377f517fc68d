//! The audit log: writing a row in the transaction of the change it records (`record`),
//! reading and exporting it (`reading`, admin only), and verifying its hash chain
//! (`verify`).

mod reading;
mod verify;

pub use reading::{AuditPage, FilterInput, Resolved, batch, page, resolve_filter};
pub use verify::{Verification, verify};

use serde_json::Value;

use super::{Actor, Ctx, ServiceResult};
use crate::db::audit_log::{self, AuditRow};
use crate::db::{self, Tx};
use crate::domain::audit::{AuditAction, ChainedRow, GENESIS_HASH, TargetKind};
use crate::ids::{ArticleId, AuditId, RevisionId, UserId};

/// The advisory-lock key that serialises appends on PostgreSQL ("audit" in ASCII).
const CHAIN_LOCK: i64 = 0x0061_7564_6974;

/// One thing that happened, before it is chained.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: AuditAction,
    pub target: Option<(TargetKind, i64)>,
    /// The article the event concerns, when there is one.
    pub article: Option<ArticleId>,
    pub details: Value,
}

impl Event {
    pub fn new(action: AuditAction) -> Self {
        Self {
            action,
            target: None,
            article: None,
            details: Value::Object(serde_json::Map::new()),
        }
    }

    pub fn target_user(mut self, id: UserId) -> Self {
        self.target = Some((TargetKind::User, id.0));
        self
    }

    /// About a revision of `article`.
    pub fn target_revision(mut self, article: ArticleId, id: RevisionId) -> Self {
        self.target = Some((TargetKind::Revision, id.0));
        self.article = Some(article);
        self
    }

    pub fn target_article(mut self, id: ArticleId) -> Self {
        self.target = Some((TargetKind::Article, id.0));
        self.article = Some(id);
        self
    }

    pub fn target_settings(mut self) -> Self {
        self.target = Some((TargetKind::Settings, 1));
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends a row inside the transaction that makes the change it records, so the row
/// exists exactly when the change does.
pub fn record(tx: &mut Tx<'_>, actor: &Actor, event: Event) -> ServiceResult<AuditId> {
    append(tx, actor, vec![event])
}

/// Appends rows in order, inside the transaction of the change they record.
///
/// On PostgreSQL the chain is locked from here until commit, so a use case that can appends
/// its rows as its last writes, all at once.
pub fn record_all(tx: &mut Tx<'_>, actor: &Actor, events: Vec<Event>) -> ServiceResult<()> {
    if !events.is_empty() {
        append(tx, actor, events)?;
    }
    Ok(())
}

/// Chains `events` after the head of the log; returns the id of the last row written.
fn append(tx: &mut Tx<'_>, actor: &Actor, events: Vec<Event>) -> ServiceResult<AuditId> {
    let hooks = super::webhooks::subscribers(tx, &events)?;
    let conn: &mut db::DbConn = tx;
    // Only one writer may extend the chain at a time, or two rows would link to the same
    // predecessor. SQLite's immediate transaction already guarantees that.
    let (mut prev_id, mut prev_hash) =
        audit_log::head_locked(conn, CHAIN_LOCK)?.unwrap_or((AuditId(0), GENESIS_HASH.to_owned()));
    let occurred_at = db::now();
    let mut rows = Vec::with_capacity(events.len());
    let mut ids = Vec::with_capacity(events.len());
    for event in &events {
        let chained = ChainedRow {
            id: prev_id.0 + 1,
            occurred_at,
            actor_id: actor.user_id.map(|id| id.0),
            actor_label: actor.label.clone(),
            action: event.action.as_str().to_owned(),
            target_type: event.target.map(|(kind, _)| kind.as_str().to_owned()),
            target_id: event.target.map(|(_, id)| id),
            details: event.details.to_string(),
            client_addr: actor.client_addr.clone(),
            prev_hash,
            article_id: event.article.map(|id| id.0),
        };
        let row = AuditRow::sealed(chained);
        ids.push(row.id.0);
        prev_id = row.id;
        prev_hash = row.row_hash.clone();
        rows.push(row);
    }
    audit_log::insert_all(conn, &rows)?;
    // The events programs subscribed to are delivered to them: queued here, with the row
    // that records them, whatever path recorded them.
    let delivered: Vec<(i64, &Event)> = ids.into_iter().zip(&events).collect();
    super::webhooks::enqueue(tx, &hooks, &delivered, occurred_at)?;
    Ok(prev_id)
}

/// Records an event in a transaction of its own (for events that change nothing else).
pub fn record_alone(ctx: &mut Ctx<'_>, actor: &Actor, event: Event) -> ServiceResult<AuditId> {
    ctx.write(|tx| record(tx, actor, event.clone()))
}
