//! A reviewer's queue: revisions waiting for review, in three lists: those they are asked to
//! look at again, those assigned to them, and everything else waiting, oldest submission
//! first. Each is one bounded, indexed page.

use chrono::NaiveDateTime;

use super::name_of;
use crate::db::revisions::{self, Cursor, QueueShow, RevisionLine};
use crate::db::users::{self, Name};
use crate::db::{DbConn, reviews, settings};
use crate::domain::roles::Role;
use crate::ids::{RevisionId, UserId};
use crate::services::{Caller, Ctx, ServiceResult};

/// A revision waiting for review.
pub struct QueueItem {
    pub revision: RevisionLine,
    pub author: Name,
    pub waiting_since: Option<NaiveDateTime>,
    pub approvals: i64,
    pub required: i32,
    pub assigned_to_me: bool,
    /// The caller asked for changes on an earlier revision (or was assigned to it) and is
    /// asked to look again at this answer.
    pub re_requested: bool,
}

/// One page of one of the queue's lists.
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
}

/// One page of the caller's queue: the list `show`, after `after`. Their own revisions and
/// the ones they already approved are left out.
pub fn queue(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    show: QueueShow,
    after: Option<Cursor>,
    limit: i64,
) -> ServiceResult<QueuePage> {
    queue_page(ctx.conn(), caller, show, after, limit)
}

pub(super) fn queue_page(
    conn: &mut DbConn,
    caller: &Caller,
    show: QueueShow,
    after: Option<Cursor>,
    limit: i64,
) -> ServiceResult<QueuePage> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let (rows, more) = revisions::waiting_for(conn, me, show, after, limit)?;
    let next = if more {
        rows.last()
            .and_then(|r| r.submitted_at.map(|at| Cursor { at, id: r.id.0 }))
    } else {
        None
    };
    let items = items(conn, rows.into_iter().map(|r| (show, r)).collect())?;
    Ok(QueuePage { items, next })
}

/// The first `limit` items of the whole queue, re-requested first, then assigned, then the
/// rest: what the dashboard shows. The lists are read in turn and their items looked up
/// together.
pub(super) fn first_items(
    conn: &mut DbConn,
    caller: &Caller,
    limit: i64,
) -> ServiceResult<Vec<QueueItem>> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let mut all = Vec::new();
    for show in [
        QueueShow::ReRequested,
        QueueShow::Assigned,
        QueueShow::Unassigned,
    ] {
        let left = limit - i64::try_from(all.len()).unwrap_or(limit);
        if left <= 0 {
            break;
        }
        let (rows, _) = revisions::waiting_for(conn, me, show, None, left)?;
        all.extend(rows.into_iter().map(|r| (show, r)));
    }
    items(conn, all)
}

fn items(conn: &mut DbConn, rows: Vec<(QueueShow, RevisionLine)>) -> ServiceResult<Vec<QueueItem>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<RevisionId> = rows.iter().map(|(_, r)| r.id).collect();
    let counts = reviews::approval_counts(conn, &ids)?;
    let authors: Vec<UserId> = rows.iter().map(|(_, r)| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    let policy = settings::load(conn)?.approvals_required;
    Ok(rows
        .into_iter()
        .map(|(show, revision)| QueueItem {
            author: name_of(&names, revision.author_id),
            waiting_since: revision.submitted_at,
            approvals: counts.get(&revision.id).copied().unwrap_or(0),
            required: revision.approvals_required.unwrap_or(policy),
            assigned_to_me: show != QueueShow::Unassigned,
            re_requested: show == QueueShow::ReRequested,
            revision,
        })
        .collect())
}
