//! The public site over HTTP, on both backends: only approved content, with its review
//! provenance; caching and revalidation; retraction; search, feed and sitemap.

use diesel::prelude::*;
use imprimatur::db::schema::{articles, users};
use imprimatur::domain::roles::Role;
use imprimatur::domain::workflow::Action;
use imprimatur::ids::RevisionId;

use crate::on_both_backends;
use crate::support::forms::{act, article_fields, as_refs, create_article, revision_of};
use crate::support::{ArticleBuilder, Built, Client, Page, Person, TestApp};

on_both_backends!(
    a_never_approved_article_is_404_and_an_approved_one_shows_its_provenance,
    a_pending_update_is_announced_without_its_content,
    public_pages_revalidate_with_304_and_show_a_new_approval_at_once,
    retraction_answers_410_and_removes_the_article_everywhere_until_republished,
    search_finds_published_text_only_and_survives_any_input,
    the_index_lists_the_newest_first_and_paginates,
    the_history_lists_approved_versions_with_reviewers_and_change_notes,
    the_editorial_policy_states_the_rule_in_force,
    the_feed_and_sitemap_list_live_articles_only,
    a_cached_page_is_served_without_the_database,
    a_search_matching_more_than_it_ranks_says_so,
    a_search_s_pages_share_one_ranking_and_a_publication_ranks_it_again,
    an_overdue_review_is_flagged_to_readers_and_explained,
    robots_txt_keeps_crawlers_out_of_the_workspace,
    every_public_version_stays_readable_as_published,
    structured_references_are_checked_and_cited_with_their_identifiers,
);

/// An editor and a reviewer (as people, and signed in), and a signed-in admin.
struct Cast {
    editor: Person,
    reviewer: Person,
    ed: Client,
    rita: Client,
    admin: Client,
}

async fn cast(app: &TestApp) -> Cast {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    let editor = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let reviewer = app.person("rita@example.org", "Dr. Rita Rao", &[Role::Reviewer]);
    diesel::update(users::table.filter(users::email.eq("rita@example.org")))
        .set(users::credentials.eq("MD, Cardiology"))
        .execute(&mut app.conn())
        .unwrap();
    Cast {
        editor,
        reviewer,
        ed: app.signed_in("ed@example.org").await,
        rita: app.signed_in("rita@example.org").await,
        admin: app.signed_in("admin@example.org").await,
    }
}

/// An article Ed wrote and Rita approved: live on the public site.
fn published(app: &TestApp, cast: &Cast, title: &str) -> Built {
    ArticleBuilder::new(app, &cast.editor)
        .title(title)
        .approved_by(&[&cast.reviewer])
        .build()
}

/// An article Ed submitted that nobody has reviewed yet.
fn pending(app: &TestApp, cast: &Cast, title: &str) -> Built {
    ArticleBuilder::new(app, &cast.editor)
        .title(title)
        .submitted()
        .build()
}

/// Submits a new revision of the article behind `revision` with this body; returns it.
async fn revise(
    ed: &Client,
    app: &TestApp,
    revision: RevisionId,
    title: &str,
    body: &str,
) -> RevisionId {
    let article: imprimatur::ids::ArticleId = imprimatur::db::schema::revisions::table
        .find(revision)
        .select(imprimatur::db::schema::revisions::article_id)
        .first(&mut app.conn())
        .unwrap();
    let edit = ed.get(&format!("/manage/articles/{article}/edit")).await;
    let base = edit.field("base_revision_id").unwrap();
    let mut fields = article_fields(title, body);
    fields[3].1 = "Internal: removed dangling [9], reclassified ref 5.".into();
    fields.push(("public_note", "Second version with new evidence.".into()));
    fields.push(("base_revision_id", base));
    fields.push(("op", "submit".into()));
    revision_of(
        &ed.submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fields),
        )
        .await,
    )
}

fn slug(app: &TestApp) -> String {
    articles::table
        .select(articles::slug)
        .order(articles::id.desc())
        .first(&mut app.conn())
        .unwrap()
}

fn json_ld(page: &Page) -> serde_json::Value {
    let start = page
        .body
        .find("<script type=\"application/ld+json\">")
        .unwrap()
        + 35;
    let end = start + page.body[start..].find("</script>").unwrap();
    serde_json::from_str(&page.body[start..end]).unwrap()
}

