//! Storage: migrations for both backends, the schema, and concurrent writers.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::prelude::*;
use imprimatur::db::audit_log::AuditRow;
use imprimatur::db::schema::{
    account_tokens, audit_log, login_attempts, server_keys, sessions, user_roles, users,
};
use imprimatur::db::{self, sessions::SessionRow, users::User};
use imprimatur::domain::roles::Role;
use imprimatur::services::Signals;

use crate::on_both_backends;
use crate::support::{Backend, TestApp, TestDatabase};

/// Writes one row: a failed sign-in by `email` (the smallest table with nothing to set up).
fn failed_sign_in(conn: &mut db::DbConn, email: &str) -> QueryResult<usize> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::client_addr.eq("127.0.0.1"),
            login_attempts::attempted_at.eq(db::now()),
            login_attempts::failed.eq(true),
        ))
        .execute(conn)
}

fn migration_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            let name = entry.file_name().into_string().unwrap();
            for file in ["up.sql", "down.sql"] {
                assert!(
                    entry.path().join(file).is_file(),
                    "{backend}/{name} lacks {file}"
                );
            }
            name
        })
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must match"
    );
}

on_both_backends!(backend: the_schema_matches_the_migrations, the_workflow_schema_matches_the_migrations, concurrent_read_then_write_transactions_all_commit);
on_both_backends!(the_scale_fixture_starts_in_a_steady_state);

/// The benchmarks' archive is one a server had been running on: the review-date reminders
/// it owes went out and no mail waits, so the first server started on it serves pages
/// instead of catching up (which made the first benchmark run on a new archive slower).
async fn the_scale_fixture_starts_in_a_steady_state(app: TestApp) {
    use imprimatur::db::schema::{mail_outbox, review_reminders};
    let spec = imprimatur::demo::scale::ScaleSpec {
        articles: 200,
        revisions: 2,
    };
    imprimatur::demo::scale::run(&app.env, spec).unwrap();
    let mut conn = app.conn();
    let recorded: i64 = review_reminders::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(recorded >= 3, "one article in 50 is past its review date");
    let owed = app
        .ctx(|ctx| imprimatur::services::notify::review_reminders(ctx, db::now()))
        .unwrap();
    assert_eq!(owed, 0, "no reminder left to send");
    let waiting: i64 = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(waiting, 0, "no mail left to deliver");
    let failed: i64 = mail_outbox::table
        .filter(mail_outbox::failed_at.is_not_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(failed > 0, "the mail page has failures to show");
}

/// Every table read through its full diesel column list, with a row in it: a column whose
/// type or order differs between schema.rs and a backend's migrations fails here.
fn the_schema_matches_the_migrations(backend: Backend, test: &str) {
    let Some(app) = TestApp::spawn(backend, test) else {
        return;
    };
    let admin = app.create_user("admin@example.org", "Admin", &[Role::Admin, Role::Editor]);
    app.ctx(|ctx| {
        imprimatur::services::accounts::issue_reset_link(
            ctx,
            &imprimatur::services::Caller::system(),
            admin,
        )
    })
    .unwrap();
    let mut conn = app.conn();
    imprimatur::services::sessions::create(&mut conn, admin).unwrap();
    db::login_attempts::record_pending(&mut conn, "a@example.org", "127.0.0.1", db::now()).unwrap();

    let users: Vec<User> = users::table
        .select(users::all_columns)
        .load(&mut conn)
        .unwrap();
    assert_eq!(users.len(), 1);
    let roles: Vec<(i64, String)> = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .load::<(imprimatur::ids::UserId, String)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|(id, role)| (id.0, role))
        .collect();
    assert_eq!(roles.len(), 2);
    let tokens: Vec<db::account_tokens::AccountToken> = account_tokens::table
        .select(account_tokens::all_columns)
        .load(&mut conn)
        .unwrap();
    assert_eq!(tokens.len(), 2);
    let rows: Vec<SessionRow> = sessions::table
        .select(sessions::all_columns)
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 1);
    let attempts: Vec<(i64, String, String, chrono::NaiveDateTime, bool)> = login_attempts::table
        .select(login_attempts::all_columns)
        .load(&mut conn)
        .unwrap();
    assert_eq!(attempts.len(), 1);
    let audit: Vec<AuditRow> = audit_log::table
        .select(audit_log::all_columns)
        .load(&mut conn)
        .unwrap();
    assert!(audit.len() >= 3);
    app.env.visitor_key().unwrap();
    let keys: Vec<(String, String, chrono::NaiveDateTime)> = server_keys::table
        .select(server_keys::all_columns)
        .load(&mut conn)
        .unwrap();
    assert_eq!(keys.len(), 1);
    // Times read back exactly as written, to the microsecond, on both backends.
    let now = db::now();
    let stored: chrono::NaiveDateTime = diesel::update(users::table.find(admin))
        .set(users::updated_at.eq(now))
        .returning(users::updated_at)
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(stored, now);
}

