//! The JSON API over HTTP, on both backends: published articles in keyset pages, one
//! article with its review provenance, RFC 9457 problem details for every error, and the
//! OpenAPI document, checked by `openapi-spec-validator` and fuzzed by `schemathesis` (from
//! PyPI) against the running server.

use std::collections::HashSet;
use std::process::Command;

use diesel::prelude::*;
use imprimatur::db::schema::{articles, users};
use imprimatur::domain::roles::Role;
use imprimatur::services::publishing;
use imprimatur::web::routes::TABLE;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{ArticleBuilder, Built, Page, Person, TestApp, skip};

on_both_backends!(
    the_list_pages_by_keyset_and_a_publication_meanwhile_shifts_nothing,
    updated_since_and_search_narrow_the_list,
    an_article_comes_with_its_reviewers_references_and_history,
    every_error_is_a_problem_document_and_changes_nothing,
    the_openapi_document_describes_every_api_route,
    the_document_validates_and_a_schema_driven_fuzzer_finds_no_fault,
);

struct Cast {
    editor: Person,
    reviewer: Person,
    admin: Person,
}

fn cast(app: &TestApp) -> Cast {
    let cast = Cast {
        admin: app.person("admin@example.org", "Ada Admin", &[Role::Admin]),
        editor: app.person("ed@example.org", "Ed Editor", &[Role::Editor]),
        reviewer: app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]),
    };
    diesel::update(users::table.filter(users::email.eq("rita@example.org")))
        .set(users::credentials.eq("MD, Cardiology"))
        .execute(&mut app.conn())
        .unwrap();
    cast
}

fn publish(app: &TestApp, cast: &Cast, title: &str, body: &str) -> Built {
    ArticleBuilder::new(app, &cast.editor)
        .title(title)
        .body(body)
        .approved_by(&[&cast.reviewer])
        .build()
}

fn slug_of(app: &TestApp, built: Built) -> String {
    articles::table
        .find(built.article)
        .select(articles::slug)
        .first(&mut app.conn())
        .unwrap()
}

/// A JSON answer: its status, media type and document.
async fn json(app: &TestApp, path: &str) -> (Page, Value) {
    let page = app.client().get(path).await;
    let value = serde_json::from_str(&page.body).unwrap_or_else(|e| {
        panic!(
            "{path} answered {}: not JSON ({e}): {}",
            page.status, page.body
        )
    });
    (page, value)
}

/// The slugs of a list page, and its `next` address.
fn slugs(list: &Value) -> (Vec<String>, Option<String>) {
    let slugs = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["slug"].as_str().unwrap().to_owned())
        .collect();
    (slugs, list["next"].as_str().map(str::to_owned))
}

/// Follows `next` from `path` to the last page; every slug, in order.
async fn all_pages(app: &TestApp, path: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let (page, list) = json(app, &path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let (slugs, more) = slugs(&list);
        seen.extend(slugs);
        next = more;
        assert!(seen.len() < 100, "the pages never end");
    }
    seen
}

async fn the_list_pages_by_keyset_and_a_publication_meanwhile_shifts_nothing(app: TestApp) {
    let cast = cast(&app);
    let mut published = Vec::new();
    for n in 1..=5 {
        let built = publish(
            &app,
            &cast,
            &format!("Question {n} about statins"),
            "Body [1] [2].",
        );
        published.push(slug_of(&app, built));
    }
    // Never approved: never listed.
    ArticleBuilder::new(&app, &cast.editor)
        .title("A draft under review")
        .submitted()
        .build();
    let newest_first: Vec<String> = published.iter().rev().cloned().collect();

    let (page, first) = json(&app, "/api/v1/articles?limit=2").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let (slugs_1, next) = slugs(&first);
    assert_eq!(slugs_1, newest_first[..2]);
    let item = &first["items"][0];
    assert_eq!(item["title"], "Question 5 about statins");
    assert_eq!(
        item["summary"],
        "Short answer about Question 5 about statins."
    );
    assert_eq!(item["url"], format!("/articles/{}", newest_first[0]));
    assert_eq!(
        item["api_url"],
        format!("/api/v1/articles/{}", newest_first[0])
    );
    assert!(item["last_reviewed_at"].as_str().unwrap().ends_with('Z'));

    // A publication between two pages goes to the top: the next page starts where the first
    // ended, not one article later (as an offset would).
    let late = publish(&app, &cast, "A late question", "Body [1] [2].");
    let rest = all_pages(&app, &next.unwrap()).await;
    assert_eq!(rest, newest_first[2..]);

    let everything = all_pages(&app, "/api/v1/articles?limit=2").await;
    let mut expected = vec![slug_of(&app, late)];
    expected.extend(newest_first);
    assert_eq!(everything, expected);
    assert_eq!(
        everything.iter().collect::<HashSet<_>>().len(),
        everything.len()
    );
}

