//! Writing: creating articles, saving drafts, submitting them.
//!
//! A draft is its author's until submitted; saving changes it in place. Submitting makes it
//! immutable, supersedes the article's pending revision, and refuses when the article moved
//! on since the draft's base revision, so nobody's submitted work is ever silently replaced.

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, ServiceError, ServiceResult, notify, publishing, with_retry};
use crate::db::articles::{self, Article, NewArticle};
use crate::db::revisions::{self, DraftContent, NewRevision, Revision};
use crate::db::{self, DbConn, references};
use crate::domain::audit::AuditAction;
use crate::domain::content::{self, Content, ContentInput};
use crate::domain::markdown;
use crate::domain::roles::Role;
use crate::domain::workflow::{self, Action, Approvals, State};
use crate::ids::{ArticleId, RevisionId};
use crate::mail;

/// Content checked and prepared for storage: rendered once, hashed once, outside any
/// transaction.
struct Prepared {
    content: Content,
    body_html: String,
    hash: String,
}

fn prepare(input: &ContentInput) -> ServiceResult<Prepared> {
    let content = content::validate(input)?;
    let body_html = markdown::render(&content.body, content.references.len());
    let hash = content.hash();
    Ok(Prepared {
        content,
        body_html,
        hash,
    })
}

/// What happened to a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub article: ArticleId,
    pub revision: RevisionId,
    pub submitted: bool,
}

/// Creates an article and its first revision (a draft, or submitted at once).
pub fn create_article(
    conn: &mut DbConn,
    caller: &Caller,
    input: &ContentInput,
    submit: bool,
) -> ServiceResult<Saved> {
    caller.require(Role::Editor)?;
    let prepared = prepare(input)?;
    let saved = with_retry(conn, |conn| {
        let now = db::now();
        let slug = free_slug(conn, &content::slugify(&prepared.content.title))?;
        let article = articles::insert(
            conn,
            &NewArticle {
                slug: &slug,
                created_by: caller.id,
                created_at: now,
                updated_at: now,
            },
        )?;
        let revision = insert_revision(conn, caller, &article, None, &prepared)?;
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::ArticleCreated)
                .target_article(article.id)
                .details(json!({ "slug": slug, "title": prepared.content.title, "revision": revision.id })),
        )?;
        if submit {
            submit_draft(conn, caller, &revision)?;
        }
        Ok(Saved {
            article: article.id,
            revision: revision.id,
            submitted: submit,
        })
    })?;
    if submit {
        publishing::changed(conn);
        mail::wake();
    }
    Ok(saved)
}

/// The first free slug among `base`, `base-2`, `base-3`, ...
fn free_slug(conn: &mut DbConn, base: &str) -> ServiceResult<String> {
    if !articles::slug_taken(conn, base)? {
        return Ok(base.to_owned());
    }
    for n in 2..1_000 {
        let candidate = format!("{base}-{n}");
        if !articles::slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Conflict(
        "Too many articles share this title. Change the title a little.".into(),
    ))
}

fn insert_revision(
    conn: &mut DbConn,
    caller: &Caller,
    article: &Article,
    base: Option<RevisionId>,
    prepared: &Prepared,
) -> ServiceResult<Revision> {
    let now = db::now();
    let revision = revisions::insert(
        conn,
        &NewRevision {
            article_id: article.id,
            base_revision_id: base,
            author_id: caller.id,
            state: State::Draft.as_str(),
            title: &prepared.content.title,
            summary: &prepared.content.summary,
            body: &prepared.content.body,
            body_html: &prepared.body_html,
            change_note: &prepared.content.change_note,
            content_hash: &prepared.hash,
            created_at: now,
            updated_at: now,
        },
    )?;
    references::replace(conn, revision.id, &prepared.content.references)?;
    Ok(revision)
}

