//! Webhooks over HTTP, on both backends: an admin registers an endpoint; a whole review
//! round through the API reaches a receiver on loopback signed, with a fresh timestamp, once
//! per event; a failing receiver is retried with backoff, a redirect is not followed, a
//! webhook that is off holds its deliveries until it is on again; and the form takes only
//! https (or loopback when allowed) and changes nothing on bad input.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use imprimatur::db::schema::webhook_deliveries;
use imprimatur::domain::roles::Role;
use imprimatur::services::tokens::{self, TokenInput};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::on_both_backends;
use crate::support::{PASSWORD, Person, TestApp, skip};

on_both_backends!(
    a_review_round_through_the_api_reaches_the_receiver_signed_once_per_event,
    a_failing_receiver_is_retried_a_redirect_is_not_followed_and_off_holds_deliveries,
    the_form_takes_only_https_or_allowed_loopback_and_bad_input_changes_nothing,
    the_readme_script_runs_a_whole_round_and_its_receiver_gets_each_event_once,
);

const SECRET: &str = "a-test-secret-of-thirty-two-chars";

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

/// An HTTP receiver on 127.0.0.1 that answers each request with the next status of its
/// script (the last one repeats), and keeps what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: Vec<(u16, Option<&'static str>)>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = got.clone();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = HashMap::new();
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    let trimmed = line.trim_end();
                    if trimmed.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = trimmed.split_once(':') {
                        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                    }
                }
                let length: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                kept.lock().unwrap().push(Received {
                    headers,
                    body: String::from_utf8(body).unwrap(),
                });
                let (status, location) = script[n.min(script.len() - 1)];
                let location = location
                    .map(|l| format!("Location: {l}\r\n"))
                    .unwrap_or_default();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Scripted\r\n{location}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what was received (at most 30 s).
    async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.got();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn token_for(app: &TestApp, person: &Person, scopes: &[&str]) -> String {
    let input = TokenInput {
        name: format!("{} program", person.email),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires_in_days: String::new(),
    };
    app.ctx(|ctx| tokens::create(ctx, &person.caller, &input))
        .unwrap()
        .secret
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let answer = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let doc: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert!((200..300).contains(&status), "{path}: {status} {doc}");
    doc
}

/// Registers a webhook through the admin page; returns the page.
async fn register(app: &TestApp, url: &str, events: &[&str], secret: &str) -> crate::support::Page {
    let admin = app.signed_in("admin@example.org").await;
    let mut fields = vec![("url", url), ("secret", secret)];
    for event in events {
        fields.push(("events", event));
    }
    admin.submit_after_get("/admin/webhooks", &fields).await
}

fn expected_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn types(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| r.headers["imprimatur-event"].clone())
        .collect()
}