async fn a_never_approved_article_is_404_and_an_approved_one_shows_its_provenance(app: TestApp) {
    let cast = cast(&app).await;
    let revision = create_article(&cast.ed, "Can I take ibuprofen with lisinopril?", true).await;
    let path = format!("/articles/{}", slug(&app));
    let public = app.client();
    public.get(&path).await.assert_status(404);
    act(&cast.rita, revision, "approve", &[])
        .await
        .assert_status(303);

    let page = public.get(&path).await;
    page.assert_status(200);
    page.assert_contains("<h1 id=\"article-title\">Can I take ibuprofen with lisinopril?</h1>");
    page.assert_contains("Short answer about Can I take ibuprofen with lisinopril?");
    page.assert_contains("<a href=\"/editorial-policy\">")
        .assert_contains("Advisory board reviewed");
    page.assert_contains("aria-current=\"step\"><span class=\"step-name\">Approved</span>");
    page.assert_contains("<span class=\"reviewer-name\">Dr. Rita Rao</span><span class=\"reviewer-credentials\">, MD, Cardiology</span>");
    for label in ["Last reviewed", "Last updated", "Next review due"] {
        page.assert_contains(label);
    }
    page.assert_contains("<span class=\"ref-kind\">Guideline</span> Hypertension guideline");
    page.assert_contains(
        "<span class=\"ref-kind\">Drug label</span> Lisinopril prescribing information",
    );
    page.assert_contains("<a class=\"cite\" href=\"#ref-1\"")
        .assert_contains("id=\"ref-2\"");
    page.assert_contains("not a substitute for professional medical advice");
    let meta = json_ld(&page);
    assert_eq!(meta["@type"], "MedicalWebPage");
    assert_eq!(meta["reviewedBy"][0]["name"], "Dr. Rita Rao");
    assert_eq!(meta["reviewedBy"][0]["jobTitle"], "MD, Cardiology");
    assert_eq!(
        meta["lastReviewed"],
        chrono::Utc::now().format("%Y-%m-%d").to_string()
    );
    // No script runs on public pages, and nothing is loaded from elsewhere.
    assert_eq!(
        page.body.matches("<script").count(),
        1,
        "only the JSON-LD block"
    );
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    public
        .get("/articles/no-such-article")
        .await
        .assert_status(404);
    public.get("/articles/Bad%20Slug").await.assert_status(404);
    public.get("/articles/..%2Fadmin").await.assert_status(404);
}

async fn a_pending_update_is_announced_without_its_content(app: TestApp) {
    let cast = cast(&app).await;
    let first = ArticleBuilder::new(&app, &cast.editor)
        .title("Statins and muscle pain")
        .body("Statins rarely cause muscle pain [1].")
        .approved_by(&[&cast.reviewer])
        .build();
    let path = format!("/articles/{}", slug(&app));
    let second = first.revised(
        &app,
        &cast.editor,
        "Statins and muscle pain",
        "A brand new zebrafinch paragraph [1].",
    );
    let page = app.client().get(&path).await;
    page.assert_status(200)
        .assert_contains("An update to this article is under review")
        .assert_contains("Statins rarely cause muscle pain");
    assert!(
        !page.body.contains("zebrafinch"),
        "pending content never shows"
    );
    assert!(!page.body.contains("Second version with new evidence"));
    app.act(&cast.reviewer, second.revision, Action::Approve, "");
    let page = app.client().get(&path).await;
    page.assert_contains("zebrafinch");
    assert!(
        !page
            .body
            .contains("An update to this article is under review")
    );
}

async fn public_pages_revalidate_with_304_and_show_a_new_approval_at_once(app: TestApp) {
    let cast = cast(&app).await;
    let first = published(&app, &cast, "Metformin and vitamin B12").revision;
    let url = app.url(&format!("/articles/{}", slug(&app)));
    let public = app.client();
    let page = public.get(&format!("/articles/{}", slug(&app))).await;
    let etag = page.header("etag").unwrap().to_owned();
    assert!(page.header("last-modified").unwrap().ends_with(" GMT"));
    let cache_control = page.header("cache-control").unwrap();
    assert!(
        cache_control.starts_with("public, max-age="),
        "{cache_control}"
    );
    let again = public
        .http()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    let modified = page.header("last-modified").unwrap().to_owned();
    let since = public
        .http()
        .get(&url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status().as_u16(), 304);

    // A new approval is visible at the very next request, with a new tag.
    let second = revise(
        &cast.ed,
        &app,
        first,
        "Metformin and vitamin B12",
        "Now with the kingfisher study [1].",
    )
    .await;
    act(&cast.rita, second, "approve", &[])
        .await
        .assert_status(303);
    let fresh = public
        .http()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status().as_u16(), 200);
    assert_ne!(fresh.headers()["etag"].to_str().unwrap(), etag);
    assert!(fresh.text().await.unwrap().contains("kingfisher"));
}

