//! What a save that is behind the article is merged with: the person's base revision and
//! the newest revision that moved the article on since. The merge itself is the pure
//! `domain::merge`; nothing is saved until the person has seen the merged result (and
//! resolved any conflict), so a colleague's change can only disappear by a visible edit.

use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::revisions::{self, Revision};
use crate::db::{DbConn, articles, references, users};
use crate::domain::content::{self, Content, ContentInput};
use crate::domain::merge::{self, Merged};
use crate::domain::roles::Role;
use crate::domain::workflow::State;
use crate::ids::{ArticleId, RevisionId};

/// A save merged with the revision that moved the article on since its base.
pub struct Merging {
    /// The newest revision that moved the article on since the person's base.
    pub newer: Revision,
    /// Who wrote it.
    pub newer_author: String,
    /// The person's text, checked.
    pub mine: Content,
    pub merged: Merged,
}

/// The content of a stored revision, as the merge compares it.
fn content_of(conn: &mut DbConn, revision: &Revision) -> ServiceResult<Content> {
    Ok(Content {
        title: revision.title.clone(),
        summary: revision.summary.clone(),
        body: revision.body.clone(),
        change_note: revision.change_note.clone(),
        public_note: revision.public_note.clone(),
        references: references::of_revision(conn, revision.id)?,
        patient: revision.patient(),
    })
}

/// Merges `mine`, written from `base`, with the newest revision of the article, or `None`
/// when `base` is still the newest (nothing to merge). Editors only; the article and the
/// base must be visible to the caller, as for a save. Nothing is written.
pub fn merge(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    article: ArticleId,
    base: Option<RevisionId>,
    mine: &ContentInput,
) -> ServiceResult<Option<Merging>> {
    caller.require(Role::Editor)?;
    let mine = content::validate(mine)?;
    let me = caller.me()?;
    let conn = ctx.conn();
    articles::find(conn, article)?.ok_or(Missing::Article)?;
    if !revisions::any_visible(conn, article, me)? {
        return Err(Missing::Article.into());
    }
    let moved = State::all_where(State::moves_the_article_on);
    let Some(newer) = revisions::in_states(conn, article, &moved)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let base = match base {
        Some(id) => Some(
            revisions::find(conn, id)?
                .filter(|r| r.article_id == article && r.number.is_some())
                .ok_or(Missing::Revision)?,
        ),
        None => None,
    };
    if base.as_ref().and_then(|b| b.number) >= newer.number {
        return Ok(None);
    }
    let base = match &base {
        Some(base) => content_of(conn, base)?,
        None => Content {
            title: String::new(),
            summary: String::new(),
            body: String::new(),
            change_note: String::new(),
            public_note: String::new(),
            references: Vec::new(),
            patient: None,
        },
    };
    let theirs = content_of(conn, &newer)?;
    let newer_author = users::names(conn, &[newer.author_id])?
        .remove(&newer.author_id)
        .map(|n| n.display_name)
        .unwrap_or_else(|| format!("account {}", newer.author_id));
    let merged = merge::merge(&base, &mine, &theirs);
    Ok(Some(Merging {
        newer,
        newer_author,
        mine,
        merged,
    }))
}
