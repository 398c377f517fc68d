//! The review workflow over HTTP, on both backends: who may act, the approval policy,
//! publication, conflicts, bad input, and many reviewers acting at once.

use diesel::prelude::*;
use imprimatur::db::schema::{articles, reviews, revisions};
use imprimatur::domain::roles::Role;
use imprimatur::ids::{ArticleId, RevisionId};

use crate::on_both_backends;
use crate::support::forms::{
    Fields, act, article_fields, article_of, as_refs, create_article, revision_of, set_approvals,
    state_of,
};
use crate::support::{Client, Page, TestApp};

on_both_backends!(
    an_editor_and_two_reviewers_take_an_article_from_draft_to_published_with_a_round_of_changes,
    the_author_cannot_claim_approve_request_changes_on_or_reject_their_own_revision,
    with_two_approvals_required_the_second_distinct_approval_publishes,
    a_newer_approved_revision_replaces_the_published_one_and_a_pending_one_never_does,
    submitting_a_newer_revision_supersedes_the_pending_one,
    bad_input_gets_a_4xx_with_a_message_and_changes_nothing,
    drafts_are_visible_only_to_their_author,
    comments_are_required_where_the_author_needs_a_reason,
    the_review_queue_lists_assigned_revisions_first_then_the_oldest,
    the_review_queue_is_paginated_and_filtered,
    settings_changes_are_validated_versioned_and_audited,
    the_article_list_filters_by_state_author_and_title,
    the_address_can_change_until_first_publication,
    a_dangling_citation_blocks_submission_and_an_uncited_reference_is_flagged,
);

fn published(app: &TestApp, article: ArticleId) -> Option<RevisionId> {
    articles::table
        .find(article)
        .select(articles::published_revision_id)
        .first(&mut app.conn())
        .unwrap()
}

/// The new revision's fields for the edit form of an article.
async fn edit_fields(client: &Client, article: ArticleId) -> (String, String) {
    let page = client
        .get(&format!("/manage/articles/{article}/edit"))
        .await;
    page.assert_status(200);
    let value = |name: &str| page.field(name).unwrap_or_default();
    (value("base_revision_id"), value("draft_version"))
}

async fn new_revision(
    client: &Client,
    article: ArticleId,
    title: &str,
    body: &str,
    op: &str,
) -> Page {
    let (base, draft_version) = edit_fields(client, article).await;
    let mut fields = article_fields(title, body);
    fields[3].1 = "Updated.".into();
    fields.push(("base_revision_id", base));
    fields.push(("draft_version", draft_version));
    fields.push(("op", op.into()));
    client
        .submit(
            &format!("/manage/articles/{article}/revisions"),
            &as_refs(&fields),
        )
        .await
}

async fn an_editor_and_two_reviewers_take_an_article_from_draft_to_published_with_a_round_of_changes(
    app: TestApp,
) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    app.create_user("rob@example.org", "Rob Reviewer", &[Role::Reviewer]);
    let admin = app.signed_in("admin@example.org").await;
    set_approvals(&admin, "2").await;
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let rob = app.signed_in("rob@example.org").await;

    // A draft first, then submitted from its page.
    let draft = create_article(&ed, "Can I take ibuprofen with lisinopril?", false).await;
    assert_eq!(state_of(&app, draft), "draft");
    act(&ed, draft, "submit", &[])
        .await
        .assert_redirect(&format!("/manage/revisions/{draft}?done=submit"));
    let queue = rita.get("/review/queue").await;
    queue
        .assert_contains("Can I take ibuprofen with lisinopril?")
        .assert_contains("0 of 2");

    act(&rita, draft, "claim", &[]).await.assert_status(303);
    act(
        &rita,
        draft,
        "request-changes",
        &[("comment", "Please add the kidney advice.")],
    )
    .await
    .assert_status(303);
    assert_eq!(state_of(&app, draft), "changes_requested");
    let page = ed.get(&format!("/manage/revisions/{draft}")).await;
    page.assert_contains("Please add the kidney advice.")
        .assert_contains("Changes requested");
    act(
        &ed,
        draft,
        "comment",
        &[("comment", "Added it in the next revision.")],
    )
    .await
    .assert_status(303);

    let article = article_of(&app, draft);
    let second = new_revision(
        &ed,
        article,
        "Can I take ibuprofen with lisinopril?",
        "Now with kidney advice [1] [2].",
        "submit",
    )
    .await;
    second.assert_status(303);
    let second = revision_of(&second);
    assert_eq!(state_of(&app, draft), "superseded");
    act(&rita, second, "approve", &[("comment", "Good now.")])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, second), "under_review");
    assert_eq!(published(&app, article), None);
    act(&rob, second, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, second), "approved");
    assert_eq!(published(&app, article), Some(second));
    ed.get(&format!("/manage/revisions/{second}"))
        .await
        .assert_contains("This is the published version");

    let actions = app.audit_actions();
    let expected = [
        "article.created",
        "revision.submitted",
        "revision.claimed",
        "revision.changes_requested",
        "revision.commented",
        "revision.saved",
        "revision.superseded",
        "revision.submitted",
        "revision.review_re_requested",
        "revision.approved",
        "revision.approved",
        "article.published",
    ];
    let workflow: Vec<&str> = actions
        .iter()
        .map(String::as_str)
        .filter(|a| a.starts_with("article.") || a.starts_with("revision."))
        .collect();
    assert_eq!(workflow, expected);
}

