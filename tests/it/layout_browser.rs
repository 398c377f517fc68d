//! In a real headless Chromium, at 360 px (a small phone) and 1280 px (a laptop): the public
//! article, its history, an archived version and a public diff, the review queue, a
//! revision's diff and the editor never scroll sideways, and every control of the editor's
//! references and notes can be clicked where it is (nothing, such as an action bar,
//! covers it) and is wide enough to type in. Screenshots under
//! `target/screenshots/layout-*.png` for a person to look at.

use diesel::prelude::*;
use fantoccini::Locator;
use imprimatur::db::schema::{articles, revisions};

use crate::support::browser::Browser;
use crate::support::{Backend, TestApp};

const SLUG: &str = "can-i-take-ibuprofen-if-i-take-lisinopril-for-high-blood-pressure";
const WIDTHS: [(&str, u32, u32); 2] = [("phone", 360, 740), ("desktop", 1280, 900)];

fn screenshot(name: &str, png: &[u8]) {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    std::fs::write(dir.join(format!("layout-{name}.png")), png).unwrap();
}

/// Opens `path` at each width: the page must not be wider than the window.
async fn no_sideways_scroll(browser: &Browser, app: &TestApp, name: &str, path: &str) {
    for (size, width, height) in WIDTHS {
        browser.client.set_window_size(width, height).await.unwrap();
        browser.client.goto(&app.url(path)).await.unwrap();
        browser
            .client
            .wait()
            .for_element(Locator::Css("main"))
            .await
            .unwrap();
        let widths = browser
            .client
            .execute(
                "const wide = [...document.querySelectorAll('main *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                        && !e.closest('.table-scroll'))
                    .slice(0, 3).map(e => e.tagName + '.' + e.className);
                 return [document.documentElement.scrollWidth, window.innerWidth, wide];",
                vec![],
            )
            .await
            .unwrap();
        let (page, window) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        screenshot(
            &format!("{name}-{size}"),
            &browser.client.screenshot().await.unwrap(),
        );
        assert!(
            page <= window,
            "{path} at {width} px is {page} px wide (window {window}); too wide: {}",
            widths[2]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_and_no_editor_control_is_covered() {
    let test = "no_page_scrolls_sideways_and_no_editor_control_is_covered";
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite, test).unwrap();
    let demo = imprimatur::demo::run(&app.env).unwrap();
    let password = |email: &str| {
        demo.accounts
            .iter()
            .find(|a| a.email == email)
            .map(|a| a.password.clone())
            .unwrap()
    };
    let (article, revision): (i64, i64) = articles::table
        .filter(articles::slug.eq(SLUG))
        .select((
            articles::id,
            articles::current_revision_id.assume_not_null(),
        ))
        .first(&mut app.conn())
        .unwrap();
    let earlier: i64 = revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(revisions::id.ne(revision))
        .filter(revisions::number.is_not_null())
        .select(revisions::id)
        .order(revisions::id.desc())
        .first(&mut app.conn())
        .unwrap();

    // The public record.
    for (name, path) in [
        ("article", format!("/articles/{SLUG}")),
        ("history", format!("/articles/{SLUG}/history")),
        ("version", format!("/articles/{SLUG}/versions/1")),
        ("changes", format!("/articles/{SLUG}/versions/2/changes")),
    ] {
        no_sideways_scroll(&browser, &app, name, &path).await;
    }

    // The review stepper: a connector between two steps never starts a line of its own
    // (a stray dash on a phone).
    for (size, width, height) in WIDTHS {
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .client
            .goto(&app.url(&format!("/articles/{SLUG}")))
            .await
            .unwrap();
        let stray = browser
            .client
            .execute(
                "const steps = [...document.querySelectorAll('.stepper .step')];
                 steps[0].scrollIntoView({ block: 'center' });
                 return steps.length === 3 ? steps.slice(1).filter((step, i) =>
                     getComputedStyle(step, '::after').display !== 'none'
                     && Math.abs(step.getBoundingClientRect().top
                        - steps[i].getBoundingClientRect().top) > 2).length : -1;",
                vec![],
            )
            .await
            .unwrap();
        screenshot(
            &format!("stepper-{size}"),
            &browser.client.screenshot().await.unwrap(),
        );
        assert_eq!(stray, 0, "stepper at {width} px");
    }

    // The workspace, as an editor who is also asked to review nothing: sign in by the form.
    sign_in(
        &browser,
        &app,
        "sam@demo.imprimatur.test",
        &password("sam@demo.imprimatur.test"),
    )
    .await;
    for (name, path) in [
        ("queue", "/review/queue".to_owned()),
        (
            "diff",
            format!("/manage/revisions/{revision}/diff?against={earlier}"),
        ),
        (
            "diff-split",
            format!("/manage/revisions/{revision}/diff?against={earlier}&layout=split"),
        ),
        ("editor", format!("/manage/articles/{article}/edit")),
    ] {
        no_sideways_scroll(&browser, &app, name, &path).await;
    }

    // Every control of the references editor and the notes, scrolled to the top, the middle
    // and the bottom of the window in turn, is what a click at its centre reaches, lies
    // within the window, and is wide enough to use.
    for (size, width, height) in WIDTHS {
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .client
            .goto(&app.url(&format!("/manage/articles/{article}/edit")))
            .await
            .unwrap();
        let problems = browser
            .client
            .execute(
                "const problems = [];
                 const controls = [...document.querySelectorAll(
                     '.references-editor input, .references-editor select, \
                      .references-editor button, #change_note, #public_note')];
                 for (const el of controls) {
                   const label = el.id || el.name + '=' + el.value;
                   for (const block of ['start', 'center', 'end']) {
                     el.scrollIntoView({ block });
                     const r = el.getBoundingClientRect();
                     if (r.left < 0 || r.right > window.innerWidth) {
                       problems.push(label + ' sticks out of the window'); break;
                     }
                     const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                     if (hit !== el && !el.contains(hit)) {
                       problems.push(label + ' (' + block + ') is covered by '
                         + (hit ? hit.tagName + '.' + hit.className + ' ' + hit.textContent.trim().slice(0, 30) : 'nothing'));
                       break;
                     }
                   }
                   const text = el.matches('input[type=text], input[type=url], select');
                   const narrow = el.matches('[name=ref_position], [name=ref_year]');
                   if (text && !narrow && el.getBoundingClientRect().width < 120) {
                     problems.push(label + ' is only ' + Math.round(el.getBoundingClientRect().width) + ' px wide');
                   }
                 }
                 const legends = [...document.querySelectorAll('.reference-row > legend')];
                 for (const l of legends) {
                   if (l.scrollWidth > l.clientWidth + 1) problems.push(l.textContent + ' is clipped');
                 }
                 return problems;",
                vec![],
            )
            .await
            .unwrap();
        screenshot(
            &format!("editor-references-{size}"),
            &browser.client.screenshot().await.unwrap(),
        );
        assert_eq!(
            problems,
            serde_json::json!([]),
            "references editor at {width} px"
        );
    }
    browser.close().await;
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.client.goto(&app.url("/login")).await.unwrap();
    for (selector, value) in [("#email", email), ("#password", password)] {
        let field = browser.client.find(Locator::Css(selector)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    let password = browser.client.find(Locator::Css("#password")).await;
    password.unwrap().send_keys("\u{E007}").await.unwrap();
    browser
        .client
        .wait()
        .for_element(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap();
}
