//! Comparing two revisions of an article.

use super::reviewing::visible;
use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::articles::{self, Article};
use crate::db::revisions::{self, Revision, RevisionLine};
use crate::db::{DbConn, references, reviews, users};
use crate::domain::content::Reference;
use crate::domain::diff::{self, Layout, RevisionDiff, Side, VersionDiff};
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
    pub candidates: Vec<RevisionLine>,
    pub layout: Layout,
    /// What the comparison is, and the other comparisons offered in one click.
    pub basis: Basis,
    pub offered: Vec<(Basis, RevisionId)>,
}

/// What a revision is compared with when nobody chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The revision the caller last reviewed.
    SinceYourReview,
    /// The published version.
    Published,
    /// The revision this published one was based on.
    Base,
    /// The previous submitted revision, for a never-published article.
    Previous,
    /// A revision the caller chose.
    Chosen,
}

impl Basis {
    /// How the page names the comparison.
    pub fn label(self) -> &'static str {
        match self {
            Basis::SinceYourReview => "since your last review",
            Basis::Published => "against the published version",
            Basis::Base => "against the revision it was based on",
            Basis::Previous => "against the previous revision",
            Basis::Chosen => "against the revision you chose",
        }
    }
}

/// The comparisons a revision offers, best first: since the caller's last review of an
/// earlier revision, the published version, the base of the published one, the previous
/// submitted revision. The first is the default.
pub fn comparisons(
    conn: &mut DbConn,
    caller: &Caller,
    revision: &Revision,
    article: &Article,
) -> ServiceResult<Vec<(Basis, RevisionId)>> {
    // Submitted before this one (every submitted revision, for a draft).
    let is_earlier = |r: &RevisionLine| match (r.number, revision.number) {
        (Some(n), Some(this)) => n < this,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let earlier: Vec<RevisionLine> =
        revisions::list_for_article(conn, article.id, caller.me()?, 500)?
            .into_iter()
            .filter(is_earlier)
            .collect();
    let ids: Vec<RevisionId> = earlier.iter().map(|r| r.id).collect();
    let mut out = Vec::new();
    if let Some(reviewed) = reviews::last_reviewed_by(conn, caller.me()?, &ids)? {
        out.push((Basis::SinceYourReview, reviewed));
    }
    match article.published_revision_id {
        Some(published) if published != revision.id => out.push((Basis::Published, published)),
        Some(_) => {
            if let Some(base) = revision.base_revision_id {
                out.push((Basis::Base, base));
            }
        }
        None => {}
    }
    // Highest number first: the previous submitted revision.
    if let Some(previous) = earlier.iter().max_by_key(|r| r.number) {
        out.push((Basis::Previous, previous.id));
    }
    let mut seen = Vec::new();
    out.retain(|(_, id)| {
        let fresh = !seen.contains(id);
        seen.push(*id);
        fresh
    });
    Ok(out)
}

/// Loads both sides. Without `against`, the comparison is the first of `comparisons`:
/// since the caller's last review, else the published version (for the published revision
/// itself, its base), else the previous revision. A requested layout becomes the caller's
/// remembered one.
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
    let offered = comparisons(conn, caller, &revision, &article)?;
    let (basis, against_id) = match against {
        Some(other) => (
            offered
                .iter()
                .find(|(_, id)| *id == other)
                .map(|(basis, _)| *basis)
                .unwrap_or(Basis::Chosen),
            Some(other),
        ),
        None => match offered.first() {
            Some((basis, id)) => (*basis, Some(*id)),
            None => (Basis::Chosen, None),
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
        basis,
        offered,
    })
}

fn side<'a>(revision: &'a Revision, references: &'a [Reference]) -> Side<'a> {
    Side {
        title: &revision.title,
        summary: &revision.summary,
        change_note: &revision.change_note,
        public_note: &revision.public_note,
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

/// The patient versions' diff, when either side has one.
pub fn compute_patient(inputs: &DiffInputs) -> Option<VersionDiff> {
    let old = inputs
        .against
        .as_ref()
        .and_then(|(other, _)| other.patient());
    diff::patient(
        old.as_ref(),
        inputs.revision.patient().as_ref(),
        diff::BUDGET,
    )
}
