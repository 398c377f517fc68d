//! Writing: creating articles, saving drafts, submitting them.
//!
//! A draft is its author's until submitted; saving changes it in place. Submitting makes it
//! immutable, supersedes the article's pending revision, and refuses when the article moved
//! on since the draft's base revision, so nobody's submitted work is ever silently replaced.

use std::collections::BTreeSet;

use serde_json::json;

use super::audit::{self, Event};
use super::{
    Caller, Ctx, Env, Missing, Refusal, ServiceError, ServiceResult, notify, round, specialties,
};
use crate::db::articles::{self, Article, NewArticle};
use crate::db::revisions::{self, DraftContent, NewRevision, Revision};
use crate::db::{self, DbConn, Tx, references, settings};
use crate::domain::audit::AuditAction;
use crate::domain::content::{self, Content, ContentInput};
use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::workflow::{self, Action, Approvals, State};
use crate::domain::{citations, markdown};
use crate::ids::{ArticleId, RevisionId, SpecialtyId, UserId};

/// Content checked and prepared for storage: rendered once, hashed once, outside any
/// transaction.
struct Prepared {
    content: Content,
    body_html: String,
    /// The patient version's body, rendered (when it has one).
    patient_body_html: Option<String>,
    hash: String,
}

impl Prepared {
    fn patient(&self) -> [Option<&str>; 4] {
        match &self.content.patient {
            Some(v) => [
                Some(v.title.as_str()),
                Some(v.summary.as_str()),
                Some(v.body.as_str()),
                self.patient_body_html.as_deref(),
            ],
            None => [None; 4],
        }
    }
}

