//! Revision diffs over HTTP, on both backends: what is compared by default, the route's
//! rules, layouts remembered per person, escaping, references, and the one-click links.

use imprimatur::domain::roles::Role;
use imprimatur::ids::RevisionId;

use crate::on_both_backends;
use crate::support::forms::{act, article_fields, as_refs, create_article, revision_of};
use crate::support::{Client, TestApp};

on_both_backends!(
    the_diff_defaults_to_the_published_revision_and_marks_changed_words,
    a_never_published_article_is_shown_as_all_new,
    the_route_refuses_other_articles_and_bad_parameters,
    the_layout_is_switched_by_a_parameter_and_remembered_per_person,
    all_text_in_a_diff_is_escaped,
    reference_changes_are_listed_by_number,
    long_unchanged_stretches_fold_away_and_links_lead_to_the_diff,
);

/// Publishes a first revision (with `article_fields`' two references) and submits a second
/// with `new_body` and these references (kind, title, source, year, link); returns the
/// editor's client and both revisions.
async fn two_revisions(
    app: &TestApp,
    old_body: &str,
    new_body: &str,
    new_refs: &[(&str, &str, &str, &str, &str)],
) -> (Client, RevisionId, RevisionId) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    ed.get("/manage/articles/new").await;
    let mut fields = article_fields("Diffed article", old_body);
    fields.push(("op", "submit".into()));
    let first = revision_of(&ed.submit("/manage/articles", &as_refs(&fields)).await);
    act(&rita, first, "approve", &[]).await.assert_status(303);
    let page = ed.get(&format!("/manage/revisions/{first}")).await;
    let article = page
        .body
        .split("href=\"/manage/articles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    ed.get(&format!("/manage/articles/{article}/edit")).await;
    let mut fields: Vec<(&'static str, String)> = vec![
        ("title", "Diffed article".into()),
        ("summary", "Short answer about Diffed article.".into()),
        ("body", new_body.into()),
        ("change_note", "Second version.".into()),
        ("base_revision_id", first.to_string()),
        ("op", "submit".into()),
    ];
    for (i, (kind, title, source, year, url)) in new_refs.iter().enumerate() {
        fields.push(("ref_position", (i + 1).to_string()));
        fields.push(("ref_kind", (*kind).into()));
        fields.push(("ref_title", (*title).into()));
        fields.push(("ref_source", (*source).into()));
        fields.push(("ref_year", (*year).into()));
        fields.push(("ref_url", (*url).into()));
    }
    let page = ed
        .submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fields),
        )
        .await;
    (ed, first, revision_of(&page))
}

/// The references `article_fields` gives the first revision.
const STANDARD_REFS: [(&str, &str, &str, &str, &str); 2] = [
    ("guideline", "Hypertension guideline", "ACC/AHA", "2017", ""),
    (
        "drug_label",
        "Lisinopril prescribing information",
        "DailyMed",
        "",
        "https://dailymed.nlm.nih.gov/",
    ),
];

async fn the_diff_defaults_to_the_published_revision_and_marks_changed_words(app: TestApp) {
    let (ed, _, second) = two_revisions(
        &app,
        "Take 200 mg daily [1].",
        "Take 400 mg daily [1].",
        &STANDARD_REFS,
    )
    .await;
    let page = ed.get(&format!("/manage/revisions/{second}/diff")).await;
    page.assert_status(200);
    page.assert_contains("Compared with revision 1 (the published version).");
    page.assert_contains("<del>200</del>")
        .assert_contains("<ins>400</ins>");
    // "400" for "200", and "Second" for "First" in the change note.
    page.assert_contains("<strong>+2</strong> words added, <strong>−2</strong> words removed");
    page.assert_contains("references: 0 added, 0 removed, 0 changed, 0 moved");
    page.assert_contains("<del>First</del> <ins>Second</ins> version.");
    // The unchanged title says so.
    page.assert_contains("(unchanged)");
}

async fn a_never_published_article_is_shown_as_all_new(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    let revision = create_article(&ed, "Brand new", true).await;
    let page = ed.get(&format!("/manage/revisions/{revision}/diff")).await;
    page.assert_status(200).assert_contains(
        "never been published and this is its first revision, so everything is new",
    );
    page.assert_contains("Added paragraph")
        .assert_contains("<strong>−0</strong> words removed");
    assert!(!page.body.contains("Removed paragraph"));
    page.assert_contains("2 added, 0 removed");
}

