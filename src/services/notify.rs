//! Who hears about what. Each function queues messages inside the caller's transaction, so
//! a message exists exactly when its event does; the outbox write records on the
//! transaction that mail is waiting, and the worker is woken when it commits.
//!
//! Invitations, password resets, submissions, assignments and decisions always go; comments
//! and review-date reminders respect each person's choice. Links are absolute, built with
//! the site's public URL as the message is rendered.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDateTime};

use super::{Ctx, Env, Failure, ServiceResult};
use crate::db::articles::Article;
use crate::db::outbox::{self, NewMail};
use crate::db::revisions::{self, Revision};
use crate::db::users::{self, User};
use crate::db::{
    self, DbConn, Tx, assignments, comments, review_reminders, reviews, settings, specialties,
};
use crate::domain::audience;
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;
use crate::ids::{ArticleId, RevisionId, UserId};
use crate::mail::messages::{
    Assigned, AssignmentDue, Commented, Decided, Email, Frame, Invitation, PasswordReset,
    Published, ReRequested, ReviewDue, Submitted, Superseded,
};
use crate::urls;

/// How far ahead "due soon" reminders go out.
pub fn due_soon_window() -> Duration {
    Duration::days(30)
}

/// A unique Message-ID, kept with the row so every retry carries the same one.
/// A new Message-ID: the time in microseconds, then random letters. Ids in time order
/// land at the end of the outbox's unique index, on the page the last message's id is on:
/// random ids touched a page of their own each (on SQLite, two of the thirty pages an
/// approval wrote).
fn message_id(event: &str) -> ServiceResult<String> {
    let token = super::secrets::random_token()?;
    let micros = chrono::Utc::now().timestamp_micros().max(0);
    Ok(format!(
        "<{micros:014x}.{}.{event}@imprimatur.invalid>",
        &token[..16]
    ))
}

/// Messages about one revision share a thread.
fn thread_of(revision: RevisionId) -> String {
    format!("<revision-{revision}@imprimatur.invalid>")
}

/// An absolute link to `path` on this site.
fn link(env: &Env, path: &str) -> String {
    urls::absolute(env.public_url(), path)
}

/// Queues one notice to each of `to`: rendered once, one outbox row per person.
fn enqueue(
    tx: &mut Tx<'_>,
    env: &Env,
    to: &[User],
    notice: &dyn Email,
    article: Option<ArticleId>,
    revision: Option<RevisionId>,
) -> ServiceResult<()> {
    if to.is_empty() {
        return Ok(());
    }
    let site = settings::in_tx(tx)?.site_name;
    let settings_url = link(env, &urls::notification_settings());
    let rendered = notice
        .render(Frame {
            site: &site,
            settings_url: &settings_url,
        })
        .map_err(Failure::Render)?;
    let now = db::now();
    for person in to {
        outbox::insert(
            tx,
            &NewMail {
                recipient: crate::mail::transport::recipient(&person.display_name, &person.email),
                recipient_id: Some(person.id),
                subject: rendered.subject.clone(),
                text_body: rendered.text.clone(),
                html_body: rendered.html.clone(),
                event: notice.event().to_owned(),
                article_id: article,
                revision_id: revision,
                message_id: message_id(notice.event())?,
                thread_id: revision.map(thread_of),
                created_at: now,
                next_attempt_at: now,
            },
        )?;
    }
    Ok(())
}

/// Queues a notice about a revision to each of `to`.
fn tell(
    tx: &mut Tx<'_>,
    env: &Env,
    to: &[User],
    notice: &dyn Email,
    revision: &Revision,
) -> ServiceResult<()> {
    enqueue(
        tx,
        env,
        to,
        notice,
        Some(revision.article_id),
        Some(revision.id),
    )
}

/// Active accounts among `ids`, without `except`.
fn active(
    conn: &mut DbConn,
    ids: BTreeSet<UserId>,
    except: Option<UserId>,
) -> ServiceResult<Vec<User>> {
    let ids: Vec<UserId> = ids.into_iter().filter(|id| Some(*id) != except).collect();
    Ok(users::find_many(conn, &ids)?
        .into_iter()
        .filter(|u| u.is_active)
        .collect())
}

