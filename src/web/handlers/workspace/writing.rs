//! Writing: `GET /manage/articles/new`, `POST /manage/articles` (a new article),
//! `GET /manage/articles/{id}/edit` and `POST /manage/articles/{id}/revisions` (a new
//! revision, or the caller's draft continued). Preview and "more rows" show the editor again
//! without saving; a save that is not accepted shows it again with everything typed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::editor::{ArticleForm, EditorPage, Op, Preview, specialty_choices};
use super::merging;
use crate::domain::content::ContentInput;
use crate::domain::roles::Role;
use crate::domain::workflow::Action;
use crate::ids::ArticleId;
use crate::services::Refusal;
use crate::services::editing::{self, RevisionInput, Saved};
use crate::services::{public, read};
use crate::urls;
use crate::web::error::{AppError, answer_form};
use crate::web::extract::{CsrfForm, SignedIn, forms};
use crate::web::notice::Notice;
use crate::web::render;
use crate::web::state::AppState;

/// `GET /manage/articles/new`
pub async fn new(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    user.require(Role::Editor)?;
    let specialties = specialty_choices(&state, &user, None, None).await?;
    let content = ContentInput {
        change_note: "First version.".into(),
        ..ContentInput::default()
    };
    let page = EditorPage::new(
        user.chrome("articles"),
        "New article".into(),
        urls::articles(),
        urls::articles(),
        content,
    )
    .with_specialties(specialties);
    Ok(page.render(StatusCode::OK))
}

/// The editor again with what was posted: for previews, more rows, and refusals.
fn editor_again(
    user: &SignedIn,
    form: &ArticleForm,
    content: ContentInput,
    article: Option<ArticleId>,
) -> EditorPage {
    let (heading, action, back) = match article {
        Some(id) => (
            "Write a new revision".to_owned(),
            urls::article_revisions(id),
            urls::article(id),
        ),
        None => ("New article".to_owned(), urls::articles(), urls::articles()),
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

async fn save(
    state: &AppState,
    user: &SignedIn,
    form: &ArticleForm,
    article: Option<ArticleId>,
) -> Result<HttpResponse, AppError> {
    let content = form.content()?;
    let base = form.base()?;
    let draft_version = form.draft_version()?;
    let chosen = form.specialties()?;
    let again = |content| async {
        let choices = specialty_choices(state, user, Some(form), article).await?;
        Ok::<_, AppError>(editor_again(user, form, content, article).with_specialties(choices))
    };
    match form.op {
        Op::Preview => {
            let settings = state.db(public::settings).await?;
            let mut page = again(content.clone()).await?;
            page.preview = Some(Preview::of(&content, &settings));
            return Ok(page.render(StatusCode::OK));
        }
        Op::More => {
            return Ok(again(content).await?.more_rows().render(StatusCode::OK));
        }
        Op::Resolve => {
            let article = article.ok_or_else(|| {
                AppError::BadRequest("There is nothing to merge for a new article.".into())
            })?;
            return merging::merge_step(state, user, form, content, article, true).await;
        }
        Op::Save | Op::Submit => {}
    }
    let caller = user.caller();
    let submit = form.op == Op::Submit;
    let input = content.clone();
    let outcome = state
        .db(move |ctx| match article {
            None => editing::create_classified(
                ctx,
                &caller,
                &input,
                &chosen.clone().unwrap_or_default(),
                submit,
            ),
            Some(article) => editing::save_revision(
                ctx,
                &caller,
                &RevisionInput {
                    article,
                    base,
                    draft_version,
                    content: input,
                    specialties: chosen.clone(),
                    submit,
                },
            ),
        })
        .await;
    answer_form(
        outcome,
        |Saved {
             revision,
             submitted,
             ..
         }| {
            let done = if submitted {
                Notice::Acted(Action::Submit)
            } else {
                Notice::DraftSaved
            };
            render::see_other(&done.after(&urls::revision(revision)))
        },
        |rejected| async move {
            // Nothing typed is lost. When the article moved on, the text is merged with the
            // newer revision and shown (or its conflicts are) before anything is saved.
            if let (Some(&Refusal::ArticleMoved { .. }), Some(article)) =
                (rejected.refusal(), article)
            {
                return merging::merge_step(state, user, form, content, article, false).await;
            }
            let page = again(content).await?;
            Ok(page.rejected(rejected).render(StatusCode::OK))
        },
    )
    .await
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
    let article = ArticleId(forms::path_id(&id, "article")?);
    save(&state, &user, &form.fields, Some(article)).await
}

/// `GET /manage/articles/{id}/edit`
pub async fn edit(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(forms::path_id(&id, "article")?);
    let caller = user.caller();
    let start = state
        .db(move |ctx| read::edit_start(ctx, &caller, article))
        .await?;
    let specialties = specialty_choices(&state, &user, None, Some(article)).await?;
    let heading = if start.draft.is_some() {
        "Continue your draft"
    } else {
        "Write a new revision"
    };
    let mut page = EditorPage::new(
        user.chrome("articles"),
        heading.into(),
        urls::article_revisions(article),
        urls::article(article),
        start.content,
    )
    .with_specialties(specialties);
    page.base = start
        .base
        .as_ref()
        .map(|b| (b.id, b.label().to_lowercase()));
    page.draft_version = start.draft.as_ref().map(|d| d.version);
    page.threads = start.open_threads;
    Ok(page.render(StatusCode::OK))
}