/// The workflow, public-site and mail tables, filled by the demo (and a reminder run), read
/// through their full column lists.
fn the_workflow_schema_matches_the_migrations(backend: Backend, test: &str) {
    use imprimatur::db::schema::{
        articles, assignments, comments, mail_outbox, review_reminders, reviews,
        revision_references, revisions, settings,
    };
    let Some(app) = TestApp::spawn(backend, test) else {
        return;
    };
    imprimatur::demo::run(&app.env).unwrap();
    let reminded = app.ctx(|ctx| imprimatur::services::notify::review_reminders(ctx, db::now()));
    assert!(reminded.unwrap() > 0);
    let conn = &mut app.conn();
    let a: Vec<db::articles::Article> = articles::table
        .select(articles::all_columns)
        .load(conn)
        .unwrap();
    let r: Vec<db::revisions::Revision> = revisions::table
        .select(revisions::all_columns)
        .load(conn)
        .unwrap();
    let f: Vec<db::references::ReferenceRow> = revision_references::table
        .select(revision_references::all_columns)
        .load(conn)
        .unwrap();
    let v: Vec<db::reviews::Review> = reviews::table
        .select(reviews::all_columns)
        .load(conn)
        .unwrap();
    let c: Vec<db::comments::Comment> = comments::table
        .select(comments::all_columns)
        .load(conn)
        .unwrap();
    let s: Vec<db::assignments::Assignment> = assignments::table
        .select(assignments::all_columns)
        .load(conn)
        .unwrap();
    let t: Vec<db::settings::Settings> = settings::table
        .select(settings::all_columns)
        .load(conn)
        .unwrap();
    let m: Vec<db::outbox::OutboxRow> = mail_outbox::table
        .select(mail_outbox::all_columns)
        .load(conn)
        .unwrap();
    let d: Vec<(
        imprimatur::ids::ArticleId,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    )> = review_reminders::table
        .select(review_reminders::all_columns)
        .load(conn)
        .unwrap();
    for (table, rows) in [
        ("articles", a.len()),
        ("revisions", r.len()),
        ("revision_references", f.len()),
        ("reviews", v.len()),
        ("comments", c.len()),
        ("assignments", s.len()),
        ("settings", t.len()),
        ("mail_outbox", m.len()),
        ("review_reminders", d.len()),
    ] {
        assert!(rows > 0, "no rows in {table} to read back");
    }
}