pub(crate) fn invitation(
    tx: &mut Tx<'_>,
    env: &Env,
    user: &User,
    token: &str,
    expires_at: NaiveDateTime,
) -> ServiceResult<()> {
    let notice = Invitation {
        name: user.display_name.clone(),
        setup_url: link(env, &urls::setup(token)),
        expires_at,
    };
    enqueue(tx, env, std::slice::from_ref(user), &notice, None, None)
}

pub(crate) fn password_reset(
    tx: &mut Tx<'_>,
    env: &Env,
    user: &User,
    token: &str,
    expires_at: NaiveDateTime,
) -> ServiceResult<()> {
    let notice = PasswordReset {
        name: user.display_name.clone(),
        setup_url: link(env, &urls::setup(token)),
        expires_at,
    };
    enqueue(tx, env, std::slice::from_ref(user), &notice, None, None)
}

/// A revision was submitted: its assigned reviewers hear, or every reviewer if none is;
/// not those `asked_again`, who got a message of their own.
pub(crate) fn submitted(
    tx: &mut Tx<'_>,
    env: &Env,
    revision: &Revision,
    author: &str,
    asked_again: &[UserId],
) -> ServiceResult<()> {
    let assigned: BTreeSet<UserId> = assignments::assignees_of(tx, revision.id)?
        .into_iter()
        .collect();
    let recipients: BTreeSet<UserId> = if assigned.is_empty() {
        let board: BTreeSet<UserId> = users::with_role(tx, Role::Reviewer)?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        // Nobody is assigned: the reviewers of the article's specialties are asked, or the
        // whole board when the article has none (or nobody on the board holds them).
        let needed: Vec<_> = specialties::of_article(tx, revision.article_id)?
            .into_iter()
            .map(|s| s.id)
            .collect();
        let specialists: BTreeSet<UserId> = if needed.is_empty() {
            BTreeSet::new()
        } else {
            specialties::holders(tx, &needed)?
                .into_iter()
                .filter(|id| board.contains(id) && *id != revision.author_id)
                .collect()
        };
        if specialists.is_empty() {
            board
        } else {
            specialists
        }
    } else {
        assigned
    };
    let mut to = active(tx, recipients, Some(revision.author_id))?;
    to.retain(|user| !asked_again.contains(&user.id));
    let notice = Submitted {
        title: revision.title.clone(),
        author: author.to_owned(),
        label: revision.label(),
        revision_url: link(env, &urls::revision(revision.id)),
        diff_url: link(env, &urls::diff(revision.id)),
        versions: versions(tx, revision)?,
    };
    tell(tx, env, &to, &notice, revision)
}

/// Which versions `revision` changes against the article's live one, in words.
fn versions(conn: &mut DbConn, revision: &Revision) -> ServiceResult<String> {
    let live = match db::articles::find(conn, revision.article_id)?
        .and_then(|a| a.published_revision_id)
    {
        Some(id) if id != revision.id => revisions::find(conn, id)?,
        _ => None,
    };
    let old = live.as_ref().map(|r| (r.clinician(), r.patient()));
    let (clinician, patient) = (revision.clinician(), revision.patient());
    Ok(audience::versions_changed(
        old.as_ref().map(|(c, p)| (c, p.as_ref())),
        (&clinician, patient.as_ref()),
    ))
}

/// A reviewer who asked for changes (or was assigned) is asked to look at the answer.
pub(crate) fn re_requested(
    tx: &mut Tx<'_>,
    env: &Env,
    revision: &Revision,
    reviewer: &User,
    author: &str,
    since: Option<RevisionId>,
) -> ServiceResult<()> {
    let notice = ReRequested {
        title: revision.title.clone(),
        author: author.to_owned(),
        label: revision.label(),
        change_note: revision.change_note.clone(),
        diff_url: link(env, &urls::diff_with(revision.id, since, None)),
        since_review: since.is_some(),
        revision_url: link(env, &urls::revision(revision.id)),
        versions: versions(tx, revision)?,
    };
    tell(tx, env, std::slice::from_ref(reviewer), &notice, revision)
}

/// Someone's pending revision was superseded by a colleague's: its author hears whether it
/// was folded into the new one or replaced, with the diff between the two.
pub(crate) fn superseded(
    tx: &mut Tx<'_>,
    env: &Env,
    older: &Revision,
    newer: RevisionId,
    newer_number: i32,
    by: &str,
    folded: bool,
) -> ServiceResult<()> {
    let to = active(tx, BTreeSet::from([older.author_id]), None)?;
    let notice = Superseded {
        title: older.title.clone(),
        by: by.to_owned(),
        label: older.label(),
        new_label: format!("Revision {newer_number}"),
        folded,
        diff_url: link(env, &urls::diff_with(newer, Some(older.id), None)),
        revision_url: link(env, &urls::revision(newer)),
    };
    tell(tx, env, &to, &notice, older)
}

