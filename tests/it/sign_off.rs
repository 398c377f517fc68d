//! Accountable clinical sign-off (issue 14), over HTTP on both backends: the specialties an
//! admin keeps, the reviewers holding them and the articles needing them; the specialist
//! rule holding back a quorum without the specialist; the queue putting a reviewer's
//! specialties first and filtering by one; a submission nobody is assigned to mailed to the
//! article's specialists rather than the whole board.

use diesel::prelude::*;
use imprimatur::db::schema::{article_specialties, audit_log, mail_outbox, reviews, specialties};
use imprimatur::domain::roles::Role;
use imprimatur::ids::{RevisionId, UserId};

use crate::on_both_backends;
use crate::support::forms::{act, article_fields, as_refs, revision_of, state_of};
use crate::support::{Client, TestApp};

on_both_backends!(
    a_non_specialist_quorum_does_not_publish_until_the_specialist_approves,
    specialties_are_kept_by_admins_only_with_checked_names,
    a_submission_nobody_is_assigned_to_is_mailed_to_its_specialists,
    the_queue_lists_a_reviewer_s_specialties_first_and_filters_by_one,
    an_approval_declares_its_conflicts_and_a_declared_conflict_counts_only_if_the_policy_says,
    the_board_lists_reviewers_who_opt_in_and_articles_link_their_declarations_to_it,
    approving_attests_every_checklist_item_and_a_change_request_names_failing_ones,
    a_recertification_quorum_moves_the_review_dates_without_a_new_revision,
    assigned_reviews_are_due_and_reminded_once_before_and_once_after,
);

/// The specialty called `name`'s id.
fn specialty_id(app: &TestApp, name: &str) -> i64 {
    specialties::table
        .filter(specialties::name.eq(name))
        .select(specialties::id)
        .first(&mut app.conn())
        .unwrap()
}

/// Adds specialties from the admin's page.
async fn add_specialties(admin: &Client, names: &[&str]) {
    admin.get("/admin/specialties").await.assert_status(200);
    for name in names {
        admin
            .submit("/admin/specialties", &[("name", name)])
            .await
            .assert_redirect("/admin/specialties?done=specialty-added");
    }
}

/// Gives an account its specialties from its admin page.
async fn give(admin: &Client, user: UserId, ids: &[i64]) {
    let path = format!("/admin/users/{user}");
    admin.get(&path).await.assert_status(200);
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let mut fields = vec![("action", "specialties")];
    fields.extend(ids.iter().map(|id| ("specialty", id.as_str())));
    admin
        .submit(&path, &fields)
        .await
        .assert_redirect(&format!("{path}?done=specialties-saved"));
}

/// Sets the quorum and the specialist rule from the settings page.
async fn set_policy(admin: &Client, approvals: &str, specialist: bool) {
    set_rules(admin, approvals, specialist, false).await;
}

/// Sets the quorum, the specialist rule and whether declared conflicts count.
async fn set_rules(admin: &Client, approvals: &str, specialist: bool, conflicts_count: bool) {
    let page = admin.get("/admin/settings").await;
    let version = page.field("version").unwrap();
    let mut fields = vec![
        ("version", version.as_str()),
        ("approvals_required", approvals),
        ("review_interval_days", "365"),
        ("site_name", "Health Answers"),
        ("disclaimer", "Not medical advice."),
        ("editorial_policy", "We review everything."),
    ];
    if specialist {
        fields.push(("require_specialist", "on"));
    }
    if conflicts_count {
        fields.push(("conflicted_approvals_count", "on"));
    }
    admin
        .submit("/admin/settings", &fields)
        .await
        .assert_redirect("/admin/settings?done=settings-saved");
}

/// Creates and submits an article through the editor, with the specialties ticked.
async fn submit_with(client: &Client, title: &str, specialties: &[i64]) -> RevisionId {
    let page = client.get("/manage/articles/new").await;
    page.assert_status(200);
    if !specialties.is_empty() {
        page.assert_contains("name=\"specialties_shown\"");
    }
    let mut fields = article_fields(title, "Methotrexate is first line [1]; see the label [2].");
    let ids: Vec<String> = specialties.iter().map(ToString::to_string).collect();
    fields.push(("specialties_shown", "1".into()));
    fields.extend(ids.into_iter().map(|id| ("specialty", id)));
    fields.push(("op", "submit".into()));
    let page = client.submit("/manage/articles", &as_refs(&fields)).await;
    page.assert_status(303);
    revision_of(&page)
}

struct Board {
    admin: Client,
    ed: Client,
    rita: Client,
    ron: Client,
    rob: Client,
    rob_id: UserId,
    rheumatology: i64,
    cardiology: i64,
}