async fn retraction_answers_410_and_removes_the_article_everywhere_until_republished(app: TestApp) {
    let cast = cast(&app).await;
    let first = published(&app, &cast, "Warfarin and antibiotics").revision;
    let slug = slug(&app);
    let article: i64 = articles::table
        .select(articles::id)
        .order(articles::id.desc())
        .first(&mut app.conn())
        .unwrap();
    let public = app.client();
    public
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(200);
    public.get("/?q=warfarin").await.assert_contains(&slug);
    public.get("/feed.atom").await.assert_contains(&slug);
    public.get("/sitemap.xml").await.assert_contains(&slug);

    let path = format!("/admin/articles/{article}/retract");
    cast.admin
        .get(&format!("/manage/articles/{article}"))
        .await
        .assert_contains("Retract from the public site");
    cast.admin
        .submit(&path, &[("reason", "Under legal review"), ("confirm", "")])
        .await
        .assert_status(400);
    cast.admin
        .submit(&path, &[("reason", "  "), ("confirm", "yes")])
        .await
        .assert_status(400)
        .assert_contains("Give the reason");
    cast.ed.get("/dashboard").await;
    cast.ed
        .submit(&path, &[("reason", "Editors cannot"), ("confirm", "yes")])
        .await
        .assert_status(403);
    public
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(200);
    cast.admin.get(&format!("/manage/articles/{article}")).await;
    // A notice for readers longer than allowed is refused, and nothing changes.
    cast.admin
        .submit(
            &path,
            &[
                ("reason", "Under legal review"),
                ("notice", &"x".repeat(2001)),
                ("confirm", "yes"),
            ],
        )
        .await
        .assert_status(400)
        .assert_contains("too long");
    public
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(200);
    cast.admin
        .submit(
            &path,
            &[
                ("reason", "Under legal review after a complaint from Acme"),
                (
                    "notice",
                    "The dosing table contained an error; a corrected version is in review.",
                ),
                ("confirm", "yes"),
            ],
        )
        .await
        .assert_redirect(&format!("/manage/articles/{article}?done=retracted"));
    cast.admin
        .get(&format!("/manage/articles/{article}"))
        .await
        .assert_contains("Under legal review after a complaint from Acme")
        .assert_contains("readers are told");
    cast.admin
        .submit(&path, &[("reason", "Again"), ("confirm", "yes")])
        .await
        .assert_status(409);

    let gone = public.get(&format!("/articles/{slug}")).await;
    gone.assert_status(410)
        .assert_contains("This article has been retracted");
    gone.assert_contains(&chrono::Utc::now().format("%Y-%m-%d").to_string());
    assert!(!gone.body.contains("Short answer about Warfarin"));
    // Readers see the title, the date and the public notice, never the internal reason, and
    // are pointed to the history, which stays readable.
    gone.assert_contains("Warfarin and antibiotics")
        .assert_contains("The dosing table contained an error")
        .assert_contains(&format!("/articles/{slug}/history"));
    assert!(
        !gone.body.contains("Acme"),
        "the internal reason stays internal"
    );
    let history = public.get(&format!("/articles/{slug}/history")).await;
    history
        .assert_status(200)
        .assert_contains("This article was retracted")
        .assert_contains("The dosing table contained an error")
        .assert_contains("Version 1");
    assert!(!history.body.contains("Acme"));
    let api = public.get(&format!("/api/v1/articles/{slug}")).await;
    api.assert_status(410)
        .assert_contains("The dosing table contained an error");
    assert!(!public.get("/?q=warfarin").await.body.contains(&slug));
    assert!(!public.get("/").await.body.contains(&slug));
    assert!(!public.get("/sitemap.xml").await.body.contains(&slug));
    // The feed announces the retraction as an entry of its own.
    let feed = public.get("/feed.atom").await;
    feed.assert_contains("<title>Retracted: Warfarin and antibiotics</title>")
        .assert_contains(&format!("/articles/{slug}#retracted-"))
        .assert_contains("The dosing table contained an error");
    assert!(!feed.body.contains("Acme"));
    assert!(
        app.audit_actions()
            .contains(&"article.retracted".to_owned())
    );

    // An approval of a new revision republishes it.
    let second = revise(
        &cast.ed,
        &app,
        first,
        "Warfarin and antibiotics",
        "Updated after review [1].",
    )
    .await;
    act(&cast.rita, second, "approve", &[])
        .await
        .assert_status(303);
    public
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(200)
        .assert_contains("Updated after review");
    public.get("/?q=warfarin").await.assert_contains(&slug);
    // Republished, it is no longer announced as retracted.
    assert!(!public.get("/feed.atom").await.body.contains("Retracted:"));
}

