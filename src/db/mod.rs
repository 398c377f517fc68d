//! Storage: one diesel connection type over SQLite and PostgreSQL, its pool, migrations,
//! and write transactions (`tx`) that collect what they cause.

pub mod account_tokens;
pub mod api_tokens;
pub mod articles;
pub mod assignments;
pub mod audit_log;
pub mod cached;
pub mod checklist;
pub mod comments;
pub mod idempotency;
pub mod login_attempts;
pub mod outbox;
pub mod recertifications;
pub mod references;
pub mod review_reminders;
pub mod reviews;
pub mod revisions;
pub mod schema;
pub mod search;
pub mod server_keys;
pub mod sessions;
pub mod settings;
pub mod specialties;
pub mod tx;
pub mod users;
pub mod webhooks;

pub use tx::{EffectSink, Effects, Tx, write_tx};

use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;

/// A connection to whichever database the URL selected.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    // SQLite last: the derive tries backends in order and SQLite accepts almost any string.
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applied to every SQLite connection. `busy_timeout` comes first: switching to WAL needs a
/// lock, and without the timeout a second connection starting at the same moment fails.
/// Each connection's page cache is 1 MiB (`cache_size`, in KiB when negative; SQLite's
/// default is 2 MiB), its own (see `.cargo/config.toml`): the file's pages stay in the
/// operating system's cache either way, so this bounds the server's memory, not its reads.
/// `wal_autocheckpoint` is a safety net only: the server checkpoints from a job of its own
/// ([`checkpoint`]), so a writer does not copy the log into the database while it holds the
/// write lock and every other writer waits.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; \
     PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; \
     PRAGMA wal_autocheckpoint = 10000; \
     PRAGMA foreign_keys = ON; \
     PRAGMA cache_size = -1024;";

/// Applied to every PostgreSQL connection. A page runs a dozen small indexed statements,
/// and planning each anew cost more than running it (0.3–0.5 ms against 0.05–0.1 ms for
/// a queue list): diesel prepares its statements once per connection, and a generic plan
/// is made once and kept. PostgreSQL's default would keep re-planning them: a bound
/// `LIMIT` makes the generic plan look costly, so it is never chosen. Parallel workers and
/// JIT compilation are off: a worker's start and a JIT compile cost more than any of these
/// statements, and the generic plans' estimates sometimes asked for them (a queue page
/// took 29 ms with two workers, 0.1 ms without). Full-text searches are planned for their
/// words instead (`db::search`). Reviewer's dashboard under 8 clients at 100,000
/// articles: 13.1 → 5.5 ms.
pub(crate) const POSTGRES_SETTINGS: &str = "SET plan_cache_mode = force_generic_plan; \
     SET max_parallel_workers_per_gather = 0; \
     SET jit = off; \
     SET standard_conforming_strings = on;";

/// Opens connections by URL scheme itself, so the real error ("connection refused", "unable
/// to open database file") reaches the person starting the server.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                conn.batch_execute(POSTGRES_SETTINGS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    ConnectionError::BadConnection("the SQLite path is not valid UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        broken(conn)
    }
}

/// Why the database could not be opened or prepared.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] ConnectionError),
    #[error("cannot open a database connection: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
}

/// Builds the pool, checking one connection first so the real error is reported.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<Pool, SetupError> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| SetupError::Directory {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let manager = ConnectionManager::new(url.clone());
    // Surface the real connection error instead of r2d2's generic timeout.
    manager.connect()?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        // [`checkout`] tests connections itself, only those idle for a while.
        .test_on_check_out(false)
        .build(manager)?;
    Ok(pool)
}

/// A connection handed out within this long after its last checkout is not tested again:
/// a busy server would otherwise ask the database `SELECT 1` before every use, two round
/// trips of a signed-in page's dozen (HikariCP's "alive bypass window" is the same idea,
/// 500 ms by default). A connection idle for longer is tested first, so one the database
/// closed meanwhile (a restart, an idle timeout) is replaced rather than handed out.
pub const ALIVE_BYPASS: Duration = Duration::from_millis(500);

/// When a pooled connection was last handed out, kept in the pool's per-connection
/// extensions.
struct HandedOut(Instant);

/// A connection from the pool, tested unless it was in use within [`ALIVE_BYPASS`]. A
/// connection that fails its test is dropped from the pool and the next one is taken.
pub fn checkout(pool: &Pool) -> Result<PooledConn, r2d2::PoolError> {
    // Every idle connection may have been closed at once (a database restart): a new one
    // is made once those are gone, so the loop ends.
    loop {
        let mut conn = pool.get()?;
        let recent = r2d2::PooledConnection::extensions(&conn)
            .get::<HandedOut>()
            .is_some_and(|at| at.0.elapsed() < ALIVE_BYPASS);
        if recent || ping(&mut conn).is_ok() {
            r2d2::PooledConnection::extensions_mut(&mut conn).insert(HandedOut(Instant::now()));
            return Ok(conn);
        }
        // `has_broken` reads the transaction manager's state: marked in error, the
        // connection is closed when it goes back instead of being kept.
        <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(&mut conn)
            .set_in_error();
        drop(conn);
    }
}