async fn the_author_cannot_claim_approve_request_changes_on_or_reject_their_own_revision(
    app: TestApp,
) {
    // The author holds every role, and still may not review their own work.
    app.create_user(
        "all@example.org",
        "All Roles",
        &[Role::Editor, Role::Reviewer, Role::Admin],
    );
    let author = app.signed_in("all@example.org").await;
    let revision = create_article(&author, "Own work", true).await;
    let denied_before = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "action.denied")
        .count();
    for action in ["claim", "approve", "request-changes", "reject"] {
        let page = act(
            &author,
            revision,
            action,
            &[("comment", "Looks fine to me"), ("confirm", "yes")],
        )
        .await;
        page.assert_status(403)
            .assert_contains("You wrote this revision");
    }
    assert_eq!(state_of(&app, revision), "submitted");
    let denied = app
        .audit_actions()
        .iter()
        .filter(|a| *a == "action.denied")
        .count();
    assert_eq!(denied - denied_before, 4, "each refusal is audited");
    let count: i64 = reviews::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(count, 0);
    // The page does not even offer those actions.
    let page = author.get(&format!("/manage/revisions/{revision}")).await;
    assert!(!page.body.contains("/approve\""));
    assert!(!page.body.contains("/claim\""));
}

async fn with_two_approvals_required_the_second_distinct_approval_publishes(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    app.create_user("rob@example.org", "Rob", &[Role::Reviewer]);
    set_approvals(&app.signed_in("admin@example.org").await, "2").await;
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let rob = app.signed_in("rob@example.org").await;
    let revision = create_article(&ed, "Two approvals", true).await;
    let article = article_of(&app, revision);

    act(&rita, revision, "approve", &[])
        .await
        .assert_status(303);
    assert_eq!(state_of(&app, revision), "under_review");
    // The same reviewer approving again counts once.
    act(&rita, revision, "approve", &[])
        .await
        .assert_status(409)
        .assert_contains("already approved");
    assert_eq!(state_of(&app, revision), "under_review");
    assert_eq!(published(&app, article), None);
    rita.get(&format!("/manage/revisions/{revision}"))
        .await
        .assert_contains("1 of 2");

    act(&rob, revision, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, revision), "approved");
    assert_eq!(published(&app, article), Some(revision));
    let approvals: i64 = reviews::table
        .filter(reviews::revision_id.eq(revision))
        .filter(reviews::verdict.eq("approve"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(approvals, 2);
}

async fn a_newer_approved_revision_replaces_the_published_one_and_a_pending_one_never_does(
    app: TestApp,
) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let first = create_article(&ed, "Versions", true).await;
    act(&rita, first, "approve", &[]).await.assert_status(303);
    let article = article_of(&app, first);
    assert_eq!(published(&app, article), Some(first));

    let second =
        revision_of(&new_revision(&ed, article, "Versions", "A better body [1].", "submit").await);
    act(&rita, second, "claim", &[]).await.assert_status(303);
    act(&rita, second, "comment", &[("comment", "Reading it.")])
        .await
        .assert_status(303);
    assert_eq!(
        published(&app, article),
        Some(first),
        "a pending revision never changes what is published"
    );
    act(&rita, second, "approve", &[]).await.assert_status(303);
    assert_eq!(published(&app, article), Some(second));
    // The replaced one stays approved, as history.
    assert_eq!(state_of(&app, first), "approved");
    let timeline = ed.get(&format!("/manage/articles/{article}")).await;
    timeline.assert_contains("Published version");
}

