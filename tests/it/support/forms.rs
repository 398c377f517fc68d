//! Filling the application's forms over HTTP, as a browser without JavaScript does: the
//! editor's fields, and posting an action from a revision page.

use diesel::prelude::*;
use imprimatur::db::schema::revisions;
use imprimatur::ids::{ArticleId, RevisionId};

use super::{Client, Page, TestApp};

/// A form's fields, in order.
pub type Fields = Vec<(&'static str, String)>;

/// The fields of the editor form for an article with two references.
pub fn article_fields(title: &str, body: &str) -> Fields {
    vec![
        ("title", title.to_owned()),
        ("summary", format!("Short answer about {title}.")),
        ("body", body.to_owned()),
        ("change_note", "First version.".to_owned()),
        ("ref_position", "1".into()),
        ("ref_kind", "guideline".into()),
        ("ref_title", "Hypertension guideline".into()),
        ("ref_source", "ACC/AHA".into()),
        ("ref_year", "2017".into()),
        ("ref_url", "".into()),
        ("ref_position", "2".into()),
        ("ref_kind", "drug_label".into()),
        ("ref_title", "Lisinopril prescribing information".into()),
        ("ref_source", "DailyMed".into()),
        ("ref_year", "".into()),
        ("ref_url", "https://dailymed.nlm.nih.gov/".into()),
    ]
}

pub fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The revision id a save redirected to.
#[track_caller]
pub fn revision_of(page: &Page) -> RevisionId {
    let location = page
        .location()
        .unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.body));
    let id = location
        .trim_start_matches("/manage/revisions/")
        .split('?')
        .next()
        .unwrap();
    RevisionId(id.parse().unwrap())
}

/// Creates an article through the editor form; returns its first revision.
pub async fn create_article(client: &Client, title: &str, submit: bool) -> RevisionId {
    client.get("/manage/articles/new").await.assert_status(200);
    let mut fields = article_fields(
        title,
        "## From the guidelines\n\nAvoid NSAIDs [1]; see the label [2].",
    );
    fields.push(("op", if submit { "submit" } else { "save" }.into()));
    let page = client.submit("/manage/articles", &as_refs(&fields)).await;
    page.assert_status(303);
    revision_of(&page)
}

/// Posts an action from the revision page.
pub async fn act(
    client: &Client,
    revision: RevisionId,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    client.get(&format!("/manage/revisions/{revision}")).await;
    // An approval declares no conflict unless the test says otherwise.
    let mut fields = fields.to_vec();
    if action == "approve" && !fields.iter().any(|(k, _)| *k == "declaration") {
        fields.push(("declaration", "none"));
    }
    client
        .submit(&format!("/manage/revisions/{revision}/{action}"), &fields)
        .await
}

/// A revision's stored state name.
pub fn state_of(app: &TestApp, revision: RevisionId) -> String {
    revisions::table
        .find(revision)
        .select(revisions::state)
        .first(&mut app.conn())
        .unwrap()
}

/// The article a revision belongs to.
pub fn article_of(app: &TestApp, revision: RevisionId) -> ArticleId {
    revisions::table
        .find(revision)
        .select(revisions::article_id)
        .first(&mut app.conn())
        .unwrap()
}

/// Sets the approvals the policy requires, from the settings page.
pub async fn set_approvals(admin: &Client, n: &str) {
    let page = admin.get("/admin/settings").await;
    let version = page.field("version").unwrap();
    admin
        .submit(
            "/admin/settings",
            &[
                ("version", &version),
                ("approvals_required", n),
                ("review_interval_days", "365"),
                ("site_name", "Health Answers"),
                ("disclaimer", "Not medical advice."),
                ("editorial_policy", "We review everything."),
            ],
        )
        .await
        .assert_redirect("/admin/settings?done=settings-saved");
}