async fn the_route_refuses_other_articles_and_bad_parameters(app: TestApp) {
    let (ed, first, second) = two_revisions(&app, "Old.", "New.", &STANDARD_REFS).await;
    let other = create_article(&ed, "Another article", true).await;
    let page = ed
        .get(&format!("/manage/revisions/{second}/diff?against={other}"))
        .await;
    page.assert_status(400)
        .assert_contains("belongs to another article");
    ed.get(&format!("/manage/revisions/{second}/diff?against=abc"))
        .await
        .assert_status(400);
    ed.get(&format!("/manage/revisions/{second}/diff?against=999999"))
        .await
        .assert_status(404);
    ed.get(&format!("/manage/revisions/{second}/diff?layout=sideways"))
        .await
        .assert_status(400);
    ed.get("/manage/revisions/abc/diff")
        .await
        .assert_status(404);
    // Comparing with any revision of the same article works, in either direction.
    ed.get(&format!("/manage/revisions/{first}/diff?against={second}"))
        .await
        .assert_status(200);
    // Someone else's draft is not there to compare with.
    app.create_user("ann@example.org", "Ann", &[Role::Editor]);
    let ann = app.signed_in("ann@example.org").await;
    let draft = create_article(&ann, "Ann's draft", false).await;
    ed.get(&format!("/manage/revisions/{second}/diff?against={draft}"))
        .await
        .assert_status(404);
    app.client()
        .get(&format!("/manage/revisions/{second}/diff"))
        .await
        .assert_status(303);
}

async fn the_layout_is_switched_by_a_parameter_and_remembered_per_person(app: TestApp) {
    let (ed, _, second) = two_revisions(&app, "Old words.", "New words.", &STANDARD_REFS).await;
    let path = format!("/manage/revisions/{second}/diff");
    ed.get(&path).await.assert_contains("class=\"diff-inline\"");
    ed.get(&format!("{path}?layout=split"))
        .await
        .assert_contains("class=\"diff-split\"");
    // Remembered for this person...
    ed.get(&path).await.assert_contains("class=\"diff-split\"");
    // ...and only for them.
    let rita = app.signed_in("rita@example.org").await;
    rita.get(&path)
        .await
        .assert_contains("class=\"diff-inline\"");
    ed.get(&format!("{path}?layout=inline")).await;
    ed.get(&path).await.assert_contains("class=\"diff-inline\"");
}

async fn all_text_in_a_diff_is_escaped(app: TestApp) {
    let evil_refs = [(
        "research",
        "<img src=x onerror=alert(1)>",
        "<b>BMJ</b>",
        "2020",
        "",
    )];
    let (ed, _, second) = two_revisions(
        &app,
        "Plain.",
        "Plain. <script>alert(1)</script> and <img src=x onerror=alert(2)>",
        &evil_refs,
    )
    .await;
    for layout in ["inline", "split"] {
        let page = ed
            .get(&format!("/manage/revisions/{second}/diff?layout={layout}"))
            .await;
        page.assert_status(200);
        assert!(!page.body.contains("<script>alert"), "{layout}");
        assert!(!page.body.contains("<img src=x"), "{layout}");
        page.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;");
        page.assert_contains("&#60;img src=x onerror=alert(1)&#62;");
    }
}

async fn reference_changes_are_listed_by_number(app: TestApp) {
    let new_refs = [
        (
            "drug_label",
            "Lisinopril prescribing information",
            "DailyMed",
            "2024",
            "https://dailymed.nlm.nih.gov/",
        ),
        ("guideline", "Hypertension guideline", "ACC/AHA", "2017", ""),
        ("research", "A new cohort study", "Lancet", "2023", ""),
    ];
    let (ed, _, second) =
        two_revisions(&app, "Body [1] [2].", "Body [1] [2] [3].", &new_refs).await;
    let page = ed.get(&format!("/manage/revisions/{second}/diff")).await;
    page.assert_contains("references: 1 added, 0 removed, 1 changed, 1 moved");
    page.assert_contains("<strong>Changed:</strong> year; moved from 2");
    page.assert_contains("<strong>Moved</strong> from 1");
    page.assert_contains("<ins>Research: A new cohort study");
}

async fn long_unchanged_stretches_fold_away_and_links_lead_to_the_diff(app: TestApp) {
    let old: Vec<String> = (1..=12)
        .map(|i| format!("Unchanged paragraph number {i}."))
        .collect();
    let mut new = old.clone();
    new[11] = "The last paragraph, rewritten.".into();
    let (ed, _, second) =
        two_revisions(&app, &old.join("\n\n"), &new.join("\n\n"), &STANDARD_REFS).await;
    let page = ed.get(&format!("/manage/revisions/{second}/diff")).await;
    page.assert_contains("<details class=\"diff-fold\">")
        .assert_contains("Show 10 unchanged paragraphs");
    // Folded text is still in the page (no JavaScript needed to expand it).
    page.assert_contains("Unchanged paragraph number 2.");
    let revision_page = ed.get(&format!("/manage/revisions/{second}")).await;
    revision_page.assert_contains(&format!(
        "href=\"/manage/revisions/{second}/diff\">Changes against live"
    ));
    let rita = app.signed_in("rita@example.org").await;
    let queue = rita.get("/review/queue").await;
    queue.assert_contains(&format!("href=\"/manage/revisions/{second}/diff\""));
    queue.assert_contains("diff-link\">Changes<span");
}
