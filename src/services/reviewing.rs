//! Acting on a revision: submit, withdraw, claim, comment, approve, request changes, reject,
//! assign. One function decides through the workflow module and writes the outcome, its
//! review and comment rows, its audit row and (for the approval that meets the policy) the
//! publication, all in one transaction.

use std::collections::BTreeSet;

use serde_json::json;

use super::audit::{self, Event};
use super::{
    Caller, Ctx, Env, Missing, Refusal, ServiceError, ServiceResult, conversation, editing, notify,
    publishing,
};
use crate::db::comments::{self, NewComment};
use crate::db::reviews::{self, Approver, NewReview};
use crate::db::revisions::{self, Revision};
use crate::db::settings::Settings;
use crate::db::specialties::{self, Specialty};
use crate::db::{self, DbConn, Tx, assignments, references, settings, users};
use crate::domain::audit::AuditAction;
use crate::domain::checklist;
use crate::domain::conversation::Anchor;
use crate::domain::disclosures::{self, Declaration};
use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::settings as settings_rules;
use crate::domain::workflow::{
    self, Action, Approvals, Specialists, Transition, Verdict, WorkflowError,
};
use crate::ids::{ArticleId, CommentId, RevisionId, SpecialtyId, UserId};

/// The longest comment accepted.
pub const COMMENT_MAX: usize = 10_000;

/// What the person sent with the action.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    /// Required for comment, request changes and reject; optional with approve.
    pub text: String,
    /// For a reply in the comment thread.
    pub reply_to: Option<CommentId>,
    /// For assign.
    pub reviewer: Option<UserId>,
    /// For a new thread: the paragraph block or reference it is about (`block:<key>` or
    /// `reference:<key>`, as the revision page links it).
    pub anchor: Option<String>,
    /// Compare-and-set: act only if the revision is still at this version (what the caller
    /// read). The browser's forms leave it out; the API takes it as `expected_version`.
    pub expected_version: Option<i64>,
    /// For approve (required): the reviewer's declaration of conflicts with this article.
    pub declaration: Option<Declaration>,
    /// For approve: the checklist items ticked (every item in force is required).
    pub checklist: BTreeSet<i64>,
    /// For request changes: the checklist items that fail (optional).
    pub failing: BTreeSet<i64>,
    /// For assign: when the review is due (by default, the setting's days from now).
    pub due: Option<chrono::NaiveDate>,
}

impl ActionInput {
    /// The input of an approval with no conflict declared (and no note).
    pub fn no_conflict() -> Self {
        ActionInput {
            declaration: Some(Declaration::NoConflict),
            ..ActionInput::default()
        }
    }
}

/// The revision's relation to the caller, as the workflow sees it.
pub fn workflow_actor(caller: &Caller, revision: &Revision) -> workflow::Actor {
    workflow::Actor {
        is_author: caller.is(revision.author_id),
        is_reviewer: caller.has(Role::Reviewer),
        is_admin: caller.has(Role::Admin),
        is_system: false,
    }
}

/// The approvals on a revision, as they count now.
#[derive(Debug, Clone)]
pub struct Standing {
    /// The quorum and the approvals that count, from the caller's point of view.
    pub approvals: Approvals,
    /// Who approved this content and still counts (active accounts), oldest first.
    pub counted: Vec<UserId>,
    /// Who approved it but no longer counts: their account was deactivated.
    pub lapsed: Vec<UserId>,
    /// Who approved it declaring a conflict with the article, which the policy does not
    /// count.
    pub conflicted: Vec<UserId>,
    /// Under the specialist rule, the article's specialties no counted approval covers yet
    /// (empty when the rule is off).
    pub specialties_missing: Vec<Specialty>,
    /// The policy counts approvals with a declared conflict.
    pub conflicts_count: bool,
}

/// The approvals on a revision's current content, from the caller's point of view. The
/// quorum is the one in force when the revision was submitted (a later settings change
/// applies to later submissions); a draft is measured against today's policy. The
/// specialist rule is today's setting, measured on the article's specialties now.
pub fn approvals(
    conn: &mut DbConn,
    caller: &Caller,
    revision: &Revision,
) -> ServiceResult<Standing> {
    let policy = settings::load(conn)?;
    approvals_under(conn, caller, revision, &policy)
}

/// [`approvals`] under settings already read (an action reads them once per transaction:
/// the publication and its mail need them too).
fn approvals_under(
    conn: &mut DbConn,
    caller: &Caller,
    revision: &Revision,
    policy: &Settings,
) -> ServiceResult<Standing> {
    let required = revision
        .approvals_required
        .unwrap_or(policy.approvals_required);
    let approvers = reviews::approvers(conn, revision.id, &revision.content_hash)?;
    standing(
        conn,
        caller,
        revision.article_id,
        policy,
        required,
        &approvers,
    )
}

