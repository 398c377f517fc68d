//! The article editor: the form that creates articles and revisions, with a references
//! editor that works without JavaScript (rows to fill, a number to reorder, a box to remove,
//! a button for more rows) and a markdown preview. The handlers are in `writing`.

use std::collections::BTreeSet;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use crate::db::settings::Settings;
use crate::domain::audience::Audience;
use crate::domain::content::{self, ContentInput, Reference, ReferenceInput, ReferenceKind};
use crate::domain::diff::Span;
use crate::domain::markdown;
use crate::ids::{ArticleId, RevisionId, SpecialtyId};
use crate::services::conversation::Thread;
use crate::services::specialties::{self, Choice as SpecialtyChoice};
use crate::web::error::{AppError, Rejected};
use crate::web::extract::SignedIn;
use crate::web::extract::forms;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

/// Spare empty reference rows shown under the filled ones.
const SPARE_ROWS: usize = 2;

/// The editor form as posted.
#[derive(Deserialize, Default)]
pub struct ArticleForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub change_note: String,
    #[serde(default)]
    pub public_note: String,
    /// The patient version: all blank for none.
    #[serde(default)]
    pub patient_title: String,
    #[serde(default)]
    pub patient_summary: String,
    #[serde(default)]
    pub patient_body: String,
    #[serde(default)]
    pub base_revision_id: String,
    #[serde(default)]
    pub draft_version: String,
    #[serde(default)]
    pub ref_position: Vec<String>,
    #[serde(default)]
    pub ref_kind: Vec<String>,
    #[serde(default)]
    pub ref_title: Vec<String>,
    #[serde(default)]
    pub ref_source: Vec<String>,
    #[serde(default)]
    pub ref_year: Vec<String>,
    #[serde(default)]
    pub ref_url: Vec<String>,
    /// The bibliographic columns: a form that leaves one out entirely (a client written
    /// before they existed) has them blank in every row.
    #[serde(default)]
    pub ref_authors: Vec<String>,
    #[serde(default)]
    pub ref_volume_pages: Vec<String>,
    #[serde(default)]
    pub ref_doi: Vec<String>,
    #[serde(default)]
    pub ref_pmid: Vec<String>,
    #[serde(default)]
    pub ref_accessed: Vec<String>,
    /// Row numbers (as shown, 1-based) to drop.
    #[serde(default)]
    pub ref_remove: Vec<String>,
    /// The newer revision the person's text was merged with, when resolving conflicts.
    #[serde(default)]
    pub merge_with: String,
    /// One choice per merge conflict, in order ("mine", "theirs" or "both").
    #[serde(default)]
    pub choice: Vec<String>,
    /// The article's specialties (ids), one field per ticked box.
    #[serde(default)]
    pub specialty: Vec<String>,
    /// Present when the form showed the specialty boxes, so none ticked means none.
    #[serde(default)]
    pub specialties_shown: String,
    /// Which button was pressed.
    #[serde(default)]
    pub op: Op,
}

/// What the editor's buttons ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    #[default]
    Save,
    Submit,
    /// Show the form again with the body rendered.
    Preview,
    /// Show the form again with more empty reference rows (and the order applied).
    More,
    /// Apply the choices made on the merge page, and show the merged result.
    Resolve,
}

impl ArticleForm {
    pub fn base(&self) -> Result<Option<RevisionId>, AppError> {
        forms::optional_number(&self.base_revision_id, "base_revision_id")
            .map(|id| id.map(RevisionId))
    }

    pub fn merge_with(&self) -> Result<Option<RevisionId>, AppError> {
        forms::optional_number(&self.merge_with, "merge_with").map(|id| id.map(RevisionId))
    }

