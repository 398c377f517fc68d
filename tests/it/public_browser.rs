//! In a real headless Chromium: the public article page (the demo's featured article)
//! renders its stepper, reviewers and references at phone and desktop widths, and leaves
//! screenshots under `target/screenshots/` for a person to look at.

use std::path::PathBuf;

use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::{Backend, TestApp};

fn screenshot_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn texts(browser: &Browser, selector: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in browser
        .client
        .find_all(Locator::Css(selector))
        .await
        .unwrap()
    {
        out.push(element.text().await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_article_page_renders_its_provenance_on_a_phone_and_a_desktop() {
    let test = "the_public_article_page_renders_its_provenance_on_a_phone_and_a_desktop";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    imprimatur::demo::run(&app.env).unwrap();
    let url =
        app.url("/articles/can-i-take-ibuprofen-if-i-take-lisinopril-for-high-blood-pressure");
    let dir = screenshot_dir();

    for (name, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        browser.client.set_window_size(width, height).await.unwrap();
        browser.client.goto(&url).await.unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("ol.stepper"))
            .await
            .unwrap();

        let steps = texts(&browser, "ol.stepper .step-name").await;
        assert_eq!(steps, ["Submitted", "Under review", "Approved"], "{name}");
        let current = browser
            .client
            .find(Locator::Css("[aria-current=step] .step-name"))
            .await
            .unwrap();
        assert_eq!(current.text().await.unwrap(), "Approved");
        let reviewers = texts(&browser, "ul.reviewers .reviewer-who").await;
        assert_eq!(
            reviewers,
            [
                "Dr. Priya Raman, MD, Cardiology",
                "Dr. Tomás Ortega, MD, Nephrology"
            ],
            "{name}"
        );
        // Each names their specialty and declaration, and links to their board entry.
        let meta = texts(&browser, "ul.reviewers .reviewer-meta").await;
        assert_eq!(
            meta,
            [
                "Cardiology · No conflicts declared",
                "Nephrology · No conflicts declared"
            ],
            "{name}"
        );
        let links = browser
            .client
            .find_all(Locator::Css("ul.reviewers a[href^='/board#reviewer-']"))
            .await
            .unwrap();
        assert_eq!(links.len(), 2, "{name}");
        let references = texts(&browser, "ol.references li").await;
        assert_eq!(references.len(), 7, "{name}");
        let kinds: Vec<String> = texts(&browser, "ol.references .ref-kind")
            .await
            .iter()
            .map(|k| k.to_lowercase())
            .collect();
        for kind in ["guideline", "drug label", "research", "other"] {
            assert!(
                kinds.iter().any(|k| k == kind),
                "{name}: no {kind} reference in {kinds:?}"
            );
        }
        let note = browser
            .client
            .find(Locator::Css(".update-note"))
            .await
            .unwrap();
        assert!(note.text().await.unwrap().contains("under review"));
        let badge = browser
            .client
            .find(Locator::Css(".board-badge a"))
            .await
            .unwrap();
        assert_eq!(
            badge.attr("href").await.unwrap().as_deref(),
            Some("/editorial-policy")
        );

        // Nothing overflows sideways on a phone, and the stylesheet applied (no external
        // fonts or scripts are needed for either).
        let layout = browser
            .client
            .execute(
                "return {
                    overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
                    font: getComputedStyle(document.body).fontFamily,
                    scripts: document.querySelectorAll('script[src]').length,
                }",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            layout["overflow"], false,
            "{name}: the page scrolls sideways"
        );
        assert!(
            layout["font"].as_str().unwrap().contains("system-ui"),
            "{name}"
        );
        assert_eq!(layout["scripts"], 0);

        // A citation jumps to its reference.
        let cite = browser
            .client
            .find(Locator::Css(".article-body a.cite"))
            .await
            .unwrap();
        assert_eq!(cite.attr("href").await.unwrap().as_deref(), Some("#ref-1"));

        let png = browser.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        std::fs::write(dir.join(format!("article-{name}.png")), png).unwrap();
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_without_javascript_chooses_the_patient_version_and_back() {
    let test = "a_reader_without_javascript_chooses_the_patient_version_and_back";
    let Some(browser) = Browser::without_javascript(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    imprimatur::demo::run(&app.env).unwrap();
    browser.client.set_window_size(390, 844).await.unwrap();
    browser
        .client
        .goto(&app.url("/articles/how-is-dermatomyositis-treated"))
        .await
        .unwrap();
    let heading = |browser: &Browser| {
        let client = browser.client.clone();
        async move {
            client
                .wait()
                .for_element(Locator::Css("h1"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(heading(&browser).await, "How is dermatomyositis treated?");
    let question = texts(&browser, ".audience-chooser p").await;
    assert!(
        question[0].starts_with("Which best describes you?"),
        "{question:?}"
    );
    // The chooser is two plain links: scripts are off in this browser.
    browser
        .client
        .find(Locator::LinkText("Patient or caregiver"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_url(
            &url::Url::parse(&app.url("/articles/how-is-dermatomyositis-treated?for=patient"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        heading(&browser).await,
        "Dermatomyositis: what treatment involves"
    );
    let disclaimer = texts(&browser, "aside.disclaimer").await;
    assert!(
        disclaimer[0].contains("talk to your doctor"),
        "{disclaimer:?}"
    );
    let current = texts(&browser, ".audience-current").await;
    assert_eq!(current, ["Patient or caregiver"]);
    browser
        .client
        .screenshot()
        .await
        .map(|png| std::fs::write(screenshot_dir().join("article-patient-phone.png"), png))
        .unwrap()
        .unwrap();
    browser
        .client
        .find(Locator::LinkText("Healthcare professional"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .wait()
        .for_url(
            &url::Url::parse(&app.url("/articles/how-is-dermatomyositis-treated?for=clinician"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(heading(&browser).await, "How is dermatomyositis treated?");
    browser.close().await;
}
