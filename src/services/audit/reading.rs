//! Reading the audit log: filters, pages and export batches. Admin only.

use chrono::NaiveDateTime;

use crate::db::audit_log::{self, AuditFilter, AuditRow, Cursor};
use crate::db::{articles, users};
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;
use crate::ids::{ArticleId, AuditId};
use crate::services::{Caller, Ctx, ServiceResult};

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
pub fn resolve_filter(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &FilterInput,
) -> ServiceResult<Resolved> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
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
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    filter: &AuditFilter,
    cursor: Cursor,
    limit: i64,
) -> ServiceResult<AuditPage> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
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

/// Up to `limit` matching rows after `after`, oldest first: one batch of an export.
pub fn batch(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    filter: &AuditFilter,
    after: AuditId,
    limit: i64,
) -> ServiceResult<Vec<AuditRow>> {
    caller.require(Role::Admin)?;
    Ok(audit_log::batch_after(ctx.conn(), filter, after, limit)?)
}
