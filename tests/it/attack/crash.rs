//! The crash test: the server binary (release in CI) under write load from four people at
//! once, killed with SIGKILL at random moments and restarted, several times; then every
//! write the server acknowledged (answered 303) must be in the database, the database must
//! pass its integrity check, the audit chain must verify, every queued message must have
//! been delivered, and none twice.
//!
//! Kills per backend: 3 by default, 10 with `IMPRIMATUR_TEST_ATTACK=full`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use imprimatur::db::schema::{comments, mail_outbox, revisions};
use imprimatur::domain::roles::Role;
use imprimatur::services::{Actor, Caller, Env, editing};

use super::server::{ServerProcess, binary, seed_person};
use super::{Rng, backend_name, full, report};
use crate::on_both_backends;
use crate::support::fixtures::content;
use crate::support::forms::article_fields;
use crate::support::{Backend, Client, TestDatabase};

on_both_backends!(async backend: acknowledged_writes_survive_kill_9_under_load);

/// What one writer does, over and over.
#[derive(Debug, Clone, Copy)]
enum Work {
    /// Comments on an open revision.
    Comment(i64),
    /// Submits a new article.
    Submit,
}

/// Sends one write; `Some(true)` when the server acknowledged it, `None` when there was
/// no server to answer.
async fn write(client: &Client, base: &str, work: Work, marker: &str) -> Option<bool> {
    let token = client.last_csrf().unwrap_or_default();
    let (path, mut fields) = match work {
        Work::Comment(revision) => (
            format!("/manage/revisions/{revision}/comment"),
            vec![("comment", marker.to_owned())],
        ),
        Work::Submit => {
            let mut fields = article_fields(marker, "What the trials show [1]; the label [2].");
            fields.push(("op", "submit".to_owned()));
            ("/manage/articles".to_owned(), fields)
        }
    };
    fields.insert(0, ("csrf_token", token));
    let answer = client
        .http()
        .post(format!("{base}{path}"))
        .form(&fields)
        .send()
        .await
        .ok()?;
    Some(answer.status() == 303)
}

/// A writer: writes until told to stop, riding out the server's deaths, and returns the
/// markers the server acknowledged.
async fn writer(
    client: Client,
    base: String,
    work: Work,
    name: String,
    stop: Arc<AtomicBool>,
) -> (Vec<String>, usize) {
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let marker = format!("Crash test {name} write {n}");
        match write(&client, &base, work, &marker).await {
            Some(true) => acknowledged.push(marker),
            Some(false) => refused += 1,
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    (acknowledged, refused)
}

async fn signed_in(base: &str, email: &str) -> Client {
    let client = Client::new(base);
    client.sign_in(email, crate::support::PASSWORD).await;
    client.get("/dashboard").await.assert_status(200);
    client
}

/// `PRAGMA integrity_check` and the foreign keys on SQLite; every B-tree index checked by
/// `amcheck` on PostgreSQL. Returns what was checked.
fn integrity(backend: Backend, database: &TestDatabase) -> String {
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }
    let pool = database.pool();
    let mut conn = pool.get().unwrap();
    match backend {
        Backend::Sqlite => {
            let lines: Vec<Line> =
                diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
                    .load(&mut conn)
                    .unwrap();
            let lines: Vec<String> = lines.into_iter().map(|l| l.line).collect();
            assert_eq!(lines, ["ok"], "integrity_check");
            let broken: Vec<Line> =
                diesel::sql_query("SELECT \"table\" AS line FROM pragma_foreign_key_check")
                    .load(&mut conn)
                    .unwrap();
            assert!(
                broken.is_empty(),
                "foreign keys broken in {:?}",
                broken.iter().map(|l| &l.line).collect::<Vec<_>>()
            );
            "integrity_check ok, foreign_key_check ok".into()
        }
        Backend::Postgres => {
            diesel::sql_query("CREATE EXTENSION IF NOT EXISTS amcheck")
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("amcheck (PostgreSQL contrib) is needed: {e}"));
            const INDEXES: &str = "FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_am a ON a.oid = c.relam \
                 WHERE n.nspname = 'public' AND a.amname = 'btree'";
            let checked: Vec<Line> =
                diesel::sql_query(format!("SELECT c.relname::text AS line {INDEXES}"))
                    .load(&mut conn)
                    .unwrap();
            // Raises an error on the first index whose structure or heap entries are wrong.
            diesel::sql_query(format!("SELECT bt_index_check(c.oid, true) {INDEXES}"))
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("amcheck: {e}"));
            format!("amcheck bt_index_check ok on {} indexes", checked.len())
        }
    }
}

/// The Message-ID of every message file, and how many files carry each.
fn delivered_files(dir: &std::path::Path) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        let id = mailparse::MailHeaderMap::get_first_value(&parsed.headers[..], "Message-ID")
            .unwrap_or_default();
        *ids.entry(id.trim().to_owned()).or_default() += 1;
    }
    ids
}