async fn updated_since_and_search_narrow_the_list(app: TestApp) {
    let cast = cast(&app);
    let mut slugs_made = Vec::new();
    for title in [
        "Warfarin and antibiotics",
        "Warfarin and vitamin K",
        "Statins and grapefruit",
    ] {
        slugs_made.push(slug_of(&app, publish(&app, &cast, title, "Body [1] [2].")));
    }
    let (_, all) = json(&app, "/api/v1/articles").await;
    let second_newest = all["items"][1]["last_reviewed_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let since = second_newest.replace(':', "%3A").replace('+', "%2B");
    // Inclusive: the article reviewed at that very moment is listed.
    let (page, recent) = json(&app, &format!("/api/v1/articles?updated_since={since}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        slugs(&recent).0,
        [slugs_made[2].clone(), slugs_made[1].clone()]
    );
    // An offset in the time is understood.
    let (_, future) = json(
        &app,
        "/api/v1/articles?updated_since=2999-01-01T00:00:00%2B02:00",
    )
    .await;
    assert_eq!(slugs(&future).0, Vec::<String>::new());

    // A search ranks; its pages follow one another through the same ranking.
    let (_, found) = json(&app, "/api/v1/articles?q=warfarin").await;
    let mut warfarin = slugs(&found).0;
    warfarin.sort();
    assert_eq!(warfarin, [slugs_made[0].clone(), slugs_made[1].clone()]);
    let mut paged = all_pages(&app, "/api/v1/articles?q=warfarin&limit=1").await;
    paged.sort();
    assert_eq!(paged, warfarin);
    let (_, none) = json(&app, "/api/v1/articles?q=zzyzx").await;
    assert_eq!(none["items"], serde_json::json!([]));
    assert_eq!(none["next"], Value::Null);
    // Words only punctuation: nothing to search for, no error.
    let (page, _) = json(&app, "/api/v1/articles?q=%22%27%29(*").await;
    assert_eq!(page.status, 200);
    // Searching and a time filter together.
    let (_, both) = json(
        &app,
        &format!("/api/v1/articles?q=warfarin&updated_since={since}"),
    )
    .await;
    assert_eq!(slugs(&both).0, [slugs_made[1].clone()]);
}

async fn an_article_comes_with_its_reviewers_references_and_history(app: TestApp) {
    let cast = cast(&app);
    let built = publish(
        &app,
        &cast,
        "Can I take ibuprofen with lisinopril?",
        "## From the guidelines\n\nAvoid NSAIDs [1]; see the label [2].",
    );
    let slug = slug_of(&app, built);
    let second = built.revised(
        &app,
        &cast.editor,
        "Can I take ibuprofen with lisinopril?",
        "## Updated\n\nStill avoid NSAIDs [1]; the label agrees [2].",
    );
    app.act(
        &cast.reviewer,
        second.revision,
        imprimatur::domain::workflow::Action::Approve,
        "Fine.",
    );
    // A third version waits for review: announced, never shown.
    second.revised(
        &app,
        &cast.editor,
        "Unreviewed title",
        "Unreviewed text [1] [2].",
    );

    let path = format!("/api/v1/articles/{slug}");
    let (page, article) = json(&app, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(article["slug"], slug);
    assert_eq!(article["title"], "Can I take ibuprofen with lisinopril?");
    assert_eq!(
        article["body_markdown"],
        "## Updated\n\nStill avoid NSAIDs [1]; the label agrees [2]."
    );
    let html = article["body_html"].as_str().unwrap();
    assert!(html.contains("<h2") && html.contains("Updated"), "{html}");
    assert!(!page.body.contains("Unreviewed"), "{}", page.body);
    assert_eq!(article["update_pending"], true);
    assert_eq!(article["version"], 2);
    assert_eq!(
        article["reviewers"],
        serde_json::json!([{
            "name": "Dr. Rita Rao",
            "credentials": "MD, Cardiology",
            "specialties": [],
            "declaration": "No conflicts declared",
        }])
    );
    let references = article["references"].as_array().unwrap();
    assert_eq!(references.len(), 2);
    assert_eq!(references[0]["number"], 1);
    assert_eq!(references[0]["kind"], "guideline");
    assert_eq!(references[0]["source"], "ACC/AHA");
    assert_eq!(references[0]["year"], 2017);
    assert_eq!(references[1]["kind"], "drug_label");
    assert_eq!(references[1]["url"], "https://dailymed.nlm.nih.gov/");
    assert_eq!(references[1]["year"], Value::Null);
    let history = article["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["version"], 2);
    assert_eq!(history[0]["current"], true);
    assert_eq!(
        history[0]["change_note"],
        "Second version with new evidence."
    );
    assert_eq!(history[1]["version"], 1);
    assert_eq!(history[1]["current"], false);
    assert_eq!(history[1]["reviewers"][0]["name"], "Dr. Rita Rao");
    for field in ["first_published_at", "last_reviewed_at", "updated_at"] {
        assert!(
            article[field].as_str().is_some_and(|t| t.ends_with('Z')),
            "{field}"
        );
    }
    assert_eq!(article["url"], format!("/articles/{slug}"));
    assert_eq!(article["history_url"], format!("/articles/{slug}/history"));

    // Revalidation: the same answer is not sent twice.
    let etag = page.header("etag").unwrap().to_owned();
    let again = reqwest::Client::new()
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
}

/// Asserts `page` is a problem document of this status and kind; returns it.
fn problem(page: &Page, status: u16, kind: &str) -> Value {
    assert_eq!(page.status, status, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("application/problem+json"),
        "{}",
        page.body
    );
    let problem: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(problem["status"], status);
    assert_eq!(
        problem["type"],
        format!("tag:imprimatur,2026:problem/{kind}")
    );
    assert!(!problem["title"].as_str().unwrap().is_empty());
    assert!(!problem["detail"].as_str().unwrap().is_empty());
    problem
}

/// The fields a problem document names.
fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

async fn every_error_is_a_problem_document_and_changes_nothing(app: TestApp) {
    let cast = cast(&app);
    let kept = slug_of(
        &app,
        publish(&app, &cast, "Kept on the site", "Body [1] [2]."),
    );
    let gone = publish(&app, &cast, "Taken off the site", "Body [1] [2].");
    let gone_slug = slug_of(&app, gone);
    app.ctx(|ctx| {
        publishing::retract(
            ctx,
            &cast.admin.caller,
            gone.article,
            &publishing::Retraction::because("Under review"),
        )
    })
    .unwrap();
    let client = app.client();
    let before = (app.count("articles"), app.count("audit_log"));

    problem(
        &client.get("/api/v1/articles/no-such-article").await,
        404,
        "not-found",
    );
    problem(
        &client.get("/api/v1/articles/Not_A_Slug").await,
        404,
        "not-found",
    );
    let retracted = problem(
        &client.get(&format!("/api/v1/articles/{gone_slug}")).await,
        410,
        "gone",
    );
    assert!(retracted["detail"].as_str().unwrap().contains("retracted"));
    problem(&client.get("/api/v1/nothing-here").await, 404, "not-found");

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=", "limit"),
        ("limit=%2B5", "limit"),
        ("cursor=abc", "cursor"),
        ("cursor=1.2.3", "cursor"),
        ("cursor=99999999999999999999.1", "cursor"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-01-01%2000:00:00Z", "updated_since"),
        ("updated_since=", "updated_since"),
    ] {
        let page = client.get(&format!("/api/v1/articles?{query}")).await;
        let problem = problem(&page, 400, "invalid-input");
        assert_eq!(fields(&problem), [field], "{query}");
    }
    let long = "a".repeat(201);
    assert_eq!(
        fields(&problem(
            &client.get(&format!("/api/v1/articles?q={long}")).await,
            400,
            "invalid-input"
        )),
        ["q"]
    );
    // Several problems at once, each named.
    let many = problem(
        &client
            .get("/api/v1/articles?limit=0&cursor=x&updated_since=soon")
            .await,
        400,
        "invalid-input",
    );
    assert_eq!(fields(&many), ["updated_since", "limit", "cursor"]);
    problem(
        &client.get("/api/v1/articles?q=a%01b").await,
        400,
        "bad-request",
    );
    // A cursor naming an article the search no longer ranks: the results changed.
    let stale = problem(
        &client.get("/api/v1/articles?q=kept&cursor=1.999999").await,
        409,
        "conflict",
    );
    assert!(stale["detail"].as_str().unwrap().contains("start again"));

    // A method the API does not answer: 405 with the methods it does, as a problem.
    let http = reqwest::Client::new();
    for path in [
        "/api/v1/review-queue",
        &format!("/api/v1/articles/{kept}"),
        "/api/openapi.json",
    ] {
        let answer = http
            .post(app.url(path))
            .header("content-type", "application/json")
            .body(r#"{"title":"x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 405, "{path}");
        assert_eq!(answer.headers()["allow"], "GET, HEAD");
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
    }
    assert_eq!((app.count("articles"), app.count("audit_log")), before);
    // The site's own pages still answer errors as pages.
    let page = client.get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
}

async fn the_openapi_document_describes_every_api_route(app: TestApp) {
    let (page, doc) = json(&app, "/api/openapi.json").await;
    assert_eq!(page.status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], app.base_url);
    for route in TABLE.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        for method in route.methods {
            let operation = &doc["paths"][route.path][method.to_lowercase()];
            assert!(
                operation.is_object(),
                "{method} {} is not in the document",
                route.path
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|status| status.starts_with('4')),
                "{method} {}: no error answer documented",
                route.path
            );
        }
    }
    // Every POST takes an Idempotency-Key and documents the body errors.
    for route in TABLE.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        if route.methods.contains(&"POST") {
            let operation = &doc["paths"][route.path]["post"];
            let params = operation["parameters"].as_array().unwrap();
            assert!(
                params.iter().any(|p| p["name"] == "Idempotency-Key"),
                "POST {}: no Idempotency-Key",
                route.path
            );
            for status in ["413", "415", "422"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "POST {}: {status} undocumented",
                    route.path
                );
            }
        }
    }
    // The webhooks: one per event, with the signing headers and the payload's schema.
    for event in imprimatur::domain::webhooks::WebhookEvent::ALL {
        let hook = &doc["webhooks"][event.as_str()]["post"];
        assert!(
            hook.is_object(),
            "webhook {} is not in the document",
            event.as_str()
        );
        let headers: Vec<&str> = hook["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(headers.contains(&"Imprimatur-Signature"), "{headers:?}");
    }
    for schema in [
        "Problem",
        "ArticleList",
        "PublishedArticle",
        "ArticleSummary",
        "NewArticle",
        "NewRevision",
        "ActionIn",
        "MergeConflict",
        "Payload",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "no schema {schema}"
        );
    }
    let list = &doc["paths"]["/api/v1/articles"]["get"];
    let problem = &list["responses"]["400"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "{list}");
}