async fn a_review_round_through_the_api_reaches_the_receiver_signed_once_per_event(app: TestApp) {
    app.execute("UPDATE settings SET approvals_required = 2");
    app.person("admin@example.org", "Ada Admin", &[Role::Admin]);
    let editor = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]);
    let sam = app.person("sam@example.org", "Dr. Sam Shah", &[Role::Reviewer]);
    let receiver = Receiver::start(vec![(200, None)]);
    let all = [
        "revision.submitted",
        "revision.changes_requested",
        "revision.approved",
        "article.published",
        "revision.rejected",
        "article.retracted",
    ];
    let page = register(&app, &receiver.url, &all, SECRET).await;
    page.assert_status(200).assert_contains("Webhook added");
    assert!(page.body.contains(SECRET), "the secret is shown once");
    assert_eq!(app.count("webhooks"), 1);

    let pipeline = token_for(&app, &editor, &["read", "write"]);
    let (rita, sam) = (
        token_for(&app, &rita, &["review"]),
        token_for(&app, &sam, &["review"]),
    );
    let body = "Weekly, not daily [1].";
    let article = json!({"title": "Methotrexate dosing", "body": body, "submit": true,
        "references": [{"kind": "drug_label", "title": "Label"}]});
    let created = post(&app, &pipeline, "/api/v1/articles", &article).await;
    let (article_id, first) = (
        created["article_id"].as_i64().unwrap(),
        created["revision_id"].as_i64().unwrap(),
    );
    post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{first}/request-changes"),
        &json!({"comment": "Add folic acid."}),
    )
    .await;
    let second = post(
        &app,
        &pipeline,
        &format!("/api/v1/articles/{article_id}/revisions"),
        &json!({"base_revision_id": first, "title": "Methotrexate dosing", "submit": true,
                "body": format!("{body}\n\nWith folic acid [1]."),
                "references": [{"kind": "drug_label", "title": "Label"}]}),
    )
    .await["revision_id"]
        .as_i64()
        .unwrap();
    for token in [&rita, &sam] {
        post(
            &app,
            token,
            &format!("/api/v1/revisions/{second}/approve"),
            &json!({"declaration": "none"}),
        )
        .await;
    }

    let expected = [
        "revision.submitted",
        "revision.changes_requested",
        "revision.submitted",
        "revision.approved",
        "revision.approved",
        "article.published",
    ];
    let got = receiver
        .wait_for("six events", |got| got.len() >= expected.len())
        .await;
    // Nothing arrives twice: wait a little longer for a stray repeat.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = {
        let again = receiver.got();
        assert_eq!(
            again.len(),
            got.len(),
            "a delivery arrived twice: {:?}",
            types(&again)
        );
        again
    };
    let mut sorted = types(&got);
    sorted.sort();
    let mut wanted: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    wanted.sort();
    assert_eq!(sorted, wanted);
    let mut ids = std::collections::HashSet::new();
    let now = chrono::Utc::now().timestamp();
    for r in &got {
        let doc: Value = serde_json::from_str(&r.body).unwrap();
        let timestamp = &r.headers["imprimatur-timestamp"];
        assert_eq!(
            r.headers["imprimatur-signature"],
            expected_signature(SECRET, timestamp, &r.body),
            "a bad signature on {doc}"
        );
        let age = now - timestamp.parse::<i64>().unwrap();
        assert!((-5..=120).contains(&age), "timestamp {age} s old");
        assert_eq!(
            r.headers["imprimatur-delivery"],
            doc["id"].as_str().unwrap()
        );
        assert_eq!(r.headers["imprimatur-event"], doc["type"].as_str().unwrap());
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(doc["article_id"], article_id, "{doc}");
        let mut keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "article_id",
                "created_at",
                "details",
                "id",
                "links",
                "revision_id",
                "type"
            ],
            "the payload is not the document's Payload"
        );
        assert!(
            ids.insert(doc["id"].as_str().unwrap().to_owned()),
            "event id repeated"
        );
    }
    let published = got
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .find(|d| d["type"] == "article.published")
        .unwrap();
    assert_eq!(published["revision_id"], second);
    assert_eq!(
        published["links"]["revision"],
        format!("/api/v1/revisions/{second}")
    );

    // The admin page lists them as delivered, and never shows the secret again.
    let admin = app.signed_in("admin@example.org").await;
    let page = admin.get("/admin/webhooks").await;
    page.assert_status(200).assert_contains("Delivered");
    assert!(!page.body.contains(SECRET));
    let delivered: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::delivered_at.is_not_null())
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(delivered, 6);
    assert!(app.audit_actions().iter().any(|a| a == "webhook.created"));
}

fn delivery_rows(app: &TestApp) -> Vec<(i32, Option<String>, bool)> {
    webhook_deliveries::table
        .select((
            webhook_deliveries::attempts,
            webhook_deliveries::last_error,
            webhook_deliveries::delivered_at.is_not_null(),
        ))
        .order(webhook_deliveries::id)
        .load(&mut app.conn())
        .unwrap()
}

