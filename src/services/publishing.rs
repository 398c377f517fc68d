//! Putting articles on the public site and taking them off: publication (the approval that
//! meets the policy), retraction, the search index, and the generation counters that tell
//! in-memory caches of public pages that something they show may have changed.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, ServiceError, ServiceResult, with_retry};
use crate::db::revisions::Revision;
use crate::db::{self, DbConn, articles, search, settings};
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;
use crate::domain::settings::review_interval;
use crate::ids::ArticleId;

/// Per database (see `db::identity`): bumped after every committed change that public pages
/// show: publication, retraction, workflow state changes (the "update under review" note),
/// settings. Keyed by database, so servers (and tests) on different databases in one process
/// do not invalidate each other's pages.
static GENERATIONS: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Mutex::default);

/// The current generation of public content of the database named `identity`.
pub fn generation(identity: &str) -> u64 {
    let generations = GENERATIONS.lock().unwrap_or_else(PoisonError::into_inner);
    generations.get(identity).copied().unwrap_or(0)
}

/// Marks the public content of this connection's database as changed. Call after the change
/// committed. If the database cannot say who it is, every database's pages are invalidated.
pub fn changed(conn: &mut DbConn) {
    let identity = db::identity(conn);
    let mut generations = GENERATIONS.lock().unwrap_or_else(PoisonError::into_inner);
    match identity {
        Ok(identity) => *generations.entry(identity).or_default() += 1,
        Err(error) => {
            tracing::warn!(%error, "cannot identify the database; invalidating every cached page");
            generations.values_mut().for_each(|g| *g += 1);
        }
    }
}

/// Makes an approved revision the article's published version, schedules its next review,
/// puts its text in the search index and ends any retraction: inside the approval's
/// transaction.
pub(crate) fn publish(
    conn: &mut DbConn,
    caller: &Caller,
    revision: &Revision,
    approvals: usize,
) -> ServiceResult<()> {
    let article = articles::find(conn, revision.article_id)?
        .ok_or(ServiceError::NotFound("No such article."))?;
    let interval = review_interval(settings::load(conn)?.review_interval_days);
    let now = db::now();
    if !articles::bump(conn, article.id, article.version, now)? {
        return Err(ServiceError::Contended);
    }
    articles::publish(conn, article.id, revision.id, now, now + interval)?;
    search::index(
        conn,
        article.id,
        &revision.title,
        &revision.summary,
        &revision.body,
    )?;
    super::notify::published(conn, revision, &article.slug)?;
    audit::record(
        conn,
        &caller.actor,
        Event::new(AuditAction::ArticlePublished)
            .target_article(article.id)
            .details(json!({
                "revision": revision.id,
                "number": revision.number,
                "replaces": article.published_revision_id,
                "was_retracted": article.retracted_at.is_some(),
                "approvals": approvals,
                "next_review_due": now + interval,
            })),
    )?;
    Ok(())
}

/// Takes a published article off the public site: its page answers 410, and it leaves the
/// index, search, feed and sitemap. A reason is required; the action is audited. A later
/// approval of a new revision republishes it.
pub fn retract(
    conn: &mut DbConn,
    caller: &Caller,
    id: ArticleId,
    reason: &str,
) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::BadInput(
            "Give the reason for the retraction; it is kept in the audit log.".into(),
        ));
    }
    if reason.chars().count() > 2_000 {
        return Err(ServiceError::BadInput(
            "The reason is too long (at most 2000 characters).".into(),
        ));
    }
    with_retry(conn, |conn| {
        let article =
            articles::find(conn, id)?.ok_or(ServiceError::NotFound("No such article."))?;
        if !article.is_live() {
            return Err(ServiceError::Conflict(if article.retracted_at.is_some() {
                "This article is already retracted.".into()
            } else {
                "This article has never been published, so there is nothing to retract.".into()
            }));
        }
        if !articles::retract(conn, id, reason, caller.id, db::now())? {
            return Err(ServiceError::Contended);
        }
        search::remove(conn, id)?;
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::ArticleRetracted)
                .target_article(id)
                .details(json!({ "slug": article.slug, "revision": article.published_revision_id, "reason": reason })),
        )?;
        Ok(())
    })?;
    changed(conn);
    Ok(())
}
