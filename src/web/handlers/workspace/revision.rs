//! `GET /manage/revisions/{id}` and `POST /manage/revisions/{id}/{action}`: one revision,
//! its references, reviews and discussion, and the actions this person may take on it.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::conversation::Anchor;
use crate::domain::disclosures::Declaration;
use crate::domain::problems::Problems;
use crate::domain::workflow::Action;
use crate::domain::{citations, markdown};
use crate::filters;
use crate::ids::{CommentId, RevisionId, UserId};
use crate::services::diffs::Basis;
use crate::services::read::{self, RevisionPage};
use crate::services::reviewing::{self, ActionInput};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{CsrfForm, SignedIn, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "workspace/revision.html")]
struct RevisionView {
    chrome: Chrome,
    page: RevisionPage,
    /// What was typed into a form that failed, and for which action, so it is not lost.
    typed: Option<(Action, String)>,
    /// The paragraph or reference the comment form is about (`?on=` from a "comment on
    /// this paragraph" link), with its description.
    comment_on: Option<(String, String)>,
    /// The declaration chosen and the conflict described in an approve form that failed.
    declared: Option<(String, String)>,
}

impl RevisionView {
    /// What the citations of both versions say about the references.
    fn citations(&self) -> citations::Check {
        let revision = &self.page.revision;
        let mut groups = markdown::citation_groups(&revision.body);
        if let Some(body) = &revision.patient_body {
            groups.extend(markdown::citation_groups(body));
        }
        citations::Check::of(&groups, self.page.references.len())
    }

    /// Citations naming a reference this revision does not have (it cannot be submitted).
    fn dangling_citations(&self) -> Option<String> {
        self.citations()
            .dangling_message(self.page.references.len())
    }

    /// References nothing cites.
    fn uncited_references(&self) -> Option<String> {
        self.citations().uncited_message()
    }

    /// Whether the workflow lets this person do `action` now.
    fn can(&self, action: Action) -> bool {
        self.page.actions.contains(&action)
    }

    /// The text typed into `action`'s form before it failed, to show again.
    fn typed_for(&self, action: Action) -> &str {
        match &self.typed {
            Some((failed, text)) if *failed == action => text,
            _ => "",
        }
    }

    /// Whether the approve form's declaration `choice` was the one sent before it failed.
    fn declared(&self, choice: &str) -> bool {
        self.declared
            .as_ref()
            .is_some_and(|(chosen, _)| chosen == choice)
    }

    /// The conflict described before the approve form failed.
    fn conflict_typed(&self) -> &str {
        self.declared.as_ref().map_or("", |(_, text)| text)
    }

    /// Whether `action`'s form is the one that just failed.
    fn failed(&self, action: Action) -> bool {
        self.typed
            .as_ref()
            .is_some_and(|(failed, _)| *failed == action)
    }

    /// Whether the caller's approval would be the last one needed.
    fn approving_publishes(&self) -> bool {
        self.page.approvals.one_more_publishes()
    }

    /// The link that puts a paragraph or reference into the comment form, without script.
    fn comment_on_link(&self, anchor: &str) -> String {
        format!(
            "{}#comment-form",
            urls::with_query(&urls::revision(self.page.revision.id), &[("on", anchor)])
        )
    }

    /// The anchor of reference `index` (0-based) and its number of threads.
    fn reference_anchor(&self, index: &usize) -> Option<(&str, usize)> {
        self.page
            .reference_anchors
            .get(*index)
            .map(|(anchor, threads)| (anchor.as_str(), *threads))
    }

    /// The id prefix of a paragraph or reference on this page.
    fn anchor_target(&self, noun: &str) -> &'static str {
        if noun == "reference" { "ref" } else { "block" }
    }

    /// The link that removes it again.
    fn comment_off_link(&self) -> String {
        format!("{}#comment-form", urls::revision(self.page.revision.id))
    }

    /// Where this revision's default comparison is named, for the diff link.
    fn compare_label(&self) -> String {
        match &self.page.compare {
            Some((Basis::SinceYourReview, _)) => "Changes since your last review",
            Some((Basis::Published, _)) | None => "Changes against live",
            Some((Basis::Base, _)) => "Changes against the revision it was based on",
            Some((Basis::Previous | Basis::Chosen, _)) => "Changes since the previous revision",
        }
        .to_owned()
    }

    fn is_published(&self) -> bool {
        self.page.article.published_revision_id == Some(self.page.revision.id)
    }
}