/// A new revision of an article, as posted from the edit page.
#[derive(Debug, Clone)]
pub struct RevisionInput {
    pub article: ArticleId,
    /// The revision the editor started from.
    pub base: Option<RevisionId>,
    /// The version of the editor's draft when the page was loaded, if they were editing one.
    pub draft_version: Option<i64>,
    pub content: ContentInput,
    pub submit: bool,
}

/// Saves the caller's draft of an article (creating it, or updating the one they have), and
/// submits it when asked.
pub fn save_revision(
    conn: &mut DbConn,
    caller: &Caller,
    input: &RevisionInput,
) -> ServiceResult<Saved> {
    caller.require(Role::Editor)?;
    let prepared = prepare(&input.content)?;
    let saved = with_retry(conn, |conn| {
        let article = articles::find(conn, input.article)?
            .ok_or(ServiceError::NotFound("No such article."))?;
        let base = match input.base {
            Some(id) => Some(visible_base(conn, &article, id)?),
            None => None,
        };
        ensure_not_moved(conn, &article, base.as_ref())?;
        let now = db::now();
        let revision = match revisions::draft_of(conn, article.id, caller.id)? {
            Some(draft) => {
                if input.draft_version.is_some_and(|v| v != draft.version) {
                    return Err(ServiceError::Conflict(
                        "Your draft was saved from another window since you opened this page. Your text is below: save again to replace that version with it.".into(),
                    ));
                }
                let updated = revisions::update_draft(
                    conn,
                    draft.id,
                    draft.version,
                    &DraftContent {
                        base_revision_id: base.as_ref().map(|b| b.id),
                        title: &prepared.content.title,
                        summary: &prepared.content.summary,
                        body: &prepared.content.body,
                        body_html: &prepared.body_html,
                        change_note: &prepared.content.change_note,
                        content_hash: &prepared.hash,
                        updated_at: now,
                    },
                )?;
                if !updated {
                    return Err(ServiceError::Contended);
                }
                references::replace(conn, draft.id, &prepared.content.references)?;
                revisions::find(conn, draft.id)?.ok_or(ServiceError::Contended)?
            }
            None => insert_revision(
                conn,
                caller,
                &article,
                base.as_ref().map(|b| b.id),
                &prepared,
            )?,
        };
        // Serialises writers of one article (revision numbers, the pending slot).
        if !articles::bump(conn, article.id, article.version, now)? {
            return Err(ServiceError::Contended);
        }
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::RevisionSaved)
                .target_revision(article.id, revision.id)
                .details(json!({
                    "number": revision.number,
                    "base": base.as_ref().map(|b| b.number),
                    "content_hash": revision.content_hash,
                })),
        )?;
        if input.submit {
            submit_draft(conn, caller, &revision)?;
        }
        Ok(Saved {
            article: article.id,
            revision: revision.id,
            submitted: input.submit,
        })
    })?;
    if saved.submitted {
        publishing::changed(conn);
        mail::wake();
    }
    Ok(saved)
}

/// The base revision named by a form: a submitted revision of this article.
fn visible_base(conn: &mut DbConn, article: &Article, id: RevisionId) -> ServiceResult<Revision> {
    let base = revisions::find(conn, id)?
        .filter(|r| r.number.is_some())
        .ok_or_else(|| {
            ServiceError::BadInput(format!(
                "There is no submitted revision {id} to start from."
            ))
        })?;
    if base.article_id != article.id {
        return Err(ServiceError::BadInput(format!(
            "Revision {id} belongs to another article."
        )));
    }
    Ok(base)
}

/// Refuses when a revision newer than `base` was submitted (and not withdrawn or rejected):
/// building on `base` would silently overwrite it.
fn ensure_not_moved(
    conn: &mut DbConn,
    article: &Article,
    base: Option<&Revision>,
) -> ServiceResult<()> {
    let moved = State::all_where(State::moves_the_article_on);
    let newest = revisions::in_states(conn, article.id, &moved)?
        .into_iter()
        .next();
    let Some(newest) = newest else {
        return Ok(());
    };
    let newest_number = newest.number.unwrap_or(0);
    match base {
        Some(base) if base.number.unwrap_or(0) >= newest_number => Ok(()),
        _ => Err(ServiceError::ArticleMoved {
            newer: newest.id,
            number: newest_number,
        }),
    }
}