/// A reviewer was assigned: they hear (unless they assigned themselves).
pub(crate) fn assigned(
    tx: &mut Tx<'_>,
    env: &Env,
    by_id: UserId,
    by: &str,
    revision: &Revision,
    reviewer: UserId,
) -> ServiceResult<()> {
    let to = active(tx, BTreeSet::from([reviewer]), Some(by_id))?;
    let notice = Assigned {
        title: revision.title.clone(),
        by: by.to_owned(),
        label: revision.label(),
        revision_url: link(env, &urls::revision(revision.id)),
    };
    tell(tx, env, &to, &notice, revision)
}

/// A comment: the author and the revision's commenters, reviewers and assignees hear, not
/// the commenter, and only those who want comment mail.
pub(crate) fn comment(
    tx: &mut Tx<'_>,
    env: &Env,
    commenter_id: UserId,
    commenter: &str,
    revision: &Revision,
    text: &str,
) -> ServiceResult<()> {
    let mut recipients = BTreeSet::from([revision.author_id]);
    recipients.extend(comments::commenters_of(tx, revision.id)?);
    recipients.extend(reviews::reviewers_of(tx, revision.id)?);
    recipients.extend(assignments::assignees_of(tx, revision.id)?);
    let mut to = active(tx, recipients, Some(commenter_id))?;
    to.retain(|user| user.notify_comments);
    let notice = Commented {
        title: revision.title.clone(),
        commenter: commenter.to_owned(),
        text: text.to_owned(),
        revision_url: link(env, &urls::revision(revision.id)),
    };
    tell(tx, env, &to, &notice, revision)
}

/// Changes requested or rejected: the author hears, with the reviewer's words.
pub(crate) fn decision(
    tx: &mut Tx<'_>,
    env: &Env,
    reviewer: &str,
    revision: &Revision,
    text: &str,
    rejected: bool,
) -> ServiceResult<()> {
    let to = active(tx, BTreeSet::from([revision.author_id]), None)?;
    let notice = Decided {
        title: revision.title.clone(),
        reviewer: reviewer.to_owned(),
        text: text.to_owned(),
        revision_url: link(env, &urls::revision(revision.id)),
        rejected,
    };
    tell(tx, env, &to, &notice, revision)
}

/// Approved and published: the author and the revision's reviewers and assignees hear.
pub(crate) fn published(
    tx: &mut Tx<'_>,
    env: &Env,
    revision: &Revision,
    slug: &str,
) -> ServiceResult<()> {
    let to = users::active_involved_in(tx, revision.author_id, revision.id)?;
    let notice = Published {
        title: revision.title.clone(),
        label: revision.label(),
        public_url: link(env, &urls::public_article(slug)),
        revision_url: link(env, &urls::revision(revision.id)),
    };
    tell(tx, env, &to, &notice, revision)
}

/// Articles read per batch by [`review_reminders`].
const REMINDER_BATCH: i64 = 500;

/// Queues review-date reminders: "due soon" within the window and "overdue" once past, each
/// once per due date, to the reviewers who last approved the article and its editors.
/// Returns how many messages were queued. Run by the server's reminder job.
pub fn review_reminders(ctx: &mut Ctx<'_>, now: NaiveDateTime) -> ServiceResult<usize> {
    review_reminders_by(ctx, now, REMINDER_BATCH)
}

/// [`review_reminders`], reading the articles owed one `batch` at a time until none are
/// left, each article in its own transaction.
pub fn review_reminders_by(
    ctx: &mut Ctx<'_>,
    now: NaiveDateTime,
    batch: i64,
) -> ServiceResult<usize> {
    let env = ctx.env();
    let cutoff = now + due_soon_window();
    let mut after = None;
    let mut queued = 0;
    loop {
        let due = review_reminders::owed(ctx.conn(), now, cutoff, after, batch)?;
        for article in &due {
            let Some(due_at) = article.next_review_due else {
                continue;
            };
            after = Some((due_at, article.id));
            let overdue = due_at <= now;
            queued += ctx.write(|tx| remind(tx, env, article, due_at, overdue, now))?;
        }
        if i64::try_from(due.len()).unwrap_or(0) < batch {
            return Ok(queued);
        }
    }
}