/// The page; after a failed action, with why and with what was typed into that action's form.
async fn revision_page(
    state: &AppState,
    user: &SignedIn,
    id: RevisionId,
    failed: Option<(Rejected, Action, String)>,
    on: Option<String>,
    declared: Option<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let page = state
        .db(move |ctx| read::revision_page(ctx, &caller, id))
        .await?;
    let comment_on = on.and_then(|on| describe_anchor(&page, &on).map(|label| (on, label)));
    let (chrome, typed) = match failed {
        Some((rejected, action, text)) => (
            user.chrome("articles").with_alerts(rejected.messages()),
            Some((action, text)),
        ),
        None => (user.chrome("articles"), None),
    };
    Ok(render::ok(&RevisionView {
        chrome,
        page,
        typed,
        comment_on,
        declared,
    }))
}

/// "paragraph 3: “…”" for an anchor of this revision, or `None` when it is not one.
fn describe_anchor(page: &RevisionPage, on: &str) -> Option<String> {
    let anchor = Anchor::parse(on)?;
    let references = &page.references;
    let number = anchor.locate(&page.revision.body, references)?;
    let excerpt = anchor.excerpt(&page.revision.body, references)?;
    Some(format!("{} {number}: “{excerpt}”", anchor.noun()))
}

#[derive(Deserialize)]
pub struct ShowQuery {
    on: Option<String>,
}

/// `GET /manage/revisions/{id}`
pub async fn show(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = RevisionId(forms::path_id(&id, "revision")?);
    let query: ShowQuery = forms::query(&req)?;
    let on = query.on.filter(|on| !on.is_empty());
    if let Some(on) = &on
        && Anchor::parse(on).is_none()
    {
        return Err(AppError::BadRequest(format!(
            "'{on}' is not a paragraph or reference of this revision."
        )));
    }
    revision_page(&state, &user, id, None, on, None).await
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    reviewer_id: String,
    #[serde(default)]
    anchor: String,
    /// With approve: `none` or `conflict`.
    #[serde(default)]
    declaration: String,
    /// With a declared conflict: its description.
    #[serde(default)]
    conflict: String,
    /// With approve: the checklist items ticked.
    #[serde(default)]
    checklist: Vec<String>,
    /// With request changes: the checklist items that fail.
    #[serde(default)]
    failing: Vec<String>,
    /// With assign: the due date (`YYYY-MM-DD`), or empty for the default.
    #[serde(default)]
    due: String,
    confirm: Option<String>,
}

/// `POST /manage/revisions/{id}/{action}`
pub async fn act(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(String, String)>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let (raw_id, raw_action) = path.into_inner();
    let id = RevisionId(forms::path_id(&raw_id, "revision")?);
    let action = Action::from_route(&raw_action)
        .ok_or_else(|| AppError::NotFound(format!("There is no action called '{raw_action}'.")))?;
    let fields = form.fields;
    let declared = Declaration::parse(&fields.declaration, &fields.conflict);
    let outcome = if action.needs_confirmation() && !forms::confirmed(fields.confirm.as_deref()) {
        // It cannot be undone: the form asks for a ticked box.
        Err(Problems::one("confirm", "Tick the box to confirm. Nothing was changed.").into())
    } else {
        match declared {
            Err(problems) => Err(problems.into()),
            Ok(declaration) => {
                let input = ActionInput {
                    text: fields.comment.clone(),
                    reply_to: forms::optional_number(&fields.reply_to, "reply_to")?.map(CommentId),
                    reviewer: forms::optional_number(&fields.reviewer_id, "reviewer_id")?
                        .map(UserId),
                    anchor: Some(fields.anchor.trim().to_owned()).filter(|a| !a.is_empty()),
                    expected_version: None,
                    declaration,
                    checklist: forms::ids(&fields.checklist, "checklist")?,
                    failing: forms::ids(&fields.failing, "failing")?,
                    due: forms::optional_date(&fields.due, "due")?,
                };
                let caller = user.caller();
                state
                    .db(move |ctx| reviewing::act(ctx, &caller, id, action, &input))
                    .await
            }
        }
    };
    answer_form(
        outcome,
        |_| render::see_other(&Notice::Acted(action).after(&urls::revision(id))),
        |rejected| {
            let on = Some(fields.anchor.trim().to_owned()).filter(|a| Anchor::parse(a).is_some());
            let declared = (action == Action::Approve)
                .then(|| (fields.declaration.clone(), fields.conflict.clone()));
            revision_page(
                &state,
                &user,
                id,
                Some((rejected, action, fields.comment)),
                on,
                declared,
            )
        },
    )
    .await
}