/// How `approvers` (approvals, or re-certifications) of an article stand against the
/// policy, from the caller's point of view: which count (active accounts; a declared
/// conflict only when the policy counts it), the quorum `required`, and the specialist
/// rule measured on the article's specialties now.
pub(crate) fn standing(
    conn: &mut DbConn,
    caller: &Caller,
    article: ArticleId,
    policy: &Settings,
    required: i32,
    approvers: &[Approver],
) -> ServiceResult<Standing> {
    let by_actor = approvers.iter().any(|a| caller.is(a.id));
    let mut counted = Vec::new();
    let mut lapsed = Vec::new();
    let mut conflicted = Vec::new();
    for approver in approvers {
        if workflow::approval_counts(
            approver.active,
            approver.conflicted(),
            policy.conflicted_approvals_count,
        ) {
            counted.push(approver.id);
        } else if !approver.active {
            lapsed.push(approver.id);
        } else {
            conflicted.push(approver.id);
        }
    }
    let by_others = counted.iter().filter(|id| !caller.is(**id)).count();
    let needed = if policy.require_specialist {
        specialties::of_article(conn, article)?
    } else {
        Vec::new()
    };
    let (specialists, specialties_missing) = if needed.is_empty() {
        (Specialists::default(), Vec::new())
    } else {
        let mut people = counted.clone();
        people.extend(caller.id());
        let held = specialties::of_users(conn, &people)?;
        let ids_of = |user: &UserId| -> BTreeSet<SpecialtyId> {
            held.get(user)
                .map(|list| list.iter().map(|s| s.id).collect())
                .unwrap_or_default()
        };
        let by_others_hold: BTreeSet<SpecialtyId> = counted
            .iter()
            .filter(|id| !caller.is(**id))
            .flat_map(ids_of)
            .collect();
        let actor_holds = caller.id().map(|me| ids_of(&me)).unwrap_or_default();
        let needed_ids: BTreeSet<SpecialtyId> = needed.iter().map(|s| s.id).collect();
        let all_hold: BTreeSet<SpecialtyId> = counted.iter().flat_map(ids_of).collect();
        let missing_ids = workflow::specialties_missing(
            true,
            &needed_ids.iter().copied().collect::<Vec<_>>(),
            &all_hold,
        );
        (
            Specialists::measure(true, &needed_ids, &by_others_hold, &actor_holds),
            needed
                .into_iter()
                .filter(|s| missing_ids.contains(&s.id))
                .collect(),
        )
    };
    Ok(Standing {
        approvals: Approvals {
            required: u32::try_from(required).unwrap_or(1),
            by_others: u32::try_from(by_others).unwrap_or(u32::MAX),
            by_actor,
            actor_counts: counted.iter().any(|id| caller.is(*id)),
            this_approval_uncounted: false,
            specialists,
        },
        counted,
        lapsed,
        conflicted,
        specialties_missing,
        conflicts_count: policy.conflicted_approvals_count,
    })
}

/// A revision as the caller may see it: drafts are their author's alone.
pub fn visible(conn: &mut DbConn, caller: &Caller, id: RevisionId) -> ServiceResult<Revision> {
    caller.require_any_role()?;
    revisions::find(conn, id)?
        .filter(|r| workflow::visible_to(r.state, caller.is(r.author_id)))
        .ok_or(Missing::Revision.into())
}

fn required_text(action: Action, text: &str) -> ServiceResult<String> {
    let text = text.trim();
    if text.chars().count() > COMMENT_MAX {
        return Err(Problems::one(
            "comment",
            format!("The comment is too long (at most {COMMENT_MAX} characters)."),
        )
        .into());
    }
    if action.needs_text() && text.is_empty() {
        return Err(Problems::one("comment", action.text_prompt()).into());
    }
    Ok(text.to_owned())
}

/// Does `action` to a revision. Refusals about who may act are audited (in a transaction of
/// their own, since the action's is rolled back) and answered 403 by the web layer.
pub fn act(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: RevisionId,
    action: Action,
    input: &ActionInput,
) -> ServiceResult<Transition> {
    let env = ctx.env();
    let outcome = ctx.write(|tx| act_once(tx, env, caller, id, action, input));
    if let Err(ServiceError::Workflow(refusal)) = &outcome
        && refusal.is_permission()
    {
        let revision = revisions::find(ctx.conn(), id)?;
        audit::record_alone(
            ctx,
            caller.actor(),
            denial(action, *refusal, revision.as_ref(), id),
        )?;
    }
    outcome
}

