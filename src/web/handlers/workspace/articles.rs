//! `GET /manage/articles`: the workspace list of articles, filtered by state, author and
//! title, 25 a page (keyset: each page starts after the previous page's last row), with the
//! caller's latest drafts above it.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::roles::Role;
use crate::domain::workflow::State;
use crate::filters;
use crate::services::read::{self, ArticleList, ArticleSearch};
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::{SignedIn, forms};
use crate::web::render::{self, Chrome, Pager};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 25;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    state: Option<String>,
    author: Option<String>,
    q: Option<String>,
    /// Where the page starts: the cursor of the previous page's last row.
    after: Option<String>,
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
    pager: Pager,
    can_write: bool,
}

/// `GET /manage/articles`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = forms::query(&req)?;
    let state_name = forms::non_empty(query.state.clone()).unwrap_or_default();
    let wanted_state =
        match state_name.as_str() {
            "" => None,
            name => Some(State::parse(name).ok_or_else(|| {
                AppError::BadRequest(format!("There is no state called '{name}'."))
            })?),
        };
    let author = forms::non_empty(query.author.clone()).unwrap_or_default();
    let title = forms::non_empty(query.q.clone()).unwrap_or_default();
    let after = forms::cursor(query.after.clone())?;
    let search = ArticleSearch {
        state: wanted_state,
        author: Some(author.clone()).filter(|a| !a.is_empty()),
        title: Some(title.clone()).filter(|t| !t.is_empty()),
    };
    let caller = user.caller();
    let list = state
        .db(move |ctx| read::article_list(ctx, &caller, &search, after, PAGE_SIZE))
        .await?;
    let alerts = list
        .unknown_author
        .iter()
        .map(|email| format!("No account has the email address '{email}'."))
        .collect();
    let link = |after: &str| {
        urls::with_query(
            &urls::articles(),
            &[
                ("state", &state_name),
                ("author", &author),
                ("q", &title),
                ("after", after),
            ],
        )
    };
    let pager = Pager::keyset(
        after.is_some().then(|| link("")),
        list.next.map(|c| link(&c.encode())),
    );
    let view = ListPage {
        chrome: user.chrome("articles").with_alerts(alerts),
        pager,
        list,
        states: State::listed()
            .into_iter()
            .map(|s| StateChoice {
                value: s.as_str(),
                label: s.label(),
                selected: s.as_str() == state_name,
            })
            .collect(),
        author,
        q: title,
        can_write: user.has(Role::Editor),
    };
    Ok(render::ok(&view))
}

#[derive(Deserialize, Default)]
pub struct DraftsQuery {
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "workspace/drafts.html")]
struct DraftsPage {
    chrome: Chrome,
    drafts: Vec<crate::db::revisions::RevisionLine>,
    pager: Pager,
}

/// `GET /manage/drafts`: the caller's drafts, most recently saved first, 50 a page.
pub async fn drafts(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: DraftsQuery = forms::query(&req)?;
    let after = forms::cursor(query.after)?;
    let caller = user.caller();
    let (drafts, next) = state
        .db(move |ctx| read::drafts(ctx, &caller, after, 50))
        .await?;
    let link = |after: &str| urls::with_query(&urls::drafts(), &[("after", after)]);
    Ok(render::ok(&DraftsPage {
        chrome: user.chrome("articles"),
        pager: Pager::keyset(
            after.is_some().then(|| link("")),
            next.map(|c| link(&c.encode())),
        ),
        drafts,
    }))
}
