//! `GET|POST /account/board`: a reviewer's own entry on the public board: their standing
//! disclosure of interests (required; "None" is an answer) and whether they are listed.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::disclosures::DISCLOSURE_MAX;
use crate::filters;
use crate::services::board::{self, OwnEntry};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, SignedIn};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "accounts/board.html")]
struct BoardEntryPage {
    chrome: Chrome,
    entry: OwnEntry,
    disclosure_max: usize,
    own_id: crate::ids::UserId,
    rejected: Option<Rejected>,
}

impl BoardEntryPage {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    typed: Option<(String, bool)>,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let mut entry = state.db(move |ctx| board::own_entry(ctx, &caller)).await?;
    if let Some((disclosure, listed)) = typed {
        entry.disclosure = disclosure;
        entry.listed = listed;
    }
    let chrome = match &rejected {
        Some(rejected) => user.chrome("account").with_alerts(rejected.messages()),
        None => user.chrome("account"),
    };
    Ok(render::ok(&BoardEntryPage {
        chrome,
        entry,
        disclosure_max: DISCLOSURE_MAX,
        own_id: user.user.id,
        rejected,
    }))
}

/// `GET /account/board`
pub async fn show(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    page(&state, &user, None, None).await
}

#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    disclosure: String,
    listed: Option<String>,
}

/// `POST /account/board`
pub async fn save(
    state: web::Data<AppState>,
    user: SignedIn,
    form: CsrfForm<EntryForm>,
) -> Result<HttpResponse, AppError> {
    let disclosure = form.fields.disclosure;
    let listed = form.fields.listed.is_some();
    let caller = user.caller();
    let typed = disclosure.clone();
    let outcome = state
        .db(move |ctx| board::save_own_entry(ctx, &caller, &typed, listed))
        .await;
    answer_form(
        outcome,
        |_| render::see_other(&Notice::BoardEntrySaved.after(&urls::account_board())),
        |rejected| {
            page(
                &state,
                &user,
                Some((disclosure.clone(), listed)),
                Some(rejected),
            )
        },
    )
    .await
}
