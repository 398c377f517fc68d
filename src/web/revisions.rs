//! `GET /manage/revisions/{id}` and `POST /manage/revisions/{id}/{action}`: one revision,
//! its references, reviews and discussion, and the actions this person may take on it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::manage_articles::parse_id;
use super::pages::{self, Chrome};
use super::session::SignedIn;
use crate::domain::workflow::Action;
use crate::ids::{CommentId, RevisionId, UserId};
use crate::services::reviewing::{self, ActionInput};
use crate::services::views::{self, RevisionPage};

#[derive(Template)]
#[template(path = "workspace/revision.html")]
struct RevisionView {
    chrome: Chrome,
    page: RevisionPage,
    notice: Option<&'static str>,
    error: Option<String>,
    /// What was typed into a form that failed, and for which action, so it is not lost.
    typed: Option<(Action, String)>,
}

impl RevisionView {
    /// Whether the workflow lets this person do `action` now.
    fn can(&self, action: Action) -> bool {
        self.page.actions.contains(&action)
    }

    /// The text typed into `action`'s form before it failed, to show again.
    fn typed_for(&self, action: Action) -> &str {
        match &self.typed {
            Some((failed, text)) if *failed == action => text,
            _ => "",
        }
    }

    /// Whether `action`'s form is the one that just failed.
    fn failed(&self, action: Action) -> bool {
        self.typed
            .as_ref()
            .is_some_and(|(failed, _)| *failed == action)
    }

    /// Whether the caller's approval would be the last one needed.
    fn approving_publishes(&self) -> bool {
        self.page.approvals.one_more_publishes()
    }

    fn is_published(&self) -> bool {
        self.page.article.published_revision_id == Some(self.page.revision.id)
    }
}

#[derive(Deserialize, Default)]
pub struct RevisionQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "saved" => "Draft saved. Only you can see it until you submit it.",
        "submitted" => "Submitted for review. Reviewers can now see it in their queue.",
        "withdraw" => "Withdrawn.",
        "claim" => "Claimed: it is marked as under review by you.",
        "comment" => "Comment added.",
        "approve" => "Approval recorded.",
        "request-changes" => "Changes requested. The author sees your comment.",
        "reject" => "Rejected. The author sees your reason.",
        "assign" => "Reviewer assigned.",
        "submit" => "Submitted for review. Reviewers can now see it in their queue.",
        _ => return None,
    })
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    id: RevisionId,
    notice: Option<&'static str>,
    failure: Option<(StatusCode, String, String, Action)>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let page = state
        .db(move |ctx| views::revision_page(ctx, &caller, id))
        .await?;
    let status = failure.as_ref().map_or(StatusCode::OK, |f| f.0);
    let (error, typed) = match failure {
        Some((_, message, typed, action)) => (Some(message), Some((action, typed))),
        None => (None, None),
    };
    Ok(pages::html(
        status,
        &RevisionView {
            chrome: user.chrome("articles"),
            page,
            notice,
            error,
            typed,
        },
    ))
}

/// `GET /manage/revisions/{id}`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = RevisionId(parse_id(&id, "revision")?);
    let query: RevisionQuery = forms::query(&req)?;
    render(&state, &user, id, notice(query.done.as_deref()), None).await
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    reviewer_id: String,
    confirm: Option<String>,
}

/// `POST /manage/revisions/{id}/{action}`
pub async fn act(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(String, String)>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let (raw_id, raw_action) = path.into_inner();
    let id = RevisionId(parse_id(&raw_id, "revision")?);
    let action = Action::from_route(&raw_action)
        .ok_or_else(|| AppError::NotFound(format!("There is no action called '{raw_action}'.")))?;
    let fields = form.fields;
    // Withdrawing and rejecting cannot be undone: the form asks for a ticked box.
    if action.needs_confirmation() && fields.confirm.as_deref() != Some("yes") {
        let message = "Tick the box to confirm. Nothing was changed.".to_owned();
        return render(
            &state,
            &user,
            id,
            None,
            Some((StatusCode::BAD_REQUEST, message, fields.comment, action)),
        )
        .await;
    }
    let input = ActionInput {
        text: fields.comment.clone(),
        reply_to: forms::optional_number(&fields.reply_to, "reply_to")?.map(CommentId),
        reviewer: forms::optional_number(&fields.reviewer_id, "reviewer_id")?.map(UserId),
    };
    let caller = user.caller();
    match state
        .db(move |ctx| reviewing::act(ctx, &caller, id, action, &input))
        .await
    {
        Ok(_) => Ok(pages::see_other(&format!(
            "/manage/revisions/{id}?done={}",
            action.as_str()
        ))),
        // Show the page again with the message and what was typed.
        Err(AppError::BadRequest(message)) => {
            render(
                &state,
                &user,
                id,
                None,
                Some((StatusCode::BAD_REQUEST, message, fields.comment, action)),
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            render(
                &state,
                &user,
                id,
                None,
                Some((StatusCode::CONFLICT, message, fields.comment, action)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
