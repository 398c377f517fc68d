//! The workspace at a real archive's size: starts the release server on a database filled by
//! `imprimatur demo --articles N --revisions R`, signs in as each role, and prints, per page,
//! p50 and p99 latency and requests/s under `BENCH_CONNECTIONS` concurrent clients; then the
//! write rates (approvals by eight reviewers at once, a save with 20 references), the
//! server's start-up time and peak resident memory, and `imprimatur audit verify`.
//! It prints figures and asserts nothing: `scripts/bench-scale.sh` prepares the databases
//! and runs it.
//!
//! Environment: `BENCH_DATABASE_URL` (required), `BENCH_ACCOUNTS` (the file the demo's
//! account list was saved to, required), `BENCH_BIN` (default `target/release/imprimatur`),
//! `BENCH_REVISIONS` (default 10, as given to the demo), `BENCH_SECONDS` per page (default
//! 3), `BENCH_CONNECTIONS` (default 8), `BENCH_PORT` (default 18190), `BENCH_WRITES` (set to
//! 0 to skip the write phase: it approves waiting revisions, so it changes the archive),
//! `BENCH_PAGES` (set to 0 to time the writes only), `BENCH_ONLY` (time only the pages whose
//! label contains it, e.g. `queue`: for profiling one page), `BENCH_APPROVE_FROM` (skip that
//! many waiting revisions, so a second run on the same archive approves fresh ones).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Client;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn number(name: &str, default: u64) -> u64 {
    env(name, &default.to_string()).parse().unwrap_or(default)
}

/// Words that each match one topic of the demo archive: thousands of articles apiece.
const COMMON_QUERIES: [&str; 12] = [
    "blood+pressure",
    "statin+muscle",
    "metformin",
    "warfarin",
    "vaccine",
    "sunscreen",
    "aspirin",
    "grapefruit",
    "sore+throat",
    "omeprazole",
    "contraceptive",
    "kidney+disease",
];

/// Each common query as search-as-you-type sends it: whole, then with its last word cut
/// short by one to three letters.
fn typed_queries() -> impl Iterator<Item = &'static str> {
    COMMON_QUERIES
        .iter()
        .flat_map(|words| (0..4).map(move |cut| &words[..words.len() - cut]))
}

/// Latencies of one measured run.
struct Run {
    latencies: Vec<Duration>,
    errors: usize,
    bytes: usize,
    elapsed: Duration,
}

impl Run {
    /// A run of requests made one after another (or gathered from several tasks), with
    /// `errors` refused ones.
    fn of(mut latencies: Vec<Duration>, errors: usize, elapsed: Duration) -> Self {
        latencies.sort();
        Self {
            latencies,
            errors,
            bytes: 0,
            elapsed,
        }
    }

    fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[index]
    }

    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// GETs `path` from `connections` tasks at once for `seconds`.
async fn measure(client: &Client, url: String, seconds: f64, connections: usize) -> Run {
    measure_each(client, vec![url], seconds, connections).await
}

/// Like [`measure`], each request taking the next of `urls` (round and round).
async fn measure_each(client: &Client, urls: Vec<String>, seconds: f64, connections: usize) -> Run {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let urls = Arc::new(urls);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let client = client.clone();
        let urls = urls.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut bytes = 0;
            while Instant::now() < deadline {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let url = &urls[n % urls.len()];
                let start = Instant::now();
                match client.get(url.as_str()).send().await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        let body = response.bytes().await.map(|b| b.len()).unwrap_or(0);
                        if ok {
                            latencies.push(start.elapsed());
                            bytes = body;
                        } else {
                            errors += 1;
                        }
                    }
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors, bytes)
        }));
    }
    let mut run = Run {
        latencies: Vec::new(),
        errors: 0,
        bytes: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, errors, bytes) = task.await.unwrap();
        run.latencies.extend(latencies);
        run.errors += errors;
        run.bytes = run.bytes.max(bytes);
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    run
}

