//! The write half of the API, over HTTP on both backends: a drafting pipeline and two
//! reviewers run a whole review round with tokens alone; a stale base merges or answers 409
//! with the conflicts; `expected_version`, scopes and separation of duties hold; a retried
//! POST with the same `Idempotency-Key` does nothing twice, even when the retries race;
//! and bad bodies get 400/413/415/422 problem documents and change nothing.

use imprimatur::domain::roles::Role;
use imprimatur::services::tokens::{self, TokenInput};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{Person, TestApp};

on_both_backends!(
    a_pipeline_and_two_reviewers_run_a_whole_round_through_the_api,
    a_stale_base_merges_or_answers_409_with_the_conflicts,
    expected_version_scopes_and_separation_of_duties_hold,
    a_retried_post_with_the_same_key_does_nothing_twice,
    bad_bodies_get_problem_documents_and_change_nothing,
    an_api_approval_attests_the_checklist_and_an_assignment_takes_a_due_date,
    a_patient_version_is_written_approved_and_read_through_the_api,
);

struct Cast {
    editor: Person,
    rita: Person,
    sam: Person,
}

fn cast(app: &TestApp) -> Cast {
    app.execute("UPDATE settings SET approvals_required = 2");
    Cast {
        editor: app.person("ed@example.org", "Ed Editor", &[Role::Editor]),
        rita: app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]),
        sam: app.person("sam@example.org", "Dr. Sam Shah", &[Role::Reviewer]),
    }
}

fn token_for(app: &TestApp, person: &Person, scopes: &[&str]) -> String {
    let input = TokenInput {
        name: format!("{} program", person.email),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires_in_days: String::new(),
    };
    app.ctx(|ctx| tokens::create(ctx, &person.caller, &input))
        .unwrap()
        .secret
}