/// Read-then-write transactions from many threads: with deferred transactions SQLite
/// answers "database is locked" to some of them; immediate ones wait their turn.
fn concurrent_read_then_write_transactions_all_commit(backend: Backend, test: &str) {
    let Some(database) = TestDatabase::create(backend, test) else {
        return;
    };
    let pool = database.pool();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let mut conn = pool.get().unwrap();
                    db::write_tx(&mut conn, &Signals::default(), |tx| {
                        let conn: &mut db::DbConn = tx;
                        let seen: i64 = login_attempts::table.count().get_result(conn)?;
                        failed_sign_in(conn, &format!("t{t}-{i}-{seen}@example.org"))?;
                        Ok::<_, diesel::result::Error>(())
                    })
                    .unwrap_or_else(|e| panic!("write transaction failed: {e}"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let total: i64 = login_attempts::table
        .count()
        .get_result(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(total, 400);
}

#[test]
fn sqlite_connections_enforce_foreign_keys_and_use_wal() {
    let database = TestDatabase::create(Backend::Sqlite, "pragmas").unwrap();
    let pool = database.pool();
    let mut conn = pool.get().unwrap();
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(mode.journal_mode, "wal");
    let orphan = diesel::insert_into(user_roles::table)
        .values((
            user_roles::user_id.eq(imprimatur::ids::UserId(999)),
            user_roles::role.eq("editor"),
        ))
        .execute(&mut conn);
    assert!(orphan.is_err(), "a role for a missing user must be refused");
}

/// `.cargo/config.toml` builds the bundled SQLite with the query planner stability
/// guarantee. Without it every statement with a bound `LIMIT` (diesel's `.first()`) was
/// prepared again at each use: 12 preparations per approval, 15% of the server's CPU.
#[test]
fn sqlite_plans_never_depend_on_bound_values() {
    let database = TestDatabase::create(Backend::Sqlite, "qpsg").unwrap();
    let mut conn = database.pool().get().unwrap();
    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }
    let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
        .load::<CompileOption>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| o.compile_options)
        .collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml): {options:?}"
    );
}

/// The server's checkpoint job copies the write-ahead log into the database, so the next
/// write starts the log again from its beginning, and writers never do it themselves
/// (their automatic checkpoint only starts past 10,000 pages).
#[test]
fn a_checkpoint_empties_the_sqlite_write_ahead_log() {
    let database = TestDatabase::create(Backend::Sqlite, "checkpoint").unwrap();
    let pool = database.pool();
    let mut conn = pool.get().unwrap();
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        log: i32,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        checkpointed: i32,
    }
    #[derive(QueryableByName)]
    struct Pages {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        wal_autocheckpoint: i32,
    }
    let threshold: Pages = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(threshold.wal_autocheckpoint, 10_000);
    let attempt = |conn: &mut db::DbConn, n: usize| {
        failed_sign_in(conn, &format!("person{n}@example.org")).unwrap();
    };
    // `PRAGMA wal_checkpoint` says how many pages the log holds (and checkpoints them).
    let log_pages = |conn: &mut db::DbConn| -> Checkpoint {
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)")
            .get_result(conn)
            .unwrap()
    };
    for n in 0..50 {
        attempt(&mut conn, n);
    }
    db::checkpoint(&mut conn).unwrap();
    // The log was copied, so this write starts it again from its beginning.
    attempt(&mut conn, 50);
    let after = log_pages(&mut conn);
    assert_eq!(after.busy, 0);
    assert!(
        (1..10).contains(&after.log),
        "one insert after a checkpoint logs a few pages, not the 50 inserts before it: {after:?}"
    );
    assert_eq!(after.checkpointed, after.log);
}

#[test]
fn a_refused_postgres_connection_reports_the_real_error() {
    let url = imprimatur::config::DatabaseUrl::Postgres("postgres://127.0.0.1:1/imprimatur".into());
    let Err(error) = db::connect(&url, 1) else {
        panic!("nothing listens on port 1");
    };
    let message = error.to_string();
    assert!(
        message.contains("onnection refused") || message.contains("connect"),
        "{message}"
    );
}

