//! `GET /manage/revisions/{id}/diff?against={id}&layout=inline|split`: what changed, word by
//! word, against the published revision or any other revision of the article.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::diff::{
    Block, Layout, RefChange, RevisionDiff, Span, VersionChange, VersionDiff, WordDiff,
};
use crate::ids::RevisionId;
use crate::services::diffs::{self, Basis, DiffInputs};
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::{SignedIn, forms};
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Deserialize, Default)]
pub struct DiffQuery {
    against: Option<String>,
    layout: Option<String>,
}

#[derive(Template)]
#[template(path = "workspace/diff.html")]
struct DiffPage {
    chrome: Chrome,
    inputs: DiffInputs,
    diff: RevisionDiff,
    /// The patient versions' changes, when either revision has one.
    patient: Option<VersionDiff>,
    split: bool,
}

impl DiffPage {
    fn against_label(&self) -> String {
        let Some((other, _)) = &self.inputs.against else {
            return "nothing: the article has never been published and this is its first revision, so everything is new".into();
        };
        let published = self.inputs.article.published_revision_id == Some(other.id);
        let why = match self.inputs.basis {
            Basis::SinceYourReview => "the one you last reviewed",
            Basis::Published => "the published version",
            Basis::Base => "the revision it was based on",
            Basis::Previous => "the previous revision",
            Basis::Chosen if published => "the published version",
            Basis::Chosen => return other.label().to_lowercase(),
        };
        format!("{} ({why})", other.label().to_lowercase())
    }

    /// The other comparisons, one click each: (label, link).
    fn alternatives(&self) -> Vec<(String, String)> {
        let current = self.inputs.against.as_ref().map(|(other, _)| other.id);
        self.inputs
            .offered
            .iter()
            .filter(|(_, id)| Some(*id) != current)
            .map(|(basis, id)| {
                let label = self
                    .inputs
                    .candidates
                    .iter()
                    .find(|r| r.id == *id)
                    .map(|r| r.label().to_lowercase())
                    .unwrap_or_else(|| format!("revision id {id}"));
                (
                    format!("Compare {} ({label})", basis.label()),
                    urls::diff_with(self.inputs.revision.id, Some(*id), None),
                )
            })
            .collect()
    }

    fn is_against(&self, id: &RevisionId) -> bool {
        self.inputs
            .against
            .as_ref()
            .is_some_and(|(r, _)| r.id == *id)
    }

    /// This page's address with another layout.
    fn layout_link(&self, layout: &str) -> String {
        let against = self.inputs.against.as_ref().map(|(other, _)| other.id);
        urls::diff_with(self.inputs.revision.id, against, Some(layout))
    }
}

fn layout_param(value: Option<&str>) -> Result<Option<Layout>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Layout::parse(v).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "There is no layout called '{v}' (use inline or split)."
            ))
        }),
    }
}

/// `GET /manage/revisions/{id}/diff`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = RevisionId(forms::path_id(&id, "revision")?);
    let query: DiffQuery = forms::query(&req)?;
    let against =
        forms::optional_number(query.against.as_deref().unwrap_or(""), "against")?.map(RevisionId);
    let layout = layout_param(query.layout.as_deref())?;
    let caller = user.caller();
    let inputs = state
        .db(move |ctx| diffs::inputs(ctx, &caller, id, against, layout))
        .await?;
    // The diff is CPU work: off the async workers, holding no connection.
    let (inputs, diff, patient) = web::block(move || {
        let diff = diffs::compute(&inputs);
        let patient = diffs::compute_patient(&inputs);
        (inputs, diff, patient)
    })
    .await?;
    let split = inputs.layout == Layout::Split;
    Ok(render::ok(&DiffPage {
        chrome: user.chrome("articles"),
        inputs,
        diff,
        patient,
        split,
    }))
}

/// Askama helpers for the template.
impl DiffPage {
    fn fields(&self) -> [(&'static str, &WordDiff); 4] {
        [
            ("Title", &self.diff.title),
            ("Short answer", &self.diff.summary),
            ("Note to reviewers", &self.diff.change_note),
            ("Public change summary", &self.diff.public_note),
        ]
    }

    fn patient_fields<'a>(&self, patient: &'a VersionDiff) -> [(&'static str, &'a WordDiff); 2] {
        [
            ("Title", &patient.diff.title),
            ("Short answer", &patient.diff.summary),
        ]
    }

    fn blocks(&self) -> &[Block] {
        &self.diff.body
    }

    /// What happened to the patient version, in words.
    fn patient_change(&self, patient: &VersionDiff) -> &'static str {
        match patient.change {
            VersionChange::Added => "Patient version added in this revision.",
            VersionChange::Removed => "Patient version removed in this revision.",
            VersionChange::Kept if patient.is_unchanged() => "Patient version unchanged.",
            VersionChange::Kept => "Patient version changed.",
        }
    }
}
