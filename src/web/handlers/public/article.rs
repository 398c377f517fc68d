//! `GET /articles/{slug}` and `GET /articles/{slug}/history`: the published version with its
//! review provenance, served from the public page cache.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use crate::domain::audience::{self, Audience};
use crate::domain::content::{Reference, ReferenceKind, check_slug};
use crate::domain::review_dates;
use crate::filters;
use crate::services::public::{
    self, ArticleLookup, HistoryEntry, HistoryLookup, LiveArticle, RetractionNotice, VersionLookup,
};
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::forms;
use crate::web::public_cache::{CachedPage, respond};
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

const HTML: &str = "text/html; charset=utf-8";

#[derive(Template)]
#[template(path = "public/article.html")]
struct ArticlePage<'a> {
    chrome: Chrome,
    live: &'a LiveArticle,
    /// The version shown.
    audience: Audience,
    /// The audience the reader chose in the address (carried through its links).
    asked: Option<Audience>,
    canonical: String,
    json_ld: String,
    /// When the next review fell due, if it has passed.
    overdue_since: Option<NaiveDateTime>,
    /// Set on an archived version's page (`/articles/{slug}/versions/{n}`).
    archived: Option<Archived<'a>>,
}

/// What an archived version's page says about itself.
struct Archived<'a> {
    version: usize,
    is_current: bool,
    /// The article's current page, for the reader's audience.
    current: String,
    retraction: Option<&'a RetractionNotice>,
}

/// The version an audience reads: title, short answer and rendered body.
struct Shown<'a> {
    title: &'a str,
    summary: &'a str,
    body_html: &'a str,
}

fn shown(live: &LiveArticle, audience: Audience) -> Shown<'_> {
    let r = &live.revision;
    match (audience, &r.patient_title, &r.patient_body_html) {
        (Audience::Patient, Some(title), Some(body_html)) => Shown {
            title,
            summary: r.patient_summary.as_deref().unwrap_or_default(),
            body_html,
        },
        _ => Shown {
            title: &r.title,
            summary: &r.summary,
            body_html: &r.body_html,
        },
    }
}

impl ArticlePage<'_> {
    fn version(&self) -> Shown<'_> {
        shown(self.live, self.audience)
    }

    /// Whether to ask "Which best describes you?": only when both versions exist.
    fn chooser(&self) -> bool {
        self.live.revision.has_patient()
    }

    fn choose_link(&self, audience: &Audience) -> String {
        let page = match &self.archived {
            Some(archived) => format!("/versions/{}", archived.version),
            None => String::new(),
        };
        urls::public_article_for(&self.live.article.slug, &page, Some(*audience))
    }

    /// The index, for the audience the reader chose.
    fn more_link(&self) -> String {
        urls::with_query("/", &[("for", self.asked.map_or("", Audience::as_str))])
    }

    fn history_link(&self) -> String {
        urls::public_article_for(&self.live.article.slug, "/history", self.asked)
    }

    fn disclaimer(&self) -> &str {
        self.live.settings.disclaimer_for(self.audience)
    }
}

/// The `for` parameter of a public page: which audience the reader chose, if any.
pub(crate) fn audience_param(req: &HttpRequest) -> Result<Option<Audience>, AppError> {
    #[derive(serde::Deserialize)]
    struct Query {
        #[serde(rename = "for")]
        audience: Option<String>,
    }
    let query: Query = forms::query(req)?;
    match query.audience.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => Audience::parse(value).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "There is no version for '{value}': use for=clinician or for=patient."
            ))
        }),
    }
}

#[derive(Template)]
#[template(path = "public/retracted.html")]
struct RetractedPage<'a> {
    chrome: Chrome,
    retraction: &'a RetractionNotice,
    /// The article's review history, which stays readable.
    history: String,
}

fn date(at: Option<NaiveDateTime>) -> String {
    at.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// schema.org MedicalWebPage metadata: who reviewed it and when, and for whom the version
/// shown is written.
fn json_ld(live: &LiveArticle, audience: Audience, url: &str, site: &str) -> String {
    let reviewers: Vec<serde_json::Value> = live
        .reviewers
        .iter()
        .map(|r| {
            let mut person = serde_json::json!({ "@type": "Person", "name": r.name.display_name });
            if !r.name.credentials.is_empty() {
                person["jobTitle"] = serde_json::json!(r.name.credentials);
            }
            if !r.specialties.is_empty() {
                person["knowsAbout"] = serde_json::json!(r.specialties);
            }
            if r.on_board {
                person["url"] = serde_json::json!(format!("{site}{}", urls::board_entry(r.id)));
            }
            person
        })
        .collect();
    let version = shown(live, audience);
    render::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.title,
        "headline": version.title,
        "description": version.summary,
        "inLanguage": "en",
        "audience": { "@type": "MedicalAudience", "audienceType": audience.schema_org() },
        "url": url,
        "lastReviewed": date(live.article.last_reviewed_at),
        "dateModified": date(live.revision.submitted_at),
        "datePublished": date(live.article.first_published_at),
        "reviewedBy": reviewers,
        "publisher": { "@type": "Organization", "name": live.settings.site_name },
        "citation": live.references.iter().map(citation).collect::<Vec<_>>(),
    }))
}

