//! Sessions: rotation at sign-in, sign-out, timeouts, deactivation, cookies and CSRF.

use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::{Backend, Client, PASSWORD, TestApp, minutes_ago};

on_both_backends!(
    signing_in_replaces_the_anonymous_session_cookie,
    signing_out_ends_the_session_on_the_server,
    an_idle_session_is_refused,
    a_session_past_its_absolute_lifetime_is_refused,
    deactivating_an_account_ends_its_sessions_at_once,
    a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing,
    a_csrf_token_from_another_session_is_refused,
    sign_in_without_a_session_is_refused,
    housekeeping_removes_expired_sessions_and_old_attempts,
);

/// The `name=value` of the cookie called `name` among `Set-Cookie` headers.
fn cookie_named(set_cookies: &[String], name: &str) -> String {
    set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie in {set_cookies:?}"))
        .to_owned()
}

async fn signing_in_replaces_the_anonymous_session_cookie(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    let login = client.get("/login").await;
    // Before sign-in: a signed visitor cookie, and no session row at all.
    let visitor = cookie_named(&login.set_cookies(), "imprimatur_visitor");
    assert!(
        !login
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("imprimatur_session="))
    );
    assert_eq!(app.count("sessions"), 0);

    let signed_in = client
        .submit(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await;
    signed_in.assert_redirect("/dashboard");
    let fresh = cookie_named(&signed_in.set_cookies(), "imprimatur_session");
    // The visitor cookie is dropped; it never carried a sign-in.
    let dropped = cookie_named(&signed_in.set_cookies(), "imprimatur_visitor");
    assert_eq!(dropped, "imprimatur_visitor=");
    Client::get_with_cookie(&app.base_url, "/dashboard", &visitor)
        .await
        .assert_redirect("/login?next=/dashboard");
    Client::get_with_cookie(&app.base_url, "/dashboard", &fresh)
        .await
        .assert_status(200);
    assert_eq!(app.count("sessions"), 1);
}

async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.signed_in("ed@example.org").await;
    let cookie = client.cookie_header().unwrap();
    client.get("/dashboard").await.assert_status(200);

    let out = client.submit("/logout", &[]).await;
    out.assert_redirect("/login?done=signed-out");
    assert!(out.set_cookies().iter().any(|c| c.contains("Max-Age=0")));

    // A copy of the old cookie, kept by an attacker, is worthless now.
    Client::get_with_cookie(&app.base_url, "/dashboard", &cookie)
        .await
        .assert_redirect("/login?next=/dashboard");
    assert_eq!(app.count("sessions"), 0);
    assert_eq!(
        app.audit_actions().last().map(String::as_str),
        Some("logout")
    );
}

async fn an_idle_session_is_refused(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.signed_in("ed@example.org").await;
    client.get("/dashboard").await.assert_status(200);
    app.execute(&format!(
        "UPDATE sessions SET last_seen_at = {}",
        minutes_ago(121)
    ));
    client
        .get("/dashboard")
        .await
        .assert_redirect("/login?next=/dashboard");
    assert_eq!(app.count("sessions"), 0, "the expired row is removed");
}

async fn a_session_past_its_absolute_lifetime_is_refused(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.signed_in("ed@example.org").await;
    // Used a minute ago, but started 12 hours ago.
    app.execute(&format!(
        "UPDATE sessions SET created_at = {}, last_seen_at = {}",
        minutes_ago(12 * 60 + 1),
        minutes_ago(1)
    ));
    client
        .get("/dashboard")
        .await
        .assert_redirect("/login?next=/dashboard");
}

async fn deactivating_an_account_ends_its_sessions_at_once(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let editor = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    ed.get("/dashboard").await.assert_status(200);

    let admin = app.signed_in("admin@example.org").await;
    let path = format!("/admin/users/{editor}");
    admin.get(&path).await.assert_status(200);
    // Without the confirmation box nothing happens.
    admin
        .submit(&path, &[("action", "deactivate")])
        .await
        .assert_status(400)
        .assert_contains("Tick the box");
    ed.get("/dashboard").await.assert_status(200);

    admin
        .submit(&path, &[("action", "deactivate"), ("confirm", "yes")])
        .await
        .assert_redirect(&format!("{path}?done=deactivated"));
    ed.get("/dashboard")
        .await
        .assert_redirect("/login?next=/dashboard");
    // And the account cannot sign back in.
    let again = app.client();
    again
        .sign_in("ed@example.org", PASSWORD)
        .await
        .assert_status(401);
    assert!(app.audit_actions().contains(&"user.deactivated".to_owned()));
}