async fn search_finds_published_text_only_and_survives_any_input(app: TestApp) {
    let cast = cast(&app).await;
    published(&app, &cast, "Grapefruit and statins");
    pending(&app, &cast, "Pending pelican article");
    let public = app.client();
    let title_hit = public.get("/?q=grapefruit").await;
    // The matched word is marked in the title; the snippet is escaped text.
    title_hit
        .assert_status(200)
        .assert_contains("<mark>Grapefruit</mark> and statins")
        // The kinds of evidence the article cites, once each, in a fixed order.
        .assert_contains(
            "Cites <span class=\"ref-kind\">Guideline</span> <span class=\"ref-kind\">Drug label</span> </p>",
        );
    // Body text and summary text are searched too (and words are stemmed/prefix-matched).
    public
        .get("/?q=NSAIDs")
        .await
        .assert_contains("Grapefruit and statins");
    // The last word matches as a prefix, and is marked as one.
    public
        .get("/?q=short+answer+grapefr")
        .await
        .assert_contains("<mark>Grapefruit</mark> and statins")
        .assert_contains("<mark>Short</mark> <mark>answer</mark>");
    let pending = public.get("/?q=pelican").await;
    pending
        .assert_status(200)
        .assert_contains("No published article matches");
    for hostile in [
        "\"",
        "*",
        "NEAR(a b)",
        "a OR",
        "title:x",
        "'; DROP TABLE articles; --",
        "%%%",
        "ü ß 東京",
        &"x".repeat(500),
    ] {
        let page = public.get(&format!("/?q={}", urlencode(hostile))).await;
        assert_eq!(page.status, 200, "{hostile}");
    }
    public.get("/?page=abc").await.assert_status(400);
}

async fn a_search_matching_more_than_it_ranks_says_so(app: TestApp) {
    // The scale fixture: every article's title is "Question N: …", and one in thirteen is
    // about grapefruit and statins.
    let spec = imprimatur::demo::scale::ScaleSpec {
        articles: 1_100,
        revisions: 1,
    };
    imprimatur::demo::scale::run(&app.env, spec).unwrap();
    let public = app.client();
    let everything = public.get("/?q=question").await;
    everything
        .assert_status(200)
        .assert_contains("More than 1,000 articles match")
        .assert_contains("rel=\"next\"");
    // Fifty pages of twenty are ranked; past them there is nothing more to page to.
    public
        .get("/?q=question&page=50")
        .await
        .assert_status(200)
        .assert_contains("<mark>Question</mark>");
    let past = public.get("/?q=question&page=51").await;
    past.assert_status(200);
    assert!(
        !past.body.contains("<mark>Question</mark>"),
        "{}",
        past.body
    );
    let some = public.get("/?q=grapefruit").await;
    some.assert_status(200)
        .assert_contains("<mark>grapefruit</mark>");
    assert!(!some.body.contains("articles match"), "{}", some.body);
}

/// The pages of a query's results are slices of one ranking, kept for a moment
/// (`services::rankings`); publishing an article that matches makes it stale at once, and
/// the next request, for any page, ranks again.
async fn a_search_s_pages_share_one_ranking_and_a_publication_ranks_it_again(app: TestApp) {
    let cast = cast(&app).await;
    for i in 0..25 {
        published(&app, &cast, &format!("Grapefruit note {i:02}"));
    }
    let public = app.client();
    // The numbers of the notes a page lists (each is shown in its title and snippet).
    let titles = |page: &Page| -> Vec<String> {
        let numbers: std::collections::BTreeSet<String> = page
            .body
            .match_indices("<mark>note</mark> ")
            .map(|(at, m)| page.body[at + m.len()..at + m.len() + 2].to_owned())
            .collect();
        numbers.into_iter().collect()
    };
    let first = public.get("/?q=grapefruit+note").await;
    first.assert_status(200).assert_contains("rel=\"next\"");
    let second = public.get("/?q=grapefruit+note&page=2").await;
    second.assert_status(200);
    let (mut one, two) = (titles(&first), titles(&second));
    assert_eq!((one.len(), two.len()), (20, 5), "{one:?} {two:?}");
    one.extend(two);
    one.sort();
    one.dedup();
    assert_eq!(one.len(), 25, "every match once across the pages: {one:?}");
    // A new matching article shows on the next request, whichever page it asks for.
    published(&app, &cast, "Grapefruit note 25");
    let all: Vec<String> = [
        public.get("/?q=grapefruit+note&page=2").await,
        public.get("/?q=grapefruit+note").await,
    ]
    .iter()
    .flat_map(titles)
    .collect();
    assert_eq!(all.len(), 26, "{all:?}");
    assert!(all.contains(&"25".to_owned()), "{all:?}");
}