    /// The specialties ticked, when the form showed them (`None`: leave them as they are).
    pub fn specialties(&self) -> Result<Option<BTreeSet<SpecialtyId>>, AppError> {
        if self.specialties_shown.trim().is_empty() {
            return Ok(None);
        }
        self.specialty
            .iter()
            .map(|raw| match forms::optional_number(raw, "specialty")? {
                Some(id) => Ok(SpecialtyId(id)),
                None => Err(AppError::BadRequest(
                    "A specialty box was sent without its value.".into(),
                )),
            })
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Some)
    }

    pub fn draft_version(&self) -> Result<Option<i64>, AppError> {
        forms::optional_number(&self.draft_version, "draft_version")
    }

    /// The content, with reference rows in the order their numbers say and removed rows gone.
    pub fn content(&self) -> Result<ContentInput, AppError> {
        let rows = self.ref_kind.len();
        let columns = [
            self.ref_position.len(),
            self.ref_title.len(),
            self.ref_source.len(),
            self.ref_year.len(),
            self.ref_url.len(),
        ];
        let optional = [
            &self.ref_authors,
            &self.ref_volume_pages,
            &self.ref_doi,
            &self.ref_pmid,
            &self.ref_accessed,
        ];
        if columns.iter().any(|n| *n != rows)
            || optional.iter().any(|c| !c.is_empty() && c.len() != rows)
        {
            return Err(AppError::BadRequest(
                "The references in the form are incomplete: every row needs all its fields.".into(),
            ));
        }
        let removed: Vec<usize> = self
            .ref_remove
            .iter()
            .filter_map(|v| v.trim().parse::<usize>().ok())
            .collect();
        let mut ordered: Vec<(f64, usize, ReferenceInput)> = (0..rows)
            .filter(|i| !removed.contains(&(i + 1)))
            .map(|i| {
                // An unreadable number keeps the row where it was.
                let position = self.ref_position[i]
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|p| p.is_finite());
                (
                    position.unwrap_or(i as f64 + 1.0),
                    i,
                    ReferenceInput {
                        kind: self.ref_kind[i].clone(),
                        title: self.ref_title[i].clone(),
                        source: self.ref_source[i].clone(),
                        year: self.ref_year[i].clone(),
                        url: self.ref_url[i].clone(),
                        authors: cell(&self.ref_authors, i),
                        volume_pages: cell(&self.ref_volume_pages, i),
                        doi: cell(&self.ref_doi, i),
                        pmid: cell(&self.ref_pmid, i),
                        accessed: cell(&self.ref_accessed, i),
                    },
                )
            })
            .collect();
        ordered.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Ok(ContentInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            change_note: self.change_note.clone(),
            public_note: self.public_note.clone(),
            references: ordered.into_iter().map(|(_, _, r)| r).collect(),
            patient_title: self.patient_title.clone(),
            patient_summary: self.patient_summary.clone(),
            patient_body: self.patient_body.clone(),
        })
    }
}

/// Row `i` of an optional reference column (blank when the form left the column out).
fn cell(column: &[String], i: usize) -> String {
    column.get(i).cloned().unwrap_or_default()
}

/// The specialty boxes: the whole list, with the article's (or, when the form carried
/// them, the ticked ones) checked.
pub async fn specialty_choices(
    state: &AppState,
    user: &SignedIn,
    form: Option<&ArticleForm>,
    article: Option<ArticleId>,
) -> Result<Vec<SpecialtyChoice>, AppError> {
    let caller = user.caller();
    let (all, current) = state
        .db(move |ctx| specialties::for_editor(ctx, &caller, article))
        .await?;
    let chosen = match form.map(ArticleForm::specialties).transpose()?.flatten() {
        Some(ticked) => ticked,
        None => current,
    };
    Ok(specialties::choices(all, &chosen))
}

/// A kind choice in a reference row.
pub struct KindChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// One row of the references editor.
pub struct RefRow {
    /// 1-based, as shown.
    pub number: usize,
    pub kinds: Vec<KindChoice>,
    pub title: String,
    pub source: String,
    pub year: String,
    pub url: String,
    pub authors: String,
    pub volume_pages: String,
    pub doi: String,
    pub pmid: String,
    pub accessed: String,
}

pub(super) fn rows(references: &[ReferenceInput], spare: usize) -> Vec<RefRow> {
    let blank = ReferenceInput {
        kind: ReferenceKind::Research.as_str().to_owned(),
        ..ReferenceInput::default()
    };
    references
        .iter()
        .filter(|r| !r.is_blank())
        .chain(std::iter::repeat_n(&blank, spare))
        .enumerate()
        .map(|(i, r)| RefRow {
            number: i + 1,
            kinds: ReferenceKind::ALL
                .into_iter()
                .map(|k| KindChoice {
                    value: k.as_str(),
                    label: k.label(),
                    selected: k.as_str() == r.kind,
                })
                .collect(),
            title: r.title.clone(),
            source: r.source.clone(),
            year: r.year.clone(),
            url: r.url.clone(),
            authors: r.authors.clone(),
            volume_pages: r.volume_pages.clone(),
            doi: r.doi.clone(),
            pmid: r.pmid.clone(),
            accessed: r.accessed.clone(),
        })
        .collect()
}

/// What a merge took from a newer revision, shown above the merged text before it is saved.
pub struct MergeNote {
    /// "revision 18 by Sam Lee".
    pub from: String,
    pub from_id: RevisionId,
    /// Each part the merge changed in the person's text, with its words.
    pub taken: Vec<Taken>,
    /// How many conflicts the person chose for.
    pub resolved: usize,
}

