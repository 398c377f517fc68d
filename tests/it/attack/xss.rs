//! The stored-XSS corpus: every payload goes through every text field a person can fill
//! (article title, summary, body, change note, reference title, source and link, comments,
//! review notes, rejection and retraction reasons, display name, credentials, site name,
//! disclaimer, editorial policy) and through every search box; then every page that shows
//! them, and every HTML email they went into, is opened in headless Chromium.
//!
//! Before any page script runs, a hook (installed over the DevTools protocol) records every
//! Content-Security-Policy violation and replaces the dialogs (`alert`, `confirm`, `prompt`,
//! `print`) with recorders; after the page loads, the DOM is searched for active content the
//! templates never produce (inline handlers, `javascript:` links, inline scripts, frames,
//! objects, `<base>`, `<meta http-equiv>`). Any of these fails the test. Emails have no CSP,
//! so an escaping mistake there would run.
//!
//! 110 payloads on both backends with `IMPRIMATUR_TEST_ATTACK=full`; otherwise 8 (spread
//! over the kinds), on SQLite.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;
use imprimatur::domain::content::{ContentInput, ReferenceInput};
use imprimatur::domain::disclosures::Declaration;
use imprimatur::domain::roles::Role;
use imprimatur::domain::settings::SettingsInput;
use imprimatur::domain::workflow::Action;
use imprimatur::ids::{ArticleId, RevisionId, UserId};
use imprimatur::services::accounts::{self, InviteInput};
use imprimatur::services::editing;
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::{Actor, Caller, publishing, settings};
use serde_json::json;

use super::{backend_name, full, report};
use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{Backend, PASSWORD, TestApp};

on_both_backends!(async backend: no_stored_payload_runs_in_a_page_or_an_email);

/// The payloads: each vector once as it is and once behind text that closes an attribute
/// and a tag. `N` becomes the payload's number, so a finding names it.
fn payloads() -> Vec<String> {
    let vectors = [
        "<script>alert(N)</script>",
        "<img src=x onerror=alert(N)>",
        "<svg onload=alert(N)>",
        "<svg><script>alert(N)</script></svg>",
        "<iframe src=\"javascript:alert(N)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(N)</script>\"></iframe>",
        "<body onload=alert(N)>",
        "<details open ontoggle=alert(N)>",
        "<input autofocus onfocus=alert(N)>",
        "<a href=\"javascript:alert(N)\">link N</a>",
        "[link N](javascript:alert(N))",
        "![image N](javascript:alert(N))",
        "[link N](<javascript:alert(N)>)",
        "[ref N]\n\n[ref N]: javascript:alert(N)",
        "<https://example.org/?'\"><img src=x onerror=alert(N)>>",
        "`<img src=x onerror=alert(N)>`",
        "*<img src=x onerror=alert(N)>*",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(N)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(N)>\">",
        "<object data=\"javascript:alert(N)\"></object>",
        "<embed src=\"javascript:alert(N)\">",
        "<form action=\"javascript:alert(N)\"><button>go N</button></form>",
        "<video><source onerror=alert(N)></video>",
        "<audio src=x onerror=alert(N)>",
        "<marquee onstart=alert(N)>N</marquee>",
        "<style>@import 'javascript:alert(N)';</style>",
        "<link rel=stylesheet href=\"javascript:alert(N)\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(N)\">",
        "<base href=\"javascript:alert(N)//\">",
        "<div style=\"background:url(javascript:alert(N))\">N</div>",
        "</textarea><script>alert(N)</script>",
        "</title><script>alert(N)</script>",
        "</script><script>alert(N)</script>",
        "\"><img src=x onerror=alert(N)>",
        "'><img src=x onerror=alert(N)>",
        "\" onmouseover=\"alert(N)\" x=\"",
        "' onfocus='alert(N)' autofocus='",
        "javascript:alert(N)",
        "data:text/html,<script>alert(N)</script>",
        "JaVaScRiPt:alert(N)",
        "java&#x09;script:alert(N)",
        "&lt;script&gt;alert(N)&lt;/script&gt;",
        "<scr<script>ipt>alert(N)</scr</script>ipt>",
        "<img src=\"x\" onerror=\"&#97;lert(N)\">",
        "<svg><a xlink:href=\"javascript:alert(N)\"><text x=\"20\" y=\"20\">N</text></a></svg>",
        "<![CDATA[<script>alert(N)</script>]]>",
        "]]><script>alert(N)</script>",
        "{{constructor.constructor('alert(N)')()}}",
        "<template><script>alert(N)</script></template>",
        "<select autofocus onfocus=alert(N)>",
        "<img src=x:x onerror=alert(N)//",
        "<a href=\" &#14;  javascript:alert(N)\">link N</a>",
        "<svg><style><img src=x onerror=alert(N)></style></svg>",
        "\u{2028}</script><script>alert(N)</script>",
        "＜script＞alert(N)＜/script＞",
    ];
    let mut payloads = Vec::new();
    for vector in vectors {
        payloads.push(vector.to_owned());
        payloads.push(format!("x\" y='z'></a></p>{vector}"));
    }
    payloads
        .into_iter()
        .enumerate()
        .map(|(n, p)| p.replace('N', &n.to_string()))
        .collect()
}

