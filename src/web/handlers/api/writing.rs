//! The editor's half of the API: `POST /api/v1/articles` (a new article),
//! `POST /api/v1/articles/{id}/revisions` (a new revision, merged as in the browser when the
//! article moved on since its base) and `GET /api/v1/articles/{id}/revisions` (the article
//! as the workspace shows it). The same use cases as the editor's pages, so the same rules,
//! audit rows and emails.
//!
//! The request schemas say exactly what the content checks take (lengths, control
//! characters, blank fields), so a program can validate before sending; what the schema
//! cannot say (a blank title after trimming, say) is refused with 422 and the field.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{Answer, Idempotent, JsonBody};
use super::utc;
use crate::domain::content::{
    BODY_MAX, CHANGE_NOTE_MAX, ContentInput, REFERENCE_SOURCE_MAX, REFERENCE_TITLE_MAX,
    REFERENCES_MAX, ReferenceInput, SUMMARY_MAX, TITLE_MAX, URL_MAX,
};
use crate::domain::merge::{Place, Side};
use crate::domain::problems::Problems;
use crate::ids::{ArticleId, RevisionId};
use crate::services::editing::{self, RevisionInput, Saved};
use crate::services::merging::{self, Merging};
use crate::services::read::{self, Timeline};
use crate::services::{Refusal, ServiceError};
use crate::urls;
use crate::web::error::{AppError, MergeConflict, MergeConflicts, Problem};
use crate::web::extract::bearer::Token;
use crate::web::extract::forms;
use crate::web::state::AppState;

// The patterns say what `domain::content::validate` takes, in the regular expressions of
// JSON Schema: W is the white space `str::trim` removes, C the control characters. A title
// is optional white space, text without control characters other than tab and line feed
// ending in a character that is not white space, optional white space.

/// Declares a request body holding a revision's content, with the fields given before
/// it. (One struct per body rather than `#[serde(flatten)]`, which unknown fields defeat.)
macro_rules! content_body {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($extra)*

    /// The question the article answers (1 to 200 characters once trimmed).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub title: String,
    /// The short answer shown under the title.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub summary: String,
    /// The article in Markdown; cites references by number (`[1]`).
    #[schema(
        min_length = 1,
        max_length = 200000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: String,
    /// What changed and why, for the reviewers only: never shown to the public.
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub change_note: String,
    /// What changed, in one line for readers: shown on the public history (and in the
    /// public API) once approved; blank or absent means "Editorial update". Reviewers
    /// approve it with the text.
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub public_note: String,
    /// The references, in the order the body numbers them.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub references: Vec<ReferenceIn>,
    /// The patient version (plain language for patients and caregivers), reviewed and
    /// approved with the rest; null or absent when the revision has none.
    #[serde(default)]
    pub patient: Option<PatientIn>,
            /// Submit it for review at once (else it is saved as the token account's draft
            /// of the article, replacing the text of the draft it may have).
            #[serde(default)]
            pub submit: bool,
        }

        impl $name {
            fn content(&self) -> ContentFields<'_> {
                ContentFields {
                    title: &self.title,
                    summary: &self.summary,
                    body: &self.body,
                    change_note: &self.change_note,
                    public_note: &self.public_note,
                    references: &self.references,
                    patient: self.patient.as_ref(),
                }
            }
        }
    };
}

content_body!(
    /// A new article: its first revision's content, saved as a draft or submitted at once.
    NewArticle {}
);

content_body!(
    /// A new revision of an article.
    NewRevision {
        /// The submitted revision this text was written from (`revision_id` of an earlier
        /// answer, or of `GET /api/v1/articles/{id}/revisions`); null or absent when it was
        /// written from nothing. When the article has moved on since, the text is merged
        /// with the newer revision: a clean merge is saved (`merged_with_revision_id` says
        /// so), conflicts are answered 409 with the conflicts and nothing is saved.
        #[schema(minimum = 1)]
        #[serde(default, deserialize_with = "super::body::whole")]
        pub base_revision_id: Option<i64>,
    }
);

