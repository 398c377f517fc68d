//! `GET /api/v1/articles` and `GET /api/v1/articles/{slug}`: published articles, with who
//! reviewed them and when, for a publisher's front end or any other program. Public: no
//! token needed. Answers are served from the public page cache, like the pages.

// What `params(ListParams)` of `utoipa::path` expands to names the type with a path.
#![allow(unused_qualifications)]

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{JSON, utc};
use crate::db::revisions::Cursor;
use crate::domain::audience::Audience;
use crate::domain::content::{Reference, ReferenceKind, check_slug};
use crate::domain::problems::Problems;
use crate::ids::ArticleId;
use crate::services::public::{self, After, ArticleLookup, Card, HistoryLookup};
use crate::urls;
use crate::web::error::{AppError, Problem};
use crate::web::extract::forms;
use crate::web::handlers::public::article::cached;
use crate::web::public_cache::CachedPage;
use crate::web::state::AppState;

/// Articles per page unless `limit` says otherwise, and the most `limit` may ask for.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;
/// The longest search accepted, in characters.
const MAX_QUERY: usize = 200;

/// A page of published articles.
#[derive(Serialize, ToSchema)]
pub struct ArticleList {
    /// The articles of this page: the best matches first when searching, else the most
    /// recently reviewed first. A page may hold fewer than `limit` even when more follow.
    pub items: Vec<ArticleSummary>,
    /// The address of the next page (relative to the server), or null on the last page.
    pub next: Option<String>,
}

/// A published article in a list.
#[derive(Serialize, ToSchema)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    /// The short answer shown under the title.
    pub summary: String,
    /// The article's public page.
    pub url: String,
    /// This article in the API.
    pub api_url: String,
    /// When the published version was approved.
    pub last_reviewed_at: Option<DateTime<Utc>>,
    /// When the published version's text was last changed (submitted for review).
    pub updated_at: Option<DateTime<Utc>>,
}

/// The published version of an article, with its review provenance.
#[derive(Serialize, ToSchema)]
pub struct PublishedArticle {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The body as written (Markdown).
    pub body_markdown: String,
    /// The body as the public page shows it: HTML rendered from the Markdown and
    /// sanitised (no scripts, no event handlers, no styles).
    pub body_html: String,
    /// The references, numbered from 1 as the body cites them (`[1]`).
    pub references: Vec<ArticleReference>,
    /// The version for patients and caregivers, approved with this one and citing the
    /// same references; null when the article has none.
    pub patient: Option<PatientVersion>,
    /// The reviewers whose approvals published this version, in the order they approved.
    pub reviewers: Vec<Reviewer>,
    /// This version's place among the article's approved versions: 1 for the first.
    pub version: usize,
    pub first_published_at: Option<DateTime<Utc>>,
    pub last_reviewed_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// When the board means to review the article again.
    pub next_review_due: Option<DateTime<Utc>>,
    /// A newer version is under review (its text is never shown before approval).
    pub update_pending: bool,
    pub url: String,
    pub history_url: String,
    /// Every approved version, newest first.
    pub history: Vec<HistoryVersion>,
}

/// An article's version for patients and caregivers.
#[derive(Serialize, ToSchema)]
pub struct PatientVersion {
    pub title: String,
    pub summary: String,
    /// The body as written (Markdown).
    pub body_markdown: String,
    /// The body rendered and sanitised, as the public page shows it.
    pub body_html: String,
    /// Its public page (`?for=patient`).
    pub url: String,
}

/// One reference of an article.
#[derive(Serialize, ToSchema)]
pub struct ArticleReference {
    /// Its number in the body's citations.
    pub number: usize,
    pub kind: ReferenceKindName,
    pub title: String,
    /// The journal, body or label it comes from.
    pub source: String,
    pub year: Option<i32>,
    pub url: Option<String>,
    /// In the order the work lists them.
    pub authors: Vec<String>,
    /// Volume, issue and pages ("384(5):403-16"); empty when not given.
    pub volume_pages: String,
    /// Bare, e.g. `10.1056/NEJMoa2035389` (resolve at https://doi.org/).
    pub doi: Option<String>,
    /// PubMed identifier (https://pubmed.ncbi.nlm.nih.gov/{pmid}/).
    pub pmid: Option<String>,
    /// When the linked page was read.
    pub accessed: Option<NaiveDate>,
    /// The whole reference as the public page prints it (Vancouver style), as plain text.
    pub citation: String,
}

/// What kind of source a reference is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKindName {
    Guideline,
    DrugLabel,
    Research,
    Other,
}

impl From<ReferenceKind> for ReferenceKindName {
    fn from(kind: ReferenceKind) -> Self {
        match kind {
            ReferenceKind::Guideline => ReferenceKindName::Guideline,
            ReferenceKind::DrugLabel => ReferenceKindName::DrugLabel,
            ReferenceKind::Research => ReferenceKindName::Research,
            ReferenceKind::Other => ReferenceKindName::Other,
        }
    }
}

