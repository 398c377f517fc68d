//! Email over a real SMTP server (aiosmtpd): each event mails the right people with working
//! links; user text is escaped; reminders go once per due date; nothing is lost in an outage;
//! the admin mail page retries failures; forgotten passwords; notification choices.

use std::collections::BTreeSet;
use std::time::Duration;

use diesel::prelude::*;
use imprimatur::db::schema::{articles, mail_outbox, users};
use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::forms::{act, create_article, revision_of};
use crate::support::smtp::{Mail, SmtpServer};
use crate::support::{Client, PASSWORD, TestApp};

const WAIT: Duration = Duration::from_secs(20);

fn to(mails: &[Mail], subject_part: &str) -> BTreeSet<String> {
    mails
        .iter()
        .filter(|m| m.subject.contains(subject_part))
        .map(|m| m.to.clone())
        .collect()
}

fn set(addresses: &[&str]) -> BTreeSet<String> {
    addresses.iter().map(|a| (*a).to_owned()).collect()
}

fn queued(app: &TestApp) -> i64 {
    mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

/// Messages not yet marked sent, once the worker has marked what it delivered: the SMTP
/// server has a message a moment before the worker records it as sent (it marks a batch at
/// a time), so this waits up to [`WAIT`] for the count to reach zero.
async fn queued_after_delivery(app: &TestApp) -> i64 {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let waiting = queued(app);
        if waiting == 0 || std::time::Instant::now() >= deadline {
            return waiting;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_both_backends!(smtp:
    invitations_and_resets_are_emailed_with_working_links,
    workflow_events_mail_the_right_people,
    review_reminders_go_once_per_due_date,
    reminders_reach_every_article_owed_one_past_a_full_batch,
    user_text_arrives_escaped_in_html_and_plain_in_text,
    any_display_name_reaches_its_owner,
    a_forgotten_password_is_emailed_without_telling_who_has_an_account,
);

async fn invitations_and_resets_are_emailed_with_working_links(app: TestApp, smtp: SmtpServer) {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let page = admin
        .submit(
            "/admin/users",
            &[
                ("email", "new@example.org"),
                ("name", "Nina New"),
                ("roles", "reviewer"),
            ],
        )
        .await;
    page.assert_status(200)
        .assert_contains("We are emailing new@example.org");
    assert!(
        page.setup_link().is_none(),
        "with SMTP the link exists only in the email"
    );

    let mails = smtp.wait_for(2, WAIT).await;
    let invitation = mails
        .iter()
        .find(|m| m.to.contains("new@example.org"))
        .expect("an invitation");
    assert_eq!(invitation.to, "Nina New <new@example.org>");
    assert_eq!(invitation.subject, "You are invited to Imprimatur");
    assert!(
        invitation.message_id.ends_with("@imprimatur.invalid>"),
        "{}",
        invitation.message_id
    );
    let link = invitation.link(&app.base_url).expect("an absolute link");
    assert!(invitation.html.contains(&format!("href=\"{link}\"")));
    let path = link.trim_start_matches(&app.base_url).to_owned();
    let invitee = app.client();
    invitee
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("Nina New");
    invitee
        .submit(
            &path,
            &[("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await
        .assert_redirect("/dashboard?done=password-set");
    invitee.get("/dashboard").await.assert_status(200);
    // Delivered link-carrying messages do not keep the link in the database.
    let stored: Vec<String> = mail_outbox::table
        .filter(mail_outbox::event.eq("invitation"))
        .filter(mail_outbox::sent_at.is_not_null())
        .select(mail_outbox::text_body)
        .load(&mut app.conn())
        .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|body| !body.contains("/setup/")),
        "{stored:?}"
    );

    // A reset link from the admin arrives too, and works.
    let nina: imprimatur::ids::UserId = users::table
        .filter(users::email.eq("new@example.org"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    admin.get(&format!("/admin/users/{nina}")).await;
    admin
        .submit(&format!("/admin/users/{nina}"), &[("action", "reset")])
        .await
        .assert_contains("We are emailing the account&#39;s owner");
    let mails = smtp.wait_for(3, WAIT).await;
    let reset = mails
        .iter()
        .find(|m| m.subject.starts_with("Choose a new password"))
        .expect("a reset mail");
    let path = reset
        .link(&app.base_url)
        .unwrap()
        .trim_start_matches(&app.base_url)
        .to_owned();
    let new_password = "another long passphrase";
    app.client()
        .submit_after_get(
            &path,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await
        .assert_redirect("/dashboard?done=password-set");
    assert_eq!(queued_after_delivery(&app).await, 0);
}

async fn workflow_events_mail_the_right_people(app: TestApp, smtp: SmtpServer) {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    let r1 = app.create_user("r1@example.org", "Rita One", &[Role::Reviewer]);
    app.create_user("r2@example.org", "Rob Two", &[Role::Reviewer]);
    app.create_user("r3@example.org", "Ron Three", &[Role::Reviewer]);
    let admin = app.signed_in("admin@example.org").await;
    let ed = app.signed_in("ed@example.org").await;
    let (one, two, three) = (
        app.signed_in("r1@example.org").await,
        app.signed_in("r2@example.org").await,
        app.signed_in("r3@example.org").await,
    );
    // Invitations from create_user are mail too: 5 of them.
    smtp.wait_for(5, WAIT).await;
    let before = smtp.messages().len();
    // Ron does not want comment mail.
    three
        .get("/account/notifications")
        .await
        .assert_contains("Comments on revisions");
    three
        .submit("/account/notifications", &[("review_due", "on")])
        .await
        .assert_status(303);

    let first = create_article(&ed, "Ibuprofen & lisinopril", true).await;
    act(&admin, first, "assign", &[("reviewer_id", &r1.to_string())])
        .await
        .assert_status(303);
    act(
        &two,
        first,
        "comment",
        &[("comment", "What about kidneys?")],
    )
    .await
    .assert_status(303);
    act(&three, first, "comment", &[("comment", "Agreed.")])
        .await
        .assert_status(303);
    act(
        &one,
        first,
        "request-changes",
        &[("comment", "Add the KDIGO advice.")],
    )
    .await
    .assert_status(303);

    let mails = smtp.wait_for(before + 3 + 1 + 3 + 2 + 1, WAIT).await;
    let mails = &mails[before..].to_vec();
    assert_eq!(
        to(mails, "Review requested"),
        set(&[
            "Rita One <r1@example.org>",
            "Rob Two <r2@example.org>",
            "Ron Three <r3@example.org>"
        ])
    );
    assert_eq!(
        to(mails, "Assigned to you"),
        set(&["Rita One <r1@example.org>"])
    );
    // Rob's comment: the author and Rita (assigned) hear; Rob does not mail himself; Ron has
    // not taken part yet.
    let robs: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Rob Two commented"))
        .collect();
    assert_eq!(
        robs.iter().map(|m| m.to.as_str()).collect::<BTreeSet<_>>(),
        BTreeSet::from(["Ed Editor <ed@example.org>", "Rita One <r1@example.org>"])
    );
    assert!(robs[0].text.contains("What about kidneys?"));
    // Ron's comment reaches Ed, Rita and Rob; Ron switched comment mail off, so nothing
    // reaches him for Rob's either.
    assert_eq!(to(mails, "Ron Three commented").len(), 3);
    assert!(
        !mails
            .iter()
            .any(|m| m.subject.contains("commented") && m.to.contains("r3@example.org"))
    );
    let changes: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Changes requested"))
        .collect();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].to, "Ed Editor <ed@example.org>");
    assert!(changes[0].text.contains("Add the KDIGO advice."));
    let link = changes[0].link(&app.base_url).unwrap();
    assert!(
        link.ends_with(&format!("/manage/revisions/{first}")),
        "{link}"
    );
    ed.get(link.trim_start_matches(&app.base_url))
        .await
        .assert_status(200);
    // One revision, one thread.
    let threads: BTreeSet<&str> = mails
        .iter()
        .filter(|m| !m.subject.contains("invited"))
        .map(|m| m.references.as_str())
        .collect();
    assert_eq!(
        threads,
        BTreeSet::from([format!("<revision-{first}@imprimatur.invalid>").as_str()])
    );

    // Publication: the author and the reviewers hear.
    let before = smtp.messages().len();
    let article: i64 = articles::table
        .select(articles::id)
        .first(&mut app.conn())
        .unwrap();
    let edit = ed.get(&format!("/manage/articles/{article}/edit")).await;
    let base = edit.field("base_revision_id").unwrap();
    let mut fields =
        crate::support::forms::article_fields("Ibuprofen & lisinopril", "With KDIGO [1] [2].");
    fields.push(("base_revision_id", base));
    fields.push(("op", "submit".into()));
    let second = revision_of(
        &ed.submit(
            &format!("/manage/articles/{article}/revisions"),
            &crate::support::forms::as_refs(&fields),
        )
        .await,
    );
    act(&two, second, "approve", &[]).await.assert_status(303);
    // The resubmission answers Rita's change request: she (and only she, being the one
    // assigned) is asked to look again, with the diff since her review; then publication
    // reaches the author, the approver and Rita, still assigned.
    let mails = smtp.wait_for(before + 1 + 3, WAIT).await;
    let mails = &mails[before..].to_vec();
    assert_eq!(to(mails, "Review requested"), set(&[]));
    assert_eq!(
        to(mails, "Please review again"),
        set(&["Rita One <r1@example.org>"])
    );
    let again = mails
        .iter()
        .find(|m| m.subject.starts_with("Please review again"))
        .unwrap();
    assert!(
        again.text.contains(&format!(
            "What changed since your review: {}/manage/revisions/{second}/diff?against={first}",
            app.base_url
        )),
        "{}",
        again.text
    );
    assert_eq!(
        to(mails, "Approved and published"),
        set(&[
            "Ed Editor <ed@example.org>",
            "Rita One <r1@example.org>",
            "Rob Two <r2@example.org>"
        ])
    );
    let published = mails
        .iter()
        .find(|m| m.subject.starts_with("Approved and published"))
        .unwrap();
    let public = published.link(&app.base_url).unwrap();
    assert!(public.contains("/articles/"), "{public}");
    Client::new(&app.base_url)
        .get(public.trim_start_matches(&app.base_url))
        .await
        .assert_status(200);

    // A rejection tells the author why.
    let before = smtp.messages().len();
    let other = create_article(&ed, "Sunscreen", true).await;
    act(
        &one,
        other,
        "reject",
        &[("comment", "Out of scope."), ("confirm", "yes")],
    )
    .await
    .assert_status(303);
    let mails = smtp.wait_for(before + 3 + 1, WAIT).await;
    let rejected: Vec<&Mail> = mails[before..]
        .iter()
        .filter(|m| m.subject == "Rejected: Sunscreen")
        .collect();
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].text.contains("Out of scope."));
    assert_eq!(queued_after_delivery(&app).await, 0);
}

async fn review_reminders_go_once_per_due_date(app: TestApp, smtp: SmtpServer) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("r1@example.org", "Rita One", &[Role::Reviewer]);
    app.create_user("r2@example.org", "Rob Two", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("r1@example.org").await;
    let revision = create_article(&ed, "Statins", true).await;
    act(&rita, revision, "approve", &[]).await;
    smtp.wait_for(3 + 2 + 2, WAIT).await;
    let start = smtp.messages().len();
    let remind = || {
        app.ctx(|ctx| imprimatur::services::notify::review_reminders(ctx, imprimatur::db::now()))
            .unwrap()
    };

    // Due in ten days: "due soon", once, to the approving reviewer and the editor.
    app.execute(&format!(
        "UPDATE articles SET next_review_due = {}",
        crate::support::minutes_ago(-10 * 24 * 60)
    ));
    assert_eq!(remind(), 2);
    assert_eq!(remind(), 0, "not again for the same due date");
    // The reminders' transaction woke the mail worker when it committed.
    let mails = smtp.wait_for(start + 2, WAIT).await;
    assert_eq!(
        to(&mails[start..], "Review due soon: Statins"),
        set(&["Ed Editor <ed@example.org>", "Rita One <r1@example.org>"])
    );
    // Past the date: "overdue", once; Rob never reviewed it and hears nothing.
    app.execute(&format!(
        "UPDATE articles SET next_review_due = {}",
        crate::support::minutes_ago(60)
    ));
    assert_eq!(remind(), 2);
    assert_eq!(remind(), 0);
    // Someone who switched review-date mail off gets none.
    rita.get("/account/notifications").await;
    rita.submit("/account/notifications", &[("comments", "on")])
        .await
        .assert_status(303);
    app.execute(&format!(
        "UPDATE articles SET next_review_due = {}",
        crate::support::minutes_ago(120)
    ));
    assert_eq!(remind(), 1, "only the editor, for the new date");
    // The reminders' transaction woke the mail worker when it committed.
    let mails = smtp.wait_for(start + 5, WAIT).await;
    assert_eq!(
        mails[start..]
            .iter()
            .filter(|m| m.subject == "Review overdue: Statins")
            .count(),
        3
    );
    assert!(!mails.iter().any(|m| m.to.contains("r2@example.org")
        && m.subject.contains("Review")
        && !m.subject.starts_with("Review requested")));
}

/// The job reads the articles owed a reminder a batch at a time. Articles already reminded
/// must not fill a batch and hide the ones behind them (it once read the soonest 1,000 due,
/// reminded or not, so an archive with more overdue than that stopped reminding).
async fn reminders_reach_every_article_owed_one_past_a_full_batch(app: TestApp, smtp: SmtpServer) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("r1@example.org", "Rita One", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("r1@example.org").await;
    let mut first = None;
    for title in ["Statins", "Sunscreen", "Sleep"] {
        let revision = create_article(&ed, title, true).await;
        act(&rita, revision, "approve", &[]).await;
        first.get_or_insert(revision);
    }
    let statins = format!(
        "(SELECT article_id FROM revisions WHERE id = {})",
        first.unwrap()
    );
    let remind = |batch| {
        app.ctx(|ctx| {
            imprimatur::services::notify::review_reminders_by(ctx, imprimatur::db::now(), batch)
        })
        .unwrap()
    };
    // The first is reminded on its own; the other two become due afterwards.
    app.execute(&format!(
        "UPDATE articles SET next_review_due = {} WHERE id = {statins}",
        crate::support::minutes_ago(180)
    ));
    assert_eq!(remind(1), 2, "Ed and Rita, for Statins");
    app.execute(&format!(
        "UPDATE articles SET next_review_due = {} WHERE id <> {statins}",
        crate::support::minutes_ago(60)
    ));
    // Statins is the soonest due and already reminded: batches of one still reach the rest.
    assert_eq!(remind(1), 4, "Ed and Rita, for Sunscreen and for Sleep");
    assert_eq!(remind(1), 0, "each once per due date");
    let overdue = |mails: &[Mail]| {
        mails
            .iter()
            .filter(|m| m.subject.starts_with("Review overdue"))
            .count()
    };
    let mails = smtp.wait_until(|m| overdue(m) >= 6, WAIT).await;
    assert_eq!(overdue(&mails), 6);
    for title in ["Statins", "Sunscreen", "Sleep"] {
        assert_eq!(
            to(&mails, &format!("Review overdue: {title}")),
            set(&["Ed Editor <ed@example.org>", "Rita One <r1@example.org>"]),
            "{title}"
        );
    }
}

async fn user_text_arrives_escaped_in_html_and_plain_in_text(app: TestApp, smtp: SmtpServer) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("r1@example.org", "Rita One", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let start = smtp.wait_for(2, WAIT).await.len();
    create_article(&ed, "<b>Bold</b> & <script>alert(1)</script>", true).await;
    let mails = smtp.wait_for(start + 1, WAIT).await;
    let mail = mails[start..]
        .iter()
        .find(|m| m.subject.starts_with("Review requested"))
        .unwrap();
    assert_eq!(
        mail.subject,
        "Review requested: <b>Bold</b> & <script>alert(1)</script>"
    );
    assert!(
        mail.html
            .contains("&#60;b&#62;Bold&#60;/b&#62; &#38; &#60;script&#62;"),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("<script>"));
    assert!(!mail.html.contains("<b>Bold"));
    assert!(
        mail.text
            .contains("\"<b>Bold</b> & <script>alert(1)</script>\"")
    );
}

/// A name with commas, quotes, brackets or markup is quoted in `To`, so the message goes
/// out (it used to fail to parse and wait in the outbox until given up) and keeps the name.
async fn any_display_name_reaches_its_owner(app: TestApp, smtp: SmtpServer) {
    let name = "Smith, John \"Jack\" (Cardiology) <MD>; <script>alert(1)</script>";
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("r1@example.org", name, &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let start = smtp.wait_for(2, WAIT).await.len();
    create_article(&ed, "Statins and muscle pain", true).await;
    let mails = smtp.wait_for(start + 1, WAIT).await;
    let mail = mails[start..]
        .iter()
        .find(|m| m.subject.starts_with("Review requested"))
        .expect("the review request reached the reviewer");
    assert_eq!(mail.to, format!("{name} <r1@example.org>"));
    assert_eq!(
        queued_after_delivery(&app).await,
        0,
        "nothing waits in the outbox"
    );
}

async fn a_forgotten_password_is_emailed_without_telling_who_has_an_account(
    app: TestApp,
    smtp: SmtpServer,
) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    let start = smtp.wait_for(1, WAIT).await.len();
    let visitor = app.client();
    visitor
        .get("/login")
        .await
        .assert_contains("href=\"/password/forgot\"");
    visitor.get("/password/forgot").await.assert_status(200);
    let known = visitor
        .submit("/password/forgot", &[("email", "ED@example.org")])
        .await;
    let unknown = visitor
        .submit("/password/forgot", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(known.status, 303);
    assert_eq!(known.location(), unknown.location());
    visitor
        .get("/password/forgot?done=reset-sent")
        .await
        .assert_contains("If an account exists for that address");
    // Asking again at once sends nothing more.
    visitor
        .submit("/password/forgot", &[("email", "ed@example.org")])
        .await
        .assert_status(303);
    let mails = smtp.wait_for(start + 1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let resets: Vec<Mail> = smtp.messages()[start..]
        .iter()
        .filter(|m| m.subject.starts_with("Choose a new password"))
        .cloned()
        .collect();
    assert_eq!(resets.len(), 1, "{mails:?}");
    assert_eq!(resets[0].to, "Ed Editor <ed@example.org>");
    let path = resets[0]
        .link(&app.base_url)
        .unwrap()
        .trim_start_matches(&app.base_url)
        .to_owned();
    let fresh = "a brand new passphrase";
    app.client()
        .submit_after_get(&path, &[("password", fresh), ("password_confirm", fresh)])
        .await
        .assert_redirect("/dashboard?done=password-set");
    let requests = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "user.reset_requested")
        .count();
    assert_eq!(requests, 3, "every request is audited, known or not");
    visitor
        .submit("/password/forgot", &[("email", " ")])
        .await
        .assert_status(400);
}