fn remind(
    tx: &mut Tx<'_>,
    env: &Env,
    article: &Article,
    due_at: NaiveDateTime,
    overdue: bool,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let Some(published) = article.published_revision_id else {
        return Ok(0);
    };
    let kind = if overdue {
        review_reminders::OVERDUE
    } else {
        review_reminders::DUE_SOON
    };
    if !review_reminders::record_once(tx, article.id, kind, due_at, now)? {
        return Ok(0);
    }
    let Some(revision) = revisions::find(tx, published)? else {
        return Ok(0);
    };
    let mut recipients: BTreeSet<UserId> =
        reviews::approvers(tx, revision.id, &revision.content_hash)?
            .into_iter()
            .map(|approver| approver.id)
            .collect();
    recipients.extend(revisions::authors_of_article(tx, article.id)?);
    let mut to = active(tx, recipients, None)?;
    to.retain(|user| user.notify_review_due);
    let notice = ReviewDue {
        title: revision.title.clone(),
        due: due_at,
        overdue,
        article_url: link(env, &urls::article(article.id)),
    };
    enqueue(tx, env, &to, &notice, Some(article.id), None)?;
    Ok(to.len())
}

/// Queues the reminders of assigned reviews: one the day before the due date and one once
/// it passes, each once (recorded on the assignment, compare-and-set, so two instances
/// never both send it), each audited. An assignment whose revision no longer waits for
/// reviewers, or whose reviewer has already voted on it, is settled without mail. Returns
/// how many messages were queued. Run by the server's reminder job.
pub fn assignment_reminders(ctx: &mut Ctx<'_>, now: NaiveDateTime) -> ServiceResult<usize> {
    let env = ctx.env();
    let cutoff = now + Duration::days(1);
    let mut after = None;
    let mut queued = 0;
    loop {
        let owed = assignments::owed_reminders(ctx.conn(), cutoff, after, REMINDER_BATCH)?;
        for assignment in &owed {
            let Some(due) = assignment.due_at else {
                continue;
            };
            after = Some((due, assignment.revision_id, assignment.reviewer_id));
            queued += ctx.write(|tx| remind_reviewer(tx, env, assignment, due, now))?;
        }
        if i64::try_from(owed.len()).unwrap_or(0) < REMINDER_BATCH {
            return Ok(queued);
        }
    }
}

fn remind_reviewer(
    tx: &mut Tx<'_>,
    env: &Env,
    assignment: &assignments::Assignment,
    due: NaiveDateTime,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    use assignments::Reminder;
    let overdue = due <= now;
    if !overdue && assignment.reminded_before_at.is_some() {
        return Ok(0);
    }
    let reminder = if overdue {
        Reminder::Overdue
    } else {
        Reminder::DueSoon
    };
    let (revision_id, reviewer_id) = (assignment.revision_id, assignment.reviewer_id);
    let revision = revisions::find(tx, revision_id)?;
    let owed = match &revision {
        Some(revision) if revision.state.awaits_reviewers() => {
            !reviews::voted(tx, reviewer_id, revision_id)?
        }
        _ => false,
    };
    if !owed {
        // Nothing to remind of any more: settle both reminders quietly.
        assignments::mark_reminded(tx, revision_id, reviewer_id, Reminder::Overdue, now)?;
        return Ok(0);
    }
    if !assignments::mark_reminded(tx, revision_id, reviewer_id, reminder, now)? {
        return Ok(0);
    }
    let Some(revision) = revision else {
        return Ok(0);
    };
    let to = active(tx, BTreeSet::from([reviewer_id]), None)?;
    let notice = AssignmentDue {
        title: revision.title.clone(),
        label: revision.label(),
        due,
        overdue,
        revision_url: link(env, &urls::revision(revision.id)),
    };
    tell(tx, env, &to, &notice, &revision)?;
    super::audit::record(
        tx,
        &super::Actor::system(),
        super::audit::Event::new(AuditAction::ReviewReminderSent)
            .target_revision(revision.article_id, revision.id)
            .details(serde_json::json!({
                "reviewer": reviewer_id,
                "reminder": if overdue { "overdue" } else { "due_soon" },
                "due": due,
                "sent": !to.is_empty(),
            })),
    )?;
    Ok(to.len())
}
