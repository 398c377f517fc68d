//! `GET /dashboard`: where a signed-in person starts: their drafts, their revisions in
//! review, what waits for them, articles past their review date, recent publications.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::filters;
use crate::services::read::{self, Dashboard};
use crate::web::error::AppError;
use crate::web::extract::SignedIn;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "workspace/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    name: String,
    roles: String,
    has_roles: bool,
    board: Dashboard,
    /// For "overdue".
    now: chrono::NaiveDateTime,
}

pub async fn show(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let board = state.db(move |ctx| read::dashboard(ctx, &caller)).await?;
    Ok(render::ok(&DashboardPage {
        chrome: user.chrome("dashboard"),
        now: crate::db::now(),
        name: user.user.display_name.clone(),
        roles: user.user.roles.describe(),
        has_roles: !user.user.roles.is_empty(),
        board,
    }))
}
