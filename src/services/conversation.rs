//! One conversation per article's review, across rounds: threads started on any revision
//! stay visible on the next ones, marked with the revision they were written on; they can be
//! answered from the revision in review and resolved by whoever opened them or the author
//! who answers them.

use std::collections::HashMap;

use serde_json::json;

use super::audit::{self, Event};
use super::read::name_of;
use super::{Caller, Ctx, Missing, Refusal, ServiceError, ServiceResult};
use crate::db::comments::{self, Comment};
use crate::db::revisions::{self, Revision, RevisionLine};
use crate::db::users::{self, Name};
use crate::db::{self, DbConn, articles, reviews};
use crate::domain::audit::AuditAction;
use crate::domain::content::Reference;
use crate::domain::conversation::{self, Anchor, ThreadActor};
use crate::domain::workflow::Verdict;
use crate::ids::{CommentId, RevisionId, UserId};

/// The most revisions and comments one conversation loads.
const REVISIONS_MAX: i64 = 500;
const COMMENTS_MAX: i64 = 5_000;
/// Replies are indented at most this deep.
const MAX_DEPTH: usize = 4;

/// A comment placed in its thread.
pub struct ThreadItem {
    pub comment: Comment,
    pub author: Name,
    /// 0 for the comment that opened the thread, capped for display.
    pub depth: usize,
    pub verdict: Option<Verdict>,
    /// The revision it was written on, when that is not the one shown.
    pub on_revision: Option<(RevisionId, String)>,
}

/// Where an anchored thread's paragraph or reference is in the revision shown.
pub struct AnchorView {
    /// "paragraph" or "reference".
    pub noun: &'static str,
    /// Its number in the revision shown; `None` when it changed since (outdated).
    pub number: Option<usize>,
    pub excerpt: String,
}

/// One thread: the comment that opened it and every reply, depth first, oldest first.
pub struct Thread {
    pub items: Vec<ThreadItem>,
    pub anchor: Option<AnchorView>,
    /// Opened by a reviewer's change request.
    pub change_request: bool,
    /// Who resolved it, and when.
    pub resolved: Option<(Name, chrono::NaiveDateTime)>,
    /// Whether the viewer may resolve (or reopen) it.
    pub may_resolve: bool,
}

impl Thread {
    pub fn root(&self) -> Option<&ThreadItem> {
        self.items.first()
    }

    pub fn is_open(&self) -> bool {
        self.resolved.is_none()
    }

    /// An unresolved change request: what the author still has to answer.
    pub fn is_open_request(&self) -> bool {
        self.change_request && self.is_open()
    }
}

/// The article's conversation as seen from `shown`: every thread on any revision the caller
/// may see, oldest first. Bounded: at most `REVISIONS_MAX` revisions and `COMMENTS_MAX`
/// comments, in a fixed number of queries.
pub fn threads(
    conn: &mut DbConn,
    caller: &Caller,
    shown: &Revision,
    shown_references: &[Reference],
) -> ServiceResult<Vec<Thread>> {
    let me = caller.me()?;
    let revisions: Vec<RevisionLine> =
        revisions::list_for_article(conn, shown.article_id, me, REVISIONS_MAX)?
            .into_iter()
            .filter(|r| r.state.is_submitted() || r.id == shown.id)
            .collect();
    let labels: HashMap<RevisionId, String> = revisions.iter().map(|r| (r.id, r.label())).collect();
    let authors: HashMap<RevisionId, UserId> =
        revisions.iter().map(|r| (r.id, r.author_id)).collect();
    let ids: Vec<RevisionId> = revisions.iter().map(|r| r.id).collect();
    let all = comments::of_revisions(conn, &ids, COMMENTS_MAX)?;
    let verdicts: HashMap<_, _> = reviews::of_revisions(conn, &ids)?
        .into_iter()
        .map(|r| (r.id, r.verdict))
        .collect();
    let current_author = articles::find(conn, shown.article_id)?
        .and_then(|a| a.current_revision_id)
        .and_then(|id| authors.get(&id).copied());
    let mut people: Vec<UserId> = all.iter().map(|c| c.author_id).collect();
    people.extend(all.iter().filter_map(|c| c.resolved_by));
    let names = users::names(conn, &people)?;

    let mut children: HashMap<Option<CommentId>, Vec<Comment>> = HashMap::new();
    for comment in all {
        children.entry(comment.parent_id).or_default().push(comment);
    }
    let roots = children.remove(&None).unwrap_or_default();
    let mut out = Vec::with_capacity(roots.len());
    for root in roots {
        let mut items = Vec::new();
        let mut stack = vec![(root.clone(), 0usize)];
        while let Some((comment, depth)) = stack.pop() {
            if let Some(replies) = children.remove(&Some(comment.id)) {
                stack.extend(replies.into_iter().rev().map(|c| (c, depth + 1)));
            }
            let on_revision = (comment.revision_id != shown.id)
                .then(|| labels.get(&comment.revision_id).cloned())
                .flatten()
                .map(|label| (comment.revision_id, label));
            items.push(ThreadItem {
                author: name_of(&names, comment.author_id),
                verdict: comment.review_id.and_then(|id| verdicts.get(&id).copied()),
                depth: depth.min(MAX_DEPTH),
                on_revision,
                comment,
            });
        }
        let anchor = root
            .anchor
            .as_deref()
            .and_then(Anchor::parse)
            .map(|anchor| AnchorView {
                noun: anchor.noun(),
                number: anchor.locate(&shown.body, shown_references),
                excerpt: root.anchor_excerpt.clone().unwrap_or_default(),
            });
        let actor = ThreadActor {
            opened_it: root.author_id == me,
            is_author: authors.get(&root.revision_id) == Some(&me) || current_author == Some(me),
        };
        let change_request = root
            .review_id
            .and_then(|id| verdicts.get(&id))
            .is_some_and(|v| *v == Verdict::RequestChanges);
        out.push(Thread {
            items,
            anchor,
            change_request,
            resolved: match (root.resolved_by, root.resolved_at) {
                (Some(by), Some(at)) => Some((name_of(&names, by), at)),
                _ => None,
            },
            may_resolve: conversation::may_resolve(actor),
        });
    }
    Ok(out)
}