async fn acknowledged_writes_survive_kill_9_under_load(backend: Backend, test: &str) {
    let Some(database) = TestDatabase::create(backend, test) else {
        return;
    };
    let started = Instant::now();
    let kills = if full() { 10 } else { 3 };
    let data_dir = tempfile::tempdir().unwrap();
    let pool = database.pool();
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    let editors = ["e0@example.org", "e1@example.org"];
    let reviewers = ["r0@example.org", "r1@example.org", "r2@example.org"];
    let mut people = Vec::new();
    for email in editors {
        people.push(seed_person(&env, email, "Crash Editor", &[Role::Editor]));
    }
    for email in reviewers {
        people.push(seed_person(
            &env,
            email,
            "Crash Reviewer",
            &[Role::Reviewer],
        ));
    }
    // Two open revisions for the reviewers to discuss.
    let author = Caller::person(
        people[0],
        [Role::Editor].into_iter().collect(),
        Actor::user(people[0], editors[0], "127.0.0.1"),
    );
    let open: Vec<i64> = (0..2)
        .map(|i| {
            let article = content(&format!("Open question {i}"), "Avoid NSAIDs [1]; see [2].");
            env.ctx(|ctx| editing::create_article(ctx, &author, &article, true))
                .unwrap()
                .revision
                .0
        })
        .collect();

    let mut server = ServerProcess::start(&database, data_dir.path(), "info").await;
    let base = server.base_url.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (name, email, work) in [
        ("r0", reviewers[0], Work::Comment(open[0])),
        ("r1", reviewers[1], Work::Comment(open[1])),
        ("e0", editors[0], Work::Submit),
        ("e1", editors[1], Work::Submit),
    ] {
        let client = signed_in(&base, email).await;
        tasks.push(tokio::spawn(writer(
            client,
            base.clone(),
            work,
            name.to_owned(),
            stop.clone(),
        )));
    }
    let mut rng = Rng::new(super::env_number("IMPRIMATUR_TEST_ATTACK_SEED", 20_261_201));
    for _ in 0..kills {
        let running = Duration::from_millis(400 + rng.below(1_200) as u64);
        tokio::time::sleep(running).await;
        server.kill9();
        server.restart().await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (done, no) = task.await.unwrap();
        acknowledged.extend(done);
        refused += no;
    }
    // Let the last server deliver what is queued, then stop it as an operator would.
    let deadline = Instant::now() + Duration::from_secs(90);
    let queued = loop {
        let (total, pending): (i64, i64) = {
            let mut conn = pool.get().unwrap();
            let total = mail_outbox::table.count().get_result(&mut conn).unwrap();
            let pending = mail_outbox::table
                .filter(mail_outbox::sent_at.is_null())
                .count()
                .get_result(&mut conn)
                .unwrap();
            (total, pending)
        };
        if pending == 0 {
            break total;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} messages were never delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    server.terminate();
    let logs = server.logs();

    // Every acknowledged write is there.
    let mut conn = pool.get().unwrap();
    let stored: BTreeSet<String> = comments::table
        .select(comments::body)
        .load::<String>(&mut conn)
        .unwrap()
        .into_iter()
        .chain(
            revisions::table
                .select(revisions::title)
                .load::<String>(&mut conn)
                .unwrap(),
        )
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|m| !stored.contains(*m))
        .collect();
    let integrity = integrity(backend, &database);
    let verify = server.command(&["audit", "verify"]);
    let verify_out = String::from_utf8_lossy(&verify.stdout).into_owned();
    // Every queued message was delivered once: one file per Message-ID, one per row.
    let files = delivered_files(&data_dir.path().join("mail"));
    let twice: Vec<(&String, &usize)> = files.iter().filter(|(_, n)| **n > 1).collect();
    let queued_ids: BTreeSet<String> = mail_outbox::table
        .select(mail_outbox::message_id)
        .load::<String>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    let missing: Vec<&String> = queued_ids
        .iter()
        .filter(|id| !files.contains_key(*id))
        .collect();
    let redelivered = logs.matches("not written again").count();
    let (_, build) = binary();
    report(&format!(
        "crash {}: {kills} × kill -9 of the {build} server under 4 writers ({} starts); \
         {} acknowledged writes, {} lost, {refused} refused; {integrity}; audit verify: {}; \
         {queued} messages queued, {} missing, {} delivered twice, {redelivered} re-deliveries \
         after a kill recognised; in {:.1} s",
        backend_name(backend),
        server.starts,
        acknowledged.len(),
        lost.len(),
        verify_out.lines().next().unwrap_or("(nothing)"),
        missing.len(),
        twice.len(),
        started.elapsed().as_secs_f64()
    ));
    assert!(
        acknowledged.len() > kills,
        "too little load: {} writes",
        acknowledged.len()
    );
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(verify.status.success(), "audit verify: {verify_out}");
    assert!(missing.is_empty(), "never delivered: {missing:?}");
    assert!(twice.is_empty(), "delivered twice: {twice:?}");
    assert_eq!(
        files.len(),
        queued_ids.len(),
        "a message file for every queued message"
    );
    assert!(!logs.contains("panicked"), "the server panicked:\n{logs}");
}