/// The content fields of a request body.
struct ContentFields<'a> {
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    change_note: &'a str,
    public_note: &'a str,
    references: &'a [ReferenceIn],
    patient: Option<&'a PatientIn>,
}

/// A patient version as sent: the same checks as the clinician text's.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientIn {
    /// The patient version's title, in plain language (1 to 200 characters once trimmed).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub title: String,
    /// The patient version's short answer.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\t\n \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub summary: String,
    /// The patient version in Markdown; cites the same references by number (`[1]`).
    #[schema(
        min_length = 1,
        max_length = 200000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: String,
}

/// A reference as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceIn {
    pub kind: ReferenceKindIn,
    /// 1 to 500 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u001F\u007F-\u009F \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub title: String,
    /// The journal, body or label it comes from.
    #[serde(default)]
    #[schema(
        max_length = 300,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u001F\u007F-\u009F \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub source: String,
    #[schema(minimum = 1800, maximum = 2100)]
    #[serde(default, deserialize_with = "super::body::whole")]
    pub year: Option<i32>,
    /// A web address (https:// or http://).
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*(https?://[^\u0000-\u001F\u007F-\u009F \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)?[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub url: Option<String>,
    /// Its authors in order, as the work lists them ("Baden LR"); at most 100.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Volume, issue and pages ("384(5):403-16"), at most 100 characters.
    #[serde(default)]
    pub volume_pages: String,
    /// A DOI, bare (`10.1056/NEJMoa2035389`) or as a doi.org address; checked by its form
    /// only (this server looks nothing up).
    #[serde(default)]
    pub doi: Option<String>,
    /// A PubMed identifier: up to eight digits.
    #[serde(default)]
    pub pmid: Option<String>,
    /// When the linked page was read, as YYYY-MM-DD.
    #[serde(default)]
    pub accessed: Option<String>,
}

/// What kind of source a reference is.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKindIn {
    Guideline,
    DrugLabel,
    Research,
    Other,
}

impl ReferenceKindIn {
    fn as_str(self) -> &'static str {
        match self {
            ReferenceKindIn::Guideline => "guideline",
            ReferenceKindIn::DrugLabel => "drug_label",
            ReferenceKindIn::Research => "research",
            ReferenceKindIn::Other => "other",
        }
    }
}

fn too_long(problems: &mut Problems, field: String, value: &str, max: usize) {
    if value.chars().count() > max {
        problems.push(
            field,
            format!("At most {max} characters are taken here (as sent, white space included)."),
        );
    }
}

impl ContentFields<'_> {
    /// The content as the use cases take it. Lengths count as sent (the document's
    /// `maxLength`); the rest is `domain::content::validate`'s, answered 422.
    fn input(&self) -> Result<ContentInput, AppError> {
        let mut problems = Problems::new();
        too_long(&mut problems, "title".into(), self.title, TITLE_MAX);
        too_long(&mut problems, "summary".into(), self.summary, SUMMARY_MAX);
        too_long(&mut problems, "body".into(), self.body, BODY_MAX);
        too_long(
            &mut problems,
            "change_note".into(),
            self.change_note,
            CHANGE_NOTE_MAX,
        );
        too_long(
            &mut problems,
            "public_note".into(),
            self.public_note,
            CHANGE_NOTE_MAX,
        );
        if let Some(p) = self.patient {
            too_long(&mut problems, "patient.title".into(), &p.title, TITLE_MAX);
            too_long(
                &mut problems,
                "patient.summary".into(),
                &p.summary,
                SUMMARY_MAX,
            );
            too_long(&mut problems, "patient.body".into(), &p.body, BODY_MAX);
        }
        if self.references.len() > REFERENCES_MAX {
            problems.push(
                "references",
                format!("At most {REFERENCES_MAX} references are allowed."),
            );
        }
        for (n, r) in self.references.iter().enumerate() {
            let field = |name: &str| format!("references.{n}.{name}");
            too_long(&mut problems, field("title"), &r.title, REFERENCE_TITLE_MAX);
            too_long(
                &mut problems,
                field("source"),
                &r.source,
                REFERENCE_SOURCE_MAX,
            );
            too_long(
                &mut problems,
                field("url"),
                r.url.as_deref().unwrap_or_default(),
                URL_MAX,
            );
            // A form's empty row is skipped; a reference sent empty is a mistake.
            if r.title.trim().is_empty() {
                problems.push(field("title"), "Enter the reference's title.");
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Unprocessable(problems));
        }
        Ok(ContentInput {
            title: self.title.to_owned(),
            summary: self.summary.to_owned(),
            body: self.body.to_owned(),
            change_note: self.change_note.to_owned(),
            public_note: self.public_note.to_owned(),
            references: self
                .references
                .iter()
                .map(|r| ReferenceInput {
                    kind: r.kind.as_str().to_owned(),
                    title: r.title.clone(),
                    source: r.source.clone(),
                    year: r.year.map(|y| y.to_string()).unwrap_or_default(),
                    url: r.url.clone().unwrap_or_default(),
                    authors: r.authors.join("\n"),
                    volume_pages: r.volume_pages.clone(),
                    doi: r.doi.clone().unwrap_or_default(),
                    pmid: r.pmid.clone().unwrap_or_default(),
                    accessed: r.accessed.clone().unwrap_or_default(),
                })
                .collect(),
            patient_title: self.patient.map(|p| p.title.clone()).unwrap_or_default(),
            patient_summary: self.patient.map(|p| p.summary.clone()).unwrap_or_default(),
            patient_body: self.patient.map(|p| p.body.clone()).unwrap_or_default(),
        })
    }
}

