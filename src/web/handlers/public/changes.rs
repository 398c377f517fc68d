//! `GET /articles/{slug}/versions/{n}/changes`: what changed from public version `n - 1` to
//! `n`, for readers: the published texts only (title, short answer, body, patient version,
//! references) and the public change summary, never an internal note or unpublished text.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::article::{cached, valid_slug, version_number};
use crate::domain::diff::{Block, RefChange, RevisionDiff, Span, VersionDiff, WordDiff};
use crate::filters;
use crate::services::public;
use crate::urls;
use crate::web::error::AppError;
use crate::web::public_cache::CachedPage;
use crate::web::render::Chrome;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "public/changes.html")]
struct ChangesPage {
    chrome: Chrome,
    slug: String,
    title: String,
    version: usize,
    /// The newer version's public change summary ("Editorial update" when blank).
    summary: String,
    older_approved: Option<chrono::NaiveDateTime>,
    newer_approved: Option<chrono::NaiveDateTime>,
    diff: RevisionDiff,
    patient: Option<VersionDiff>,
}

impl ChangesPage {
    fn fields(&self) -> [(&'static str, &WordDiff); 2] {
        [
            ("Title", &self.diff.title),
            ("Short answer", &self.diff.summary),
        ]
    }

    fn patient_fields<'a>(&self, patient: &'a VersionDiff) -> [(&'static str, &'a WordDiff); 2] {
        [
            ("Title", &patient.diff.title),
            ("Short answer", &patient.diff.summary),
        ]
    }

    /// Version `n` (the newer one) or, with `older`, the one before it.
    fn version_link(&self, older: bool) -> String {
        urls::public_version(&self.slug, self.version - usize::from(older))
    }

    fn history_link(&self) -> String {
        urls::public_history(&self.slug)
    }
}

/// `GET /articles/{slug}/versions/{n}/changes`
pub async fn changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let slug = valid_slug(&slug)?;
    let missing = || {
        AppError::NotFound(
            "There is no such pair of published versions to compare (the first version has \
             nothing before it)."
                .into(),
        )
    };
    let n = version_number(&n, 2).ok_or_else(missing)?;
    let key = format!("changes:{slug}:{n}");
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let lookup = slug.clone();
        let Some(found) = db.db(move |ctx| public::changes(ctx, &lookup, n)).await? else {
            return Err(missing());
        };
        // The diff is CPU work: off the async workers, holding no connection.
        let page = web::block(move || {
            let (diff, patient) = found.diff();
            let (older, newer) = (&found.older.0, &found.newer.0);
            let summary = public::change_summary(newer, found.version).to_owned();
            let identity = format!(
                "changes {} {} to {} settings {}",
                found.article.id, older.id, newer.id, found.settings.version
            );
            let page = ChangesPage {
                chrome: Chrome::public(&found.settings.site_name, "articles"),
                slug: found.article.slug.clone(),
                title: newer.title.clone(),
                version: found.version,
                summary,
                older_approved: older.decided_at,
                newer_approved: newer.decided_at,
                diff,
                patient,
            };
            (page, identity, newer.decided_at)
        })
        .await?;
        let (page, identity, modified) = page;
        let body = page.render().map_err(AppError::internal)?;
        Ok(CachedPage::new(
            StatusCode::OK,
            "text/html; charset=utf-8",
            body,
            &identity,
            modified,
        ))
    })
    .await
}