/// Runs `source` in every document before its own scripts (Chromium's DevTools protocol,
/// through chromedriver).
#[derive(Debug)]
struct OnEveryDocument(String);

impl WebDriverCompatibleCommand for OnEveryDocument {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": self.0 },
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Records CSP violations and dialogs, from before the page's first script.
const HOOK: &str = r#"(() => {
  const seen = [];
  Object.defineProperty(window, '__attack', { value: seen });
  document.addEventListener('securitypolicyviolation', (e) => {
    seen.push('csp ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
  }, true);
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => { seen.push('dialog ' + name + '(' + args.join(',') + ')'); };
  }
})();"#;

/// After a moment for late events, what the hook saw and what active content the DOM holds.
const INSPECT: &str = r#"const done = arguments[arguments.length - 1];
setTimeout(() => {
  const found = [];
  const urlish = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc', 'poster', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push('handler ' + el.tagName + ' ' + name);
      if (urlish.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value)) found.push('url ' + el.tagName + ' ' + name);
      if (name === 'style' && value.includes('javascript:')) found.push('style ' + el.tagName);
    }
    const tag = el.tagName;
    if (tag === 'SCRIPT' && !el.src && el.type !== 'application/ld+json') found.push('inline script');
    if (['IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE'].includes(tag)) found.push('element ' + tag);
    if (tag === 'META' && el.httpEquiv) found.push('meta http-equiv ' + el.httpEquiv);
  }
  done({ hooks: (window.__attack || []).slice(), dom: found });
}, 25);"#;

#[derive(Default)]
struct Findings {
    pages: usize,
    emails: usize,
    executions: Vec<String>,
    violations: Vec<String>,
    injected: Vec<String>,
}

impl Findings {
    async fn open(&mut self, browser: &Browser, url: &str) {
        let client = &browser.client;
        if let Err(e) = client.goto(url).await {
            // A dialog the hook did not catch shows up as an error of the next command.
            self.executions.push(format!("{url}: {e}"));
        }
        if let Ok(text) = client.get_alert_text().await {
            self.executions
                .push(format!("{url}: a real dialog said {text:?}"));
            let _ = client.dismiss_alert().await;
        }
        let seen = match client.execute_async(INSPECT, Vec::new()).await {
            Ok(seen) => seen,
            Err(e) => {
                self.executions
                    .push(format!("{url}: the page could not be inspected: {e}"));
                return;
            }
        };
        for hook in seen["hooks"].as_array().into_iter().flatten() {
            let hook = hook.as_str().unwrap_or_default().to_owned();
            if hook.starts_with("dialog") {
                self.executions.push(format!("{url}: {hook}"));
            } else {
                self.violations.push(format!("{url}: {hook}"));
            }
        }
        for found in seen["dom"].as_array().into_iter().flatten() {
            self.injected
                .push(format!("{url}: {}", found.as_str().unwrap_or_default()));
        }
    }
}

/// What one payload was stored in.
struct Stored {
    article: ArticleId,
    revision: RevisionId,
    slug: String,
    reviewer: UserId,
}