/// Whether Python has `module` installed.
fn python_module(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|out| out.status.success())
}

async fn the_document_validates_and_a_schema_driven_fuzzer_finds_no_fault(app: TestApp) {
    let test = "the_document_validates_and_a_schema_driven_fuzzer_finds_no_fault";
    if !python_module("openapi_spec_validator") || !python_module("schemathesis") {
        skip(
            test,
            "openapi-spec-validator or schemathesis is not installed (pip install 'openapi-spec-validator<0.10' 'schemathesis>=4,<5')",
        );
        return;
    }
    // A token that may do everything the API offers (an editor and reviewer, with every
    // scope), so the fuzzer's valid requests reach the use cases: it writes articles and
    // acts on revisions. The rate limit is out of its way.
    let app = TestApp::spawn_with(app.backend, test, |config| {
        config.api_rate_per_minute = 100_000;
    })
    .unwrap();
    let cast = cast(&app);
    publish(&app, &cast, "Warfarin and antibiotics", "Body [1] [2].");
    publish(&app, &cast, "Statins and grapefruit", "Body [1] [2].");
    let gone = publish(&app, &cast, "Taken off the site", "Body [1] [2].");
    app.ctx(|ctx| {
        publishing::retract(
            ctx,
            &cast.admin.caller,
            gone.article,
            &publishing::Retraction::because("Under review"),
        )
    })
    .unwrap();
    for n in 1..=3 {
        ArticleBuilder::new(&app, &cast.editor)
            .title(&format!("Waiting for review {n}"))
            .submitted()
            .build();
    }
    let both = app.person("bo@example.org", "Bo Both", &[Role::Editor, Role::Reviewer]);
    let input = imprimatur::services::tokens::TokenInput {
        name: "Fuzzer".into(),
        scopes: vec!["read".into(), "write".into(), "review".into()],
        expires_in_days: String::new(),
    };
    let token = app
        .ctx(|ctx| imprimatur::services::tokens::create(ctx, &both.caller, &input))
        .unwrap()
        .secret;

    let dir = tempfile::tempdir().unwrap();
    let (_, doc) = json(&app, "/api/openapi.json").await;
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let validated = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        validated.status.success(),
        "the OpenAPI document does not validate:\n{}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );

    // Valid requests may still be refused for what the schema cannot say: 409 for the
    // state of things, 410 for a retracted article, 422 for content rules that depend on
    // the action (a change request needs its reason).
    std::fs::write(
        dir.path().join("schemathesis.toml"),
        "[checks.positive_data_acceptance]\nexpected-statuses = [\"2xx\", \"401\", \"403\", \"404\", \"409\", \"410\", \"422\", \"429\"]\n",
    )
    .unwrap();
    // Every check schemathesis has (server errors, status codes, media types, headers,
    // response schemas, invalid input accepted, valid input refused), a fixed seed and a
    // bounded number of examples, from a directory of its own (it keeps an example database).
    let base = app.base_url.clone();
    let fuzzed = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-m", "schemathesis.cli", "run"])
            .arg(format!("{base}/api/openapi.json"))
            .args([
                "--url",
                &base,
                "--seed",
                "7",
                "--max-examples",
                "60",
                "--no-color",
            ])
            .args(["--request-timeout", "20"])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .current_dir(dir.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&fuzzed.stdout);
    assert!(
        fuzzed.status.success(),
        "schemathesis found faults:\n{report}{}",
        String::from_utf8_lossy(&fuzzed.stderr)
    );
    assert!(report.contains("passed"), "{report}");
    // What the fuzzer did went through the use cases: each article (the six made above
    // and those it made) is audited,
    // and the audit chain is intact.
    let created = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "article.created")
        .count();
    assert_eq!(app.count("articles"), i64::try_from(created).unwrap());
    assert!(created > 6, "the fuzzer created no article");
    let verified = app
        .ctx(|ctx| imprimatur::services::audit::verify(ctx, &cast.admin.caller))
        .unwrap();
    assert!(
        matches!(
            verified,
            imprimatur::services::audit::Verification::Intact { .. }
        ),
        "{verified:?}"
    );
}
