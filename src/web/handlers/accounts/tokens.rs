//! `GET|POST /account/tokens` and `POST /account/tokens/{id}/revoke`: a person's personal
//! API tokens. A new token's secret is shown once, on the answer to the form (never in an
//! address, never stored). Admins revoke anyone's tokens from the account's admin page.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::tokens::Scope;
use crate::filters;
use crate::ids::ApiTokenId;
use crate::services::tokens::{self, Created, TokenInput, TokenView};
use crate::urls;
use crate::web::error::{AppError, Rejected, show_again};
use crate::web::extract::{CsrfForm, SignedIn, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

/// A scope checkbox.
pub struct ScopeChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The expiry choices, in days ("" for never).
const EXPIRY_CHOICES: [(&str, &str); 5] = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("", "Never"),
    ("7", "7 days"),
];

#[derive(Template)]
#[template(path = "accounts/tokens.html")]
struct TokensPage<'a> {
    chrome: Chrome,
    tokens: Vec<TokenView>,
    form: &'a TokenForm,
    scopes: Vec<ScopeChoice>,
    expiry: Vec<(&'static str, &'static str, bool)>,
    created: Option<Created>,
    rejected: Option<Rejected>,
    return_to: String,
}

impl TokensPage<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

/// What the token form holds (kept when it has to be shown again).
#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    expires_in_days: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    user: &SignedIn,
    form: &TokenForm,
    created: Option<Created>,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let list = state.db(move |ctx| tokens::list_own(ctx, &caller)).await?;
    let chrome = match &rejected {
        Some(rejected) => user.chrome("account").with_alerts(rejected.messages()),
        None => user.chrome("account"),
    };
    let expires = form.expires_in_days.as_deref().unwrap_or("90");
    let mut page = render::ok(&TokensPage {
        chrome,
        tokens: list,
        form,
        scopes: Scope::ALL
            .into_iter()
            .map(|s| ScopeChoice {
                value: s.as_str(),
                label: s.label(),
                checked: form.scopes.iter().any(|v| v == s.as_str()),
            })
            .collect(),
        expiry: EXPIRY_CHOICES
            .iter()
            .map(|(value, label)| (*value, *label, *value == expires))
            .collect(),
        created,
        rejected,
        return_to: urls::tokens(),
    });
    // The page may show a secret: never kept by a cache.
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(page)
}

/// `GET /account/tokens`
pub async fn show(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    tokens_page(&state, &user, &TokenForm::default(), None, None).await
}

/// `POST /account/tokens`: makes a token and shows its secret once.
pub async fn create(
    state: web::Data<AppState>,
    user: SignedIn,
    form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.fields;
    let input = TokenInput {
        name: typed.name.clone(),
        scopes: typed.scopes.clone(),
        expires_in_days: typed.expires_in_days.clone().unwrap_or_default(),
    };
    let caller = user.caller();
    let outcome = state
        .db(move |ctx| tokens::create(ctx, &caller, &input))
        .await;
    match outcome {
        Ok(created) => tokens_page(&state, &user, &TokenForm::default(), Some(created), None).await,
        Err(error) => {
            show_again(Rejected::from_error(error)?, |rejected| {
                tokens_page(&state, &user, &typed, None, Some(rejected))
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    /// The box that confirms the revocation.
    confirm: Option<String>,
    /// Where to go afterwards: the tokens page, or the account's admin page.
    return_to: Option<String>,
}

/// `POST /account/tokens/{id}/revoke`
pub async fn revoke(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    form: CsrfForm<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let id = ApiTokenId(forms::path_id(&id, "token")?);
    if form.fields.confirm.as_deref() != Some("yes") {
        return Err(AppError::BadRequest(
            "Tick the box to confirm the revocation: nothing was changed.".into(),
        ));
    }
    let back = match form.fields.return_to.as_deref() {
        Some(path) => forms::local_path(Some(path)),
        None => urls::tokens(),
    };
    let caller = user.caller();
    state
        .db(move |ctx| tokens::revoke(ctx, &caller, id))
        .await?;
    Ok(render::see_other(&Notice::TokenRevoked.after(&back)))
}
