//! Writing, reading, exporting and verifying the audit log.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::{Actor, ServiceResult};
use crate::db::audit_log::{self, AuditFilter, AuditRow, Cursor};
use crate::db::{self, DbConn, articles, users};
use crate::domain::audit::{
    AuditAction, ChainBreak, ChainVerifier, ChainedRow, GENESIS_HASH, TargetKind,
};
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

/// Appends a row. Call it inside the transaction that makes the change it records, so the
/// row exists exactly when the change does.
pub fn record(conn: &mut DbConn, actor: &Actor, event: Event) -> ServiceResult<AuditId> {
    // Only one writer may extend the chain at a time, or two rows would link to the same
    // predecessor. SQLite's immediate transaction already guarantees that.
    db::lock_for_transaction(conn, CHAIN_LOCK)?;
    let (prev_id, prev_hash) =
        audit_log::head(conn)?.unwrap_or((AuditId(0), GENESIS_HASH.to_owned()));
    let chained = ChainedRow {
        id: prev_id.0 + 1,
        occurred_at: db::now(),
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
    let row_hash = chained.hash();
    let row = AuditRow {
        id: AuditId(chained.id),
        occurred_at: chained.occurred_at,
        actor_id: actor.user_id,
        actor_label: chained.actor_label,
        action: chained.action,
        target_type: chained.target_type,
        target_id: chained.target_id,
        details: chained.details,
        client_addr: chained.client_addr,
        prev_hash: chained.prev_hash,
        row_hash,
        article_id: event.article,
    };
    audit_log::insert(conn, &row)?;
    Ok(row.id)
}

/// Records an event in a transaction of its own (for events that change nothing else).
pub fn record_alone(conn: &mut DbConn, actor: &Actor, event: Event) -> ServiceResult<AuditId> {
    db::write_tx(conn, |conn| record(conn, actor, event))
}

/// What the person filtering the log typed, before it is resolved.
#[derive(Debug, Clone, Default)]
pub struct FilterInput {
    /// An email address, or "system" / "anonymous".
    pub actor: Option<String>,
    /// An article's id or address (slug).
    pub article: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// A resolved filter, or the reason it can match nothing.
pub enum Resolved {
    Filter(AuditFilter),
    /// The actor or article named does not exist: no row can match. Says which.
    NoMatch(String),
}

/// Resolves an actor email and an article address to ids (one lookup each, so listings use
/// the indexes on actor_id and article_id).
pub fn resolve_filter(conn: &mut DbConn, input: &FilterInput) -> ServiceResult<Resolved> {
    let mut filter = AuditFilter {
        action: input.action.map(|a| a.as_str().to_owned()),
        from: input.from,
        until: input.until,
        ..AuditFilter::default()
    };
    if let Some(actor) = input
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let actor = actor.to_lowercase();
        if actor == "system" || actor == "anonymous" {
            filter.actor_label = Some(actor);
        } else {
            match users::find_by_email(conn, &actor)? {
                Some(user) => filter.actor_id = Some(user.id),
                None => {
                    return Ok(Resolved::NoMatch(format!(
                        "No account has the email address '{actor}'."
                    )));
                }
            }
        }
    }
    if let Some(article) = input
        .article
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let found = match article.parse::<i64>() {
            Ok(id) => articles::find(conn, ArticleId(id))?,
            Err(_) => articles::find_by_slug(conn, article)?,
        };
        match found {
            Some(found) => filter.article_id = Some(found.id),
            None => {
                return Ok(Resolved::NoMatch(format!(
                    "No article has the id or address '{article}'."
                )));
            }
        }
    }
    Ok(Resolved::Filter(filter))
}

/// One page of the log, newest first, with whether older and newer rows exist.
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub has_older: bool,
    pub has_newer: bool,
}

pub fn page(
    conn: &mut DbConn,
    filter: &AuditFilter,
    cursor: Cursor,
    limit: i64,
) -> ServiceResult<AuditPage> {
    let rows = audit_log::page(conn, filter, cursor, limit)?;
    let (has_older, has_newer) = match (rows.first(), rows.last()) {
        (Some(newest), Some(oldest)) => (
            audit_log::exists_beyond(conn, filter, Some(oldest.id), None)?,
            audit_log::exists_beyond(conn, filter, None, Some(newest.id))?,
        ),
        _ => (false, matches!(cursor, Cursor::Before(_))),
    };
    Ok(AuditPage {
        rows,
        has_older,
        has_newer,
    })
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { rows: i64, head: String },
    Broken(ChainBreak),
}

/// Walks the whole log in id order, in batches, checking every link and hash.
pub fn verify(conn: &mut DbConn) -> ServiceResult<Verification> {
    const BATCH: i64 = 1_000;
    let mut verifier = ChainVerifier::default();
    let mut after = AuditId(0);
    loop {
        let batch = audit_log::batch_after(conn, &AuditFilter::default(), after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for row in &batch {
            if let Err(broken) = verifier.check(&row.chained(), &row.row_hash) {
                return Ok(Verification::Broken(broken));
            }
        }
    }
    Ok(Verification::Intact {
        rows: verifier.rows_checked(),
        head: verifier.head().to_owned(),
    })
}