/// What a write saved.
#[derive(Serialize, ToSchema)]
pub struct SavedRevision {
    pub article_id: i64,
    pub revision_id: i64,
    /// draft or submitted.
    pub state: String,
    /// When the base was behind the article: the revision the text was merged with (the
    /// saved text is the merge).
    pub merged_with_revision_id: Option<i64>,
    /// The revision's page in the workspace.
    pub url: String,
    /// The revision in the API (its state, reviews and conversation).
    pub api_url: String,
    /// The article in the API (its revisions).
    pub article_api_url: String,
}

fn saved(
    saved: Saved,
    merged_with: Option<RevisionId>,
    status: StatusCode,
) -> Result<Answer, AppError> {
    let api_url = urls::api_revision(saved.revision);
    let body = SavedRevision {
        article_id: saved.article.0,
        revision_id: saved.revision.0,
        state: if saved.submitted {
            "submitted"
        } else {
            "draft"
        }
        .to_owned(),
        merged_with_revision_id: merged_with.map(|r| r.0),
        url: urls::revision(saved.revision),
        api_url: api_url.clone(),
        article_api_url: urls::api_article_revisions(saved.article),
    };
    Ok(Answer::json(status, &body)?.at(api_url))
}

/// A refusal of bad content is 422 in the API (the body was well-formed JSON).
fn unprocessable(error: ServiceError) -> AppError {
    match error {
        ServiceError::Invalid(problems) => AppError::Unprocessable(problems),
        other => other.into(),
    }
}

