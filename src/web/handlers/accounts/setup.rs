//! `GET|POST /setup/{token}`: set a password from a one-time link (the first admin, an
//! invitation or a reset).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::domain::accounts::{LinkPurpose, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::filters;
use crate::services::accounts::{self, LinkView, SetPasswordInput};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, Visitor, session};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage<'a> {
    chrome: Chrome,
    /// True for the first-admin form, which also asks for email and name.
    first_admin: bool,
    heading: &'static str,
    /// The account's email (set-password forms) or what was typed (first admin).
    email: &'a str,
    display_name: &'a str,
    credentials: &'a str,
    expires_at: NaiveDateTime,
    min_chars: usize,
    max_chars: usize,
    /// The fields the person must fix.
    rejected: Option<&'a Rejected>,
}

impl SetupPage<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.is_some_and(|r| r.concerns(field))
    }
}

fn heading(view: &LinkView) -> &'static str {
    match view {
        LinkView::FirstAdmin { .. } => "Create the first admin account",
        LinkView::SetPassword {
            purpose: LinkPurpose::Reset,
            ..
        } => "Choose a new password",
        LinkView::SetPassword { .. } => "Welcome: choose your password",
    }
}

fn page<'a>(
    chrome: Chrome,
    view: &'a LinkView,
    typed: Option<&'a SetupForm>,
    rejected: Option<&'a Rejected>,
) -> SetupPage<'a> {
    let (first_admin, email, display_name, expires_at) = match view {
        LinkView::FirstAdmin { expires_at } => (
            true,
            typed.map_or("", |t| t.email.as_str()),
            typed.map_or("", |t| t.name.as_str()),
            *expires_at,
        ),
        LinkView::SetPassword {
            email,
            display_name,
            expires_at,
            ..
        } => (false, email.as_str(), display_name.as_str(), *expires_at),
    };
    SetupPage {
        chrome,
        first_admin,
        heading: heading(view),
        email,
        display_name,
        credentials: typed.map_or("", |t| t.credentials.as_str()),
        expires_at,
        min_chars: PASSWORD_MIN_CHARS,
        max_chars: PASSWORD_MAX_CHARS,
        rejected,
    }
}

/// `GET /setup/{token}`
pub async fn form(
    state: web::Data<AppState>,
    token: web::Path<String>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let view = state
        .db(move |ctx| accounts::open_link(ctx, &token))
        .await?;
    Ok(render::ok(&page(
        visitor.chrome("setup"),
        &view,
        None,
        None,
    )))
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credentials: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// `POST /setup/{token}`
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let CsrfForm {
        fields: typed,
        session,
    } = form;
    let token = token.into_inner();
    let input = SetPasswordInput {
        email: typed.email.clone(),
        display_name: typed.name.clone(),
        credentials: typed.credentials.clone(),
        password: typed.password.clone(),
        password_confirm: typed.password_confirm.clone(),
    };
    let client_addr = session::client_addr(&req, &state);
    let redeem_token = token.clone();
    let outcome = state
        .with_env(move |env| {
            accounts::redeem_link_and_sign_in(env, &redeem_token, &input, &client_addr)
        })
        .await;
    let cookie_state = state.clone();
    answer_form(
        outcome,
        // Signed in at once: the new session's cookie replaces the visitor's.
        move |redeemed| {
            let mut response = render::see_other(&Notice::PasswordSet.after(&urls::dashboard()));
            let cookies = [
                session::session_cookie(&cookie_state, redeemed.cookie_value),
                session::visitor_removal_cookie(&cookie_state),
            ];
            for cookie in &cookies {
                if let Err(error) = response.add_cookie(cookie) {
                    return actix_web::ResponseError::error_response(&AppError::internal(error));
                }
            }
            response
        },
        // The form again with what was typed (never the passwords) and what to fix.
        |rejected| async move {
            let site = session::site_name(&req).await?;
            let view = state
                .db(move |ctx| accounts::open_link(ctx, &token))
                .await?;
            let chrome = Chrome::new(&site, &session, "setup").with_alerts(rejected.messages());
            Ok(render::ok(&page(
                chrome,
                &view,
                Some(&typed),
                Some(&rejected),
            )))
        },
    )
    .await
}
