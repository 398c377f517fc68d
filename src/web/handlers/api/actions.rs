//! `POST /api/v1/revisions/{id}/{action}`: submit, withdraw, claim, comment, approve,
//! request changes, reject or assign, through the same use case as the revision page's
//! buttons (the same permissions, quorum, separation of duties, audit rows and emails),
//! with compare-and-set on the version the program read (`expected_version`).

// What `params(...)` of `utoipa::path` expands to names the type with a path.
#![allow(unused_qualifications)]

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{Answer, Idempotent, JsonBody};
use super::revisions::{WorkspaceRevision, revision};
use crate::domain::disclosures::Declaration;
use crate::domain::problems::Problems;
use crate::domain::workflow::Action;
use crate::ids::{CommentId, RevisionId, UserId};
use crate::services::ServiceError;
use crate::services::read;
use crate::services::reviewing::{self, ActionInput, COMMENT_MAX};
use crate::web::error::{AppError, Problem};
use crate::web::extract::bearer::Token;
use crate::web::extract::forms;
use crate::web::state::AppState;

/// What an action takes besides its name.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionIn {
    /// The revision's `version` as last read: the action is done only if nobody acted on
    /// the revision since (else 409, and nothing is done). Leave it out to act on whatever
    /// the revision is now.
    #[serde(default, deserialize_with = "super::body::whole")]
    pub expected_version: Option<i64>,
    /// Required for comment, request-changes and reject (the author reads it); optional
    /// with approve.
    #[serde(default)]
    #[schema(
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub comment: String,
    /// For comment: the comment this one answers (a reply in its thread).
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "super::body::whole")]
    pub reply_to: Option<i64>,
    /// For assign: the reviewer's account id.
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "super::body::whole")]
    pub reviewer_id: Option<i64>,
    /// For a new comment thread: the paragraph or reference it is about (`block:<key>` or
    /// `reference:<key>`, as the revision page links them).
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub anchor: Option<String>,
    /// Required with approve: `none` (no conflict of interest with this article) or
    /// `conflict` (described in `conflict`). Recorded with the approval and shown on the
    /// public page; the policy decides whether an approval with a conflict counts.
    #[schema(pattern = "^(none|conflict)$", example = "none")]
    pub declaration: Option<String>,
    /// With approve: the ids of the checklist items attested; every item in force is
    /// required (the revision's `checklist` lists them).
    #[serde(default)]
    pub checklist: Vec<i64>,
    /// With request-changes: the ids of the checklist items that fail (optional).
    #[serde(default)]
    pub failing: Vec<i64>,
    /// With assign: when the review is due (`YYYY-MM-DD`, the end of that day UTC); by
    /// default the site's days for an assigned review from now.
    #[schema(format = Date, example = "2026-12-14")]
    pub due: Option<String>,
    /// With `declaration: conflict`: the conflict, as readers will see it.
    #[schema(
        max_length = 2000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub conflict: Option<String>,
}

/// Acts on a revision as the token's account, and answers the revision as it is now.
#[utoipa::path(
    post,
    path = "/api/v1/revisions/{id}/{action}",
    operation_id = "actOnRevision",
    tag = "workspace",
    params(
        ("id" = i64, Path, description = "The revision's id.", minimum = 1),
        ("action" = String, Path, description = "What to do.",
            example = "approve",
            pattern = "^(submit|withdraw|claim|comment|approve|request-changes|reject|assign)$"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a request repeated with the same key gets the first answer again and does nothing twice (keys are kept a day, per token).", max_length = 255, pattern = r"^[!-~]+$"),
    ),
    request_body(content = ActionIn, content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 200, description = "Done: the revision as it is now.", body = WorkspaceRevision),
        (status = 400, description = "The body is not JSON, or the Idempotency-Key is malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account may not do this (its role, the token's scopes, or separation of duties: nobody approves their own revision).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such revision or action, or a revision the account may not see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not now: the revision's state does not allow it, or it changed since `expected_version`. Nothing was done.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 2 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/json`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The input is refused (a comment missing or too long, say): `errors` names each field.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: Token,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (raw_id, raw_action) = path.into_inner();
    let id = RevisionId(
        forms::path_id(&raw_id, "revision")
            .map_err(|_| AppError::NotFound("No such revision.".into()))?,
    );
    let action = Action::from_route(&raw_action).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no action called '{raw_action}': submit, withdraw, claim, comment, approve, request-changes, reject or assign."
        ))
    })?;
    let body = JsonBody::<ActionIn>::read(&req, payload).await?;
    let once = Idempotent::of(&req, &token, &body)?;
    let fields = body.value;
    let mut problems = Problems::new();
    if fields.comment.chars().count() > COMMENT_MAX {
        problems.push(
            "comment",
            format!("The comment is too long (at most {COMMENT_MAX} characters as sent)."),
        );
    }
    for (field, value) in [
        ("reply_to", fields.reply_to),
        ("reviewer_id", fields.reviewer_id),
    ] {
        if value.is_some_and(|v| v < 1) {
            problems.push(field, "An id is a whole number from 1.");
        }
    }
    if fields
        .anchor
        .as_ref()
        .is_some_and(|a| a.chars().count() > 100)
    {
        problems.push("anchor", "An anchor has at most 100 characters.");
    }
    let declaration = match Declaration::parse(
        fields.declaration.as_deref().unwrap_or_default(),
        fields.conflict.as_deref().unwrap_or_default(),
    ) {
        Ok(declaration) => declaration,
        Err(refused) => {
            problems.extend(refused);
            None
        }
    };
    let due = match fields
        .due
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(raw) => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                problems.push("due", "A due date is written YYYY-MM-DD.");
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(AppError::Unprocessable(problems));
    }
    let input = ActionInput {
        text: fields.comment,
        reply_to: fields.reply_to.map(CommentId),
        reviewer: fields.reviewer_id.map(UserId),
        anchor: fields.anchor.filter(|a| !a.trim().is_empty()),
        expected_version: fields.expected_version,
        declaration,
        checklist: fields.checklist.into_iter().collect(),
        failing: fields.failing.into_iter().collect(),
        due,
    };
    let caller = token.actor();
    let reader = token.reader();
    once.run(&state, move |ctx| {
        reviewing::act(ctx, &caller, id, action, &input).map_err(|error| match error {
            ServiceError::Invalid(problems) => AppError::Unprocessable(problems),
            other => other.into(),
        })?;
        // The answer shows the revision to the account as it reads (a review token may
        // read what it cannot change).
        let page = read::revision_page(ctx, &reader, id)?;
        Answer::json(StatusCode::OK, &revision(page))
    })
    .await
}
