//! `GET /feed.atom`, `GET /sitemap.xml` and `GET /robots.txt`: live articles only, for feed
//! readers and search engines.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::filters;
use crate::services::public::{self, Card, RetractedEntry};
use crate::web::error::AppError;
use crate::web::extract::forms;
use crate::web::public_cache::{self, CachedPage, respond};
use crate::web::state::AppState;

/// Entries in the feed.
const FEED_ENTRIES: i64 = 50;
/// The newest retractions the feed announces, besides its articles.
const FEED_RETRACTIONS: i64 = 20;
/// URLs per sitemap file (the protocol allows 50,000; smaller files render in bounded memory).
const SITEMAP_URLS: i64 = 10_000;

#[derive(Template)]
#[template(path = "public/feed.xml")]
struct Feed<'a> {
    site_name: &'a str,
    base: &'a str,
    updated: String,
    cards: &'a [Card],
    retractions: &'a [RetractedEntry],
}

fn rfc3339(at: Option<NaiveDateTime>) -> String {
    at.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

impl Feed<'_> {
    fn time(&self, at: &Option<NaiveDateTime>) -> String {
        rfc3339(*at)
    }

    fn when(&self, at: &NaiveDateTime) -> String {
        rfc3339(Some(*at))
    }
}

/// `GET /feed.atom`
pub async fn feed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let generation = state.public_generation();
    let page = state
        .public_cache
        .get_or_render("feed".into(), generation, || async {
            let (cards, retractions, settings) = state
                .db(|ctx| {
                    Ok((
                        public::latest(ctx, FEED_ENTRIES)?,
                        public::recent_retractions(ctx, FEED_RETRACTIONS)?,
                        public::settings(ctx)?,
                    ))
                })
                .await?;
            let newest = cards
                .iter()
                .filter_map(|c| c.last_reviewed_at)
                .chain(retractions.iter().map(|r| r.retraction.at))
                .max();
            let body = Feed {
                site_name: &settings.site_name,
                base: &state.config.public_url,
                updated: rfc3339(newest),
                cards: &cards,
                retractions: &retractions,
            }
            .render()
            .map_err(AppError::internal)?;
            Ok::<_, AppError>(public_cache::of_body(
                StatusCode::OK,
                "application/atom+xml; charset=utf-8",
                body,
                newest,
            ))
        })
        .await?;
    Ok(respond(&req, &page))
}

#[derive(Template)]
#[template(path = "public/sitemap.xml")]
struct Sitemap<'a> {
    base: &'a str,
    urls: &'a [(String, Option<NaiveDateTime>)],
    with_static: bool,
}

#[derive(Template)]
#[template(path = "public/sitemap_index.xml")]
struct SitemapIndex<'a> {
    base: &'a str,
    pages: Vec<i64>,
}

#[derive(Deserialize, Default)]
pub struct SitemapQuery {
    page: Option<i64>,
}

/// `GET /sitemap.xml` (and `?page=N` when there are more articles than one file holds).
pub async fn sitemap(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let query: SitemapQuery = forms::query(&req)?;
    let page = query.page.unwrap_or(0);
    if page < 0 {
        return Err(AppError::BadRequest(
            "The sitemap page must be 1 or more.".into(),
        ));
    }
    let generation = state.public_generation();
    let key = format!("sitemap:{page}");
    let rendered = state
        .public_cache
        .get_or_render(key, generation, || render_sitemap(&state, page))
        .await?;
    Ok(respond(&req, &rendered))
}

/// Sitemap file `page`, or (page 0) the index of the files, or the only file when one
/// holds every article.
async fn render_sitemap(state: &AppState, page: i64) -> Result<CachedPage, AppError> {
    let offset = (page.max(1) - 1) * SITEMAP_URLS;
    let (mut urls, total) = state
        .db(move |ctx| public::sitemap(ctx, offset, SITEMAP_URLS, page == 0))
        .await?;
    if page == 0 && total <= SITEMAP_URLS {
        // Small enough for one file: the index is that file.
        urls = state
            .db(move |ctx| public::sitemap(ctx, 0, SITEMAP_URLS, false))
            .await?
            .0;
    }
    let base = state.config.public_url.as_str();
    let body = if page == 0 && total > SITEMAP_URLS {
        let files = (total + SITEMAP_URLS - 1) / SITEMAP_URLS;
        SitemapIndex {
            base,
            pages: (1..=files).collect(),
        }
        .render()
    } else {
        if page > 1 && urls.is_empty() {
            return Err(AppError::NotFound("There is no such sitemap page.".into()));
        }
        Sitemap {
            base,
            urls: &urls,
            with_static: page <= 1,
        }
        .render()
    }
    .map_err(AppError::internal)?;
    let newest = urls.iter().filter_map(|(_, at)| *at).max();
    Ok(public_cache::of_body(
        StatusCode::OK,
        "application/xml; charset=utf-8",
        body,
        newest,
    ))
}

/// Where crawlers are not wanted: everything behind a sign-in, and the API. The public
/// pages (articles, their history, the board, the policy, the feed) stay open.
const DISALLOWED: [&str; 9] = [
    "/dashboard",
    "/review/",
    "/manage/",
    "/admin/",
    "/account/",
    "/api/",
    "/login",
    "/password/",
    "/setup/",
];

/// `GET /robots.txt`: the workspace and admin pages closed to crawlers, and where the
/// sitemap is.
pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let mut body = String::from("User-agent: *\n");
    for path in DISALLOWED {
        body.push_str(&format!("Disallow: {path}\n"));
    }
    body.push_str(&format!(
        "\nSitemap: {}\n",
        state.config.link(&crate::urls::sitemap())
    ));
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", public_cache::CACHE_CONTROL_PUBLIC))
        .body(body)
}
