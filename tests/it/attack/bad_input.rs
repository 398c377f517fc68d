//! The generated bad-input run: requests built from every route of the route table (and a
//! wrong method now and then), with path segments, query strings, form bodies, content types
//! and headers mutated from a corpus of hostile values, as anonymous, editor, reviewer and
//! admin. Any 5xx, or a connection the server drops (a panic), fails the run.
//!
//! Every field and query parameter of every route first gets, one at a time, a control
//! character or broken bytes; random mutations fill up the rest. Cases per backend: 1,500
//! by default, 5,000 with `IMPRIMATUR_TEST_ATTACK=full`, or
//! `IMPRIMATUR_TEST_ATTACK_CASES`; the seed is `IMPRIMATUR_TEST_ATTACK_SEED` (printed).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use futures::StreamExt;
use imprimatur::web::routes::{Route, TABLE};

use super::rows::{self, Row};
use super::world::{Made, Object, Who, World};
use super::{Rng, backend_name, env_number, full, report};
use crate::on_both_backends;
use crate::support::{Backend, Client};

on_both_backends!(async backend: generated_bad_requests_never_get_a_5xx);

/// Who the run sends as.
const SENDERS: [Who; 4] = [Who::Anonymous, Who::Author, Who::Reviewer, Who::Admin];

/// Hostile path segments, already as they go on the wire.
const BAD_SEGMENTS: &[&str] = &[
    "0",
    "-1",
    "00001",
    "1e3",
    "1.0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "%00",
    "1%00",
    "%FF",
    "%C0%AF",
    "%E2%80%AE",
    "%F0%9F%92%A9",
    "abc",
    "1%20OR%201%3D1",
    "1'--",
    "%27",
    "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f",
    "%252e%252e",
    "+",
    "%20",
    ";",
    "1;2",
    "%0d%0aSet-Cookie:%20x=y",
    "null",
    "NaN",
    "%5B%5D",
    "style.css%00.js",
    "..%5C..%5CCargo.toml",
];

/// Hostile values for query parameters and form fields: text (encoded when sent) or raw
/// bytes as they go on the wire (invalid UTF-8, lone `%`).
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Raw(&'static str),
}

fn values() -> Vec<Value> {
    let mut values: Vec<Value> = [
        "",
        " ",
        "0",
        "-1",
        "1",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "1e309",
        "NaN",
        "0x10",
        "true",
        "on",
        "null",
        "[]",
        "{}",
        "2026-13-45",
        "2026-02-30T25:61:00",
        "0000-00-00",
        "9999-12-31T23:59:59Z",
        "'; DROP TABLE users; --",
        "\" OR 1=1 --",
        "' OR ''='",
        "%",
        "_",
        "\\",
        "%25%",
        "<script>alert(1)</script>",
        "{{7*7}}",
        "${7*7}",
        "%s%n%x",
        "\r\nSet-Cookie: x=y",
        "../../etc/passwd",
        "javascript:alert(1)",
        "//evil.example/",
        "https://evil.example/",
        "\u{202e}gnp.exe",
        "\u{1f4a9}\u{1f4a9}",
        "Ünïcödé ✓",
        "\u{feff}bom",
        "a\u{0}b",
        "\u{7}bell",
        "tab\there",
        "line\nbreak",
        "\u{85}next line",
        "editor",
        "admin",
        "reviewer",
        "submit",
        "save",
        "preview",
        "add_reference",
        "roles",
        "deactivate",
    ]
    .into_iter()
    .map(|v| Value::Text(v.to_owned()))
    .collect();
    values.extend(
        [
            "%00",
            "%FF%FE",
            "%C0%80",
            "%ED%A0%80",
            "%ZZ",
            "%",
            "%%",
            "%E2%82",
            "a%00b",
        ]
        .into_iter()
        .map(Value::Raw),
    );
    values.push(Value::Text("x".repeat(10_000)));
    values.push(Value::Text("9".repeat(400)));
    values.push(Value::Text("<p>".repeat(3_000)));
    values
}

fn sharp_values() -> Vec<Value> {
    let mut sharp: Vec<Value> = [
        "%00",
        "a%00b",
        "%FF%FE",
        "%C0%80",
        "%ED%A0%80",
        "%ZZ",
        "%E2%82",
    ]
    .into_iter()
    .map(Value::Raw)
    .collect();
    sharp.extend(
        [
            "a\u{0}b@example.org",
            "\u{0}",
            "\u{7}",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
            "\u{9b}",
        ]
        .into_iter()
        .map(|v| Value::Text(v.to_owned())),
    );
    sharp
}

