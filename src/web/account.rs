//! A person's own account: notification choices (`/account/notifications`) and asking for a
//! password reset by email (`/password/forgot`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::pages::{self, Chrome};
use super::session::{self, SignedIn};
use crate::services::accounts;

#[derive(Template)]
#[template(path = "accounts/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    comments: bool,
    review_due: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /account/notifications`
pub async fn notifications(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: DoneQuery = forms::query(&req)?;
    let caller = user.caller();
    let account = state.db(move |ctx| accounts::own(ctx, &caller)).await?;
    Ok(pages::ok(&NotificationsPage {
        chrome: user.chrome("account"),
        comments: account.user.notify_comments,
        review_due: account.user.notify_review_due,
        notice: (query.done.as_deref() == Some("saved")).then_some("Saved."),
    }))
}

#[derive(Deserialize)]
pub struct NotificationsForm {
    comments: Option<String>,
    review_due: Option<String>,
}

/// `POST /account/notifications`
pub async fn save_notifications(
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
    Ok(pages::see_other("/account/notifications?done=saved"))
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    sent: bool,
}

/// `GET /password/forgot`
pub async fn forgot(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let query: DoneQuery = forms::query(&req)?;
    let session = session::ensure(&req).await?;
    let site = session::site_name(&req).await?;
    Ok(pages::ok(&ForgotPage {
        chrome: Chrome::new(&site, &session, "login"),
        sent: query.done.as_deref() == Some("sent"),
    }))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /password/forgot`: the same answer whether or not the address has an account.
pub async fn request_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let client = session::client_addr(&req, &state);
    let email = form.fields.email;
    if email.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Enter the email address of your account.".into(),
        ));
    }
    state
        .db(move |ctx| accounts::request_reset(ctx, &email, &client))
        .await?;
    Ok(pages::see_other("/password/forgot?done=sent"))
}