/// A reviewer as the public page names them.
#[derive(Serialize, ToSchema)]
pub struct Reviewer {
    pub name: String,
    /// Their credentials line (e.g. "MD, Rheumatology"); may be empty.
    pub credentials: String,
    /// Their specialties (on the article page; empty in the history).
    pub specialties: Vec<String>,
    /// What they declared about this article when approving it ("No conflicts declared",
    /// or the conflict); absent when the approval predates declarations, and in the history.
    pub declaration: Option<String>,
}

/// One approved version of an article.
#[derive(Serialize, ToSchema)]
pub struct HistoryVersion {
    /// Its place among the approved versions: 1 for the first.
    pub version: usize,
    /// Approved at.
    pub approved_at: Option<DateTime<Utc>>,
    pub reviewers: Vec<Reviewer>,
    /// What changed in this version, as told to readers: the editor's public change
    /// summary, "First version" or "Editorial update" (never the internal note to reviewers).
    pub change_note: String,
    /// This is the version published now.
    pub current: bool,
}

/// The query of `GET /api/v1/articles`.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to search for in titles, summaries and bodies; the best matches come first.
    #[param(
        max_length = 200,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    q: Option<String>,
    /// Only articles whose published version was approved at or after this time
    /// (RFC 3339), for a program that keeps a copy in step.
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
    /// Articles per page: 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// Where the page starts: copy it from the `next` address of the previous page. (The
    /// review time, in microseconds since 1970, and the id of the last article of the
    /// previous page.)
    #[param(pattern = r"^[0-9]{1,18}\.[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// [`ListParams`] checked.
struct ListInput {
    query: Option<String>,
    since: Option<NaiveDateTime>,
    limit: i64,
    after: Option<After>,
}

impl ListParams {
    fn check(self) -> Result<ListInput, Problems> {
        let mut problems = Problems::new();
        let query = forms::non_empty(self.q);
        if query
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_QUERY)
        {
            problems.push("q", format!("A search has at most {MAX_QUERY} characters."));
        }
        // The other parameters are taken as sent: an empty or padded value is refused.
        let since = match self.updated_since.as_deref() {
            None => None,
            // RFC 3339 as JSON Schema's `date-time` has it: a `T` between date and time
            // (chrono also takes a space).
            Some(text) => match DateTime::parse_from_rfc3339(text) {
                Ok(at) if !text.contains(' ') => Some(at.naive_utc()),
                _ => {
                    problems.push(
                        "updated_since",
                        format!("'{text}' is not a date and time like 2026-03-01T00:00:00Z."),
                    );
                    None
                }
            },
        };
        let limit = super::page_limit(
            self.limit.as_deref(),
            DEFAULT_LIMIT,
            MAX_LIMIT,
            &mut problems,
        );
        let after = match self.cursor.as_deref() {
            None => None,
            Some(text) => {
                let after = parse_cursor(text);
                if after.is_none() {
                    problems.push(
                        "cursor",
                        "This cursor is not one this list gave: follow the `next` address of the previous page.",
                    );
                }
                after
            }
        };
        if problems.is_empty() {
            Ok(ListInput {
                query,
                since,
                limit,
                after,
            })
        } else {
            Err(problems)
        }
    }
}

/// A cursor: `{review time in microseconds}.{article id}`.
fn parse_cursor(text: &str) -> Option<After> {
    if !super::digits_cursor(text) {
        return None;
    }
    Cursor::decode(text).map(|c| (c.at, ArticleId(c.id)))
}

fn cursor_text((at, id): After) -> String {
    Cursor { at, id: id.0 }.encode()
}

/// The address of the next page: the same query after `after`.
fn next_address(input: &ListInput, after: After) -> String {
    let since = input
        .since
        .map(|at| utc(at).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_default();
    urls::with_query(
        "/api/v1/articles",
        &[
            ("q", input.query.as_deref().unwrap_or_default()),
            ("updated_since", &since),
            ("limit", &input.limit.to_string()),
            ("cursor", &cursor_text(after)),
        ],
    )
}

fn summary(card: Card) -> ArticleSummary {
    ArticleSummary {
        url: card.link(),
        api_url: api_article(&card.slug),
        slug: card.slug,
        title: card.title,
        summary: card.summary,
        last_reviewed_at: card.last_reviewed_at.map(utc),
        updated_at: card.updated_at.map(utc),
    }
}

fn api_article(slug: &str) -> String {
    format!("/api/v1/articles/{slug}")
}

/// Published articles, newest first, or those matching `q`, best first.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    operation_id = "listArticles",
    tag = "public",
    params(ListParams),
    responses(
        (status = 200, description = "A page of published articles.", body = ArticleList),
        (status = 400, description = "A parameter is not valid; `errors` names it.",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The search results changed since the previous page: start again.",
            body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let params: ListParams = forms::query(&req)?;
    let input = params.check()?;
    let key = format!(
        "api:list:{}:{:?}:{}:{:?}",
        input.limit,
        input.since,
        input.after.map(cursor_text).unwrap_or_default(),
        input.query
    );
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let (query, since, after, limit) =
            (input.query.clone(), input.since, input.after, input.limit);
        let page = db
            .db(move |ctx| public::list(ctx, query.as_deref(), since, after, limit))
            .await?;
        let items: Vec<ArticleSummary> = page.cards.into_iter().map(summary).collect();
        let newest = items.iter().filter_map(|i| i.last_reviewed_at).max();
        let list = ArticleList {
            items,
            next: page.next.map(|after| next_address(&input, after)),
        };
        let body = serde_json::to_string(&list).map_err(AppError::internal)?;
        Ok(crate::web::public_cache::of_body(
            StatusCode::OK,
            JSON,
            body,
            newest.map(|at| at.naive_utc()),
        ))
    })
    .await
}

