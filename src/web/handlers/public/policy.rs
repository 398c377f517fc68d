//! `GET /editorial-policy`: how the board reviews, and the approval rule in force.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::services::public;
use crate::web::error::AppError;
use crate::web::public_cache::{CachedPage, respond};
use crate::web::render::Chrome;
use crate::web::state::AppState;

const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "public/policy.html")]
struct PolicyPage {
    chrome: Chrome,
    policy_html: String,
    approvals_required: i32,
    review_interval_days: i32,
    require_specialist: bool,
    conflicted_approvals_count: bool,
    checklist: Vec<crate::domain::checklist::Item>,
}

/// `GET /editorial-policy`
pub async fn policy(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let generation = state.public_generation();
    let page = state
        .public_cache
        .get_or_render("policy".into(), generation, || async {
            let (settings, checklist) = state
                .db(|ctx| Ok((public::settings(ctx)?, public::checklist(ctx)?)))
                .await?;
            state.remember_site_name(&settings.site_name);
            let items: Vec<i64> = checklist.iter().map(|item| item.id).collect();
            let identity = format!("policy {} checklist {items:?}", settings.version);
            let body = PolicyPage {
                chrome: Chrome::public(&settings.site_name, "policy"),
                policy_html: settings.editorial_policy_html.clone(),
                approvals_required: settings.approvals_required,
                review_interval_days: settings.review_interval_days,
                require_specialist: settings.require_specialist,
                conflicted_approvals_count: settings.conflicted_approvals_count,
                checklist,
            }
            .render()
            .map_err(AppError::internal)?;

            Ok::<_, AppError>(CachedPage::new(
                StatusCode::OK,
                HTML,
                body,
                &identity,
                Some(settings.updated_at),
            ))
        })
        .await?;
    Ok(respond(&req, &page))
}
