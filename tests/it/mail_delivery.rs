//! Delivery guarantees against a real SMTP server: an outage loses nothing and delivers each
//! message once; a server killed mid-send leaves nothing unsent after restart; two workers on
//! one PostgreSQL database never send a message twice; `imprimatur mail send-pending`; the
//! admin mail page and its retry; `.eml` files when no SMTP server is configured.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use imprimatur::config::{Config, DatabaseUrl, SmtpSettings};
use imprimatur::db::schema::mail_outbox;
use imprimatur::domain::roles::Role;
use imprimatur::jobs::deliver_only;
use imprimatur::services::accounts::{self, InviteInput};
use imprimatur::services::delivery::{Courier, Policy};
use imprimatur::services::{Caller, Env};

use crate::support::smtp::{SmtpServer, free_port};
use crate::support::{Backend, TestApp, TestDatabase};

fn invite(env: &Env, n: usize) {
    let input = InviteInput {
        email: format!("person{n}@example.org"),
        display_name: format!("Person {n}"),
        credentials: String::new(),
        roles: [Role::Reviewer].into_iter().collect(),
    };
    env.ctx(|ctx| accounts::invite(ctx, &Caller::system(), &input))
        .unwrap();
}

fn outbox_state(conn: &mut imprimatur::db::DbConn) -> (i64, i64) {
    let sent: i64 = mail_outbox::table
        .filter(mail_outbox::sent_at.is_not_null())
        .count()
        .get_result(conn)
        .unwrap();
    let total: i64 = mail_outbox::table.count().get_result(conn).unwrap();
    (sent, total)
}

/// Message-IDs and how often each arrived.
fn arrivals(smtp: &SmtpServer) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for mail in smtp.messages() {
        *counts.entry(mail.message_id).or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_loses_nothing_and_then_delivers_each_message_once() {
    let test = "an_smtp_outage_loses_nothing_and_then_delivers_each_message_once";
    let Some(mut smtp) = SmtpServer::start(test) else {
        return;
    };
    smtp.stop();
    let url = smtp.url();
    let app = TestApp::spawn_with(Backend::Sqlite, test, |config| {
        config.smtp = Some(SmtpSettings::parse(&url).unwrap());
    })
    .unwrap();
    for n in 0..100 {
        invite(&app.env, n);
    }
    // While the server is down every attempt fails, and every message stays queued.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let tried: i64 = mail_outbox::table
            .filter(mail_outbox::attempts.ge(1))
            .filter(mail_outbox::last_error.is_not_null())
            .count()
            .get_result(&mut app.conn())
            .unwrap();
        if tried == 100 {
            break;
        }
        assert!(Instant::now() < deadline, "only {tried} of 100 were tried");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(outbox_state(&mut app.conn()), (0, 100));
    let admin = {
        app.create_user("admin@example.org", "Admin", &[Role::Admin]);
        app.signed_in("admin@example.org").await
    };
    let page = admin.get("/admin/mail?status=queued").await;
    page.assert_status(200).assert_contains("Queued (10");
    page.assert_contains("Connection refused");

    smtp.resume();
    let delivered = smtp.wait_for(101, Duration::from_secs(60)).await;
    assert_eq!(delivered.len(), 101, "100 invitations and the admin's");
    let counts = arrivals(&smtp);
    assert_eq!(counts.len(), 101);
    assert!(
        counts.values().all(|n| *n == 1),
        "a message arrived twice: {counts:?}"
    );
    // And they stay delivered once: nothing is sent again later.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.messages().len(), 101);
    assert_eq!(outbox_state(&mut app.conn()), (101, 101));
}

/// An SMTP server that accepts connections and then never says a word.
fn black_hole() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (port, thread)
}

