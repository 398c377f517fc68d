//! Everything the revision page shows: content, references, reviews, the threaded
//! discussion, assignments, approvals and the actions the caller may take.

use std::collections::{HashMap, HashSet};

use super::name_of;
use crate::db::articles::{self, Article};
use crate::db::comments::{self, Comment};
use crate::db::reviews::{self, Review};
use crate::db::revisions::{self, Revision};
use crate::db::users::{self, Name};
use crate::db::{assignments, references};
use crate::domain::content::Reference;
use crate::domain::roles::Role;
use crate::domain::workflow::Verdict;
use crate::domain::workflow::{self, Action, Approvals};
use crate::ids::{RevisionId, UserId};
use crate::services::reviewing::{self, approvals};
use crate::services::{Caller, Ctx, Missing, ServiceResult};

/// A comment placed in its thread.
pub struct ThreadItem {
    pub comment: Comment,
    pub author: Name,
    /// 0 for a top-level comment, capped for display.
    pub depth: usize,
    pub verdict: Option<Verdict>,
}

/// Everything the revision page shows.
pub struct RevisionPage {
    pub revision: Revision,
    pub article: Article,
    pub author: Name,
    pub references: Vec<Reference>,
    pub reviews: Vec<(Review, Name)>,
    pub thread: Vec<ThreadItem>,
    pub assigned: Vec<Name>,
    pub approvals: Approvals,
    pub approvers: Vec<Name>,
    pub actions: Vec<Action>,
    /// Reviewers who could be assigned (when the caller may assign).
    pub reviewers: Vec<(UserId, String, String)>,
    pub published: Option<Revision>,
    pub base: Option<Revision>,
}

pub fn revision_page(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: RevisionId,
) -> ServiceResult<RevisionPage> {
    let conn = ctx.conn();
    let revision = reviewing::visible(conn, caller, id)?;
    let article = articles::find(conn, revision.article_id)?.ok_or(Missing::Article)?;
    let references = references::of_revision(conn, id)?;
    let reviews = reviews::of_revision(conn, id)?;
    let comments = comments::of_revision(conn, id)?;
    let assignments = assignments::of_revision(conn, id)?;
    let (approvals, approver_ids) = approvals(conn, caller, &revision)?;
    let actor = reviewing::workflow_actor(caller, &revision);
    let actions = workflow::available_actions(revision.state, actor, approvals);
    let reviewers = if actions.contains(&Action::Assign) {
        let assigned: HashSet<UserId> = assignments.iter().map(|a| a.reviewer_id).collect();
        users::with_role(conn, Role::Reviewer)?
            .into_iter()
            .filter(|(id, _, _)| *id != revision.author_id && !assigned.contains(id))
            .collect()
    } else {
        Vec::new()
    };
    let mut people = vec![revision.author_id];
    people.extend(reviews.iter().map(|r| r.reviewer_id));
    people.extend(comments.iter().map(|c| c.author_id));
    people.extend(assignments.iter().map(|a| a.reviewer_id));
    let names = users::names(conn, &people)?;
    let verdicts: HashMap<_, _> = reviews.iter().map(|r| (r.id, r.verdict)).collect();
    let thread = thread(comments, &names, &verdicts);
    let published = match article.published_revision_id {
        Some(pid) if pid != revision.id => revisions::find(conn, pid)?,
        _ => None,
    };
    let base = match revision.base_revision_id {
        Some(bid) => revisions::find(conn, bid)?,
        None => None,
    };
    Ok(RevisionPage {
        author: name_of(&names, revision.author_id),
        reviews: reviews
            .into_iter()
            .map(|r| {
                let name = name_of(&names, r.reviewer_id);
                (r, name)
            })
            .collect(),
        assigned: assignments
            .iter()
            .map(|a| name_of(&names, a.reviewer_id))
            .collect(),
        approvers: approver_ids.iter().map(|id| name_of(&names, *id)).collect(),
        revision,
        article,
        references,
        thread,
        approvals,
        actions,
        reviewers,
        published,
        base,
    })
}

/// Orders comments as a thread: each reply right after its parent (and the parent's earlier
/// replies), depth-first, oldest first at each level.
fn thread(
    comments: Vec<Comment>,
    names: &HashMap<UserId, Name>,
    verdicts: &HashMap<crate::ids::ReviewId, Verdict>,
) -> Vec<ThreadItem> {
    const MAX_DEPTH: usize = 4;
    let mut children: HashMap<Option<crate::ids::CommentId>, Vec<Comment>> = HashMap::new();
    for comment in comments {
        children.entry(comment.parent_id).or_default().push(comment);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(Comment, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|c| (c, 0))
        .collect();
    while let Some((comment, depth)) = stack.pop() {
        if let Some(replies) = children.remove(&Some(comment.id)) {
            stack.extend(replies.into_iter().rev().map(|c| (c, depth + 1)));
        }
        out.push(ThreadItem {
            author: name_of(names, comment.author_id),
            verdict: comment.review_id.and_then(|id| verdicts.get(&id).copied()),
            depth: depth.min(MAX_DEPTH),
            comment,
        });
    }
    out
}
