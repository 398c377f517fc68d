//! Who hears about what. Each function queues messages inside the caller's transaction, so a
//! message exists exactly when its event does; the caller wakes the worker after committing
//! (`mail::wake`).
//!
//! Invitations, password resets, submissions, assignments and decisions always go; comments
//! and review-date reminders respect each person's choice.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::accounts::IssuedLink;
use super::{Caller, ServiceResult};
use crate::db::articles::{self, Article};
use crate::db::outbox::{self, NewMail};
use crate::db::revisions::Revision;
use crate::db::schema::{assignments, comments, review_reminders, reviews, revisions};
use crate::db::users::{self, User};
use crate::db::{self, DbConn, settings};
use crate::domain::roles::Role;
use crate::ids::{ArticleId, RevisionId, UserId};
use crate::mail::messages::{self, Notice};
use diesel::result::QueryResult;

/// How far ahead "due soon" reminders go out.
pub fn due_soon_window() -> Duration {
    Duration::days(30)
}

/// A unique Message-ID, kept with the row so every retry carries the same one.
fn message_id(event: &str) -> ServiceResult<String> {
    let token = super::secrets::random_token()?;
    Ok(format!("<{}.{event}@imprimatur.invalid>", &token[..24]))
}

/// Messages about one revision share a thread.
fn thread_of(revision: RevisionId) -> String {
    format!("<revision-{revision}@imprimatur.invalid>")
}

