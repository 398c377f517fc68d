//! Patient and clinician versions of an article (issue 15), over HTTP on both backends:
//! written together in the editor, approved together (a patient-only change is new content
//! needing a new approval), diffed per version, and served to the public per audience with
//! its own disclaimer, cache entry and ETag, never showing an unapproved patient text.

use diesel::prelude::*;
use imprimatur::db::schema::{articles, mail_outbox, revisions};
use imprimatur::domain::roles::Role;
use imprimatur::ids::{ArticleId, RevisionId};

use crate::on_both_backends;
use crate::support::forms::{act, article_fields, as_refs, revision_of, state_of};
use crate::support::{Client, TestApp};

on_both_backends!(
    one_approval_covers_both_versions_and_a_patient_only_change_needs_another,
    the_public_page_serves_each_audience_with_its_own_disclaimer_and_etag,
    the_diff_shows_a_patient_only_change_in_the_patient_version,
    search_finds_a_word_only_the_patient_version_has_and_links_to_it,
    a_half_written_patient_version_is_refused_and_nothing_is_saved,
);

const PATIENT_TITLE: &str = "Can I take ibuprofen with my blood pressure pills?";
const PATIENT_BODY: &str = "Ask your pharmacist before you take ibuprofen [1].";
const CLINICIAN_DISCLAIMER: &str = "For healthcare professionals.";
const PATIENT_DISCLAIMER: &str = "Talk to your own doctor.";

/// The editor's fields for an article with a patient version.
fn both_versions(title: &str, patient_body: &str) -> Vec<(&'static str, String)> {
    let mut fields = article_fields(title, "Avoid NSAIDs with ACE inhibitors [1] [2].");
    fields.push(("patient_title", PATIENT_TITLE.into()));
    fields.push(("patient_summary", "Usually not for long.".into()));
    fields.push(("patient_body", patient_body.into()));
    fields
}

fn article_id(app: &TestApp, revision: RevisionId) -> ArticleId {
    revisions::table
        .find(revision)
        .select(revisions::article_id)
        .first(&mut app.conn())
        .unwrap()
}

fn slug_of(app: &TestApp, article: ArticleId) -> String {
    articles::table
        .find(article)
        .select(articles::slug)
        .first(&mut app.conn())
        .unwrap()
}

/// Submits a new revision of `article` from the editor, based on its newest revision.
async fn revise(
    ed: &Client,
    article: ArticleId,
    fields: Vec<(&'static str, String)>,
) -> RevisionId {
    let edit = ed.get(&format!("/manage/articles/{article}/edit")).await;
    edit.assert_status(200);
    let mut fields = fields;
    fields.push(("base_revision_id", edit.field("base_revision_id").unwrap()));
    fields.push(("op", "submit".into()));
    let page = ed
        .submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fields),
        )
        .await;
    page.assert_status(303);
    revision_of(&page)
}

struct Desk {
    admin: Client,
    ed: Client,
    rita: Client,
}

async fn desk(app: &TestApp) -> Desk {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    Desk {
        admin: app.signed_in("admin@example.org").await,
        ed: app.signed_in("ed@example.org").await,
        rita: app.signed_in("rita@example.org").await,
    }
}

/// Sets the two disclaimers and the default audience from the settings page.
async fn set_audience(admin: &Client, default: &str) {
    let page = admin.get("/admin/settings").await;
    page.assert_contains("name=\"patient_disclaimer\"");
    let version = page.field("version").unwrap();
    admin
        .submit(
            "/admin/settings",
            &[
                ("version", version.as_str()),
                ("approvals_required", "1"),
                ("review_interval_days", "365"),
                ("review_due_days", "7"),
                ("site_name", "Health Answers"),
                ("disclaimer", CLINICIAN_DISCLAIMER),
                ("patient_disclaimer", PATIENT_DISCLAIMER),
                ("default_audience", default),
                ("editorial_policy", "We review everything."),
            ],
        )
        .await
        .assert_redirect("/admin/settings?done=settings-saved");
}

