//! `GET /board`: the medical advisory board: each listed reviewer with their credentials,
//! specialties, standing disclosure and how many articles they reviewed. Served from the
//! public cache like every public page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::filters;
use crate::services::board::{self, BoardMember};
use crate::services::public;
use crate::web::error::AppError;
use crate::web::public_cache::{CachedPage, respond};
use crate::web::render::Chrome;
use crate::web::state::AppState;

const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "public/board.html")]
struct BoardPage {
    chrome: Chrome,
    members: Vec<BoardMember>,
}

/// `GET /board`
pub async fn board(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let generation = state.public_generation();
    let page = state
        .public_cache
        .get_or_render("board".into(), generation, || async {
            let (settings, members) = state
                .db(|ctx| Ok((public::settings(ctx)?, board::board(ctx)?)))
                .await?;
            state.remember_site_name(&settings.site_name);
            let identity = format!(
                "board {} {:?}",
                settings.version,
                members
                    .iter()
                    .map(|m| (
                        m.entry.id.0,
                        &m.entry.disclosure,
                        &m.specialties,
                        m.articles_reviewed
                    ))
                    .collect::<Vec<_>>()
            );
            let body = BoardPage {
                chrome: Chrome::public(&settings.site_name, "board"),
                members,
            }
            .render()
            .map_err(AppError::internal)?;
            Ok::<_, AppError>(CachedPage::new(StatusCode::OK, HTML, body, &identity, None))
        })
        .await?;
    Ok(respond(&req, &page))
}