/// Query parameter names every list or filter might read, beside those harvested.
const QUERY_NAMES: &[&str] = &[
    "q", "author", "actor", "page", "state", "role", "against", "next", "done", "from", "to",
    "action", "sort", "kind", "status", "before", "after", "per_page", "id", "for", "format",
];

const WRONG_METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "HEAD"];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/xml",
    "",
];

fn encode(value: &Value) -> String {
    match value {
        Value::Text(text) => url::form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        Value::Raw(raw) => (*raw).to_owned(),
    }
}

fn encode_text(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Stands for the sending browser's own form token in a generated body.
const TOKEN: &str = "@TOKEN@";

/// One generated request.
#[derive(Debug, Clone)]
struct Case {
    who: Who,
    method: String,
    path: String,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    headers: Vec<(String, String)>,
    own_browser: bool,
}

impl Case {
    fn describe(&self) -> String {
        let body = self
            .body
            .as_ref()
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(300)]).into_owned())
            .unwrap_or_default();
        format!(
            "{:?} {} {} [{}] {:?} {body}",
            self.who,
            self.method,
            self.path.chars().take(300).collect::<String>(),
            self.content_type.as_deref().unwrap_or("-"),
            self.headers
        )
    }
}

/// The objects the run points at: one in every state, and their ids, slugs and tokens.
struct Pool {
    made: Vec<(Object, Made)>,
}

impl Pool {
    fn build(world: &World) -> Pool {
        let mut made = Vec::new();
        for objects in [
            &Object::REVISIONS[..],
            &Object::ARTICLES[..],
            &Object::ACCOUNTS[..],
            &Object::MAILS[..],
            &Object::LINKS[..],
            &Object::THREADS[..],
            &Object::API_TOKENS[..],
            &Object::WEBHOOKS[..],
            &Object::DELIVERIES[..],
            &Object::SPECIALTIES[..],
            &Object::CHECKLIST[..],
        ] {
            for object in objects {
                made.push((*object, world.make(*object)));
            }
        }
        Pool { made }
    }

    /// An object of the kind `row` names, in a random state.
    fn pick_for(&self, rng: &mut Rng, row: Option<&Row>) -> Made {
        let candidates: Vec<&Made> = match row {
            Some(row) => self
                .made
                .iter()
                .filter(|(object, _)| row.objects.contains(object))
                .map(|(_, made)| made)
                .collect(),
            None => Vec::new(),
        };
        if candidates.is_empty() {
            self.made[rng.below(self.made.len())].1.clone()
        } else {
            (*rng.pick(&candidates)).clone()
        }
    }
}

/// Form field and query names the application's pages use, read from every page the
/// senders can open: for each GET route, the names on its own page, and all of them.
async fn harvest_names(
    world: &World,
    pool: &Pool,
) -> (BTreeMap<&'static str, Vec<String>>, BTreeSet<String>) {
    let mut all: BTreeSet<String> = QUERY_NAMES.iter().map(|n| (*n).to_owned()).collect();
    let mut by_route = BTreeMap::new();
    for row in rows::rows().into_iter().filter(|r| r.method == "GET") {
        let mut names = BTreeSet::new();
        for who in [Who::Author, Who::Reviewer, Who::Admin] {
            for (object, made) in &pool.made {
                if !row.objects.contains(object) && !row.objects.contains(&Object::Nothing) {
                    continue;
                }
                let Some(path) = rows::try_path(&row, made) else {
                    continue;
                };
                let page = world.client(who).get(&path).await;
                let mut rest = page.body.as_str();
                while let Some(at) = rest.find("name=\"") {
                    rest = &rest[at + 6..];
                    if let Some(end) = rest.find('"') {
                        names.insert(rest[..end].to_owned());
                        rest = &rest[end..];
                    }
                }
                if row.objects.contains(&Object::Nothing) {
                    break;
                }
            }
        }
        all.extend(names.iter().cloned());
        by_route.insert(row.pattern, names.into_iter().collect());
    }
    (by_route, all)
}

