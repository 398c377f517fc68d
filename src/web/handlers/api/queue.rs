//! `GET /api/v1/review-queue`: the revisions waiting for the token's reviewer, one list at a
//! time, oldest submission first, in keyset pages. Needs a token whose account is a
//! reviewer, with the `read` or `review` scope.

// What `params(QueueParams)` of `utoipa::path` expands to names the type with a path.
#![allow(unused_qualifications)]

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{JSON, utc};
use crate::db::revisions::{Cursor, QueueShow};
use crate::domain::problems::Problems;
use crate::services::read::{self, QueueItem};
use crate::urls;
use crate::web::error::{AppError, Problem};
use crate::web::extract::bearer::Token;
use crate::web::extract::forms;
use crate::web::state::AppState;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 100;

/// A page of one list of the review queue.
#[derive(Serialize, ToSchema)]
pub struct ReviewQueue {
    pub items: Vec<QueuedRevision>,
    /// The address of the next page, or null on the last page.
    pub next: Option<String>,
}

/// A revision waiting for review.
#[derive(Serialize, ToSchema)]
pub struct QueuedRevision {
    pub revision_id: i64,
    pub article_id: i64,
    /// Its number among the article's submitted revisions.
    pub number: Option<i32>,
    pub title: String,
    pub author: String,
    pub waiting_since: Option<DateTime<Utc>>,
    pub approvals: i64,
    pub approvals_required: i32,
    pub assigned_to_me: bool,
    /// You asked for changes on an earlier revision (or were assigned to it): this is the
    /// answer.
    pub re_requested: bool,
    /// Its page in the workspace.
    pub url: String,
}

/// Which list of the queue.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum QueueList {
    /// Revisions you are asked to look at again.
    ReRequested,
    /// Revisions assigned to you.
    Assigned,
    /// Everything else waiting.
    #[default]
    Unassigned,
}

/// The query of `GET /api/v1/review-queue`.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Which list (default `unassigned`).
    #[param(value_type = Option<QueueList>)]
    list: Option<String>,
    /// Revisions per page: 1 to 100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// Where the page starts: copy it from the `next` address of the previous page.
    #[param(pattern = r"^[0-9]{1,18}\.[0-9]{1,18}$")]
    cursor: Option<String>,
}

fn show_of(list: &str) -> Option<QueueShow> {
    match list {
        "re_requested" => Some(QueueShow::ReRequested),
        "assigned" => Some(QueueShow::Assigned),
        "unassigned" => Some(QueueShow::Unassigned),
        _ => None,
    }
}

fn item(item: QueueItem) -> QueuedRevision {
    QueuedRevision {
        revision_id: item.revision.id.0,
        article_id: item.revision.article_id.0,
        number: item.revision.number,
        url: urls::revision(item.revision.id),
        title: item.revision.title,
        author: item.author.display_name,
        waiting_since: item.waiting_since.map(utc),
        approvals: item.approvals,
        approvals_required: item.required,
        assigned_to_me: item.assigned_to_me,
        re_requested: item.re_requested,
    }
}

/// The revisions waiting for you to review, one list at a time, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/review-queue",
    operation_id = "getReviewQueue",
    tag = "review",
    params(QueueParams),
    security(("token" = [])),
    responses(
        (status = 200, description = "A page of the list.", body = ReviewQueue),
        (status = 400, description = "A parameter is not valid; `errors` names it.",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.",
            body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account is not a reviewer, or the token has neither the `read` nor the `review` scope.",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: Token,
) -> Result<HttpResponse, AppError> {
    let params: QueueParams = forms::query(&req)?;
    let mut problems = Problems::new();
    let list = params.list.as_deref().unwrap_or("unassigned");
    let show = show_of(list).unwrap_or_else(|| {
        problems.push(
            "list",
            format!("There is no list called '{list}': use re_requested, assigned or unassigned."),
        );
        QueueShow::Unassigned
    });
    let limit = super::page_limit(
        params.limit.as_deref(),
        DEFAULT_LIMIT,
        MAX_LIMIT,
        &mut problems,
    );
    let after = match params.cursor.as_deref() {
        None => None,
        Some(text) => {
            let cursor = super::digits_cursor(text)
                .then(|| Cursor::decode(text))
                .flatten();
            if cursor.is_none() {
                problems.push(
                    "cursor",
                    "This cursor is not one this list gave: follow the `next` address of the previous page.",
                );
            }
            cursor
        }
    };
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let caller = token.reader();
    let page = state
        .db(move |ctx| read::queue(ctx, &caller, show, read::Scope::All, after, limit))
        .await?;
    let body = ReviewQueue {
        next: page.next.map(|cursor| {
            urls::with_query(
                "/api/v1/review-queue",
                &[
                    ("list", list),
                    ("limit", &limit.to_string()),
                    ("cursor", &cursor.encode()),
                ],
            )
        }),
        items: page.items.into_iter().map(item).collect(),
    };
    let body = serde_json::to_string(&body).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type(JSON).body(body))
}