async fn submitting_a_newer_revision_supersedes_the_pending_one(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    let first = create_article(&ed, "Pending slot", true).await;
    let article = article_of(&app, first);
    let second =
        revision_of(&new_revision(&ed, article, "Pending slot", "Second [1].", "submit").await);
    assert_eq!(state_of(&app, first), "superseded");
    assert_eq!(state_of(&app, second), "submitted");
    let pending: i64 = revisions::table
        .filter(revisions::article_id.eq(article))
        .filter(revisions::state.eq_any(["submitted", "under_review", "changes_requested"]))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(pending, 1);
    // Nothing leaves superseded.
    act(&ed, first, "withdraw", &[("confirm", "yes")])
        .await
        .assert_status(409);
}

async fn bad_input_gets_a_4xx_with_a_message_and_changes_nothing(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("other@example.org", "Other", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let first = create_article(&ed, "Bad input", true).await;
    let article = article_of(&app, first);
    let other = app.signed_in("other@example.org").await;
    let someone_elses_draft = create_article(&other, "Private draft", false).await;
    let rita = app.signed_in("rita@example.org").await;
    let counts = |app: &TestApp| {
        [
            "articles",
            "revisions",
            "revision_references",
            "reviews",
            "comments",
            "audit_log",
        ]
        .map(|t| app.count(t))
    };
    let before = counts(&app);
    ed.get("/manage/articles/new").await;

    let cases: Vec<(Fields, u16, &str)> = vec![
        (
            vec![("title", "".into()), ("body", "Body".into())],
            400,
            "Enter a title",
        ),
        (
            vec![("title", "No body".into()), ("body", "  ".into())],
            400,
            "Write the article body",
        ),
        (
            {
                let mut f = article_fields("Kinds", "Body");
                f[5].1 = "blog".into();
                f
            },
            400,
            "&#39;blog&#39; is not a kind of reference",
        ),
        (
            {
                let mut f = article_fields("Years", "Body");
                f[8].1 = "99999".into();
                f
            },
            400,
            "not &#39;99999&#39;",
        ),
        (
            {
                let mut f = article_fields("Rows", "Body");
                f.pop();
                f
            },
            400,
            "every row needs all its fields",
        ),
    ];
    for (fields, status, message) in cases {
        let page = ed.submit("/manage/articles", &as_refs(&fields)).await;
        page.assert_status(status).assert_contains(message);
        // What was typed comes back (a form with broken reference rows, which only a
        // hand-made request can send, gets an error page instead).
        if status == 400
            && !message.contains("every row")
            && let Some((_, title)) = fields.iter().find(|(k, v)| *k == "title" && !v.is_empty())
        {
            page.assert_contains(&format!("value=\"{title}\""));
        }
    }
    // A body beyond the limit.
    let huge = "x".repeat(1024 * 1024);
    ed.submit("/manage/articles", &[("title", "Huge"), ("body", &huge)])
        .await
        .assert_status(413);
    // Non-numeric ids.
    ed.get("/manage/revisions/abc").await.assert_status(404);
    ed.get("/manage/articles/abc").await.assert_status(404);
    ed.submit("/manage/revisions/abc/approve", &[])
        .await
        .assert_status(404);
    ed.submit(&format!("/manage/revisions/{first}/explode"), &[])
        .await
        .assert_status(404);
    let mut fields = article_fields("Bad base", "Body");
    fields.push(("base_revision_id", "abc".into()));
    ed.submit(
        &format!("/manage/articles/{article}/revisions"),
        &as_refs(&fields),
    )
    .await
    .assert_status(400)
    .assert_contains("must be a number");
    fields.pop();
    fields.push(("base_revision_id", someone_elses_draft.to_string()));
    ed.submit(
        &format!("/manage/articles/{article}/revisions"),
        &as_refs(&fields),
    )
    .await
    .assert_status(400);
    // Someone else's draft is not there at all.
    ed.get(&format!("/manage/revisions/{someone_elses_draft}"))
        .await
        .assert_status(404);
    act(&ed, someone_elses_draft, "withdraw", &[("confirm", "yes")])
        .await
        .assert_status(404);
    act(&rita, first, "assign", &[("reviewer_id", "nope")])
        .await
        .assert_status(400);
    act(&rita, first, "assign", &[("reviewer_id", "999999")])
        .await
        .assert_status(400);
    assert_eq!(counts(&app), before);
}

async fn drafts_are_visible_only_to_their_author(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer, Role::Admin]);
    let ed = app.signed_in("ed@example.org").await;
    let draft = create_article(&ed, "Secret draft", false).await;
    let article = article_of(&app, draft);
    ed.get(&format!("/manage/revisions/{draft}"))
        .await
        .assert_status(200)
        .assert_contains("Secret draft");
    ed.get("/manage/articles")
        .await
        .assert_contains("Your drafts");
    let rita = app.signed_in("rita@example.org").await;
    rita.get(&format!("/manage/revisions/{draft}"))
        .await
        .assert_status(404);
    rita.get(&format!("/manage/articles/{article}"))
        .await
        .assert_status(404);
    assert!(
        !rita
            .get("/manage/articles")
            .await
            .body
            .contains("Secret draft")
    );
    assert!(
        !rita
            .get("/review/queue")
            .await
            .body
            .contains("Secret draft")
    );
}