/// An admin, an editor, Rita (cardiology), Ron (no specialty) and Rob (rheumatology).
async fn board(app: &TestApp) -> Board {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita_id = app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    app.create_user("ron@example.org", "Ron Reviewer", &[Role::Reviewer]);
    let rob_id = app.create_user("rob@example.org", "Rob Rheum", &[Role::Reviewer]);
    let admin = app.signed_in("admin@example.org").await;
    add_specialties(&admin, &["Rheumatology", "Cardiology"]).await;
    let rheumatology = specialty_id(app, "Rheumatology");
    let cardiology = specialty_id(app, "Cardiology");
    give(&admin, rita_id, &[cardiology]).await;
    give(&admin, rob_id, &[rheumatology]).await;
    Board {
        ed: app.signed_in("ed@example.org").await,
        rita: app.signed_in("rita@example.org").await,
        ron: app.signed_in("ron@example.org").await,
        rob: app.signed_in("rob@example.org").await,
        admin,
        rob_id,
        rheumatology,
        cardiology,
    }
}

async fn a_non_specialist_quorum_does_not_publish_until_the_specialist_approves(app: TestApp) {
    let b = board(&app).await;
    set_policy(&b.admin, "2", true).await;
    let revision = submit_with(&b.ed, "Dermatomyositis treatment", &[b.rheumatology]).await;
    let stored: Vec<i64> = article_specialties::table
        .select(article_specialties::specialty_id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(stored, vec![b.rheumatology]);
    let path = format!("/manage/revisions/{revision}");
    b.rita
        .get(&path)
        .await
        .assert_contains("Needs 2 more approvals, including one from Rheumatology")
        .assert_contains("Specialties of this article: Rheumatology.");
    // A cardiologist and a reviewer without a specialty make the quorum by number only.
    act(&b.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    act(&b.ron, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "under_review");
    let page = b.rob.get(&path).await;
    page.assert_contains("Needs 1 more approval, including one from Rheumatology")
        .assert_contains("Approve and publish");
    act(&b.rob, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "approved");
    let actions = app.audit_actions();
    for expected in [
        "specialty.added",
        "user.specialties_changed",
        "article.specialties_changed",
        "article.published",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected}: {actions:?}"
        );
    }

    // With the rule off, the same two non-specialists publish a second article.
    set_policy(&b.admin, "2", false).await;
    let other = submit_with(&b.ed, "Giant cell arteritis", &[b.rheumatology]).await;
    act(&b.rita, other, "approve", &[]).await.assert_status(303);
    act(&b.ron, other, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, other), "approved");
}

async fn specialties_are_kept_by_admins_only_with_checked_names(app: TestApp) {
    let b = board(&app).await;
    // The same name in another case is the same specialty.
    b.admin
        .submit("/admin/specialties", &[("name", " rheumatology ")])
        .await
        .assert_status(409)
        .assert_contains("already on the list");
    b.admin
        .submit("/admin/specialties", &[("name", "  ")])
        .await
        .assert_status(400)
        .assert_contains("Enter the specialty");
    let long = "x".repeat(81);
    b.admin
        .submit("/admin/specialties", &[("name", &long)])
        .await
        .assert_status(400);
    assert_eq!(app.count("specialties"), 2);
    // Reviewers and editors can neither add, remove nor give specialties.
    for who in [&b.rita, &b.ed] {
        who.get("/admin/specialties").await.assert_status(403);
        who.submit("/admin/specialties", &[("name", "Pharmacy")])
            .await
            .assert_status(403);
        who.submit(
            &format!("/admin/specialties/{}/remove", b.cardiology),
            &[("confirm", "yes")],
        )
        .await
        .assert_status(403);
        who.submit(
            &format!("/admin/users/{}", b.rob_id),
            &[
                ("action", "specialties"),
                ("specialty", &b.cardiology.to_string()),
            ],
        )
        .await
        .assert_status(403);
    }
    assert_eq!(app.count("specialties"), 2);
    // A specialty that does not exist cannot be given, and changes nothing.
    b.admin
        .submit(
            &format!("/admin/users/{}", b.rob_id),
            &[("action", "specialties"), ("specialty", "999999")],
        )
        .await
        .assert_status(400)
        .assert_contains("no longer on the list");
    assert_eq!(app.count("user_specialties"), 2);
    // Removing needs the box ticked; then the holdings go with it.
    let remove = format!("/admin/specialties/{}/remove", b.rheumatology);
    b.admin.submit(&remove, &[]).await.assert_status(400);
    assert_eq!(app.count("specialties"), 2);
    submit_with(&b.ed, "Lupus", &[b.rheumatology]).await;
    b.admin
        .submit(&remove, &[("confirm", "yes")])
        .await
        .assert_redirect("/admin/specialties?done=specialty-removed");
    assert_eq!(app.count("specialties"), 1);
    assert_eq!(app.count("user_specialties"), 1);
    assert_eq!(app.count("article_specialties"), 0);
    b.admin
        .submit(&remove, &[("confirm", "yes")])
        .await
        .assert_status(404);
    assert!(app.audit_actions().iter().any(|a| a == "specialty.removed"));
    // An editor's form naming a specialty that is gone saves nothing.
    let before = app.count("revisions");
    b.ed.get("/manage/articles/new").await;
    let mut fields = article_fields("Gout", "Colchicine [1] [2].");
    fields.push(("specialties_shown", "1".into()));
    fields.push(("specialty", b.rheumatology.to_string()));
    fields.push(("op", "save".into()));
    b.ed.submit("/manage/articles", &as_refs(&fields))
        .await
        .assert_status(400)
        .assert_contains("no longer on the list");
    assert_eq!(app.count("revisions"), before);
    // A value that is not a number is a bad request.
    fields.retain(|(k, _)| *k != "specialty");
    fields.push(("specialty", "cardio".into()));
    b.ed.submit("/manage/articles", &as_refs(&fields))
        .await
        .assert_status(400);
    assert_eq!(app.count("revisions"), before);
}

