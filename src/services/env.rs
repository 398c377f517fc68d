//! What use cases get from the running application ([`Env`]), the context one use case runs
//! in ([`Ctx`]), and the one place write transactions run ([`Ctx::write`]).
//!
//! Nothing here is process-wide: each application (a server, a test, a command) builds its
//! own `Env`, and the effects of its transactions reach only its own page cache and mail
//! worker.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tokio::sync::Notify;

use super::passwords::Gate;
use super::rankings::Rankings;
use super::visitors::{self, VisitorKey};
use super::{ServiceError, ServiceResult};
use crate::db::{self, DbConn, EffectSink, Effects, Pool, Tx, idempotency};
use crate::ids::ApiTokenId;

/// Where committed effects go: the generation counter of public pages (bumped when what
/// they show may have changed) and the mail worker's wake-up.
#[derive(Clone, Default)]
pub struct Signals {
    inner: Arc<SignalsInner>,
}

#[derive(Default)]
struct SignalsInner {
    public_generation: AtomicU64,
    settings_generation: AtomicU64,
    mail: Notify,
}

impl Signals {
    /// The current generation of public content: a page cached at an older one is stale.
    pub fn public_generation(&self) -> u64 {
        self.inner.public_generation.load(Ordering::Acquire)
    }

    /// The current generation of the site settings: bumped by every committed change.
    pub fn settings_generation(&self) -> u64 {
        self.inner.settings_generation.load(Ordering::Acquire)
    }

    /// Waits until a committed transaction has queued mail (returns at once if one did
    /// since the last wait).
    pub async fn mail_queued(&self) {
        self.inner.mail.notified().await;
    }
}

impl EffectSink for Signals {
    fn apply(&self, effects: Effects) {
        if effects.public_content {
            self.inner.public_generation.fetch_add(1, Ordering::AcqRel);
        }
        if effects.settings_changed {
            self.inner
                .settings_generation
                .fetch_add(1, Ordering::AcqRel);
        }
        if effects.mail_queued {
            self.inner.mail.notify_one();
        }
    }
}

/// The application's resources for use cases: the connection pool, where effects go, the
/// base of absolute links, and the gate that bounds concurrent password hashing.
#[derive(Clone)]
pub struct Env {
    pool: Pool,
    signals: Signals,
    public_url: Arc<str>,
    hashing: Arc<Gate>,
    /// Recent search rankings, shared by the pages of each query's results.
    rankings: Arc<Rankings>,
    /// Read from the database on first use.
    visitor_key: Arc<OnceLock<VisitorKey>>,
    /// Write transactions on SQLite take turns here. SQLite lets one writer in at a time
    /// anyway; a writer that finds the lock taken waits in SQLite's busy handler, which
    /// sleeps in steps of up to 100 ms, so under load most of a writer's time was sleep.
    /// Queueing on a mutex hands the lock over as soon as it is free. The turn comes with
    /// the one connection the writes go through (see [`db::sqlite_writer`]). (PostgreSQL
    /// writers run concurrently; they do not take it.)
    sqlite_writer: Arc<Mutex<Writer>>,
}

/// The connection SQLite writes go through, opened at the first write.
#[derive(Default)]
enum Writer {
    #[default]
    Unopened,
    Open(DbConn),
    /// The database is not a file (in memory): writes use the caller's own connection.
    Caller,
}

impl Env {
    pub fn new(pool: Pool, public_url: &str) -> Self {
        Self {
            pool,
            signals: Signals::default(),
            public_url: public_url.trim_end_matches('/').into(),
            hashing: Arc::new(Gate::for_this_machine()),
            rankings: Arc::default(),
            visitor_key: Arc::default(),
            sqlite_writer: Arc::default(),
        }
    }

    /// The key that signs the cookies of visitors who are not signed in.
    pub fn visitor_key(&self) -> ServiceResult<VisitorKey> {
        if let Some(key) = self.visitor_key.get() {
            return Ok(key.clone());
        }
        let key = self.ctx(visitors::load_key)?;
        // Another thread may have loaded it meanwhile: the database holds one key, so
        // either copy is the same.
        let _ = self.visitor_key.set(key.clone());
        Ok(key)
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn signals(&self) -> &Signals {
        &self.signals
    }

    /// The site's base URL, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub(crate) fn hashing(&self) -> &Gate {
        &self.hashing
    }

    pub(crate) fn rankings(&self) -> &Rankings {
        &self.rankings
    }

    /// Runs `work` with a connection from the pool (on the calling thread: callers on an
    /// async runtime use a blocking thread).
    pub fn ctx<T>(&self, work: impl FnOnce(&mut Ctx<'_>) -> ServiceResult<T>) -> ServiceResult<T> {
        let mut conn = db::checkout(&self.pool)?;
        work(&mut Ctx::new(&mut conn, self))
    }
}

/// An API request's `Idempotency-Key`, recorded by the first write transaction of its use
/// case that commits, in that transaction: the key is used exactly when the write is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub token: ApiTokenId,
    pub key: String,
    /// What the request asked for; a retry with the same key must ask for the same.
    pub fingerprint: String,
}