/// An answer: status, content type, the `Idempotent-Replayed` header, the document.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    kind: String,
    replayed: bool,
    location: Option<String>,
    doc: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let answer = request.send().await.unwrap();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let kind = header("content-type").unwrap_or_default();
    let replayed = header("idempotent-replayed").is_some_and(|v| v == "true");
    let location = header("location");
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    let doc = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        kind,
        replayed,
        location,
        doc,
    }
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value, key: Option<&str>) -> Reply {
    let mut request = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    send(request).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Reply {
    send(reqwest::Client::new().get(app.url(path)).bearer_auth(token)).await
}

fn problem_type(reply: &Reply) -> &str {
    assert_eq!(reply.kind, "application/problem+json", "{reply:?}");
    reply.doc["type"].as_str().unwrap()
}

fn article(title: &str, body: &str, submit: bool) -> Value {
    json!({
        "title": title,
        "summary": "Short answer.",
        "body": body,
        "change_note": "First draft from the pipeline.",
        "references": [
            {"kind": "guideline", "title": "ACR guideline", "source": "ACR", "year": 2024, "url": "https://example.org/acr"},
            {"kind": "drug_label", "title": "Label"}
        ],
        "submit": submit,
    })
}

fn id(doc: &Value, field: &str) -> i64 {
    doc[field]
        .as_i64()
        .unwrap_or_else(|| panic!("no {field} in {doc}"))
}

async fn a_pipeline_and_two_reviewers_run_a_whole_round_through_the_api(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let rita = token_for(&app, &cast.rita, &["review"]);
    let sam = token_for(&app, &cast.sam, &["review"]);

    // The pipeline submits an article.
    let body = "Methotrexate is taken once a week [1].\n\nCheck the label [2].";
    let created = post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &article("How is methotrexate dosed?", body, true),
        None,
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.doc["state"], "submitted");
    let (article_id, first) = (
        id(&created.doc, "article_id"),
        id(&created.doc, "revision_id"),
    );
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/v1/revisions/{first}").as_str())
    );

    // It reads the state back.
    let state = get(
        &app,
        &pipeline,
        &format!("/api/v1/articles/{article_id}/revisions"),
    )
    .await;
    assert_eq!(state.status, 200, "{state:?}");
    assert_eq!(state.doc["revisions"][0]["state"], "submitted");
    assert_eq!(state.doc["current_revision_id"], first);
    let read = get(&app, &rita, &format!("/api/v1/revisions/{first}")).await;
    assert_eq!(read.doc["references"].as_array().unwrap().len(), 2);
    let version = id(&read.doc, "version");

    // A reviewer asks for changes, on the version she read.
    let asked = post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{first}/request-changes"),
        &json!({"expected_version": version, "comment": "Add the folic acid advice."}),
        None,
    )
    .await;
    assert_eq!(asked.status, 200, "{asked:?}");
    assert_eq!(asked.doc["state"], "changes_requested");
    assert!(
        asked.doc["threads"][0]["comments"][0]["body"]
            .as_str()
            .unwrap()
            .contains("folic acid")
    );

    // The pipeline answers with a new revision from the one it submitted.
    let answered = post(
        &app,
        &pipeline,
        &format!("/api/v1/articles/{article_id}/revisions"),
        &json!({
            "base_revision_id": first,
            "title": "How is methotrexate dosed?",
            "body": format!("{body}\n\nFolic acid is taken on another day [1]."),
            "change_note": "Added folic acid advice.",
            "references": [
                {"kind": "guideline", "title": "ACR guideline"},
                {"kind": "drug_label", "title": "Methotrexate label"}
            ],
            "submit": true,
        }),
        None,
    )
    .await;
    assert_eq!(answered.status, 201, "{answered:?}");
    assert_eq!(answered.doc["merged_with_revision_id"], Value::Null);
    let second = id(&answered.doc, "revision_id");

    // Two reviewers approve; the second approval publishes.
    for (token, published) in [(&rita, false), (&sam, true)] {
        let approved = post(
            &app,
            token,
            &format!("/api/v1/revisions/{second}/approve"),
            &json!({"comment": "Doses checked.", "declaration": "none"}),
            None,
        )
        .await;
        assert_eq!(approved.status, 200, "{approved:?}");
        assert_eq!(
            approved.doc["state"] == "approved",
            published,
            "{approved:?}"
        );
    }

    // The public API shows it with its reviewers.
    let slug = state.doc["slug"].as_str().unwrap();
    let public =
        send(reqwest::Client::new().get(app.url(&format!("/api/v1/articles/{slug}")))).await;
    assert_eq!(public.status, 200, "{public:?}");
    let reviewers: Vec<&str> = public.doc["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(reviewers, ["Dr. Rita Rao", "Dr. Sam Shah"]);
    assert!(
        public.doc["body_markdown"]
            .as_str()
            .unwrap()
            .contains("Folic acid")
    );

    // The same audit trail as the browser's.
    let actions = app.audit_actions();
    for action in [
        "article.created",
        "revision.submitted",
        "revision.changes_requested",
        "revision.approved",
        "article.published",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "no {action} in {actions:?}"
        );
    }
    assert!(app.count("mail_outbox") > 0, "nobody was told");
}