/// Submits a draft inside the caller's transaction: checks the base is still current,
/// supersedes the article's pending revision, and makes the draft the article's current one.
pub(crate) fn submit_draft(
    conn: &mut DbConn,
    caller: &Caller,
    draft: &Revision,
) -> ServiceResult<()> {
    let actor = workflow::Actor {
        is_author: draft.author_id == caller.id,
        is_reviewer: caller.has(Role::Reviewer),
        is_admin: caller.has(Role::Admin),
        is_system: false,
    };
    let transition = workflow::decide(draft.state(), Action::Submit, actor, Approvals::none(1))?;
    let article = articles::find(conn, draft.article_id)?
        .ok_or(ServiceError::NotFound("No such article."))?;
    let base = match draft.base_revision_id {
        Some(id) => revisions::find(conn, id)?,
        None => None,
    };
    ensure_not_moved(conn, &article, base.as_ref())?;
    let now = db::now();
    let pending = State::all_where(State::is_pending);
    for older in revisions::in_states(conn, article.id, &pending)? {
        let superseded = workflow::decide(
            older.state(),
            Action::Supersede,
            workflow::Actor::system(),
            Approvals::none(1),
        )?;
        if !revisions::transition(conn, older.id, older.version, superseded.to, now)? {
            return Err(ServiceError::Contended);
        }
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::RevisionSuperseded)
                .target_revision(article.id, older.id)
                .details(json!({ "number": older.number, "by_revision": draft.number })),
        )?;
    }
    debug_assert_eq!(transition.to, State::Submitted);
    let number = revisions::next_number(conn, article.id)?;
    if !revisions::submit(conn, draft.id, draft.version, number, now)? {
        return Err(ServiceError::Contended);
    }
    articles::set_current(conn, article.id, draft.id)?;
    let submitted = revisions::find(conn, draft.id)?.ok_or(ServiceError::Contended)?;
    let author = caller_name(conn, caller)?;
    notify::submitted(conn, &submitted, &author)?;
    if !articles::bump(conn, article.id, article.version, now)? {
        return Err(ServiceError::Contended);
    }
    audit::record(
        conn,
        &caller.actor,
        Event::new(AuditAction::RevisionSubmitted)
            .target_revision(article.id, draft.id)
            .details(json!({ "number": number, "content_hash": draft.content_hash })),
    )?;
    Ok(())
}

/// Changes an article's address; only before its first publication, since published
/// addresses are linked from elsewhere.
pub fn change_slug(
    conn: &mut DbConn,
    caller: &Caller,
    id: ArticleId,
    slug: &str,
) -> ServiceResult<()> {
    caller.require(Role::Editor)?;
    let slug = content::check_slug(slug).map_err(ServiceError::BadInput)?;
    with_retry(conn, |conn| {
        let article =
            articles::find(conn, id)?.ok_or(ServiceError::NotFound("No such article."))?;
        if article.first_published_at.is_some() {
            return Err(ServiceError::Conflict(
                "This article has been published, so its address can no longer change.".into(),
            ));
        }
        if article.slug == slug {
            return Ok(());
        }
        if articles::slug_taken(conn, &slug)? {
            return Err(ServiceError::Conflict(format!(
                "Another article already uses the address '{slug}'."
            )));
        }
        articles::set_slug(conn, id, &slug)?;
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::SlugChanged)
                .target_article(id)
                .details(json!({ "from": article.slug, "to": slug })),
        )?;
        Ok(())
    })
}

/// The caller's display name, for messages about what they did.
pub(crate) fn caller_name(conn: &mut DbConn, caller: &Caller) -> ServiceResult<String> {
    Ok(db::users::find_by_id(conn, caller.id)?
        .map(|u| u.display_name)
        .unwrap_or_else(|| caller.actor.label.clone()))
}