/// One use case's access to the database: a connection and the application's `Env`.
pub struct Ctx<'a> {
    conn: &'a mut DbConn,
    env: &'a Env,
    /// The idempotency key the next committed write records, if any.
    claim: Option<Claim>,
    /// Whether a write of this use case recorded it.
    claimed: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(conn: &'a mut DbConn, env: &'a Env) -> Self {
        Self {
            conn,
            env,
            claim: None,
            claimed: false,
        }
    }

    /// Makes the first write of this use case that commits record `claim` with it. A write
    /// that fails drops the claim: nothing was done, so a retry may do it. A key recorded
    /// already fails the write with [`ServiceError::KeyUsed`].
    pub fn claim(&mut self, claim: Claim) {
        self.claim = Some(claim);
        self.claimed = false;
    }

    /// Whether a committed write recorded the claim.
    pub fn claimed(&self) -> bool {
        self.claimed
    }

    /// The connection, for reads.
    pub fn conn(&mut self) -> &mut DbConn {
        self.conn
    }

    pub fn env(&self) -> &'a Env {
        self.env
    }

    /// This process's write turn on SQLite (held until dropped), with the connection writes
    /// go through; none on PostgreSQL, whose writers run concurrently.
    fn write_turn(&self) -> Option<MutexGuard<'a, Writer>> {
        match self.conn {
            DbConn::Sqlite(_) => Some(
                self.env
                    .sqlite_writer
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            ),
            DbConn::Pg(_) => None,
        }
    }

    /// Runs `work` on the connection, outside any transaction, while no other writer of
    /// this process may start (on SQLite; on PostgreSQL it just runs).
    pub fn exclusive<T>(
        &mut self,
        work: impl FnOnce(&mut DbConn) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let _turn = self.write_turn();
        work(self.conn)
    }

    /// Runs a write transaction, and runs it again (up to five times in all) when it lost a
    /// compare-and-set race or a uniqueness race to a concurrent writer: each run starts
    /// from fresh reads, so the retried action is decided on what is true now. Once it
    /// commits, its effects reach the application's page cache and mail worker.
    pub fn write<T>(
        &mut self,
        mut work: impl FnMut(&mut Tx<'_>) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        const ATTEMPTS: usize = 5;
        let mut attempt = 1;
        let mut turn = self.write_turn();
        if let Some(writer) = turn.as_deref_mut()
            && matches!(writer, Writer::Unopened)
        {
            *writer = match db::sqlite_writer(self.conn) {
                Ok(Some(conn)) => Writer::Open(conn),
                Ok(None) => Writer::Caller,
                // Writing through the caller's connection works too, only slower.
                Err(error) => {
                    tracing::warn!(%error, "cannot open the SQLite writer connection; writing through the pool");
                    Writer::Caller
                }
            };
        }
        let conn = match turn.as_deref_mut() {
            Some(Writer::Open(writer)) => writer,
            _ => &mut *self.conn,
        };
        let claim = self.claim.take();
        let mut run = |tx: &mut Tx<'_>| {
            if let Some(claim) = &claim
                && idempotency::find(tx, claim.token, &claim.key)?.is_some()
            {
                return Err(ServiceError::KeyUsed);
            }
            let value = work(tx)?;
            if let Some(claim) = &claim {
                idempotency::claim(tx, claim.token, &claim.key, &claim.fingerprint, db::now())?;
            }
            Ok(value)
        };
        let outcome = loop {
            match db::write_tx(conn, &self.env.signals, &mut run) {
                Err(error) if attempt < ATTEMPTS && error.is_race() => attempt += 1,
                Err(error) if error.is_race() => break Err(ServiceError::Contended),
                other => break other,
            }
        };
        // A connection whose transaction could not be ended is not used again.
        if let Some(writer) = turn.as_deref_mut()
            && let Writer::Open(conn) = writer
            && db::broken(conn)
        {
            *writer = Writer::Unopened;
        }
        if outcome.is_ok() && claim.is_some() {
            self.claimed = true;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn effects_bump_the_page_generation_and_wake_the_mail_worker() {
        let signals = Signals::default();
        assert_eq!(signals.public_generation(), 0);
        signals.apply(Effects {
            public_content: true,
            mail_queued: false,
            settings_changed: false,
        });
        assert_eq!(signals.public_generation(), 1);
        let idle =
            tokio::time::timeout(std::time::Duration::from_millis(50), signals.mail_queued());
        assert!(idle.await.is_err(), "no mail queued, nothing to wake for");
        signals.apply(Effects {
            public_content: false,
            mail_queued: true,
            settings_changed: false,
        });
        let woken =
            tokio::time::timeout(std::time::Duration::from_millis(500), signals.mail_queued());
        assert!(woken.await.is_ok(), "queued mail wakes the worker");
        assert_eq!(signals.public_generation(), 1);
        assert_eq!(signals.settings_generation(), 0);
        signals.apply(Effects {
            settings_changed: true,
            ..Effects::default()
        });
        assert_eq!(signals.settings_generation(), 1);
    }
}
