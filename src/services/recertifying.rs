//! Re-certification: at the periodic review a board often finds the published version still
//! right. Reviewers confirm it unchanged, each with the checklist and a declaration; the
//! re-certification that meets the policy (the quorum in force today, the specialist rule
//! and the conflict rule, decided by the workflow module) completes the review: the
//! article's *Last reviewed* and *Next review due* move on, without a new revision.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use serde_json::json;

use super::audit::{self, Event};
use super::reviewing::{self, Standing};
use super::{Caller, Ctx, Missing, Refusal, ServiceError, ServiceResult};
use crate::db::recertifications::{self as rows, NewRecertification};
use crate::db::revisions::{self, Revision};
use crate::db::users::{self, Name};
use crate::db::{self, DbConn, articles, checklist as checklist_rows, settings};
use crate::domain::audit::AuditAction;
use crate::domain::checklist::{self, Item};
use crate::domain::disclosures::{self, Declaration};
use crate::domain::roles::Role;
use crate::domain::settings::review_interval;
use crate::domain::workflow::{self, Action};
use crate::ids::{ArticleId, RevisionId, UserId};

/// The longest note accepted with a re-certification.
pub const NOTE_MAX: usize = 2_000;

/// What a reviewer sends to re-certify.
#[derive(Debug, Clone, Default)]
pub struct RecertifyInput {
    pub declaration: Option<Declaration>,
    /// The checklist items ticked: every item in force is required.
    pub checklist: BTreeSet<i64>,
    /// An optional note (what was checked).
    pub note: String,
}

/// The current review round of a live article, as its workspace page shows it.
pub struct Round {
    pub revision: RevisionId,
    pub last_reviewed_at: Option<NaiveDateTime>,
    pub next_review_due: Option<NaiveDateTime>,
    /// Re-certifications given this round, with their declarations.
    pub given: Vec<(Name, Declaration)>,
    /// "Needs 1 more approval, including one from Rheumatology."
    pub needs: Option<String>,
    /// The caller may re-certify now.
    pub may_recertify: bool,
    /// Why the caller may not, in words, when they are a reviewer.
    pub refusal: Option<String>,
    pub checklist: Vec<Item>,
    pub conflicts_count: bool,
}

/// The published revision of a live article, or why there is none: an article never
/// published is not found here (it may be someone's private draft); a retracted one is not
/// live.
fn live(conn: &mut DbConn, id: ArticleId) -> ServiceResult<(articles::Article, Revision)> {
    let article = articles::find(conn, id)?.ok_or(Missing::Article)?;
    let published = match (article.published_revision_id, article.retracted_at) {
        (Some(published), None) => published,
        (Some(_), Some(_)) => return Err(Refusal::NotLive.into()),
        (None, _) => return Err(Missing::Article.into()),
    };
    let revision = revisions::find(conn, published)?.ok_or(Missing::Revision)?;
    Ok((article, revision))
}

/// How this round's re-certifications stand, from the caller's point of view.
fn standing(
    conn: &mut DbConn,
    caller: &Caller,
    article: &articles::Article,
    revision: &Revision,
) -> ServiceResult<(Standing, Vec<(UserId, Declaration)>)> {
    let policy = settings::load(conn)?;
    let given = rows::round(conn, article.id, revision.id, article.last_reviewed_at)?;
    let standing = reviewing::standing(
        conn,
        caller,
        article.id,
        &policy,
        policy.approvals_required,
        &given,
    )?;
    // Every re-certification carries a declaration (the column is not null).
    let view = given
        .into_iter()
        .map(|a| (a.id, a.declaration().unwrap_or(Declaration::NoConflict)))
        .collect();
    Ok((standing, view))
}

fn actor(caller: &Caller, revision: &Revision) -> workflow::Actor {
    reviewing::workflow_actor(caller, revision)
}

