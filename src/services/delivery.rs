//! Delivering the outbox: claim due messages, send each through the transport, record the
//! outcome (a message given up gets an audit row), and schedule retries with backoff.
//! Several server instances may deliver from one PostgreSQL database: claims use
//! `FOR UPDATE SKIP LOCKED` under a lease.
//!
//! A message is marked sent only after the transport accepted it, and a row marked sent is
//! never claimed again. A courier that dies holding messages loses its claim when the lease
//! runs out, and another one (or the restarted one) sends them.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;
use tokio::sync::watch;

use super::audit::{self, Event};
use super::{Actor, Ctx, Env, Failure, ServiceResult};
use crate::config::Config;
use crate::db;
use crate::db::outbox::{self, OutboxRow};
use crate::domain::audit::AuditAction;
use crate::mail::transport::{Mailer, Outgoing};

/// Messages claimed per round trip.
const BATCH: i64 = 20;

/// What one pass over the due messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The delivery settings, from configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    pub from: String,
    /// A message not delivered for this long is given up.
    pub max_age: Duration,
    /// The first retry waits this long; each next one twice as long (at most an hour).
    pub retry_base: Duration,
    /// How long a courier holds the messages it claimed.
    pub lease: Duration,
}

impl Policy {
    pub fn from_config(config: &Config) -> Self {
        Self {
            from: config.mail_from.clone(),
            max_age: config.mail_max_age,
            retry_base: config.mail_retry_base,
            lease: config.mail_lease,
        }
    }

    /// When to try again after `attempts` tries: the base delay doubled per attempt, at
    /// most an hour.
    fn next_attempt(&self, attempts: i32, now: NaiveDateTime) -> NaiveDateTime {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(16);
        let delay = self
            .retry_base
            .checked_mul(1 << doublings)
            .unwrap_or(Duration::hours(1))
            .min(Duration::hours(1));
        now + delay
    }
}

/// Delivers the outbox of one application through one transport.
#[derive(Clone)]
pub struct Courier {
    env: Env,
    mailer: Mailer,
    policy: Policy,
    id: String,
}

/// What became of a message that could not be delivered.
enum Failed {
    /// Another attempt is scheduled.
    Retry,
    /// Too old to try again: marked failed and audited.
    GivenUp,
}

/// Runs database work on a blocking thread.
async fn blocking<T, F>(env: &Env, work: F) -> ServiceResult<T>
where
    F: FnOnce(&mut Ctx<'_>) -> ServiceResult<T> + Send + 'static,
    T: Send + 'static,
{
    let env = env.clone();
    tokio::task::spawn_blocking(move || env.ctx(work))
        .await
        .map_err(|e| Failure::Task(Box::new(e)))?
}

impl Courier {
    /// `name` says where it runs (the bind address, say); a random suffix makes it unique.
    pub fn new(env: Env, mailer: Mailer, policy: Policy, name: &str) -> Self {
        let mut nonce = [0u8; 4];
        let _ = getrandom::fill(&mut nonce);
        Self {
            id: format!("{name}/{}/{}", std::process::id(), hex::encode(nonce)),
            env,
            mailer,
            policy,
        }
    }

    /// This courier's name in `mail_outbox.claimed_by`.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Claims and sends due messages until none are left, or until `stop` says so.
    pub async fn pass(&self, stop: &watch::Receiver<bool>) -> ServiceResult<Pass> {
        let mut pass = Pass::default();
        loop {
            let worker = self.id.clone();
            let lease = self.policy.lease;
            let batch = blocking(&self.env, move |ctx| {
                let now = db::now();
                ctx.write(|tx| Ok(outbox::claim(tx, &worker, now, now + lease, BATCH)?))
            })
            .await?;
            if batch.is_empty() {
                return Ok(pass);
            }
            let mut rows = batch.into_iter();
            let mut sent = Vec::new();
            for row in rows.by_ref() {
                match self.mailer.send(&self.outgoing(&row)).await {
                    Ok(()) => sent.push(row.id),
                    Err(error) => {
                        // What was delivered is recorded first, whatever happens next.
                        pass.sent += self.mark_sent(std::mem::take(&mut sent)).await?;
                        match self.record_failure(row, error).await? {
                            Failed::Retry => pass.retried += 1,
                            Failed::GivenUp => pass.failed += 1,
                        }
                    }
                }
                if *stop.borrow() {
                    break;
                }
            }
            pass.sent += self.mark_sent(sent).await?;
            if *stop.borrow() {
                // Hand back what this courier claimed but did not try, so nothing waits for
                // the lease to run out.
                let unsent: Vec<i64> = rows.map(|r| r.id).collect();
                let worker = self.id.clone();
                blocking(&self.env, move |ctx| {
                    let now = db::now();
                    ctx.write(|tx| {
                        for &id in &unsent {
                            outbox::mark_retry(
                                tx,
                                id,
                                &worker,
                                now,
                                "not tried: the server was stopping",
                            )?;
                        }
                        Ok(())
                    })
                })
                .await?;
                return Ok(pass);
            }
        }
    }

    fn outgoing(&self, row: &OutboxRow) -> Outgoing {
        Outgoing {
            from: self.policy.from.clone(),
            to: row.recipient.clone(),
            subject: row.subject.clone(),
            text: row.text_body.clone(),
            html: row.html_body.clone(),
            message_id: row.message_id.clone(),
            thread_id: row.thread_id.clone(),
        }
    }

    /// Marks the batch's delivered messages sent, in one transaction: a write per message
    /// was as many write transactions again as the approvals that queued them. A crash
    /// between delivery and this mark sends those messages again (at most one batch).
    async fn mark_sent(&self, ids: Vec<i64>) -> ServiceResult<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let worker = self.id.clone();
        blocking(&self.env, move |ctx| {
            let now = db::now();
            ctx.write(|tx| {
                for &id in &ids {
                    outbox::mark_sent(tx, id, &worker, now)?;
                }
                Ok(ids.len())
            })
        })
        .await
    }

    async fn record_failure(&self, row: OutboxRow, error: String) -> ServiceResult<Failed> {
        let worker = self.id.clone();
        let policy = self.policy.clone();
        blocking(&self.env, move |ctx| {
            let now = db::now();
            if now - row.created_at >= policy.max_age {
                ctx.write(|tx| {
                    if outbox::mark_failed(tx, row.id, &worker, now, &error)? {
                        audit::record(
                            tx,
                            &Actor::system(),
                            Event::new(AuditAction::MailFailed).details(json!({
                                "mail": row.id,
                                "to": row.recipient,
                                "subject": row.subject,
                                "attempts": row.attempts,
                                "error": error,
                            })),
                        )?;
                    }
                    Ok(())
                })?;
                return Ok(Failed::GivenUp);
            }
            tracing::warn!(mail = row.id, to = %row.recipient, %error, "mail not sent; will retry");
            let next = policy.next_attempt(row.attempts, now);
            ctx.write(|tx| Ok(outbox::mark_retry(tx, row.id, &worker, next, &error)?))?;
            Ok(Failed::Retry)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let config = Config::from_lookup(|_| None).unwrap();
        let policy = Policy::from_config(&config);
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let wait = |attempts| (policy.next_attempt(attempts, now) - now).num_seconds();
        assert_eq!([wait(1), wait(2), wait(3), wait(4)], [30, 60, 120, 240]);
        assert_eq!(wait(30), 3600);
    }
}
