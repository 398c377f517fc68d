//! Accessibility audit in a real headless Chromium with axe-core (the WCAG 2.1 A and AA
//! rules: contrast, landmarks, labels, heading order, names of links and buttons...) over the
//! public pages and the main workspace pages, filled with the demo data.
//!
//! axe-core comes from npm: `AXE_CORE_JS` names its `axe.min.js`, or `npm install axe-core`
//! in the repository puts it at `node_modules/axe-core/axe.min.js`. CI installs it.

use std::path::PathBuf;

use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::{Backend, TestApp, skip};

fn axe_source(test: &str) -> Option<String> {
    let path = std::env::var("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            skip(
                test,
                &format!(
                    "axe-core is not at {} (npm install axe-core, or set AXE_CORE_JS)",
                    path.display()
                ),
            );
            None
        }
    }
}

/// Runs axe on the current page; returns "rule: target" for every violation.
async fn audit(browser: &Browser, axe: &str) -> Vec<String> {
    let script = format!(
        "{axe}
        const done = arguments[arguments.length - 1];
        axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})
            .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): '
                + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
            .catch(e => done(['axe failed: ' + e]));"
    );
    let result = browser.client.execute_async(&script, vec![]).await.unwrap();
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_workspace_pages_pass_the_wcag_aa_audit() {
    let test = "public_and_workspace_pages_pass_the_wcag_aa_audit";
    let Some(axe) = axe_source(test) else { return };
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    let demo = imprimatur::demo::run(&app.env).unwrap();
    let admin = demo.accounts.iter().find(|a| a.roles == "admin").unwrap();
    let reviewer = demo
        .accounts
        .iter()
        .find(|a| a.roles == "reviewer")
        .unwrap();
    let editor = demo.accounts.iter().find(|a| a.roles == "editor").unwrap();
    let article = "/articles/can-i-take-ibuprofen-if-i-take-lisinopril-for-high-blood-pressure";

    let mut failures = Vec::new();
    let mut check = async |path: &str| {
        browser.client.goto(&app.url(path)).await.unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("main"))
            .await
            .unwrap();
        for violation in audit(&browser, &axe).await {
            failures.push(format!("{path}: {violation}"));
        }
    };
    for path in [
        "/",
        article,
        &format!("{article}/history"),
        "/editorial-policy",
        "/board",
        "/?q=ibuprofen",
        // Both versions, the audience chooser, and a search result found in a patient text.
        "/articles/how-is-dermatomyositis-treated",
        "/articles/how-is-dermatomyositis-treated?for=patient",
        "/?q=drip&for=patient",
        "/login",
        "/no-such-page",
    ] {
        check(path).await;
    }

    let sign_in = async |email: &str, password: &str| {
        browser.client.goto(&app.url("/login")).await.unwrap();
        browser
            .client
            .find(Locator::Css("#email"))
            .await
            .unwrap()
            .send_keys(email)
            .await
            .unwrap();
        let field = browser
            .client
            .find(Locator::Css("#password"))
            .await
            .unwrap();
        field.send_keys(password).await.unwrap();
        field.send_keys("\u{E007}").await.unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("form[action=\"/logout\"]"))
            .await
            .unwrap();
    };
    sign_in(reviewer.email, &reviewer.password).await;
    for path in [
        "/dashboard",
        "/review/queue",
        "/manage/articles",
        "/manage/revisions/3",
        "/manage/revisions/3/diff",
        "/manage/revisions/3/diff?layout=split",
        "/account/tokens",
        "/account/password",
        "/account/board",
    ] {
        check(path).await;
    }
    let sign_out = async || {
        browser
            .client
            .find(Locator::Css("form[action=\"/logout\"] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("#login-title"))
            .await
            .unwrap();
    };
    sign_out().await;
    sign_in(editor.email, &editor.password).await;
    for path in [
        "/dashboard",
        "/manage/articles/new",
        "/manage/articles/1",
        "/manage/articles/1/edit",
    ] {
        check(path).await;
    }
    sign_out().await;
    sign_in(admin.email, &admin.password).await;
    for path in [
        "/admin/users",
        "/admin/users/2",
        "/admin/audit",
        "/admin/settings",
        "/admin/specialties",
        "/admin/webhooks",
        "/manage/articles/1",
    ] {
        check(path).await;
    }
    browser.close().await;
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}
