//! The command line: configuration errors, `migrate`, `user add`.

use std::process::Command;

use imprimatur::config::DatabaseUrl;

use crate::on_both_backends;
use crate::support::{Backend, PASSWORD, TestApp, TestDatabase};

fn imprimatur(database: &DatabaseUrl) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_imprimatur"));
    let url = match database {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    command
        .env("IMPRIMATUR_DATABASE_URL", url)
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_the_variable() {
    for (variable, value) in [
        ("IMPRIMATUR_BIND", "not-an-address"),
        ("IMPRIMATUR_DATABASE_URL", "mysql://localhost/x"),
        ("IMPRIMATUR_PUBLIC_URL", "reviews.example.org"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_imprimatur"))
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(variable), "{stderr}");
    }
}

#[test]
fn an_unreachable_database_is_reported_with_the_real_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_imprimatur"))
        .arg("migrate")
        .env(
            "IMPRIMATUR_DATABASE_URL",
            "postgres://127.0.0.1:1/imprimatur",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("127.0.0.1") || stderr.contains("refused"),
        "{stderr}"
    );
}

#[test]
fn migrate_applies_the_schema_once() {
    let database = TestDatabase::create(Backend::Sqlite, "migrate").unwrap();
    let first = imprimatur(&database.url).arg("migrate").output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    let expected = format!("{migrations} migration(s) applied");
    assert!(String::from_utf8_lossy(&first.stdout).starts_with(&expected));
    let second = imprimatur(&database.url).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("0 migration(s) applied"));
}

fn user_add_prints_a_working_setup_link(backend: Backend, test: &str) {
    let Some(app) = TestApp::spawn(backend, test) else {
        return;
    };
    let output = imprimatur(&app.database.url)
        .args([
            "user",
            "add",
            "--email",
            "Rita@Example.org",
            "--name",
            "Rita Reviewer",
            "--credentials",
            "MD, Cardiology",
            "--role",
            "reviewer",
            "--role",
            "editor",
        ])
        .env("IMPRIMATUR_PUBLIC_URL", &app.base_url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Editor, Reviewer"), "{stdout}");
    let link = stdout
        .lines()
        .find(|l| l.contains("/setup/"))
        .expect("a setup link")
        .trim()
        .to_owned();
    assert!(
        link.starts_with(&format!("{}/setup/", app.base_url)),
        "{link}"
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = app.client();
        let path = link.trim_start_matches(&app.base_url).to_owned();
        client
            .get(&path)
            .await
            .assert_status(200)
            .assert_contains("Rita Reviewer");
        client
            .submit(
                &path,
                &[("password", PASSWORD), ("password_confirm", PASSWORD)],
            )
            .await
            .assert_redirect("/dashboard?done=password-set");
        // Signed in by setting the password; the password works for a new sign-in too.
        client.get("/dashboard").await.assert_status(200);
        app.client()
            .sign_in("rita@example.org", PASSWORD)
            .await
            .assert_redirect("/dashboard");
    });
    let duplicate = imprimatur(&app.database.url)
        .args([
            "user",
            "add",
            "--email",
            "rita@example.org",
            "--name",
            "Again",
            "--role",
            "editor",
        ])
        .output()
        .unwrap();
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    assert!(app.audit_actions().contains(&"user.invited".to_owned()));
}

on_both_backends!(backend: user_add_prints_a_working_setup_link);
