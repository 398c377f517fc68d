//! The merge step of saving: when the article moved on since the revision the person started
//! from, their text is merged three-way with the newer revision (`domain::merge`). A clean
//! merge is shown in the editor, with what it took from the newer revision, before anything
//! is saved; conflicts are shown side by side on a page of their own, each needing a choice.
//! The page carries the person's text in hidden fields and recomputes the same merge when
//! the choices come back, so nothing is stored until the person saves the merged result.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::editor::{ArticleForm, EditorPage, MergeNote, RefRow, Taken, rows, specialty_choices};
use crate::domain::content::{Content, ContentInput, Reference};
use crate::domain::diff::{self, Block, RefChange, RevisionDiff, Side as DiffSide, WordDiff};
use crate::domain::merge::{Choice, Merged, Side};
use crate::ids::{ArticleId, RevisionId};
use crate::services::Refusal;
use crate::services::merging::{self, Merging};
use crate::services::specialties::Choice as SpecialtyChoice;
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::SignedIn;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

/// One conflict as the page shows it.
pub struct ConflictView {
    pub label: String,
    pub mine: String,
    pub theirs: String,
    pub allows_both: bool,
    pub chosen: Option<Choice>,
}

#[derive(Template)]
#[template(path = "workspace/merge.html")]
pub struct MergePage {
    pub chrome: Chrome,
    pub action: String,
    pub back: String,
    /// The person's own text, carried in hidden fields.
    pub content: ContentInput,
    pub rows: Vec<RefRow>,
    pub base: Option<RevisionId>,
    pub draft_version: Option<i64>,
    pub newer: RevisionId,
    /// "revision 18 by Sam Lee".
    pub from: String,
    pub conflicts: Vec<ConflictView>,
    /// The article's specialty boxes as the person left them, carried in hidden fields.
    pub specialties: Vec<SpecialtyChoice>,
}

impl MergePage {
    fn is(&self, chosen: &Option<Choice>, value: &str) -> bool {
        chosen.is_some_and(|c| c.as_str() == value)
    }
}

fn reference_text(r: &Reference) -> String {
    format!("[{}] {}", r.kind.label(), r.citation())
}

