//! Personal API tokens over HTTP, on both backends: made in the browser and shown once,
//! stored hashed, used by a program as `Authorization: Bearer`, narrowed to their scopes and
//! to the account's roles now, audited, revoked by their owner or an admin; and never
//! crossing over: a token on a page and a session cookie on the API are both refused.

use diesel::prelude::*;
use imprimatur::db::schema::{api_tokens, audit_log};
use imprimatur::domain::roles::Role;
use imprimatur::services::accounts;
use imprimatur::services::tokens::{self, TokenInput};
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{ArticleBuilder, Client, Person, TestApp};

on_both_backends!(
    a_token_is_shown_once_stored_hashed_used_audited_and_revoked,
    a_token_never_carries_more_than_its_scopes_and_the_account_s_roles_now,
    tokens_stay_on_the_api_and_sessions_off_it,
    a_bad_token_form_is_refused_field_by_field_and_changes_nothing,
    an_admin_sees_and_revokes_anyone_s_tokens_and_nobody_else_can,
    a_token_over_its_rate_gets_429_with_retry_after_and_others_go_on,
    a_token_reads_a_revision_as_its_account_sees_it,
);

struct Cast {
    admin: Person,
    editor: Person,
    reviewer: Person,
}

fn cast(app: &TestApp) -> Cast {
    Cast {
        admin: app.person("admin@example.org", "Ada Admin", &[Role::Admin]),
        editor: app.person("ed@example.org", "Ed Editor", &[Role::Editor]),
        reviewer: app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]),
    }
}

/// A token made through the use case (the browser's form is tested on its own).
fn token_for(app: &TestApp, person: &Person, scopes: &[&str]) -> String {
    let input = TokenInput {
        name: format!("{} pipeline", person.email),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires_in_days: String::new(),
    };
    app.ctx(|ctx| tokens::create(ctx, &person.caller, &input))
        .unwrap()
        .secret
}

/// A GET with this Authorization header (and no cookies): status, content type, body.
async fn get_with(app: &TestApp, path: &str, token: &str) -> (u16, String, String) {
    let answer = reqwest::Client::new()
        .get(app.url(path))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let kind = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, answer.text().await.unwrap())
}

fn count_action(app: &TestApp, action: &str) -> usize {
    app.audit_actions().iter().filter(|a| *a == action).count()
}

/// The secret a freshly made token's page shows.
fn secret_on(page: &str) -> String {
    let at = page.find("value=\"imp_").expect("no token on the page") + "value=\"".len();
    page[at..at + 4 + 64].to_owned()
}