async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await.assert_status(200);
    let users_before = app.count("users");
    let audit_before = app.count("audit_log");
    let invite = [
        ("email", "new@example.org"),
        ("name", "New Person"),
        ("roles", "editor"),
    ];

    let missing = admin.post("/admin/users", &invite).await;
    missing
        .assert_status(403)
        .assert_contains("Nothing was changed");
    let mut wrong = vec![("csrf_token", "0".repeat(64))];
    wrong.extend(invite.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    admin.post("/admin/users", &wrong).await.assert_status(403);
    // Sign-out needs the token too.
    admin.post("/logout", &[]).await.assert_status(403);

    assert_eq!(app.count("users"), users_before);
    assert_eq!(app.count("audit_log"), audit_before);
    admin.get("/dashboard").await.assert_status(200);
    // The same form with its token works.
    admin
        .submit("/admin/users", &invite)
        .await
        .assert_status(200);
    assert_eq!(app.count("users"), users_before + 1);
}

async fn a_csrf_token_from_another_session_is_refused(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let attacker = app.client();
    attacker.get("/login").await;
    let foreign = attacker.last_csrf().unwrap();
    let admin = app.signed_in("admin@example.org").await;
    admin
        .post(
            "/admin/users",
            &[
                ("csrf_token", &foreign),
                ("email", "x@example.org"),
                ("name", "X"),
                ("roles", "admin"),
            ],
        )
        .await
        .assert_status(403);
    assert_eq!(app.count("users"), 1);
}

async fn sign_in_without_a_session_is_refused(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    client
        .post(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_status(403);
    assert_eq!(app.count("login_attempts"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookies_are_http_only_and_same_site() {
    let app = TestApp::spawn(
        Backend::Sqlite,
        "session_cookies_are_http_only_and_same_site",
    )
    .unwrap();
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    let page = client.get("/login").await;
    let signed_in = client
        .submit(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await;
    let mut cookies = page.set_cookies();
    cookies.extend(signed_in.set_cookies());
    for name in [
        "imprimatur_visitor=",
        "imprimatur_session=",
        "imprimatur_device=",
    ] {
        let cookie = cookies.iter().find(|c| c.starts_with(name)).unwrap();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(
            !cookie.contains("Secure"),
            "plain http cannot use Secure: {cookie}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_public_url_makes_cookies_secure_with_the_host_prefix() {
    let app = TestApp::spawn_with(Backend::Sqlite, "https cookies", |config| {
        config.public_url = "https://reviews.example.org".into();
    })
    .unwrap();
    let page = app.client().get("/login").await;
    let cookie = page.set_cookies().into_iter().next().unwrap();
    assert!(cookie.starts_with("__Host-imprimatur-visitor="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
}

async fn housekeeping_removes_expired_sessions_and_old_attempts(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let fresh = app.signed_in("ed@example.org").await;
    let stale = app.signed_in("ed@example.org").await;
    let stale_cookie = stale.cookie("imprimatur_session").unwrap();
    let stale_hash = imprimatur::services::secrets::hash_token(&stale_cookie);
    app.execute(&format!(
        "UPDATE sessions SET last_seen_at = {} WHERE id_hash = '{stale_hash}'",
        minutes_ago(180)
    ));
    app.execute(&format!(
        "UPDATE login_attempts SET attempted_at = {}",
        minutes_ago(120)
    ));
    let timeouts = imprimatur::services::sessions::Timeouts {
        idle: chrono::Duration::hours(2),
        absolute: chrono::Duration::hours(12),
    };
    let purged = app
        .ctx(|ctx| imprimatur::services::housekeeping::purge(ctx, timeouts))
        .unwrap();
    assert_eq!(purged.sessions, 1);
    assert_eq!(purged.login_attempts, 2);
    fresh.get("/dashboard").await.assert_status(200);
    assert_eq!(app.count("sessions"), 1);
}