/// Creates and submits an article with both versions; returns its revision.
async fn submit_both(ed: &Client, title: &str) -> RevisionId {
    ed.get("/manage/articles/new").await.assert_status(200);
    let mut fields = both_versions(title, PATIENT_BODY);
    fields.push(("op", "submit".into()));
    let page = ed.submit("/manage/articles", &as_refs(&fields)).await;
    page.assert_status(303);
    revision_of(&page)
}

async fn one_approval_covers_both_versions_and_a_patient_only_change_needs_another(app: TestApp) {
    let d = desk(&app).await;
    let first = submit_both(&d.ed, "Ibuprofen and lisinopril").await;
    // The reviewer sees both versions on the revision page.
    d.rita
        .get(&format!("/manage/revisions/{first}"))
        .await
        .assert_contains("Clinician version")
        .assert_contains("id=\"patient-version\"")
        .assert_contains(PATIENT_TITLE)
        .assert_contains("Ask your pharmacist")
        .assert_contains(
            "Your approval covers the clinician version and the patient version together",
        );
    act(&d.rita, first, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, first), "approved");
    let article = article_id(&app, first);
    let slug = slug_of(&app, article);
    let public = app.client();
    public
        .get(&format!("/articles/{slug}?for=patient"))
        .await
        .assert_status(200)
        .assert_contains("Ask your pharmacist before you take ibuprofen");

    // Only the patient body changes: new content, a new hash, not covered by the approval.
    let second = revise(
        &d.ed,
        article,
        both_versions(
            "Ibuprofen and lisinopril",
            "Ask your pharmacist or doctor first [1].",
        ),
    )
    .await;
    let hashes: Vec<String> = revisions::table
        .filter(revisions::id.eq_any([first, second]))
        .order(revisions::id)
        .select(revisions::content_hash)
        .load(&mut app.conn())
        .unwrap();
    assert_ne!(hashes[0], hashes[1], "the hash covers the patient version");
    assert_eq!(state_of(&app, second), "submitted", "nothing carried over");
    // The reviewers are told which version changed.
    let asked: Vec<String> = mail_outbox::table
        .filter(mail_outbox::revision_id.eq(second))
        .filter(mail_outbox::event.eq("revision_submitted"))
        .select(mail_outbox::text_body)
        .load(&mut app.conn())
        .unwrap();
    assert!(!asked.is_empty());
    assert!(
        asked
            .iter()
            .all(|body| body.contains("Changes the patient version.")),
        "{asked:?}"
    );
    // The public never sees the unapproved patient text.
    let page = public.get(&format!("/articles/{slug}?for=patient")).await;
    page.assert_contains("Ask your pharmacist before you take ibuprofen");
    assert!(
        !page.body.contains("pharmacist or doctor first"),
        "{}",
        page.body
    );
    act(&d.rita, second, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, second), "approved");
    public
        .get(&format!("/articles/{slug}?for=patient"))
        .await
        .assert_contains("Ask your pharmacist or doctor first");
    // The history says which versions each approved version had.
    public
        .get(&format!("/articles/{slug}/history?for=patient"))
        .await
        .assert_status(200)
        .assert_contains("Clinician and patient versions, approved together.")
        .assert_contains(&format!("href=\"/articles/{slug}?for=patient\""));
}

