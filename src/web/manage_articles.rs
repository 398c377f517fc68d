//! `/manage/articles`: the workspace list, the new-article and edit pages, the timeline of
//! one article, and saving revisions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::article_form::{ArticleForm, EditorPage, Moved, Op};
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::pages::{self, Chrome};
use super::session::SignedIn;
use crate::domain::content::ContentInput;
use crate::domain::markdown;
use crate::domain::workflow::State;
use crate::ids::ArticleId;
use crate::services::editing::{self, RevisionInput, Saved};
use crate::services::views::{self, ArticleList, ArticleSearch, Timeline};
use crate::services::{Refusal, ServiceError};

const PAGE_SIZE: i64 = 25;

pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::NotFound(format!("There is no {what} with the id '{raw}'.")))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    state: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

pub struct StateChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "workspace/articles.html")]
struct ListPage {
    chrome: Chrome,
    list: ArticleList,
    states: Vec<StateChoice>,
    author: String,
    q: String,
    page: u32,
    filter_query: String,
    can_write: bool,
    error: Option<String>,
}

/// `GET /manage/articles`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = forms::query(&req)?;
    let wanted_state =
        match forms::non_empty(query.state.clone()) {
            Some(name) => Some(State::parse(&name).ok_or_else(|| {
                AppError::BadRequest(format!("There is no state called '{name}'."))
            })?),
            None => None,
        };
    let author = forms::non_empty(query.author.clone());
    let page = query.page.unwrap_or(1).max(1);
    let filter = ArticleSearch {
        state: wanted_state,
        author: author.clone(),
        title: forms::non_empty(query.q.clone()),
    };
    let caller = user.caller();
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let list = state
        .db(move |ctx| views::article_list(ctx, &caller, &filter, offset, PAGE_SIZE))
        .await?;
    let mut parts = Vec::new();
    for (key, value) in [
        ("state", &query.state),
        ("author", &query.author),
        ("q", &query.q),
    ] {
        if let Some(v) = forms::non_empty(value.clone()) {
            parts.push(format!("{key}={}", forms::encode(&v)));
        }
    }
    let error = list
        .unknown_author
        .as_ref()
        .map(|email| format!("No account has the email address '{email}'."));
    let view = ListPage {
        chrome: user.chrome("articles"),
        list,
        states: State::listed()
            .into_iter()
            .map(|s| StateChoice {
                value: s.as_str(),
                label: s.label(),
                selected: Some(s) == wanted_state,
            })
            .collect(),
        author: author.clone().unwrap_or_default(),
        q: query.q.clone().unwrap_or_default(),
        page,
        filter_query: parts.join("&"),
        can_write: user.has(crate::domain::roles::Role::Editor),
        error,
    };
    Ok(pages::ok(&view))
}

/// `GET /manage/articles/new`
pub async fn new(user: SignedIn) -> Result<HttpResponse, AppError> {
    user.caller().require(crate::domain::roles::Role::Editor)?;
    let content = ContentInput {
        change_note: "First version.".into(),
        ..ContentInput::default()
    };
    let page = EditorPage::new(
        user.chrome("articles"),
        "New article".into(),
        "/manage/articles".into(),
        "/manage/articles".into(),
        content,
    );
    Ok(page.render(StatusCode::OK))
}

/// Shows the editor again with what was posted: for previews, more rows, and every error.
fn editor_again(
    user: &SignedIn,
    form: &ArticleForm,
    content: ContentInput,
    article: Option<ArticleId>,
) -> EditorPage {
    let (heading, action, back) = match article {
        Some(id) => (
            "Write a new revision".to_owned(),
            format!("/manage/articles/{id}/revisions"),
            format!("/manage/articles/{id}"),
        ),
        None => (
            "New article".to_owned(),
            "/manage/articles".to_owned(),
            "/manage/articles".to_owned(),
        ),
    };
    let mut page = EditorPage::new(user.chrome("articles"), heading, action, back, content);
    page.base = form
        .base()
        .ok()
        .flatten()
        .map(|id| (id, format!("revision id {id}")));
    page.draft_version = form.draft_version().ok().flatten();
    page
}

/// What a failed save shows: the form with the typed text and why it failed.
fn save_failed(mut page: EditorPage, error: AppError) -> Result<HttpResponse, AppError> {
    let status = match error {
        AppError::BadRequest(message) => {
            page.errors = message_list(&message);
            StatusCode::BAD_REQUEST
        }
        AppError::Conflict(message) => {
            page.errors = vec![message];
            StatusCode::CONFLICT
        }
        other => return Err(other),
    };
    Ok(page.render(status))
}

