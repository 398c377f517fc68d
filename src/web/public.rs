//! Public pages: the article index with search, the editorial policy, the health check, and
//! the page for addresses that match nothing.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms;
use super::pages::Chrome;
use super::public_cache::{CachedPage, respond};
use crate::services::public::{self, Card};

const PAGE_SIZE: i64 = 20;
const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "public/home.html")]
struct Home {
    chrome: Chrome,
    cards: Vec<Card>,
    query: String,
    page: u32,
    has_more: bool,
}

impl Home {
    fn page_link(&self, page: u32) -> String {
        if self.query.is_empty() {
            format!("/?page={page}")
        } else {
            format!("/?q={}&page={page}", forms::encode(&self.query))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    q: Option<String>,
    page: Option<u32>,
}

/// `GET /`: the newest published articles, or those matching `?q=`.
pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let query: HomeQuery = forms::query(&req)?;
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let q = forms::non_empty(query.q).map(|q| q.chars().take(200).collect::<String>());
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let generation = state.public_generation();
    // The unfiltered pages are cached; search results are computed per request.
    let key = format!("home:{page}");
    if q.is_none()
        && let Some(cached) = state.public_cache.get(&key, generation)
    {
        return Ok(respond(&req, &cached));
    }
    let search = q.clone();
    let (cards, has_more, settings) = state
        .db(move |ctx| {
            let (cards, more) = public::index(ctx, search.as_deref(), offset, PAGE_SIZE)?;
            Ok((cards, more, public::settings(ctx)?))
        })
        .await?;
    let newest = cards.iter().filter_map(|c| c.last_reviewed_at).max();
    let home = Home {
        chrome: Chrome::public(&settings.site_name, "home"),
        query: q.clone().unwrap_or_default(),
        cards,
        page,
        has_more,
    };
    let body = home.render().map_err(AppError::internal)?;
    // The page is its own identity: any change to what it lists changes its tag.
    let rendered = std::sync::Arc::new(CachedPage::new(
        StatusCode::OK,
        HTML,
        body.clone(),
        &body,
        newest,
    ));
    if q.is_none() {
        state.public_cache.put(key, generation, rendered.clone());
    }
    Ok(respond(&req, &rendered))
}

#[derive(Template)]
#[template(path = "public/policy.html")]
struct PolicyPage {
    chrome: Chrome,
    policy_html: String,
    approvals_required: i32,
    review_interval_days: i32,
}

/// `GET /editorial-policy`
pub async fn policy(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let generation = state.public_generation();
    if let Some(cached) = state.public_cache.get("policy", generation) {
        return Ok(respond(&req, &cached));
    }
    let settings = state.db(public::settings).await?;
    let body = PolicyPage {
        chrome: Chrome::public(&settings.site_name, "policy"),
        policy_html: settings.editorial_policy_html.clone(),
        approvals_required: settings.approvals_required,
        review_interval_days: settings.review_interval_days,
    }
    .render()
    .map_err(AppError::internal)?;
    let identity = format!("policy {}", settings.version);
    let page = std::sync::Arc::new(CachedPage::new(
        StatusCode::OK,
        HTML,
        body,
        &identity,
        Some(settings.updated_at),
    ));
    state
        .public_cache
        .put("policy".into(), generation, page.clone());
    Ok(respond(&req, &page))
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool().clone();
    let healthy = web::block(move || {
        let mut conn = pool.get_timeout(std::time::Duration::from_secs(2))?;
        crate::db::ping(&mut conn).map_err(crate::services::ServiceError::from)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|checked| checked.map_err(|e| e.to_string()));
    let (mut response, body) = match healthy {
        Ok(()) => (HttpResponse::Ok(), "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (HttpResponse::ServiceUnavailable(), "database unavailable\n")
        }
    };
    response
        .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(body)
}

/// Every address no route matches.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    tracing::debug!(path = req.path(), "no route");
    Err(AppError::not_found())
}
