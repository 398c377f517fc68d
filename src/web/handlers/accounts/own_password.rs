//! `GET|POST /account/password`: a signed-in person changes their own password. The current
//! password is required; the change signs out every other session of the account.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::accounts::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::services::accounts::{self, PasswordChange};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, SignedIn};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage<'a> {
    chrome: Chrome,
    min_chars: usize,
    max_chars: usize,
    rejected: Option<&'a Rejected>,
}

impl PasswordPage<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.is_some_and(|r| r.concerns(field))
    }
}

fn page(chrome: Chrome, rejected: Option<&Rejected>) -> PasswordPage<'_> {
    PasswordPage {
        chrome,
        min_chars: PASSWORD_MIN_CHARS,
        max_chars: PASSWORD_MAX_CHARS,
        rejected,
    }
}

/// `GET /account/password`
pub async fn show(user: SignedIn) -> Result<HttpResponse, AppError> {
    Ok(render::ok(&page(user.chrome("account"), None)))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// `POST /account/password`
pub async fn change(
    state: web::Data<AppState>,
    user: SignedIn,
    form: CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let change = PasswordChange {
        current: form.fields.current_password.clone(),
        new: form.fields.password.clone(),
        confirm: form.fields.password_confirm.clone(),
    };
    let caller = user.caller();
    let keep = user.session.id_hash.clone();
    let client_addr = user.client_addr.clone();
    let outcome = state
        .with_env(move |env| accounts::change_password(env, &caller, &keep, &change, &client_addr))
        .await;
    answer_form(
        outcome,
        |_| render::see_other(&Notice::PasswordChanged.after(&urls::account_password())),
        // The form again (passwords are never sent back) with what to fix.
        |rejected| async move {
            let chrome = user.chrome("account").with_alerts(rejected.messages());
            Ok(render::ok(&page(chrome, Some(&rejected))))
        },
    )
    .await
}
