//! The workspace pages around the workflow: the editor's preview and references editor, the
//! dashboard by role, the audit log by article, and the demo data.

use diesel::prelude::*;
use imprimatur::db::schema::{revision_references, revisions};
use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::forms::{act, article_fields, as_refs, create_article, revision_of};
use crate::support::{Backend, TestApp, TestDatabase};

on_both_backends!(
    the_editor_previews_adds_reorders_and_removes_references_without_javascript,
    the_dashboard_shows_each_role_its_work,
    the_audit_log_filters_by_article_and_by_system_actor,
);

async fn the_editor_previews_adds_reorders_and_removes_references_without_javascript(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    ed.get("/manage/articles/new").await;
    let mut fields = article_fields(
        "Preview me",
        "## From the label\n\nSee [2] and <script>alert(1)</script>.",
    );
    fields.push(("op", "preview".into()));
    let preview = ed.submit("/manage/articles", &as_refs(&fields)).await;
    preview
        .assert_status(200)
        .assert_contains("<h2>From the label</h2>");
    preview.assert_contains("href=\"#ref-2\"");
    assert!(
        !preview.body.contains("<script>alert(1)</script>"),
        "the preview is sanitised"
    );
    assert_eq!(app.count("revisions"), 0, "a preview saves nothing");

    fields.pop();
    fields.push(("op", "more".into()));
    let more = ed.submit("/manage/articles", &as_refs(&fields)).await;
    more.assert_status(200);
    assert_eq!(
        more.body.matches("name=\"ref_title\"").count(),
        2 + 5,
        "two filled rows and five spare"
    );

    // Swap the two references by their numbers, drop a third, and save.
    let mut fields = article_fields("Reordered", "Body [1] [2].");
    fields[4].1 = "2".into();
    fields[10].1 = "1".into();
    for (k, v) in [
        ("ref_position", "3"),
        ("ref_kind", "other"),
        ("ref_title", "Drop me"),
        ("ref_source", "Nowhere"),
        ("ref_year", ""),
        ("ref_url", ""),
        ("ref_remove", "3"),
        ("op", "save"),
    ] {
        fields.push((k, v.into()));
    }
    let saved = ed.submit("/manage/articles", &as_refs(&fields)).await;
    saved.assert_status(303);
    let revision = revision_of(&saved);
    let stored: Vec<(i32, String)> = revision_references::table
        .filter(revision_references::revision_id.eq(revision))
        .select((revision_references::position, revision_references::title))
        .order(revision_references::position.asc())
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        stored,
        [
            (1, "Lisinopril prescribing information".to_owned()),
            (2, "Hypertension guideline".to_owned())
        ]
    );
    // Editing the draft again starts from it, references and all.
    let article: imprimatur::ids::ArticleId = revisions::table
        .find(revision)
        .select(revisions::article_id)
        .first(&mut app.conn())
        .unwrap();
    let edit = ed.get(&format!("/manage/articles/{article}/edit")).await;
    edit.assert_contains("Continue your draft")
        .assert_contains("value=\"Lisinopril prescribing information\"");
}

async fn the_dashboard_shows_each_role_its_work(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    create_article(&ed, "A quiet draft", false).await;
    let waiting = create_article(&ed, "Waiting for review", true).await;
    let published = create_article(&ed, "Already approved", true).await;
    act(&rita, published, "approve", &[])
        .await
        .assert_status(303);
    // Make the published one overdue for its review.
    app.execute("UPDATE articles SET next_review_due = '2000-01-01 00:00:00' WHERE published_revision_id IS NOT NULL");

    let board = ed.get("/dashboard").await;
    board
        .assert_contains("Your drafts")
        .assert_contains("A quiet draft");
    board
        .assert_contains("Your revisions in review")
        .assert_contains("Waiting for review");
    board.assert_contains("Recently decided");
    board
        .assert_contains("Past their review date")
        .assert_contains("due 2000-01-01");
    board.assert_contains("Recently published");
    assert!(!board.body.contains("Waiting for your review"));

    let board = rita.get("/dashboard").await;
    board.assert_contains("Waiting for your review");
    board.assert_contains(&format!("/manage/revisions/{waiting}"));
    assert!(!board.body.contains("A quiet draft"), "drafts stay private");
}

async fn the_audit_log_filters_by_article_and_by_system_actor(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    let one = create_article(&ed, "First topic", true).await;
    create_article(&ed, "Second topic", true).await;
    let article: i64 = revisions::table
        .find(one)
        .select(revisions::article_id)
        .first::<imprimatur::ids::ArticleId>(&mut app.conn())
        .unwrap()
        .0;
    let admin = app.signed_in("admin@example.org").await;
    let by_id = admin.get(&format!("/admin/audit?article={article}")).await;
    by_id.assert_status(200).assert_contains("First topic");
    assert!(!by_id.body.contains("Second topic"));
    let by_slug = admin.get("/admin/audit?article=first-topic").await;
    by_slug.assert_contains("First topic");
    admin
        .get("/admin/audit?article=no-such-article")
        .await
        .assert_contains("No article has the id or address");
    let csv = admin
        .get(&format!("/admin/audit.csv?article={article}"))
        .await;
    assert_eq!(
        csv.body.lines().count(),
        1 + 2,
        "header, created, submitted"
    );
    // Accounts created by the command line are audited as "system".
    let system = admin.get("/admin/audit?actor=system").await;
    system.assert_contains("<code>user.invited</code>");
    assert!(!system.body.contains("<code>login.succeeded</code>"));
}

#[test]
fn demo_fills_an_empty_database_with_every_state_and_refuses_a_second_time() {
    let database = TestDatabase::create(Backend::Sqlite, "demo").unwrap();
    let url = match &database.url {
        imprimatur::config::DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        imprimatur::config::DatabaseUrl::Postgres(url) => url.clone(),
    };
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_imprimatur"))
            .arg("demo")
            .env("IMPRIMATUR_DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("Created 13 sample articles"), "{stdout}");
    for role in ["admin", "editor", "reviewer"] {
        assert!(stdout.contains(role), "{stdout}");
    }
    let pool = database.pool();
    let states: Vec<String> = revisions::table
        .select(revisions::state)
        .distinct()
        .load(&mut pool.get().unwrap())
        .unwrap();
    for state in [
        "draft",
        "submitted",
        "under_review",
        "changes_requested",
        "approved",
        "rejected",
        "withdrawn",
        "superseded",
    ] {
        assert!(
            states.iter().any(|s| s == state),
            "no {state} revision in {states:?}"
        );
    }
    let kinds: std::collections::BTreeSet<String> = revision_references::table
        .inner_join(revisions::table)
        .filter(revisions::title.like("Can I take ibuprofen%"))
        .select(revision_references::kind)
        .load::<String>(&mut pool.get().unwrap())
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        kinds.len(),
        4,
        "the featured article cites every kind of reference: {kinds:?}"
    );
    let second = run();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("only fills an empty one"));
}