async fn a_token_is_shown_once_stored_hashed_used_audited_and_revoked(app: TestApp) {
    let cast = cast(&app);
    let waiting = ArticleBuilder::new(&app, &cast.editor)
        .title("Statins and grapefruit")
        .submitted()
        .build();
    let rita = app.signed_in("rita@example.org").await;
    rita.get("/account/tokens").await.assert_status(200);
    let made = rita
        .submit(
            "/account/tokens",
            &[
                ("name", "Review bot"),
                ("scopes", "read"),
                ("scopes", "review"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    made.assert_status(200)
        .assert_contains("shown only this once");
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let secret = secret_on(&made.body);
    assert!(
        imprimatur::domain::tokens::looks_like_token(&secret),
        "{secret}"
    );

    // Stored as a hash, listed by its first characters only.
    let (hash, prefix, scopes, expires): (String, String, String, Option<chrono::NaiveDateTime>) =
        api_tokens::table
            .select((
                api_tokens::token_hash,
                api_tokens::prefix,
                api_tokens::scopes,
                api_tokens::expires_at,
            ))
            .first(&mut app.conn())
            .unwrap();
    assert_eq!(hash, imprimatur::services::secrets::hash_token(&secret));
    assert!(!hash.contains(&secret[4..]));
    assert_eq!(prefix, secret[..12]);
    assert_eq!(scopes, "read review");
    let days = (expires.unwrap() - imprimatur::db::now()).num_days();
    assert!((29..=30).contains(&days), "{days}");
    let list = rita.get("/account/tokens").await;
    list.assert_contains("Review bot").assert_contains(&prefix);
    assert!(!list.body.contains(&secret), "the secret is shown again");
    assert_eq!(count_action(&app, "token.created"), 1);

    // A program uses it.
    let (status, kind, body) = get_with(&app, "/api/v1/review-queue", &secret).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(kind, "application/json");
    let queue: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(queue["items"][0]["revision_id"], waiting.revision.0);
    assert_eq!(queue["items"][0]["title"], "Statins and grapefruit");
    assert_eq!(queue["items"][0]["author"], "Ed Editor");
    assert_eq!(
        queue["items"][0]["url"],
        format!("/manage/revisions/{}", waiting.revision)
    );
    get_with(&app, "/api/v1/review-queue", &secret).await;
    // The first use from an address is audited once; the use is recorded.
    assert_eq!(count_action(&app, "token.used_from_new_address"), 1);
    let (used, addr): (Option<chrono::NaiveDateTime>, Option<String>) = api_tokens::table
        .select((api_tokens::last_used_at, api_tokens::last_used_addr))
        .first(&mut app.conn())
        .unwrap();
    assert!(used.is_some());
    assert_eq!(addr.as_deref(), Some("127.0.0.1"));
    rita.get("/account/tokens")
        .await
        .assert_contains("from 127.0.0.1");

    // Revoked: it stops working at once.
    let id: i64 = api_tokens::table
        .select(api_tokens::id)
        .first(&mut app.conn())
        .unwrap();
    let revoke = format!("/account/tokens/{id}/revoke");
    rita.submit(&revoke, &[]).await.assert_status(400);
    rita.submit(&revoke, &[("confirm", "yes")])
        .await
        .assert_redirect("/account/tokens?done=token-revoked");
    assert_eq!(count_action(&app, "token.revoked"), 1);
    let (status, kind, body) = get_with(&app, "/api/v1/review-queue", &secret).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(kind, "application/problem+json");
    rita.get("/account/tokens").await.assert_contains("Revoked");
    rita.submit(&revoke, &[("confirm", "yes")])
        .await
        .assert_status(409);
    assert_eq!(count_action(&app, "token.revoked"), 1);
}

async fn a_token_never_carries_more_than_its_scopes_and_the_account_s_roles_now(app: TestApp) {
    let cast = cast(&app);
    let queue = "/api/v1/review-queue";
    // A reviewer's token without a scope that reads as a reviewer.
    let write_only = token_for(&app, &cast.reviewer, &["write"]);
    assert_eq!(get_with(&app, queue, &write_only).await.0, 403);
    // An editor's token with every scope: still no reviewer.
    let editor = token_for(&app, &cast.editor, &["read", "write", "review"]);
    assert_eq!(get_with(&app, queue, &editor).await.0, 403);
    // An admin's token never carries admin.
    let admin = token_for(&app, &cast.admin, &["read", "write", "review"]);
    assert_eq!(get_with(&app, queue, &admin).await.0, 403);

    let read = token_for(&app, &cast.reviewer, &["read"]);
    let review = token_for(&app, &cast.reviewer, &["review"]);
    assert_eq!(get_with(&app, queue, &read).await.0, 200);
    assert_eq!(get_with(&app, queue, &review).await.0, 200);
    // The account's roles now, not when the token was made.
    let rita = cast.reviewer.id;
    let editor_only = [Role::Editor].into_iter().collect();
    app.ctx(|ctx| accounts::change_roles(ctx, &cast.admin.caller, rita, &editor_only))
        .unwrap();
    let (status, kind, body) = get_with(&app, queue, &read).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(kind, "application/problem+json");
    let reviewer = [Role::Reviewer].into_iter().collect();
    app.ctx(|ctx| accounts::change_roles(ctx, &cast.admin.caller, rita, &reviewer))
        .unwrap();
    assert_eq!(get_with(&app, queue, &read).await.0, 200);
    // Deactivating the account disables its tokens at once.
    app.ctx(|ctx| accounts::deactivate(ctx, &cast.admin.caller, rita))
        .unwrap();
    assert_eq!(get_with(&app, queue, &read).await.0, 401);
    assert_eq!(get_with(&app, queue, &review).await.0, 401);
}

async fn tokens_stay_on_the_api_and_sessions_off_it(app: TestApp) {
    let cast = cast(&app);
    let token = token_for(&app, &cast.reviewer, &["read", "review"]);
    let queue = "/api/v1/review-queue";

    // The browser's session does not reach the API.
    let rita = app.signed_in("rita@example.org").await;
    let page = rita.get(queue).await;
    assert_eq!(page.status, 401, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("application/problem+json")
    );
    assert!(
        page.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    assert!(page.body.contains("session"), "{}", page.body);
    // Nor no credentials at all.
    let page = app.client().get(queue).await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("Authorization: Bearer"), "{}", page.body);

    // A token does not reach the pages, not even the public ones.
    for path in ["/dashboard", "/review/queue", "/account/tokens", "/"] {
        let (status, kind, _) = get_with(&app, path, &token).await;
        assert_eq!(status, 401, "{path}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
    }
    // The public API takes it (and ignores it).
    assert_eq!(get_with(&app, "/api/v1/articles", &token).await.0, 200);

    // Anything but a live token is one answer.
    let expired = token_for(&app, &cast.reviewer, &["read"]);
    diesel::update(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(imprimatur::services::secrets::hash_token(&expired))),
    )
    .set(api_tokens::expires_at.eq(Some(imprimatur::db::now() - chrono::Duration::minutes(1))))
    .execute(&mut app.conn())
    .unwrap();
    let unknown = format!("imp_{}", "0".repeat(64));
    let mangled = format!("{}x", &token[..token.len() - 1]);
    for bad in [
        expired.as_str(),
        unknown.as_str(),
        mangled.as_str(),
        "imp_",
        "",
        &token[4..],
    ] {
        let (status, kind, body) = get_with(&app, queue, bad).await;
        assert_eq!(status, 401, "{bad}: {body}");
        assert_eq!(kind, "application/problem+json");
    }
    // Another scheme is no token.
    let answer = reqwest::Client::new()
        .get(app.url(queue))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    assert_eq!(count_action(&app, "token.used_from_new_address"), 0);
}

async fn a_bad_token_form_is_refused_field_by_field_and_changes_nothing(app: TestApp) {
    cast(&app);
    let rita: Client = app.signed_in("rita@example.org").await;
    rita.get("/account/tokens").await;
    let before = (app.count("api_tokens"), app.count("audit_log"));
    for (fields, message) in [
        (
            vec![("name", ""), ("scopes", "read")],
            "Give the token a name",
        ),
        (vec![("name", "Bot")], "Choose at least one scope"),
        (
            vec![("name", "Bot"), ("scopes", "admin")],
            "no scope called",
        ),
        (
            vec![
                ("name", "Bot"),
                ("scopes", "read"),
                ("expires_in_days", "0"),
            ],
            "expires after 1 to",
        ),
        (
            vec![
                ("name", "Bot"),
                ("scopes", "read"),
                ("expires_in_days", "99999"),
            ],
            "expires after 1 to",
        ),
        (
            vec![
                ("name", "Bot"),
                ("scopes", "read"),
                ("expires_in_days", "soon"),
            ],
            "expires after 1 to",
        ),
        (
            vec![("name", &"n".repeat(81)), ("scopes", "read")],
            "at most 80",
        ),
    ] {
        let page = rita.submit("/account/tokens", &fields).await;
        page.assert_status(400).assert_contains(message);
        // What was typed is kept.
        if let Some((_, name)) = fields.iter().find(|(k, _)| *k == "name") {
            page.assert_contains(&format!("value=\"{name}\""));
        }
        assert!(!page.body.contains("value=\"imp_"));
    }
    assert_eq!((app.count("api_tokens"), app.count("audit_log")), before);
}

async fn an_admin_sees_and_revokes_anyone_s_tokens_and_nobody_else_can(app: TestApp) {
    let cast = cast(&app);
    let secret = token_for(&app, &cast.editor, &["read", "write"]);
    let id: i64 = api_tokens::table
        .select(api_tokens::id)
        .first(&mut app.conn())
        .unwrap();
    let revoke = format!("/account/tokens/{id}/revoke");

    // Another person cannot revoke it, nor learn that it exists.
    let rita = app.signed_in("rita@example.org").await;
    rita.get("/account/tokens").await;
    rita.submit(&revoke, &[("confirm", "yes")])
        .await
        .assert_status(404);
    assert!(
        !rita
            .get("/account/tokens")
            .await
            .body
            .contains("ed@example.org pipeline")
    );

    // The admin sees it on the account's page and revokes it from there.
    let admin = app.signed_in("admin@example.org").await;
    let account = format!("/admin/users/{}", cast.editor.id);
    admin
        .get(&account)
        .await
        .assert_contains("ed@example.org pipeline")
        .assert_contains(&secret[..12]);
    admin
        .submit(&revoke, &[("confirm", "yes"), ("return_to", &account)])
        .await
        .assert_redirect(&format!("{account}?done=token-revoked"));
    assert_eq!(get_with(&app, "/api/v1/review-queue", &secret).await.0, 401);
    let (actor, target): (String, Option<i64>) = audit_log::table
        .filter(audit_log::action.eq("token.revoked"))
        .select((audit_log::actor_label, audit_log::target_id))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(actor, "admin@example.org");
    assert_eq!(target, Some(cast.editor.id.0));
    admin.get(&account).await.assert_contains("Revoked");
}

async fn a_token_over_its_rate_gets_429_with_retry_after_and_others_go_on(app: TestApp) {
    // The rate is set per test app: here, three requests a minute.
    let app = TestApp::spawn_with(
        app.backend,
        "a_token_over_its_rate_gets_429 (3 a minute)",
        |config| config.api_rate_per_minute = 3,
    )
    .unwrap();
    let cast = cast(&app);
    let busy = token_for(&app, &cast.reviewer, &["read"]);
    let other = token_for(&app, &cast.reviewer, &["review"]);
    let queue = "/api/v1/review-queue";
    for _ in 0..3 {
        assert_eq!(get_with(&app, queue, &busy).await.0, 200);
    }
    let answer = reqwest::Client::new()
        .get(app.url(queue))
        .header("authorization", format!("Bearer {busy}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 429);
    let wait: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
    let problem: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(
        problem["type"],
        "tag:imprimatur,2026:problem/too-many-requests"
    );
    assert_eq!(problem["status"], 429);
    // Another token of the same account has its own count.
    assert_eq!(get_with(&app, queue, &other).await.0, 200);
}

async fn a_token_reads_a_revision_as_its_account_sees_it(app: TestApp) {
    let cast = cast(&app);
    let waiting = ArticleBuilder::new(&app, &cast.editor)
        .title("Statins and grapefruit")
        .submitted()
        .build();
    app.act(
        &cast.reviewer,
        waiting.revision,
        imprimatur::domain::workflow::Action::RequestChanges,
        "Cite the label for the interaction.",
    );
    let draft = ArticleBuilder::new(&app, &cast.editor)
        .title("A private draft")
        .build();
    let rita = token_for(&app, &cast.reviewer, &["read"]);
    let ed = token_for(&app, &cast.editor, &["write"]);

    let path = format!("/api/v1/revisions/{}", waiting.revision);
    let (status, kind, body) = get_with(&app, &path, &rita).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(kind, "application/json");
    let revision: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(revision["revision_id"], waiting.revision.0);
    assert_eq!(revision["state"], "changes_requested");
    assert_eq!(revision["title"], "Statins and grapefruit");
    assert_eq!(revision["author"], "Ed Editor");
    assert!(revision["version"].as_i64().unwrap() >= 1);
    assert_eq!(revision["approvals"]["given"], 0);
    assert_eq!(revision["approvals"]["required"], 1);
    assert_eq!(revision["reviews"][0]["verdict"], "request_changes");
    assert_eq!(revision["reviews"][0]["reviewer"], "Dr. Rita Rao");
    let thread = &revision["threads"][0];
    assert_eq!(thread["change_request"], true);
    assert_eq!(thread["open"], true);
    assert_eq!(
        thread["comments"][0]["body"],
        "Cite the label for the interaction."
    );
    assert_eq!(revision["references"][1]["kind"], "drug_label");
    // What her account may do with it now: a reviewer's actions, not the author's.
    let actions: Vec<&str> = revision["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(actions, ["reject", "comment", "assign"]);

    // Someone else's private draft does not exist for her; its author reads it.
    let private = format!("/api/v1/revisions/{}", draft.revision);
    let (status, kind, _) = get_with(&app, &private, &rita).await;
    assert_eq!((status, kind.as_str()), (404, "application/problem+json"));
    let (status, _, body) = get_with(&app, &private, &ed).await;
    assert_eq!(status, 200, "{body}");
    let mine: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(mine["state"], "draft");
    assert_eq!(mine["number"], Value::Null);
    for bad in ["0", "-1", "abc", "99999999"] {
        let (status, kind, _) = get_with(&app, &format!("/api/v1/revisions/{bad}"), &rita).await;
        assert_eq!(
            (status, kind.as_str()),
            (404, "application/problem+json"),
            "{bad}"
        );
    }
}
