//! `POST /manage/comments/{id}/resolve` and `POST /manage/comments/{id}/reopen`: closing a
//! thread of the review conversation once its point is answered, or opening it again.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::ids::CommentId;
use crate::services::conversation;
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::{CsrfForm, SignedIn, forms};
use crate::web::notice::Notice;
use crate::web::render;
use crate::web::state::AppState;

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct ThreadForm {}

async fn set(
    state: &AppState,
    user: &SignedIn,
    raw_id: &str,
    resolved: bool,
) -> Result<HttpResponse, AppError> {
    let id = CommentId(forms::path_id(raw_id, "comment")?);
    let caller = user.caller();
    let revision = state
        .db(move |ctx| conversation::resolve(ctx, &caller, id, resolved))
        .await?;
    let notice = if resolved {
        Notice::ThreadResolved
    } else {
        Notice::ThreadReopened
    };
    let back = format!("{}#comment-{id}", notice.after(&urls::revision(revision)));
    Ok(render::see_other(&back))
}

/// `POST /manage/comments/{id}/resolve`
pub async fn resolve(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    _form: CsrfForm<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    set(&state, &user, &id, true).await
}

/// `POST /manage/comments/{id}/reopen`
pub async fn reopen(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    _form: CsrfForm<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    set(&state, &user, &id, false).await
}