fn submitted_mail_to(app: &TestApp) -> Vec<String> {
    let mut to: Vec<String> = mail_outbox::table
        .filter(mail_outbox::event.eq("revision_submitted"))
        .select(mail_outbox::recipient)
        .load(&mut app.conn())
        .unwrap();
    to.sort();
    to
}

async fn a_submission_nobody_is_assigned_to_is_mailed_to_its_specialists(app: TestApp) {
    let b = board(&app).await;
    submit_with(&b.ed, "Polymyalgia rheumatica", &[b.rheumatology]).await;
    let to = submitted_mail_to(&app);
    assert_eq!(to.len(), 1, "{to:?}");
    assert!(to[0].contains("rob@example.org"), "{to:?}");
    app.execute("DELETE FROM mail_outbox");
    // No specialty: the whole board hears of it.
    submit_with(&b.ed, "Sore throat", &[]).await;
    assert_eq!(submitted_mail_to(&app).len(), 3);
    app.execute("DELETE FROM mail_outbox");
    // A specialty nobody on the board holds: the whole board too, never nobody.
    b.admin
        .submit("/admin/specialties", &[("name", "Nephrology")])
        .await
        .assert_status(303);
    let nephrology = specialty_id(&app, "Nephrology");
    submit_with(&b.ed, "Kidney stones", &[nephrology]).await;
    assert_eq!(submitted_mail_to(&app).len(), 3);
}

async fn the_queue_lists_a_reviewer_s_specialties_first_and_filters_by_one(app: TestApp) {
    let b = board(&app).await;
    let heart = submit_with(&b.ed, "Atrial fibrillation", &[b.cardiology]).await;
    let joints = submit_with(&b.ed, "Rheumatoid arthritis", &[b.rheumatology]).await;
    let page = b.rob.get("/review/queue").await;
    page.assert_status(200);
    let body = &page.body;
    let mine = body
        .find("In your specialties")
        .expect("a section of Rob's specialties");
    let rest = body.find("Waiting longest").expect("the rest");
    let joints_at = body.find(&format!("/manage/revisions/{joints}\"")).unwrap();
    let heart_at = body.find(&format!("/manage/revisions/{heart}\"")).unwrap();
    assert!(
        mine < joints_at && joints_at < rest && rest < heart_at,
        "{body}"
    );
    page.assert_contains("Your specialty")
        .assert_contains("<span class=\"tag\">Cardiology</span>");
    // One specialty's articles only.
    let page = b
        .rob
        .get(&format!("/review/queue?specialty={}", b.cardiology))
        .await;
    page.assert_status(200);
    assert!(page.body.contains(&format!("/manage/revisions/{heart}\"")));
    assert!(!page.body.contains(&format!("/manage/revisions/{joints}\"")));
    let page = b.rob.get("/review/queue?show=mine").await;
    assert!(page.body.contains(&format!("/manage/revisions/{joints}\"")));
    assert!(!page.body.contains(&format!("/manage/revisions/{heart}\"")));
    // Ron holds none: everything is in the one list, nothing is hidden.
    let page = b.ron.get("/review/queue").await;
    assert!(page.body.contains(&format!("/manage/revisions/{joints}\"")));
    assert!(page.body.contains(&format!("/manage/revisions/{heart}\"")));
    b.ron
        .get("/review/queue?specialty=cardio")
        .await
        .assert_status(400);
    b.ron
        .get("/review/queue?show=favourites")
        .await
        .assert_status(400);
}

