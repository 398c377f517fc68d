//! `GET /`: the newest published articles, or those matching `?q=`, 20 a page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::audience::Audience;
use crate::filters;
use crate::services::public::{self, Card};
use crate::web::error::AppError;
use crate::web::extract::forms;
use crate::web::public_cache::{self, respond};
use crate::web::render::{Chrome, Pager};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 20;
const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "public/home.html")]
struct Home {
    chrome: Chrome,
    cards: Vec<Card>,
    query: String,
    pager: Pager,
    /// When the search matched more articles than are ranked: how many were.
    narrowed: Option<i64>,
    /// The audience the reader chose (`?for=`), carried through the links.
    asked: Option<Audience>,
}

impl Home {
    /// A result's address: the version it matched in, else the one the reader chose.
    fn card_link(&self, card: &Card) -> String {
        crate::urls::public_article_for(&card.slug, "", card.audience.or(self.asked))
    }
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    q: Option<String>,
    page: Option<u32>,
    /// Read by `article::audience_param`.
    #[serde(rename = "for")]
    _audience: Option<String>,
}

/// `GET /`: the newest published articles, or those matching `?q=`.
pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let query: HomeQuery = forms::query(&req)?;
    let asked = super::article::audience_param(&req)?;
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let q = forms::non_empty(query.q).map(|q| q.chars().take(200).collect::<String>());
    let offset = forms::offset(page, PAGE_SIZE);
    let generation = state.public_generation();
    // Pages and search results are cached alike, keyed by what was asked (the byte-bounded
    // cache starts over when unusual queries fill it): a popular search is ranked once per
    // change of content, not once per reader.
    let audience = asked.map_or("", Audience::as_str);
    let key = match &q {
        None => format!("home:{audience}:{page}"),
        Some(q) => format!("search:{audience}:{page}:{q}"),
    };
    let rendered = state
        .public_cache
        .get_or_render(key, generation, || async {
            let search = q.clone();
            let (found, settings) = state
                .db(move |ctx| {
                    let found = public::index(ctx, search.as_deref(), offset, PAGE_SIZE)?;
                    Ok((found, public::settings(ctx)?))
                })
                .await?;
            state.remember_site_name(&settings.site_name);
            let newest = found.cards.iter().filter_map(|c| c.last_reviewed_at).max();
            let text = q.clone().unwrap_or_default();
            let home = Home {
                chrome: Chrome::public(&settings.site_name, "home"),
                pager: Pager::numbered(
                    page,
                    found.more,
                    |p| crate::urls::home_page(&text, p, asked),
                    false,
                )
                .by_time(),
                query: text.clone(),
                cards: found.cards,
                narrowed: found.narrowed,
                asked,
            };
            let body = home.render().map_err(AppError::internal)?;
            Ok::<_, AppError>(public_cache::of_body(StatusCode::OK, HTML, body, newest))
        })
        .await?;
    Ok(respond(&req, &rendered))
}
