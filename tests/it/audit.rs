//! The audit log: listing, filters, pages, exports, and tamper detection.

use imprimatur::domain::audit::{AuditAction, ChainBreak};
use imprimatur::domain::roles::Role;
use imprimatur::services::audit::{self, Event, Verification};
use imprimatur::services::{Actor, Caller, Ctx};

use crate::on_both_backends;
use crate::support::{ArticleBuilder, Page, TestApp};

on_both_backends!(
    the_audit_page_filters_by_actor_action_and_date_and_pages_through,
    exports_contain_every_matching_row_as_csv_and_json_lines,
    verify_detects_an_edited_row,
    verify_detects_a_deleted_row,
    verify_detects_a_row_inserted_out_of_chain,
    the_database_refuses_updates_and_deletes_of_audit_rows,
    concurrent_writers_keep_one_unbroken_chain,
    the_publishing_approval_appends_its_row_then_the_publications,
);

fn record_many(app: &TestApp, n: usize) {
    let mut conn = app.conn();
    let mut ctx = Ctx::new(&mut conn, &app.env);
    let actor = Actor::anonymous("203.0.113.9");
    for i in 0..n {
        audit::record_alone(
            &mut ctx,
            &actor,
            Event::new(AuditAction::LoginFailed)
                .details(serde_json::json!({ "email": format!("guess{i}@example.org"), "reason": "unknown account" })),
        )
        .unwrap();
    }
}

async fn the_audit_page_filters_by_actor_action_and_date_and_pages_through(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    record_many(&app, 60);
    let admin = app.signed_in("admin@example.org").await;

    let newest = admin.get("/admin/audit").await;
    newest
        .assert_status(200)
        .assert_contains("login.succeeded")
        .assert_contains("Older");
    // 50 rows a page: the page shows the newest rows, not the first ones.
    assert!(!newest.body.contains("guess0@example.org"));
    let older_link = newest
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|href| href.contains("before="))
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let older = admin.get(&older_link).await;
    older
        .assert_status(200)
        .assert_contains("guess0@example.org")
        .assert_contains("Newer");

    let by_action = admin.get("/admin/audit?action=login.succeeded").await;
    by_action.assert_contains("login.succeeded");
    assert!(!by_action.body.contains("login.failed</code>"));

    // Paging within one action (PostgreSQL reads these by the (action, id) index): the
    // newest 50 failures, then the 10 older ones, and back.
    let link = |page: &Page, cursor: &str| {
        page.body
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|href| href.contains(cursor))
            .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
    };
    let failures = admin.get("/admin/audit?action=login.failed").await;
    failures
        .assert_contains("guess59@example.org")
        .assert_contains("guess10@example.org");
    assert!(!failures.body.contains("guess9@example.org"));
    assert!(link(&failures, "after=").is_none(), "nothing is newer");
    let older = admin
        .get(&link(&failures, "before=").expect("an older page"))
        .await;
    older
        .assert_status(200)
        .assert_contains("guess9@example.org")
        .assert_contains("guess0@example.org");
    assert!(!older.body.contains("guess10@example.org"));
    assert!(link(&older, "before=").is_none(), "nothing is older");
    let newer = admin
        .get(&link(&older, "after=").expect("a newer page"))
        .await;
    newer
        .assert_contains("guess59@example.org")
        .assert_contains("guess10@example.org");
    assert!(!newer.body.contains("guess9@example.org"));

    let by_actor = admin.get("/admin/audit?actor=ADMIN@example.org").await;
    by_actor.assert_contains("login.succeeded");
    assert!(!by_actor.body.contains("guess"));
    admin
        .get("/admin/audit?actor=stranger@example.org")
        .await
        .assert_status(200)
        .assert_contains("No account has the email address");

    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    admin
        .get(&format!(
            "/admin/audit?from={today}&to={today}&action=login.failed"
        ))
        .await
        .assert_contains("guess59@example.org");
    admin
        .get(&format!("/admin/audit?from={tomorrow}"))
        .await
        .assert_contains("No entries match");

    admin
        .get("/admin/audit?from=yesterday")
        .await
        .assert_status(400)
        .assert_contains("is not a date");
    admin
        .get(&format!("/admin/audit?from={tomorrow}&to={today}"))
        .await
        .assert_status(400);
    admin
        .get("/admin/audit?action=rm-rf")
        .await
        .assert_status(400);
    admin
        .get("/admin/audit?before=abc")
        .await
        .assert_status(400);
}

async fn exports_contain_every_matching_row_as_csv_and_json_lines(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    // More than one export batch (500), so streaming across batches is exercised.
    record_many(&app, 1_234);
    let admin = app.signed_in("admin@example.org").await;
    let total = app.count("audit_log");

    let csv = admin.get("/admin/audit.csv").await;
    csv.assert_status(200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "occurred_at",
            "actor_id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "article_id",
            "details",
            "client_addr",
            "prev_hash",
            "row_hash"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(i64::try_from(records.len()).unwrap(), total);
    let ids: Vec<i64> = records.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        ids,
        (1..=total).collect::<Vec<_>>(),
        "every row once, oldest first"
    );

    let jsonl = admin.get("/admin/audit.jsonl?action=login.failed").await;
    jsonl.assert_status(200);
    let lines: Vec<serde_json::Value> = jsonl
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1_234);
    assert!(lines.iter().all(|l| l["action"] == "login.failed"));
    assert_eq!(lines[0]["details"]["email"], "guess0@example.org");

    let none = admin.get("/admin/audit.csv?actor=nobody@example.org").await;
    assert_eq!(none.body.lines().count(), 1, "only the header");
    admin
        .get("/admin/audit.csv?from=never")
        .await
        .assert_status(400);
}