async fn comments_are_required_where_the_author_needs_a_reason(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let revision = create_article(&ed, "Reasons", true).await;
    let before = app.count("audit_log");
    act(&rita, revision, "request-changes", &[("comment", "  ")])
        .await
        .assert_status(400)
        .assert_contains("Say what needs to change");
    act(
        &rita,
        revision,
        "reject",
        &[("comment", ""), ("confirm", "yes")],
    )
    .await
    .assert_status(400)
    .assert_contains("Give the reason");
    // Rejecting is final, so it needs the box ticked; the typed reason is kept.
    let page = act(
        &rita,
        revision,
        "reject",
        &[("comment", "Out of scope for us.")],
    )
    .await;
    page.assert_status(400)
        .assert_contains("Tick the box")
        .assert_contains("Out of scope for us.");
    act(&ed, revision, "withdraw", &[]).await.assert_status(400);
    assert_eq!(app.count("audit_log"), before);
    assert_eq!(state_of(&app, revision), "submitted");
    // Replies thread under their comment.
    act(
        &rita,
        revision,
        "comment",
        &[("comment", "Question on [1].")],
    )
    .await
    .assert_status(303);
    let page = ed.get(&format!("/manage/revisions/{revision}")).await;
    let comment_id = page.field("reply_to").unwrap();
    act(
        &ed,
        revision,
        "comment",
        &[
            ("comment", "Answered: it is the 2017 guideline."),
            ("reply_to", &comment_id),
        ],
    )
    .await
    .assert_status(303);
    let page = ed.get(&format!("/manage/revisions/{revision}")).await;
    page.assert_contains("comment depth-1")
        .assert_contains("Answered: it is the 2017 guideline.");
    assert_eq!(
        state_of(&app, revision),
        "under_review",
        "a reviewer's comment starts the review"
    );
}

async fn the_review_queue_lists_assigned_revisions_first_then_the_oldest(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let rita_id = app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let oldest = create_article(&ed, "Oldest waiting", true).await;
    let _middle = create_article(&ed, "Middle waiting", true).await;
    let newest = create_article(&ed, "Newest waiting", true).await;
    let admin = app.signed_in("admin@example.org").await;
    act(
        &admin,
        newest,
        "assign",
        &[("reviewer_id", &rita_id.to_string())],
    )
    .await
    .assert_status(303);
    let rita = app.signed_in("rita@example.org").await;
    let queue = rita.get("/review/queue").await;
    let position = |title: &str| {
        queue
            .body
            .find(title)
            .unwrap_or_else(|| panic!("{title} not in queue"))
    };
    assert!(
        position("Newest waiting") < position("Oldest waiting"),
        "assigned first"
    );
    assert!(
        position("Oldest waiting") < position("Middle waiting"),
        "then oldest first"
    );
    queue
        .assert_contains("Assigned to you")
        .assert_contains("0 of 1");
    // Once she approves it, it leaves her queue.
    act(&rita, oldest, "approve", &[]).await.assert_status(303);
    assert!(
        !rita
            .get("/review/queue")
            .await
            .body
            .contains("Oldest waiting")
    );
    ed.get("/review/queue").await.assert_status(403);
}