/// A reference as schema.org describes a cited work: research as a `ScholarlyArticle` in
/// its journal, anything else as a `CreativeWork` from its publisher, with its authors, year,
/// link and identifiers (DOI, PMID).
fn citation(reference: &Reference) -> serde_json::Value {
    let scholarly = reference.kind == ReferenceKind::Research;
    let mut work = serde_json::json!({
        "@type": if scholarly { "ScholarlyArticle" } else { "CreativeWork" },
        "name": reference.title,
    });
    if !reference.authors.is_empty() {
        work["author"] = reference
            .authors
            .iter()
            .map(|name| serde_json::json!({ "@type": "Person", "name": name }))
            .collect();
    }
    if !reference.source.is_empty() {
        work[if scholarly { "isPartOf" } else { "publisher" }] = if scholarly {
            serde_json::json!({ "@type": "Periodical", "name": reference.source })
        } else {
            serde_json::json!({ "@type": "Organization", "name": reference.source })
        };
    }
    if let Some(year) = reference.year {
        work["datePublished"] = serde_json::json!(year.to_string());
    }
    if !reference.volume_pages.is_empty() {
        work["pagination"] = serde_json::json!(reference.volume_pages);
    }
    if let Some(url) = &reference.url {
        work["url"] = serde_json::json!(url);
    }
    let identifiers: Vec<serde_json::Value> = [("DOI", &reference.doi), ("PMID", &reference.pmid)]
        .into_iter()
        .filter_map(|(kind, value)| {
            value.as_ref().map(|value| {
                serde_json::json!({ "@type": "PropertyValue", "propertyID": kind, "value": value })
            })
        })
        .collect();
    if !identifiers.is_empty() {
        work["identifier"] = serde_json::json!(identifiers);
    }
    let same_as: Vec<String> = [reference.doi_url(), reference.pmid_url()]
        .into_iter()
        .flatten()
        .collect();
    if !same_as.is_empty() {
        work["sameAs"] = serde_json::json!(same_as);
    }
    work
}

/// Renders the retraction notice (410): when, why, and where the history is.
fn retracted(
    site_name: &str,
    slug: &str,
    retraction: &RetractionNotice,
) -> Result<CachedPage, AppError> {
    let body = RetractedPage {
        chrome: Chrome::public(site_name, "articles"),
        retraction,
        history: urls::public_history(slug),
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(CachedPage::new(
        StatusCode::GONE,
        HTML,
        body,
        &format!("retracted {}", retraction.at),
        Some(retraction.at),
    ))
}

/// Serves `key` from the cache, or renders it with `render` (which may answer 404).
pub(crate) async fn cached<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: String,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedPage, AppError>>,
{
    // Read the generation before the data: a change committed meanwhile makes this
    // rendering stale at once instead of caching it.
    let generation = state.public_generation();
    let page = state
        .public_cache
        .get_or_render(key, generation, render)
        .await?;
    Ok(respond(req, &page))
}

/// A public version number from an address: a whole number from `first` up, and not
/// absurdly large (no article has 100,000 versions).
pub(crate) fn version_number(raw: &str, first: usize) -> Option<usize> {
    raw.parse().ok().filter(|n| (first..100_000).contains(n))
}

pub(crate) fn valid_slug(slug: &str) -> Result<String, AppError> {
    check_slug(slug).map_err(|_| AppError::NotFound("There is no article at this address.".into()))
}

/// `GET /articles/{slug}`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = valid_slug(&slug)?;
    let asked = audience_param(&req)?;
    // One cached page per audience asked for (none, clinician, patient): the address alone
    // decides the page, so it stays cacheable without cookies.
    let key = format!("article:{slug}:{}", asked.map_or("", Audience::as_str));
    let site = state.config.link("");
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let lookup = slug.clone();
        match db.db(move |ctx| public::article(ctx, &lookup)).await? {
            ArticleLookup::Missing => Err(AppError::NotFound(
                "There is no article at this address.".into(),
            )),
            ArticleLookup::Retracted(retraction) => {
                let site = db.db(public::settings).await?.site_name;
                retracted(&site, &slug, &retraction)
            }
            ArticleLookup::Live(live) => {
                db.remember_site_name(&live.settings.site_name);
                let default = live.settings.default_audience();
                let audience = audience::shown(asked, default, live.revision.has_patient());
                // The default version's address is the plain one.
                let own = (audience != default).then_some(audience);
                let url = db
                    .config
                    .link(&urls::public_article_for(&slug, "", own));
                let overdue_since =
                    review_dates::overdue_since(live.article.next_review_due, crate::db::now());
                let body = ArticlePage {
                    overdue_since,
                    archived: None,
                    chrome: Chrome::public(&live.settings.site_name, "articles"),
                    json_ld: json_ld(&live, audience, &url, &site),
                    canonical: url,
                    live: &live,
                    audience,
                    asked,
                }
                .render()
                .map_err(AppError::internal)?;
                // The reviewers' board entries (listed or not, specialties) show too.
                let board: Vec<_> = live
                    .reviewers
                    .iter()
                    .map(|r| (r.id.0, r.on_board, &r.specialties))
                    .collect();
                // A periodic review moves the review dates without a new revision.
                let identity = format!(
                    "article {} for {audience} asked {asked:?} revision {} reviewed {:?} settings {} pending {} board {board:?} overdue {}",
                    live.article.id,
                    live.revision.id,
                    live.article.last_reviewed_at,
                    live.settings.version,
                    live.update_pending,
                    overdue_since.is_some()
                );
                let modified = [
                    live.revision.decided_at,
                    live.article.last_reviewed_at,
                    Some(live.settings.updated_at),
                ]
                .into_iter()
                .flatten()
                .max();
                Ok(CachedPage::new(
                    StatusCode::OK,
                    HTML,
                    body,
                    &identity,
                    modified,
                ))
            }
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "public/history.html")]
struct HistoryPage<'a> {
    chrome: Chrome,
    slug: &'a str,
    title: &'a str,
    retraction: Option<&'a RetractionNotice>,
    entries: &'a [HistoryEntry],
    /// The audience the reader chose, carried back to the article.
    asked: Option<Audience>,
}