async fn a_stale_base_merges_or_answers_409_with_the_conflicts(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let colleague = app.person("cole@example.org", "Cole Editor", &[Role::Editor]);
    let colleague = token_for(&app, &colleague, &["write"]);
    let base_body = "Paragraph one.\n\nParagraph two.\n\nParagraph three.";
    let created = post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &article("Merging", base_body, true),
        None,
    )
    .await;
    let (article_id, base) = (
        id(&created.doc, "article_id"),
        id(&created.doc, "revision_id"),
    );
    let revisions = format!("/api/v1/articles/{article_id}/revisions");
    let from_base = |body: &str| {
        json!({"base_revision_id": base, "title": "Merging", "body": body, "submit": true,
               "references": [{"kind": "guideline", "title": "ACR guideline", "source": "ACR", "year": 2024, "url": "https://example.org/acr"}, {"kind": "drug_label", "title": "Label"}],
               "summary": "Short answer."})
    };

    // A colleague changes paragraph one.
    let theirs = post(
        &app,
        &colleague,
        &revisions,
        &from_base("Paragraph ONE, corrected.\n\nParagraph two.\n\nParagraph three."),
        None,
    )
    .await;
    assert_eq!(theirs.status, 201, "{theirs:?}");
    let theirs = id(&theirs.doc, "revision_id");

    // The pipeline, still on the base, changes paragraph three: merged, both kept.
    let merged = post(
        &app,
        &pipeline,
        &revisions,
        &from_base("Paragraph one.\n\nParagraph two.\n\nParagraph three, expanded."),
        None,
    )
    .await;
    assert_eq!(merged.status, 201, "{merged:?}");
    assert_eq!(merged.doc["merged_with_revision_id"], theirs);
    let saved = get(
        &app,
        &pipeline,
        &format!("/api/v1/revisions/{}", id(&merged.doc, "revision_id")),
    )
    .await;
    assert_eq!(
        saved.doc["body_markdown"],
        "Paragraph ONE, corrected.\n\nParagraph two.\n\nParagraph three, expanded."
    );

    // From the old base again, paragraph one changed otherwise: 409, nothing saved.
    let before = app.count("revisions");
    let clash = post(
        &app,
        &colleague,
        &revisions,
        &from_base("Paragraph 1, reworded.\n\nParagraph two.\n\nParagraph three."),
        None,
    )
    .await;
    assert_eq!(clash.status, 409, "{clash:?}");
    assert_eq!(
        problem_type(&clash),
        "tag:imprimatur,2026:problem/merge-conflict"
    );
    assert_eq!(
        clash.doc["newer_revision_id"],
        id(&merged.doc, "revision_id")
    );
    let conflict = &clash.doc["conflicts"][0];
    assert_eq!(conflict["field"], "body", "{clash:?}");
    assert_eq!(conflict["at"], 1);
    assert_eq!(conflict["mine"], "Paragraph 1, reworded.");
    assert_eq!(conflict["theirs"], "Paragraph ONE, corrected.");
    assert_eq!(
        app.count("revisions"),
        before,
        "a conflicting save stored something"
    );
}

async fn expected_version_scopes_and_separation_of_duties_hold(app: TestApp) {
    let cast = cast(&app);
    let both = app.person("bo@example.org", "Bo Both", &[Role::Editor, Role::Reviewer]);
    let bo = token_for(&app, &both, &["write", "review"]);
    let reader = token_for(&app, &cast.rita, &["read"]);
    let rita = token_for(&app, &cast.rita, &["review"]);
    let ed_read = token_for(&app, &cast.editor, &["read"]);
    let created = post(
        &app,
        &bo,
        "/api/v1/articles",
        &article("Duties", "Body [1] [2].", true),
        None,
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    let revision = id(&created.doc, "revision_id");
    let approve = format!("/api/v1/revisions/{revision}/approve");
    let reviews = app.count("reviews");

    // A read token cannot act, nor write; a token cannot approve its account's own work.
    let refused = post(&app, &reader, &approve, &json!({}), None).await;
    assert_eq!(
        (refused.status, problem_type(&refused)),
        (403, "tag:imprimatur,2026:problem/forbidden")
    );
    let refused = post(
        &app,
        &ed_read,
        "/api/v1/articles",
        &article("No", "No.", false),
        None,
    )
    .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    let own = post(&app, &bo, &approve, &json!({}), None).await;
    assert_eq!(own.status, 403, "{own:?}");

    // Acting on a version that is no longer the revision's: 409, nothing done.
    let read = get(&app, &rita, &format!("/api/v1/revisions/{revision}")).await;
    let version = id(&read.doc, "version");
    let claimed = post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{revision}/claim"),
        &json!({"expected_version": version}),
        None,
    )
    .await;
    assert_eq!(claimed.status, 200, "{claimed:?}");
    let stale = post(
        &app,
        &rita,
        &approve,
        &json!({"expected_version": version}),
        None,
    )
    .await;
    assert_eq!(stale.status, 409, "{stale:?}");
    assert!(
        stale.doc["detail"]
            .as_str()
            .unwrap()
            .contains("changed since you read it")
    );
    // A state that does not allow it: 409 too; an unknown action: 404.
    let withdraw = post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{revision}/withdraw"),
        &json!({}),
        None,
    )
    .await;
    assert_eq!(withdraw.status, 403, "{withdraw:?}");
    let unknown = post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{revision}/publish"),
        &json!({}),
        None,
    )
    .await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
    // A change request needs its reason.
    let silent = post(
        &app,
        &rita,
        &format!("/api/v1/revisions/{revision}/request-changes"),
        &json!({"comment": "  "}),
        None,
    )
    .await;
    assert_eq!(silent.status, 422, "{silent:?}");
    assert_eq!(silent.doc["errors"][0]["field"], "comment");
    assert_eq!(
        app.count("reviews"),
        reviews,
        "a refused action left a review"
    );

    // An approval must carry its declaration of interests.
    let fresh = id(&claimed.doc, "version");
    let undeclared = post(
        &app,
        &rita,
        &approve,
        &json!({"expected_version": fresh}),
        None,
    )
    .await;
    assert_eq!(undeclared.status, 422, "{undeclared:?}");
    assert_eq!(undeclared.doc["errors"][0]["field"], "declaration");
    let vague = post(
        &app,
        &rita,
        &approve,
        &json!({"expected_version": fresh, "declaration": "conflict"}),
        None,
    )
    .await;
    assert_eq!(vague.status, 422, "{vague:?}");
    assert_eq!(vague.doc["errors"][0]["field"], "conflict");
    assert_eq!(
        app.count("reviews"),
        reviews,
        "a refused approval left a review"
    );

    // With the version now current and a declaration, it goes through.
    let approved = post(
        &app,
        &rita,
        &approve,
        &json!({"expected_version": fresh, "declaration": "none"}),
        None,
    )
    .await;
    assert_eq!(approved.status, 200, "{approved:?}");
    assert_eq!(app.count("reviews"), reviews + 1);
}