fn serve(url: &DatabaseUrl, data: &std::path::Path, smtp: &str) -> std::process::Child {
    let url = match url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    Command::new(env!("CARGO_BIN_EXE_imprimatur"))
        .env("IMPRIMATUR_DATABASE_URL", url)
        .env("IMPRIMATUR_DATA_DIR", data)
        .env("IMPRIMATUR_BIND", format!("127.0.0.1:{}", free_port()))
        .env("IMPRIMATUR_SMTP_URL", smtp)
        .env("IMPRIMATUR_MAIL_LEASE_SECONDS", "2")
        .env("IMPRIMATUR_MAIL_RETRY_SECONDS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_send_leaves_no_message_unsent_after_restart() {
    let test = "a_server_killed_mid_send_leaves_no_message_unsent_after_restart";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let database = TestDatabase::create(Backend::Sqlite, test).unwrap();
    let pool = database.pool();
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    for n in 0..5 {
        invite(&env, n);
    }
    let data = tempfile::tempdir().unwrap();
    // The first server hangs in the middle of talking to SMTP...
    let (hole, _held) = black_hole();
    let mut first = serve(
        &database.url,
        data.path(),
        &format!("smtp://127.0.0.1:{hole}"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let claimed: i64 = mail_outbox::table
            .filter(mail_outbox::claimed_by.is_not_null())
            .count()
            .get_result(&mut pool.get().unwrap())
            .unwrap();
        if claimed > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the first server never claimed a message"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // ...and is killed there, without any chance to clean up.
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(outbox_state(&mut pool.get().unwrap()), (0, 5));

    let mut second = serve(&database.url, data.path(), &smtp.url());
    let delivered = smtp.wait_for(5, Duration::from_secs(30)).await;
    // The server marks each message sent after the SMTP server took it: wait for that
    // before stopping it (a kill in between is what the first server showed is safe).
    let deadline = Instant::now() + Duration::from_secs(20);
    while outbox_state(&mut pool.get().unwrap()) != (5, 5) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(delivered.len(), 5);
    assert_eq!(arrivals(&smtp).len(), 5, "each message once");
    assert_eq!(outbox_state(&mut pool.get().unwrap()), (5, 5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_postgres_database_deliver_500_messages_without_duplicates() {
    let test = "two_workers_on_one_postgres_database_deliver_500_messages_without_duplicates";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let Some(database) = TestDatabase::create(Backend::Postgres, test) else {
        return;
    };
    let pool = database.pool();
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    env.ctx(|ctx| {
        ctx.write(|tx| {
            for n in 0..500 {
                imprimatur::db::outbox::insert(
                    tx,
                    &imprimatur::db::outbox::NewMail {
                        recipient: format!("Person {n} <person{n}@example.org>"),
                        recipient_id: None,
                        subject: format!("Message {n}"),
                        text_body: format!("Body {n}"),
                        html_body: format!("<p>Body {n}</p>"),
                        event: "test".into(),
                        article_id: None,
                        revision_id: None,
                        message_id: format!("<test-{n}@imprimatur.invalid>"),
                        thread_id: None,
                        created_at: imprimatur::db::now(),
                        next_attempt_at: imprimatur::db::now(),
                    },
                )?;
            }
            Ok(())
        })
    })
    .unwrap();
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.smtp = Some(SmtpSettings::parse(&smtp.url()).unwrap());
    let config = Arc::new(config);
    let mailer = imprimatur::mail::transport::Mailer::from_config(&config).unwrap();
    // Two server instances: each its own pool and environment, one database.
    let courier = |env: &Env| {
        Courier::new(
            env.clone(),
            mailer.clone(),
            Policy::from_config(&config),
            "instance",
        )
    };
    let other = Env::new(database.pool(), "http://127.0.0.1");
    let a = deliver_only(&env, courier(&env), config.mail_poll());
    let b = deliver_only(&other, courier(&other), config.mail_poll());
    let delivered = smtp.wait_for(500, Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    futures::join!(a.stop(), b.stop());
    assert_eq!(delivered.len(), 500);
    let counts = arrivals(&smtp);
    assert_eq!(counts.len(), 500);
    assert!(
        counts.values().all(|n| *n == 1),
        "duplicates: {:?}",
        counts.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    assert_eq!(outbox_state(&mut pool.get().unwrap()), (500, 500));
    let workers: BTreeSet<Option<String>> = mail_outbox::table
        .select(mail_outbox::claimed_by)
        .load(&mut pool.get().unwrap())
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(workers.len(), 2, "both workers took part: {workers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_send_pending_drains_the_queue_once() {
    let test = "mail_send_pending_drains_the_queue_once";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let database = TestDatabase::create(Backend::Sqlite, test).unwrap();
    let pool = database.pool();
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    for n in 0..3 {
        invite(&env, n);
    }
    let DatabaseUrl::Sqlite(path) = &database.url else {
        unreachable!()
    };
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_imprimatur"))
            .args(["mail", "send-pending"])
            .env(
                "IMPRIMATUR_DATABASE_URL",
                format!("sqlite://{}", path.display()),
            )
            .env("IMPRIMATUR_SMTP_URL", smtp.url())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let output = run();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("3 sent, 0 to retry later, 0 given up"),
        "{stdout}"
    );
    let again = run();
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 sent"));
    assert_eq!(smtp.messages().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_message_shows_its_error_and_an_admin_can_retry_it() {
    let test = "a_failed_message_shows_its_error_and_an_admin_can_retry_it";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let url = smtp.url();
    let app = TestApp::spawn_with(Backend::Sqlite, test, |config| {
        config.smtp = Some(SmtpSettings::parse(&url).unwrap());
    })
    .unwrap();
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    smtp.wait_for(1, Duration::from_secs(20)).await;
    // A message that gave up after its maximum age.
    invite(&app.env, 1);
    smtp.wait_for(2, Duration::from_secs(20)).await;
    app.execute("UPDATE mail_outbox SET sent_at = NULL, failed_at = '2026-01-01 00:00:00', last_error = '550 mailbox unavailable' WHERE id = 2");
    let admin = app.signed_in("admin@example.org").await;
    let page = admin.get("/admin/mail?status=failed").await;
    page.assert_status(200)
        .assert_contains("550 mailbox unavailable")
        .assert_contains("Failed (1)");
    admin
        .submit("/admin/mail/2/retry", &[])
        .await
        .assert_redirect("/admin/mail?status=queued&done=mail-requeued");
    admin
        .submit("/admin/mail/1/retry", &[])
        .await
        .assert_status(409)
        .assert_contains("not failed");
    admin.get("/admin/mail").await;
    admin
        .submit("/admin/mail/abc/retry", &[])
        .await
        .assert_status(404);
    smtp.wait_for(3, Duration::from_secs(20)).await;
    assert_eq!(arrivals(&smtp).values().sum::<usize>(), 3);
    assert!(app.audit_actions().contains(&"mail.retried".to_owned()));
    let editor = {
        app.create_user("ed@example.org", "Ed", &[Role::Editor]);
        app.signed_in("ed@example.org").await
    };
    editor.get("/admin/mail").await.assert_status(403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_messages_are_written_as_eml_files_and_the_admin_sees_the_link() {
    let test = "without_smtp_messages_are_written_as_eml_files_and_the_admin_sees_the_link";
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let page = admin
        .submit(
            "/admin/users",
            &[
                ("email", "n@example.org"),
                ("name", "N"),
                ("roles", "editor"),
            ],
        )
        .await;
    assert!(
        page.setup_link().is_some(),
        "without SMTP the admin passes the link on"
    );
    let dir = app.data_dir.path().join("mail");
    let deadline = Instant::now() + Duration::from_secs(20);
    let files = loop {
        // A message being written is a `.tmp` file until it is complete and renamed.
        let all: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        let written: Vec<_> = all
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "eml"))
            .cloned()
            .collect();
        if (written.len() >= 2 && written.len() == all.len()) || Instant::now() > deadline {
            assert_eq!(
                written.len(),
                all.len(),
                "only whole messages remain: {all:?}"
            );
            break written;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(files.len(), 2, "{files:?}");
    let invitation: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .find(|m| m.contains("n@example.org"))
        .unwrap();
    assert!(invitation.contains(&format!("{}/setup/", app.base_url)));
}