fn message_list(message: &str) -> Vec<String> {
    message
        .split_inclusive(". ")
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

async fn save(
    state: &AppState,
    user: &SignedIn,
    form: &ArticleForm,
    article: Option<ArticleId>,
) -> Result<HttpResponse, AppError> {
    let op = form.op()?;
    let content = form.content()?;
    let base = form.base()?;
    let draft_version = form.draft_version()?;
    match op {
        Op::Preview => {
            let mut page = editor_again(user, form, content.clone(), article);
            page.preview_html = Some(markdown::render(&content.body, content.references.len()));
            return Ok(page.render(StatusCode::OK));
        }
        Op::MoreRows => {
            return Ok(editor_again(user, form, content, article)
                .more_rows()
                .render(StatusCode::OK));
        }
        Op::Save | Op::Submit => {}
    }
    let caller = user.caller();
    let submit = op == Op::Submit;
    let input = content.clone();
    let outcome = state
        .run(move |ctx| match article {
            None => editing::create_article(ctx, &caller, &input, submit),
            Some(article) => editing::save_revision(
                ctx,
                &caller,
                &RevisionInput {
                    article,
                    base,
                    draft_version,
                    content: input,
                    submit,
                },
            ),
        })
        .await;
    match outcome {
        Ok(Saved {
            revision,
            submitted,
            ..
        }) => {
            let done = if submitted { "submitted" } else { "saved" };
            Ok(pages::see_other(&format!(
                "/manage/revisions/{revision}?done={done}"
            )))
        }
        Err(ServiceError::Refused(Refusal::ArticleMoved { newer, number })) => {
            // Nothing typed is lost, and the way forward is one click away.
            let mut page = editor_again(user, form, content, article);
            page.errors = vec![format!(
                "Revision {number} of this article was submitted after the revision you started from. Your text is kept below. Open revision {number} to see what changed, bring those changes into your text, then save again: your work will then be based on revision {number}."
            )];
            page.base = Some((newer, format!("revision {number}")));
            page.moved = Some(Moved { id: newer, number });
            Ok(page.render(StatusCode::CONFLICT))
        }
        Err(other) => save_failed(
            editor_again(user, form, content, article),
            AppError::from(other),
        ),
    }
}

/// `POST /manage/articles`
pub async fn create(
    state: web::Data<AppState>,
    user: SignedIn,
    form: CsrfForm<ArticleForm>,
) -> Result<HttpResponse, AppError> {
    save(&state, &user, &form.fields, None).await
}

/// `POST /manage/articles/{id}/revisions`
pub async fn save_revision(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    form: CsrfForm<ArticleForm>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(parse_id(&id, "article")?);
    save(&state, &user, &form.fields, Some(article)).await
}

/// `GET /manage/articles/{id}/edit`
pub async fn edit(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(parse_id(&id, "article")?);
    let caller = user.caller();
    let start = state
        .db(move |ctx| views::edit_start(ctx, &caller, article))
        .await?;
    let mut page = EditorPage::new(
        user.chrome("articles"),
        if start.draft.is_some() {
            "Continue your draft".into()
        } else {
            "Write a new revision".into()
        },
        format!("/manage/articles/{article}/revisions"),
        format!("/manage/articles/{article}"),
        start.content,
    );
    page.base = start
        .base
        .as_ref()
        .map(|b| (b.id, b.label().to_lowercase()));
    page.draft_version = start.draft.as_ref().map(|d| d.version);
    Ok(page.render(StatusCode::OK))
}

#[derive(Template)]
#[template(path = "workspace/article.html")]
struct ArticlePage {
    chrome: Chrome,
    timeline: Timeline,
    can_write: bool,
    is_admin: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ArticleQuery {
    done: Option<String>,
}

/// Answers an action on an article: back to its page with `done` when it worked; the page
/// again with the message when the input was refused (400) or came too late (409).
pub async fn article_outcome(
    state: &AppState,
    user: &SignedIn,
    article: ArticleId,
    outcome: Result<(), AppError>,
    done: &str,
) -> Result<HttpResponse, AppError> {
    let failure = match outcome {
        Ok(()) => {
            return Ok(pages::see_other(&format!(
                "/manage/articles/{article}?done={done}"
            )));
        }
        Err(AppError::BadRequest(message)) => (StatusCode::BAD_REQUEST, message),
        Err(AppError::Conflict(message)) => (StatusCode::CONFLICT, message),
        Err(other) => return Err(other),
    };
    article_page(state, user, article, None, Some(failure)).await
}

pub async fn article_page(
    state: &AppState,
    user: &SignedIn,
    article: ArticleId,
    notice: Option<&'static str>,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let timeline = state
        .db(move |ctx| views::timeline(ctx, &caller, article))
        .await?;
    let status = error.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    Ok(pages::html(
        status,
        &ArticlePage {
            chrome: user.chrome("articles"),
            timeline,
            can_write: user.has(crate::domain::roles::Role::Editor),
            is_admin: user.has(crate::domain::roles::Role::Admin),
            notice,
            error: error.map(|(_, m)| m),
        },
    ))
}

/// `GET /manage/articles/{id}`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(parse_id(&id, "article")?);
    let query: ArticleQuery = forms::query(&req)?;
    let notice = match query.done.as_deref() {
        Some("slug") => Some("Address saved."),
        Some("retracted") => Some(
            "Retracted: the public page now answers 410 and the article is out of search, the feed and the sitemap. Approving a new revision republishes it.",
        ),
        _ => None,
    };
    article_page(&state, &user, article, notice, None).await
}

#[derive(Deserialize)]
pub struct SlugForm {
    #[serde(default)]
    slug: String,
}

/// `POST /manage/articles/{id}/slug`: change the address before first publication.
pub async fn change_slug(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    form: CsrfForm<SlugForm>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(parse_id(&id, "article")?);
    let caller = user.caller();
    let slug = form.fields.slug;
    let outcome = state
        .db(move |ctx| editing::change_slug(ctx, &caller, article, &slug))
        .await;
    article_outcome(&state, &user, article, outcome, "slug").await
}