fn urlencode(value: &str) -> String {
    value.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn the_index_lists_the_newest_first_and_paginates(app: TestApp) {
    let cast = cast(&app).await;
    for i in 0..22 {
        published(&app, &cast, &format!("Indexed article {i:02}"));
    }
    let public = app.client();
    let first = public.get("/").await;
    let position = |page: &Page, title: &str| page.body.find(title);
    assert!(
        position(&first, "Indexed article 21") < position(&first, "Indexed article 20"),
        "newest first"
    );
    assert!(
        position(&first, "Indexed article 01").is_none(),
        "twenty per page"
    );
    first.assert_contains("rel=\"next\"");
    let second = public.get("/?page=2").await;
    second
        .assert_contains("Indexed article 01")
        .assert_contains("Indexed article 00");
}

async fn the_history_lists_approved_versions_with_reviewers_and_change_notes(app: TestApp) {
    let cast = cast(&app).await;
    let first = published(&app, &cast, "Aspirin for prevention").revision;
    let rejected = revise(
        &cast.ed,
        &app,
        first,
        "Aspirin for prevention",
        "A rejected direction.",
    )
    .await;
    act(
        &cast.rita,
        rejected,
        "reject",
        &[("comment", "No."), ("confirm", "yes")],
    )
    .await;
    let second = revise(
        &cast.ed,
        &app,
        first,
        "Aspirin for prevention",
        "The approved second text.",
    )
    .await;
    act(&cast.rita, second, "approve", &[]).await;
    let page = app
        .client()
        .get(&format!("/articles/{}/history", slug(&app)))
        .await;
    page.assert_status(200).assert_contains("Review history");
    // Public versions are counted 1, 2 (the rejected revision 2 was never public), not by
    // their internal revision numbers.
    let newest = page.body.find("Version 2").unwrap();
    let oldest = page.body.find("Version 1").unwrap();
    assert!(newest < oldest, "newest first");
    assert!(
        !page.body.contains("Revision "),
        "internal revision numbers stay internal: {}",
        page.body
    );
    assert!(
        !page.body.contains("Version 3"),
        "the rejected one is not a version"
    );
    page.assert_contains("Current version")
        .assert_contains("Dr. Rita Rao (MD, Cardiology)");
    // Only the public change summary is shown; the first version, which has none, says so.
    page.assert_contains("Second version with new evidence.")
        .assert_contains("First version");
    assert!(
        !page.body.contains("dangling") && !page.body.contains("reclassified"),
        "the internal note to reviewers never reaches the public history"
    );
    // The public API tells the same.
    let api = app
        .client()
        .get(&format!("/api/v1/articles/{}", slug(&app)))
        .await;
    api.assert_status(200);
    assert!(!api.body.contains("dangling"), "{}", api.body);
    assert!(api.body.contains("Second version with new evidence."));
    app.client()
        .get("/articles/never-published/history")
        .await
        .assert_status(404);
}

async fn every_public_version_stays_readable_as_published(app: TestApp) {
    let cast = cast(&app).await;
    let first = published(&app, &cast, "Iron and levothyroxine").revision;
    let second = revise(
        &cast.ed,
        &app,
        first,
        "Iron and levothyroxine",
        "Take them four hours apart, the corrected advice [1].",
    )
    .await;
    // A pending third text is never readable as a version.
    act(&cast.rita, second, "approve", &[]).await;
    revise(
        &cast.ed,
        &app,
        second,
        "Iron and levothyroxine",
        "A pending pangolin paragraph [1].",
    )
    .await;
    let slug = slug(&app);
    let public = app.client();

    let history = public.get(&format!("/articles/{slug}/history")).await;
    history
        .assert_contains(&format!("/articles/{slug}/versions/1"))
        .assert_contains(&format!("/articles/{slug}/versions/2"));

    // Version 1: the first text as published, marked archived, kept out of search engines,
    // pointing to the current page.
    let old = public.get(&format!("/articles/{slug}/versions/1")).await;
    old.assert_status(200)
        .assert_contains("Archived version 1")
        .assert_contains("see the current version")
        .assert_contains(r#"<meta name="robots" content="noindex">"#)
        .assert_contains(&format!(
            r#"rel="canonical" href="{}/articles/{slug}""#,
            app.base_url
        ))
        .assert_contains("Dr. Rita Rao");
    assert!(
        !old.body.contains("four hours apart") && !old.body.contains("pangolin"),
        "version 1 shows its own text only"
    );
    assert!(!old.body.contains("application/ld+json"));
    // Version 2 is the current one, and says so; the pending text is no version.
    public
        .get(&format!("/articles/{slug}/versions/2"))
        .await
        .assert_status(200)
        .assert_contains("four hours apart")
        .assert_contains("It is also the current version");
    // What changed from version 1 to 2: the published texts only, with the public summary.
    let changes = public
        .get(&format!("/articles/{slug}/versions/2/changes"))
        .await;
    changes
        .assert_status(200)
        .assert_contains("What changed in version 2")
        .assert_contains("Second version with new evidence.")
        .assert_contains("<ins>Take them four hours apart,</ins>")
        .assert_contains(r#"<meta name="robots" content="noindex">"#);
    assert!(
        !changes.body.contains("pangolin") && !changes.body.contains("dangling"),
        "neither pending text nor the internal note: {}",
        changes.body
    );
    history.assert_contains(&format!("/articles/{slug}/versions/2/changes"));
    assert!(!history.body.contains("/versions/1/changes"));
    for bad in ["1", "3", "0", "x"] {
        public
            .get(&format!("/articles/{slug}/versions/{bad}/changes"))
            .await
            .assert_status(404);
    }
    for bad in ["3", "0", "-1", "two", "99999999999999999999"] {
        let page = public
            .get(&format!("/articles/{slug}/versions/{bad}"))
            .await;
        page.assert_status(404);
        assert!(!page.body.contains("pangolin"));
    }
    public
        .get("/articles/never-published/versions/1")
        .await
        .assert_status(404);

    // After a retraction the versions stay readable, under the retraction's notice.
    let article: i64 = articles::table
        .select(articles::id)
        .order(articles::id.desc())
        .first(&mut app.conn())
        .unwrap();
    cast.admin.get(&format!("/manage/articles/{article}")).await;
    cast.admin
        .submit(
            &format!("/admin/articles/{article}/retract"),
            &[
                ("reason", "Interaction data withdrawn."),
                ("confirm", "yes"),
            ],
        )
        .await
        .assert_status(303);
    public
        .get(&format!("/articles/{slug}/versions/1"))
        .await
        .assert_status(200)
        .assert_contains("This article was retracted on")
        .assert_contains("Interaction data withdrawn.");
}

async fn the_editorial_policy_states_the_rule_in_force(app: TestApp) {
    let cast = cast(&app).await;
    let public = app.client();
    public
        .get("/editorial-policy")
        .await
        .assert_status(200)
        .assert_contains("approved by members of our medical advisory board")
        .assert_contains("A revision submitted today needs 1 approval;");
    cast.admin.get("/admin/settings").await;
    let page = cast.admin.get("/admin/settings").await;
    let version = page.field("version").unwrap();
    cast.admin
        .submit(
            "/admin/settings",
            &[
                ("version", &version),
                ("approvals_required", "2"),
                ("review_interval_days", "180"),
                ("site_name", "Health Answers"),
                ("disclaimer", "Talk to your doctor."),
                (
                    "editorial_policy",
                    "## Our board\n\nClinicians review every word.",
                ),
            ],
        )
        .await
        .assert_status(303);
    let policy = public.get("/editorial-policy").await;
    policy
        .assert_contains("A revision submitted today needs 2 approvals;")
        .assert_contains("each revision keeps the number in force when it was submitted")
        .assert_contains("within 180 days");
    policy
        .assert_contains("<h2>Our board</h2>")
        .assert_contains("Health Answers");
    // Pages reuse the site name read in the last second, but a change made here shows on
    // the very next page.
    cast.admin
        .get("/dashboard")
        .await
        .assert_status(200)
        .assert_contains("<a class=\"brand\" href=\"/\">Health Answers</a>");
}

async fn the_feed_and_sitemap_list_live_articles_only(app: TestApp) {
    let cast = cast(&app).await;
    published(&app, &cast, "Sunscreen & SPF <basics>");
    let live_slug = slug(&app);
    pending(&app, &cast, "Unapproved feed item");
    let public = app.client();
    let feed = public.get("/feed.atom").await;
    feed.assert_status(200);
    assert_eq!(
        feed.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    feed.assert_contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    feed.assert_contains(&format!("<id>{}/articles/{live_slug}</id>", app.base_url));
    feed.assert_contains("<title>Sunscreen &#38; SPF &#60;basics&#62;</title>");
    assert!(!feed.body.contains("Unapproved feed item"));
    let sitemap = public.get("/sitemap.xml").await;
    sitemap.assert_status(200);
    sitemap.assert_contains(&format!(
        "<loc>{}/articles/{live_slug}</loc><lastmod>",
        app.base_url
    ));
    assert!(!sitemap.body.contains("unapproved-feed-item"));
    public.get("/sitemap.xml?page=-1").await.assert_status(400);
}

async fn an_overdue_review_is_flagged_to_readers_and_explained(app: TestApp) {
    let cast = cast(&app).await;
    published(&app, &cast, "Is this review current?");
    let current = slug(&app);
    published(&app, &cast, "Is this review overdue?");
    let overdue = slug(&app);
    // The second article's next review fell due 40 days ago (before any page of it is
    // rendered, so no cached copy predates the change).
    let due = imprimatur::db::now() - chrono::Duration::days(40);
    app.execute(&format!(
        "UPDATE articles SET next_review_due = '{}' WHERE slug = '{overdue}'",
        due.format("%Y-%m-%d %H:%M:%S")
    ));
    let public = app.client();
    let fine = public.get(&format!("/articles/{current}")).await;
    fine.assert_status(200).assert_contains("Next review due");
    assert!(!fine.body.contains("Review overdue"), "{}", fine.body);

    let late = public.get(&format!("/articles/{overdue}")).await;
    late.assert_status(200).assert_contains(&format!(
        "Review overdue since <time datetime=\"{}\">{}</time>",
        due.format("%Y-%m-%d"),
        due.format("%b %-d, %Y")
    ));
    late.assert_contains("href=\"/editorial-policy#overdue\"");
    assert!(!late.body.contains("Next review due"));
    // The structured data keeps the true dates: reviewed, and when.
    let data = json_ld(&late);
    assert!(data["lastReviewed"].is_string(), "{data}");

    let policy = public.get("/editorial-policy").await;
    policy
        .assert_status(200)
        .assert_contains("id=\"overdue\"")
        .assert_contains("Review overdue since");
}

async fn robots_txt_keeps_crawlers_out_of_the_workspace(app: TestApp) {
    let public = app.client();
    let robots = public.get("/robots.txt").await;
    robots.assert_status(200);
    assert_eq!(
        robots.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let lines: Vec<&str> = robots.body.lines().collect();
    assert_eq!(lines[0], "User-agent: *");
    for closed in [
        "/manage/",
        "/admin/",
        "/review/",
        "/dashboard",
        "/api/",
        "/account/",
    ] {
        assert!(
            lines.contains(&format!("Disallow: {closed}").as_str()),
            "{closed}"
        );
    }
    // Public pages stay open: nothing disallows the site, an article or its history.
    assert!(
        !lines
            .iter()
            .any(|l| *l == "Disallow: /" || l.starts_with("Disallow: /articles")),
        "{}",
        robots.body
    );
    assert!(
        lines.contains(&format!("Sitemap: {}/sitemap.xml", app.base_url).as_str()),
        "{}",
        robots.body
    );
    public.post("/robots.txt", &[]).await.assert_status(405);
}

async fn a_cached_page_is_served_without_the_database(app: TestApp) {
    let cast = cast(&app).await;
    published(&app, &cast, "Flu and COVID vaccines together");
    let path = format!("/articles/{}", slug(&app));
    let public = app.client();
    public.get(&path).await.assert_status(200);
    // Take every database connection the server has: anything that needs the database now
    // waits; a page served from the cache does not.
    // (Were the database needed, the request would wait 10 s for a connection and the 5 s
    // client timeout below would fail the test.)
    let held: Vec<_> = (0..8).map(|_| app.pool.get().unwrap()).collect();
    let response = public
        .http()
        .get(app.url(&path))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Flu and COVID vaccines together")
    );
    drop(held);
}

/// The bibliographic columns of the editor's two reference rows (article_fields): the first
/// row's as given, the second left blank.
fn with_bibliography(
    fields: &mut Vec<(&'static str, String)>,
    doi: &str,
    pmid: &str,
    accessed: &str,
) {
    for (name, first) in [
        ("ref_authors", "Whelton PK; Carey RM."),
        ("ref_volume_pages", "71(6):e13-e115"),
        ("ref_doi", doi),
        ("ref_pmid", pmid),
        ("ref_accessed", accessed),
    ] {
        fields.push((name, first.to_owned()));
        fields.push((name, String::new()));
    }
}

async fn structured_references_are_checked_and_cited_with_their_identifiers(app: TestApp) {
    let cast = cast(&app).await;
    cast.ed.get("/manage/articles/new").await;
    let body = "## From the guidelines\n\nAvoid NSAIDs [1]; see the label [2].";

    // A DOI, PMID or date that is not one is refused with the reference's number, nothing
    // is saved, and what was typed comes back.
    let mut fields = article_fields("Structured references", body);
    with_bibliography(&mut fields, "10.10/x", "PMID 12ab", "2026-02-30");
    fields.push(("op", "save".into()));
    let before = (app.count("revisions"), app.count("audit_log"));
    let refused = cast.ed.submit("/manage/articles", &as_refs(&fields)).await;
    assert!(
        (400..500).contains(&refused.status),
        "{} {}",
        refused.status,
        refused.body
    );
    refused
        .assert_contains("Reference 1: &#39;10.10/x&#39; is not a DOI")
        .assert_contains("Reference 1: &#39;PMID 12ab&#39; is not a PMID")
        .assert_contains("Reference 1: the date accessed must be a date")
        .assert_contains("value=\"Whelton PK; Carey RM.\"")
        .assert_contains("this server cannot look them up");
    assert_eq!((app.count("revisions"), app.count("audit_log")), before);

    // Typed as addresses, the identifiers are kept bare.
    let mut fields = article_fields("Structured references", body);
    with_bibliography(
        &mut fields,
        "https://doi.org/10.1161/HYP.0000000000000065",
        "https://pubmed.ncbi.nlm.nih.gov/29133356/",
        "2026-03-01",
    );
    fields.push(("op", "submit".into()));
    let revision = revision_of(&cast.ed.submit("/manage/articles", &as_refs(&fields)).await);
    act(&cast.rita, revision, "approve", &[])
        .await
        .assert_status(303);

    let path = format!("/articles/{}", slug(&app));
    let page = app.client().get(&path).await;
    page.assert_status(200)
        .assert_contains(
            "Whelton PK, Carey RM. Hypertension guideline. <em>ACC/AHA</em>. 2017;71(6):e13-e115.",
        )
        .assert_contains(
            "doi:<a href=\"https://doi.org/10.1161/HYP.0000000000000065\" rel=\"noopener noreferrer\">10.1161/HYP.0000000000000065</a>.",
        )
        .assert_contains(
            "PMID: <a href=\"https://pubmed.ncbi.nlm.nih.gov/29133356/\" rel=\"noopener noreferrer\">29133356</a>.",
        )
        // The second reference has no bibliographic details: printed as before.
        .assert_contains("Lisinopril prescribing information. <em>DailyMed</em>. <a href");
    let citations = json_ld(&page)["citation"].clone();
    assert_eq!(
        citations[0]["@type"], "CreativeWork",
        "a guideline: {citations}"
    );
    assert_eq!(citations[0]["author"][1]["name"], "Carey RM");
    assert_eq!(citations[0]["datePublished"], "2017");
    assert_eq!(citations[0]["identifier"][0]["propertyID"], "DOI");
    assert_eq!(
        citations[0]["identifier"][0]["value"],
        "10.1161/HYP.0000000000000065"
    );
    assert_eq!(citations[0]["identifier"][1]["value"], "29133356");
    assert_eq!(
        citations[0]["sameAs"][0],
        "https://doi.org/10.1161/HYP.0000000000000065"
    );
    assert_eq!(citations[1]["name"], "Lisinopril prescribing information");
    assert!(citations[1].get("identifier").is_none(), "{citations}");

    // The public API gives the fields and the citation as the page prints it.
    let api = app
        .client()
        .get(&format!("/api/v1/articles/{}", slug(&app)))
        .await;
    api.assert_status(200);
    let document: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let reference = &document["references"][0];
    assert_eq!(
        reference["authors"],
        serde_json::json!(["Whelton PK", "Carey RM"])
    );
    assert_eq!(reference["doi"], "10.1161/HYP.0000000000000065");
    assert_eq!(reference["pmid"], "29133356");
    assert_eq!(reference["accessed"], "2026-03-01");
    assert_eq!(reference["volume_pages"], "71(6):e13-e115");
    assert_eq!(
        reference["citation"],
        "Whelton PK, Carey RM. Hypertension guideline. ACC/AHA. 2017;71(6):e13-e115. \
         doi:10.1161/HYP.0000000000000065. PMID: 29133356."
    );

    // The next edit starts from them, as typed fields.
    let article: i64 = articles::table
        .select(articles::id)
        .order(articles::id.desc())
        .first(&mut app.conn())
        .unwrap();
    cast.ed
        .get(&format!("/manage/articles/{article}/edit"))
        .await
        .assert_status(200)
        .assert_contains("value=\"Whelton PK; Carey RM\"")
        .assert_contains("value=\"10.1161/HYP.0000000000000065\"")
        .assert_contains("value=\"2026-03-01\"");
}