fn side_text(side: &Side) -> String {
    match side {
        Side::Text(text) => text.clone(),
        Side::References(refs) => refs
            .iter()
            .map(reference_text)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn side_of(content: &Content) -> DiffSide<'_> {
    DiffSide {
        title: &content.title,
        summary: &content.summary,
        change_note: &content.change_note,
        public_note: &content.public_note,
        body: &content.body,
        references: &content.references,
    }
}

/// The title, short answer and paragraphs a diff changed, each placed after `prefix`.
fn text_taken(prefix: &str, changes: &RevisionDiff) -> Vec<Taken> {
    let mut out = Vec::new();
    let mut field = |place: &str, words: &WordDiff| {
        if !words.is_unchanged() {
            out.push(Taken {
                place: capitalised(&format!("{prefix}{place}"), prefix.is_empty()),
                spans: words.spans.clone(),
            });
        }
    };
    field("title", &changes.title);
    field("short answer", &changes.summary);
    let mut paragraph = 0;
    for block in &changes.body {
        let (place, spans) = match block {
            Block::Unchanged(_) => {
                paragraph += 1;
                continue;
            }
            Block::Folded(blocks) => {
                paragraph += blocks.len();
                continue;
            }
            Block::Added(text) => {
                paragraph += 1;
                (
                    format!("paragraph {paragraph} added"),
                    vec![diff::Span::Added(text.clone())],
                )
            }
            Block::Removed(text) => (
                format!("paragraph removed after paragraph {paragraph}"),
                vec![diff::Span::Removed(text.clone())],
            ),
            Block::Changed(words) => {
                paragraph += 1;
                (format!("paragraph {paragraph}"), words.spans.clone())
            }
        };
        out.push(Taken {
            place: capitalised(&format!("{prefix}{place}"), prefix.is_empty()),
            spans,
        });
    }
    out
}

/// `text` with its first letter upper-cased when `first` (a place that starts the label).
fn capitalised(text: &str, first: bool) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if first => c.to_uppercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

/// What the merged text has that the person's text did not: the parts the merge took from
/// the newer revision (or the person's choices), word by word.
fn taken(mine: &Content, merged: &Content) -> Vec<Taken> {
    let changes = diff::diff(side_of(mine), side_of(merged), diff::BUDGET);
    let mut out = text_taken("", &changes);
    for change in &changes.references {
        let (place, spans) = match change {
            RefChange::Unchanged { .. } => continue,
            RefChange::Added { at, reference } => (
                format!("Reference {at} added"),
                vec![diff::Span::Added(reference_text(reference))],
            ),
            RefChange::Removed { at, reference } => (
                format!("Reference {at} removed"),
                vec![diff::Span::Removed(reference_text(reference))],
            ),
            RefChange::Changed { to, old, new, .. } => (
                format!("Reference {to} changed"),
                vec![
                    diff::Span::Removed(reference_text(old)),
                    diff::Span::Added(reference_text(new)),
                ],
            ),
            RefChange::Moved {
                from,
                to,
                reference,
            } => (
                format!("Reference moved from {from} to {to}"),
                vec![diff::Span::Same(reference_text(reference))],
            ),
        };
        out.push(Taken { place, spans });
    }
    if let Some(patient) =
        diff::patient(mine.patient.as_ref(), merged.patient.as_ref(), diff::BUDGET)
        && !patient.is_unchanged()
    {
        out.extend(text_taken("Patient version, ", &patient.diff));
    }
    out
}

/// Why a resolve step did not go through, shown on the merge page.
enum Retry {
    None,
    Missing(usize),
    Moved(i32),
}

/// Answers a save that is behind the article: merges the person's text with the newer
/// revision and shows the result (in the editor) or the conflicts (on the merge page).
/// `choices` are the ones posted from the merge page, if this is its answer.
pub async fn merge_step(
    state: &AppState,
    user: &SignedIn,
    form: &ArticleForm,
    mine_input: ContentInput,
    article: ArticleId,
    from_merge_page: bool,
) -> Result<HttpResponse, AppError> {
    let base = form.base()?;
    let draft_version = form.draft_version()?;
    let specialties = specialty_choices(state, user, Some(form), Some(article)).await?;
    let caller = user.caller();
    let input = mine_input.clone();
    let merging = state
        .db(move |ctx| merging::merge(ctx, &caller, article, base, &input))
        .await?;
    let Some(Merging {
        newer,
        newer_author,
        mine,
        merged,
    }) = merging
    else {
        // Nothing newer any more (it was withdrawn or rejected): the text saves as it is.
        let mut page =
            editor(user, article, mine_input, base, draft_version).with_specialties(specialties);
        page.chrome = page.chrome.with_alerts(vec![
            "Nothing newer to merge with now: your text is below as you wrote it. Save again."
                .to_owned(),
        ]);
        return Ok(page.render(StatusCode::OK));
    };
    let number = newer.number.unwrap_or(0);
    let from = format!("revision {number} by {newer_author}");
    let posted: Vec<Option<Choice>> = form
        .choice
        .iter()
        .map(|c| Choice::parse(c.trim()))
        .collect();
    let mut retry = Retry::None;
    let chosen: Option<Vec<Choice>> = if merged.is_clean() {
        Some(Vec::new())
    } else if !from_merge_page {
        None
    } else if form.merge_with()? != Some(newer.id) {
        retry = Retry::Moved(number);
        None
    } else {
        let choices: Vec<Choice> = posted.iter().flatten().copied().collect();
        let complete = posted.len() == merged.conflicts().len() && choices.len() == posted.len();
        match merged.resolve(&choices) {
            Ok(_) if complete => Some(choices),
            Ok(_) => {
                retry = Retry::Missing(merged.conflicts().len());
                None
            }
            Err(unresolved) => {
                retry = Retry::Missing(unresolved.conflict + 1);
                None
            }
        }
    };
    match chosen {
        Some(choices) => {
            let result = merged
                .resolve(&choices)
                .map_err(|_| AppError::BadRequest("The merge choices do not fit.".into()))?;
            let mut page = editor(
                user,
                article,
                ContentInput::from(&result),
                Some(newer.id),
                draft_version,
            )
            .with_specialties(specialties);
            page.base = Some((newer.id, format!("revision {number}")));
            page.merged = Some(MergeNote {
                from,
                from_id: newer.id,
                taken: taken(&mine, &result),
                resolved: choices.len(),
            });
            Ok(page.render(StatusCode::OK))
        }
        None => Ok(conflicts_page(
            user,
            article,
            &mine_input,
            base,
            draft_version,
            newer.id,
            from,
            &merged,
            if from_merge_page { posted } else { Vec::new() },
            retry,
            specialties,
        )),
    }
}

fn editor(
    user: &SignedIn,
    article: ArticleId,
    content: ContentInput,
    base: Option<RevisionId>,
    draft_version: Option<i64>,
) -> EditorPage {
    let mut page = EditorPage::new(
        user.chrome("articles"),
        "Write a new revision".to_owned(),
        urls::article_revisions(article),
        urls::article(article),
        content,
    );
    page.base = base.map(|id| (id, format!("revision id {id}")));
    page.draft_version = draft_version;
    page
}

#[allow(clippy::too_many_arguments, reason = "one page, drawn from one merge")]
fn conflicts_page(
    user: &SignedIn,
    article: ArticleId,
    mine: &ContentInput,
    base: Option<RevisionId>,
    draft_version: Option<i64>,
    newer: RevisionId,
    from: String,
    merged: &Merged,
    posted: Vec<Option<Choice>>,
    retry: Retry,
    specialties: Vec<SpecialtyChoice>,
) -> HttpResponse {
    let conflicts: Vec<ConflictView> = merged
        .conflicts()
        .iter()
        .enumerate()
        .map(|(i, c)| ConflictView {
            label: c.place.label(),
            mine: side_text(&c.mine),
            theirs: side_text(&c.theirs),
            allows_both: c.place.allows_both(),
            chosen: posted.get(i).copied().flatten(),
        })
        .collect();
    let mut chrome = user.chrome("articles");
    let status = match retry {
        Retry::None => StatusCode::CONFLICT,
        Retry::Missing(n) => {
            chrome = chrome.with_alerts(vec![format!(
                "Choose which version to keep for each conflict (conflict {n} has no choice yet). Nothing was saved."
            )]);
            StatusCode::BAD_REQUEST
        }
        Retry::Moved(number) => {
            chrome = chrome.with_alerts(vec![Refusal::MergeMoved { number }.to_string()]);
            StatusCode::CONFLICT
        }
    };
    let page = MergePage {
        chrome,
        action: urls::article_revisions(article),
        back: urls::article(article),
        rows: rows(&mine.references, 0),
        content: mine.clone(),
        base,
        draft_version,
        newer,
        from,
        conflicts,
        specialties,
    };
    render::html(status, &page)
}