/// One part of the text the merge changed: where, and the words added and removed.
pub struct Taken {
    pub place: String,
    pub spans: Vec<Span>,
}

#[derive(Template)]
#[template(path = "workspace/editor.html")]
pub struct EditorPage {
    pub chrome: Chrome,
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    /// Where "cancel" goes.
    pub back: String,
    pub base: Option<(RevisionId, String)>,
    pub draft_version: Option<i64>,
    pub content: ContentInput,
    pub rows: Vec<RefRow>,
    /// The unsaved text as readers would see it, when previewing.
    pub preview: Option<Preview>,
    /// The text was just merged with a newer revision: what the merge took from it.
    pub merged: Option<MergeNote>,
    /// Open threads of the review conversation, shown beside the editor when revising.
    pub threads: Vec<Thread>,
    /// Why the last save was not accepted, field by field.
    pub rejected: Option<Rejected>,
    /// The article's specialty boxes (empty when the site keeps no specialties).
    pub specialties: Vec<SpecialtyChoice>,
}

impl EditorPage {
    pub fn new(
        chrome: Chrome,
        heading: String,
        action: String,
        back: String,
        content: ContentInput,
    ) -> Self {
        let rows = rows(&content.references, SPARE_ROWS);
        Self {
            chrome,
            heading,
            action,
            back,
            base: None,
            draft_version: None,
            content,
            rows,
            preview: None,
            merged: None,
            threads: Vec::new(),
            rejected: None,
            specialties: Vec::new(),
        }
    }

    pub fn with_specialties(mut self, choices: Vec<SpecialtyChoice>) -> Self {
        self.specialties = choices;
        self
    }

    pub fn more_rows(mut self) -> Self {
        self.rows = rows(&self.content.references, SPARE_ROWS + 3);
        self
    }

    /// Shows why the save was not accepted, keeping what was typed.
    pub fn rejected(mut self, rejected: Rejected) -> Self {
        self.chrome = self.chrome.with_alerts(rejected.messages());
        self.rejected = Some(rejected);
        self
    }

    /// Whether the patient version's fields start open: it has text, or a problem.
    pub fn patient_open(&self) -> bool {
        let c = &self.content;
        [&c.patient_title, &c.patient_summary, &c.patient_body]
            .iter()
            .any(|t| !t.trim().is_empty())
            || ["patient_title", "patient_summary", "patient_body"]
                .iter()
                .any(|f| self.invalid(f))
    }

    /// Whether the field `field` has a problem to fix.
    pub fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }

    pub fn render(&self, status: StatusCode) -> HttpResponse {
        render::html(status, self)
    }
}

/// One version of the unsaved text laid out as the public page shows it.
pub struct PreviewVersion {
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub disclaimer: String,
}

/// The unsaved text as readers would see it: the clinician version, the patient version
/// when there is one, and the references as the public page numbers them.
pub struct Preview {
    pub clinician: PreviewVersion,
    pub patient: Option<PreviewVersion>,
    pub references: Vec<Reference>,
    /// Rows that are not references yet (what saving would say about them).
    pub problems: Vec<String>,
}

impl Preview {
    /// The preview of `content`, with the site's disclaimers from `settings`.
    pub fn of(content: &ContentInput, settings: &Settings) -> Self {
        let rows: Vec<&ReferenceInput> = content
            .references
            .iter()
            .filter(|r| !r.is_blank())
            .collect();
        let mut references = Vec::new();
        let mut problems = Vec::new();
        for (n, row) in rows.iter().enumerate() {
            match content::reference(row) {
                Ok(reference) => references.push(reference),
                Err(found) => problems.extend(
                    found
                        .into_iter()
                        .map(|problem| format!("Reference {}: {problem}", n + 1)),
                ),
            }
        }
        let count = rows.len();
        let version = |title: &str, summary: &str, body: &str, audience| PreviewVersion {
            title: title.trim().to_owned(),
            summary: summary.trim().to_owned(),
            body_html: markdown::render(body, count),
            disclaimer: settings.disclaimer_for(audience).to_owned(),
        };
        let has_patient = [
            &content.patient_title,
            &content.patient_summary,
            &content.patient_body,
        ]
        .iter()
        .any(|t| !t.trim().is_empty());
        Preview {
            clinician: version(
                &content.title,
                &content.summary,
                &content.body,
                Audience::Clinician,
            ),
            patient: has_patient.then(|| {
                version(
                    &content.patient_title,
                    &content.patient_summary,
                    &content.patient_body,
                    Audience::Patient,
                )
            }),
            references,
            problems,
        }
    }
}
