//! Review rounds: what carries from a revision into the one that supersedes it. Reviewers
//! assigned to the older revision stay assigned; when it had been sent back for changes,
//! those reviewers and the ones who asked for changes are asked again, by name, with the
//! change note and a link to what changed since they last looked.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Env, ServiceResult, notify};
use crate::db::revisions::{self, Revision};
use crate::db::{DbConn, Tx, assignments, reviews, users};
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;
use crate::domain::workflow::Verdict;
use crate::ids::{RevisionId, UserId};

/// The most revisions of one article searched for a reviewer's last review.
const REVISIONS_MAX: i64 = 500;

/// A reviewer carried from a superseded revision into its successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Carried {
    pub reviewer: UserId,
    /// The older revision was sent back for changes: this reviewer is asked to look again.
    pub asked_again: bool,
}

/// The reviewers of `older` that carry into the revision superseding it: its assignees and,
/// when it was sent back, whoever asked for changes. Never the new revision's author.
pub(crate) fn carried_reviewers(
    conn: &mut DbConn,
    older: &Revision,
    new_author: UserId,
) -> ServiceResult<Vec<Carried>> {
    let asked_again = older.state.awaits_author();
    let mut ids = assignments::assignees_of(conn, older.id)?;
    ids.extend(reviews::with_verdict(
        conn,
        older.id,
        Verdict::RequestChanges,
    )?);
    ids.sort();
    ids.dedup();
    Ok(ids
        .into_iter()
        .filter(|id| *id != new_author)
        .map(|reviewer| Carried {
            reviewer,
            asked_again,
        })
        .collect())
}

/// Assigns the carried reviewers to the newly submitted revision (those asked again marked
/// re-requested, first in their queue) and tells each one asked again, with a link to the
/// diff since their last review. Deactivated accounts and people no longer on the board are
/// left out. Returns who was asked again, so the generic "review requested" mail skips them.
pub(crate) fn re_request(
    tx: &mut Tx<'_>,
    env: &Env,
    caller: &Caller,
    submitted: &Revision,
    carried: &[Carried],
    author: &str,
    now: NaiveDateTime,
) -> ServiceResult<Vec<UserId>> {
    if carried.is_empty() {
        return Ok(Vec::new());
    }
    let me = caller.me()?;
    let mut wanted: BTreeMap<UserId, bool> = BTreeMap::new();
    for c in carried {
        *wanted.entry(c.reviewer).or_default() |= c.asked_again;
    }
    let ids: Vec<UserId> = wanted.keys().copied().collect();
    let people = users::find_many(tx, &ids)?;
    let others: Vec<RevisionId> =
        revisions::list_for_article(tx, submitted.article_id, me, REVISIONS_MAX)?
            .into_iter()
            .filter(|r| r.id != submitted.id && r.state.is_submitted())
            .map(|r| r.id)
            .collect();
    let mut asked = Vec::new();
    for person in people {
        let asked_again = wanted.get(&person.id).copied().unwrap_or(false);
        if !person.is_active || !users::roles_of(tx, person.id)?.has(Role::Reviewer) {
            continue;
        }
        let due = super::reviewing::default_due(tx, now)?;
        assignments::add_marked(tx, submitted.id, person.id, me, now, due, asked_again)?;
        if asked_again {
            let since = reviews::last_reviewed_by(tx, person.id, &others)?;
            notify::re_requested(tx, env, submitted, &person, author, since)?;
            asked.push(person.id);
        }
    }
    if !asked.is_empty() {
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::ReviewReRequested)
                .target_revision(submitted.article_id, submitted.id)
                .details(json!({ "number": submitted.number, "reviewers": asked })),
        )?;
    }
    Ok(asked)
}
