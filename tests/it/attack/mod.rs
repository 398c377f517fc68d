//! The black-box attack that found issue 10's defects, kept in the suite so the project's own
//! tests produce its figures: a generated bad-input run over every route, an authorization
//! matrix, a CSRF matrix, a stored-XSS corpus in a real browser, a `kill -9` crash test of the
//! release server and a check of its logs for secrets.
//!
//! Routes come from `imprimatur::web::routes::TABLE`, so a new route is attacked the moment
//! it is added; the matrices fail when a route has no row.
//!
//! Sizes: `cargo test` runs a laptop-sized attack. `IMPRIMATUR_TEST_ATTACK=full` (CI sets
//! it) runs the sizes the figures are quoted for; `IMPRIMATUR_TEST_ATTACK_CASES=N` sets the
//! number of generated bad requests per backend, `IMPRIMATUR_TEST_ATTACK_SEED=N` their seed.
//! Every part prints a `FIGURES` line, and appends it to the file named by
//! `IMPRIMATUR_TEST_FIGURES` when that is set (CI prints the file at the end).

mod authorization;
mod bad_input;
mod crash;
mod csrf;
mod logs;
mod rows;
mod server;
mod world;
mod xss;

use std::io::Write;

use diesel::prelude::*;

use crate::support::{Backend, TestApp};

/// Whether the full-size attack runs (CI).
pub fn full() -> bool {
    std::env::var("IMPRIMATUR_TEST_ATTACK").is_ok_and(|v| v == "full")
}

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Prints one line of figures past the test harness's capture, and keeps it in the figures
/// file when one is named.
pub fn report(line: &str) {
    let line = format!("FIGURES {line}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Ok(path) = std::env::var("IMPRIMATUR_TEST_FIGURES")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = file.write_all(line.as_bytes());
    }
}

/// Says, past the harness's capture, that a test ran smaller than in CI, and why.
pub fn note(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "NOTE {test}: {why}");
}

pub fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same attack, so a
/// failure can be replayed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Audit rows that record a refusal: a refused request may leave these (and the failed
/// sign-ins they count), and nothing else.
pub const REFUSAL_RECORDS: &[&str] = &["action.denied", "login.failed", "login.throttled"];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Every write to the database, logged by triggers the test installs on every table: the
/// exact answer to "did this request change anything?", whatever the table.
///
/// A session's `last_seen_at` is not logged: reads record a session's last use.
pub struct ChangeLog;

/// A moment in the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    change: i64,
    audit: i64,
}

impl ChangeLog {
    pub fn install(app: &TestApp) -> Self {
        let mut conn = app.conn();
        let tables_sql = match app.backend {
            // Not a full-text index (virtual) or its shadow tables: they are written only
            // through their base tables, which are logged.
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master t WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND sql NOT LIKE 'CREATE VIRTUAL%' AND NOT EXISTS (SELECT 1 FROM sqlite_master v \
                 WHERE v.sql LIKE 'CREATE VIRTUAL%' AND t.name LIKE v.name || '_%')"
            }
            Backend::Postgres => {
                "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public'"
            }
        };
        let tables: Vec<String> = diesel::sql_query(tables_sql)
            .load::<Name>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let mut sql = match app.backend {
            Backend::Sqlite => String::from(
                "CREATE TABLE attack_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL);",
            ),
            Backend::Postgres => String::from(
                "CREATE TABLE attack_changes (id BIGSERIAL PRIMARY KEY, tbl TEXT NOT NULL);
                 CREATE FUNCTION attack_change() RETURNS trigger AS $$
                 BEGIN INSERT INTO attack_changes (tbl) VALUES (TG_TABLE_NAME); RETURN NULL; END
                 $$ LANGUAGE plpgsql;",
            ),
        };
        for table in &tables {
            let events = if table == "sessions" {
                "INSERT OR DELETE OR UPDATE OF id_hash, user_id, csrf_token, created_at"
            } else {
                "INSERT OR DELETE OR UPDATE"
            };
            match app.backend {
                Backend::Sqlite => {
                    for event in events.split(" OR ") {
                        let name = event.split_whitespace().next().unwrap().to_lowercase();
                        sql.push_str(&format!(
                            "CREATE TRIGGER attack_{table}_{name} AFTER {event} ON \"{table}\" \
                             BEGIN INSERT INTO attack_changes (tbl) VALUES ('{table}'); END;"
                        ));
                    }
                }
                Backend::Postgres => sql.push_str(&format!(
                    "CREATE TRIGGER attack_{table} AFTER {events} ON \"{table}\" \
                     FOR EACH ROW EXECUTE FUNCTION attack_change();"
                )),
            }
        }
        diesel::connection::SimpleConnection::batch_execute(&mut *conn, &sql).unwrap();
        ChangeLog
    }

    pub fn mark(&self, app: &TestApp) -> Mark {
        use imprimatur::db::schema::audit_log;
        #[derive(QueryableByName)]
        struct Last {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            id: Option<i64>,
        }
        let mut conn = app.conn();
        let change = diesel::sql_query("SELECT MAX(id) AS id FROM attack_changes")
            .get_result::<Last>(&mut conn)
            .unwrap()
            .id
            .unwrap_or(0);
        let audit = audit_log::table
            .select(diesel::dsl::max(audit_log::id))
            .first::<Option<i64>>(&mut conn)
            .unwrap()
            .unwrap_or(0);
        Mark { change, audit }
    }

    /// The tables written to since `mark`.
    pub fn changed_since(&self, app: &TestApp, mark: Mark) -> Vec<String> {
        diesel::sql_query(format!(
            "SELECT DISTINCT tbl AS name FROM attack_changes WHERE id > {} ORDER BY tbl",
            mark.change
        ))
        .load::<Name>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
    }

    /// The tables written to since `mark`, not counting new audit rows that record a
    /// refusal and the failed sign-ins they count.
    pub fn changed_beyond_refusal_records(&self, app: &TestApp, mark: Mark) -> Vec<String> {
        use imprimatur::db::schema::audit_log;
        let mut changed = self.changed_since(app, mark);
        let new_actions: Vec<String> = audit_log::table
            .filter(audit_log::id.gt(mark.audit))
            .select(audit_log::action)
            .load(&mut app.conn())
            .unwrap();
        if new_actions
            .iter()
            .all(|a| REFUSAL_RECORDS.contains(&a.as_str()))
        {
            changed.retain(|t| t != "audit_log" && t != "login_attempts");
        }
        changed
    }
}
