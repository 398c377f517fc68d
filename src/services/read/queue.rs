//! A reviewer's queue: revisions waiting for review, assigned ones first.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::name_of;
use crate::db::reviews;
use crate::db::revisions::{self, Revision};
use crate::db::users::{self, Name};
use crate::db::{DbConn, assignments, settings};
use crate::domain::roles::Role;
use crate::ids::{RevisionId, UserId};
use crate::services::{Caller, Ctx, ServiceResult};

/// A revision waiting for review.
pub struct QueueItem {
    pub revision: Revision,
    pub author: Name,
    pub waiting_since: Option<NaiveDateTime>,
    pub approvals: i64,
    pub required: i32,
    pub assigned_to_me: bool,
    /// The caller asked for changes on an earlier revision (or was assigned to it) and is
    /// asked to look again at this answer.
    pub re_requested: bool,
}

/// The caller's review queue: revisions assigned to them first, then the rest, oldest
/// submission first. Their own revisions and the ones they already approved are left out.
pub fn queue(ctx: &mut Ctx<'_>, caller: &Caller, limit: i64) -> ServiceResult<Vec<QueueItem>> {
    queue_items(ctx.conn(), caller, limit)
}

pub(super) fn queue_items(
    conn: &mut DbConn,
    caller: &Caller,
    limit: i64,
) -> ServiceResult<Vec<QueueItem>> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let waiting = revisions::awaiting_review(conn, 1_000)?;
    let ids: Vec<RevisionId> = waiting.iter().map(|r| r.id).collect();
    let assigned = assignments::assigned_to(conn, me, &ids)?;
    let mine: HashSet<RevisionId> = assigned.iter().map(|(id, _)| *id).collect();
    let again: HashSet<RevisionId> = assigned
        .iter()
        .filter(|(_, re_requested)| *re_requested)
        .map(|(id, _)| *id)
        .collect();
    let approved: HashSet<RevisionId> = reviews::approved_by(conn, me, &ids)?.into_iter().collect();
    let counts = reviews::approval_counts(conn, &ids)?;
    let policy = settings::load(conn)?.approvals_required;
    let mut items: Vec<Revision> = waiting
        .into_iter()
        .filter(|r| r.author_id != me && !approved.contains(&r.id))
        .collect();
    // Stable: asked to look again first, then assigned, each group oldest first.
    items.sort_by_key(|r| (!again.contains(&r.id), !mine.contains(&r.id)));
    items.truncate(usize::try_from(limit).unwrap_or(0));
    let authors: Vec<UserId> = items.iter().map(|r| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    Ok(items
        .into_iter()
        .map(|revision| QueueItem {
            author: name_of(&names, revision.author_id),
            waiting_since: revision.submitted_at,
            approvals: counts.get(&revision.id).copied().unwrap_or(0),
            required: revision.approvals_required.unwrap_or(policy),
            assigned_to_me: mine.contains(&revision.id),
            re_requested: again.contains(&revision.id),
            revision,
        })
        .collect())
}