/// A pooled connection the database closed (a restart, an administrator, an idle timeout)
/// is tested before it is handed out again once it has been idle, and replaced: the next
/// pages answer as usual. Connections in constant use skip the test (`db::checkout`), so
/// this is what keeps them honest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_database_closed_are_replaced_not_handed_out() {
    use diesel::pg::PgConnection;
    use imprimatur::config::DatabaseUrl;
    let test = "connections_the_database_closed_are_replaced_not_handed_out";
    let Some(app) = TestApp::spawn(Backend::Postgres, test) else {
        return;
    };
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer, Role::Editor]);
    let client = app.signed_in("rita@example.org").await;
    // Several requests at once, so the pool holds several connections.
    let pages = futures::future::join_all((0..6).map(|_| client.get("/dashboard"))).await;
    for page in &pages {
        page.assert_status(200);
    }
    let DatabaseUrl::Postgres(url) = &app.database.url else {
        unreachable!("a PostgreSQL test app")
    };
    let mut outside = PgConnection::establish(url).unwrap();
    #[derive(QueryableByName)]
    struct Closed {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let closed: Closed = diesel::sql_query(
        "SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t",
    )
    .get_result(&mut outside)
    .unwrap();
    assert!(closed.n >= 2, "the app held {} connections", closed.n);
    tokio::time::sleep(db::ALIVE_BYPASS + std::time::Duration::from_millis(100)).await;
    for _ in 0..3 {
        let pages = futures::future::join_all((0..6).map(|_| client.get("/dashboard"))).await;
        for page in &pages {
            page.assert_status(200);
        }
    }
}

/// Every PostgreSQL connection plans the workspace's statements once and keeps the plan,
/// and never starts parallel workers or JIT compilation for them (see
/// `db::POSTGRES_SETTINGS`): a page's queries are small, and planning or starting workers
/// cost more than running them. (SQLite has no such settings: it prepares each statement
/// once per connection.)
#[test]
fn postgres_connections_keep_generic_plans_without_workers() {
    let test = "postgres_connections_keep_generic_plans_without_workers";
    let Some(database) = TestDatabase::create(Backend::Postgres, test) else {
        return;
    };
    let pool = database.pool();
    let mut conn = db::checkout(&pool).unwrap();
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let mut show = |name: &str| {
        diesel::sql_query(format!("SELECT current_setting('{name}') AS value"))
            .get_result::<Setting>(&mut conn)
            .unwrap()
            .value
    };
    assert_eq!(show("plan_cache_mode"), "force_generic_plan");
    assert_eq!(show("max_parallel_workers_per_gather"), "0");
    assert_eq!(show("jit"), "off");
    assert_eq!(show("standard_conforming_strings"), "on");
}

/// Every write on SQLite goes through one connection: SQLite empties a connection's page
/// cache when another connection has committed since, so writers taking turns on pooled
/// connections each started cold. `PRAGMA data_version` changes, for a connection, exactly
/// when another connection has committed: between two writes made from different pooled
/// connections, the writing connection saw no commit but its own.
#[test]
fn sqlite_writes_go_through_one_connection() {
    use imprimatur::services::{Ctx, Env, ServiceError};
    #[derive(QueryableByName)]
    struct DataVersion {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        data_version: i64,
    }
    let database = TestDatabase::create(Backend::Sqlite, "one_writer").unwrap();
    let pool = database.pool();
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    let (mut first, mut second) = (pool.get().unwrap(), pool.get().unwrap());
    let write = |conn: &mut db::DbConn, n: i64| -> i64 {
        Ctx::new(conn, &env)
            .write(|tx| {
                failed_sign_in(tx, &format!("writer{n}@example.org"))?;
                let version: DataVersion =
                    diesel::sql_query("PRAGMA data_version").get_result(&mut **tx)?;
                Ok::<_, ServiceError>(version.data_version)
            })
            .unwrap()
    };
    let before = write(&mut first, 1);
    write(&mut second, 2);
    let after = write(&mut first, 3);
    assert_eq!(
        before, after,
        "the connection that wrote saw another connection's commit in between"
    );
    // Every write is there for every reader.
    let count: i64 = login_attempts::table
        .count()
        .get_result(&mut *second)
        .unwrap();
    assert_eq!(count, 3);
}
