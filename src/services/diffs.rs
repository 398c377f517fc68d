//! Comparing two revisions of an article.

use super::reviewing::visible;
use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::articles::{self, Article};
use crate::db::revisions::{self, Revision};
use crate::db::{references, users};
use crate::domain::content::Reference;
use crate::domain::diff::{self, Layout, RevisionDiff, Side};
use crate::domain::problems::Problems;
use crate::ids::RevisionId;

/// Everything a diff page needs from the database; the diff itself is computed afterwards,
/// without holding a connection.
pub struct DiffInputs {
    pub article: Article,
    pub revision: Revision,
    pub references: Vec<Reference>,
    /// What it is compared against; `None` for a never-published article (all new).
    pub against: Option<(Revision, Vec<Reference>)>,
    /// Other revisions it can be compared against, newest first.
    pub candidates: Vec<Revision>,
    pub layout: Layout,
}

/// Loads both sides. Without `against`, the comparison is with the published revision (or,
/// for the published revision itself, the revision it was based on). A requested layout
/// becomes the caller's remembered one.
pub fn inputs(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: RevisionId,
    against: Option<RevisionId>,
    layout: Option<Layout>,
) -> ServiceResult<DiffInputs> {
    let conn = ctx.conn();
    let revision = visible(conn, caller, id)?;
    let article = articles::find(conn, revision.article_id)?.ok_or(Missing::Article)?;
    let against_id = match against {
        Some(other) => Some(other),
        None => match article.published_revision_id {
            Some(published) if published != revision.id => Some(published),
            Some(_) => revision.base_revision_id,
            None => None,
        },
    };
    let against = match against_id {
        Some(other) => {
            let other = visible(conn, caller, other)?;
            if other.article_id != revision.article_id {
                return Err(Problems::one(
                    "against",
                    format!(
                        "Revision {} belongs to another article, so there is nothing to compare.",
                        other.id
                    ),
                )
                .into());
            }
            let refs = references::of_revision(conn, other.id)?;
            Some((other, refs))
        }
        None => None,
    };
    let layout = match layout {
        Some(layout) => {
            // A display preference, idempotent: remembering it from a link is harmless.
            users::set_diff_layout(conn, caller.me()?, layout.as_str())?;
            layout
        }
        None => users::find_by_id(conn, caller.me()?)?
            .and_then(|u| Layout::parse(&u.diff_layout))
            .unwrap_or_default(),
    };
    let candidates = revisions::list_for_article(conn, article.id, caller.me()?, 200)?
        .into_iter()
        .filter(|r| r.id != revision.id)
        .collect();
    Ok(DiffInputs {
        references: references::of_revision(conn, revision.id)?,
        article,
        revision,
        against,
        candidates,
        layout,
    })
}

fn side<'a>(revision: &'a Revision, references: &'a [Reference]) -> Side<'a> {
    Side {
        title: &revision.title,
        summary: &revision.summary,
        change_note: &revision.change_note,
        body: &revision.body,
        references,
    }
}

/// The diff of the loaded sides, within the time budget.
pub fn compute(inputs: &DiffInputs) -> RevisionDiff {
    let old = match &inputs.against {
        Some((other, refs)) => side(other, refs),
        None => Side::EMPTY,
    };
    diff::diff(
        old,
        side(&inputs.revision, &inputs.references),
        diff::BUDGET,
    )
}
