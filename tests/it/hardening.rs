//! Regression tests for what a black-box attack found, on both backends: NUL bytes, the
//! anonymous session flood, taking over another editor's private article, concurrent
//! comments, timing of the reset form, HEAD and 405, short idle timeouts, HSTS and a
//! lock-out through a shared address.

use std::sync::Arc;
use std::time::{Duration, Instant};

use imprimatur::domain::roles::Role;
use imprimatur::domain::workflow::Action;

use crate::on_both_backends;
use crate::support::forms::{article_fields, as_refs, create_article};
use crate::support::{ArticleBuilder, Client, PASSWORD, TestApp, minutes_ago};

on_both_backends!(
    a_nul_byte_in_any_text_field_or_filter_is_a_400_naming_the_field,
    anonymous_visitors_write_no_session_rows,
    an_editor_cannot_add_to_or_rename_another_editors_private_article,
    concurrent_comments_on_one_revision_all_land,
    head_answers_every_get_route_and_other_methods_get_405_with_allow,
    a_session_in_use_survives_a_short_idle_timeout,
    a_shared_address_cannot_lock_out_a_browser_that_signed_in_before,
    a_request_with_too_many_headers_gets_an_empty_431_and_a_closed_connection,
);

async fn a_nul_byte_in_any_text_field_or_filter_is_a_400_naming_the_field(app: TestApp) {
    app.create_user(
        "admin@example.org",
        "Ada Admin",
        &[Role::Admin, Role::Editor],
    );
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let built = ArticleBuilder::new(&app, &ed).submitted().build();
    let before = (app.count("audit_log"), app.count("login_attempts"));

    // Anonymous forms.
    let visitor = app.client();
    visitor.get("/login").await;
    for (path, field) in [("/login", "email"), ("/password/forgot", "email")] {
        visitor
            .submit(
                path,
                &[(field, "a\u{0}@example.org"), ("password", PASSWORD)],
            )
            .await
            .assert_status(400)
            .assert_contains(&format!(
                "The field {field} contains the control character U+0000"
            ));
    }
    assert_eq!(
        (app.count("audit_log"), app.count("login_attempts")),
        before,
        "refused before anything was recorded"
    );

    // Signed-in forms: an article body, a revision body, a comment.
    let editor = app.signed_in("ed@example.org").await;
    editor.get("/manage/articles/new").await;
    let mut fields = article_fields("Nul title", "Body with \u{0} inside.");
    fields.push(("op", "save".into()));
    editor
        .submit("/manage/articles", &as_refs(&fields))
        .await
        .assert_status(400)
        .assert_contains("The field body");
    let mut fields = article_fields("Nul revision", "Body \u{0}.");
    fields.push(("op", "submit".into()));
    editor
        .submit(
            &format!("/manage/articles/{}/revisions", built.article),
            &as_refs(&fields),
        )
        .await
        .assert_status(400);
    let reviewer = app.signed_in("rita@example.org").await;
    reviewer
        .get(&format!("/manage/revisions/{}", built.revision))
        .await;
    reviewer
        .submit(
            &format!("/manage/revisions/{}/comment", built.revision),
            &[("comment", "Nul \u{0} comment")],
        )
        .await
        .assert_status(400)
        .assert_contains("The field comment");
    assert_eq!(app.count("comments"), 0);
    assert_eq!(app.count("articles"), 1);
    let _ = rita;

    // Filters in query strings, as an admin sees them.
    let admin = app.signed_in("admin@example.org").await;
    for path in [
        "/manage/articles?q=%00",
        "/manage/articles?author=%00",
        "/admin/users?q=%00",
        "/admin/audit?actor=%00",
        "/admin/audit.csv?actor=%00",
        "/admin/audit.jsonl?actor=%00",
        "/?q=%00",
    ] {
        admin
            .get(path)
            .await
            .assert_status(400)
            .assert_contains("U+0000");
    }
}

