//! Putting articles on the public site and taking them off: publication (the approval that
//! meets the policy) and retraction, with the search index. Both change what public pages
//! show, which their writes record on the transaction (`db::Tx`).

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Ctx, Missing, Refusal, ServiceError, ServiceResult};
use crate::db::revisions::Revision;
use crate::db::{self, Tx, articles, search, settings};
use crate::domain::audit::AuditAction;
use crate::domain::content::Version;
use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::settings::review_interval;
use crate::ids::ArticleId;

/// The longest retraction reason accepted.
pub const REASON_MAX: usize = 2_000;

/// Makes an approved revision the article's published version, schedules its next review,
/// puts its text in the search index and ends any retraction: inside the approval's
/// transaction. Returns the publication's audit event, for the approval to append after its
/// own as the transaction's last write.
pub(crate) fn publish(
    tx: &mut Tx<'_>,
    env: &super::Env,
    revision: &Revision,
    approvals: usize,
) -> ServiceResult<Event> {
    let article = articles::find(tx, revision.article_id)?.ok_or(Missing::Article)?;
    let interval = review_interval(settings::in_tx(tx)?.review_interval_days);
    let now = db::now();
    if !articles::publish(
        tx,
        article.id,
        article.version,
        revision.id,
        now,
        now + interval,
    )? {
        return Err(ServiceError::Contended);
    }
    let clinician = Version {
        title: revision.title.clone(),
        summary: revision.summary.clone(),
        body: revision.body.clone(),
    };
    search::index(tx, article.id, &clinician, revision.patient().as_ref())?;
    super::notify::published(tx, env, revision, &article.slug)?;
    Ok(Event::new(AuditAction::ArticlePublished)
        .target_article(article.id)
        .details(json!({
            "revision": revision.id,
            "number": revision.number,
            "replaces": article.published_revision_id,
            "was_retracted": article.retracted_at.is_some(),
            "approvals": approvals,
            "next_review_due": now + interval,
        })))
}

/// What an admin gives when retracting: the reason (kept in the audit log, and shown to
/// readers unless a separate `notice` is given) and, optionally, a different text for
/// readers.
#[derive(Debug, Clone, Default)]
pub struct Retraction {
    pub reason: String,
    pub notice: String,
}

impl Retraction {
    /// A retraction whose reason readers see too.
    pub fn because(reason: &str) -> Self {
        Self {
            reason: reason.to_owned(),
            notice: String::new(),
        }
    }
}

/// Takes a published article off the public site: its page answers 410 with the date and
/// the notice for readers, its history stays readable, the feed announces the retraction,
/// and it leaves the index, search and sitemap. A reason is required; the action is
/// audited. A later approval of a new revision republishes it. Admin only.
pub fn retract(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: ArticleId,
    retraction: &Retraction,
) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    let by = caller.me()?;
    let reason = retraction.reason.trim();
    let notice = match retraction.notice.trim() {
        "" => reason,
        notice => notice,
    };
    let mut problems = Problems::new();
    if reason.is_empty() {
        problems.push(
            "reason",
            "Give the reason for the retraction; it is kept in the audit log.",
        );
    }
    let separate = (notice != reason).then_some(("notice", notice));
    for (field, text) in std::iter::once(("reason", reason)).chain(separate) {
        if text.chars().count() > REASON_MAX {
            problems.push(
                field,
                format!("The reason is too long (at most {REASON_MAX} characters)."),
            );
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            problems.push(field, "The reason contains control characters.");
        }
    }
    problems.or_ok(|| ())?;
    ctx.write(|tx| {
        let article = articles::find(tx, id)?.ok_or(Missing::Article)?;
        if !article.is_live() {
            return Err(if article.retracted_at.is_some() {
                Refusal::AlreadyRetracted
            } else {
                Refusal::NeverPublished
            }
            .into());
        }
        if !articles::retract(tx, id, reason, notice, by, db::now())? {
            return Err(ServiceError::Contended);
        }
        search::remove(tx, id)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::ArticleRetracted)
                .target_article(id)
                .details(json!({
                    "slug": article.slug,
                    "revision": article.published_revision_id,
                    "reason": reason,
                    "notice": notice,
                })),
        )?;
        Ok(())
    })
}