/// A signed-in browser: its client (with the session cookie) and its CSRF token.
#[derive(Clone)]
struct Session {
    client: Client,
    csrf: String,
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf_token\"")
        .expect("a csrf_token field");
    let open = page[..at].rfind('<').unwrap();
    let tag = &page[open..at + page[at..].find('>').unwrap()];
    let value = tag.split("value=\"").nth(1).unwrap();
    value[..value.find('"').unwrap()].to_owned()
}

async fn sign_in(base: &str, email: &str, password: &str) -> Session {
    let client = client();
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let answer = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303, "signing in as {email}");
    let dashboard = client
        .get(format!("{base}/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Session {
        client,
        csrf: csrf_of(&dashboard),
    }
}

/// The demo's account list: email → password.
fn accounts(path: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let email = words.next()?;
            let _role = words.next()?;
            let password = words.next()?;
            email
                .contains('@')
                .then(|| (email.to_owned(), password.to_owned()))
        })
        .collect()
}

/// The demo's reviewers in the order it made them (the order of its account list).
fn reviewers_in_order(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let email = words.next()?;
            (words.next()? == "reviewer").then(|| email.to_owned())
        })
        .collect()
}

/// A process's peak resident memory so far, in MB.
fn peak_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Peak and current resident memory of a process, from `/proc`.
fn memory(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| format!("{:.1} MB", kb as f64 / 1024.0))
            .unwrap_or_else(|| "?".into())
    };
    let threads = status
        .lines()
        .find(|l| l.starts_with("Threads"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    format!(
        "peak {} (VmHWM), now {} (VmRSS: {} anonymous, {} of files), {threads} threads",
        field("VmHWM"),
        field("VmRSS"),
        field("RssAnon"),
        field("RssFile"),
    )
}

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn backend(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// The ids of the archive `demo --articles` made: revision `k` of article `i` has id
/// `(i - 1) * (R + 1) + k`; every 20th article's newest revision waits for review (under
/// review when `i / 20` is odd, submitted when even).
fn revision_id(revisions: i64, i: i64, k: i64) -> i64 {
    (i - 1) * (revisions + 1) + k
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // reqwest is built without a TLS provider (the server installs ring for its webhooks).
    imprimatur::services::webhooks::install_tls_provider();
    let database = std::env::var("BENCH_DATABASE_URL").expect("BENCH_DATABASE_URL");
    let accounts = accounts(&std::env::var("BENCH_ACCOUNTS").expect("BENCH_ACCOUNTS"));
    let bin = env("BENCH_BIN", "target/release/imprimatur");
    let revisions = number("BENCH_REVISIONS", 10) as i64;
    let seconds = env("BENCH_SECONDS", "3").parse::<f64>().unwrap_or(3.0);
    let connections = number("BENCH_CONNECTIONS", 8) as usize;
    let port = number("BENCH_PORT", 18190);
    let writes = env("BENCH_WRITES", "1") != "0";
    let pages_on = env("BENCH_PAGES", "1") != "0";
    // Only the pages whose label contains this (e.g. "queue"), to profile one of them.
    let only = env("BENCH_ONLY", "");
    let chosen = |label: &str| pages_on && label.contains(only.as_str());
    let base = format!("http://127.0.0.1:{port}");
    let data = tempfile::tempdir().unwrap();
    let password = |email: &str| {
        accounts
            .get(email)
            .cloned()
            .expect("the account's password")
    };

    let started = Instant::now();
    let child = Command::new(&bin)
        .env("IMPRIMATUR_DATABASE_URL", &database)
        .env("IMPRIMATUR_BIND", format!("127.0.0.1:{port}"))
        .env("IMPRIMATUR_PUBLIC_URL", &base)
        .env("IMPRIMATUR_DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    let pid = child.id();
    let server = Server { child };
    let probe = client();
    loop {
        if let Ok(r) = probe.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no start-up");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let startup = started.elapsed();
    println!(
        "{}: {database}; {connections} connections, {seconds} s per page, {} cores",
        backend(&database),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("start-up (spawn to /healthz 200): {}", ms(startup));

    let editor = sign_in(
        &base,
        "erin@demo.imprimatur.test",
        &password("erin@demo.imprimatur.test"),
    )
    .await;
    let reviewer = sign_in(
        &base,
        "priya@demo.imprimatur.test",
        &password("priya@demo.imprimatur.test"),
    )
    .await;
    let admin = sign_in(
        &base,
        "admin@demo.imprimatur.test",
        &password("admin@demo.imprimatur.test"),
    )
    .await;
    let public = client();
    let home = public
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let slug = home
        .split("href=\"/articles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an article on the home page")
        .to_owned();
    let waiting = revision_id(revisions, 20, revisions);
    let pages: Vec<(&str, &Session, String)> = vec![
        ("dashboard (editor)", &editor, "/dashboard".into()),
        ("dashboard (reviewer)", &reviewer, "/dashboard".into()),
        ("dashboard (admin)", &admin, "/dashboard".into()),
        ("review queue", &reviewer, "/review/queue".into()),
        (
            "review queue: assigned to me",
            &reviewer,
            "/review/queue?show=assigned".into(),
        ),
        (
            "review queue: re-requested",
            &reviewer,
            "/review/queue?show=re_requested".into(),
        ),
        ("review queue: next page", &reviewer, "QUEUE_NEXT".into()),
        ("drafts (editor)", &editor, "/manage/drafts".into()),
        ("articles", &editor, "/manage/articles".into()),
        ("articles: next page", &editor, "ARTICLES_NEXT".into()),
        (
            "articles ?state=submitted",
            &editor,
            "/manage/articles?state=submitted".into(),
        ),
        (
            "articles ?state=approved",
            &editor,
            "/manage/articles?state=approved".into(),
        ),
        (
            "articles ?author=sam",
            &editor,
            "/manage/articles?author=sam%40demo.imprimatur.test".into(),
        ),
        (
            "articles ?q=question 777",
            &editor,
            "/manage/articles?q=question+777".into(),
        ),
        ("article page", &editor, "/manage/articles/20".into()),
        (
            "revision page",
            &reviewer,
            format!("/manage/revisions/{waiting}"),
        ),
        (
            "diff page",
            &reviewer,
            format!("/manage/revisions/{waiting}/diff"),
        ),
        ("audit log", &admin, "/admin/audit".into()),
        (
            "audit log ?article=20",
            &admin,
            "/admin/audit?article=20".into(),
        ),
        (
            "audit log ?actor=priya",
            &admin,
            "/admin/audit?actor=priya%40demo.imprimatur.test".into(),
        ),
        (
            "audit log ?action=changes requested",
            &admin,
            "/admin/audit?action=revision.changes_requested".into(),
        ),
        ("mail", &admin, "/admin/mail".into()),
        ("users", &admin, "/admin/users".into()),
    ];
    let publics: Vec<(&str, String)> = vec![
        ("public home", "/".into()),
        ("public article", format!("/articles/{slug}")),
        ("public history", format!("/articles/{slug}/history")),
        ("search: common words", "/?q=blood+pressure".into()),
        ("search: rare words", "/?q=Question+777".into()),
        ("search: page 2", "/?q=blood+pressure&page=2".into()),
        ("feed", "/feed.atom".into()),
        ("sitemap", "/sitemap.xml".into()),
        ("sitemap file", "/sitemap.xml?page=1".into()),
    ];
    println!(
        "{:<38} {:>10} {:>10} {:>9} {:>9} {:>7} {:>8}",
        "page", "p50", "p99", "req/s", "bytes", "errors", "peak MB"
    );
    let mut worst = Duration::ZERO;
    let show = |label: &str, run: &Run| {
        println!(
            "{:<38} {:>10} {:>10} {:>9.0} {:>9} {:>7} {:>8.1}",
            label,
            ms(run.quantile(0.5)),
            ms(run.quantile(0.99)),
            run.rate(),
            run.bytes,
            run.errors,
            peak_mb(pid)
        );
    };
    for (label, session, path) in pages.iter().filter(|(label, ..)| chosen(label)) {
        let path = match path.as_str() {
            "QUEUE_NEXT" => next_link(&session.client, &format!("{base}/review/queue")).await,
            "ARTICLES_NEXT" => next_link(&session.client, &format!("{base}/manage/articles")).await,
            other => Some(other.to_owned()),
        };
        let Some(path) = path else {
            println!("{label:<38} (no next page link)");
            continue;
        };
        let run = measure(
            &session.client,
            format!("{base}{path}"),
            seconds,
            connections,
        )
        .await;
        worst = worst.max(run.quantile(0.5));
        show(label, &run);
    }
    for (label, path) in publics.iter().filter(|(label, _)| chosen(label)) {
        let run = measure(&public, format!("{base}{path}"), seconds, connections).await;
        worst = worst.max(run.quantile(0.5));
        show(label, &run);
    }
    // Searches that miss the page cache: every request asks for a page not asked in the
    // last few seconds. Common words: each topic of the archive (each matches thousands of
    // articles), as typed (the last word cut short, as search-as-you-type sends it), every
    // page of its ranked results, in turn (a query's pages share its ranking). Rare words:
    // one article's number.
    // A query's ranking is kept for two seconds and shared by its pages: first, the first
    // page of each of the 48 common-word queries, asked once each by one client, so every
    // one is ranked anew (what a reader typing a new query waits for, alone).
    if chosen("search, new query") {
        let firsts: Vec<String> = typed_queries()
            .map(|words| format!("{base}/?q={words}"))
            .collect();
        let started = Instant::now();
        let mut latencies = Vec::new();
        for url in &firsts {
            let start = Instant::now();
            let answer = public.get(url).send().await.unwrap();
            assert!(answer.status().is_success(), "{url}");
            answer.bytes().await.unwrap();
            latencies.push(start.elapsed());
        }
        let run = Run::of(latencies, 0, started.elapsed());
        show("search, new query (1 client)", &run);
    }
    let common: Vec<String> = typed_queries()
        .flat_map(|words| {
            let base = base.clone();
            (1..=50).map(move |p| format!("{base}/?q={words}&page={p}"))
        })
        .collect();
    let rare: Vec<String> = (10_000..100_000)
        .map(|n| format!("{base}/?q={n}"))
        .collect();
    for (label, urls) in [
        ("search, uncached: common words", common),
        ("search, uncached: rare words", rare),
    ]
    .into_iter()
    .filter(|(label, _)| chosen(label))
    {
        let run = measure_each(&public, urls, seconds, connections).await;
        worst = worst.max(run.quantile(0.5));
        show(label, &run);
    }
    println!("slowest p50: {}", ms(worst));
    println!("server memory after the pages: {}", memory(pid));

    if writes {
        approvals(&base, &accounts, revisions, seconds.max(3.0)).await;
        saves(&base, &editor, 50).await;
        println!("server memory after the writes: {}", memory(pid));
    }
    drop(server);

    let started = Instant::now();
    let output = Command::new(&bin)
        .args(["audit", "verify"])
        .env("IMPRIMATUR_DATABASE_URL", &database)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    println!(
        "audit verify: {} in {:.1} s: {}",
        if output.status.success() {
            "intact"
        } else {
            "FAILED"
        },
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .collect::<Vec<_>>()
            .join(" / ")
    );
}

/// The "Next" link of a paginated page.
async fn next_link(client: &Client, url: &str) -> Option<String> {
    let page = client.get(url).send().await.ok()?.text().await.ok()?;
    let at = page.find("rel=\"next\"")?;
    let open = page[..at].rfind('<')?;
    let tag = &page[open..at + page[at..].find('>')?];
    let href = tag.split("href=\"").nth(1)?;
    Some(
        href[..href.find('"')?]
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

/// Eight reviewers approve waiting revisions at once, for `seconds`: each approval is a
/// transition, its audit row and its queued mail in one transaction.
async fn approvals(base: &str, accounts: &HashMap<String, String>, revisions: i64, seconds: f64) {
    let mut reviewers: Vec<(String, String)> = accounts
        .iter()
        .filter(|(email, _)| {
            !["admin@", "erin@", "sam@"]
                .iter()
                .any(|p| email.starts_with(p))
        })
        .map(|(e, p)| (e.clone(), p.clone()))
        .collect();
    reviewers.sort();
    // Issue 12's measure is eight reviewers at once, however many the demo has.
    reviewers.truncate(8);
    let articles = number("BENCH_ARTICLES", 100_000) as i64;
    // The demo's first reviewer of revision k of article i (`Cast::reviewers`) approved it
    // already when it is under review: it goes to another reviewer, so every request is an
    // approval, not a refusal.
    let made = reviewers_in_order(&std::env::var("BENCH_ACCOUNTS").expect("BENCH_ACCOUNTS"));
    let count = reviewers.len();
    let waiting: Vec<(usize, i64)> = (1..=articles)
        .filter(|i| i % 20 == 0)
        .skip(number("BENCH_APPROVE_FROM", 0) as usize)
        .enumerate()
        .map(|(n, i)| {
            let first = &made[(i + revisions) as usize % made.len().max(1)];
            let mut who = n % count;
            if &reviewers[who].0 == first {
                who = (who + 1) % count;
            }
            (who, revision_id(revisions, i, revisions))
        })
        .collect();
    // Everyone signs in first: the clock covers the approvals only.
    let mut sessions = Vec::new();
    for (email, password) in &reviewers {
        sessions.push(sign_in(base, email, password).await);
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, session) in sessions.into_iter().enumerate() {
        let base = base.to_owned();
        let mine: Vec<i64> = waiting
            .iter()
            .filter(|(who, _)| *who == n)
            .map(|&(_, id)| id)
            .collect();
        tasks.push(tokio::spawn(async move {
            let (mut done, mut refused, mut latencies) = (0, 0, Vec::new());
            for id in mine {
                if Instant::now() >= deadline {
                    break;
                }
                let start = Instant::now();
                let answer = session
                    .client
                    .post(format!("{base}/manage/revisions/{id}/approve"))
                    .form(&[
                        ("csrf_token", session.csrf.as_str()),
                        ("comment", ""),
                        ("declaration", "none"),
                    ])
                    .send()
                    .await
                    .unwrap();
                if answer.status().as_u16() == 303 {
                    done += 1;
                    latencies.push(start.elapsed());
                } else {
                    refused += 1;
                }
            }
            (done, refused, latencies)
        }));
    }
    let (mut done, mut refused, mut latencies) = (0, 0, Vec::new());
    for task in tasks {
        let (d, r, l) = task.await.unwrap();
        done += d;
        refused += r;
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let run = Run::of(latencies, refused, started.elapsed());
    println!(
        "approve, {count} reviewers at once: {done} approvals in {elapsed:.1} s = {:.0}/s, p50 {}, p99 {}, {refused} refused",
        done as f64 / elapsed,
        ms(run.quantile(0.5)),
        ms(run.quantile(0.99)),
    );
}

/// One editor saves `count` new drafts with 20 references each, one after another.
async fn saves(base: &str, editor: &Session, count: usize) {
    let mut latencies = Vec::new();
    for n in 0..count {
        let mut fields: Vec<(String, String)> = vec![
            ("csrf_token".into(), editor.csrf.clone()),
            (
                "title".into(),
                format!("Benchmark draft {n} with twenty references"),
            ),
            ("summary".into(), "A draft saved by the benchmark.".into()),
            (
                "body".into(),
                "## Evidence\n\nSee the guideline [1] and the trials [2] [20].".into(),
            ),
            ("change_note".into(), "First version.".into()),
            ("op".into(), "save".into()),
        ];
        for r in 1..=20 {
            fields.extend([
                ("ref_position".into(), r.to_string()),
                ("ref_kind".into(), "research".into()),
                ("ref_title".into(), format!("Trial {r} of the benchmark")),
                ("ref_source".into(), "Journal of Benchmarks".into()),
                ("ref_year".into(), "2024".into()),
                ("ref_url".into(), format!("https://example.org/trial/{r}")),
            ]);
        }
        let start = Instant::now();
        let answer = editor
            .client
            .post(format!("{base}/manage/articles"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 303, "saving a draft");
        latencies.push(start.elapsed());
    }
    let run = Run::of(latencies, 0, Duration::from_secs(1));
    println!(
        "save a draft with 20 references, one at a time: {count} saves, p50 {}, p99 {}",
        ms(run.quantile(0.5)),
        ms(run.quantile(0.99))
    );
}