fn reviewer(name: crate::db::users::Name) -> Reviewer {
    Reviewer {
        name: name.display_name,
        credentials: name.credentials,
        specialties: Vec::new(),
        declaration: None,
    }
}

fn named_reviewer(named: crate::services::board::NamedReviewer) -> Reviewer {
    Reviewer {
        specialties: named.specialties,
        declaration: named.declaration.map(|d| d.describe()),
        ..reviewer(named.name)
    }
}

pub(super) fn reference(number: usize, reference: Reference) -> ArticleReference {
    let citation = reference.citation();
    ArticleReference {
        number,
        kind: reference.kind.into(),
        title: reference.title,
        source: reference.source,
        year: reference.year,
        url: reference.url,
        authors: reference.authors,
        volume_pages: reference.volume_pages,
        doi: reference.doi,
        pmid: reference.pmid,
        accessed: reference.accessed,
        citation,
    }
}

/// The published version of an article, with its reviewers, references and history.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{slug}",
    operation_id = "getArticle",
    tag = "public",
    params(("slug" = String, Path, description = "The article's address on the site.",
        max_length = 80, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")),
    responses(
        (status = 200, description = "The published article.", body = PublishedArticle),
        (status = 404, description = "No article is published at this address.",
            body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The article was retracted.",
            body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let missing = || AppError::NotFound("No article is published at this address.".into());
    let slug = check_slug(&slug).map_err(|_| missing())?;
    let key = format!("api:article:{slug}");
    let db = state.clone();
    cached(&req, &state, key, || async move {
        let found = db
            .db(move |ctx| Ok((public::article(ctx, &slug)?, public::history(ctx, &slug)?)))
            .await?;
        let (live, history) = match found {
            (ArticleLookup::Live(live), HistoryLookup::Live(history)) => (live, history),
            (ArticleLookup::Retracted(retraction), _) => {
                return Err(AppError::Gone(format!(
                    "This article was retracted on {}.{}",
                    retraction.at.format("%Y-%m-%d"),
                    retraction
                        .notice
                        .map(|notice| format!(" {notice}"))
                        .unwrap_or_default()
                )));
            }
            _ => return Err(missing()),
        };
        let approved = history.entries.len();
        let history: Vec<HistoryVersion> = history
            .entries
            .into_iter()
            .map(|entry| HistoryVersion {
                version: entry.version,
                approved_at: entry.revision.decided_at.map(utc),
                change_note: entry.change_summary().to_owned(),
                reviewers: entry.reviewers.into_iter().map(reviewer).collect(),
                current: entry.is_current,
            })
            .collect();
        let version = history
            .iter()
            .find(|v| v.current)
            .map_or(approved, |v| v.version);
        let live = *live;
        let identity = format!(
            "api article {} revision {} pending {} versions {approved}",
            live.article.id, live.revision.id, live.update_pending
        );
        let modified = live.revision.decided_at;
        let slug = live.article.slug;
        let patient = match (
            live.revision.patient(),
            live.revision.patient_body_html.clone(),
        ) {
            (Some(v), Some(body_html)) => Some(PatientVersion {
                title: v.title,
                summary: v.summary,
                body_markdown: v.body,
                body_html,
                url: urls::public_article_for(&slug, "", Some(Audience::Patient)),
            }),
            _ => None,
        };
        let article = PublishedArticle {
            patient,
            url: urls::public_article(&slug),
            history_url: urls::public_history(&slug),
            slug,
            title: live.revision.title,
            summary: live.revision.summary,
            body_markdown: live.revision.body,
            body_html: live.revision.body_html,
            references: live
                .references
                .into_iter()
                .enumerate()
                .map(|(n, r)| reference(n + 1, r))
                .collect(),
            reviewers: live.reviewers.into_iter().map(named_reviewer).collect(),
            version,
            first_published_at: live.article.first_published_at.map(utc),
            last_reviewed_at: live.article.last_reviewed_at.map(utc),
            updated_at: live.revision.submitted_at.map(utc),
            next_review_due: live.article.next_review_due.map(utc),
            update_pending: live.update_pending,
            history,
        };
        let body = serde_json::to_string(&article).map_err(AppError::internal)?;
        Ok(CachedPage::new(
            StatusCode::OK,
            JSON,
            body,
            &identity,
            modified,
        ))
    })
    .await
}
