//! A reviewer's queue: revisions waiting for review, in three lists: those they are asked to
//! look at again, those assigned to them, and everything else waiting, oldest submission
//! first. Each is one bounded, indexed page.

use chrono::NaiveDateTime;

use super::name_of;
use std::collections::BTreeSet;

use crate::db::revisions::{self, Among, Cursor, QueueShow, RevisionLine};
use crate::db::specialties::{self, Specialty};
use crate::db::users::{self, Name};
use crate::db::{DbConn, assignments, reviews, settings};
use crate::domain::roles::Role;
use crate::ids::{ArticleId, RevisionId, SpecialtyId, UserId};
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
    /// The article's specialties.
    pub specialties: Vec<Specialty>,
    /// The caller holds one of them.
    pub in_my_specialties: bool,
    /// When the caller's assigned review of it is due.
    pub due_at: Option<NaiveDateTime>,
}

/// Which revisions a queue list holds, by their article's specialties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    /// Articles of this specialty.
    Only(SpecialtyId),
    /// Articles of a specialty the caller holds.
    Mine,
    /// Articles of none of the caller's specialties (all of them, when they hold none).
    NotMine,
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
    scope: Scope,
    after: Option<Cursor>,
    limit: i64,
) -> ServiceResult<QueuePage> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let conn = ctx.conn();
    let mine = |conn: &mut DbConn| -> ServiceResult<Vec<SpecialtyId>> {
        Ok(specialties::of_user(conn, me)?
            .into_iter()
            .map(|s| s.id)
            .collect())
    };
    let among = match scope {
        Scope::All => Among::All,
        Scope::Only(id) => Among::In(vec![id]),
        Scope::Mine => Among::In(mine(conn)?),
        Scope::NotMine => match mine(conn)? {
            held if held.is_empty() => Among::All,
            held => Among::NotIn(held),
        },
    };
    if among == Among::In(Vec::new()) {
        return Ok(QueuePage {
            items: Vec::new(),
            next: None,
        });
    }
    let (rows, more) = revisions::waiting_for(conn, me, show, &among, after, limit)?;
    let next = if more {
        rows.last()
            .and_then(|r| r.submitted_at.map(|at| Cursor { at, id: r.id.0 }))
    } else {
        None
    };
    let items = items(conn, me, rows.into_iter().map(|r| (show, r)).collect())?;
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
        let (rows, _) = revisions::waiting_for(conn, me, show, &Among::All, None, left)?;
        all.extend(rows.into_iter().map(|r| (show, r)));
    }
    items(conn, me, all)
}

fn items(
    conn: &mut DbConn,
    me: UserId,
    rows: Vec<(QueueShow, RevisionLine)>,
) -> ServiceResult<Vec<QueueItem>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<RevisionId> = rows.iter().map(|(_, r)| r.id).collect();
    let policy = settings::load(conn)?;
    let counts = reviews::approval_counts(conn, &ids, policy.conflicted_approvals_count)?;
    let articles: Vec<ArticleId> = rows.iter().map(|(_, r)| r.article_id).collect();
    let of_article = specialties::of_articles(conn, &articles)?;
    let mine: BTreeSet<SpecialtyId> = if of_article.is_empty() {
        BTreeSet::new()
    } else {
        specialties::of_user(conn, me)?
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    let authors: Vec<UserId> = rows.iter().map(|(_, r)| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    let assigned: Vec<RevisionId> = rows
        .iter()
        .filter(|(show, _)| *show != QueueShow::Unassigned)
        .map(|(_, r)| r.id)
        .collect();
    let due = if assigned.is_empty() {
        Default::default()
    } else {
        assignments::due_for(conn, me, &assigned)?
    };

    Ok(rows
        .into_iter()
        .map(|(show, revision)| {
            let specialties = of_article
                .get(&revision.article_id)
                .cloned()
                .unwrap_or_default();
            (show, revision, specialties)
        })
        .map(|(show, revision, specialties)| QueueItem {
            in_my_specialties: specialties.iter().any(|s| mine.contains(&s.id)),
            due_at: due.get(&revision.id).copied(),
            specialties,
            author: name_of(&names, revision.author_id),
            waiting_since: revision.submitted_at,
            approvals: counts.get(&revision.id).copied().unwrap_or(0),
            required: revision
                .approvals_required
                .unwrap_or(policy.approvals_required),
            assigned_to_me: show != QueueShow::Unassigned,
            re_requested: show == QueueShow::ReRequested,
            revision,
        })
        .collect())
}