fn reference(payload: &str) -> ReferenceInput {
    ReferenceInput {
        kind: "research".into(),
        title: payload.to_owned(),
        source: payload.to_owned(),
        year: "2024".into(),
        url: format!(
            "https://example.org/{}",
            payload.replace(char::is_whitespace, "%20")
        ),
        // Names are cut at semicolons and lines: each part of the payload is a name.
        authors: payload.to_owned(),
        ..ReferenceInput::default()
    }
}

/// Stores payload `n` in every text field of an article, its review and its reviewer.
fn store(app: &TestApp, author: &Caller, root: &Caller, n: usize, payload: &str) -> Stored {
    // One-line fields get the payload on one line.
    let line = payload.replace(['\n', '\r'], " ");
    let invite = InviteInput {
        email: format!("reviewer{n}@example.org"),
        display_name: line.chars().take(100).collect(),
        credentials: line.chars().take(120).collect(),
        roles: [Role::Reviewer].into_iter().collect(),
    };
    let link = app
        .ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))
        .unwrap_or_else(|e| panic!("payload {n} as a name: {e}"));
    let reviewer_id = link.user_id.unwrap();
    let reviewer = Caller::person(
        reviewer_id,
        [Role::Reviewer].into_iter().collect(),
        Actor::user(reviewer_id, &invite.email, "127.0.0.1"),
    );
    let content = ContentInput {
        title: format!(
            "Topic {n}: {}",
            payload.chars().take(180).collect::<String>()
        ),
        summary: payload.to_owned(),
        body: format!("Paragraph {n} [1].\n\n{payload}\n\nInline {payload} [2]."),
        change_note: payload.to_owned(),
        public_note: payload.to_owned(),
        references: vec![reference(&line), reference(&format!("{line} second"))],
        ..ContentInput::default()
    };
    let saved = app
        .ctx(|ctx| editing::create_article(ctx, author, &content, true))
        .unwrap_or_else(|e| panic!("payload {n} in an article: {e}"));
    let act = |who: &Caller, action: Action, text: &str| {
        let input = ActionInput {
            text: text.to_owned(),
            reviewer: (action == Action::Assign).then_some(reviewer_id),
            declaration: (action == Action::Approve).then_some(Declaration::NoConflict),
            ..ActionInput::default()
        };
        app.ctx(|ctx| reviewing::act(ctx, who, saved.revision, action, &input))
            .unwrap_or_else(|e| panic!("payload {n}: {action}: {e}"));
    };
    act(root, Action::Assign, "");
    act(&reviewer, Action::Comment, payload);
    act(author, Action::Comment, payload);
    match n % 4 {
        0 => act(&reviewer, Action::Approve, payload),
        1 => act(&reviewer, Action::RequestChanges, payload),
        2 => {
            act(&reviewer, Action::Approve, payload);
            app.ctx(|ctx| {
                publishing::retract(
                    ctx,
                    root,
                    saved.article,
                    &publishing::Retraction::because(payload),
                )
            })
            .unwrap_or_else(|e| panic!("payload {n} as a retraction reason: {e}"));
        }
        _ => act(&reviewer, Action::Reject, payload),
    }
    let slug = {
        use diesel::prelude::*;
        use imprimatur::db::schema::articles;
        articles::table
            .find(saved.article)
            .select(articles::slug)
            .first(&mut app.conn())
            .unwrap()
    };
    Stored {
        article: saved.article,
        revision: saved.revision,
        slug,
        reviewer: reviewer_id,
    }
}

fn set_site_texts(app: &TestApp, root: &Caller, payload: &str) {
    let version = app.ctx(settings::current).unwrap().version;
    let input = SettingsInput {
        approvals_required: "1".into(),
        review_interval_days: "365".into(),
        site_name: payload
            .replace(['\n', '\r'], " ")
            .chars()
            .take(80)
            .collect(),
        disclaimer: payload.to_owned(),
        editorial_policy: format!("Policy.\n\n{payload}"),
        require_specialist: false,
        conflicted_approvals_count: false,
        review_due_days: "7".into(),
        ..SettingsInput::default()
    };
    app.ctx(|ctx| settings::update(ctx, root, version, &input))
        .unwrap_or_else(|e| panic!("{payload:?} in the settings: {e}"));
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    let client = &browser.client;
    client.goto(&app.url("/login")).await.unwrap();
    client
        .find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/login'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_url(&url::Url::parse(&app.url("/dashboard")).unwrap())
        .await
        .unwrap();
}