async fn anonymous_visitors_write_no_session_rows(app: TestApp) {
    for _ in 0..200 {
        Client::new(&app.base_url)
            .get("/login")
            .await
            .assert_status(200);
    }
    for path in ["/password/forgot", "/login?next=/admin/users"] {
        Client::new(&app.base_url)
            .get(path)
            .await
            .assert_status(200);
    }
    assert_eq!(app.count("sessions"), 0, "visitors cost no rows");
    // And their forms still work: a visitor's token is accepted, a forged one is not.
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    client.get("/login").await;
    client
        .post(
            "/login",
            &[
                ("csrf_token", &"0".repeat(64)),
                ("email", "ed@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await
        .assert_status(403);
    client
        .submit(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_redirect("/dashboard");
    assert_eq!(app.count("sessions"), 1);
}

async fn an_editor_cannot_add_to_or_rename_another_editors_private_article(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("ed2@example.org", "Ed Two", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    let draft = create_article(&ed, "Ed's private topic", false).await;
    let article: i64 = {
        use diesel::prelude::*;
        use imprimatur::db::schema::revisions;
        revisions::table
            .find(draft)
            .select(revisions::article_id)
            .first::<imprimatur::ids::ArticleId>(&mut app.conn())
            .unwrap()
            .0
    };
    let other = app.signed_in("ed2@example.org").await;
    let audit_before = app.count("audit_log");
    other
        .get(&format!("/manage/articles/{article}"))
        .await
        .assert_status(404);
    other.get("/dashboard").await;
    let mut fields = article_fields("Taken over", "Not mine [1] [2].");
    fields.push(("base_revision_id", String::new()));
    fields.push(("op", "submit".into()));
    other
        .submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fields),
        )
        .await
        .assert_status(404);
    other
        .submit(
            &format!("/manage/articles/{article}/slug"),
            &[("slug", "taken-over")],
        )
        .await
        .assert_status(404);
    assert_eq!(app.count("revisions"), 1, "no revision by the other editor");
    assert_eq!(app.count("audit_log"), audit_before, "nothing happened");

    // Ed's own work is untouched and submits.
    ed.get(&format!("/manage/revisions/{draft}")).await;
    ed.submit(&format!("/manage/revisions/{draft}/submit"), &[])
        .await
        .assert_status(303);
}

async fn concurrent_comments_on_one_revision_all_land(app: TestApp) {
    let ed = app.person("ed@example.org", "Ed", &[Role::Editor]);
    let mut reviewers = Vec::new();
    for i in 0..8 {
        let email = format!("r{i}@example.org");
        app.create_user(&email, &format!("Reviewer {i}"), &[Role::Reviewer]);
        reviewers.push(Arc::new(app.signed_in(&email).await));
    }
    let built = ArticleBuilder::new(&app, &ed).submitted().build();
    let path = format!("/manage/revisions/{}", built.revision);
    for client in &reviewers {
        client.get(&path).await;
    }
    let mut tasks = Vec::new();
    for (i, client) in reviewers.iter().enumerate() {
        let client = client.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for n in 0..5 {
                let text = format!("Comment {n} from reviewer {i}.");
                statuses.push(
                    client
                        .submit(&format!("{path}/comment"), &[("comment", &text)])
                        .await
                        .status,
                );
            }
            statuses
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.extend(task.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.count("comments"), 40);
    app.act(&ed, built.revision, Action::Withdraw, "");
}

async fn head_answers_every_get_route_and_other_methods_get_405_with_allow(app: TestApp) {
    let http = reqwest::Client::new();
    for path in ["/", "/login", "/editorial-policy", "/feed.atom", "/healthz"] {
        let get = http.get(app.url(path)).send().await.unwrap();
        let head = http.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(head.headers().contains_key("content-security-policy"));
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let asset = imprimatur::web::assets::stylesheet_path();
    let head = http.head(app.url(&asset)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    for (method, path, allow) in [
        ("PUT", "/login", "GET, HEAD, POST"),
        ("DELETE", "/manage/revisions/2", "GET, HEAD"),
        ("POST", "/feed.atom", "GET, HEAD"),
        ("GET", "/logout", "POST"),
        ("PATCH", "/admin/users/1", "GET, HEAD, POST"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = http
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 405, "{method} {path}");
        assert_eq!(
            answer.headers()["allow"].to_str().unwrap(),
            allow,
            "{method} {path}"
        );
        assert!(answer.headers().contains_key("content-security-policy"));
    }
    let missing = http.head(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

async fn a_session_in_use_survives_a_short_idle_timeout(app: TestApp) {
    // The app's idle timeout is set per test app: here, one minute.
    let app = TestApp::spawn_with(
        app.backend,
        "a_session_in_use_survives_a_short_idle_timeout (1 minute)",
        |config| config.session_idle = chrono::Duration::minutes(1),
    )
    .unwrap();
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.signed_in("ed@example.org").await;
    let hash =
        imprimatur::services::secrets::hash_token(&client.cookie("imprimatur_session").unwrap());
    // Used every 20 seconds, for two minutes: each use is 20 s after the one before.
    for _ in 0..6 {
        app.execute(&format!(
            "UPDATE sessions SET last_seen_at = {} WHERE id_hash = '{hash}'",
            seconds_before_last_seen(&app, &hash, 20)
        ));
        client.get("/dashboard").await.assert_status(200);
    }
    // Unused for a minute: ended.
    app.execute(&format!(
        "UPDATE sessions SET last_seen_at = {} WHERE id_hash = '{hash}'",
        minutes_ago(1)
    ));
    client
        .get("/dashboard")
        .await
        .assert_redirect("/login?next=/dashboard");
}

/// A SQL timestamp `seconds` before the session's `last_seen_at`.
fn seconds_before_last_seen(app: &TestApp, hash: &str, seconds: i64) -> String {
    use diesel::prelude::*;
    use imprimatur::db::schema::sessions;
    let seen: chrono::NaiveDateTime = sessions::table
        .find(hash)
        .select(sessions::last_seen_at)
        .first(&mut app.conn())
        .unwrap();
    let at = seen - chrono::Duration::seconds(seconds);
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

async fn a_shared_address_cannot_lock_out_a_browser_that_signed_in_before(app: TestApp) {
    app.create_user("ann@example.org", "Ann", &[Role::Editor]);
    app.create_user("bob@example.org", "Bob", &[Role::Editor]);
    // Ann signed in from her browser yesterday.
    let ann = app.signed_in("ann@example.org").await;
    assert!(ann.cookie("imprimatur_device").is_some());
    ann.get("/dashboard").await;
    ann.submit("/logout", &[]).await.assert_status(303);

    // An attacker behind the same address sprays passwords across accounts.
    let attacker = app.client();
    attacker.get("/login").await;
    for i in 0..50 {
        attacker
            .submit(
                "/login",
                &[
                    ("email", &format!("guess{i}@example.org")),
                    ("password", "Summer2026!"),
                ],
            )
            .await
            .assert_status(401);
    }
    attacker
        .submit(
            "/login",
            &[("email", "ann@example.org"), ("password", "Summer2026!")],
        )
        .await
        .assert_status(429);
    // A new browser at that address is held back too, even with the right password...
    let newcomer = app.client();
    newcomer.get("/login").await;
    newcomer
        .submit(
            "/login",
            &[("email", "ann@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_status(429);
    // ...but Ann's own browser signs in, and a wrong guess from it is still counted.
    ann.get("/login").await;
    ann.submit(
        "/login",
        &[("email", "ann@example.org"), ("password", PASSWORD)],
    )
    .await
    .assert_redirect("/dashboard");
    // Her device cookie is hers: carried by another browser, it does not get past the
    // address limit for another account, even with that account's right password.
    let stolen = ann.cookie("imprimatur_device").unwrap();
    let thief = app.client();
    thief.set_cookie("imprimatur_device", &stolen);
    thief.get("/login").await;
    thief
        .submit(
            "/login",
            &[("email", "bob@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_status(429);
}

async fn a_request_with_too_many_headers_gets_an_empty_431_and_a_closed_connection(app: TestApp) {
    // actix-http answers this itself, before any middleware runs (its header limit is a
    // constant): the answer carries no body and no content type, so there is nothing a
    // browser could render, and the connection is closed. The README says so.
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = String::from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for i in 0..120 {
            request.push_str(&format!("X-Filler-{i}: {i}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8(answer).unwrap()
    })
    .await
    .unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 431"), "{head}");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-length: 0"), "{head}");
    assert!(!head.contains("content-type"), "{head}");
    assert!(body.is_empty(), "{body:?}");
    // The server is fine afterwards, and ordinary pages keep their headers.
    let page = app.client().get("/").await;
    page.assert_status(200);
    assert!(page.header("content-security-policy").is_some());
}

/// The reset form answers in the same time whether or not the address has an account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reset_form_takes_as_long_for_an_unknown_address_as_for_an_account() {
    let Some(app) = TestApp::spawn(crate::support::Backend::Sqlite, "reset timing") else {
        return;
    };
    app.create_user("ann@example.org", "Ann", &[Role::Editor]);
    let client = app.client();
    client.get("/password/forgot").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    // Each account gets at most one link per two minutes; different existing accounts keep
    // the work real.
    for i in 0..6 {
        let email = format!("member{i}@example.org");
        app.create_user(&email, "Member", &[Role::Editor]);
        for (email, times) in [
            (email.as_str(), &mut known),
            ("nobody@example.org", &mut unknown),
        ] {
            let started = Instant::now();
            client
                .submit("/password/forgot", &[("email", email)])
                .await
                .assert_redirect("/password/forgot?done=reset-sent");
            times.push(started.elapsed());
        }
    }
    known.sort();
    unknown.sort();
    let floor = imprimatur::web::handlers::accounts::password::ANSWER_AFTER;
    assert!(
        known.iter().chain(&unknown).all(|t| *t >= floor),
        "every answer waits at least {floor:?}: {known:?} {unknown:?}"
    );
    let median = |times: &[Duration]| times[times.len() / 2];
    let gap = median(&known).abs_diff(median(&unknown));
    assert!(
        gap < Duration::from_millis(100),
        "medians {:?} (account) and {:?} (none) differ by {gap:?}",
        median(&known),
        median(&unknown)
    );
}
