//! The log check: the server binary at its most talkative (`RUST_LOG=trace`) while people
//! sign in (and fail to), invite, accept an invitation, ask for and use a reset link; then
//! no password, session id, device or visitor cookie, CSRF token, invitation or reset token
//! may appear anywhere in what it wrote, plainly or URL-encoded.

use std::time::{Duration, Instant};

use imprimatur::domain::roles::Role;
use imprimatur::services::Env;

use super::server::{ServerProcess, seed_person};
use super::{backend_name, report};
use crate::on_both_backends;
use crate::support::{Backend, Client, PASSWORD, TestDatabase};

on_both_backends!(async backend: no_secret_reaches_the_logs);

const NEW_PASSWORD: &str = "a brand new passphrase for 2026";
const WRONG_PASSWORD: &str = "not the right passphrase at all";

/// The token of the first `/setup/` link in `text` that is not `except`.
fn setup_token(text: &str, except: &str) -> Option<String> {
    text.match_indices("/setup/").find_map(|(at, _)| {
        let token: String = text[at + 7..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        (token.len() >= 16 && token != except).then_some(token)
    })
}

/// The text of every message the server wrote to its mail directory.
fn mail_texts(dir: &std::path::Path) -> Vec<String> {
    let mut all = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return all;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "eml") {
            let raw = std::fs::read(&path).unwrap();
            let parsed = mailparse::parse_mail(&raw).unwrap();
            for part in parsed.subparts.iter().chain(std::iter::once(&parsed)) {
                if part.ctype.mimetype == "text/plain" {
                    all.push(part.get_body().unwrap());
                }
            }
        }
    }
    all
}

async fn no_secret_reaches_the_logs(backend: Backend, test: &str) {
    let Some(database) = TestDatabase::create(backend, test) else {
        return;
    };
    let started = Instant::now();
    let data_dir = tempfile::tempdir().unwrap();
    let env = Env::new(database.pool(), "http://127.0.0.1");
    seed_person(&env, "admin@example.org", "Ada Admin", &[Role::Admin]);
    let mut server = ServerProcess::start(&database, data_dir.path(), "trace").await;
    let base = server.base_url.clone();
    let mut secrets: Vec<(&str, String)> = vec![
        ("password", PASSWORD.to_owned()),
        ("new password", NEW_PASSWORD.to_owned()),
        ("wrong password", WRONG_PASSWORD.to_owned()),
    ];
    let mut keep = |what: &'static str, value: Option<String>| {
        let value = value.unwrap_or_else(|| panic!("no {what} to look for"));
        secrets.push((what, value));
    };

    // A failed sign-in, then the admin's.
    let admin = Client::new(&base);
    admin.get("/login").await;
    keep("visitor cookie", admin.cookie("imprimatur_visitor"));
    keep("visitor CSRF token", admin.last_csrf());
    admin
        .submit(
            "/login",
            &[("email", "admin@example.org"), ("password", WRONG_PASSWORD)],
        )
        .await
        .assert_status(401);
    admin
        .sign_in("admin@example.org", PASSWORD)
        .await
        .assert_redirect("/dashboard");
    keep("session id", admin.cookie("imprimatur_session"));
    keep("device cookie", admin.cookie("imprimatur_device"));
    admin.get("/admin/users").await;
    keep("session CSRF token", admin.last_csrf());

    // An invitation, accepted.
    let issued = admin
        .submit(
            "/admin/users",
            &[
                ("email", "newbie@example.org"),
                ("name", "Nia Newbie"),
                ("roles", "editor"),
            ],
        )
        .await;
    issued.assert_status(200);
    let invitation = setup_token(&issued.body, "").expect("the page shows the link");
    let newbie = Client::new(&base);
    newbie
        .get(&format!("/setup/{invitation}"))
        .await
        .assert_status(200);
    keep(
        "invitee's visitor cookie",
        newbie.cookie("imprimatur_visitor"),
    );
    newbie
        .submit(
            &format!("/setup/{invitation}"),
            &[("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await
        .assert_status(303);
    // Setting the password signed the invitee in; signed out, they sign in again.
    keep(
        "invitee's first session id",
        newbie.cookie("imprimatur_session"),
    );
    newbie.get("/dashboard").await.assert_status(200);
    newbie.submit("/logout", &[]).await.assert_status(303);
    newbie
        .sign_in("newbie@example.org", PASSWORD)
        .await
        .assert_redirect("/dashboard");
    keep("invitee's session id", newbie.cookie("imprimatur_session"));
    newbie.get("/dashboard").await;
    keep("invitee's CSRF token", newbie.last_csrf());
    newbie.submit("/logout", &[]).await.assert_status(303);

    // A reset link, asked for and used.
    let forgetful = Client::new(&base);
    forgetful.get("/password/forgot").await;
    forgetful
        .submit("/password/forgot", &[("email", "newbie@example.org")])
        .await
        .assert_status(303);
    let deadline = Instant::now() + Duration::from_secs(30);
    let reset = loop {
        let reset = mail_texts(&data_dir.path().join("mail"))
            .into_iter()
            .filter(|text| text.contains("reset the password") && text.contains("Nia Newbie"))
            .find_map(|text| setup_token(&text, &invitation));
        if let Some(token) = reset {
            break token;
        }
        assert!(Instant::now() < deadline, "no reset message was written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    forgetful
        .get(&format!("/setup/{reset}"))
        .await
        .assert_status(200);
    forgetful
        .submit(
            &format!("/setup/{reset}"),
            &[
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await
        .assert_status(303);
    keep(
        "session id from the reset link",
        forgetful.cookie("imprimatur_session"),
    );
    forgetful.get("/dashboard").await.assert_status(200);
    forgetful.submit("/logout", &[]).await.assert_status(303);
    forgetful
        .sign_in("newbie@example.org", NEW_PASSWORD)
        .await
        .assert_redirect("/dashboard");
    keep("reset token", Some(reset));
    keep("invitation token", Some(invitation));

    // An API token: made in the browser, used on the API, and sent to a page (refused).
    admin.get("/account/tokens").await;
    let made = admin
        .submit(
            "/account/tokens",
            &[("name", "Log check"), ("scopes", "read")],
        )
        .await;
    made.assert_status(200);
    let at = made
        .body
        .find("value=\"imp_")
        .expect("the page shows the token")
        + 7;
    let api_token = made.body[at..at + 68].to_owned();
    let http = reqwest::Client::new();
    for path in ["/api/v1/review-queue", "/api/v1/articles", "/dashboard"] {
        http.get(format!("{base}{path}"))
            .header("authorization", format!("Bearer {api_token}"))
            .send()
            .await
            .unwrap();
    }
    keep("API token", Some(api_token));
    keep(
        "session id after the reset",
        forgetful.cookie("imprimatur_session"),
    );
    server.terminate();

    let logs = server.logs();
    let mut found = Vec::new();
    for (what, secret) in &secrets {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        if logs.contains(secret.as_str()) || logs.contains(&encoded) {
            found.push(*what);
        }
    }
    report(&format!(
        "logs {}: {} secrets (3 passwords, session ids, device and visitor cookies, CSRF tokens, \
         an invitation and a reset token, an API token) searched for in {} lines ({} KB) of trace-level server \
         output: {} found; in {:.1} s",
        backend_name(backend),
        secrets.len(),
        logs.lines().count(),
        logs.len() / 1024,
        found.len(),
        started.elapsed().as_secs_f64()
    ));
    assert!(
        logs.lines().count() > 20,
        "the server logged almost nothing:\n{logs}"
    );
    assert!(found.is_empty(), "in the logs: {found:?}");
}
