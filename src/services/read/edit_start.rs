//! What the edit page starts from: the caller's draft, or the newest submitted revision.

use crate::db::articles::{self, Article};
use crate::db::revisions::{self, Revision};
use crate::db::{DbConn, references};
use crate::domain::content::{ContentInput, Reference, ReferenceInput};
use crate::domain::roles::Role;
use crate::domain::workflow::State;
use crate::ids::ArticleId;
use crate::services::conversation::{self, Thread};
use crate::services::{Caller, Ctx, Missing, ServiceResult};

/// What the edit page starts from.
pub struct EditStart {
    pub article: Article,
    /// The submitted revision the new one is based on.
    pub base: Option<Revision>,
    /// The caller's draft being continued, if any.
    pub draft: Option<Revision>,
    pub content: ContentInput,
    /// The review conversation's open threads, to answer while revising.
    pub open_threads: Vec<Thread>,
}

/// The form's content from `revision`; its two notes kept when `notes` (the caller's own
/// draft), left blank otherwise (a new revision says what it changes).
fn content_of(revision: &Revision, references: &[Reference], notes: bool) -> ContentInput {
    let note = |text: &String| if notes { text.clone() } else { String::new() };
    ContentInput {
        title: revision.title.clone(),
        summary: revision.summary.clone(),
        body: revision.body.clone(),
        change_note: note(&revision.change_note),
        public_note: note(&revision.public_note),
        references: references.iter().map(ReferenceInput::from).collect(),
        patient_title: revision.patient_title.clone().unwrap_or_default(),
        patient_summary: revision.patient_summary.clone().unwrap_or_default(),
        patient_body: revision.patient_body.clone().unwrap_or_default(),
    }
}

/// Prefills the edit page: the caller's draft if they have one, otherwise the newest
/// submitted revision (with empty notes), which becomes the base.
pub fn edit_start(ctx: &mut Ctx<'_>, caller: &Caller, id: ArticleId) -> ServiceResult<EditStart> {
    let conn = ctx.conn();
    caller.require(Role::Editor)?;
    let article = articles::find(conn, id)?.ok_or(Missing::Article)?;
    let moved = State::all_where(State::moves_the_article_on);
    let head = revisions::in_states(conn, id, &moved)?.into_iter().next();
    if let Some(draft) = revisions::draft_of(conn, id, caller.me()?)? {
        let references = references::of_revision(conn, draft.id)?;
        let base = match draft.base_revision_id {
            Some(b) => revisions::find(conn, b)?,
            None => None,
        };
        let open_threads = open_threads(conn, caller, base.as_ref())?;
        return Ok(EditStart {
            content: content_of(&draft, &references, true),
            article,
            base,
            draft: Some(draft),
            open_threads,
        });
    }
    let head = match head {
        Some(head) => head,
        None => revisions::in_states(conn, id, &State::ALL)?
            .into_iter()
            .next()
            .ok_or(Missing::Article)?,
    };
    let references = references::of_revision(conn, head.id)?;
    let open_threads = open_threads(conn, caller, Some(&head))?;
    Ok(EditStart {
        content: content_of(&head, &references, false),
        article,
        base: Some(head),
        draft: None,
        open_threads,
    })
}

/// The unresolved threads of the article's conversation, placed on `base`.
fn open_threads(
    conn: &mut DbConn,
    caller: &Caller,
    base: Option<&Revision>,
) -> ServiceResult<Vec<Thread>> {
    let Some(base) = base else {
        return Ok(Vec::new());
    };
    let references = references::of_revision(conn, base.id)?;
    Ok(conversation::threads(conn, caller, base, &references)?
        .into_iter()
        .filter(Thread::is_open)
        .collect())
}