fn denial(
    action: Action,
    refusal: WorkflowError,
    revision: Option<&Revision>,
    id: RevisionId,
) -> Event {
    let event = Event::new(AuditAction::ActionDenied).details(json!({
        "action": action.as_str(),
        "reason": refusal.to_string(),
    }));
    match revision {
        Some(revision) => event.target_revision(revision.article_id, id),
        None => event,
    }
}

fn act_once(
    tx: &mut Tx<'_>,
    env: &Env,
    caller: &Caller,
    id: RevisionId,
    action: Action,
    input: &ActionInput,
) -> ServiceResult<Transition> {
    caller.require_any_role()?;
    let revision = revisions::find_locked(tx, id)?
        .filter(|r| workflow::visible_to(r.state, caller.is(r.author_id)))
        .ok_or(Missing::Revision)?;
    let me = caller.me()?;
    if let Some(expected) = input.expected_version
        && expected != revision.version
    {
        return Err(Refusal::RevisionChanged {
            expected,
            now: revision.version,
        }
        .into());
    }
    let actor = workflow_actor(caller, &revision);
    let policy = settings::in_tx(tx)?;
    let standing = approvals_under(tx, caller, &revision, &policy)?;
    let (mut approvals, approvers) = (standing.approvals, standing.counted);
    let counts = |declaration: &Declaration| {
        workflow::approval_counts(true, declaration.is_conflict(), standing.conflicts_count)
    };
    if let Some(declaration) = &input.declaration {
        approvals.this_approval_uncounted = !counts(declaration);
    }
    let transition = workflow::decide(revision.state, action, actor, approvals)?;
    let text = required_text(action, &input.text)?;
    let declaration = match transition.verdict {
        Some(Verdict::Approve) => Some(disclosures::required(input.declaration.as_ref())?),
        _ => None,
    };
    let signed = match transition.verdict {
        Some(Verdict::Approve) => {
            checklist::attested(&db::checklist::in_force(tx)?, &input.checklist)?
        }
        Some(Verdict::RequestChanges) => {
            checklist::failing(&db::checklist::in_force(tx)?, &input.failing)?
        }
        _ => Vec::new(),
    };
    let audit_action = match action {
        Action::Submit => {
            editing::submit_draft(tx, env, caller, &revision)?;
            return Ok(transition);
        }
        Action::Edit | Action::Supersede | Action::Recertify => {
            return Err(Problems::one("action", format!("'{action}' is not done here.")).into());
        }
        Action::Withdraw => AuditAction::RevisionWithdrawn,
        Action::Claim => AuditAction::RevisionClaimed,
        Action::Comment => AuditAction::CommentAdded,
        Action::Approve => AuditAction::RevisionApproved,
        Action::RequestChanges => AuditAction::ChangesRequested,
        Action::Reject => AuditAction::RevisionRejected,
        Action::Assign => AuditAction::ReviewerAssigned,
    };
    let now = db::now();
    if !revisions::transition(tx, revision.id, revision.version, &transition, now)? {
        return Err(ServiceError::Contended);
    }
    let target = |event: Event| event.target_revision(revision.article_id, revision.id);
    let mut details = json!({ "number": revision.number, "from": revision.state.as_str(), "to": transition.to.as_str() });
    let review = match transition.verdict {
        Some(verdict) => Some(reviews::insert(
            tx,
            &NewReview {
                revision: revision.id,
                reviewer: me,
                verdict,
                body: &text,
                content_hash: &revision.content_hash,
                declaration,
                checklist: &signed,
                now,
            },
        )?),
        None => None,
    };
    if !text.is_empty() {
        let parent = match input.reply_to {
            Some(parent) => Some(conversation::reply_parent(tx, &revision, parent)?),
            None => None,
        };
        let anchor = match (&input.anchor, parent) {
            (Some(anchor), None) => Some(anchored(tx, &revision, anchor)?),
            _ => None,
        };
        comments::insert(
            tx,
            &NewComment {
                revision_id: revision.id,
                parent_id: parent,
                author_id: me,
                review_id: review,
                body: &text,
                created_at: now,
                anchor: anchor.as_ref().map(|(a, e)| (a.as_str(), e.as_str())),
            },
        )?;
        if let Some((anchor, _)) = &anchor {
            details["anchor"] = json!(anchor);
        }
        details["comment"] = json!(text);
    }
    match action {
        Action::Claim => {
            let due = default_due(tx, now)?;
            assignments::add(tx, revision.id, me, me, now, due)?;
        }
        Action::Approve => {
            let counted = declaration.is_none_or(counts);
            details["approvals"] = json!(approvers.len() + usize::from(counted));
            details["required"] = json!(approvals.required);
            details["content_hash"] = json!(revision.content_hash);
            if let Some(declaration) = declaration {
                details["declaration"] = match declaration {
                    Declaration::NoConflict => json!("none"),
                    Declaration::Conflict(text) => json!({ "conflict": text }),
                };
                details["counts"] = json!(counted);
            }
            if !signed.is_empty() {
                details["checklist"] = json!(signed);
            }
        }
        Action::RequestChanges if !signed.is_empty() => {
            details["failing"] = json!(signed);
        }
        Action::Assign => {
            let reviewer = assignee(tx, &revision, input.reviewer)?;
            let due = match input.due {
                Some(date) => settings_rules::due_on(date, now.date())?,
                None => default_due(tx, now)?,
            };
            if !assignments::add(tx, revision.id, reviewer.0, me, now, due)? {
                return Err(Refusal::AlreadyAssigned(reviewer.1).into());
            }
            details["reviewer"] = json!(reviewer.1);
            details["due"] = json!(due);
        }
        _ => {}
    }
    // The caller's name is read only for the messages that carry it (an approval's
    // message is the publication's, which names the revision).
    match action {
        Action::Comment => {
            let name = editing::caller_name(tx, caller)?;
            notify::comment(tx, env, me, &name, &revision, &text)?;
        }
        Action::RequestChanges => {
            let name = editing::caller_name(tx, caller)?;
            notify::decision(tx, env, &name, &revision, &text, false)?;
        }
        Action::Reject => {
            let name = editing::caller_name(tx, caller)?;
            notify::decision(tx, env, &name, &revision, &text, true)?;
        }
        Action::Assign => {
            if let Some(reviewer) = input.reviewer {
                let name = editing::caller_name(tx, caller)?;
                notify::assigned(tx, env, me, &name, &revision, reviewer)?;
            }
        }
        _ => {}
    }
    let mut events = vec![target(Event::new(audit_action).details(details))];
    if transition.publishes {
        events.push(publishing::publish(
            tx,
            env,
            &revision,
            approvers.len() + 1,
        )?);
    }
    // The audit rows are the last writes: on PostgreSQL appending to the chain holds a lock
    // until commit, so everything else this transaction does happens before it, outside
    // the section that reviewers acting at once queue for.
    audit::record_all(tx, caller.actor(), events)?;
    Ok(transition)
}

