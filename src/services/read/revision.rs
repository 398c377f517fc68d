//! Everything the revision page shows: content, references, reviews, the threaded
//! discussion, assignments, approvals and the actions the caller may take.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::name_of;
use crate::db::articles::{self, Article};
use crate::db::checklist as db_checklist;
use crate::db::reviews::{self, Review};
use crate::db::revisions::{self, Revision, RevisionLine};
use crate::db::specialties::{self, Specialty};
use crate::db::users::{self, Name};
use crate::db::{assignments, references, settings};
use crate::domain::checklist::Item;
use crate::domain::content::Reference;
use crate::domain::conversation::Anchor;
use crate::domain::diff::split_blocks;
use crate::domain::disclosures::Declaration;
use crate::domain::markdown;
use crate::domain::roles::Role;
use crate::domain::workflow::{self, Action, Approvals, State, Verdict};
use crate::ids::{RevisionId, UserId};
use crate::services::conversation::{self, Thread};
use crate::services::diffs::{self, Basis};
use crate::services::reviewing::{self, Standing, approvals};
use crate::services::{Caller, Ctx, Missing, ServiceResult};

/// One paragraph block of the body as the revision page shows it, with what to link a
/// comment on it to.
pub struct BodyBlock {
    pub html: String,
    pub anchor: String,
    /// Threads anchored to it.
    pub threads: usize,
}

/// An approval as signed: who, their declaration, the checklist items they attested.
pub struct Signature {
    pub name: Name,
    pub declaration: Option<Declaration>,
    pub attested: Vec<Item>,
}

/// Everything the revision page shows.
pub struct RevisionPage {
    pub revision: Revision,
    pub article: Article,
    pub author: Name,
    pub references: Vec<Reference>,
    /// Anchors of the references, in order, and how many threads each has.
    pub reference_anchors: Vec<(String, usize)>,
    /// The body block by block, for "comment on this paragraph"; `None` when the body has
    /// fenced code (whose blank lines a block split would break), shown whole.
    pub blocks: Option<Vec<BodyBlock>>,
    pub reviews: Vec<(Review, Name)>,
    /// The article's conversation across rounds.
    pub threads: Vec<Thread>,
    /// Assigned reviewers, whether each was asked to look again, and when it is due.
    pub assigned: Vec<(Name, bool, Option<NaiveDateTime>)>,
    pub approvals: Approvals,
    pub approvers: Vec<Name>,
    /// Approved, but the account has since been deactivated: no longer counts.
    pub lapsed: Vec<Name>,
    /// Approved declaring a conflict with the article, which the policy does not count.
    pub conflicted: Vec<Name>,
    /// Each approval of this content with what its reviewer declared about the article and
    /// the checklist items they attested.
    pub declarations: Vec<Signature>,
    /// Change requests on this revision that named checklist items as failing.
    pub failing: Vec<(Name, Vec<Item>)>,
    /// The checklist in force: what an approval must attest.
    pub checklist: Vec<Item>,
    /// The policy counts approvals with a declared conflict.
    pub conflicts_count: bool,
    pub actions: Vec<Action>,
    /// Reviewers who could be assigned (when the caller may assign).
    pub reviewers: Vec<(UserId, String, String)>,
    pub published: Option<RevisionLine>,
    pub base: Option<RevisionLine>,
    /// Who did what last, and when: the status line.
    pub status: String,
    /// The caller wrote it and it waits on them: "Revise" is offered.
    pub may_revise: bool,
    /// The default comparison, as the diff link names it.
    pub compare: Option<(Basis, RevisionId)>,
    /// Today's approvals setting (the revision keeps the one it was submitted with).
    pub policy_now: i32,
    /// Days an assigned review has by default.
    pub review_due_days: i32,
    /// The time the page was read, for "overdue".
    pub now: NaiveDateTime,
    /// The article's specialties.
    pub specialties: Vec<Specialty>,
    /// What a revision waiting for reviewers still needs to publish, in words: "Needs 1 more
    /// approval, including one from Rheumatology."
    pub needs: Option<String>,
}