/// The first page's link of `rel`, as a path.
fn link(page: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\"");
    let head = page
        .split(&marker)
        .next()
        .filter(|h| h.len() < page.len())?;
    let href = head.rsplit("href=\"").next()?;
    Some(
        href.split('"')
            .next()?
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

async fn the_review_queue_is_paginated_and_filtered(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let rita_id = app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let mut waiting = Vec::new();
    for i in 0..53 {
        waiting.push(create_article(&ed, &format!("Waiting number {i:02}"), true).await);
    }
    let admin = app.signed_in("admin@example.org").await;
    act(
        &admin,
        waiting[40],
        "assign",
        &[("reviewer_id", &rita_id.to_string())],
    )
    .await
    .assert_status(303);
    let rita = app.signed_in("rita@example.org").await;
    // Each row names its title twice (the link, and the diff link's hidden text).
    let numbers = |page: &str| -> Vec<String> {
        let mut all: Vec<String> = page
            .split("Waiting number ")
            .skip(1)
            .map(|rest| rest[..2].to_owned())
            .collect();
        all.dedup();
        all
    };
    // The assigned one above; then 50 of the other 52, oldest first; the rest on page 2.
    let first = rita.get("/review/queue").await;
    first.assert_status(200).assert_contains("Assigned to you");
    let shown = numbers(&first.body);
    assert_eq!(shown.len(), 51, "{shown:?}");
    assert_eq!(shown[0], "40");
    assert_eq!(shown[1], "00");
    let next = link(&first.body, "next").expect("a next page");
    assert!(next.contains("after="), "{next}");
    let second = rita.get(&next).await;
    second.assert_status(200);
    assert_eq!(numbers(&second.body), vec!["51", "52"], "{next}");
    assert!(link(&second.body, "next").is_none());
    // One list alone.
    let assigned = rita.get("/review/queue?show=assigned").await;
    assert_eq!(numbers(&assigned.body), vec!["40"]);
    let again = rita.get("/review/queue?show=re_requested").await;
    again.assert_contains("Nothing is waiting for you");
    rita.get("/review/queue?show=everything")
        .await
        .assert_status(400)
        .assert_contains("no queue list called");
    rita.get("/review/queue?after=12").await.assert_status(400);

    // Many assignments: the assigned list reads them in order of submission, paged.
    for i in 53..73 {
        waiting.push(create_article(&ed, &format!("Waiting number {i:02}"), true).await);
    }
    app.execute(&format!(
        "INSERT INTO assignments \
         (revision_id, reviewer_id, assigned_by, created_at, re_requested, waiting_since) \
         SELECT id, {rita_id}, {rita_id}, CURRENT_TIMESTAMP, (1 = 0), submitted_at \
         FROM revisions WHERE state = 'submitted' AND title <> 'Waiting number 40' \
         AND title <> 'Waiting number 72'"
    ));
    let assigned = rita.get("/review/queue?show=assigned").await;
    let shown = numbers(&assigned.body);
    assert_eq!(shown.len(), 50, "{shown:?}");
    assert_eq!((shown[0].as_str(), shown[49].as_str()), ("00", "49"));
    let next = link(&assigned.body, "next").expect("a next page");
    let rest = numbers(&rita.get(&next).await.body);
    assert_eq!(rest.len(), 22, "{rest:?}");
    assert_eq!((rest[0].as_str(), rest[21].as_str()), ("50", "71"));
    // The one left unassigned is the only one waiting otherwise.
    let unassigned = rita.get("/review/queue?show=unassigned").await;
    assert_eq!(numbers(&unassigned.body), vec!["72"]);

    // A revision that stops waiting leaves the assigned list: one rejected, one sent back
    // (and assigned to someone else while it waits on its author).
    let reject = [("comment", "Out of scope."), ("confirm", "yes")];
    act(&admin, waiting[0], "reject", &reject)
        .await
        .assert_status(303);
    let sent_back = [("comment", "Cite the guideline.")];
    act(&rita, waiting[1], "request-changes", &sent_back)
        .await
        .assert_status(303);
    let carol = app.create_user("carol@example.org", "Carol", &[Role::Reviewer]);
    let carol_id = carol.to_string();
    act(&admin, waiting[1], "assign", &[("reviewer_id", &carol_id)])
        .await
        .assert_status(303);
    let assigned = rita.get("/review/queue?show=assigned").await;
    assert_eq!(numbers(&assigned.body)[..2], ["02", "03"]);
    let still_waiting = app.count(
        "assignments WHERE waiting_since IS NOT NULL AND revision_id IN \
         (SELECT id FROM revisions WHERE title IN ('Waiting number 00', 'Waiting number 01'))",
    );
    assert_eq!(still_waiting, 0);
    assert_eq!(app.count("assignments WHERE waiting_since IS NOT NULL"), 70);
}

async fn settings_changes_are_validated_versioned_and_audited(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let admin = app.signed_in("admin@example.org").await;
    let page = admin.get("/admin/settings").await;
    page.assert_status(200)
        .assert_contains("Approvals required");
    let fields = |n: &'static str, version: &'static str| {
        vec![
            ("version", version),
            ("approvals_required", n),
            ("review_interval_days", "180"),
            ("site_name", "Health Answers"),
            ("disclaimer", "Not medical advice."),
            ("editorial_policy", "## How we review\n\nTwo clinicians."),
        ]
    };
    admin
        .submit("/admin/settings", &fields("0", "1"))
        .await
        .assert_status(400)
        .assert_contains("from 1 to 9");
    admin
        .submit("/admin/settings", &fields("10", "1"))
        .await
        .assert_status(400);
    admin
        .submit("/admin/settings", &fields("2", "1"))
        .await
        .assert_redirect("/admin/settings?done=settings-saved");
    // A second admin working from the old page does not overwrite it.
    admin
        .submit("/admin/settings", &fields("3", "1"))
        .await
        .assert_status(409)
        .assert_contains("Someone changed the settings");
    let settings = app.ctx(imprimatur::services::settings::current).unwrap();
    assert_eq!(
        (settings.approvals_required, settings.review_interval_days),
        (2, 180)
    );
    assert!(
        settings
            .editorial_policy_html
            .contains("<h2>How we review</h2>")
    );
    assert_eq!(
        app.audit_actions()
            .iter()
            .filter(|a| *a == "settings.changed")
            .count(),
        1
    );
    let ed = app.signed_in("ed@example.org").await;
    ed.get("/admin/settings").await.assert_status(403);
    ed.get("/dashboard").await.assert_contains("Health Answers");
}

/// The page's `rel="next"` link, unescaped.
fn next_link(body: &str) -> Option<String> {
    body.split("rel=\"next\"")
        .next()
        .and_then(|head| head.rsplit("href=\"").next())
        .and_then(|href| href.split('"').next())
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
}

/// The two-digit numbers of the "Bulk article NN" titles on a page.
fn bulk_numbers(body: &str) -> Vec<String> {
    body.split("Bulk article ")
        .skip(1)
        .map(|rest| rest[..2].to_owned())
        .collect()
}

async fn the_article_list_filters_by_state_author_and_title(app: TestApp) {
    app.create_user("ann@example.org", "Ann", &[Role::Editor]);
    app.create_user("ben@example.org", "Ben", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ann = app.signed_in("ann@example.org").await;
    let ben = app.signed_in("ben@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let approved = create_article(&ann, "Statins and muscle pain", true).await;
    act(&rita, approved, "approve", &[])
        .await
        .assert_status(303);
    create_article(&ben, "Metformin and B12", true).await;
    for i in 0..26 {
        create_article(&ben, &format!("Bulk article {i:02}"), true).await;
    }
    let by_state = rita.get("/manage/articles?state=approved").await;
    by_state.assert_contains("Statins and muscle pain");
    assert!(!by_state.body.contains("Metformin"));
    let by_author = rita.get("/manage/articles?author=ann@example.org").await;
    by_author.assert_contains("Statins and muscle pain");
    assert!(!by_author.body.contains("Bulk article"));
    let by_title = rita.get("/manage/articles?q=METFORMIN").await;
    by_title.assert_contains("Metformin and B12");
    assert!(!by_title.body.contains("Statins"));
    // A title filter pages too: a full first page, then the rest.
    let bulk = rita.get("/manage/articles?q=bulk").await;
    let more = next_link(&bulk.body).expect("a next link for the title filter");
    let rest = rita.get(&more).await;
    rest.assert_status(200);
    let mut found = bulk_numbers(&bulk.body);
    assert!(found.len() > 1 && found.len() < 26, "{}", found.len());
    found.extend(bulk_numbers(&rest.body));
    assert!(!rest.body.contains("Metformin"));
    let listed = found.len();
    found.sort();
    found.dedup();
    assert_eq!((found.len(), listed), (26, 26), "each bulk title once");
    // Keyset pages: the next page starts after the first page's last row, and together
    // they list every article once.
    let first = rita.get("/manage/articles").await;
    let next = next_link(&first.body).expect("a next link");
    assert!(next.contains("after="), "{next}");
    let second = rita.get(&next).await;
    second.assert_status(200).assert_contains("rel=\"prev\"");
    let mut seen = bulk_numbers(&first.body);
    seen.extend(bulk_numbers(&second.body));
    let count = seen.len();
    assert_eq!(count, 26, "every bulk article on one of the two pages");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), count, "no article on both pages");
    rita.get("/manage/articles?after=nonsense")
        .await
        .assert_status(400);
    rita.get("/manage/articles?state=nonsense")
        .await
        .assert_status(400);
    rita.get("/manage/articles?author=nobody@example.org")
        .await
        .assert_contains("No account has the email address");
}

async fn the_address_can_change_until_first_publication(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let revision = create_article(&ed, "Can I take ibuprofen with lisinopril?", true).await;
    let article = article_of(&app, revision);
    let page = ed.get(&format!("/manage/articles/{article}")).await;
    page.assert_contains("/articles/can-i-take-ibuprofen-with-lisinopril");
    let path = format!("/manage/articles/{article}/slug");
    ed.submit(&path, &[("slug", "Bad Slug!")])
        .await
        .assert_status(400);
    ed.submit(&path, &[("slug", "ibuprofen-and-lisinopril")])
        .await
        .assert_redirect(&format!("/manage/articles/{article}?done=address-saved"));
    let rita = app.signed_in("rita@example.org").await;
    act(&rita, revision, "approve", &[])
        .await
        .assert_status(303);
    ed.get(&format!("/manage/articles/{article}")).await;
    ed.submit(&path, &[("slug", "another-address")])
        .await
        .assert_status(409)
        .assert_contains("has been published");
    let slug: String = articles::table
        .find(article)
        .select(articles::slug)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(slug, "ibuprofen-and-lisinopril");
}

async fn a_dangling_citation_blocks_submission_and_an_uncited_reference_is_flagged(app: TestApp) {
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed = app.signed_in("ed@example.org").await;
    ed.get("/manage/articles/new").await;
    // Two references (article_fields); the text cites 1, 3 and 9.
    let mut fields = article_fields("Citations checked", "Lower it [1, 3]; see [9].");
    fields.push(("op", "submit".into()));
    let before = (app.count("revisions"), app.count("audit_log"));
    let refused = ed.submit("/manage/articles", &as_refs(&fields)).await;
    refused
        .assert_status(400)
        .assert_contains("Citations [3], [9] have no reference: this revision has 2 references.")
        .assert_contains("Lower it [1, 3]; see [9].");
    assert_eq!((app.count("revisions"), app.count("audit_log")), before);

    // Saved as a draft it is kept; its page says what is wrong, and which reference
    // nothing cites.
    fields.pop();
    fields.push(("op", "save".into()));
    let draft = revision_of(&ed.submit("/manage/articles", &as_refs(&fields)).await);
    let page = ed.get(&format!("/manage/revisions/{draft}")).await;
    page.assert_status(200)
        .assert_contains("Citations [3], [9] have no reference")
        .assert_contains("Submitting is refused until every citation has its reference.")
        .assert_contains("Reference 2 is not cited in the text.");
    // Submitting the saved draft from its page is refused as well.
    let again = act(&ed, draft, "submit", &[]).await;
    assert_eq!(again.status, 400, "{}", again.body);
    again.assert_contains("Citations [3], [9] have no reference");
    assert_eq!(state_of(&app, draft), "draft");

    // Ranges and lists that name only existing references pass, and link each one.
    let mut fields = article_fields("Citations fine", "Lower it [1–2], as both say [1, 2].");
    fields.push(("op", "submit".into()));
    let submitted = revision_of(&ed.submit("/manage/articles", &as_refs(&fields)).await);
    assert_eq!(state_of(&app, submitted), "submitted");
    let page = ed.get(&format!("/manage/revisions/{submitted}")).await;
    assert!(!page.body.contains("is not cited"), "{}", page.body);
    page.assert_contains("href=\"#ref-2\"");
}