fn prepare(input: &ContentInput) -> ServiceResult<Prepared> {
    let content = content::validate(input)?;
    let references = content.references.len();
    let body_html = markdown::render(&content.body, references);
    let patient_body_html = content
        .patient
        .as_ref()
        .map(|v| markdown::render(&v.body, references));
    let hash = content.hash();
    Ok(Prepared {
        content,
        body_html,
        patient_body_html,
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

/// Creates an article and its first revision (a draft, or submitted at once). Editors only.
pub fn create_article(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &ContentInput,
    submit: bool,
) -> ServiceResult<Saved> {
    create_classified(ctx, caller, input, &BTreeSet::new(), submit)
}

/// Creates an article with its specialties, and its first revision. Editors only.
pub fn create_classified(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &ContentInput,
    specialties: &BTreeSet<SpecialtyId>,
    submit: bool,
) -> ServiceResult<Saved> {
    caller.require(Role::Editor)?;
    let me = caller.me()?;
    let prepared = prepare(input)?;
    let env = ctx.env();
    ctx.write(|tx| {
        let now = db::now();
        let slug = free_slug(tx, &content::slugify(&prepared.content.title))?;
        let article = articles::insert(
            tx,
            &NewArticle {
                slug: &slug,
                created_by: me,
                created_at: now,
                updated_at: now,
            },
        )?;
        let revision = insert_revision(tx, me, &article, None, &prepared)?;
        let mut events = vec![
            Event::new(AuditAction::ArticleCreated)
                .target_article(article.id)
                .details(json!({ "slug": slug, "title": prepared.content.title, "revision": revision.id })),
        ];
        events.extend(specialties::set_for_article(tx, article.id, specialties)?);
        audit::record_all(tx, caller.actor(), events)?;
        if submit {
            submit_draft(tx, env, caller, &revision)?;
        }
        Ok(Saved {
            article: article.id,
            revision: revision.id,
            submitted: submit,
        })
    })
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
    Err(Refusal::TitleTaken.into())
}

fn insert_revision(
    conn: &mut DbConn,
    author: UserId,
    article: &Article,
    base: Option<RevisionId>,
    prepared: &Prepared,
) -> ServiceResult<Revision> {
    let now = db::now();
    let [
        patient_title,
        patient_summary,
        patient_body,
        patient_body_html,
    ] = prepared.patient();
    let revision = revisions::insert(
        conn,
        &NewRevision {
            article_id: article.id,
            base_revision_id: base,
            author_id: author,
            state: State::Draft.as_str(),
            title: &prepared.content.title,
            summary: &prepared.content.summary,
            body: &prepared.content.body,
            body_html: &prepared.body_html,
            change_note: &prepared.content.change_note,
            public_note: &prepared.content.public_note,
            content_hash: &prepared.hash,
            created_at: now,
            updated_at: now,
            patient_title,
            patient_summary,
            patient_body,
            patient_body_html,
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
    /// The article's specialties, when the form carries them (`None`: unchanged).
    pub specialties: Option<BTreeSet<SpecialtyId>>,
    pub submit: bool,
}

/// Saves the caller's draft of an article (creating it, or updating the one they have), and
/// submits it when asked. Editors only.
pub fn save_revision(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &RevisionInput,
) -> ServiceResult<Saved> {
    caller.require(Role::Editor)?;
    let me = caller.me()?;
    let prepared = prepare(&input.content)?;
    let env = ctx.env();
    ctx.write(|tx| {
        let article = visible_article(tx, me, input.article)?;
        let base = match input.base {
            Some(id) => Some(visible_base(tx, &article, id)?),
            None => None,
        };
        ensure_not_moved(tx, &article, base.as_ref())?;
        let now = db::now();
        let revision = match revisions::draft_of(tx, article.id, me)? {
            Some(draft) => {
                if input.draft_version.is_some_and(|v| v != draft.version) {
                    return Err(Refusal::DraftChanged.into());
                }
                let [
                    patient_title,
                    patient_summary,
                    patient_body,
                    patient_body_html,
                ] = prepared.patient();
                let updated = revisions::update_draft(
                    tx,
                    draft.id,
                    draft.version,
                    &DraftContent {
                        base_revision_id: base.as_ref().map(|b| b.id),
                        title: &prepared.content.title,
                        summary: &prepared.content.summary,
                        body: &prepared.content.body,
                        body_html: &prepared.body_html,
                        change_note: &prepared.content.change_note,
                        public_note: &prepared.content.public_note,
                        content_hash: &prepared.hash,
                        updated_at: now,
                        patient_title: Some(patient_title),
                        patient_summary: Some(patient_summary),
                        patient_body: Some(patient_body),
                        patient_body_html: Some(patient_body_html),
                    },
                )?;
                if !updated {
                    return Err(ServiceError::Contended);
                }
                references::replace(tx, draft.id, &prepared.content.references)?;
                revisions::find(tx, draft.id)?.ok_or(ServiceError::Contended)?
            }
            None => insert_revision(tx, me, &article, base.as_ref().map(|b| b.id), &prepared)?,
        };
        // Serialises writers of one article (revision numbers, the pending slot).
        if !articles::bump(tx, article.id, article.version, now)? {
            return Err(ServiceError::Contended);
        }
        let mut events = vec![
            Event::new(AuditAction::RevisionSaved)
                .target_revision(article.id, revision.id)
                .details(json!({
                    "number": revision.number,
                    "base": base.as_ref().map(|b| b.number),
                    "content_hash": revision.content_hash,
                })),
        ];
        if let Some(chosen) = &input.specialties {
            events.extend(specialties::set_for_article(tx, article.id, chosen)?);
        }
        audit::record_all(tx, caller.actor(), events)?;
        if input.submit {
            submit_draft(tx, env, caller, &revision)?;
        }
        Ok(Saved {
            article: article.id,
            revision: revision.id,
            submitted: input.submit,
        })
    })
}

/// The article, if the caller may see it: one that is only someone else's private draft is
/// not found, so nobody can add to it or rename it.
fn visible_article(conn: &mut DbConn, me: UserId, id: ArticleId) -> ServiceResult<Article> {
    let article = articles::find(conn, id)?.ok_or(Missing::Article)?;
    if revisions::any_visible(conn, id, me)? {
        Ok(article)
    } else {
        Err(Missing::Article.into())
    }
}

/// The base revision named by a form: a submitted revision of this article.
fn visible_base(conn: &mut DbConn, article: &Article, id: RevisionId) -> ServiceResult<Revision> {
    let base = revisions::find(conn, id)?
        .filter(|r| r.number.is_some())
        .ok_or_else(|| {
            Problems::one(
                "base_revision_id",
                format!("There is no submitted revision {id} to start from."),
            )
        })?;
    if base.article_id != article.id {
        return Err(Problems::one(
            "base_revision_id",
            format!("Revision {id} belongs to another article."),
        )
        .into());
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
        _ => Err(Refusal::ArticleMoved {
            newer: newest.id,
            number: newest_number,
        }
        .into()),
    }
}

/// A draft citing a reference it does not have cannot be submitted: the error names each
/// such citation, on the text that has it.
fn citations_hold(tx: &mut Tx<'_>, draft: &Revision) -> ServiceResult<()> {
    let references = references::of_revision(tx, draft.id)?.len();
    let mut problems = Problems::new();
    for (field, text) in [
        ("body", Some(&draft.body)),
        ("patient_body", draft.patient_body.as_ref()),
    ] {
        let groups = markdown::citation_groups(text.map_or("", String::as_str));
        if let Some(message) =
            citations::Check::of(&groups, references).dangling_message(references)
        {
            problems.push(
                field,
                format!("{message} Add the reference or correct the citation, then submit."),
            );
        }
    }
    Ok(problems.or_ok(|| ())?)
}

/// Submits a draft inside the caller's transaction: checks the base is still current,
/// supersedes the article's pending revision, and makes the draft the article's current one.
pub(crate) fn submit_draft(
    tx: &mut Tx<'_>,
    env: &Env,
    caller: &Caller,
    draft: &Revision,
) -> ServiceResult<()> {
    let actor = workflow::Actor {
        is_author: caller.is(draft.author_id),
        is_reviewer: caller.has(Role::Reviewer),
        is_admin: caller.has(Role::Admin),
        is_system: false,
    };
    let transition = workflow::decide(draft.state, Action::Submit, actor, Approvals::none(1))?;
    citations_hold(tx, draft)?;
    let article = articles::find(tx, draft.article_id)?.ok_or(Missing::Article)?;
    let base = match draft.base_revision_id {
        Some(id) => revisions::find(tx, id)?,
        None => None,
    };
    ensure_not_moved(tx, &article, base.as_ref())?;
    let now = db::now();
    let me = caller.me()?;
    let author = caller_name(tx, caller)?;
    let number = revisions::next_number(tx, article.id)?;
    let pending = State::all_where(State::is_pending);
    let mut carried = Vec::new();
    for older in revisions::in_states(tx, article.id, &pending)? {
        let superseded = workflow::decide(
            older.state,
            Action::Supersede,
            workflow::Actor::system(),
            Approvals::none(1),
        )?;
        if !revisions::transition(tx, older.id, older.version, &superseded, now)? {
            return Err(ServiceError::Contended);
        }
        let folded = draft.base_revision_id == Some(older.id);
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::RevisionSuperseded)
                .target_revision(article.id, older.id)
                .details(
                    json!({ "number": older.number, "by_revision": number, "folded_in": folded }),
                ),
        )?;
        if older.author_id != me {
            notify::superseded(tx, env, &older, draft.id, number, &author, folded)?;
        }
        carried.extend(round::carried_reviewers(tx, &older, draft.author_id)?);
    }
    let required = settings::in_tx(tx)?.approvals_required;
    if !revisions::submit(
        tx,
        draft.id,
        draft.version,
        number,
        required,
        &transition,
        now,
    )? {
        return Err(ServiceError::Contended);
    }
    let submitted = revisions::find(tx, draft.id)?.ok_or(ServiceError::Contended)?;
    articles::set_current(tx, article.id, &submitted)?;
    if !articles::bump(tx, article.id, article.version, now)? {
        return Err(ServiceError::Contended);
    }
    audit::record(
        tx,
        caller.actor(),
        Event::new(AuditAction::RevisionSubmitted)
            .target_revision(article.id, draft.id)
            .details(json!({ "number": number, "content_hash": draft.content_hash })),
    )?;
    let asked_again = round::re_request(tx, env, caller, &submitted, &carried, &author, now)?;
    notify::submitted(tx, env, &submitted, &author, &asked_again)?;
    Ok(())
}

/// Changes an article's address; only before its first publication, since published
/// addresses are linked from elsewhere. Editors only.
pub fn change_slug(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: ArticleId,
    slug: &str,
) -> ServiceResult<()> {
    caller.require(Role::Editor)?;
    let me = caller.me()?;
    let slug = content::check_slug(slug).map_err(|message| Problems::one("slug", message))?;
    ctx.write(|tx| {
        let article = visible_article(tx, me, id)?;
        if article.first_published_at.is_some() {
            return Err(Refusal::AddressFixed.into());
        }
        if article.slug == slug {
            return Ok(());
        }
        if articles::slug_taken(tx, &slug)? {
            return Err(Refusal::AddressTaken(slug.clone()).into());
        }
        articles::set_slug(tx, id, &slug)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::SlugChanged)
                .target_article(id)
                .details(json!({ "from": article.slug, "to": slug })),
        )?;
        Ok(())
    })
}

/// The caller's display name, for messages about what they did.
pub(crate) fn caller_name(conn: &mut DbConn, caller: &Caller) -> ServiceResult<String> {
    let person = match caller.id() {
        Some(id) => db::users::find_by_id(conn, id)?,
        None => None,
    };
    Ok(person
        .map(|u| u.display_name)
        .unwrap_or_else(|| caller.actor().label.clone()))
}