async fn a_failing_receiver_is_retried_a_redirect_is_not_followed_and_off_holds_deliveries(
    app: TestApp,
) {
    app.person("admin@example.org", "Ada Admin", &[Role::Admin]);
    let editor = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let pipeline = token_for(&app, &editor, &["write"]);
    // Fails twice, then takes it.
    let flaky = Receiver::start(vec![(500, None), (503, None), (204, None)]);
    register(&app, &flaky.url, &["revision.submitted"], SECRET)
        .await
        .assert_status(200);
    let article = json!({"title": "Retried", "body": "Body.", "submit": true});
    post(&app, &pipeline, "/api/v1/articles", &article).await;
    let got = flaky
        .wait_for("the third attempt", |got| got.len() >= 3)
        .await;
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["imprimatur-delivery"].as_str())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "the retries carry one event id"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !delivery_rows(&app)[0].2 {
        assert!(
            Instant::now() < deadline,
            "not marked delivered: {:?}",
            delivery_rows(&app)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivery_rows(&app)[0].0, 3);

    // A receiver that redirects: the redirect is not followed, the error is kept.
    app.execute("UPDATE webhooks SET active = false");
    let target = Receiver::start(vec![(200, None)]);
    let moved: &'static str = Box::leak(target.url.clone().into_boxed_str());
    let redirecting = Receiver::start(vec![(302, Some(moved))]);
    register(&app, &redirecting.url, &["revision.submitted"], SECRET)
        .await
        .assert_status(200);
    post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &json!({"title": "Moved", "body": "Body.", "submit": true}),
    )
    .await;
    redirecting
        .wait_for("the redirecting answer", |got| !got.is_empty())
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = delivery_rows(&app);
        if rows.last().unwrap().1.is_some() {
            assert!(
                rows.last()
                    .unwrap()
                    .1
                    .as_deref()
                    .unwrap()
                    .contains("redirects are not followed"),
                "{rows:?}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no error recorded: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(target.got().is_empty(), "the redirect was followed");

    // A webhook that is off keeps its deliveries until it is on again.
    app.execute("UPDATE webhooks SET active = false");
    let later = Receiver::start(vec![(200, None)]);
    let page = register(&app, &later.url, &["revision.submitted"], SECRET).await;
    page.assert_status(200);
    let hook: i64 = imprimatur::db::schema::webhooks::table
        .select(diesel::dsl::max(imprimatur::db::schema::webhooks::id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/webhooks").await;
    admin
        .submit(
            &format!("/admin/webhooks/{hook}/disable"),
            &[("confirm", "yes")],
        )
        .await
        .assert_status(303);
    post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &json!({"title": "Held", "body": "Body.", "submit": true}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(later.got().is_empty(), "a webhook that is off delivered");
    admin.get("/admin/webhooks").await;
    admin
        .submit(&format!("/admin/webhooks/{hook}/enable"), &[])
        .await
        .assert_status(303);
    let got = later
        .wait_for("the held delivery", |got| !got.is_empty())
        .await;
    assert_eq!(got[0].headers["imprimatur-event"], "revision.submitted");
    let actions = app.audit_actions();
    assert!(actions.iter().any(|a| a == "webhook.disabled"));
    assert!(actions.iter().any(|a| a == "webhook.enabled"));
}

async fn the_form_takes_only_https_or_allowed_loopback_and_bad_input_changes_nothing(app: TestApp) {
    let strict = TestApp::spawn_with(app.backend, "webhooks without loopback", |config| {
        config.webhooks_allow_loopback = false;
    })
    .unwrap();
    strict.person("admin@example.org", "Ada Admin", &[Role::Admin]);
    let before = (strict.count("webhooks"), strict.count("audit_log"));
    for (url, events, secret, says) in [
        (
            "http://127.0.0.1:9/hook",
            vec!["article.published"],
            "",
            "turned off",
        ),
        (
            "http://hooks.example.org/",
            vec!["article.published"],
            "",
            "https://",
        ),
        (
            "https://user:pw@hooks.example.org/",
            vec!["article.published"],
            "",
            "user name",
        ),
        (
            "not an address",
            vec!["article.published"],
            "",
            "not a web address",
        ),
        (
            "https://hooks.example.org/",
            vec![],
            "",
            "at least one event",
        ),
        (
            "https://hooks.example.org/",
            vec!["article.deleted"],
            "",
            "not an event",
        ),
        (
            "https://hooks.example.org/",
            vec!["article.published"],
            "short",
            "24 to 200",
        ),
    ] {
        let page = register(&strict, url, &events, secret).await;
        assert_eq!(page.status, 400, "{url}: {}", page.status);
        page.assert_contains(says);
        // What was typed is kept, except the secret.
        if url != "not an address" {
            assert_eq!(page.field("url").as_deref(), Some(url));
        }
    }
    let admin = strict.signed_in("admin@example.org").await;
    admin.get("/admin/webhooks").await;
    let missing = admin
        .submit("/admin/webhooks/999/disable", &[("confirm", "yes")])
        .await;
    assert_eq!(missing.status, 404);
    admin.get("/admin/webhooks").await;
    let unconfirmed = admin.submit("/admin/webhooks/1/disable", &[]).await;
    assert_eq!(unconfirmed.status, 400);
    let no_such_op = admin
        .submit("/admin/webhooks/1/delete", &[("confirm", "yes")])
        .await;
    assert_eq!(no_such_op.status, 404);
    // Signing in wrote audit rows; nothing else did.
    assert_eq!(strict.count("webhooks"), before.0);
    let written: Vec<String> = strict
        .audit_actions()
        .into_iter()
        .skip(usize::try_from(before.1).unwrap())
        .filter(|a| !a.starts_with("auth.") && !a.starts_with("login"))
        .collect();
    assert!(written.is_empty(), "{written:?}");
    // An https address is taken, with a secret made when none is given.
    let page = register(
        &strict,
        "https://hooks.example.org/imprimatur",
        &["article.published"],
        "",
    )
    .await;
    page.assert_status(200).assert_contains("whsec_");
    assert_eq!(strict.count("webhooks"), 1);
}

/// `scripts/api-round.sh`, as the README runs it: tokens made through the forms, the round
/// through the API, a receiver on loopback that checks each signature.
async fn the_readme_script_runs_a_whole_round_and_its_receiver_gets_each_event_once(app: TestApp) {
    let test = "the_readme_script_runs_a_whole_round_and_its_receiver_gets_each_event_once";
    let have = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("curl") || !have("python3") {
        skip(test, "curl or python3 is not installed");
        return;
    }
    app.execute("UPDATE settings SET approvals_required = 2");
    app.person("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]);
    app.person("sam@example.org", "Dr. Sam Shah", &[Role::Reviewer]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/api-round.sh");
    let base = app.base_url.clone();
    let ran = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg(script)
            .arg(&base)
            .env("ADMIN", format!("admin@example.org {PASSWORD}"))
            .env("EDITOR", format!("ed@example.org {PASSWORD}"))
            .env("REVIEWER1", format!("rita@example.org {PASSWORD}"))
            .env("REVIEWER2", format!("sam@example.org {PASSWORD}"))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "the script failed:\n{out}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(
        out.contains("requested changes: changes_requested"),
        "{out}"
    );
    assert!(out.contains("is approved"), "{out}");
    assert!(
        out.contains("Dr. Rita Rao") && out.contains("Dr. Sam Shah"),
        "{out}"
    );
    let events: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("evt_"))
        .collect();
    assert_eq!(events.len(), 6, "{out}");
    assert!(
        events.iter().all(|l| l.ends_with("signature ok")),
        "a bad or repeated delivery:\n{out}"
    );
}
