//! The `mail_outbox` table: every message, written in the transaction of the event that
//! causes it, then claimed, sent and marked by a worker.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::cached::{bind, cached};

use super::schema::mail_outbox;
use super::{DbConn, Tx};
use crate::ids::{ArticleId, RevisionId, UserId};

#[derive(Debug, Clone, Queryable)]
pub struct OutboxRow {
    pub id: i64,
    pub recipient: String,
    pub recipient_id: Option<UserId>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub event: String,
    pub article_id: Option<ArticleId>,
    pub revision_id: Option<RevisionId>,
    pub message_id: String,
    pub thread_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub claimed_by: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    Queued,
    Sent,
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<MailStatus> {
        [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

impl OutboxRow {
    pub fn status(&self) -> MailStatus {
        MailStatus::of(self.sent_at, self.failed_at)
    }
}

impl MailStatus {
    /// Sent once it left, failed once the worker gave up, queued until then.
    fn of(sent_at: Option<NaiveDateTime>, failed_at: Option<NaiveDateTime>) -> MailStatus {
        if sent_at.is_some() {
            MailStatus::Sent
        } else if failed_at.is_some() {
            MailStatus::Failed
        } else {
            MailStatus::Queued
        }
    }
}

/// A message as the admin's list shows it: no bodies.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct MailLine {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub event: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

impl MailLine {
    pub fn status(&self) -> MailStatus {
        MailStatus::of(self.sent_at, self.failed_at)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewMail {
    pub recipient: String,
    pub recipient_id: Option<UserId>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub event: String,
    pub article_id: Option<ArticleId>,
    pub revision_id: Option<RevisionId>,
    pub message_id: String,
    pub thread_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
}

/// Queues a message; the worker hears of it once the transaction commits.
/// One fixed text, kept prepared (diesel prepares an insert with optional values anew each
/// time): every approval, comment and decision queues messages.
pub fn insert(tx: &mut Tx<'_>, mail: &NewMail) -> QueryResult<usize> {
    use diesel::sql_types::Nullable;
    tx.mail_queued();
    cached(
        &[
            "INSERT INTO mail_outbox (recipient, recipient_id, subject, text_body, html_body, \
             event, article_id, revision_id, message_id, thread_id, created_at, \
             next_attempt_at) VALUES (",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ", ",
            ")",
        ],
        (
            (
                bind::<Text, _>(&mail.recipient),
                bind::<Nullable<BigInt>, _>(mail.recipient_id.map(|id| id.0)),
                bind::<Text, _>(&mail.subject),
                bind::<Text, _>(&mail.text_body),
            ),
            (
                bind::<Text, _>(&mail.html_body),
                bind::<Text, _>(&mail.event),
                bind::<Nullable<BigInt>, _>(mail.article_id.map(|id| id.0)),
                bind::<Nullable<BigInt>, _>(mail.revision_id.map(|id| id.0)),
            ),
            (
                bind::<Text, _>(&mail.message_id),
                bind::<Nullable<Text>, _>(mail.thread_id.as_deref()),
                bind::<Timestamp, _>(mail.created_at),
                bind::<Timestamp, _>(mail.next_attempt_at),
            ),
        ),
    )
    .execute(&mut **tx)
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The ids `select` finds, a query of an outbox (mail or webhook deliveries) with `{now}`
/// and `{limit}` where the time and the most rows go. On PostgreSQL the rows are locked
/// with `FOR UPDATE SKIP LOCKED`, so concurrent workers never claim the same one; on
/// SQLite the immediate transaction is the only writer.
pub(super) fn due_ids(
    conn: &mut DbConn,
    select: &str,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let ids: Vec<Id> = match conn {
        DbConn::Pg(c) => diesel::sql_query(format!(
            "{} FOR UPDATE SKIP LOCKED",
            select.replace("{now}", "$1").replace("{limit}", "$2")
        ))
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        DbConn::Sqlite(c) => {
            diesel::sql_query(select.replace("{now}", "?1").replace("{limit}", "?2"))
                .bind::<Timestamp, _>(now)
                .bind::<BigInt, _>(limit)
                .load(c)?
        }
    };
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Claims up to `limit` due messages for `worker` until `lease_until`, inside the caller's
/// write transaction (`due_ids`: never the same message as another worker).
pub fn claim(
    conn: &mut DbConn,
    worker: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let ids = due_ids(
        conn,
        "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
         AND next_attempt_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now}) \
         ORDER BY next_attempt_at, id LIMIT {limit}",
        now,
        limit,
    )?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)))
        .set((
            mail_outbox::claimed_until.eq(lease_until),
            mail_outbox::claimed_by.eq(worker),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .returning(mail_outbox::all_columns)
        .get_results(conn)
}

/// Events whose messages carry a one-time link: once delivered, their bodies are wiped, so
/// the outbox is not a second place to find usable links.
const WIPED: &str = "(Removed after delivery: this message contained a one-time link.)";

/// Marks a message delivered, if this worker still holds it and nobody marked it first; a
/// message carrying a one-time link (an invitation, a password reset) loses its body in the
/// same statement, so no moment exists where it is marked sent with the link still stored.
/// One fixed text, kept prepared: the worker runs it for every message it delivers.
pub fn mark_sent(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = cached(
        &[
            "UPDATE mail_outbox SET sent_at = ",
            ", claimed_until = NULL, last_error = NULL, text_body = CASE WHEN event IN \
             ('invitation', 'password_reset') THEN ",
            " ELSE text_body END, html_body = CASE WHEN event IN \
             ('invitation', 'password_reset') THEN ",
            " ELSE html_body END WHERE id = ",
            " AND claimed_by = ",
            " AND sent_at IS NULL",
        ],
        (
            bind::<Timestamp, _>(now),
            bind::<Text, _>(WIPED),
            bind::<Text, _>(WIPED),
            bind::<BigInt, _>(id),
            bind::<Text, _>(worker),
        ),
    )
    .execute(conn)?;
    Ok(changed == 1)
}

/// Schedules another attempt after a failure.
pub fn mark_retry(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::claimed_by.eq(worker))
            .filter(mail_outbox::sent_at.is_null()),
    )
    .set((
        mail_outbox::next_attempt_at.eq(next_attempt_at),
        mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
        mail_outbox::last_error.eq(error),
    ))
    .execute(conn)
}

/// Gives a message up.
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
    error: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::claimed_by.eq(worker))
            .filter(mail_outbox::sent_at.is_null()),
    )
    .set((
        mail_outbox::failed_at.eq(now),
        mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
        mail_outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Puts a failed message back in the queue (an admin asked); its age restarts now.
pub fn retry_failed(tx: &mut Tx<'_>, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    tx.mail_queued();
    let changed = diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::failed_at.is_not_null())
            .filter(mail_outbox::sent_at.is_null()),
    )
    .set((
        mail_outbox::failed_at.eq(None::<NaiveDateTime>),
        mail_outbox::next_attempt_at.eq(now),
        mail_outbox::created_at.eq(now),
        mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(&mut **tx)?;
    Ok(changed == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    mail_outbox::table.find(id).first(conn).optional()
}

/// Up to `limit` messages older than `before` (newest first), optionally of one status.
pub fn list(
    conn: &mut DbConn,
    status: Option<MailStatus>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<MailLine>> {
    let mut query = mail_outbox::table
        .select(MailLine::as_select())
        .into_boxed::<super::MultiBackend>();
    if let Some(before) = before {
        query = query.filter(mail_outbox::id.lt(before));
    }
    query = match status {
        None => query,
        Some(MailStatus::Sent) => query.filter(mail_outbox::sent_at.is_not_null()),
        Some(MailStatus::Failed) => query
            .filter(mail_outbox::failed_at.is_not_null())
            .filter(mail_outbox::sent_at.is_null()),
        Some(MailStatus::Queued) => query
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::failed_at.is_null()),
    };
    query.order(mail_outbox::id.desc()).limit(limit).load(conn)
}

/// Counts stop here: a page says "1,000+" rather than count a large outbox.
pub const COUNT_CAP: i64 = 1_000;

/// How many messages are queued and failed (the ones that may need someone), each counted
/// up to [`COUNT_CAP`] + 1, so a large outbox costs the same as a small one. Sent mail is
/// not counted: it is nearly all of a long-running outbox, so its count would always read
/// "1,000+" and cost a thousand rows to say so.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let capped = |ids: Vec<i64>| i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let failed = mail_outbox::table
        .filter(mail_outbox::failed_at.is_not_null())
        .filter(mail_outbox::sent_at.is_null())
        .select(mail_outbox::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let queued = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .select(mail_outbox::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    Ok((capped(queued), capped(failed)))
}