struct Generator<'a> {
    rng: Rng,
    world: &'a World,
    pool: &'a Pool,
    names: Vec<String>,
    names_by_route: BTreeMap<&'static str, Vec<String>>,
    /// The values that break things most often: control characters and broken bytes.
    sharp: Vec<Value>,
    values: Vec<Value>,
    rows: Vec<Row>,
}

impl Generator<'_> {
    fn value(&mut self) -> String {
        let value = if self.rng.chance(25) {
            self.rng.pick(&self.sharp).clone()
        } else {
            self.rng.pick(&self.values).clone()
        };
        encode(&value)
    }

    fn segment(&mut self, param: &str, made: &Made) -> String {
        if self.rng.chance(35) {
            return (*self.rng.pick(BAD_SEGMENTS)).to_owned();
        }
        let valid = match param {
            "slug" => made.slug.clone(),
            "token" => made.token.clone(),
            "action" => Some(
                rows::route_actions()[self.rng.below(rows::route_actions().len())]
                    .as_str()
                    .to_owned(),
            ),
            "op" => Some((*self.rng.pick(&["enable", "disable"])).to_owned()),
            "name" => Some(
                imprimatur::web::assets::stylesheet_path()
                    .trim_start_matches("/assets/")
                    .to_owned(),
            ),
            _ => [
                made.revision.map(|r| r.to_string()),
                made.article.map(|a| a.to_string()),
                made.user.map(|u| u.to_string()),
                made.mail.map(|m| m.to_string()),
                made.webhook.map(|w| w.to_string()),
                made.delivery.map(|d| d.to_string()),
            ]
            .into_iter()
            .flatten()
            .next(),
        };
        valid.unwrap_or_else(|| (*self.rng.pick(BAD_SEGMENTS)).to_owned())
    }

    fn path(&mut self, route: &Route, made: &Made) -> String {
        let mut path = String::new();
        for part in route.path.split('/').filter(|p| !p.is_empty()) {
            path.push('/');
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(param) => path.push_str(&self.segment(param, made)),
                None => path.push_str(part),
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        path
    }

    fn query(&mut self, route: &Route) -> String {
        let own = self
            .names_by_route
            .get(route.path)
            .cloned()
            .unwrap_or_default();
        let mut pairs = Vec::new();
        for _ in 0..=self.rng.below(4) {
            let name = if !own.is_empty() && self.rng.chance(60) {
                self.rng.pick(&own).clone()
            } else if self.rng.chance(80) {
                self.rng.pick(&self.names).clone()
            } else {
                self.value()
            };
            match self.rng.below(10) {
                0 => pairs.push(encode_text(&name)),
                1 => pairs.push(String::new()),
                _ => pairs.push(format!("{}={}", encode_text(&name), self.value())),
            }
        }
        pairs.join("&")
    }

    /// A form body: the route's well-formed form, mutated, or a random one.
    fn body(&mut self, row: Option<&Row>, who: Who, made: &Made) -> Vec<u8> {
        let token = TOKEN;
        let mut fields: Vec<(String, String)> = match row {
            Some(row) if self.rng.chance(60) => rows::form(self.world, row, who, made)
                .into_iter()
                .map(|(k, v)| (encode_text(&k), encode_text(&v)))
                .collect(),
            _ => Vec::new(),
        };
        for _ in 0..=self.rng.below(4) {
            match self.rng.below(5) {
                0 | 1 if !fields.is_empty() => {
                    let at = self.rng.below(fields.len());
                    fields[at].1 = self.value();
                }
                2 if !fields.is_empty() => {
                    let at = self.rng.below(fields.len());
                    let copy = (fields[at].0.clone(), self.value());
                    fields.push(copy);
                }
                3 if !fields.is_empty() => {
                    let at = self.rng.below(fields.len());
                    fields.remove(at);
                }
                _ => {
                    let name = encode_text(&self.rng.pick(&self.names).clone());
                    let value = self.value();
                    fields.push((name, value));
                }
            }
        }
        match self.rng.below(20) {
            0 => {}
            1 => fields.insert(0, ("csrf_token".into(), self.value())),
            2 => fields.push(("csrf_token".into(), token.to_owned())),
            _ => fields.insert(0, ("csrf_token".into(), token.to_owned())),
        }
        let mut body = fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        match self.rng.below(40) {
            0 => body = "x=".to_owned() + &"y".repeat(2_200_000),
            1 => body.push_str("&&&=&=="),
            2 => body = String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x41]).into_owned(),
            _ => {}
        }
        body.into_bytes()
    }

    /// The well-formed request of `row` as `who`, with the one field or parameter `name`
    /// set to a sharp value: every field of every route meets every kind of broken text.
    fn one_sharp_field(&mut self, row: &Row, who: Who, name: &str, k: usize) -> Case {
        let made = self.pool.pick_for(&mut self.rng, Some(row));
        let path = rows::try_path(row, &made).unwrap_or_else(|| rows::path(row, &Made::default()));
        let value = encode(&self.sharp[k % self.sharp.len()]);
        if row.method == "GET" {
            return Case {
                who,
                method: "GET".into(),
                path: format!("{path}?{}={value}", encode_text(name)),
                body: None,
                content_type: None,
                headers: Vec::new(),
                own_browser: row.own_browser,
            };
        }
        let mut fields: Vec<String> = vec![format!("csrf_token={TOKEN}")];
        for (field, original) in rows::form(self.world, row, who, &made) {
            let value = if field == name {
                value.clone()
            } else {
                encode_text(&original)
            };
            fields.push(format!("{}={value}", encode_text(&field)));
        }
        Case {
            who,
            method: "POST".into(),
            path,
            body: Some(fields.join("&").into_bytes()),
            content_type: Some("application/x-www-form-urlencoded".into()),
            headers: Vec::new(),
            own_browser: row.own_browser,
        }
    }

    /// One sharp-field case for every field or parameter of every row, for every sender.
    fn systematic(&mut self) -> Vec<Case> {
        let mut cases = Vec::new();
        let mut k = 0;
        for row in self.rows.clone() {
            let names: Vec<String> = if row.method == "GET" {
                self.names_by_route
                    .get(row.pattern)
                    .cloned()
                    .unwrap_or_default()
            } else {
                let made = self.pool.pick_for(&mut self.rng, Some(&row));
                rows::form(self.world, &row, Who::Admin, &made)
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            for name in names.iter().filter(|n| n.as_str() != "csrf_token") {
                for who in SENDERS {
                    cases.push(self.one_sharp_field(&row, who, name, k));
                    k += 1;
                }
            }
        }
        cases
    }

    fn case(&mut self, route: &Route, method: &str, who: Who) -> Case {
        let row = self
            .rows
            .iter()
            .find(|r| r.pattern == route.path && r.method == method)
            .copied();
        let made = self.pool.pick_for(&mut self.rng, row.as_ref());
        let mut path = self.path(route, &made);
        if self.rng.chance(50) {
            path = format!("{path}?{}", self.query(route));
        }
        let method = if self.rng.chance(8) {
            (*self.rng.pick(WRONG_METHODS)).to_owned()
        } else {
            method.to_owned()
        };
        let (body, content_type) = if method == "POST" || self.rng.chance(3) {
            let body = self.body(row.as_ref(), who, &made);
            let content_type = if self.rng.chance(10) {
                (*self.rng.pick(CONTENT_TYPES)).to_owned()
            } else {
                "application/x-www-form-urlencoded".to_owned()
            };
            (Some(body), Some(content_type))
        } else {
            (None, None)
        };
        let mut headers = Vec::new();
        if self.rng.chance(15) {
            let header = match self.rng.below(8) {
                0 => ("X-Forwarded-For", "not an address, 999.1.1.1".to_owned()),
                1 => ("If-None-Match", "\"gärbage, W/".to_owned()),
                2 => ("If-Modified-Since", "yesterday".to_owned()),
                3 => ("Range", "bytes=99999999-1".to_owned()),
                4 => ("Accept-Language", "x".repeat(5_000)),
                5 => ("Accept", "*/*;q=banana".to_owned()),
                6 => ("Origin", "https://evil.example".to_owned()),
                _ => ("Referer", "javascript:alert(1)".to_owned()),
            };
            headers.push((header.0.to_owned(), header.1));
        }
        Case {
            who,
            method,
            path,
            body,
            content_type,
            headers,
            own_browser: row.is_some_and(|r| r.own_browser),
        }
    }
}

