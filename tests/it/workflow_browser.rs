//! In a real headless Chromium: an editor writes and submits an article with two references,
//! a reviewer approves it from the review queue, and the editor sees it approved.

use fantoccini::Locator;
use imprimatur::domain::roles::Role;

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
    let notice = wait_text(browser, "#login-title ~ .notice").await;
    assert!(notice.to_lowercase().contains("signed out"), "{notice}");
}

async fn count(browser: &Browser, selector: &str) -> usize {
    let found = browser.client.find_all(Locator::Css(selector)).await;
    found.unwrap().len()
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
    fill(&browser, "#title", TITLE).await;
    fill(
        &browser,
        "#summary",
        "Usually avoid it; use paracetamol instead.",
    )
    .await;
    let body = "## From the guidelines\n\nAvoid NSAIDs with ACE inhibitors [1].\n\n\
                ## From the drug label\n\nIbuprofen can reduce the effect of lisinopril [2].";
    fill(&browser, "#body", body).await;
    fill(&browser, "#change_note", "First version, two sources.").await;
    let references = [
        ("guideline", "Hypertension in adults", "NICE", "2023"),
        ("drug_label", "Ibuprofen tablets", "DailyMed", "2024"),
    ];
    for (n, (kind, title, source, year)) in (1..).zip(references) {
        click(&browser, &format!("#ref-kind-{n} option[value={kind}]")).await;
        fill(&browser, &format!("#ref-title-{n}"), title).await;
        fill(&browser, &format!("#ref-source-{n}"), source).await;
        fill(&browser, &format!("#ref-year-{n}"), year).await;
    }
    fill(
        &browser,
        "#ref-url-1",
        "https://www.nice.org.uk/guidance/ng136",
    )
    .await;
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

    let actions = app.audit_actions();
    let mut expected = [
        "revision.submitted",
        "revision.approved",
        "article.published",
    ]
    .iter();
    let mut next = expected.next();
    for action in &actions {
        if next.is_some_and(|want| action == want) {
            next = expected.next();
        }
    }
    assert!(next.is_none(), "missing {next:?} in order in {actions:?}");
    browser.close().await;
}
