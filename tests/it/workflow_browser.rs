//! In a real headless Chromium: an editor writes and submits an article with two references,
//! a reviewer approves it from the review queue, and the editor sees it approved; and the
//! full acceptance scenario (two approvals required, one round of requested changes, every
//! step in the audit log) on SQLite and on PostgreSQL.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{Backend, PASSWORD, TestApp};

const TITLE: &str = "Can I take ibuprofen with lisinopril?";

async fn fill(browser: &Browser, selector: &str, value: &str) {
    let field = browser.client.find(Locator::Css(selector)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn click(browser: &Browser, selector: &str) {
    let element = browser.client.find(Locator::Css(selector)).await.unwrap();
    element.click().await.unwrap();
}

/// Waits for `selector` on the page that is loading, and returns its text.
async fn wait_text(browser: &Browser, selector: &str) -> String {
    let element = browser.client.wait().for_element(Locator::Css(selector));
    element.await.unwrap().text().await.unwrap()
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.client.goto(&app.url("/login")).await.unwrap();
    fill(browser, "#email", email).await;
    fill(browser, "#password", PASSWORD).await;
    let password = browser.client.find(Locator::Css("#password")).await;
    password.unwrap().send_keys("\u{E007}").await.unwrap();
    // Only a signed-in page has the sign-out form.
    wait_text(browser, "form[action='/logout'] button").await;
}

async fn sign_out(browser: &Browser) {
    click(browser, "form[action='/logout'] button[type=submit]").await;
    // The sign-in page, with its notice above the form.
    wait_text(browser, "#login-title").await;
    let notice = wait_text(browser, "main .notice[role=status]").await;
    assert!(notice.to_lowercase().contains("signed out"), "{notice}");
}

async fn count(browser: &Browser, selector: &str) -> usize {
    let found = browser.client.find_all(Locator::Css(selector)).await;
    found.unwrap().len()
}

/// The texts of every element matching `selector` on the current page.
async fn texts(browser: &Browser, selector: &str) -> Vec<String> {
    let found = browser.client.find_all(Locator::Css(selector)).await;
    let mut texts = Vec::new();
    for element in found.unwrap() {
        texts.push(element.text().await.unwrap());
    }
    texts
}

/// Waits until an element matching `selector` reads exactly `expected`. After a click that
/// submits a form the previous page may still be showing, with the same selectors, so this
/// waits for the text rather than for the element.
async fn wait_for_text(browser: &Browser, selector: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut seen = Vec::new();
        // The page may be replaced between finding an element and reading it.
        if let Ok(found) = browser.client.find_all(Locator::Css(selector)).await {
            for element in found {
                if let Ok(text) = element.text().await {
                    seen.push(text);
                }
            }
        }
        if seen.iter().any(|text| text == expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {selector} to read {expected:?}, found {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn goto(browser: &Browser, app: &TestApp, path: &str) {
    browser.client.goto(&app.url(path)).await.unwrap();
}

async fn click_link(browser: &Browser, text: &str) {
    let link = browser.client.find(Locator::LinkText(text)).await.unwrap();
    link.click().await.unwrap();
}

/// Fills the article editor (on the page already open) with the article and its two
/// references.
async fn write_article(browser: &Browser) {
    fill(browser, "#title", TITLE).await;
    fill(
        browser,
        "#summary",
        "Usually avoid it; use paracetamol instead.",
    )
    .await;
    let body = "## From the guidelines\n\nAvoid NSAIDs with ACE inhibitors [1].\n\n\
                ## From the drug label\n\nIbuprofen can reduce the effect of lisinopril [2].";
    fill(browser, "#body", body).await;
    fill(browser, "#change_note", "First version, two sources.").await;
    let references = [
        ("guideline", "Hypertension in adults", "NICE", "2023"),
        ("drug_label", "Ibuprofen tablets", "DailyMed", "2024"),
    ];
    for (n, (kind, title, source, year)) in (1..).zip(references) {
        click(browser, &format!("#ref-kind-{n} option[value={kind}]")).await;
        fill(browser, &format!("#ref-title-{n}"), title).await;
        fill(browser, &format!("#ref-source-{n}"), source).await;
        fill(browser, &format!("#ref-year-{n}"), year).await;
    }
    fill(
        browser,
        "#ref-url-1",
        "https://www.nice.org.uk/guidance/ng136",
    )
    .await;
}

/// Asserts `expected` occurs in `actions` in this order (other actions may come between).
fn assert_in_order(actions: &[String], expected: &[&str]) {
    let mut expected = expected.iter();
    let mut next = expected.next();
    for action in actions {
        if next.is_some_and(|want| action == want) {
            next = expected.next();
        }
    }
    assert!(next.is_none(), "missing {next:?} in order in {actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_submits_an_article_and_a_reviewer_approves_it_from_the_queue_in_a_real_browser()
{
    let test =
        "an_editor_submits_an_article_and_a_reviewer_approves_it_from_the_queue_in_a_real_browser";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    app.create_user("editor@example.org", "Eve Editor", &[Role::Editor]);
    app.create_user("reviewer@example.org", "Rob Reviewer", &[Role::Reviewer]);

    // The editor writes the article and submits it.
    sign_in(&browser, &app, "editor@example.org").await;
    let new_article = app.url("/manage/articles/new");
    browser.client.goto(&new_article).await.unwrap();
    write_article(&browser).await;
    click(&browser, "button[name=op][value=submit]").await;

    let notice = wait_text(&browser, "p.notice[role=status]").await;
    assert!(notice.starts_with("Submitted for review"), "{notice}");
    assert_eq!(wait_text(&browser, "span.state").await, "Submitted");
    assert_eq!(count(&browser, "ol.references li").await, 2);
    // The kind labels are shown in capitals (CSS), so compare without case.
    let kinds = wait_text(&browser, "ol.references").await.to_lowercase();
    assert!(
        kinds.contains("guideline hypertension") && kinds.contains("drug label ibuprofen"),
        "{kinds}"
    );
    assert_eq!(count(&browser, ".article-body a.cite").await, 2);
    sign_out(&browser).await;

    // The reviewer finds it in the queue and approves it.
    sign_in(&browser, &app, "reviewer@example.org").await;
    browser
        .client
        .goto(&app.url("/review/queue"))
        .await
        .unwrap();
    let link = browser.client.find(Locator::LinkText(TITLE)).await.unwrap();
    link.click().await.unwrap();
    let approve = "form[action$='/approve'] button[type=submit]";
    assert_eq!(wait_text(&browser, approve).await, "Approve and publish");
    click(&browser, "input[name=declaration][value=none]").await;
    click(&browser, approve).await;
    let notice = wait_text(&browser, "p.notice[role=status]").await;
    assert_eq!(notice, "Approval recorded.");
    assert_eq!(wait_text(&browser, "span.state").await, "Approved");
    let header = wait_text(&browser, "header.revision-header .notice").await;
    assert_eq!(header, "This is the published version of the article.");
    assert_eq!(count(&browser, "form[action$='/approve']").await, 0);
    sign_out(&browser).await;

    // The editor sees it approved and published.
    sign_in(&browser, &app, "editor@example.org").await;
    browser.client.goto(&app.url("/dashboard")).await.unwrap();
    let recent = "section[aria-labelledby=recent-card] a";
    assert_eq!(wait_text(&browser, recent).await, TITLE);
    click(&browser, recent).await;
    wait_text(&browser, "ol.references").await;
    assert_eq!(wait_text(&browser, "span.state").await, "Approved");
    let header = wait_text(&browser, "header.revision-header .notice").await;
    assert!(header.contains("published version"), "{header}");

    assert_in_order(
        &app.audit_actions(),
        &[
            "revision.submitted",
            "revision.approved",
            "article.published",
        ],
    );
    browser.close().await;
}

const CHANGES: &str = "Please add the kidney risk for patients also taking a diuretic.";

/// The acceptance scenario, only through the browser: with two approvals required, an
/// editor's article goes from draft through one round of requested changes to approved by
/// two reviewers, and an admin finds every step in the audit log.
async fn an_editor_and_two_reviewers_take_an_article_from_draft_to_approved(
    backend: Backend,
    test: &str,
) {
    let Some(app) = TestApp::spawn(backend, test) else {
        return;
    };
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.create_user("editor@example.org", "Eve Editor", &[Role::Editor]);
    app.create_user("first@example.org", "Rob Reviewer", &[Role::Reviewer]);
    app.create_user("second@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let status = "p.notice[role=status]";
    let state = "header.revision-header span.state";
    let approvals = "section[aria-labelledby=approvals-title] strong";
    let approve = "form[action$='/approve'] button[type=submit]";

    // The admin requires two approvals.
    sign_in(&browser, &app, "admin@example.org").await;
    goto(&browser, &app, "/admin/settings").await;
    fill(&browser, "#approvals_required", "2").await;
    click(
        &browser,
        "form[action='/admin/settings'] button[type=submit]",
    )
    .await;
    wait_for_text(&browser, status, "Settings saved.").await;
    let required = browser
        .client
        .find(Locator::Css("#approvals_required"))
        .await;
    let required = required.unwrap().prop("value").await.unwrap();
    assert_eq!(required.as_deref(), Some("2"));
    sign_out(&browser).await;

    // The editor saves a draft with two references, then submits it from its page.
    sign_in(&browser, &app, "editor@example.org").await;
    goto(&browser, &app, "/manage/articles/new").await;
    write_article(&browser).await;
    click(&browser, ".editor-actions button[name=op][value=save]").await;
    let saved = "Draft saved. Only you can see it until you submit it.";
    wait_for_text(&browser, status, saved).await;
    assert_eq!(wait_text(&browser, state).await, "Draft");
    assert_eq!(count(&browser, "ol.references li").await, 2);
    click(&browser, "form[action$='/submit'] button[type=submit]").await;
    let submitted = "Submitted for review. Reviewers can now see it in their queue.";
    wait_for_text(&browser, status, submitted).await;
    assert_eq!(wait_text(&browser, state).await, "Submitted");
    assert_eq!(
        wait_text(&browser, ".revision-meta strong").await,
        "Revision 1"
    );
    assert_eq!(wait_text(&browser, approvals).await, "0 of 2");
    sign_out(&browser).await;

    // The first reviewer asks for changes.
    sign_in(&browser, &app, "first@example.org").await;
    goto(&browser, &app, "/review/queue").await;
    click_link(&browser, TITLE).await;
    fill(&browser, "#changes-comment", CHANGES).await;
    click(
        &browser,
        "form[action$='/request-changes'] button[type=submit]",
    )
    .await;
    let requested = "Changes requested. The author sees your comment.";
    wait_for_text(&browser, status, requested).await;
    assert_eq!(wait_text(&browser, state).await, "Changes requested");
    sign_out(&browser).await;

    // The editor reads the comment and submits a second revision.
    sign_in(&browser, &app, "editor@example.org").await;
    goto(&browser, &app, "/dashboard").await;
    // Sent back: listed first, as the editor's turn.
    let your_turn = "section[aria-labelledby=your-turn-card] li a";
    assert_eq!(wait_text(&browser, your_turn).await, TITLE);
    click(&browser, your_turn).await;
    wait_for_text(&browser, ".thread .comment-body", CHANGES).await;
    let verdict = wait_text(&browser, ".thread .verdict").await;
    assert_eq!(verdict, "Changes requested");
    // The breadcrumb leads to the article, and from there to the editor.
    click_link(&browser, TITLE).await;
    wait_for_text(&browser, ".title-row a.button", "Write a new revision").await;
    click(&browser, ".title-row a.button").await;
    wait_for_text(&browser, "h1", "Write a new revision").await;
    assert_eq!(wait_text(&browser, "p.muted").await, "Based on revision 1.");
    let body = "## From the guidelines\n\nAvoid NSAIDs with ACE inhibitors [1], all the more \
                with a diuretic: together they can harm the kidneys.\n\n\
                ## From the drug label\n\nIbuprofen can reduce the effect of lisinopril [2].";
    fill(&browser, "#body", body).await;
    fill(
        &browser,
        "#change_note",
        "Kidney risk with a diuretic, as asked.",
    )
    .await;
    click(&browser, ".editor-actions button[name=op][value=submit]").await;
    let submitted = "Submitted for review. Reviewers can now see it in their queue.";
    wait_for_text(&browser, status, submitted).await;
    assert_eq!(wait_text(&browser, state).await, "Submitted");
    assert_eq!(
        wait_text(&browser, ".revision-meta strong").await,
        "Revision 2"
    );
    assert_eq!(count(&browser, "ol.references li").await, 2);
    let shown = wait_text(&browser, ".article-body").await;
    assert!(shown.contains("harm the kidneys"), "{shown}");
    click_link(&browser, TITLE).await;
    wait_for_text(&browser, "h2", "Revisions").await;
    let labels = texts(&browser, ".timeline-entry .timeline-head strong").await;
    let states = texts(&browser, ".timeline-entry span.state").await;
    assert_eq!(labels, ["Revision 2", "Revision 1"]);
    assert_eq!(states, ["Submitted", "Superseded"]);
    sign_out(&browser).await;

    // The first reviewer approves the new revision: one of two.
    sign_in(&browser, &app, "first@example.org").await;
    goto(&browser, &app, "/review/queue").await;
    assert_eq!(wait_text(&browser, "td .muted").await, "revision 2");
    click_link(&browser, TITLE).await;
    wait_for_text(&browser, approve, "Approve").await;
    click(&browser, "input[name=declaration][value=none]").await;
    click(&browser, approve).await;
    wait_for_text(&browser, status, "Approval recorded.").await;
    assert_eq!(wait_text(&browser, state).await, "Under review");
    let approved = wait_text(&browser, approvals).await;
    assert_eq!(approved, "1 of 2");
    assert_eq!(count(&browser, "form[action$='/approve']").await, 0);
    sign_out(&browser).await;

    // The second reviewer's approval is the last one needed, and publishes it.
    sign_in(&browser, &app, "second@example.org").await;
    goto(&browser, &app, "/review/queue").await;
    click_link(&browser, TITLE).await;
    wait_for_text(&browser, approve, "Approve and publish").await;
    click(&browser, "input[name=declaration][value=none]").await;
    click(&browser, approve).await;
    wait_for_text(&browser, status, "Approval recorded.").await;
    assert_eq!(wait_text(&browser, state).await, "Approved");
    assert_eq!(wait_text(&browser, approvals).await, "2 of 2");
    let header = wait_text(&browser, "header.revision-header .notice").await;
    assert_eq!(header, "This is the published version of the article.");
    sign_out(&browser).await;

    // The admin finds every step in the audit log.
    sign_in(&browser, &app, "admin@example.org").await;
    goto(&browser, &app, "/admin/audit").await;
    wait_text(&browser, "table.audit").await;
    let listed = texts(&browser, "table.audit tbody td:nth-child(4) code").await;
    for action in [
        "article.created",
        "revision.submitted",
        "revision.changes_requested",
        "revision.saved",
        "revision.superseded",
        "revision.approved",
        "article.published",
        "settings.changed",
    ] {
        assert!(
            listed.iter().any(|a| a == action),
            "no {action} in {listed:?}"
        );
    }
    assert_in_order(
        &app.audit_actions(),
        &[
            "revision.submitted",
            "revision.changes_requested",
            "revision.submitted",
            "revision.approved",
            "revision.approved",
            "article.published",
        ],
    );
    browser.close().await;
}

on_both_backends!(
    async backend: an_editor_and_two_reviewers_take_an_article_from_draft_to_approved,
    a_second_click_cannot_lose_a_colleague_s_sentence
);

/// The two-editor scenario: Sam and Erin both open the editor on the published version; Sam
/// submits a fix; Erin's Submit shows her text merged with Sam's, and her second click
/// submits both changes: it cannot lose Sam's sentence.
async fn a_second_click_cannot_lose_a_colleague_s_sentence(backend: Backend, test: &str) {
    use crate::support::forms::{act, article_fields, as_refs, revision_of};
    use diesel::prelude::*;
    use imprimatur::db::schema::revisions;

    let Some(app) = TestApp::spawn(backend, test) else {
        return;
    };
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    app.create_user("sam@example.org", "Sam Lee", &[Role::Editor]);
    app.create_user("erin@example.org", "Erin Ellis", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let sentence = "See a doctor if fever lasts more than 3 days.";
    let body =
        "Fever is common in children [1].\n\nGive fluids and rest.\n\nParacetamol can help [2].";
    let sam = app.signed_in("sam@example.org").await;
    sam.get("/manage/articles/new").await;
    let mut fields = article_fields("Fever in children", body);
    fields.push(("op", "submit".into()));
    let first = revision_of(&sam.submit("/manage/articles", &as_refs(&fields)).await);
    let rita = app.signed_in("rita@example.org").await;
    act(&rita, first, "approve", &[]).await.assert_status(303);
    let article: i64 = revisions::table
        .find(first)
        .select(revisions::article_id)
        .first(&mut app.conn())
        .unwrap();

    // Erin opens the editor on the published version...
    sign_in(&browser, &app, "erin@example.org").await;
    goto(&browser, &app, &format!("/manage/articles/{article}/edit")).await;
    wait_for_text(&browser, "h1", "Write a new revision").await;
    // ...while Sam submits his fix from the same version.
    sam.get(&format!("/manage/articles/{article}/edit")).await;
    let mut fix = article_fields(
        "Fever in children",
        &body.replace("rest.", &format!("rest. {sentence}")),
    );
    fix.push(("base_revision_id", first.to_string()));
    fix.push(("op", "submit".into()));
    let sams = revision_of(
        &sam.submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fix),
        )
        .await,
    );

    // Erin edits another paragraph and submits: she sees the merge, nothing is saved.
    let erins = body.replace(
        "Paracetamol can help [2].",
        "Paracetamol or ibuprofen can help [2].",
    );
    fill(&browser, "#body", &erins).await;
    fill(&browser, "#change_note", "Ibuprofen too.").await;
    let before = app.count("revisions");
    click(&browser, ".editor-actions button[name=op][value=submit]").await;
    let note = wait_text(&browser, "#merge-note").await;
    assert!(note.contains("Merged with revision 2 by Sam Lee"), "{note}");
    assert!(
        note.contains(sentence),
        "what the merge took is shown: {note}"
    );
    assert_eq!(
        app.count("revisions"),
        before,
        "nothing saved by the first click"
    );
    let merged = browser
        .client
        .find(Locator::Css("#body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        merged.contains(sentence) && merged.contains("ibuprofen"),
        "{merged}"
    );

    // The second click submits the merged text: both changes, built on Sam's revision.
    click(&browser, ".editor-actions button[name=op][value=submit]").await;
    wait_for_text(
        &browser,
        "p.notice[role=status]",
        "Submitted for review. Reviewers can now see it in their queue.",
    )
    .await;
    let (newest, newest_body, base): (i64, String, Option<i64>) = revisions::table
        .filter(revisions::article_id.eq(article))
        .order(revisions::id.desc())
        .select((revisions::id, revisions::body, revisions::base_revision_id))
        .first(&mut app.conn())
        .unwrap();
    assert!(
        newest_body.contains(sentence),
        "Sam's sentence kept: {newest_body}"
    );
    assert!(
        newest_body.contains("Paracetamol or ibuprofen"),
        "{newest_body}"
    );
    assert_eq!(base, Some(sams.0));
    assert_ne!(newest, sams.0);
}
