//! `GET|POST /login` and `POST /logout`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::pages::{self, Chrome};
use super::session::{self, SignedIn};
use crate::services::auth::{self, Credentials, Outcome};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    email: &'a str,
    next: &'a str,
    notice: Option<&'static str>,
    error: Option<&'a str>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "password-set" => Some("Your password is set. Sign in with it now."),
        "signed-out" => Some("You are signed out."),
        _ => None,
    }
}

/// `GET /login`
pub async fn form(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let query: LoginQuery = forms::query(&req)?;
    let next = forms::local_path(query.next.as_deref());
    let session = session::ensure(&req).await?;
    if session.user.is_some() {
        return Ok(pages::see_other(next));
    }
    let site = session::site_name(&req).await?;
    Ok(pages::ok(&LoginPage {
        chrome: Chrome::new(&site, &session, "login"),
        email: "",
        next,
        notice: notice(query.done.as_deref()),
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let CsrfForm { fields, session } = form;
    let site = session::site_name(&req).await?;
    let next = forms::local_path(fields.next.as_deref()).to_owned();
    let attempt = Credentials {
        email: fields.email.clone(),
        password: fields.password,
        client_addr: session::client_addr(&req, &state),
        previous_session: session::cookie_value(&req, &state),
    };
    let refused = |status: StatusCode, message: &str| {
        pages::html(
            status,
            &LoginPage {
                chrome: Chrome::new(&site, &session, "login"),
                email: &fields.email,
                next: &next,
                notice: None,
                error: Some(message),
            },
        )
    };
    match state
        .with_env(move |env| auth::sign_in(env, &attempt))
        .await
        .map_err(AppError::from)
    {
        Ok(Outcome::SignedIn { cookie_value, .. }) => {
            let mut response = pages::see_other(&next);
            response.add_cookie(&session::session_cookie(&state, cookie_value))?;
            Ok(response)
        }
        Ok(Outcome::Refused) => Ok(refused(
            StatusCode::UNAUTHORIZED,
            "That email address and password do not match an active account.",
        )),
        Err(AppError::TooManyRequests {
            message,
            retry_after,
        }) => {
            let mut response = refused(StatusCode::TOO_MANY_REQUESTS, &message);
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(retry_after),
            );
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /logout`
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie_value) = session::cookie_value(&req, &state) {
        let actor = user.actor();
        state
            .db(move |ctx| auth::sign_out(ctx, &cookie_value, &actor))
            .await?;
    }
    let mut response = pages::see_other("/login?done=signed-out");
    response.add_cookie(&session::removal_cookie(&state))?;
    Ok(response)
}
