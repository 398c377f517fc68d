//! In a real headless Chromium: the first admin opens the setup link, sets a password,
//! signs in and reaches the dashboard.

use fantoccini::Locator;
use imprimatur::services::accounts;

use crate::support::browser::Browser;
use crate::support::{Backend, PASSWORD, TestApp};

async fn fill(browser: &Browser, selector: &str, value: &str) {
    let field = browser.client.find(Locator::Css(selector)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_sets_up_the_server_and_signs_in_in_a_real_browser() {
    let test = "the_first_admin_sets_up_the_server_and_signs_in_in_a_real_browser";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    let link = app.ctx(accounts::first_admin_link).unwrap().unwrap();

    browser.client.goto(&app.url(&link.path())).await.unwrap();
    let heading = browser
        .client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Create the first admin account");
    fill(&browser, "#email", "admin@example.org").await;
    fill(&browser, "#name", "Ada Admin").await;
    fill(&browser, "#credentials", "MD, Internal Medicine").await;
    fill(&browser, "#password", PASSWORD).await;
    fill(&browser, "#password_confirm", PASSWORD).await;
    browser
        .client
        .find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Setting the password signs the new admin in: the dashboard, with the notice.
    browser
        .client
        .wait()
        .for_element(Locator::Css("form[action=\"/logout\"]"))
        .await
        .unwrap();
    let url = browser.client.current_url().await.unwrap();
    assert!(
        url.as_str().ends_with("/dashboard?done=password-set"),
        "{url}"
    );
    let notice = browser
        .client
        .find(Locator::Css(".notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("you are signed in"), "{notice}");

    // Signed out, the admin signs in again with the keyboard.
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
    fill(&browser, "#email", "admin@example.org").await;
    fill(&browser, "#password", PASSWORD).await;
    // Submit with the keyboard, as a person would: Enter in the password field.
    browser
        .client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();

    // The sign-out button exists only once signed in; wait for it, not for any heading.
    browser
        .client
        .wait()
        .for_element(Locator::Css("form[action=\"/logout\"]"))
        .await
        .unwrap();
    let welcome = browser
        .client
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(welcome, "Welcome, Ada Admin");
    let url = browser.client.current_url().await.unwrap();
    assert!(url.as_str().ends_with("/dashboard"), "{url}");
    // The stylesheet loaded under the Content-Security-Policy.
    let background = browser
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(background, serde_json::json!("rgb(11, 79, 138)"));
    assert_eq!(
        app.audit_actions(),
        [
            "setup.completed",
            "login.succeeded",
            "logout",
            "login.succeeded"
        ]
    );
    browser.close().await;
}
