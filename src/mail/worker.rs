//! The outbox worker: claims due messages, sends them, and records the outcome. Runs inside
//! `imprimatur serve` (several instances may run it against one PostgreSQL database: claims
//! use `FOR UPDATE SKIP LOCKED`), or once via `imprimatur mail send-pending`.
//!
//! A message is marked sent only after the transport accepted it, and a row marked sent is
//! never claimed again. A worker that dies holding messages loses its claim when the lease
//! runs out, and another worker (or the restarted one) sends them.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use serde_json::json;
use tokio::sync::watch;

use super::transport::Mailer;
use crate::config::Config;
use crate::db::outbox::{self, OutboxRow};
use crate::db::{self, Pool};
use crate::domain::audit::AuditAction;
use crate::services::audit::{self, Event};
use crate::services::{Actor, ServiceError, ServiceResult, notify};

/// Messages claimed per round trip.
const BATCH: i64 = 20;
/// How often the worker looks for due retries and other instances' messages when nothing
/// woke it, and how often it checks for articles coming due for review.
const REMINDER_EVERY: Duration = Duration::from_secs(3600);

/// What one pass over the due messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct Worker {
    pool: Pool,
    mailer: Mailer,
    config: Arc<Config>,
    id: String,
}

impl Worker {
    pub fn new(pool: Pool, mailer: Mailer, config: Arc<Config>) -> Self {
        let mut nonce = [0u8; 4];
        let _ = getrandom::fill(&mut nonce);
        let host = config.bind.to_string();
        Self {
            id: format!("{host}/{}/{}", std::process::id(), hex::encode(nonce)),
            pool,
            mailer,
            config,
        }
    }

    /// This worker's name in `mail_outbox.claimed_by`.
    pub fn id(&self) -> &str {
        &self.id
    }

    async fn blocking<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&mut db::DbConn) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("mail worker task failed: {e}")))?
    }

    /// Claims and sends due messages until none are left, or until `stop` says so.
    pub async fn pass(&self, stop: &watch::Receiver<bool>) -> ServiceResult<Pass> {
        let mut pass = Pass::default();
        loop {
            let worker = self.id.clone();
            let lease = self.config.mail_lease;
            let batch = self
                .blocking(move |conn| {
                    let now = db::now();
                    Ok(db::write_tx(conn, |conn| {
                        outbox::claim(conn, &worker, now, now + lease, BATCH)
                    })?)
                })
                .await?;
            if batch.is_empty() {
                return Ok(pass);
            }
            let mut rows = batch.into_iter();
            for row in rows.by_ref() {
                let outcome = self
                    .mailer
                    .send(&row, &self.config.mail_from, &self.config.public_url)
                    .await;
                match self.record(row, outcome).await? {
                    Recorded::Sent => pass.sent += 1,
                    Recorded::Retry => pass.retried += 1,
                    Recorded::Failed => pass.failed += 1,
                }
                if *stop.borrow() {
                    break;
                }
            }
            if *stop.borrow() {
                // Hand back what this worker claimed but did not try, so nothing waits for
                // the lease to run out.
                let unsent: Vec<i64> = rows.map(|r| r.id).collect();
                let worker = self.id.clone();
                self.blocking(move |conn| {
                    let now = db::now();
                    for id in unsent {
                        outbox::mark_retry(
                            conn,
                            id,
                            &worker,
                            now,
                            "not tried: the server was stopping",
                        )?;
                    }
                    Ok(())
                })
                .await?;
                return Ok(pass);
            }
        }
    }

    async fn record(&self, row: OutboxRow, outcome: Result<(), String>) -> ServiceResult<Recorded> {
        let worker = self.id.clone();
        let config = self.config.clone();
        self.blocking(move |conn| {
            let now = db::now();
            match outcome {
                Ok(()) => {
                    outbox::mark_sent(conn, row.id, &worker, now)?;
                    Ok(Recorded::Sent)
                }
                Err(error) if now - row.created_at >= config.mail_max_age => {
                    db::write_tx(conn, |conn| {
                        if outbox::mark_failed(conn, row.id, &worker, now, &error)? {
                            audit::record(
                                conn,
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
                        Ok::<_, ServiceError>(())
                    })?;
                    Ok(Recorded::Failed)
                }
                Err(error) => {
                    tracing::warn!(mail = row.id, to = %row.recipient, %error, "mail not sent; will retry");
                    outbox::mark_retry(conn, row.id, &worker, next_attempt(&config, row.attempts, now), &error)?;
                    Ok(Recorded::Retry)
                }
            }
        })
        .await
    }

    /// Queues reminders for articles coming due (or overdue) for review.
    pub async fn reminders(&self) -> ServiceResult<usize> {
        let queued = self
            .blocking(|conn| notify::review_reminders(conn, db::now()))
            .await?;
        if queued > 0 {
            super::wake();
        }
        Ok(queued)
    }

    /// Runs until `stop` turns true: a pass whenever mail is queued in this process, at least
    /// every poll interval, and the reminder check every hour.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, transport = %self.mailer.describe(), "mail worker started");
        let poll = Duration::from_secs(
            u64::try_from(self.config.mail_retry_base.num_seconds())
                .unwrap_or(5)
                .clamp(1, 5),
        );
        let mut last_reminders: Option<tokio::time::Instant> = None;
        loop {
            if last_reminders.is_none_or(|at| at.elapsed() >= REMINDER_EVERY) {
                if let Err(error) = self.reminders().await {
                    tracing::warn!(%error, "review reminders failed");
                }
                last_reminders = Some(tokio::time::Instant::now());
            }
            match self.pass(&stop).await {
                Ok(pass) if pass != Pass::default() => tracing::info!(?pass, "mail pass"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "mail pass failed"),
            }
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                () = super::queued() => {}
                () = tokio::time::sleep(poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!(worker = %self.id, "mail worker stopped");
    }
}

enum Recorded {
    Sent,
    Retry,
    Failed,
}

/// When to try again after `attempts` tries: the base delay doubled per attempt, at most an
/// hour.
fn next_attempt(config: &Config, attempts: i32, now: NaiveDateTime) -> NaiveDateTime {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let delay = config
        .mail_retry_base
        .checked_mul(1 << doublings)
        .unwrap_or(chrono::Duration::hours(1))
        .min(chrono::Duration::hours(1));
    now + delay
}

/// Starts a worker on the current runtime; returns the switch that stops it and its task.
pub fn spawn(
    pool: Pool,
    mailer: Mailer,
    config: Arc<Config>,
) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(pool, mailer, config);
    let task = tokio::spawn(worker.run(stopped));
    (stop, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let config = Config::from_lookup(|_| None).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let wait = |attempts| (next_attempt(&config, attempts, now) - now).num_seconds();
        assert_eq!([wait(1), wait(2), wait(3), wait(4)], [30, 60, 120, 240]);
        assert_eq!(wait(30), 3600);
    }
}
