//! `GET /api/v1/revisions/{id}`: one revision as the workspace shows it to the token's
//! account: its state and text, the reviews, the conversation (open and resolved threads),
//! the approvals it has and needs, and what the caller may do with it now. A revision the
//! account may not see is 404, as on its page.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::articles::{ArticleReference, reference};
use super::{JSON, utc};
use crate::domain::disclosures::Declaration;
use crate::ids::RevisionId;
use crate::services::conversation::Thread;
use crate::services::read::{self, RevisionPage};
use crate::urls;
use crate::web::error::{AppError, Problem};
use crate::web::extract::bearer::Token;
use crate::web::extract::forms;
use crate::web::state::AppState;

/// A revision in the workspace.
#[derive(Serialize, ToSchema)]
pub struct WorkspaceRevision {
    pub revision_id: i64,
    pub article_id: i64,
    /// Its number among the article's submitted revisions; null for a draft.
    pub number: Option<i32>,
    /// draft, submitted, under_review, changes_requested, approved, rejected, withdrawn or
    /// superseded.
    pub state: String,
    /// Changes with every write to the revision: what a change sends back as
    /// `expected_version`.
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    /// The note to reviewers (internal).
    pub change_note: String,
    /// The change summary readers see once it is published; blank: "Editorial update".
    pub public_note: String,
    pub references: Vec<ArticleReference>,
    /// The patient version, reviewed and approved with the rest; null when it has none.
    pub patient: Option<PatientText>,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// What publishing it needs.
    pub approvals: ApprovalCount,
    /// The actions the caller may take on it now (`approve`, `comment`, ...).
    pub actions: Vec<String>,
    /// The review checklist in force when the caller may approve or request changes: an
    /// approval sends every item's `id` in `checklist`; a change request may name failing
    /// ones in `failing`.
    pub checklist: Vec<ChecklistEntry>,
    pub reviews: Vec<ReviewEntry>,
    /// The article's review conversation, across rounds.
    pub threads: Vec<ThreadEntry>,
    /// Its page in the workspace.
    pub url: String,
}

/// Approvals of this revision's content, and how many the policy needs.
#[derive(Serialize, ToSchema)]
pub struct ApprovalCount {
    /// Approvals that count (active accounts; a declared conflict only when the policy
    /// counts it).
    pub given: u32,
    pub required: u32,
    /// Who approved, among those that count.
    pub by: Vec<String>,
    /// What publishing still needs, in words ("Needs 1 more approval, including one from
    /// Rheumatology (the specialist rule)."); absent when nothing is waited for.
    pub needs: Option<String>,
}

/// A checklist item an approval attests.
#[derive(Serialize, ToSchema)]
pub struct ChecklistEntry {
    pub id: i64,
    pub text: String,
}

/// A review verdict on the revision.
#[derive(Serialize, ToSchema)]
pub struct ReviewEntry {
    pub reviewer: String,
    /// approve, request_changes, reject or comment.
    pub verdict: String,
    pub comment: String,
    pub at: DateTime<Utc>,
    /// An approval's declaration of interests for the article ("No conflicts declared", or
    /// the conflict); absent for other verdicts.
    pub declaration: Option<String>,
    /// The checklist items an approval attested, or a change request named as failing,
    /// with their wording at the time.
    pub checklist: Vec<String>,
}

/// A thread of the conversation.
#[derive(Serialize, ToSchema)]
pub struct ThreadEntry {
    /// Opened by a change request.
    pub change_request: bool,
    pub open: bool,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The opening comment and the replies, oldest first.
    pub comments: Vec<CommentEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentEntry {
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

fn thread(thread: Thread) -> ThreadEntry {
    ThreadEntry {
        change_request: thread.change_request,
        open: thread.is_open(),
        resolved_by: thread
            .resolved
            .as_ref()
            .map(|(name, _)| name.display_name.clone()),
        resolved_at: thread.resolved.as_ref().map(|(_, at)| utc(*at)),
        comments: thread
            .items
            .into_iter()
            .map(|item| CommentEntry {
                author: item.author.display_name,
                body: item.comment.body,
                at: utc(item.comment.created_at),
            })
            .collect(),
    }
}

/// A revision's patient version as written.
#[derive(Serialize, ToSchema)]
pub struct PatientText {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
}

pub(super) fn revision(page: RevisionPage) -> WorkspaceRevision {
    let r = page.revision;
    let patient = r.patient().map(|v| PatientText {
        title: v.title,
        summary: v.summary,
        body_markdown: v.body,
    });
    WorkspaceRevision {
        patient,
        revision_id: r.id.0,
        article_id: r.article_id.0,
        number: r.number,
        state: r.state.as_str().to_owned(),
        version: r.version,
        url: urls::revision(r.id),
        title: r.title,
        summary: r.summary,
        body_markdown: r.body,
        change_note: r.change_note,
        public_note: r.public_note,
        references: page
            .references
            .into_iter()
            .enumerate()
            .map(|(n, reference_)| reference(n + 1, reference_))
            .collect(),
        author: page.author.display_name,
        created_at: utc(r.created_at),
        submitted_at: r.submitted_at.map(utc),
        decided_at: r.decided_at.map(utc),
        approvals: ApprovalCount {
            given: page.approvals.by_others + u32::from(page.approvals.actor_counts),
            required: page.approvals.required,
            by: page.approvers.into_iter().map(|n| n.display_name).collect(),
            needs: page.needs,
        },
        actions: page.actions.iter().map(|a| a.as_str().to_owned()).collect(),
        checklist: page
            .checklist
            .into_iter()
            .map(|item| ChecklistEntry {
                id: item.id,
                text: item.text,
            })
            .collect(),
        reviews: page
            .reviews
            .into_iter()
            .map(|(review, name)| ReviewEntry {
                reviewer: name.display_name,
                verdict: review.verdict.as_str().to_owned(),
                declaration: Declaration::stored(review.conflict_declared, &review.conflict)
                    .map(|d| d.describe()),
                checklist: review
                    .checklist_items()
                    .into_iter()
                    .map(|item| item.text)
                    .collect(),
                comment: review.body,
                at: utc(review.created_at),
            })
            .collect(),
        threads: page.threads.into_iter().map(thread).collect(),
    }
}

/// One revision, as the workspace shows it to the token's account.
#[utoipa::path(
    get,
    path = "/api/v1/revisions/{id}",
    operation_id = "getRevision",
    tag = "workspace",
    params(("id" = i64, Path, description = "The revision's id.", minimum = 1)),
    security(("token" = [])),
    responses(
        (status = 200, description = "The revision.", body = WorkspaceRevision),
        (status = 401, description = "No valid token.",
            body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account has no workspace role, or the token no scope that reads.",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such revision, or one the account may not see.",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    token: Token,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = RevisionId(
        forms::path_id(&id, "revision")
            .map_err(|_| AppError::NotFound("No such revision.".into()))?,
    );
    let caller = token.reader();
    let page = state
        .db(move |ctx| read::revision_page(ctx, &caller, id))
        .await?;
    let body = serde_json::to_string(&revision(page)).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type(JSON).body(body))
}