/// Sends one case; the status, or why there was none.
async fn send(base: &str, client: &Client, case: &Case) -> Result<u16, String> {
    let method = reqwest::Method::from_bytes(case.method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = client
        .http()
        .request(method, format!("{base}{}", case.path));
    if let Some(body) = &case.body {
        let token = client.last_csrf().unwrap_or_default();
        let body = String::from_utf8_lossy(body).replace(TOKEN, &token);
        request = request.body(body);
    }
    if let Some(content_type) = case.content_type.as_deref().filter(|c| !c.is_empty()) {
        request = request.header("content-type", content_type);
    }
    for (name, value) in &case.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    // Read the body to the end: a handler that fails while streaming it shows here.
    response
        .bytes()
        .await
        .map_err(|e| format!("{status}, then the body broke off: {e}"))?;
    Ok(status)
}

async fn generated_bad_requests_never_get_a_5xx(backend: Backend, test: &str) {
    let Some(world) = World::start(backend, test).await else {
        return;
    };
    let cases_wanted = env_number(
        "IMPRIMATUR_TEST_ATTACK_CASES",
        if full() { 5_000 } else { 1_500 },
    ) as usize;
    let seed = env_number("IMPRIMATUR_TEST_ATTACK_SEED", 20_261_201);
    let started = Instant::now();
    let pool = Pool::build(&world);
    let (names_by_route, names) = harvest_names(&world, &pool).await;
    let mut generator = Generator {
        rng: Rng::new(seed),
        world: &world,
        pool: &pool,
        names: names.into_iter().collect(),
        names_by_route,
        sharp: sharp_values(),
        values: values(),
        rows: rows::rows(),
    };
    // Every route and method, for every sender, in turn; then round again.
    let slots: Vec<(&Route, &str, Who)> = TABLE
        .iter()
        .flat_map(|route| route.methods.iter().map(move |m| (route, *m)))
        .flat_map(|(route, method)| SENDERS.into_iter().map(move |who| (route, method, who)))
        .collect();
    let mut cases = generator.systematic();
    let systematic = cases.len();
    for i in 0..cases_wanted.saturating_sub(systematic) {
        let (route, method, who) = slots[i % slots.len()];
        cases.push(generator.case(route, method, who));
    }
    let field_names = generator.names.len();

    // Spare browsers for the requests that end the session they come with, so the run's
    // own sessions survive; each has signed in before, so it is never locked out.
    let mut spares = BTreeMap::new();
    for who in SENDERS {
        spares.insert(who, world.fresh_client(who).await);
    }
    let base = world.app.base_url.clone();
    let (shared, own): (Vec<&Case>, Vec<&Case>) = cases.iter().partition(|c| !c.own_browser);
    let mut outcomes: Vec<(&Case, Result<u16, String>)> = futures::stream::iter(shared)
        .map(|case| {
            let base = base.clone();
            let world = &world;
            async move { (case, send(&base, world.client(case.who), case).await) }
        })
        .buffer_unordered(6)
        .collect()
        .await;
    for case in own {
        let spare = &spares[&case.who];
        let outcome = send(&base, spare, case).await;
        outcomes.push((case, outcome));
        if case.who.signed_in() && spare.get("/dashboard").await.status != 200 {
            let email = &world.person(case.who).unwrap().email;
            spare.sign_in(email, crate::support::PASSWORD).await;
        }
    }
    let health = world.app.client().get("/healthz").await.status;

    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (case, outcome) in &outcomes {
        match outcome {
            Ok(status) => {
                *statuses.entry(*status).or_default() += 1;
                if *status >= 500 {
                    failures.push(format!("{status}: {}", case.describe()));
                }
            }
            Err(why) => failures.push(format!("{why}: {}", case.describe())),
        }
    }
    let server_errors: usize = statuses.range(500..).map(|(_, n)| n).sum();
    report(&format!(
        "bad-input {}: {} requests ({systematic} one-field-at-a-time, the rest random, seed {seed}) \
         over {} routes × {} methods × {} senders, {} field names; {server_errors} answered 5xx, {} got no answer; statuses {statuses:?}; \
         /healthz after: {health}; in {:.1} s",
        backend_name(backend),
        outcomes.len(),
        TABLE.len(),
        slots.len() / SENDERS.len(),
        SENDERS.len(),
        field_names,
        failures.len() - failures.iter().filter(|f| f.starts_with('5')).count(),
        started.elapsed().as_secs_f64()
    ));
    assert_eq!(health, 200, "the server is not healthy after the run");
    assert!(
        failures.is_empty(),
        "{} of {} requests failed:\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
}
