//! Write transactions, and what they cause beyond their rows.
//!
//! Writes that something outside the database must hear about (public pages that may now
//! be stale, mail waiting in the outbox) take a [`Tx`] and record their effect on it. A
//! `Tx` exists only inside [`write_tx`], which hands the effects of a transaction that
//! committed to the sink it was given. So a use case cannot publish, change a workflow
//! state, change the settings or queue mail and then forget to refresh the page cache or
//! wake the mail worker: the write itself says so, and the one function that runs
//! transactions passes it on.

use std::ops::{Deref, DerefMut};

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};

use super::DbConn;

/// What a committed transaction changed beyond its own rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    /// Something a public page shows may have changed: a publication, a retraction, a
    /// revision's state (the "update under review" note), the settings.
    pub public_content: bool,
    /// Messages are waiting in the outbox.
    pub mail_queued: bool,
    /// The site settings changed.
    pub settings_changed: bool,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        *self == Effects::default()
    }
}

/// Where the effects of committed transactions go (the application's page cache and mail
/// worker).
pub trait EffectSink {
    fn apply(&self, effects: Effects);
}

/// A write transaction in progress: its connection, and the effects its writes collected.
pub struct Tx<'c> {
    conn: &'c mut DbConn,
    effects: Effects,
    /// The settings as this transaction read them, once (`settings::in_tx`).
    pub(super) settings: Option<super::settings::Settings>,
}

impl Tx<'_> {
    /// Called by writes that change what public pages show.
    pub fn public_content_changed(&mut self) {
        self.effects.public_content = true;
    }

    /// Called by writes that change the site settings (which public pages show too).
    pub fn settings_changed(&mut self) {
        self.effects.settings_changed = true;
        self.effects.public_content = true;
        self.settings = None;
    }

    /// Called by writes that put messages in the outbox.
    pub fn mail_queued(&mut self) {
        self.effects.mail_queued = true;
    }

    /// What this transaction has caused so far.
    pub fn effects(&self) -> Effects {
        self.effects
    }
}

impl Deref for Tx<'_> {
    type Target = DbConn;

    fn deref(&self) -> &DbConn {
        self.conn
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn
    }
}

/// Runs `work` in a transaction that takes the write lock up front, and after it commits
/// hands its effects to `sink`. A transaction that rolls back causes nothing.
///
/// On SQLite that is `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can
/// fail with "database is locked" when another writer got there first, and busy_timeout does
/// not help it. On PostgreSQL it is an ordinary transaction; use cases that need stronger
/// guarantees use compare-and-set updates or row locks.
pub fn write_tx<T, E, F>(conn: &mut DbConn, sink: &dyn EffectSink, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let (value, effects) = match conn {
        DbConn::Pg(_) => {
            let mut effects = Effects::default();
            let value = conn.transaction(|conn| {
                let mut tx = Tx {
                    conn,
                    effects: Effects::default(),
                    settings: None,
                };
                let value = work(&mut tx)?;
                effects = tx.effects;
                Ok::<_, E>(value)
            })?;
            (value, effects)
        }
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
            // From here on this mirrors diesel's own `TransactionManager::transaction`.
            let mut tx = Tx {
                conn,
                effects: Effects::default(),
                settings: None,
            };
            match work(&mut tx) {
                Ok(value) => {
                    let effects = tx.effects;
                    <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
                    (value, effects)
                }
                Err(error) => {
                    return match <DbConn as Connection>::TransactionManager::rollback_transaction(
                        conn,
                    ) {
                        Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                        Err(rollback_error) => Err(rollback_error.into()),
                    };
                }
            }
        }
    };
    if !effects.is_empty() {
        sink.apply(effects);
    }
    Ok(value)
}