/// Queues one notice to each of `to`: rendered once, one outbox row per person.
fn enqueue(
    conn: &mut DbConn,
    to: &[User],
    notice: &Notice,
    article: Option<ArticleId>,
    revision: Option<RevisionId>,
) -> ServiceResult<()> {
    if to.is_empty() {
        return Ok(());
    }
    let site = settings::load(conn)?.site_name;
    let rendered = messages::render(&site, notice)
        .map_err(|e| super::ServiceError::Internal(format!("cannot render mail: {e}")))?;
    let now = db::now();
    for person in to {
        outbox::insert(
            conn,
            &NewMail {
                recipient: format!(
                    "{} <{}>",
                    person.display_name.replace(['<', '>', '"', ','], " "),
                    person.email
                ),
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
fn tell(conn: &mut DbConn, to: &[User], notice: &Notice, revision: &Revision) -> ServiceResult<()> {
    enqueue(
        conn,
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

fn revision_path(revision: &Revision) -> String {
    format!("/manage/revisions/{}", revision.id)
}

pub(crate) fn invitation(conn: &mut DbConn, user: &User, link: &IssuedLink) -> ServiceResult<()> {
    let notice = Notice::Invitation {
        name: user.display_name.clone(),
        setup_path: link.path(),
        expires_at: link.expires_at,
    };
    enqueue(conn, std::slice::from_ref(user), &notice, None, None)
}

pub(crate) fn password_reset(
    conn: &mut DbConn,
    user: &User,
    link: &IssuedLink,
) -> ServiceResult<()> {
    let notice = Notice::PasswordReset {
        name: user.display_name.clone(),
        setup_path: link.path(),
        expires_at: link.expires_at,
    };
    enqueue(conn, std::slice::from_ref(user), &notice, None, None)
}

/// A revision was submitted: its assigned reviewers hear, or every reviewer if none is.
pub(crate) fn submitted(conn: &mut DbConn, revision: &Revision, author: &str) -> ServiceResult<()> {
    let assigned = assignees_of(conn, revision.id)?;
    let recipients: BTreeSet<UserId> = if assigned.is_empty() {
        users::with_role(conn, Role::Reviewer)?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect()
    } else {
        assigned
    };
    let to = active(conn, recipients, Some(revision.author_id))?;
    let notice = Notice::Submitted {
        title: revision.title.clone(),
        author: author.to_owned(),
        label: revision.label(),
        revision_path: revision_path(revision),
        diff_path: format!("{}/diff", revision_path(revision)),
    };
    tell(conn, &to, &notice, revision)
}

/// A reviewer was assigned: they hear (unless they assigned themselves).
pub(crate) fn assigned(
    conn: &mut DbConn,
    caller: &Caller,
    by: &str,
    revision: &Revision,
    reviewer: UserId,
) -> ServiceResult<()> {
    let to = active(conn, BTreeSet::from([reviewer]), Some(caller.id))?;
    let notice = Notice::Assigned {
        title: revision.title.clone(),
        by: by.to_owned(),
        label: revision.label(),
        revision_path: revision_path(revision),
    };
    tell(conn, &to, &notice, revision)
}

fn ids(
    conn: &mut DbConn,
    query: impl FnOnce(&mut DbConn) -> QueryResult<Vec<UserId>>,
) -> ServiceResult<BTreeSet<UserId>> {
    Ok(query(conn)?.into_iter().collect())
}

fn reviewers_of(conn: &mut DbConn, revision: RevisionId) -> ServiceResult<BTreeSet<UserId>> {
    ids(conn, |c| {
        reviews::table
            .filter(reviews::revision_id.eq(revision))
            .select(reviews::reviewer_id)
            .load(c)
    })
}

fn assignees_of(conn: &mut DbConn, revision: RevisionId) -> ServiceResult<BTreeSet<UserId>> {
    ids(conn, |c| {
        assignments::table
            .filter(assignments::revision_id.eq(revision))
            .select(assignments::reviewer_id)
            .load(c)
    })
}

fn commenters_of(conn: &mut DbConn, revision: RevisionId) -> ServiceResult<BTreeSet<UserId>> {
    ids(conn, |c| {
        comments::table
            .filter(comments::revision_id.eq(revision))
            .select(comments::author_id)
            .load(c)
    })
}

/// A comment: the author and the revision's commenters, reviewers and assignees hear, not
/// the commenter, and only those who want comment mail.
pub(crate) fn comment(
    conn: &mut DbConn,
    caller: &Caller,
    commenter: &str,
    revision: &Revision,
    text: &str,
) -> ServiceResult<()> {
    let mut recipients = BTreeSet::from([revision.author_id]);
    recipients.extend(commenters_of(conn, revision.id)?);
    recipients.extend(reviewers_of(conn, revision.id)?);
    recipients.extend(assignees_of(conn, revision.id)?);
    let mut to = active(conn, recipients, Some(caller.id))?;
    to.retain(|user| user.notify_comments);
    let notice = Notice::Comment {
        title: revision.title.clone(),
        commenter: commenter.to_owned(),
        text: text.to_owned(),
        revision_path: revision_path(revision),
    };
    tell(conn, &to, &notice, revision)
}

/// Changes requested or rejected: the author hears, with the reviewer's words.
pub(crate) fn decision(
    conn: &mut DbConn,
    reviewer: &str,
    revision: &Revision,
    text: &str,
    rejected: bool,
) -> ServiceResult<()> {
    let to = active(conn, BTreeSet::from([revision.author_id]), None)?;
    let (title, reviewer, text, revision_path) = (
        revision.title.clone(),
        reviewer.to_owned(),
        text.to_owned(),
        revision_path(revision),
    );
    let notice = if rejected {
        Notice::Rejected {
            title,
            reviewer,
            text,
            revision_path,
        }
    } else {
        Notice::ChangesRequested {
            title,
            reviewer,
            text,
            revision_path,
        }
    };
    tell(conn, &to, &notice, revision)
}

/// Approved and published: the author and the revision's reviewers and assignees hear.
pub(crate) fn published(conn: &mut DbConn, revision: &Revision, slug: &str) -> ServiceResult<()> {
    let mut recipients = BTreeSet::from([revision.author_id]);
    recipients.extend(reviewers_of(conn, revision.id)?);
    recipients.extend(assignees_of(conn, revision.id)?);
    let to = active(conn, recipients, None)?;
    let notice = Notice::Published {
        title: revision.title.clone(),
        label: revision.label(),
        public_path: format!("/articles/{slug}"),
        revision_path: revision_path(revision),
    };
    tell(conn, &to, &notice, revision)
}

/// Queues review-date reminders: "due soon" within the window and "overdue" once past, each
/// once per due date, to the reviewers who last approved the article and its editors.
/// Returns how many messages were queued.
pub fn review_reminders(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<usize> {
    let due = articles::due_before(conn, now + due_soon_window())?;
    let mut queued = 0;
    for article in due {
        let Some(due_at) = article.next_review_due else {
            continue;
        };
        let kind = if due_at <= now { "overdue" } else { "due_soon" };
        queued += db::write_tx(conn, |conn| remind(conn, &article, due_at, kind, now))?;
    }
    Ok(queued)
}

fn remind(
    conn: &mut DbConn,
    article: &Article,
    due_at: NaiveDateTime,
    kind: &str,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let already: bool = diesel::select(diesel::dsl::exists(
        review_reminders::table
            .filter(review_reminders::article_id.eq(article.id))
            .filter(review_reminders::kind.eq(kind))
            .filter(review_reminders::due_at.eq(due_at)),
    ))
    .get_result(conn)?;
    let Some(published) = article.published_revision_id else {
        return Ok(0);
    };
    if already {
        return Ok(0);
    }
    diesel::insert_into(review_reminders::table)
        .values((
            review_reminders::article_id.eq(article.id),
            review_reminders::kind.eq(kind),
            review_reminders::due_at.eq(due_at),
            review_reminders::sent_at.eq(now),
        ))
        .execute(conn)?;
    let Some(revision) = db::revisions::find(conn, published)? else {
        return Ok(0);
    };
    let mut recipients: BTreeSet<UserId> =
        db::reviews::approvers(conn, revision.id, &revision.content_hash)?
            .into_iter()
            .collect();
    recipients.extend(
        revisions::table
            .filter(revisions::article_id.eq(article.id))
            .filter(revisions::number.is_not_null())
            .select(revisions::author_id)
            .load::<UserId>(conn)?,
    );
    let mut to = active(conn, recipients, None)?;
    to.retain(|user| user.notify_review_due);
    let notice = Notice::ReviewDue {
        title: revision.title.clone(),
        due: due_at,
        overdue: kind == "overdue",
        article_path: format!("/manage/articles/{}", article.id),
    };
    enqueue(conn, &to, &notice, Some(article.id), None)?;
    Ok(to.len())
}