/// The HTML part of every message the courier wrote, as files a browser can open.
fn emails(app: &TestApp, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mail_dir = app.data_dir.path().join("mail");
    for entry in std::fs::read_dir(&mail_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        for part in parsed.subparts.iter().chain(std::iter::once(&parsed)) {
            if part.ctype.mimetype == "text/html" {
                // The same notice to several people is one page to open.
                let html = part.get_body().unwrap();
                if seen.insert(html.clone()) {
                    let file = dir.join(format!("{}.html", files.len()));
                    std::fs::write(&file, html).unwrap();
                    files.push(file);
                }
            }
        }
    }
    files
}

/// Waits until the courier has written every queued message.
fn delivered(app: &TestApp) {
    use diesel::prelude::*;
    use imprimatur::db::schema::mail_outbox;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending: i64 = mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::failed_at.is_null())
            .count()
            .get_result(&mut app.conn())
            .unwrap();
        if pending == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} messages not delivered"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Elements the feed and the sitemap may hold.
const XML_VOCABULARY: &[&str] = &[
    "feed",
    "title",
    "subtitle",
    "link",
    "id",
    "updated",
    "published",
    "entry",
    "summary",
    "content",
    "author",
    "name",
    "uri",
    "email",
    "category",
    "rights",
    "generator",
    "icon",
    "logo",
    "contributor",
    "urlset",
    "url",
    "loc",
    "lastmod",
    "changefreq",
    "priority",
];

/// The tags of an HTML fragment that could run something, as a feed reader would render it.
fn active_tags(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in html
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
    {
        let tag = tag.to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let handler = tag
            .split_whitespace()
            .skip(1)
            .any(|attribute| attribute.starts_with("on") && attribute.contains('='));
        if handler
            || tag.contains("javascript:")
            || [
                "script", "iframe", "object", "embed", "base", "meta", "link", "style", "form",
            ]
            .contains(&name.as_str())
        {
            found.push(tag.chars().take(80).collect());
        }
    }
    found
}

/// The feed and sitemap parse as XML, hold only their own elements, and the HTML they
/// carry for feed readers holds nothing that runs. Returns how many documents were read.
async fn check_feeds(app: &TestApp) -> usize {
    let mut documents = 0;
    for path in ["/feed.atom", "/sitemap.xml"] {
        let page = app.client().get(path).await;
        page.assert_status(200);
        let document = roxmltree::Document::parse(&page.body)
            .unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
        for node in document.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name().name();
            assert!(
                XML_VOCABULARY.contains(&name),
                "{path} holds a <{name}> element"
            );
            if node.attribute("type") == Some("html") {
                let html = node.text().unwrap_or_default();
                let active = active_tags(html);
                assert!(active.is_empty(), "{path}: <{name}> carries {active:?}");
            }
        }
        documents += 1;
    }
    documents
}