/// The details of the newest audit row with `action`.
fn last_details(app: &TestApp, action: &str) -> serde_json::Value {
    let details: String = audit_log::table
        .filter(audit_log::action.eq(action))
        .order(audit_log::id.desc())
        .select(audit_log::details)
        .first(&mut app.conn())
        .unwrap();
    serde_json::from_str(&details).unwrap()
}

const CONFLICT: &str = "I was paid to speak by the maker of IVIG in 2025.";

async fn an_approval_declares_its_conflicts_and_a_declared_conflict_counts_only_if_the_policy_says(
    app: TestApp,
) {
    let b = board(&app).await;
    set_policy(&b.admin, "2", false).await;
    let revision = submit_with(&b.ed, "Inclusion body myositis", &[]).await;
    let path = format!("/manage/revisions/{revision}");
    b.rita
        .get(&path)
        .await
        .assert_contains("name=\"declaration\" value=\"none\" required");
    // No declaration, or a conflict left undescribed: refused, nothing recorded, the note kept.
    let reviews_before = app.count("reviews");
    let page = b
        .rita
        .submit(&format!("{path}/approve"), &[("comment", "Doses fine.")])
        .await;
    page.assert_status(400)
        .assert_contains("Declare whether you have a conflict of interest")
        .assert_contains("Doses fine.");
    let page = b
        .rita
        .submit(
            &format!("{path}/approve"),
            &[("declaration", "conflict"), ("conflict", " ")],
        )
        .await;
    page.assert_status(400)
        .assert_contains("Describe the conflict")
        .assert_contains("value=\"conflict\" checked");
    b.rita
        .submit(&format!("{path}/approve"), &[("declaration", "maybe")])
        .await
        .assert_status(400);
    assert_eq!(app.count("reviews"), reviews_before);
    assert_eq!(state_of(&app, revision), "submitted");

    // A declared conflict is recorded and shown, but does not count by default.
    act(
        &b.rita,
        revision,
        "approve",
        &[("declaration", "conflict"), ("conflict", CONFLICT)],
    )
    .await
    .assert_status(303);
    let stored: (Option<bool>, String) = reviews::table
        .filter(reviews::verdict.eq("approve"))
        .select((reviews::conflict_declared, reviews::conflict))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, (Some(true), CONFLICT.to_owned()));
    let details = last_details(&app, "revision.approved");
    assert_eq!(details["declaration"]["conflict"], CONFLICT);
    assert_eq!(details["counts"], false);
    act(&b.ron, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(
        state_of(&app, revision),
        "under_review",
        "two approvals, one with a conflict: one counts"
    );
    let page = b.rob.get(&path).await;
    page.assert_contains(&format!(
        "Rita Reviewer: Declared a conflict of interest: {CONFLICT}"
    ))
    .assert_contains("Ron Reviewer: No conflicts declared")
    .assert_contains("does not count toward the approvals needed")
    .assert_contains("Needs 1 more approval.");
    act(&b.rob, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "approved");
    // The public page shows each declaration.
    let slug: String = {
        use imprimatur::db::schema::{articles, revisions};
        revisions::table
            .inner_join(articles::table.on(articles::id.eq(revisions::article_id)))
            .filter(revisions::id.eq(revision))
            .select(articles::slug)
            .first(&mut app.conn())
            .unwrap()
    };
    app.client()
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(200)
        .assert_contains(CONFLICT)
        .assert_contains("No conflicts declared");

    // With the policy counting them, a conflicted approval counts.
    set_rules(&b.admin, "2", false, true).await;
    let other = submit_with(&b.ed, "Necrotising myopathy", &[]).await;
    act(
        &b.rita,
        other,
        "approve",
        &[("declaration", "conflict"), ("conflict", CONFLICT)],
    )
    .await
    .assert_status(303);
    act(&b.ron, other, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, other), "approved");
    app.client()
        .get("/editorial-policy")
        .await
        .assert_contains("still counts toward the approvals needed")
        .assert_contains("href=\"/board\"");
}

