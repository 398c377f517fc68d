//! First-admin setup, one-time links and password storage.

use diesel::prelude::*;
use imprimatur::db::schema::users;
use imprimatur::domain::roles::Role;
use imprimatur::services::accounts;
use imprimatur::services::passwords;

use crate::on_both_backends;
use crate::support::{PASSWORD, TestApp};

on_both_backends!(
    the_first_admin_link_creates_an_admin_who_can_sign_in,
    a_used_link_gets_a_clear_page_and_cannot_be_replayed,
    an_expired_link_gets_a_clear_page,
    an_unknown_link_is_not_found,
    a_short_or_mismatched_password_is_refused_and_nothing_is_lost,
    the_first_admin_link_stops_working_once_an_admin_exists,
    every_stored_password_hash_is_argon2id_at_the_owasp_minimum,
    a_person_changes_their_password_and_their_other_sessions_end,
);

fn first_admin_path(app: &TestApp) -> String {
    let link = app.ctx(accounts::first_admin_link).unwrap().unwrap();
    link.path()
}

async fn the_first_admin_link_creates_an_admin_who_can_sign_in(app: TestApp) {
    let path = first_admin_path(&app);
    let client = app.client();
    let form = client.get(&path).await;
    form.assert_status(200)
        .assert_contains("Create the first admin account");
    for field in [
        "name=\"email\"",
        "name=\"name\"",
        "name=\"password\"",
        "name=\"password_confirm\"",
    ] {
        form.assert_contains(field);
    }
    client
        .submit(
            &path,
            &[
                ("email", "Admin@Example.org"),
                ("name", "Ada Admin"),
                ("credentials", "MD, Internal Medicine"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await
        .assert_redirect("/dashboard?done=password-set");
    // Signed in at once, on the dashboard.
    client
        .get("/dashboard?done=password-set")
        .await
        .assert_status(200)
        .assert_contains("Your password is set, and you are signed in.")
        .assert_contains("Ada Admin");
    // The address was stored lower-cased, so any case signs in.
    let client = app.client();
    client.get("/login").await.assert_status(200);
    client
        .submit(
            "/login",
            &[("email", "ADMIN@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_redirect("/dashboard");
    let dashboard = client.get("/dashboard").await;
    dashboard
        .assert_status(200)
        .assert_contains("Welcome, Ada Admin");
    dashboard.assert_contains("href=\"/admin/users\"");

    let admins: Vec<(String, String)> = users::table
        .select((users::email, users::credentials))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        admins,
        vec![(
            "admin@example.org".to_owned(),
            "MD, Internal Medicine".to_owned()
        )]
    );
    // Signed in by the link, then again by the form: both audited.
    assert_eq!(
        app.audit_actions(),
        ["setup.completed", "login.succeeded", "login.succeeded"]
    );
}

async fn a_used_link_gets_a_clear_page_and_cannot_be_replayed(app: TestApp) {
    let path = first_admin_path(&app);
    let client = app.client();
    client.get(&path).await.assert_status(200);
    let fields = [
        ("email", "admin@example.org"),
        ("name", "Ada Admin"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    client.submit(&path, &fields).await.assert_status(303);

    // Another browser (this one is signed in now) finds the link used; a form token from
    // the sign-in page lets it try the POST again.
    let client = app.client();
    client.get("/login").await.assert_status(200);
    let again = client.get(&path).await;
    again.assert_status(410);
    again.assert_contains("No longer available");
    // Replaying the POST creates nothing.
    let replay = client
        .submit(
            &path,
            &[
                ("email", "mallory@example.org"),
                ("name", "M"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    replay.assert_status(410);
    assert_eq!(app.count("users"), 1);
}

async fn an_expired_link_gets_a_clear_page(app: TestApp) {
    let path = first_admin_path(&app);
    app.execute("UPDATE account_tokens SET expires_at = created_at");
    let page = app.client().get(&path).await;
    page.assert_status(410)
        .assert_contains("This link expired on");
}

async fn an_unknown_link_is_not_found(app: TestApp) {
    let client = app.client();
    let unknown = format!("/setup/{}", "ab".repeat(32));
    client
        .get(&unknown)
        .await
        .assert_status(404)
        .assert_contains("This link is not valid");
    client.get("/setup/not-a-token").await.assert_status(404);
}

async fn a_short_or_mismatched_password_is_refused_and_nothing_is_lost(app: TestApp) {
    let path = first_admin_path(&app);
    let client = app.client();
    client.get(&path).await;
    let short = client
        .submit(
            &path,
            &[
                ("email", "admin@example.org"),
                ("name", "Ada Admin"),
                ("password", "too short"),
                ("password_confirm", "too short"),
            ],
        )
        .await;
    short
        .assert_status(400)
        .assert_contains("at least 12 characters");
    // What was typed comes back, except the passwords.
    short
        .assert_contains("value=\"admin@example.org\"")
        .assert_contains("value=\"Ada Admin\"");
    assert!(!short.body.contains("too short\""));

    let mismatch = client
        .submit(
            &path,
            &[
                ("email", "admin@example.org"),
                ("name", "Ada Admin"),
                ("password", PASSWORD),
                ("password_confirm", "something else entirely"),
            ],
        )
        .await;
    mismatch.assert_status(400).assert_contains("do not match");
    let bad_email = client
        .submit(
            &path,
            &[
                ("email", "not-an-email"),
                ("name", "Ada"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    bad_email
        .assert_status(400)
        .assert_contains("Enter an email address");

    assert_eq!(app.count("users"), 0);
    // The link still works after the mistakes.
    client.get(&path).await.assert_status(200);
}

async fn the_first_admin_link_stops_working_once_an_admin_exists(app: TestApp) {
    let path = first_admin_path(&app);
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.client()
        .get(&path)
        .await
        .assert_status(410)
        .assert_contains("Setup is already complete");
    assert!(app.ctx(accounts::first_admin_link).unwrap().is_none());
}

async fn every_stored_password_hash_is_argon2id_at_the_owasp_minimum(app: TestApp) {
    app.create_user("a@example.org", "A", &[Role::Admin]);
    app.create_user("b@example.org", "B", &[Role::Editor]);
    let hashes: Vec<Option<String>> = users::table
        .select(users::password_hash)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(hashes.len(), 2);
    for hash in hashes {
        let hash = hash.unwrap();
        assert!(passwords::meets_policy(&hash), "{hash}");
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        // Never the password itself.
        assert!(!hash.contains(PASSWORD));
    }
}

async fn a_person_changes_their_password_and_their_other_sessions_end(app: TestApp) {
    const NEW: &str = "four unrelated words again";
    app.create_user("rita@example.org", "Rita Rao", &[Role::Reviewer]);
    let here = app.signed_in("rita@example.org").await;
    let elsewhere = app.signed_in("rita@example.org").await;
    let form = here.get("/account/password").await;
    form.assert_status(200)
        .assert_contains("autocomplete=\"current-password\"")
        .assert_contains("signs you out everywhere else");
    let stored = || -> Option<String> {
        users::table
            .filter(users::email.eq("rita@example.org"))
            .select(users::password_hash)
            .first(&mut app.conn())
            .unwrap()
    };
    let before = stored();

    // A wrong current password, a short new one or a mismatch changes nothing, says what
    // to fix, and never sends a password back.
    for (current, new, confirm, says) in [
        (
            "not my password at all",
            NEW,
            NEW,
            "That is not your current password.",
        ),
        ("", NEW, NEW, "Enter your current password."),
        (PASSWORD, "short", "short", "at least 12 characters"),
        (PASSWORD, NEW, "four unrelated words", "do not match"),
    ] {
        let refused = here
            .submit(
                "/account/password",
                &[
                    ("current_password", current),
                    ("password", new),
                    ("password_confirm", confirm),
                ],
            )
            .await;
        assert!(
            (400..500).contains(&refused.status),
            "{current}/{new}: {} {}",
            refused.status,
            refused.body
        );
        refused.assert_contains(says);
        assert!(!refused.body.contains(NEW) && !refused.body.contains(PASSWORD));
        assert_eq!(stored(), before);
    }
    assert!(
        app.audit_actions()
            .contains(&"user.password_change_refused".to_owned())
    );
    elsewhere.get("/dashboard").await.assert_status(200);

    let changed = here
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;
    changed.assert_status(303);
    let location = changed.location().unwrap();
    here.get(location)
        .await
        .assert_status(200)
        .assert_contains("Your password is changed.");
    // This session stays; the other one is signed out.
    here.get("/dashboard").await.assert_status(200);
    let gone = elsewhere.get("/dashboard").await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert!(gone.location().unwrap().starts_with("/login"));
    assert_eq!(
        app.audit_actions().last().map(String::as_str),
        Some("user.password_set")
    );
    // The new password signs in; the old one no longer does.
    let fresh = app.client();
    fresh
        .sign_in("rita@example.org", PASSWORD)
        .await
        .assert_status(401)
        .assert_contains("do not match an active account");
    fresh.get("/dashboard").await.assert_status(303);
    let fresh = app.client();
    fresh
        .sign_in("rita@example.org", NEW)
        .await
        .assert_status(303);
    fresh.get("/dashboard").await.assert_status(200);

    // Signed out, the page is not there to use.
    let anonymous = app.client();
    let page = anonymous.get("/account/password").await;
    assert_eq!(page.status, 303, "{}", page.body);
}