async fn no_stored_payload_runs_in_a_page_or_an_email(backend: Backend, test: &str) {
    if backend == Backend::Postgres && !full() {
        // Rendering does not depend on the backend; the full run (CI) covers both.
        super::note(
            test,
            "runs on PostgreSQL only with IMPRIMATUR_TEST_ATTACK=full",
        );
        return;
    }
    let Some(browser) = Browser::start(test).await else {
        return;
    };
    let Some(app) = TestApp::spawn(backend, test) else {
        browser.close().await;
        return;
    };
    let started = Instant::now();
    let all = payloads();
    // The full run tries every payload on SQLite and the sample on PostgreSQL: rendering
    // does not depend on the backend, storing does, and the sample has one of each family.
    let everything = full() && backend == Backend::Sqlite;
    let chosen: Vec<(usize, String)> = if everything {
        all.iter().cloned().enumerate().collect()
    } else {
        all.iter()
            .cloned()
            .enumerate()
            .filter(|(n, _)| n % 16 == 0 || *n == 65 || *n == 64)
            .collect()
    };
    let root = app.person(
        "root@example.org",
        "Root Admin",
        &[Role::Admin, Role::Editor, Role::Reviewer],
    );
    let author = app.person("author@example.org", "Ed Author", &[Role::Editor]);
    let mut stored = Vec::new();
    for (n, payload) in &chosen {
        stored.push((*n, store(&app, &author.caller, &root.caller, *n, payload)));
    }
    // Search boxes reflect what is typed.
    let mut pages: Vec<String> = Vec::new();
    for (n, payload) in &chosen {
        let q = encoded(payload);
        let s = &stored.iter().find(|(m, _)| m == n).unwrap().1;
        pages.extend([
            format!("/articles/{}", s.slug),
            format!("/articles/{}/history", s.slug),
            format!("/manage/articles/{}", s.article),
            format!("/manage/articles/{}/edit", s.article),
            format!("/manage/revisions/{}", s.revision),
            format!("/manage/revisions/{}/diff", s.revision),
            format!("/admin/users/{}", s.reviewer),
            format!("/?q={q}"),
            format!("/manage/articles?q={q}&author={q}"),
            format!("/admin/users?q={q}"),
            format!("/admin/audit?actor={q}"),
            format!("/login?next={q}"),
        ]);
    }
    for list in [
        "/",
        "/?page=2",
        "/dashboard",
        "/review/queue",
        "/manage/articles",
        "/manage/articles?page=2",
        "/admin/users",
        "/admin/users?page=2",
        "/admin/audit",
        "/admin/audit?page=2",
        "/admin/audit?page=3",
        "/admin/mail",
        "/admin/mail?page=2",
    ] {
        pages.push(list.to_owned());
    }

    let stored_in = started.elapsed();
    let xml_documents = check_feeds(&app).await;
    sign_in(&browser, &app, &root.email).await;
    browser
        .client
        .issue_cmd(OnEveryDocument(HOOK.to_owned()))
        .await
        .unwrap();
    let mut findings = Findings::default();
    for page in &pages {
        findings.open(&browser, &app.url(page)).await;
        findings.pages += 1;
    }
    // The site's own texts, one payload at a time, on the pages that show them.
    let site_payloads: Vec<&(usize, String)> = chosen
        .iter()
        .step_by(if everything { 3 } else { 4 })
        .collect();
    for (_, payload) in &site_payloads {
        set_site_texts(&app, &root.caller, payload);
        for page in ["/", "/editorial-policy", "/admin/settings"] {
            findings.open(&browser, &app.url(page)).await;
            findings.pages += 1;
        }
    }
    let pages_in = started.elapsed();
    delivered(&app);
    let scratch = tempfile::tempdir().unwrap();
    for file in emails(&app, scratch.path()) {
        findings
            .open(&browser, &format!("file://{}", file.display()))
            .await;
        findings.emails += 1;
    }
    browser.close().await;

    let fields = 14 + 3;
    report(&format!(
        "xss {}: {} payloads × {fields} text fields and 5 search boxes; {} pages and {} distinct \
         HTML emails opened in Chromium, {xml_documents} feed and sitemap documents parsed; \
         {} executions, {} CSP violations, {} injected active elements; stored in {:.1} s, \
         pages by {:.1} s, emails by {:.1} s",
        backend_name(backend),
        chosen.len(),
        findings.pages,
        findings.emails,
        findings.executions.len(),
        findings.violations.len(),
        findings.injected.len(),
        stored_in.as_secs_f64(),
        pages_in.as_secs_f64(),
        started.elapsed().as_secs_f64()
    ));
    assert!(
        findings.emails >= chosen.len(),
        "the payloads reached too few emails"
    );
    assert!(
        findings.executions.is_empty()
            && findings.violations.is_empty()
            && findings.injected.is_empty(),
        "executions:\n{}\nCSP violations:\n{}\ninjected:\n{}",
        findings.executions.join("\n"),
        findings.violations.join("\n"),
        findings.injected.join("\n")
    );
}