impl HistoryPage<'_> {
    fn article_link(&self) -> String {
        urls::public_article_for(self.slug, "", self.asked)
    }

    fn version_link(&self, n: &usize) -> String {
        urls::public_article_for(self.slug, &format!("/versions/{n}"), self.asked)
    }

    fn changes_link(&self, n: &usize) -> String {
        urls::public_changes(self.slug, *n)
    }
}

/// `GET /articles/{slug}/history`
pub async fn history(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = valid_slug(&slug)?;
    let asked = audience_param(&req)?;
    let key = format!("history:{slug}:{}", asked.map_or("", Audience::as_str));
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let lookup_slug = slug.clone();
        match db.db(move |ctx| public::history(ctx, &lookup_slug)).await? {
            HistoryLookup::Missing => Err(AppError::NotFound(
                "There is no article at this address.".into(),
            )),
            HistoryLookup::Live(history) => {
                let public::History {
                    article,
                    title,
                    retraction,
                    entries,
                    settings,
                } = *history;
                let body = HistoryPage {
                    chrome: Chrome::public(&settings.site_name, "articles"),
                    slug: &slug,
                    title: &title,
                    retraction: retraction.as_ref(),
                    entries: &entries,
                    asked,
                }
                .render()
                .map_err(AppError::internal)?;
                let identity = format!(
                    "history {} for {asked:?} published {:?} reviewed {:?} versions {} settings {} \
                     retracted {:?}",
                    article.id,
                    article.published_revision_id,
                    article.last_reviewed_at,
                    entries.len(),
                    settings.version,
                    article.retracted_at,
                );
                Ok(CachedPage::new(
                    StatusCode::OK,
                    HTML,
                    body,
                    &identity,
                    article.retracted_at.or(article.last_reviewed_at),
                ))
            }
        }
    })
    .await
}

/// `GET /articles/{slug}/versions/{n}`: public version `n` as it was published, read-only,
/// marked as archived, kept out of search engines and pointing to the current page.
pub async fn version(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let slug = valid_slug(&slug)?;
    let missing = || AppError::NotFound("This article has no such version.".into());
    let n = version_number(&n, 1).ok_or_else(missing)?;
    let asked = audience_param(&req)?;
    let key = format!("version:{slug}:{n}:{}", asked.map_or("", Audience::as_str));
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let lookup = slug.clone();
        let found = match db.db(move |ctx| public::version(ctx, &lookup, n)).await? {
            VersionLookup::Found(found) => found,
            VersionLookup::Missing => return Err(missing()),
        };
        let public::ArchivedVersion {
            shown: live,
            version,
            is_current,
            retraction,
        } = *found;
        let default = live.settings.default_audience();
        let audience = audience::shown(asked, default, live.revision.has_patient());
        let body = ArticlePage {
            overdue_since: None,
            archived: Some(Archived {
                version,
                is_current,
                current: urls::public_article_for(&slug, "", asked),
                retraction: retraction.as_ref(),
            }),
            chrome: Chrome::public(&live.settings.site_name, "articles"),
            // The current page is the one to index and to cite.
            canonical: db.config.link(&urls::public_article(&slug)),
            json_ld: String::new(),
            live: &live,
            audience,
            asked,
        }
        .render()
        .map_err(AppError::internal)?;
        let identity = format!(
            "version {} {version} of article {} for {audience} asked {asked:?} current {is_current} \
             settings {} retracted {:?}",
            live.revision.id,
            live.article.id,
            live.settings.version,
            live.article.retracted_at,
        );
        Ok(CachedPage::new(
            StatusCode::OK,
            HTML,
            body,
            &identity,
            live.revision.decided_at,
        ))
    })
    .await
}
