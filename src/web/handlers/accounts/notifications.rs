//! `GET|POST /account/notifications`: a person's own choice of comment and review-date mail.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::services::accounts;
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::{CsrfForm, SignedIn};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "accounts/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    comments: bool,
    review_due: bool,
}

/// `GET /account/notifications`
pub async fn show(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let account = state.db(move |ctx| accounts::own(ctx, &caller)).await?;
    Ok(render::ok(&NotificationsPage {
        chrome: user.chrome("account"),
        comments: account.user.notify_comments,
        review_due: account.user.notify_review_due,
    }))
}

#[derive(Deserialize)]
pub struct NotificationsForm {
    comments: Option<String>,
    review_due: Option<String>,
}

/// `POST /account/notifications`
pub async fn save(
    state: web::Data<AppState>,
    user: SignedIn,
    form: CsrfForm<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let comments = form.fields.comments.as_deref() == Some("on");
    let review_due = form.fields.review_due.as_deref() == Some("on");
    let caller = user.caller();
    state
        .db(move |ctx| accounts::set_notifications(ctx, &caller, comments, review_due))
        .await?;
    Ok(render::see_other(
        &Notice::NotificationsSaved.after(&urls::notification_settings()),
    ))
}
