//! `GET /manage/articles/{id}`: one article's timeline of revisions, and the forms on it:
//! changing its address before first publication (`POST .../slug`) and, for admins,
//! retracting it (`POST /admin/articles/{id}/retract`, in `admin::retract`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::disclosures::Declaration;
use crate::domain::roles::Role;
use crate::filters;
use crate::ids::ArticleId;
use crate::services::ServiceResult;
use crate::services::editing;
use crate::services::read::{self, Timeline};
use crate::services::recertifying::{self, RecertifyInput, Round};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, SignedIn, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "workspace/article.html")]
struct ArticlePage {
    chrome: Chrome,
    timeline: Timeline,
    can_write: bool,
    is_admin: bool,
    /// The periodic review round of a live article.
    round: Option<Round>,
}

/// The article page, with the alerts of a form on it that was not accepted.
async fn page(
    state: &AppState,
    user: &SignedIn,
    article: ArticleId,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let (timeline, round) = state
        .db(move |ctx| {
            let timeline = read::timeline(ctx, &caller, article)?;
            Ok((timeline, recertifying::round(ctx, &caller, article)?))
        })
        .await?;
    let chrome = match rejected {
        Some(rejected) => user.chrome("articles").with_alerts(rejected.messages()),
        None => user.chrome("articles"),
    };
    Ok(render::ok(&ArticlePage {
        chrome,
        timeline,
        can_write: user.has(Role::Editor),
        is_admin: user.has(Role::Admin),
        round,
    }))
}

/// Answers a form on the article page: back to it with `done` when it worked, the page
/// again with why when it was not accepted.
pub async fn answer(
    state: &AppState,
    user: &SignedIn,
    article: ArticleId,
    outcome: ServiceResult<()>,
    done: Notice,
) -> Result<HttpResponse, AppError> {
    answer_form(
        outcome,
        |()| render::see_other(&done.after(&urls::article(article))),
        |rejected| page(state, user, article, Some(rejected)),
    )
    .await
}

/// `GET /manage/articles/{id}`
pub async fn show(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(forms::path_id(&id, "article")?);
    page(&state, &user, article, None).await
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
    let article = ArticleId(forms::path_id(&id, "article")?);
    let caller = user.caller();
    let slug = form.fields.slug;
    let outcome = state
        .db(move |ctx| editing::change_slug(ctx, &caller, article, &slug))
        .await;
    answer(&state, &user, article, outcome, Notice::AddressSaved).await
}

#[derive(Deserialize)]
pub struct RecertifyForm {
    #[serde(default)]
    declaration: String,
    #[serde(default)]
    conflict: String,
    #[serde(default)]
    checklist: Vec<String>,
    #[serde(default)]
    note: String,
}

/// `POST /manage/articles/{id}/recertify`: confirm the published version unchanged at its
/// periodic review.
pub async fn recertify(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    form: CsrfForm<RecertifyForm>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(forms::path_id(&id, "article")?);
    let fields = form.fields;
    let outcome = match Declaration::parse(&fields.declaration, &fields.conflict) {
        Err(problems) => Err(problems.into()),
        Ok(declaration) => {
            let input = RecertifyInput {
                declaration,
                checklist: forms::ids(&fields.checklist, "checklist")?,
                note: fields.note,
            };
            let caller = user.caller();
            state
                .db(move |ctx| recertifying::recertify(ctx, &caller, article, &input))
                .await
        }
    };
    answer_form(
        outcome,
        |completed| {
            let done = if completed {
                Notice::ReviewCompleted
            } else {
                Notice::Recertified
            };
            render::see_other(&done.after(&urls::article(article)))
        },
        |rejected| page(&state, &user, article, Some(rejected)),
    )
    .await
}