/// The comment a reply answers: any comment in the conversation of `revision`'s article.
pub(crate) fn reply_parent(
    conn: &mut DbConn,
    revision: &Revision,
    parent: CommentId,
) -> ServiceResult<CommentId> {
    let not_here = || {
        crate::domain::problems::Problems::one(
            "reply_to",
            "That comment is not in this article's discussion.",
        )
    };
    let comment = comments::find(conn, parent)?.ok_or_else(not_here)?;
    let on = revisions::find(conn, comment.revision_id)?.ok_or_else(not_here)?;
    if on.article_id != revision.article_id || !on.state.is_submitted() {
        return Err(not_here().into());
    }
    Ok(comment.id)
}

/// Resolves a thread (or reopens it). The thread's opener or the author answering it only;
/// anyone else is refused, and the refusal is audited.
pub fn resolve(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: CommentId,
    resolved: bool,
) -> ServiceResult<RevisionId> {
    caller.require_any_role()?;
    let me = caller.me()?;
    let outcome = ctx.write(|tx| {
        let root = comments::find(tx, id)?
            .filter(|c| c.parent_id.is_none())
            .ok_or(Missing::Comment)?;
        let on = revisions::find(tx, root.revision_id)?
            .filter(|r| r.state.is_submitted())
            .ok_or(Missing::Comment)?;
        let article = articles::find(tx, on.article_id)?.ok_or(Missing::Article)?;
        let current_author = match article.current_revision_id {
            Some(current) => revisions::find(tx, current)?.map(|r| r.author_id),
            None => None,
        };
        let actor = ThreadActor {
            opened_it: root.author_id == me,
            is_author: on.author_id == me || current_author == Some(me),
        };
        if !conversation::may_resolve(actor) {
            return Err(ServiceError::Refused(Refusal::NotYourThread));
        }
        let now = db::now();
        let change = if resolved { Some((me, now)) } else { None };
        if !comments::set_resolved(tx, root.id, change)? {
            return Err(if resolved {
                Refusal::ThreadAlreadyResolved.into()
            } else {
                Refusal::ThreadAlreadyOpen.into()
            });
        }
        let action = if resolved {
            AuditAction::ThreadResolved
        } else {
            AuditAction::ThreadReopened
        };
        audit::record(
            tx,
            caller.actor(),
            Event::new(action)
                .target_revision(on.article_id, on.id)
                .details(json!({ "comment": root.id, "number": on.number })),
        )?;
        Ok(article.current_revision_id.unwrap_or(on.id))
    });
    if let Err(ServiceError::Refused(Refusal::NotYourThread)) = &outcome {
        audit::record_alone(
            ctx,
            caller.actor(),
            Event::new(AuditAction::ActionDenied).details(json!({
                "action": if resolved { "resolve" } else { "reopen" },
                "comment": id,
                "reason": Refusal::NotYourThread.to_string(),
            })),
        )?;
    }
    outcome
}