fn verify(app: &TestApp) -> Verification {
    app.ctx(|ctx| audit::verify(ctx, &Caller::system()))
        .unwrap()
}

/// What an attacker with database access has to do first.
fn drop_append_only_guard(app: &TestApp) {
    if app.database.url.redacted().starts_with("postgres") {
        app.execute("DROP TRIGGER audit_log_no_update ON audit_log");
    } else {
        app.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    }
}

fn cli_verify(app: &TestApp) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_imprimatur"))
        .args(["audit", "verify"])
        .env(
            "IMPRIMATUR_DATABASE_URL",
            match &app.database.url {
                imprimatur::config::DatabaseUrl::Sqlite(path) => {
                    format!("sqlite://{}", path.display())
                }
                imprimatur::config::DatabaseUrl::Postgres(url) => url.clone(),
            },
        )
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

async fn verify_detects_an_edited_row(app: TestApp) {
    record_many(&app, 5);
    assert!(matches!(verify(&app), Verification::Intact { rows: 5, .. }));
    let (ok, out) = cli_verify(&app);
    assert!(ok, "{out}");
    assert!(out.contains("intact: 5 rows"), "{out}");

    drop_append_only_guard(&app);
    app.execute("UPDATE audit_log SET details = '{\"email\":\"nobody\"}' WHERE id = 3");
    assert_eq!(
        verify(&app),
        Verification::Broken(ChainBreak::Content { id: 3 })
    );
    let (ok, out) = cli_verify(&app);
    assert!(!ok, "verify must exit non-zero");
    assert!(out.contains("BROKEN at row 3"), "{out}");
}

async fn verify_detects_a_deleted_row(app: TestApp) {
    record_many(&app, 5);
    drop_append_only_guard(&app);
    app.execute("DELETE FROM audit_log WHERE id = 2");
    assert_eq!(
        verify(&app),
        Verification::Broken(ChainBreak::Gap {
            expected: 2,
            found: 3
        })
    );
    let (ok, out) = cli_verify(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN at row 3"), "{out}");
}

async fn verify_detects_a_row_inserted_out_of_chain(app: TestApp) {
    record_many(&app, 3);
    app.execute(
        "INSERT INTO audit_log (id, occurred_at, actor_id, actor_label, action, target_type, \
         target_id, details, client_addr, prev_hash, row_hash) VALUES (4, '2026-01-01 00:00:00', \
         NULL, 'system', 'logout', NULL, NULL, '{}', NULL, 'forged', 'forged')",
    );
    assert_eq!(
        verify(&app),
        Verification::Broken(ChainBreak::Link { id: 4 })
    );
}

async fn the_database_refuses_updates_and_deletes_of_audit_rows(app: TestApp) {
    use diesel::connection::SimpleConnection;
    record_many(&app, 2);
    let mut conn = app.conn();
    let update = conn.batch_execute("UPDATE audit_log SET actor_label = 'x'");
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.batch_execute("DELETE FROM audit_log");
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(app.count("audit_log"), 2);
}

async fn concurrent_writers_keep_one_unbroken_chain(app: TestApp) {
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let env = app.env.clone();
            std::thread::spawn(move || {
                let actor = Actor::anonymous(&format!("10.0.0.{t}"));
                for _ in 0..25 {
                    env.ctx(|ctx| {
                        audit::record_alone(ctx, &actor, Event::new(AuditAction::Logout))
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(matches!(
        verify(&app),
        Verification::Intact { rows: 200, .. }
    ));
}

/// The approval that meets the policy writes its own row and the publication's last, in
/// that order and as one link after the other (on PostgreSQL the chain stays locked from
/// the first of them to the commit, so they are written together at the end).
async fn the_publishing_approval_appends_its_row_then_the_publications(app: TestApp) {
    use diesel::prelude::*;
    use imprimatur::db::schema::audit_log;

    let ed = app.person("ed@example.org", "Ed", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita", &[Role::Reviewer]);
    let built = ArticleBuilder::new(&app, &ed).approved_by(&[&rita]).build();
    let mut conn = app.conn();
    let newest: Vec<(String, Option<i64>, String, String)> = audit_log::table
        .order(audit_log::id.desc())
        .select((
            audit_log::action,
            audit_log::article_id,
            audit_log::prev_hash,
            audit_log::row_hash,
        ))
        .limit(2)
        .load(&mut *conn)
        .unwrap();
    let [published, approved] = newest.as_slice() else {
        panic!("expected two rows, got {newest:?}");
    };
    assert_eq!(approved.0, AuditAction::RevisionApproved.as_str());
    assert_eq!(published.0, AuditAction::ArticlePublished.as_str());
    assert_eq!(approved.1, Some(built.article.0));
    assert_eq!(published.1, Some(built.article.0));
    assert_eq!(
        published.2, approved.3,
        "the publication links to the approval"
    );
    drop(conn);
    assert!(matches!(verify(&app), Verification::Intact { .. }));
}
