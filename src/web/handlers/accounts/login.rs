//! `GET|POST /login` and `POST /logout`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::services::auth::{self, Credentials, Outcome};
use crate::urls;
use crate::web::error::{AppError, Rejected, show_again};
use crate::web::extract::session;
use crate::web::extract::{CsrfForm, SignedIn, Visitor, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    email: &'a str,
    next: &'a str,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`
pub async fn form(req: HttpRequest, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let query: LoginQuery = forms::query(&req)?;
    let next = forms::local_path(query.next.as_deref());
    if visitor.session.user.is_some() {
        return Ok(render::see_other(&next));
    }
    Ok(render::ok(&LoginPage {
        chrome: visitor.chrome("login"),
        email: "",
        next: &next,
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
    let next = forms::local_path(fields.next.as_deref());
    let attempt = Credentials {
        email: fields.email.clone(),
        password: fields.password,
        client_addr: session::client_addr(&req, &state),
        previous_session: session::cookie_value(&req, &state),
        device_cookie: req
            .cookie(session::device_cookie_name(&state))
            .map(|c| c.value().to_owned()),
    };
    let again = |alerts: Vec<String>| LoginPage {
        chrome: Chrome::new(&site, &session, "login").with_alerts(alerts),
        email: &fields.email,
        next: &next,
    };
    let outcome = state
        .with_env(move |env| auth::sign_in(env, &attempt))
        .await;
    match outcome {
        Ok(Outcome::SignedIn {
            cookie_value,
            device_cookie,
            ..
        }) => {
            let mut response = render::see_other(&next);
            response.add_cookie(&session::session_cookie(&state, cookie_value))?;
            response.add_cookie(&session::device_cookie(&state, device_cookie))?;
            response.add_cookie(&session::visitor_removal_cookie(&state))?;
            Ok(response)
        }
        Ok(Outcome::Refused) => Ok(render::html(
            StatusCode::UNAUTHORIZED,
            &again(vec![
                "That email address and password do not match an active account.".into(),
            ]),
        )),
        // Throttled: the form again, with when to try next.
        Err(error) => {
            show_again(Rejected::from_error(error)?, |rejected| async move {
                Ok(render::ok(&again(rejected.messages())))
            })
            .await
        }
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
    let mut response = render::see_other(&Notice::SignedOut.after(&urls::login()));
    response.add_cookie(&session::removal_cookie(&state))?;
    Ok(response)
}
