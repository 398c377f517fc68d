//! The dashboard: what each role has to do, and what happened lately.

use std::collections::HashMap;

use super::queue::QueueItem;
use crate::db;
use crate::db::articles::{self, Article};
use crate::db::revisions::{self, Revision};
use crate::domain::roles::Role;
use crate::ids::RevisionId;
use crate::services::{Caller, Ctx, ServiceResult};

/// Everything the dashboard shows, by role.
pub struct Dashboard {
    /// The caller's revisions sent back for changes: their turn, listed first.
    pub your_turn: Vec<Revision>,
    pub drafts: Vec<Revision>,
    pub in_review: Vec<Revision>,
    /// The caller's revisions approved or rejected lately.
    pub decided: Vec<Revision>,
    pub waiting_for_me: Vec<QueueItem>,
    pub overdue: Vec<(Article, String)>,
    pub recently_published: Vec<Revision>,
}

pub fn dashboard(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Dashboard> {
    let conn = ctx.conn();
    let editor = caller.has(Role::Editor);
    let drafts = if editor {
        revisions::drafts_by(conn, caller.me()?, 20)?
    } else {
        Vec::new()
    };
    let (your_turn, in_review): (Vec<Revision>, Vec<Revision>) = if editor {
        revisions::pending_by(conn, caller.me()?, 20)?
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
        super::queue::queue_items(conn, caller, 10)?
    } else {
        Vec::new()
    };
    let overdue = if caller.roles().is_empty() {
        Vec::new()
    } else {
        let articles = articles::overdue(conn, db::now(), 20)?;
        let published: Vec<RevisionId> = articles
            .iter()
            .filter_map(|a| a.published_revision_id)
            .collect();
        let titles: HashMap<RevisionId, String> = revisions::find_many(conn, &published)?
            .into_iter()
            .map(|r| (r.id, r.title))
            .collect();
        articles
            .into_iter()
            .map(|a| {
                let title = a
                    .published_revision_id
                    .and_then(|id| titles.get(&id).cloned())
                    .unwrap_or_else(|| a.slug.clone());
                (a, title)
            })
            .collect()
    };
    let recently_published = if caller.roles().is_empty() {
        Vec::new()
    } else {
        revisions::recently_published(conn, 10)?
    };
    Ok(Dashboard {
        your_turn,
        drafts,
        in_review,
        decided,
        waiting_for_me,
        overdue,
        recently_published,
    })
}