async fn the_board_lists_reviewers_who_opt_in_and_articles_link_their_declarations_to_it(
    app: TestApp,
) {
    let b = board(&app).await;
    let rita_id = users_id(&app, "rita@example.org");
    // Only reviewers keep a board entry.
    b.ed.get("/account/board").await.assert_status(403);
    b.ed.submit(
        "/account/board",
        &[("disclosure", "None."), ("listed", "on")],
    )
    .await
    .assert_status(403);
    // A disclosure is required ("None" is an answer).
    b.rita.get("/account/board").await.assert_status(200);
    b.rita
        .submit("/account/board", &[("disclosure", "  "), ("listed", "on")])
        .await
        .assert_status(400)
        .assert_contains("Write your disclosure");
    b.rita
        .submit(
            "/account/board",
            &[
                ("disclosure", "Advisory board fees, Pfizer, 2024."),
                ("listed", "on"),
            ],
        )
        .await
        .assert_redirect("/account/board?done=board-entry-saved");
    let details = last_details(&app, "user.disclosure_changed");
    assert_eq!(details["from"], "");
    assert_eq!(details["to"], "Advisory board fees, Pfizer, 2024.");
    assert!(
        app.audit_actions()
            .iter()
            .any(|a| a == "user.board_listing_changed")
    );
    // Rob keeps a disclosure but is not listed.
    b.rob.get("/account/board").await;
    b.rob
        .submit("/account/board", &[("disclosure", "None.")])
        .await
        .assert_status(303);

    let board_page = app.client().get("/board").await;
    board_page
        .assert_status(200)
        .assert_contains(&format!("id=\"reviewer-{rita_id}\""))
        .assert_contains("Advisory board fees, Pfizer, 2024.")
        .assert_contains("Cardiology");
    assert!(!board_page.body.contains("Rob Rheum"), "Rob is not listed");

    // An article they approved names them, links Rita to her entry, and carries both
    // declarations, in the page and in schema.org.
    set_policy(&b.admin, "2", false).await;
    let revision = submit_with(&b.ed, "Statins and myopathy", &[]).await;
    act(&b.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    act(&b.rob, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "approved");
    let article = app.client().get("/articles/statins-and-myopathy").await;
    article
        .assert_status(200)
        .assert_contains(&format!(
            "href=\"/board#reviewer-{rita_id}\">Rita Reviewer</a>"
        ))
        .assert_contains("No conflicts declared")
        .assert_contains(&format!("/board#reviewer-{rita_id}\""))
        .assert_contains("\"knowsAbout\":[\"Cardiology\"]");
    assert!(
        !article.body.contains(">Rob Rheum</a>"),
        "an unlisted reviewer is named without a link"
    );
    app.client()
        .get("/board")
        .await
        .assert_contains("<dt>Articles reviewed</dt><dd>1</dd>");

    // An admin hides Rita: gone from the board and unlinked on the article.
    let hide = format!("/admin/users/{rita_id}");
    b.rita
        .submit(&hide, &[("action", "board"), ("hidden", "yes")])
        .await
        .assert_status(403);
    b.admin.get(&hide).await;
    b.admin
        .submit(&hide, &[("action", "board"), ("hidden", "yes")])
        .await
        .assert_redirect(&format!("{hide}?done=board-visibility-saved"));
    assert!(
        app.audit_actions()
            .iter()
            .any(|a| a == "user.board_visibility_changed")
    );
    let board_page = app.client().get("/board").await;
    assert!(!board_page.body.contains("Rita Reviewer"), "hidden");
    let article = app.client().get("/articles/statins-and-myopathy").await;
    assert!(!article.body.contains(&format!("/board#reviewer-{rita_id}")));
    b.rita
        .get("/account/board")
        .await
        .assert_contains("An admin has hidden your entry");
}

fn users_id(app: &TestApp, email: &str) -> i64 {
    use imprimatur::db::schema::users;
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap()
}

fn item_id(app: &TestApp, text: &str) -> i64 {
    use imprimatur::db::schema::checklist_items;
    checklist_items::table
        .filter(checklist_items::text.eq(text))
        .select(checklist_items::id)
        .first(&mut app.conn())
        .unwrap()
}

const DOSES: &str = "Doses checked against the current label";
const CITED: &str = "Every claim cited, sources current";

async fn approving_attests_every_checklist_item_and_a_change_request_names_failing_ones(
    app: TestApp,
) {
    let b = board(&app).await;
    // Admins keep the checklist; nobody else.
    b.rita.get("/admin/checklist").await.assert_status(403);
    b.rita
        .submit("/admin/checklist", &[("text", DOSES)])
        .await
        .assert_status(403);
    b.admin.get("/admin/checklist").await.assert_status(200);
    b.admin
        .submit("/admin/checklist", &[("text", "   ")])
        .await
        .assert_status(400);
    for text in [DOSES, CITED] {
        b.admin
            .submit("/admin/checklist", &[("text", text)])
            .await
            .assert_redirect("/admin/checklist?done=checklist-item-added");
    }
    let (doses, cited) = (item_id(&app, DOSES), item_id(&app, CITED));
    set_policy(&b.admin, "2", false).await;
    app.client()
        .get("/editorial-policy")
        .await
        .assert_contains(DOSES)
        .assert_contains(CITED);

    let revision = submit_with(&b.ed, "Hydroxychloroquine and the eye", &[]).await;
    let path = format!("/manage/revisions/{revision}");
    b.rita
        .get(&path)
        .await
        .assert_contains(&format!("name=\"checklist\" value=\"{doses}\" required"));
    // Every item must be ticked; an unticked one is named, and nothing is recorded.
    let before = app.count("reviews");
    let doses_s = doses.to_string();
    let cited_s = cited.to_string();
    b.rita
        .submit(
            &format!("{path}/approve"),
            &[("declaration", "none"), ("checklist", &doses_s)],
        )
        .await
        .assert_status(400)
        .assert_contains(&format!("not ticked: {CITED}"));
    b.rita
        .submit(
            &format!("{path}/approve"),
            &[
                ("declaration", "none"),
                ("checklist", "99999"),
                ("checklist", &doses_s),
                ("checklist", &cited_s),
            ],
        )
        .await
        .assert_status(400)
        .assert_contains("The checklist changed");
    b.rita
        .submit(
            &format!("{path}/approve"),
            &[("declaration", "none"), ("checklist", "x")],
        )
        .await
        .assert_status(400);
    assert_eq!(app.count("reviews"), before);
    // A change request may name the failing items.
    act(
        &b.rob,
        revision,
        "request-changes",
        &[
            ("comment", "The dose table is out of date."),
            ("failing", &doses_s),
        ],
    )
    .await
    .assert_status(303);
    let details = last_details(&app, "revision.changes_requested");
    assert_eq!(details["failing"][0]["text"], DOSES);
    b.ed.get(&path)
        .await
        .assert_contains("Rob Rheum asked for changes on these checklist items");

    // Another article is approved with every item ticked: the wording is kept with it.
    let second = submit_with(&b.ed, "Hydroxychloroquine and the eye, revised", &[]).await;
    act(
        &b.rita,
        second,
        "approve",
        &[("checklist", &doses_s), ("checklist", &cited_s)],
    )
    .await
    .assert_status(303);
    let details = last_details(&app, "revision.approved");
    assert_eq!(details["checklist"][0]["text"], DOSES);
    assert_eq!(details["checklist"][1]["text"], CITED);
    let stored: String = reviews::table
        .filter(reviews::verdict.eq("approve"))
        .select(reviews::checklist)
        .first(&mut app.conn())
        .unwrap();
    assert!(stored.contains(DOSES) && stored.contains(CITED), "{stored}");

    // A retired item is no longer asked for; the approval that attested it keeps it.
    let retire = format!("/admin/checklist/{doses}/retire");
    b.admin.submit(&retire, &[]).await.assert_status(400);
    b.admin
        .submit(&retire, &[("confirm", "yes")])
        .await
        .assert_redirect("/admin/checklist?done=checklist-item-retired");
    b.admin
        .submit(&retire, &[("confirm", "yes")])
        .await
        .assert_status(404);
    let page = b.ron.get(&format!("/manage/revisions/{second}")).await;
    page.assert_contains("Attested 2 checklist items")
        .assert_contains(DOSES);
    assert!(
        !page
            .body
            .contains(&format!("name=\"checklist\" value=\"{doses}\""))
    );
    act(&b.ron, second, "approve", &[("checklist", &cited_s)])
        .await
        .assert_status(303);
    assert!(
        app.audit_actions()
            .iter()
            .any(|a| a == "checklist.item_retired")
    );
}

/// An article's review dates.
fn review_dates(
    app: &TestApp,
    article: i64,
) -> (Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>) {
    use imprimatur::db::schema::articles;
    articles::table
        .find(article)
        .select((articles::last_reviewed_at, articles::next_review_due))
        .first(&mut app.conn())
        .unwrap()
}

async fn a_recertification_quorum_moves_the_review_dates_without_a_new_revision(app: TestApp) {
    use imprimatur::db::schema::revisions;
    let b = board(&app).await;
    set_policy(&b.admin, "2", true).await;
    let revision = submit_with(&b.ed, "Polymyositis", &[b.rheumatology]).await;
    act(&b.rita, revision, "approve", &[])
        .await
        .assert_status(303);
    act(&b.rob, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "approved");
    let article: i64 = revisions::table
        .find(revision)
        .select(revisions::article_id)
        .first(&mut app.conn())
        .unwrap();
    // A year on, the review is overdue.
    app.execute(&format!(
        "UPDATE articles SET last_reviewed_at = '2025-10-01 09:00:00', \
         next_review_due = '2026-10-01 09:00:00' WHERE id = {article}"
    ));
    let before = review_dates(&app, article);
    let revisions_before = app.count("revisions");
    let path = format!("/manage/articles/{article}/recertify");
    let page = format!("/manage/articles/{article}");

    // Only reviewers re-certify, and not without a declaration.
    for who in [&b.ed, &b.admin] {
        who.get(&page).await;
        who.submit(&path, &[("declaration", "none")])
            .await
            .assert_status(403);
    }
    b.rita
        .get(&page)
        .await
        .assert_contains("Re-certify the published version unchanged");
    b.rita
        .submit(&path, &[("note", "Checked.")])
        .await
        .assert_status(400)
        .assert_contains("Declare whether you have a conflict");
    assert_eq!(app.count("recertifications"), 0);

    // Two non-rheumatologists: the quorum by number, but not the specialist rule.
    b.rita
        .submit(
            &path,
            &[("declaration", "none"), ("note", "Doses still current.")],
        )
        .await
        .assert_redirect(&format!("{page}?done=recertified"));
    b.rita
        .submit(&path, &[("declaration", "none")])
        .await
        .assert_status(409)
        .assert_contains("already re-certified");
    b.ron.get(&page).await;
    b.ron
        .submit(&path, &[("declaration", "none")])
        .await
        .assert_redirect(&format!("{page}?done=recertified"));
    assert_eq!(review_dates(&app, article), before, "not complete yet");
    b.rob
        .get(&page)
        .await
        .assert_contains("Needs 1 more approval, including one from Rheumatology");
    // The rheumatologist completes the review: the dates move on, no new revision.
    b.rob
        .submit(&path, &[("declaration", "none")])
        .await
        .assert_redirect(&format!("{page}?done=review-completed"));
    let (last, next) = review_dates(&app, article);
    let now = chrono::Utc::now().naive_utc();
    assert!(last.unwrap() > before.0.unwrap() && (now - last.unwrap()).num_minutes() < 5);
    assert_eq!((next.unwrap() - last.unwrap()).num_days(), 365);
    assert_eq!(app.count("revisions"), revisions_before);
    let actions = app.audit_actions();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "revision.recertified")
            .count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "article.review_completed")
            .count(),
        1
    );
    // The public history records it; the article shows the new date.
    let history = app.client().get("/articles/polymyositis/history").await;
    history
        .assert_status(200)
        .assert_contains("Reviewed, no changes")
        .assert_contains("Rob Rheum");
    let public = app.client().get("/articles/polymyositis").await;
    public.assert_contains(&last.unwrap().format("%Y-%m-%d").to_string());
    // A new round starts: Rita may re-certify again.
    b.rita
        .submit(&path, &[("declaration", "none")])
        .await
        .assert_redirect(&format!("{page}?done=recertified"));

    // Two reviewers re-certifying at once: together they meet the quorum, and the review
    // completes (neither is measured without the other).
    let fresh = chrono::Utc::now()
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S%.6f");
    app.execute(&format!(
        "UPDATE articles SET last_reviewed_at = '{fresh}' WHERE id = {article}"
    ));
    let rounds_before = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "article.review_completed")
        .count();
    set_policy(&b.admin, "2", false).await;
    b.ron.get(&page).await;
    b.rob.get(&page).await;
    let (one, two) = tokio::join!(
        b.ron.submit(&path, &[("declaration", "none")]),
        b.rob.submit(&path, &[("declaration", "none")]),
    );
    assert_eq!((one.status, two.status), (303, 303));
    let completed = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "article.review_completed")
        .count();
    assert_eq!(completed, rounds_before + 1, "the pair completes the round");

    // A retracted article is not live: nothing to re-certify.
    b.admin.get(&page).await;
    b.admin
        .submit(
            &format!("/admin/articles/{article}/retract"),
            &[("reason", "Withdrawn by the editors."), ("confirm", "yes")],
        )
        .await
        .assert_status(303);
    b.ron
        .submit(&path, &[("declaration", "none")])
        .await
        .assert_status(409);
}

