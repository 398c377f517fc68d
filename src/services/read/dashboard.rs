//! The dashboard: what each role has to do, and what happened lately. Each panel shows its
//! first items (one bounded, indexed query each) and links to its full, paginated list.

use super::queue::QueueItem;
use crate::db;
use crate::db::articles::{self, Article};
use crate::db::revisions::{self, RevisionLine};
use crate::domain::roles::Role;
use crate::services::{Caller, Ctx, ServiceResult};

/// Items per panel.
pub const PANEL: i64 = 10;

/// Everything the dashboard shows, by role.
pub struct Dashboard {
    /// The caller's revisions sent back for changes: their turn, listed first.
    pub your_turn: Vec<RevisionLine>,
    pub drafts: Vec<RevisionLine>,
    /// More drafts than the panel shows.
    pub more_drafts: bool,
    pub in_review: Vec<RevisionLine>,
    /// The caller's revisions approved or rejected lately.
    pub decided: Vec<RevisionLine>,
    pub waiting_for_me: Vec<QueueItem>,
    pub overdue: Vec<(Article, String)>,
    /// More overdue articles than the panel shows.
    pub more_overdue: bool,
    pub recently_published: Vec<RevisionLine>,
}

pub fn dashboard(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Dashboard> {
    let conn = ctx.conn();
    let editor = caller.has(Role::Editor);
    let (drafts, more_drafts) = if editor {
        revisions::drafts_by(conn, caller.me()?, None, PANEL)?
    } else {
        (Vec::new(), false)
    };
    let (your_turn, in_review): (Vec<RevisionLine>, Vec<RevisionLine>) = if editor {
        revisions::pending_by(conn, caller.me()?, PANEL)?
            .into_iter()
            .partition(|r| r.state.awaits_author())
    } else {
        (Vec::new(), Vec::new())
    };
    let decided = if editor {
        revisions::decided_for(conn, caller.me()?, 5)?
    } else {
        Vec::new()
    };
    let waiting_for_me = if caller.has(Role::Reviewer) {
        super::queue::first_items(conn, caller, PANEL)?
    } else {
        Vec::new()
    };
    let (overdue, more_overdue) = if caller.roles().is_empty() {
        (Vec::new(), false)
    } else {
        articles::overdue(conn, db::now(), PANEL)?
    };
    let recently_published = if caller.roles().is_empty() {
        Vec::new()
    } else {
        revisions::recently_published(conn, PANEL)?
    };
    Ok(Dashboard {
        your_turn,
        drafts,
        more_drafts,
        in_review,
        decided,
        waiting_for_me,
        overdue,
        more_overdue,
        recently_published,
    })
}