async fn a_retried_post_with_the_same_key_does_nothing_twice(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let rita = token_for(&app, &cast.rita, &["review"]);
    let body = article("Retried", "Body [1] [2].", true);
    let first = post(&app, &pipeline, "/api/v1/articles", &body, Some("k-1")).await;
    assert_eq!((first.status, first.replayed), (201, false), "{first:?}");
    let again = post(&app, &pipeline, "/api/v1/articles", &body, Some("k-1")).await;
    assert_eq!((again.status, again.replayed), (201, true), "{again:?}");
    assert_eq!(again.doc, first.doc);
    assert_eq!(app.count("articles"), 1);

    // The same key for another request is refused; another key is another article.
    let other = post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &article("Other", "B [1] [2].", false),
        Some("k-1"),
    )
    .await;
    assert_eq!(other.status, 422, "{other:?}");
    assert_eq!(other.doc["errors"][0]["field"], "Idempotency-Key");
    let bad_key = post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &body,
        Some("with space"),
    )
    .await;
    assert_eq!(bad_key.status, 400, "{bad_key:?}");
    assert_eq!(app.count("articles"), 1);

    // Keys are per token: the reviewer's "k-1" is her own.
    let revision = id(&first.doc, "revision_id");
    let approve = format!("/api/v1/revisions/{revision}/approve");
    let approved = post(
        &app,
        &rita,
        &approve,
        &json!({"declaration": "none"}),
        Some("k-1"),
    )
    .await;
    assert_eq!(
        (approved.status, approved.replayed),
        (200, false),
        "{approved:?}"
    );
    let retried = post(
        &app,
        &rita,
        &approve,
        &json!({"declaration": "none"}),
        Some("k-1"),
    )
    .await;
    assert_eq!(
        (retried.status, retried.replayed),
        (200, true),
        "{retried:?}"
    );
    assert_eq!(app.count("reviews"), 1);

    // Eight retries racing with one key: one article, every answer the same or "wait".
    let racing = article("Raced", "Body [1] [2].", false);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (url, token, racing) = (
            app.url("/api/v1/articles"),
            pipeline.clone(),
            racing.clone(),
        );
        tasks.push(tokio::spawn(async move {
            send(
                reqwest::Client::new()
                    .post(url)
                    .bearer_auth(token)
                    .header("idempotency-key", "race")
                    .header("content-type", "application/json")
                    .body(racing.to_string()),
            )
            .await
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            201 => created.push(reply.doc),
            409 => assert!(
                reply.doc["detail"]
                    .as_str()
                    .unwrap()
                    .contains("Idempotency-Key")
            ),
            other => panic!("a racing retry got {other}: {reply:?}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|doc| *doc == created[0]), "{created:?}");
    assert_eq!(
        app.count("articles"),
        2,
        "a racing retry created a second article"
    );
}

async fn bad_bodies_get_problem_documents_and_change_nothing(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let url = app.url("/api/v1/articles");
    let raw = |kind: &'static str, body: Vec<u8>| {
        reqwest::Client::new()
            .post(url.clone())
            .bearer_auth(pipeline.clone())
            .header("content-type", kind)
            .body(body)
    };
    // The token's first use is audited (a new address); count from after it.
    assert_eq!(
        get(&app, &pipeline, "/api/v1/review-queue").await.status,
        403
    );
    let before = (
        app.count("articles"),
        app.count("revisions"),
        app.count("audit_log"),
    );
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (raw("text/plain", b"{}".to_vec()), 415, "unsupported-media-type"),
        (raw("application/x-www-form-urlencoded", b"title=x".to_vec()), 415, "unsupported-media-type"),
        (raw("application/json", vec![b' '; 3 * 1024 * 1024]), 413, "payload-too-large"),
        (raw("application/json", b"{\"title\": ".to_vec()), 400, "bad-request"),
        (raw("application/json", b"{} {}".to_vec()), 400, "bad-request"),
        (raw("application/json", b"[]".to_vec()), 422, "unprocessable-content"),
        (raw("application/json", b"{\"body\": \"B\"}".to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "T", "body": "B", "colour": "red"}"#.to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "T", "body": "B", "references": [{"kind": "guideline", "title": "R", "year": "soon"}]}"#.to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "   ", "body": "B"}"#.to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "T", "body": "B", "references": [{"kind": "book", "title": "R"}]}"#.to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "T", "body": "B", "references": [{"kind": "other", "title": " "}]}"#.to_vec()), 422, "unprocessable-content"),
        (raw("application/json", br#"{"title": "T", "body": "B", "references": [{"kind": "other", "title": "R", "url": "ftp://x"}]}"#.to_vec()), 422, "unprocessable-content"),
        // PostgreSQL cannot store NUL: refused on both backends alike.
        (raw("application/json", br#"{"title": "T", "body": "B\u0000"}"#.to_vec()), 422, "unprocessable-content"),
    ];
    for (n, (request, status, kind)) in cases.into_iter().enumerate() {
        let reply = send(request).await;
        assert_eq!(reply.status, status, "case {n}: {reply:?}");
        assert_eq!(
            problem_type(&reply),
            format!("tag:imprimatur,2026:problem/{kind}"),
            "case {n}"
        );
    }
    // The field is named, as a path into the body.
    let year = send(raw("application/json", br#"{"title": "T", "body": "B", "references": [{"kind": "guideline", "title": "R", "year": "soon"}]}"#.to_vec())).await;
    assert_eq!(
        year.doc["errors"][0]["field"], "references.0.year",
        "{year:?}"
    );
    let nul = send(raw(
        "application/json",
        br#"{"title": "T", "references": [{"kind": "other", "title": "R\u0000"}], "body": "B"}"#
            .to_vec(),
    ))
    .await;
    assert_eq!(
        nul.doc["errors"][0]["field"], "references.0.title",
        "{nul:?}"
    );
    let blank = send(raw(
        "application/json",
        br#"{"title": "   ", "body": "B"}"#.to_vec(),
    ))
    .await;
    assert_eq!(blank.doc["errors"][0]["field"], "title", "{blank:?}");
    // Nothing was stored, and nothing was audited.
    assert_eq!(
        (
            app.count("articles"),
            app.count("revisions"),
            app.count("audit_log")
        ),
        before
    );
}

async fn an_api_approval_attests_the_checklist_and_an_assignment_takes_a_due_date(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let rita = token_for(&app, &cast.rita, &["read", "review"]);
    let item = app
        .ctx(|ctx| {
            imprimatur::services::checklist::add(
                ctx,
                &imprimatur::services::Caller::system(),
                "Doses checked against the current label",
            )
        })
        .unwrap();
    let created = post(
        &app,
        &pipeline,
        "/api/v1/articles",
        &article("Checked", "Body [1] [2].", true),
        None,
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    let revision = created.doc["revision_id"].as_i64().unwrap();
    // The revision tells the reviewer what an approval attests.
    let read = get(&app, &rita, &format!("/api/v1/revisions/{revision}")).await;
    assert_eq!(read.doc["checklist"][0]["id"], item, "{read:?}");
    let approve = format!("/api/v1/revisions/{revision}/approve");
    let unticked = post(&app, &rita, &approve, &json!({"declaration": "none"}), None).await;
    assert_eq!(unticked.status, 422, "{unticked:?}");
    assert_eq!(unticked.doc["errors"][0]["field"], "checklist");
    // An assignment through the API takes a due date; a bad one is refused.
    let assign = format!("/api/v1/revisions/{revision}/assign");
    let sam_id = cast.sam.id.0;
    let bad = post(
        &app,
        &rita,
        &assign,
        &json!({"reviewer_id": sam_id, "due": "next week"}),
        None,
    )
    .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert_eq!(bad.doc["errors"][0]["field"], "due");
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let assigned = post(
        &app,
        &rita,
        &assign,
        &json!({"reviewer_id": sam_id, "due": due}),
        None,
    )
    .await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    let approved = post(
        &app,
        &rita,
        &approve,
        &json!({"declaration": "none", "checklist": [item]}),
        None,
    )
    .await;
    assert_eq!(approved.status, 200, "{approved:?}");
    let review = &approved.doc["reviews"][0];
    assert_eq!(review["declaration"], "No conflicts declared");
    assert_eq!(
        review["checklist"][0],
        "Doses checked against the current label"
    );
    assert_eq!(approved.doc["approvals"]["given"], 1);
    assert_eq!(approved.doc["approvals"]["needs"], "Needs 1 more approval.");
}

async fn a_patient_version_is_written_approved_and_read_through_the_api(app: TestApp) {
    let cast = cast(&app);
    let pipeline = token_for(&app, &cast.editor, &["read", "write"]);
    let rita = token_for(&app, &cast.rita, &["review"]);
    let sam = token_for(&app, &cast.sam, &["review"]);
    let mut body = article("How is methotrexate dosed?", "Once a week [1].", true);
    // Half a patient version is refused with the field, and nothing is saved.
    body["patient"] = json!({"title": "Taking methotrexate", "body": " "});
    let refused = post(&app, &pipeline, "/api/v1/articles", &body, None).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert!(
        refused.doc.to_string().contains("patient_body"),
        "{refused:?}"
    );
    body["patient"] = json!({
        "title": "Taking methotrexate",
        "summary": "One tablet day a week.",
        "body": "Take it on the **same day** each week [1].",
    });
    let created = post(&app, &pipeline, "/api/v1/articles", &body, None).await;
    assert_eq!(created.status, 201, "{created:?}");
    let revision = id(&created.doc, "revision_id");
    let read = get(&app, &rita, &format!("/api/v1/revisions/{revision}")).await;
    assert_eq!(
        read.doc["patient"]["title"], "Taking methotrexate",
        "{read:?}"
    );
    for token in [&rita, &sam] {
        let version = id(
            &get(&app, token, &format!("/api/v1/revisions/{revision}"))
                .await
                .doc,
            "version",
        );
        let approved = post(
            &app,
            token,
            &format!("/api/v1/revisions/{revision}/approve"),
            &json!({"expected_version": version, "declaration": "none"}),
            None,
        )
        .await;
        assert_eq!(approved.status, 200, "{approved:?}");
    }
    let public = get(&app, &rita, "/api/v1/articles/how-is-methotrexate-dosed").await;
    assert_eq!(public.status, 200, "{public:?}");
    let patient = &public.doc["patient"];
    assert_eq!(patient["title"], "Taking methotrexate");
    assert!(
        patient["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>same day</strong>")
    );
    assert_eq!(
        patient["url"],
        "/articles/how-is-methotrexate-dosed?for=patient"
    );
}
