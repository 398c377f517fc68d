//! `GET|POST /password/forgot`: asking for a password-reset link by email. The answer is the
//! same whether or not the address has an account, and takes the same time: issuing a link
//! and queueing its mail is more work than finding no account, so every answer waits until
//! `ANSWER_AFTER` has passed since the request arrived.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::problems::Problems;
use crate::services::accounts;
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, Visitor, session};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

/// No answer to a reset request leaves before this: far longer than the work either way
/// takes, so its timing says nothing about the address.
pub const ANSWER_AFTER: Duration = Duration::from_millis(200);

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    sent: bool,
}

/// `GET /password/forgot`
pub async fn forgot(visitor: Visitor) -> Result<HttpResponse, AppError> {
    Ok(render::ok(&ForgotPage {
        sent: visitor.notice == Some(Notice::ResetRequested),
        chrome: visitor.chrome("login"),
    }))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /password/forgot`
pub async fn request_reset(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let answer_at = actix_web::rt::time::Instant::now() + ANSWER_AFTER;
    let CsrfForm { fields, session } = form;
    let client = session::client_addr(&req, &state);
    let email = fields.email;
    let outcome = if email.trim().is_empty() {
        Err(Problems::one("email", "Enter the email address of your account.").into())
    } else {
        state
            .db(move |ctx| accounts::request_reset(ctx, &email, &client))
            .await
    };
    actix_web::rt::time::sleep_until(answer_at).await;
    answer_form(
        outcome,
        |()| render::see_other(&Notice::ResetRequested.after(&urls::forgot_password())),
        |rejected: Rejected| async move {
            let site = session::site_name(&req).await?;
            Ok(render::ok(&ForgotPage {
                chrome: Chrome::new(&site, &session, "login").with_alerts(rejected.messages()),
                sent: false,
            }))
        },
    )
    .await
}