/// The current round of an article's periodic review; `None` when it is not live (there
/// is nothing to re-certify). Anyone in the workspace who may see the article.
pub fn round(ctx: &mut Ctx<'_>, caller: &Caller, id: ArticleId) -> ServiceResult<Option<Round>> {
    caller.require_any_role()?;
    let conn = ctx.conn();
    let (article, revision) = match live(conn, id) {
        Ok(found) => found,
        Err(ServiceError::Refused(Refusal::NotLive) | ServiceError::NotFound(_)) => {
            return Ok(None);
        }
        Err(other) => return Err(other),
    };
    let (standing, given) = standing(conn, caller, &article, &revision)?;
    let decided = workflow::decide(
        revision.state,
        Action::Recertify,
        actor(caller, &revision),
        standing.approvals,
    );
    let ids: Vec<UserId> = given.iter().map(|(id, _)| *id).collect();
    let names = users::names(conn, &ids)?;
    let reviewer = caller.has(Role::Reviewer);
    Ok(Some(Round {
        revision: revision.id,
        last_reviewed_at: article.last_reviewed_at,
        next_review_due: article.next_review_due,
        given: given
            .into_iter()
            .map(|(id, declaration)| (super::read::name_of(&names, id), declaration))
            .collect(),
        needs: super::read::needs_line(&standing),
        may_recertify: decided.is_ok(),
        refusal: match &decided {
            Err(refusal) if reviewer => Some(refusal.to_string()),
            _ => None,
        },
        checklist: if decided.is_ok() {
            checklist_rows::in_force(conn)?
        } else {
            Vec::new()
        },
        conflicts_count: standing.conflicts_count,
    }))
}

/// Re-certifies an article's published version unchanged. Returns whether it completed the
/// review (the article's review dates moved on). Reviewers who did not write it only.
pub fn recertify(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: ArticleId,
    input: &RecertifyInput,
) -> ServiceResult<bool> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let note = input.note.trim().to_owned();
    if note.chars().count() > NOTE_MAX {
        return Err(crate::domain::problems::Problems::one(
            "note",
            format!("The note is too long (at most {NOTE_MAX} characters)."),
        )
        .into());
    }
    ctx.write(|tx| {
        let (article, revision) = live(tx, id)?;
        let (standing, _) = standing(tx, caller, &article, &revision)?;
        let mut approvals = standing.approvals;
        if let Some(declaration) = &input.declaration {
            approvals.this_approval_uncounted = !workflow::approval_counts(
                true,
                declaration.is_conflict(),
                standing.conflicts_count,
            );
        }
        let transition = workflow::decide(
            revision.state,
            Action::Recertify,
            actor(caller, &revision),
            approvals,
        )?;
        let declaration = disclosures::required(input.declaration.as_ref())?;
        let attested = checklist::attested(&checklist_rows::in_force(tx)?, &input.checklist)?;
        let now = db::now();
        rows::insert(
            tx,
            &NewRecertification {
                article: article.id,
                revision: revision.id,
                reviewer: me,
                conflict_declared: declaration.is_conflict(),
                conflict: declaration.text(),
                checklist: &checklist::to_json(&attested),
                note: &note,
                now,
                completes: transition.publishes,
            },
        )?;
        let counts = !approvals.this_approval_uncounted;
        let mut events = vec![
            Event::new(AuditAction::RecertificationGiven)
                .target_revision(article.id, revision.id)
                .details(json!({
                    "number": revision.number,
                    "declaration": match declaration {
                        Declaration::NoConflict => json!("none"),
                        Declaration::Conflict(text) => json!({ "conflict": text }),
                    },
                    "counts": counts,
                    "checklist": attested,
                    "note": note,
                    "recertifications": standing.counted.len() + usize::from(counts),
                    "required": approvals.required,
                })),
        ];
        // Every re-certification claims the article's version, so two given at once are
        // measured one after the other (the later one sees the earlier): neither can miss
        // that together they meet the policy.
        if !transition.publishes && !articles::bump(tx, article.id, article.version, now)? {
            return Err(ServiceError::Contended);
        }
        if transition.publishes {
            let interval = review_interval(settings::in_tx(tx)?.review_interval_days);
            if !articles::reviewed(tx, article.id, article.version, now, now + interval)? {
                return Err(ServiceError::Contended);
            }
            events.push(
                Event::new(AuditAction::ArticleRecertified)
                    .target_article(article.id)
                    .details(json!({
                        "revision": revision.id,
                        "number": revision.number,
                        "previously_reviewed": article.last_reviewed_at,
                        "next_review_due": now + interval,
                    })),
            );
        }
        audit::record_all(tx, caller.actor(), events)?;
        Ok(transition.publishes)
    })
}