async fn the_public_page_serves_each_audience_with_its_own_disclaimer_and_etag(app: TestApp) {
    let d = desk(&app).await;
    set_audience(&d.admin, "clinician").await;
    let revision = submit_both(&d.ed, "Ibuprofen and lisinopril").await;
    act(&d.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    let slug = slug_of(&app, article_id(&app, revision));
    // An article without a patient version: no chooser, whatever is asked.
    let plain = create_published(&d, "Giant cell arteritis").await;
    let plain_slug = slug_of(&app, article_id(&app, plain));

    let public = app.client();
    let clinician = public.get(&format!("/articles/{slug}")).await;
    clinician
        .assert_status(200)
        .assert_contains("Which best describes you?")
        .assert_contains(&format!("href=\"/articles/{slug}?for=patient\""))
        .assert_contains(CLINICIAN_DISCLAIMER)
        .assert_contains("\"audienceType\":\"Clinician\"");
    assert!(!clinician.body.contains(PATIENT_DISCLAIMER));
    assert!(!clinician.body.contains("Ask your pharmacist"));
    let patient = public.get(&format!("/articles/{slug}?for=patient")).await;
    patient
        .assert_status(200)
        .assert_contains(PATIENT_TITLE)
        .assert_contains(PATIENT_DISCLAIMER)
        .assert_contains("\"audienceType\":\"Patient\"")
        .assert_contains(&format!("href=\"/articles/{slug}?for=clinician\""))
        .assert_contains(&format!("href=\"/articles/{slug}/history?for=patient\""));
    assert!(!patient.body.contains(CLINICIAN_DISCLAIMER));
    let (etag_c, etag_p) = (
        clinician.header("etag").unwrap().to_owned(),
        patient.header("etag").unwrap().to_owned(),
    );
    assert_ne!(etag_c, etag_p, "each audience has its own ETag");
    // A revalidation of the patient page with its own ETag is 304; with the other's, 200.
    let again = public
        .http()
        .get(format!("{}/articles/{slug}?for=patient", app.base_url))
        .header("if-none-match", &etag_p)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let other = public
        .http()
        .get(format!("{}/articles/{slug}?for=patient", app.base_url))
        .header("if-none-match", &etag_c)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    // No patient version: the clinician page for every audience, without a chooser.
    let page = public
        .get(&format!("/articles/{plain_slug}?for=patient"))
        .await;
    page.assert_status(200)
        .assert_contains(CLINICIAN_DISCLAIMER);
    assert!(!page.body.contains("Which best describes you?"));
    // A reader group that does not exist is a clear 400.
    public
        .get(&format!("/articles/{slug}?for=robots"))
        .await
        .assert_status(400)
        .assert_contains("use for=clinician or for=patient");

    // With the patient version as the default, the plain address serves it.
    set_audience(&d.admin, "patient").await;
    public
        .get(&format!("/articles/{slug}"))
        .await
        .assert_contains(PATIENT_TITLE)
        .assert_contains(PATIENT_DISCLAIMER);
    public
        .get(&format!("/articles/{plain_slug}"))
        .await
        .assert_contains(CLINICIAN_DISCLAIMER);
}

/// Creates, submits and approves an article without a patient version.
async fn create_published(d: &Desk, title: &str) -> RevisionId {
    d.ed.get("/manage/articles/new").await.assert_status(200);
    let mut fields = article_fields(title, "Glucocorticoids first [1].");
    fields.push(("op", "submit".into()));
    let revision = revision_of(&d.ed.submit("/manage/articles", &as_refs(&fields)).await);
    act(&d.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    revision
}

async fn the_diff_shows_a_patient_only_change_in_the_patient_version(app: TestApp) {
    let d = desk(&app).await;
    let plain = create_published(&d, "Ibuprofen and lisinopril").await;
    let article = article_id(&app, plain);
    // The next revision adds a patient version: "added".
    let added = revise(
        &d.ed,
        article,
        both_versions("Ibuprofen and lisinopril", PATIENT_BODY),
    )
    .await;
    d.rita
        .get(&format!("/manage/revisions/{added}/diff"))
        .await
        .assert_status(200)
        .assert_contains("Patient version added in this revision.");
    act(&d.rita, added, "approve", &[]).await.assert_status(303);
    // Then only the patient body changes.
    let changed = revise(
        &d.ed,
        article,
        both_versions(
            "Ibuprofen and lisinopril",
            "Ask your doctor before you take ibuprofen [1].",
        ),
    )
    .await;
    let page = d
        .rita
        .get(&format!("/manage/revisions/{changed}/diff"))
        .await;
    page.assert_status(200)
        .assert_contains("Patient version changed.")
        .assert_contains("<del>pharmacist</del>")
        .assert_contains("<ins>doctor</ins>");
    let clinician_part = page
        .body
        .split("id=\"body-title\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"patient-diff\"").next())
        .unwrap();
    assert!(
        !clinician_part.contains("<ins>") && !clinician_part.contains("<del>pharmacist"),
        "the clinician version did not change"
    );
}

async fn a_half_written_patient_version_is_refused_and_nothing_is_saved(app: TestApp) {
    let d = desk(&app).await;
    d.ed.get("/manage/articles/new").await.assert_status(200);
    let mut fields = article_fields("Ibuprofen and lisinopril", "Avoid NSAIDs [1] [2].");
    fields.push(("patient_summary", "Usually not.".into()));
    fields.push(("op", "save".into()));
    let page = d.ed.submit("/manage/articles", &as_refs(&fields)).await;
    page.assert_status(400)
        .assert_contains("Enter the patient version&#39;s title")
        .assert_contains("Write the patient version&#39;s body")
        // What was typed is kept, and the patient section is open.
        .assert_contains("Usually not.</textarea>")
        .assert_contains("id=\"patient-version\" open");
    let saved: i64 = revisions::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(saved, 0);
    // Preview shows both versions rendered.
    // Preview lays both versions out as readers will see them: title, short answer, body,
    // the references (a typed full stop never doubled) and the disclaimer; nothing is saved.
    let mut fields = both_versions("Ibuprofen and lisinopril", "Ask your **pharmacist** [1].");
    fields[6].1 = "Hypertension guideline.".into();
    fields.push(("ref_position", "3".into()));
    fields.push(("ref_kind", "research".into()));
    fields.push(("ref_title", "".into()));
    fields.push(("ref_source", "A journal".into()));
    fields.push(("ref_year", "20x7".into()));
    fields.push(("ref_url", "".into()));
    fields.push(("op", "preview".into()));
    let preview = d.ed.submit("/manage/articles", &as_refs(&fields)).await;
    preview
        .assert_status(200)
        .assert_contains("Preview: clinician version")
        .assert_contains("Preview: patient version")
        .assert_contains("<strong>pharmacist</strong>")
        .assert_contains(r#"<p class="preview-heading">Ibuprofen and lisinopril</p>"#)
        .assert_contains(r#"<p class="answer">Short answer about Ibuprofen and lisinopril.</p>"#)
        .assert_contains("Hypertension guideline. <em>ACC/AHA</em>. 2017.")
        .assert_contains("Reference 3: ")
        .assert_contains("not a substitute for professional medical advice");
    assert_eq!(
        fields[6].0, "ref_title",
        "the test edits the first reference's title"
    );
    assert!(!preview.body.contains("guideline.."));
    let saved: i64 = revisions::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(saved, 0, "a preview saves nothing");
}

async fn search_finds_a_word_only_the_patient_version_has_and_links_to_it(app: TestApp) {
    let d = desk(&app).await;
    let revision = submit_both(&d.ed, "Ibuprofen and lisinopril").await;
    let slug = slug_of(&app, article_id(&app, revision));
    let public = app.client();
    // Not approved yet: the patient text is in no index.
    let page = public.get("/?q=pharmacist").await;
    page.assert_status(200);
    assert!(
        !page.body.contains(&format!("/articles/{slug}")),
        "{}",
        page.body
    );
    act(&d.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    // A word only the patient version has: the result shows and links to that version.
    public
        .get("/?q=pharmacist")
        .await
        .assert_status(200)
        .assert_contains(&format!("href=\"/articles/{slug}?for=patient\""))
        .assert_contains(PATIENT_TITLE)
        .assert_contains("<mark>pharmacist</mark>")
        .assert_contains("Found in the version for patients and caregivers.");
    // A reader who chose the patient version keeps it through the index and its search.
    public
        .get("/?for=patient")
        .await
        .assert_status(200)
        .assert_contains(&format!("href=\"/articles/{slug}?for=patient\""))
        .assert_contains("<input type=\"hidden\" name=\"for\" value=\"patient\">");
    public
        .get(&format!("/articles/{slug}?for=patient"))
        .await
        .assert_contains("href=\"/?for=patient\"");
    // A word the clinician version has: the plain address.
    let page = public.get("/?q=inhibitors").await;
    page.assert_contains(&format!("href=\"/articles/{slug}\""));
    assert!(!page.body.contains("?for=patient"), "{}", page.body);
}
