//! Sign-in answers and throttling.

use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::{PASSWORD, TestApp, minutes_ago};

on_both_backends!(
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    ten_failures_lock_the_account_for_the_rest_of_the_window,
    concurrent_attempts_cannot_check_more_than_ten_passwords,
    one_address_failing_across_many_accounts_is_limited,
);

/// The page with the typed email taken out, so two answers can be compared whole.
fn without(body: &str, email: &str) -> String {
    body.replace(email, "EMAIL")
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    client.get("/login").await;
    let wrong = client
        .submit(
            "/login",
            &[
                ("email", "ed@example.org"),
                ("password", "not the password at all"),
            ],
        )
        .await;
    let unknown = client
        .submit(
            "/login",
            &[
                ("email", "nobody@example.org"),
                ("password", "not the password at all"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        without(&wrong.body, "ed@example.org"),
        without(&unknown.body, "nobody@example.org")
    );
    wrong.assert_contains("do not match an active account");
    // Both failures are audited, with the reason kept for admins only.
    let actions = app.audit_actions();
    assert_eq!(actions.iter().filter(|a| *a == "login.failed").count(), 2);
}

async fn ten_failures_lock_the_account_for_the_rest_of_the_window(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    client.get("/login").await;
    for _ in 0..10 {
        client
            .submit(
                "/login",
                &[
                    ("email", "ed@example.org"),
                    ("password", "wrong password here"),
                ],
            )
            .await
            .assert_status(401);
    }
    // Now even the right password is refused, and an unknown address behaves the same way.
    let locked = client
        .submit(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await;
    locked
        .assert_status(429)
        .assert_contains("Too many failed sign-in attempts");
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((800..=900).contains(&retry_after), "{retry_after}");

    for _ in 0..10 {
        client
            .submit(
                "/login",
                &[
                    ("email", "ghost@example.org"),
                    ("password", "wrong password here"),
                ],
            )
            .await;
    }
    let ghost = client
        .submit(
            "/login",
            &[
                ("email", "ghost@example.org"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    assert_eq!(ghost.status, locked.status);

    let actions = app.audit_actions();
    assert_eq!(actions.iter().filter(|a| *a == "login.failed").count(), 20);
    assert_eq!(
        actions.iter().filter(|a| *a == "login.throttled").count(),
        2
    );

    // Once the failures leave the 15-minute window, the right password works again.
    app.execute(&format!(
        "UPDATE login_attempts SET attempted_at = {}",
        minutes_ago(16)
    ));
    client
        .submit(
            "/login",
            &[("email", "ed@example.org"), ("password", PASSWORD)],
        )
        .await
        .assert_redirect("/dashboard");
}

async fn concurrent_attempts_cannot_check_more_than_ten_passwords(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = std::sync::Arc::new(app.client());
    client.get("/login").await;
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .submit(
                    "/login",
                    &[
                        ("email", "ed@example.org"),
                        ("password", "wrong password here"),
                    ],
                )
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + throttled, 24, "{statuses:?}");
    assert_eq!(checked, 10, "{statuses:?}");
    assert_eq!(app.count("login_attempts"), 10);
}

async fn one_address_failing_across_many_accounts_is_limited(app: TestApp) {
    let client = app.client();
    client.get("/login").await;
    for i in 0..50 {
        let email = format!("guess{i}@example.org");
        client
            .submit(
                "/login",
                &[("email", &email), ("password", "wrong password here")],
            )
            .await
            .assert_status(401);
    }
    client
        .submit(
            "/login",
            &[
                ("email", "fresh@example.org"),
                ("password", "wrong password here"),
            ],
        )
        .await
        .assert_status(429);
}