/// Applies pending migrations for the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, SetupError> {
    let applied = match conn {
        DbConn::Pg(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| SetupError::Migrate(e.to_string()))?;
    Ok(applied.len())
}

/// Takes a transaction-scoped lock named by `key` on PostgreSQL (an advisory lock); on SQLite
/// the immediate transaction already holds the only write lock.
pub fn lock_for_transaction(conn: &mut DbConn, key: i64) -> QueryResult<()> {
    match conn {
        DbConn::Pg(pg) => {
            cached::cached(
                &["SELECT pg_advisory_xact_lock(", ")"],
                cached::bind::<diesel::sql_types::BigInt, _>(key),
            )
            .execute(pg)?;
            Ok(())
        }
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// The current time as stored: UTC, truncated to microseconds (PostgreSQL's precision), so a
/// value reads back equal on both backends.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Splits the `limit + 1` rows a page query fetched into the page and whether more follow.
pub fn split_page<T>(mut rows: Vec<T>, limit: i64) -> (Vec<T>, bool) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    (rows, more)
}

/// How a [`checkpoint`] ended: how many pages the write-ahead log holds, how many of them
/// are in the database file now, and whether readers or writers kept it from finishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Checkpoint {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub busy: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub log: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub checkpointed: i32,
}

/// Pages of log past which the checkpoint job also starts the log again.
pub const CHECKPOINT_RESTART_PAGES: i32 = 1_000;

/// Copies what SQLite's write-ahead log holds into the database file, without waiting for
/// readers or writers (a passive checkpoint). Run by the server's checkpoint job every
/// fraction of a second, off the writers' path: writers checkpoint themselves only past
/// `wal_autocheckpoint` (10,000 pages), when this job is not running. `None` on PostgreSQL.
pub fn checkpoint(conn: &mut DbConn) -> QueryResult<Option<Checkpoint>> {
    match conn {
        DbConn::Sqlite(sqlite) => diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)")
            .get_result(sqlite)
            .map(Some),
        DbConn::Pg(_) => Ok(None),
    }
}

/// Starts the write-ahead log again from its beginning, once readers are done with it: the
/// caller holds the write turn, so no writer adds to it meanwhile. Waits at most 20 ms for
/// readers (a long export may be reading), and then leaves the log as it is. Under a steady
/// stream of reads and writes a passive checkpoint copies the log but the log itself never
/// starts again (some reader is always using it), so it grew to `wal_autocheckpoint`, and
/// from there every commit checkpointed and synced the file itself.
pub fn restart_log(conn: &mut DbConn) -> QueryResult<Option<Checkpoint>> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            sqlite.batch_execute("PRAGMA busy_timeout = 20")?;
            let done = diesel::sql_query("PRAGMA wal_checkpoint(RESTART)").get_result(sqlite);
            sqlite.batch_execute("PRAGMA busy_timeout = 10000")?;
            done.map(Some)
        }
        DbConn::Pg(_) => Ok(None),
    }
}

/// The page cache of the connection that SQLite writes go through (`Ctx::write`), in KiB:
/// it keeps the inner pages of every table and index an approval touches.
const SQLITE_WRITER_CACHE: &str = "PRAGMA cache_size = -4096;";

/// A second connection to the SQLite file `conn` has open, set up as every connection is,
/// with a larger page cache: the connection writes go through. `None` when `conn` is not a
/// file (an in-memory database: a new connection would open another one) or is PostgreSQL.
///
/// SQLite empties a connection's page cache whenever another connection has written since
/// it last read: with every pooled connection writing in turn, each write transaction
/// started cold and read a hundred pages back from the operating system (a third of its
/// time). The connection that makes every write sees only its own, and keeps its cache.
pub fn sqlite_writer(conn: &mut DbConn) -> Result<Option<DbConn>, ConnectionError> {
    #[derive(QueryableByName)]
    struct File {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    let DbConn::Sqlite(sqlite) = conn else {
        return Ok(None);
    };
    let file = diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .get_result::<File>(sqlite)
        .map_err(ConnectionError::CouldntSetupConfiguration)?
        .file;
    if file.is_empty() {
        return Ok(None);
    }
    let mut writer = SqliteConnection::establish(&file)?;
    writer
        .batch_execute(SQLITE_PRAGMAS)
        .and_then(|()| writer.batch_execute(SQLITE_WRITER_CACHE))
        .map_err(ConnectionError::CouldntSetupConfiguration)?;
    Ok(Some(DbConn::Sqlite(writer)))
}

/// Whether a transaction on the connection could not be ended: it is not to be used again.
pub fn broken(conn: &mut DbConn) -> bool {
    <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(conn)
}

/// Whether the database answers; used by `/healthz`.
pub fn ping(conn: &mut DbConn) -> QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends for the ASCII letters of names and emails.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}