/// The due date of `reviewer`'s assignment to `revision`.
fn due_of(app: &TestApp, revision: RevisionId, reviewer: &str) -> chrono::NaiveDateTime {
    use imprimatur::db::schema::{assignments, users};
    assignments::table
        .inner_join(users::table.on(users::id.eq(assignments::reviewer_id)))
        .filter(assignments::revision_id.eq(revision))
        .filter(users::email.eq(reviewer))
        .select(assignments::due_at)
        .first::<Option<chrono::NaiveDateTime>>(&mut app.conn())
        .unwrap()
        .unwrap()
}

fn reminders_at(app: &TestApp, now: chrono::NaiveDateTime) -> usize {
    app.ctx(|ctx| imprimatur::services::notify::assignment_reminders(ctx, now))
        .unwrap()
}

fn mail_events(app: &TestApp, event: &str) -> Vec<String> {
    mail_outbox::table
        .filter(mail_outbox::event.eq(event))
        .select(mail_outbox::recipient)
        .load(&mut app.conn())
        .unwrap()
}

async fn assigned_reviews_are_due_and_reminded_once_before_and_once_after(app: TestApp) {
    use chrono::Duration;
    let b = board(&app).await;
    set_policy(&b.admin, "2", false).await;
    let revision = submit_with(&b.ed, "Raynaud phenomenon", &[]).await;
    let path = format!("/manage/revisions/{revision}");
    let today = chrono::Utc::now().date_naive();
    let in_three = (today + Duration::days(3)).format("%Y-%m-%d").to_string();
    // A due date in the past, or not a date, is refused; nothing is assigned.
    b.admin
        .get(&path)
        .await
        .assert_contains("name=\"due\" type=\"date\"");
    let rita_id = users_id(&app, "rita@example.org").to_string();
    let ron_id = users_id(&app, "ron@example.org").to_string();
    b.admin
        .submit(
            &format!("{path}/assign"),
            &[("reviewer_id", &rita_id), ("due", "2020-01-01")],
        )
        .await
        .assert_status(400)
        .assert_contains("The due date has passed");
    b.admin
        .submit(
            &format!("{path}/assign"),
            &[("reviewer_id", &rita_id), ("due", "soon")],
        )
        .await
        .assert_status(400);
    assert_eq!(app.count("assignments"), 0);
    // Rita is due in three days (the end of that day); Ron by default in seven.
    act(
        &b.admin,
        revision,
        "assign",
        &[("reviewer_id", &rita_id), ("due", &in_three)],
    )
    .await
    .assert_status(303);
    act(&b.admin, revision, "assign", &[("reviewer_id", &ron_id)])
        .await
        .assert_status(303);
    let rita_due = due_of(&app, revision, "rita@example.org");
    assert_eq!(rita_due.to_string(), format!("{in_three} 23:59:59"));
    let ron_due = due_of(&app, revision, "ron@example.org");
    let now = chrono::Utc::now().naive_utc();
    assert!(
        (ron_due - now - Duration::days(7)).num_minutes().abs() < 5,
        "{ron_due}"
    );
    assert!(last_details(&app, "revision.reviewer_assigned")["due"].is_string());
    b.rita
        .get("/review/queue")
        .await
        .assert_contains(&format!("due {in_three}"));

    // Nothing is owed yet; the day before, one reminder, once.
    assert_eq!(reminders_at(&app, now), 0);
    let eve = rita_due - Duration::hours(12);
    assert_eq!(reminders_at(&app, eve), 1);
    assert_eq!(reminders_at(&app, eve), 0, "once");
    let soon = mail_events(&app, "assigned_review_due_soon");
    assert_eq!(soon.len(), 1);
    assert!(soon[0].contains("rita@example.org"), "{soon:?}");
    // Once it has passed, one more, once.
    let late = rita_due + Duration::hours(1);
    assert_eq!(reminders_at(&app, late), 1);
    assert_eq!(reminders_at(&app, late), 0, "once");
    assert_eq!(mail_events(&app, "assigned_review_overdue").len(), 1);
    // Ron reviews before his date: nothing is owed to him.
    act(&b.ron, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(reminders_at(&app, ron_due + Duration::hours(1)), 0);
    let sent = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "revision.review_reminder_sent")
        .count();
    assert_eq!(sent, 2);

    // Two reminder passes at once (two server instances) still send each reminder once.
    let mut many = Vec::new();
    for i in 0..12 {
        let r = submit_with(&b.ed, &format!("Scleroderma question {i}"), &[]).await;
        act(
            &b.admin,
            r,
            "assign",
            &[("reviewer_id", &rita_id), ("due", &in_three)],
        )
        .await
        .assert_status(303);
        many.push(r);
    }
    let before = mail_events(&app, "assigned_review_due_soon").len();
    let passes: Vec<usize> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| reminders_at(&app, eve)))
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(passes.iter().sum::<usize>(), 12, "{passes:?}");
    assert_eq!(
        mail_events(&app, "assigned_review_due_soon").len(),
        before + 12
    );

    // The queue and the dashboard flag an overdue review.
    app.execute(&format!(
        "UPDATE assignments SET due_at = '2026-01-05 23:59:59' WHERE revision_id = {revision}"
    ));
    b.rita
        .get("/review/queue")
        .await
        .assert_contains("Overdue since 2026-01-05");
    b.rita
        .get("/dashboard")
        .await
        .assert_contains("Overdue since 2026-01-05");
    b.admin
        .get(&path)
        .await
        .assert_contains("overdue since 2026-01-05");
}