/// When an assignment made now is due by default (the setting's days from now).
pub(crate) fn default_due(
    tx: &mut Tx<'_>,
    now: chrono::NaiveDateTime,
) -> ServiceResult<chrono::NaiveDateTime> {
    Ok(settings_rules::default_due(
        now,
        settings::in_tx(tx)?.review_due_days,
    ))
}

/// A comment's anchor, checked against the revision it is written on: the paragraph block
/// or reference must be in it. Returns the anchor and the excerpt kept with the comment.
fn anchored(
    conn: &mut DbConn,
    revision: &Revision,
    anchor: &str,
) -> ServiceResult<(String, String)> {
    const FIELD: &str = "anchor";
    let parsed = Anchor::parse(anchor.trim()).ok_or_else(|| {
        Problems::one(
            FIELD,
            "That is not a paragraph or reference of this revision.",
        )
    })?;
    let references = references::of_revision(conn, revision.id)?;
    let excerpt = parsed.excerpt(&revision.body, &references).ok_or_else(|| {
        Problems::one(
            FIELD,
            format!("That {} is not in this revision (it may have changed): comment without it, or on the current text.", parsed.noun()),
        )
    })?;
    Ok((parsed.as_string(), excerpt))
}

/// The reviewer to assign: an active account with the reviewer role that did not write the
/// revision. Returns their id and email.
fn assignee(
    conn: &mut DbConn,
    revision: &Revision,
    reviewer: Option<UserId>,
) -> ServiceResult<(UserId, String)> {
    const FIELD: &str = "reviewer_id";
    let id = reviewer.ok_or_else(|| Problems::one(FIELD, "Choose a reviewer to assign."))?;
    let user = users::find_by_id(conn, id)?
        .filter(|u| u.is_active)
        .ok_or_else(|| Problems::one(FIELD, "That reviewer does not exist or is deactivated."))?;
    if !users::roles_of(conn, id)?.has(Role::Reviewer) {
        return Err(Problems::one(FIELD, format!("{} is not a reviewer.", user.email)).into());
    }
    if user.id == revision.author_id {
        return Err(Problems::one(
            FIELD,
            format!("{} wrote this revision and cannot review it.", user.email),
        )
        .into());
    }
    Ok((user.id, user.email))
}