impl RevisionPage {
    /// Unresolved change requests: what the author still has to answer.
    pub fn open_requests(&self) -> Vec<&Thread> {
        self.threads
            .iter()
            .filter(|t| t.is_open_request())
            .collect()
    }
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
    let assignments = assignments::of_revision(conn, id)?;
    let standing = approvals(conn, caller, &revision)?;
    let approvals = standing.approvals;
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
    let threads = conversation::threads(conn, caller, &revision, &references)?;
    let mut people = vec![revision.author_id];
    people.extend(reviews.iter().map(|r| r.reviewer_id));
    people.extend(assignments.iter().map(|a| a.reviewer_id));
    people.extend(standing.lapsed.iter().copied());
    people.extend(standing.conflicted.iter().copied());
    let names = users::names(conn, &people)?;
    let published = match article.published_revision_id {
        Some(pid) if pid != revision.id => revisions::find_line(conn, pid)?,
        _ => None,
    };
    let base = match revision.base_revision_id {
        Some(bid) => revisions::find_line(conn, bid)?,
        None => None,
    };
    let compare = diffs::comparisons(conn, caller, &revision, &article)?
        .into_iter()
        .next();
    let superseded_by = match (revision.state, article.current_revision_id) {
        (State::Superseded, Some(current)) => revisions::find_line(conn, current)?,
        _ => None,
    };
    let specialties = specialties::of_article(conn, revision.article_id)?;
    let policy = settings::load(conn)?;
    let needs = revision
        .state
        .awaits_reviewers()
        .then(|| needs_line(&standing))
        .flatten();
    let status = status_line(
        &revision,
        &reviews,
        &names,
        &standing,
        superseded_by.as_ref(),
    );
    let anchored = |anchor: &Anchor| {
        let key = anchor.as_string();
        threads
            .iter()
            .filter(|t| {
                t.root()
                    .and_then(|r| r.comment.anchor.as_deref())
                    .is_some_and(|a| a == key)
            })
            .count()
    };
    let blocks = (!revision.body.contains("```") && !revision.body.contains("~~~")).then(|| {
        split_blocks(&revision.body)
            .iter()
            .map(|block| {
                let anchor = Anchor::of_block(block);
                BodyBlock {
                    html: markdown::render(block, references.len()),
                    threads: anchored(&anchor),
                    anchor: anchor.as_string(),
                }
            })
            .collect()
    });
    let reference_anchors = references
        .iter()
        .map(|r| {
            let anchor = Anchor::of_reference(r);
            (anchor.as_string(), anchored(&anchor))
        })
        .collect();
    let declarations = reviews
        .iter()
        .filter(|r| r.verdict == Verdict::Approve && r.content_hash == revision.content_hash)
        .map(|r| Signature {
            name: name_of(&names, r.reviewer_id),
            declaration: Declaration::stored(r.conflict_declared, &r.conflict),
            attested: r.checklist_items(),
        })
        .collect();
    let failing = reviews
        .iter()
        .filter(|r| r.verdict == Verdict::RequestChanges)
        .map(|r| (name_of(&names, r.reviewer_id), r.checklist_items()))
        .filter(|(_, items)| !items.is_empty())
        .collect();
    let checklist =
        if actions.contains(&Action::Approve) || actions.contains(&Action::RequestChanges) {
            db_checklist::in_force(conn)?
        } else {
            Vec::new()
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
            .map(|a| (name_of(&names, a.reviewer_id), a.re_requested, a.due_at))
            .collect(),
        approvers: standing
            .counted
            .iter()
            .map(|id| name_of(&names, *id))
            .collect(),
        lapsed: standing
            .lapsed
            .iter()
            .map(|id| name_of(&names, *id))
            .collect(),
        conflicted: standing
            .conflicted
            .iter()
            .map(|id| name_of(&names, *id))
            .collect(),
        declarations,
        failing,
        checklist,
        conflicts_count: standing.conflicts_count,
        may_revise: caller.is(revision.author_id)
            && revision.state.awaits_author()
            && caller.has(Role::Editor),
        policy_now: policy.approvals_required,
        review_due_days: policy.review_due_days,
        now: crate::db::now(),
        revision,
        article,
        references,
        reference_anchors,
        blocks,
        threads,
        approvals,
        actions,
        reviewers,
        published,
        base,
        status,
        compare,
        specialties,
        needs,
    })
}

/// "Needs 2 more approvals, including one from Rheumatology and one from Pharmacy."
pub(crate) fn needs_line(standing: &Standing) -> Option<String> {
    let n = standing.approvals.still_needed();
    if n == 0 {
        return None;
    }
    let plural = if n == 1 { "" } else { "s" };
    let missing: Vec<String> = standing
        .specialties_missing
        .iter()
        .map(|s| format!("one from {}", s.name))
        .collect();
    Some(if missing.is_empty() {
        format!("Needs {n} more approval{plural}.")
    } else {
        format!(
            "Needs {n} more approval{plural}, including {} (the specialist rule).",
            names_list(&missing)
        )
    })
}

fn names_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Who did what last, and when, in words: it never reads as if the author acted when a
/// reviewer did.
fn status_line(
    revision: &Revision,
    reviews: &[Review],
    names: &HashMap<UserId, Name>,
    standing: &Standing,
    superseded_by: Option<&RevisionLine>,
) -> String {
    let date = |at: NaiveDateTime| at.format("%-d %B %Y").to_string();
    let last_vote = |verdict: Verdict| {
        reviews
            .iter()
            .rev()
            .find(|r| r.verdict == verdict)
            .map(|r| (name_of(names, r.reviewer_id).display_name, r.created_at))
    };
    let author = name_of(names, revision.author_id).display_name;
    match revision.state {
        State::Draft => format!("Draft by {author}, not submitted yet."),
        State::Submitted => "Waiting for a reviewer.".to_owned(),
        State::UnderReview => format!(
            "Under review: {} of {} approvals so far.",
            standing.counted.len(),
            standing.approvals.required
        ),
        State::ChangesRequested => match last_vote(Verdict::RequestChanges) {
            Some((name, at)) => format!("Changes requested by {name} on {}.", date(at)),
            None => "Changes requested.".to_owned(),
        },
        State::Approved => {
            let all: Vec<String> = standing
                .counted
                .iter()
                .chain(&standing.lapsed)
                .map(|id| name_of(names, *id).display_name)
                .collect();
            let on = revision
                .decided_at
                .map(|at| format!(" on {}", date(at)))
                .unwrap_or_default();
            format!("Approved{on} by {}.", names_list(&all))
        }
        State::Rejected => match last_vote(Verdict::Reject) {
            Some((name, at)) => format!("Rejected by {name} on {}.", date(at)),
            None => "Rejected.".to_owned(),
        },
        State::Withdrawn => format!(
            "Withdrawn by its author, {author}, on {}.",
            date(revision.updated_at)
        ),
        State::Superseded => match superseded_by {
            Some(newer) => format!(
                "Superseded on {} by {}, now the article's current revision.",
                date(revision.updated_at),
                newer.label().to_lowercase()
            ),
            None => format!("Superseded on {}.", date(revision.updated_at)),
        },
    }
}