/// Creates an article (and its first revision) as the token's account.
#[utoipa::path(
    post,
    path = "/api/v1/articles",
    operation_id = "createArticle",
    tag = "writing",
    request_body(content = NewArticle, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a request repeated with the same key gets the first answer again and does nothing twice (keys are kept a day, per token).", max_length = 255, pattern = r"^[!-~]+$")),
    security(("token" = [])),
    responses(
        (status = 201, description = "Saved; `Location` is the new revision in the API.", body = SavedRevision,
            headers(("Location" = String, description = "The new revision in the API."))),
        (status = 400, description = "The body is not JSON, or the Idempotency-Key is malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token has no `write` scope, or its account is not an editor.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Too many articles share the title, or a request with this Idempotency-Key is still being answered.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 2 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/json`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The content is refused: `errors` names each field.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: Token,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let body = JsonBody::<NewArticle>::read(&req, payload).await?;
    let once = Idempotent::of(&req, &token, &body)?;
    let input = body.value.content().input()?;
    let submit = body.value.submit;
    let caller = token.actor();
    once.run(&state, move |ctx| {
        let done = editing::create_article(ctx, &caller, &input, submit).map_err(unprocessable)?;
        saved(done, None, StatusCode::CREATED)
    })
    .await
}

/// The conflicts of a merge, as the API answers them.
fn conflicts(merging: &Merging) -> Vec<MergeConflict> {
    let text = |side: &Side| match side {
        Side::Text(text) => text.clone(),
        Side::References(references) => references
            .iter()
            .map(|r| {
                let mut line = r.title.clone();
                for part in [
                    Some(r.source.clone()),
                    r.year.map(|y| y.to_string()),
                    r.url.clone(),
                ]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                {
                    line.push_str(". ");
                    line.push_str(&part);
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    merging
        .merged
        .conflicts()
        .into_iter()
        .map(|c| {
            let (field, at) = match c.place {
                Place::Title => ("title", None),
                Place::Summary => ("summary", None),
                Place::Body { block } => ("body", u32::try_from(block).ok()),
                Place::References { number } => ("references", u32::try_from(number).ok()),
                Place::PatientTitle => ("patient.title", None),
                Place::PatientSummary => ("patient.summary", None),
                Place::PatientBody { block } => ("patient.body", u32::try_from(block).ok()),
            };
            MergeConflict {
                field: field.to_owned(),
                place: c.place.label(),
                at,
                mine: text(&c.mine),
                theirs: text(&c.theirs),
            }
        })
        .collect()
}

/// Saves a new revision of an article as the token's account: merged with the newer
/// revision when the article moved on since `base_revision_id`, refused with the conflicts
/// when the merge has any.
#[utoipa::path(
    post,
    path = "/api/v1/articles/{id}/revisions",
    operation_id = "createRevision",
    tag = "writing",
    params(
        ("id" = i64, Path, description = "The article's id.", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a request repeated with the same key gets the first answer again and does nothing twice (keys are kept a day, per token).", max_length = 255, pattern = r"^[!-~]+$"),
    ),
    request_body(content = NewRevision, content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Saved; `Location` is the revision in the API.", body = SavedRevision,
            headers(("Location" = String, description = "The revision in the API."))),
        (status = 400, description = "The body is not JSON, or the Idempotency-Key is malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token has no `write` scope, or its account is not an editor.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (or base revision) that the account may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article moved on and the merge has conflicts (listed in `conflicts`, with `newer_revision_id`), or another save raced this one. Nothing was saved.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 2 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/json`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The content is refused: `errors` names each field.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn create_revision(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: Token,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(
        forms::path_id(&id, "article")
            .map_err(|_| AppError::NotFound("No such article.".into()))?,
    );
    let body = JsonBody::<NewRevision>::read(&req, payload).await?;
    let once = Idempotent::of(&req, &token, &body)?;
    let (base_revision_id, submit) = (body.value.base_revision_id, body.value.submit);
    if base_revision_id.is_some_and(|id| id < 1) {
        return Err(AppError::Unprocessable(Problems::one(
            "base_revision_id",
            "A revision id is a whole number from 1.",
        )));
    }
    let input = body.value.content().input()?;
    let caller = token.actor();
    once.run(&state, move |ctx| {
        let mut base = base_revision_id.map(RevisionId);
        let mut content = input;
        let mut merged_with = None;
        // A merge that another submission overtakes is merged again, a few times at most.
        for _ in 0..3 {
            let saving = RevisionInput {
                article,
                base,
                draft_version: None,
                content: content.clone(),
                specialties: None,
                submit,
            };
            match editing::save_revision(ctx, &caller, &saving) {
                Ok(done) => return saved(done, merged_with, StatusCode::CREATED),
                Err(ServiceError::Refused(Refusal::ArticleMoved { .. })) => {}
                Err(other) => return Err(unprocessable(other)),
            }
            let Some(merging) =
                merging::merge(ctx, &caller, article, base, &content).map_err(unprocessable)?
            else {
                continue;
            };
            match merging.merged.content() {
                Some(result) => {
                    content = ContentInput::from(&result);
                    base = Some(merging.newer.id);
                    merged_with = Some(merging.newer.id);
                }
                None => {
                    return Err(AppError::MergeConflict(Box::new(MergeConflicts {
                        newer_revision_id: merging.newer.id.0,
                        newer_number: merging.newer.number.unwrap_or_default(),
                        newer_author: merging.newer_author.clone(),
                        conflicts: conflicts(&merging),
                    })));
                }
            }
        }
        Err(ServiceError::Contended.into())
    })
    .await
}

/// An article as the workspace shows it.
#[derive(Serialize, ToSchema)]
pub struct ArticleWorkspace {
    pub article_id: i64,
    pub slug: String,
    /// The title of its newest submitted revision (or of the caller's draft).
    pub title: String,
    /// The revision on the public site, if any.
    pub published_revision_id: Option<i64>,
    /// The newest submitted revision, whatever its state.
    pub current_revision_id: Option<i64>,
    /// Taken off the public site.
    pub retracted: bool,
    /// Its public page, once published.
    pub public_url: Option<String>,
    /// Its page in the workspace.
    pub url: String,
    /// Its revisions the account may see, newest first (with the account's own draft).
    pub revisions: Vec<RevisionSummary>,
}

/// A revision in an article's list.
#[derive(Serialize, ToSchema)]
pub struct RevisionSummary {
    pub revision_id: i64,
    /// Its number among the submitted revisions; null for a draft.
    pub number: Option<i32>,
    /// draft, submitted, under_review, changes_requested, approved, rejected, withdrawn or
    /// superseded.
    pub state: String,
    pub title: String,
    pub author: String,
    pub change_note: String,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// This is the revision on the public site.
    pub published: bool,
    pub reviews: Vec<Verdict>,
    /// The revision in the API.
    pub api_url: String,
}

/// A reviewer's verdict.
#[derive(Serialize, ToSchema)]
pub struct Verdict {
    pub reviewer: String,
    /// approve, request_changes, reject or comment.
    pub verdict: String,
    pub at: DateTime<Utc>,
}

fn workspace(t: Timeline) -> ArticleWorkspace {
    let article = t.article;
    ArticleWorkspace {
        article_id: article.id.0,
        public_url: article
            .is_live()
            .then(|| urls::public_article(&article.slug)),
        url: urls::article(article.id),
        slug: article.slug,
        title: t.title,
        published_revision_id: article.published_revision_id.map(|r| r.0),
        current_revision_id: article.current_revision_id.map(|r| r.0),
        retracted: article.retracted_at.is_some(),
        revisions: t
            .entries
            .into_iter()
            .map(|e| RevisionSummary {
                revision_id: e.revision.id.0,
                number: e.revision.number,
                state: e.revision.state.as_str().to_owned(),
                author: e.author.display_name,
                change_note: e.revision.change_note,
                updated_at: utc(e.revision.updated_at),
                submitted_at: e.revision.submitted_at.map(utc),
                decided_at: e.revision.decided_at.map(utc),
                published: e.is_published,
                reviews: e
                    .reviews
                    .into_iter()
                    .map(|(name, verdict, at)| Verdict {
                        reviewer: name.display_name,
                        verdict: verdict.as_str().to_owned(),
                        at: utc(at),
                    })
                    .collect(),
                api_url: urls::api_revision(e.revision.id),
                title: e.revision.title,
            })
            .collect(),
    }
}

/// One article as the workspace shows it to the token's account: its revisions, their
/// states and verdicts.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}/revisions",
    operation_id = "getArticleRevisions",
    tag = "workspace",
    params(("id" = i64, Path, description = "The article's id.", minimum = 1)),
    security(("token" = [])),
    responses(
        (status = 200, description = "The article and its revisions.", body = ArticleWorkspace),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account has no workspace role, or the token no scope that reads.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or one the account may not see.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token made too many requests this minute; `Retry-After` says when to try again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next request is admitted."))),
    )
)]
pub async fn revisions(
    state: web::Data<AppState>,
    token: Token,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let article = ArticleId(
        forms::path_id(&id, "article")
            .map_err(|_| AppError::NotFound("No such article.".into()))?,
    );
    let caller = token.reader();
    let t = state
        .db(move |ctx| read::timeline(ctx, &caller, article))
        .await?;
    let body = serde_json::to_string(&workspace(t)).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type(super::JSON).body(body))
}
