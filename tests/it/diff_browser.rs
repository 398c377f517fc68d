//! In a real headless Chromium: a revision whose body and references carry `<script>` and
//! `<img onerror>` shows them as text on its diff page, in both layouts, and nothing runs.

use fantoccini::Locator;
use imprimatur::domain::content::{ContentInput, ReferenceInput};
use imprimatur::domain::roles::Role;
use imprimatur::domain::workflow::Action;
use imprimatur::services::editing::{self, RevisionInput};
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::{Actor, Caller, Ctx};

use crate::support::browser::Browser;
use crate::support::{Backend, PASSWORD, TestApp};

const SCRIPT: &str = "<script>window.__xss = 'script'</script>";
const IMG: &str = "<img src=x onerror=\"window.__xss = 'img'\">";

fn content(body: &str, reference_title: &str) -> ContentInput {
    ContentInput {
        title: "Escaping".into(),
        summary: format!("Summary {IMG}"),
        body: body.into(),
        change_note: "Note".into(),
        references: vec![ReferenceInput {
            kind: "research".into(),
            title: reference_title.into(),
            source: "BMJ".into(),
            year: "2020".into(),
            url: String::new(),
            ..ReferenceInput::default()
        }],
        ..ContentInput::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markup_in_a_diff_is_shown_as_text_and_never_runs() {
    let test = "hostile_markup_in_a_diff_is_shown_as_text_and_never_runs";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    let editor = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let reviewer = app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let caller = |id, role: Role, email: &str| {
        Caller::person(
            id,
            [role].into_iter().collect(),
            Actor::user(id, email, "127.0.0.1"),
        )
    };
    let ed = caller(editor, Role::Editor, "ed@example.org");
    let rita = caller(reviewer, Role::Reviewer, "rita@example.org");
    let second = {
        let mut conn = app.conn();
        let mut conn = Ctx::new(&mut conn, &app.env);
        let first = editing::create_article(
            &mut conn,
            &ed,
            &content("A plain first version.", "Plain"),
            true,
        )
        .unwrap();
        reviewing::act(
            &mut conn,
            &rita,
            first.revision,
            Action::Approve,
            &ActionInput::no_conflict(),
        )
        .unwrap();
        let body = format!("A plain first version. {SCRIPT}\n\nAnd an image: {IMG}");
        editing::save_revision(
            &mut conn,
            &ed,
            &RevisionInput {
                article: first.article,
                base: Some(first.revision),
                draft_version: None,
                content: content(&body, IMG),
                specialties: None,
                submit: true,
            },
        )
        .unwrap()
        .revision
    };

    browser.client.goto(&app.url("/login")).await.unwrap();
    let email = browser.client.find(Locator::Css("#email")).await.unwrap();
    email.send_keys("rita@example.org").await.unwrap();
    let password = browser
        .client
        .find(Locator::Css("#password"))
        .await
        .unwrap();
    password.send_keys(PASSWORD).await.unwrap();
    password.send_keys("\u{E007}").await.unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css("form[action=\"/logout\"]"))
        .await
        .unwrap();

    for layout in ["inline", "split"] {
        let url = app.url(&format!("/manage/revisions/{second}/diff?layout={layout}"));
        browser.client.goto(&url).await.unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("#diff-summary"))
            .await
            .unwrap();
        let verdict = browser
            .client
            .execute(
                "return {
                    ran: window.__xss === undefined ? null : window.__xss,
                    elements: document.querySelectorAll('main script, main img').length,
                    text: document.querySelector('main').innerText,
                }",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            verdict["ran"],
            serde_json::Value::Null,
            "{layout}: markup ran"
        );
        assert_eq!(verdict["elements"], 0, "{layout}: markup became elements");
        let text = verdict["text"].as_str().unwrap();
        assert!(
            text.contains(SCRIPT),
            "{layout}: the script tag is not shown as text"
        );
        assert!(
            text.contains("<img src=x onerror="),
            "{layout}: the img tag is not shown as text"
        );
    }
    // The revision page renders the body as HTML, sanitised: nothing runs there either.
    browser
        .client
        .goto(&app.url(&format!("/manage/revisions/{second}")))
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css(".article-body"))
        .await
        .unwrap();
    let ran = browser
        .client
        .execute(
            "return window.__xss === undefined ? null : window.__xss",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran, serde_json::Value::Null);
    browser.close().await;
}
