//! Review over many rounds and many people, over HTTP on both backends: a save behind the
//! article is merged (or stops at a conflict) before anything is saved; the conversation,
//! the change requests and the assignments carry into the next round; the default diff is
//! "since your review"; status lines name who acted; the quorum is the one in force at
//! submission and a deactivated reviewer's approval stops counting.

use diesel::prelude::*;
use imprimatur::db::schema::{assignments, comments, mail_outbox, revisions};
use imprimatur::domain::roles::Role;
use imprimatur::ids::{ArticleId, RevisionId};

use crate::on_both_backends;
use crate::support::forms::{
    Fields, act, article_fields, article_of, as_refs, revision_of, set_approvals, state_of,
};
use crate::support::{Client, Page, TestApp};

on_both_backends!(
    a_stale_save_merges_a_colleague_s_change_and_a_second_click_cannot_lose_it,
    overlapping_edits_stop_at_a_conflict_until_each_is_chosen,
    a_change_request_its_thread_and_its_reviewer_carry_into_the_next_round,
    anchored_threads_follow_their_paragraph_or_show_as_outdated,
    only_the_opener_or_the_author_resolves_a_thread,
    status_lines_say_who_acted,
    the_quorum_is_fixed_at_submission_and_a_deactivated_reviewer_stops_counting,
);

const BODY: &str =
    "Fever is common in children [1].\n\nGive fluids and rest.\n\nParacetamol can help [2].";
const SAMS_SENTENCE: &str = "See a doctor if fever lasts more than 3 days.";

fn body_of(app: &TestApp, revision: RevisionId) -> String {
    revisions::table
        .find(revision)
        .select(revisions::body)
        .first(&mut app.conn())
        .unwrap()
}

/// Mail queued for `event` to recipients containing `to`.
fn mails(app: &TestApp, event: &str, to: &str) -> Vec<String> {
    mail_outbox::table
        .filter(mail_outbox::event.eq(event))
        .filter(mail_outbox::recipient.like(format!("%{to}%")))
        .select(mail_outbox::text_body)
        .load(&mut app.conn())
        .unwrap()
}

fn revisions_path(article: ArticleId) -> String {
    format!("/manage/articles/{article}/revisions")
}

/// The editor's fields as the page holds them (the references are the standard two).
fn fields_of(page: &Page, op: &str) -> Fields {
    let mut fields = article_fields("", "");
    for (name, value) in fields.iter_mut() {
        if matches!(*name, "title" | "summary" | "body" | "change_note") {
            *value = page.field(name).unwrap_or_default();
        }
    }
    fields.push(("base_revision_id", page.field("base_revision_id").unwrap()));
    fields.push((
        "draft_version",
        page.field("draft_version").unwrap_or_default(),
    ));
    fields.push(("op", op.into()));
    fields
}

/// A revision of `article` with `body`, written from `base`, posted with `op`.
async fn post_revision(
    client: &Client,
    article: ArticleId,
    base: RevisionId,
    title: &str,
    body: &str,
    op: &str,
) -> Page {
    client
        .get(&format!("/manage/articles/{article}/edit"))
        .await
        .assert_status(200);
    let mut fields = article_fields(title, body);
    fields[3].1 = format!("{title}: edited.");
    fields.push(("base_revision_id", base.to_string()));
    fields.push(("op", op.into()));
    client
        .submit(&revisions_path(article), &as_refs(&fields))
        .await
}

/// An article with `BODY`, submitted by `author` (revision 1), and its id.
async fn shared_article(author: &Client) -> (ArticleId, RevisionId) {
    author.get("/manage/articles/new").await.assert_status(200);
    let mut fields = article_fields("Fever in children", BODY);
    fields.push(("op", "submit".into()));
    let first = revision_of(&author.submit("/manage/articles", &as_refs(&fields)).await);
    let page = author.get(&format!("/manage/revisions/{first}")).await;
    let article = page
        .body
        .split("/manage/articles/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '/']).next())
        .and_then(|id| id.parse().ok())
        .map(ArticleId)
        .unwrap();
    (article, first)
}

async fn a_stale_save_merges_a_colleague_s_change_and_a_second_click_cannot_lose_it(app: TestApp) {
    app.create_user("sam@example.org", "Sam Lee", &[Role::Editor]);
    app.create_user("erin@example.org", "Erin Ellis", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let sam = app.signed_in("sam@example.org").await;
    let erin = app.signed_in("erin@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let (article, first) = shared_article(&sam).await;
    act(&rita, first, "approve", &[]).await.assert_status(303);

    // Both start from the published revision 1. Sam submits his fix first.
    let sams_body = BODY.replace(
        "Give fluids and rest.",
        &format!("Give fluids and rest. {SAMS_SENTENCE}"),
    );
    let sams = revision_of(
        &post_revision(
            &sam,
            article,
            first,
            "Fever in children",
            &sams_body,
            "submit",
        )
        .await,
    );
    let erins_body = BODY.replace(
        "Paracetamol can help [2].",
        "Paracetamol or ibuprofen can help [2].",
    );
    let before = app.count("revisions");

    // Erin's submit is behind: merged, shown, nothing saved.
    let page = post_revision(
        &erin,
        article,
        first,
        "Fever in children",
        &erins_body,
        "submit",
    )
    .await;
    page.assert_status(409)
        .assert_contains("Merged with <a href=\"/manage/revisions/")
        .assert_contains("nothing is saved yet")
        .assert_contains("What the merge took from revision 2 by Sam Lee")
        .assert_contains(&format!("<ins>{SAMS_SENTENCE}</ins>"));
    assert_eq!(app.count("revisions"), before, "nothing was saved");
    let merged = page.field("body").unwrap();
    assert!(
        merged.contains(SAMS_SENTENCE) && merged.contains("ibuprofen"),
        "{merged}"
    );
    assert_eq!(page.field("base_revision_id").unwrap(), sams.to_string());

    // Pressing Submit again with her old base (her first click, replayed) still merges.
    let again = post_revision(
        &erin,
        article,
        first,
        "Fever in children",
        &erins_body,
        "submit",
    )
    .await;
    again
        .assert_status(409)
        .assert_contains("nothing is saved yet");
    assert_eq!(app.count("revisions"), before);

    // Submitting the merged result keeps both changes and folds Sam's revision in.
    let saved = erin
        .submit(
            &revisions_path(article),
            &as_refs(&fields_of(&page, "submit")),
        )
        .await;
    let erins = revision_of(&saved);
    let body = body_of(&app, erins);
    assert!(
        body.contains(SAMS_SENTENCE),
        "Sam's sentence survived: {body}"
    );
    assert!(body.contains("Paracetamol or ibuprofen"), "{body}");
    assert_eq!(state_of(&app, sams), "superseded");
    let told = mails(&app, "revision_superseded", "sam@example.org");
    assert_eq!(told.len(), 1, "Sam hears once");
    assert!(told[0].contains("folded into it"), "{}", told[0]);
    assert!(told[0].contains(&format!("/manage/revisions/{erins}/diff?against={sams}")));
    assert!(mails(&app, "revision_superseded", "erin@example.org").is_empty());
    let audit = app.audit_actions();
    assert!(audit.iter().any(|a| a == "revision.superseded"));
}

async fn overlapping_edits_stop_at_a_conflict_until_each_is_chosen(app: TestApp) {
    app.create_user("sam@example.org", "Sam Lee", &[Role::Editor]);
    app.create_user("erin@example.org", "Erin Ellis", &[Role::Editor]);
    let sam = app.signed_in("sam@example.org").await;
    let erin = app.signed_in("erin@example.org").await;
    let (article, first) = shared_article(&sam).await;
    let sams_body = BODY.replace("Give fluids and rest.", "Give plenty of fluids.");
    let sams = revision_of(
        &post_revision(
            &sam,
            article,
            first,
            "Fever in children",
            &sams_body,
            "submit",
        )
        .await,
    );
    let erins_body = BODY.replace("Give fluids and rest.", "Rest, and give small sips often.");
    let before = app.count("revisions");

    let page = post_revision(
        &erin,
        article,
        first,
        "Fever in children",
        &erins_body,
        "save",
    )
    .await;
    page.assert_status(409)
        .assert_contains("changed the same parts")
        .assert_contains("Conflict 1 of 1: Body, paragraph 2")
        .assert_contains("Rest, and give small sips often.")
        .assert_contains("Give plenty of fluids.")
        .assert_contains("name=\"choice\" required");
    assert_eq!(app.count("revisions"), before);

    // The merge page carries Erin's text; without a choice nothing happens.
    let mut resolve = article_fields("Fever in children", &erins_body);
    resolve[3].1 = "Fever in children: edited.".into();
    resolve.push(("base_revision_id", first.to_string()));
    resolve.push(("merge_with", sams.to_string()));
    resolve.push(("op", "resolve".into()));
    let mut unchosen = resolve.clone();
    unchosen.push(("choice", String::new()));
    erin.submit(&revisions_path(article), &as_refs(&unchosen))
        .await
        .assert_status(400)
        .assert_contains("conflict 1 has no choice yet");
    // A choice for a merge with another revision than the newest is not applied.
    let mut stale = resolve.clone();
    stale
        .iter_mut()
        .find(|(k, _)| *k == "merge_with")
        .unwrap()
        .1 = first.to_string();
    stale.push(("choice", "mine".into()));
    erin.submit(&revisions_path(article), &as_refs(&stale))
        .await
        .assert_status(409)
        .assert_contains("Choose again below");
    assert_eq!(app.count("revisions"), before);

    // "Both" keeps both; the editor shows the result, still unsaved, based on Sam's.
    let mut both = resolve.clone();
    both.push(("choice", "both".into()));
    let merged = erin.submit(&revisions_path(article), &as_refs(&both)).await;
    merged
        .assert_status(200)
        .assert_contains("with the 1 conflict decided as you chose");
    let body = merged.field("body").unwrap();
    assert!(
        body.contains("Rest, and give small sips often.\n\nGive plenty of fluids."),
        "{body}"
    );
    assert_eq!(merged.field("base_revision_id").unwrap(), sams.to_string());
    assert_eq!(app.count("revisions"), before);
    // "Theirs" takes Sam's paragraph.
    let mut theirs = resolve.clone();
    theirs.push(("choice", "theirs".into()));
    let page = erin
        .submit(&revisions_path(article), &as_refs(&theirs))
        .await;
    let body = page.field("body").unwrap();
    assert!(body.contains("Give plenty of fluids.") && !body.contains("small sips"));
    // Saving the merged text works and is based on Sam's revision.
    let saved = erin
        .submit(
            &revisions_path(article),
            &as_refs(&fields_of(&merged, "save")),
        )
        .await;
    saved.assert_status(303);
    assert_eq!(app.count("revisions"), before + 1);
}

/// Rita requests changes on revision 1 (anchored to paragraph 2); Ed revises.
async fn a_change_request_its_thread_and_its_reviewer_carry_into_the_next_round(app: TestApp) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    app.create_user("rob@example.org", "Rob Reviewer", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let rob = app.signed_in("rob@example.org").await;
    let (article, first) = shared_article(&ed).await;
    let page = rita.get(&format!("/manage/revisions/{first}")).await;
    // One "comment on this paragraph" link per paragraph; the second one's link puts
    // paragraph 2 into the comment form.
    let links: Vec<String> = page
        .body
        .split("href=\"")
        .filter(|part| part.contains("?on=block"))
        .filter_map(|part| part.split('"').next())
        .map(|link| link.replace("&amp;", "&"))
        .collect();
    assert_eq!(links.len(), 3, "{links:?}");
    let second_link = links[1].clone();
    let form = rita.get(&second_link).await;
    form.assert_status(200)
        .assert_contains("Commenting on paragraph 2: “Give fluids and rest.”");
    let anchor = form.field("anchor").unwrap();
    act(
        &rita,
        first,
        "request-changes",
        &[("comment", "Say when to see a doctor.")],
    )
    .await
    .assert_status(303);
    act(
        &rita,
        first,
        "comment",
        &[
            ("comment", "This paragraph is too vague."),
            ("anchor", &anchor),
        ],
    )
    .await
    .assert_status(303);

    // The author's turn: first on the dashboard, "Revise" on the revision page.
    let dashboard = ed.get("/dashboard").await;
    dashboard.assert_contains("Changes requested: your turn");
    let revision_page = ed.get(&format!("/manage/revisions/{first}")).await;
    revision_page
        .assert_contains(&format!(
            "href=\"/manage/articles/{article}/edit\">Revise</a>"
        ))
        .assert_contains("Changes requested by Rita Reviewer on")
        .assert_contains("Open change requests (1)");
    // The editor shows the open threads beside it.
    let editor = ed.get(&format!("/manage/articles/{article}/edit")).await;
    editor
        .assert_contains("Open threads (2)")
        .assert_contains("Say when to see a doctor.");

    // Another article was submitted earlier, so it has waited longer.
    shared_article(&ed).await;
    let body = BODY.replace(
        "Give fluids and rest.",
        &format!("Give fluids and rest. {SAMS_SENTENCE}"),
    );
    let second = revision_of(
        &post_revision(&ed, article, first, "Fever in children", &body, "submit").await,
    );

    // Rita is asked again, first in her queue, with the diff since her review.
    let re_requested: Vec<bool> = assignments::table
        .filter(assignments::revision_id.eq(second))
        .select(assignments::re_requested)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(re_requested, vec![true]);
    let told = mails(&app, "review_re_requested", "rita@example.org");
    assert_eq!(told.len(), 1);
    assert!(
        told[0].contains("Fever in children: edited."),
        "the change note: {}",
        told[0]
    );
    assert!(told[0].contains(&format!("/manage/revisions/{second}/diff?against={first}")));
    assert!(
        mails(&app, "revision_submitted", "rita@example.org")
            .iter()
            .all(|m| !m.contains(&format!("revisions/{second}")))
    );
    // Another older submission waits longer, yet Rita's re-request comes first.
    let queue = rita.get("/review/queue").await;
    let first_row = queue
        .body
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        first_row.contains(&format!("/manage/revisions/{second}")),
        "{first_row}"
    );
    assert!(first_row.contains("Re-review requested"));
    // Her default diff is since her review; the page offers the others in one click.
    let diff = rita.get(&format!("/manage/revisions/{second}/diff")).await;
    diff.assert_status(200)
        .assert_contains("Compared with revision 1 (the one you last reviewed).")
        .assert_contains(SAMS_SENTENCE.split(' ').next().unwrap());
    // Rob never reviewed: his default is the previous revision (never published).
    rob.get(&format!("/manage/revisions/{second}/diff"))
        .await
        .assert_contains("Compared with revision 1 (the previous revision).");

    // The conversation carries: both threads, marked with revision 1, answerable here.
    let page = rita.get(&format!("/manage/revisions/{second}")).await;
    page.assert_contains("Say when to see a doctor.")
        .assert_contains("This paragraph is too vague.")
        .assert_contains("on revision 1")
        .assert_contains("Open change requests (1)")
        .assert_contains("Changes since your last review")
        .assert_contains("Rita Reviewer (asked to review again)");
    assert!(!page.body.contains("No comments yet"));
    let request: i64 = comments::table
        .filter(comments::revision_id.eq(first))
        .filter(comments::body.eq("Say when to see a doctor."))
        .select(comments::id)
        .first(&mut app.conn())
        .unwrap();
    act(
        &ed,
        second,
        "comment",
        &[
            ("comment", "Added the 3-day rule."),
            ("reply_to", &request.to_string()),
        ],
    )
    .await
    .assert_status(303);
    let reply_on: RevisionId = comments::table
        .filter(comments::body.eq("Added the 3-day rule."))
        .select(comments::revision_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        reply_on, second,
        "the reply is written on the revision in review"
    );
    // The author resolves it; the list of open requests empties.
    ed.get(&format!("/manage/revisions/{second}")).await;
    ed.submit(&format!("/manage/comments/{request}/resolve"), &[])
        .await
        .assert_redirect(&format!(
            "/manage/revisions/{second}?done=thread-resolved#comment-{request}"
        ));
    let page = rita.get(&format!("/manage/revisions/{second}")).await;
    page.assert_contains("Resolved by Ed Editor");
    assert!(!page.body.contains("Open change requests"));
    assert!(app.audit_actions().iter().any(|a| a == "thread.resolved"));
    // A reply to a comment of another article is refused and changes nothing.
    let (_, elsewhere) = shared_article(&ed).await;
    let before = app.count("comments");
    act(
        &rita,
        elsewhere,
        "comment",
        &[
            ("comment", "Wrong place."),
            ("reply_to", &request.to_string()),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("not in this article&#39;s discussion");
    assert_eq!(app.count("comments"), before);
}

async fn anchored_threads_follow_their_paragraph_or_show_as_outdated(app: TestApp) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let (article, first) = shared_article(&ed).await;
    let anchor =
        imprimatur::domain::conversation::Anchor::of_block("Give fluids and rest.").as_string();
    act(
        &rita,
        first,
        "comment",
        &[("comment", "How much fluid?"), ("anchor", &anchor)],
    )
    .await
    .assert_status(303);
    // A paragraph that is not in the revision is refused, and nothing is written.
    let before = app.count("comments");
    let missing = imprimatur::domain::conversation::Anchor::of_block("Not in it.").as_string();
    act(
        &rita,
        first,
        "comment",
        &[("comment", "Lost?"), ("anchor", &missing)],
    )
    .await
    .assert_status(400)
    .assert_contains("That paragraph is not in this revision");
    act(
        &rita,
        first,
        "comment",
        &[("comment", "Bad"), ("anchor", "block:<script>")],
    )
    .await
    .assert_status(400);
    rita.get(&format!("/manage/revisions/{first}?on=nonsense"))
        .await
        .assert_status(400);
    assert_eq!(app.count("comments"), before);
    rita.get(&format!("/manage/revisions/{first}"))
        .await
        .assert_contains("On paragraph <a href=\"#block-2\">2</a>: <q>Give fluids and rest.</q>");

    // Moved down by a new first paragraph (and re-wrapped): the anchor follows it.
    let moved = format!(
        "A new opening paragraph.\n\n{}",
        BODY.replace("Give fluids and rest.", "Give fluids\nand rest.")
    );
    let second = revision_of(
        &post_revision(&ed, article, first, "Fever in children", &moved, "submit").await,
    );
    rita.get(&format!("/manage/revisions/{second}"))
        .await
        .assert_contains("On paragraph <a href=\"#block-3\">3</a>: <q>Give fluids and rest.</q>");
    // Rewritten: the thread stays, shown as outdated.
    let changed = moved.replace("Give fluids\nand rest.", "Give 50 ml of fluid per kg.");
    let third = revision_of(
        &post_revision(
            &ed,
            article,
            second,
            "Fever in children",
            &changed,
            "submit",
        )
        .await,
    );
    rita.get(&format!("/manage/revisions/{third}"))
        .await
        .assert_contains("On a paragraph that has changed since")
        .assert_contains("outdated")
        .assert_contains("How much fluid?");
}

async fn only_the_opener_or_the_author_resolves_a_thread(app: TestApp) {
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    app.create_user(
        "other@example.org",
        "Other Editor",
        &[Role::Editor, Role::Admin],
    );
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    app.create_user("rob@example.org", "Rob Reviewer", &[Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    let other = app.signed_in("other@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let rob = app.signed_in("rob@example.org").await;
    let (_, first) = shared_article(&ed).await;
    act(&rita, first, "comment", &[("comment", "Check the dose.")])
        .await
        .assert_status(303);
    let thread: i64 = comments::table
        .select(comments::id)
        .first(&mut app.conn())
        .unwrap();
    let resolve = format!("/manage/comments/{thread}/resolve");
    for outsider in [&other, &rob] {
        outsider.get(&format!("/manage/revisions/{first}")).await;
        outsider.submit(&resolve, &[]).await.assert_status(403);
    }
    let resolved = || -> Option<chrono::NaiveDateTime> {
        comments::table
            .find(thread)
            .select(comments::resolved_at)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(resolved(), None, "refusals change nothing");
    assert!(app.audit_actions().iter().any(|a| a == "action.denied"));
    ed.get(&format!("/manage/revisions/{first}")).await;
    ed.submit(&resolve, &[]).await.assert_status(303);
    assert!(resolved().is_some());
    ed.submit(&resolve, &[]).await.assert_status(409);
    // The reviewer who opened it may reopen it.
    rita.get(&format!("/manage/revisions/{first}")).await;
    rita.submit(&format!("/manage/comments/{thread}/reopen"), &[])
        .await
        .assert_status(303);
    assert_eq!(resolved(), None);
    ed.submit("/manage/comments/999999/resolve", &[])
        .await
        .assert_status(404);
    ed.submit("/manage/comments/abc/resolve", &[])
        .await
        .assert_status(404);
}

async fn status_lines_say_who_acted(app: TestApp) {
    app.create_user("erin@example.org", "Erin Ellis", &[Role::Editor]);
    app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let erin = app.signed_in("erin@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let (_, first) = shared_article(&erin).await;
    erin.get(&format!("/manage/revisions/{first}"))
        .await
        .assert_contains("· written by Erin Ellis, submitted")
        .assert_contains("Waiting for a reviewer.");
    act(&rita, first, "approve", &[]).await.assert_status(303);
    let page = erin.get(&format!("/manage/revisions/{first}")).await;
    page.assert_contains("by Rita Reviewer.");
    assert!(
        page.body
            .contains("<p class=\"revision-status\" id=\"status-line\">Approved on ")
    );
    assert!(!page.body.contains("Approved by Erin Ellis"));
    let (_, withdrawn) = shared_article(&erin).await;
    act(&erin, withdrawn, "withdraw", &[("confirm", "yes")])
        .await
        .assert_status(303);
    erin.get(&format!("/manage/revisions/{withdrawn}"))
        .await
        .assert_contains("Withdrawn by its author, Erin Ellis, on");
}

async fn the_quorum_is_fixed_at_submission_and_a_deactivated_reviewer_stops_counting(app: TestApp) {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita_id = app.create_user("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    app.create_user("rob@example.org", "Rob Reviewer", &[Role::Reviewer]);
    app.create_user("ron@example.org", "Ron Reviewer", &[Role::Reviewer]);
    let admin = app.signed_in("admin@example.org").await;
    let ed = app.signed_in("ed@example.org").await;
    let rita = app.signed_in("rita@example.org").await;
    let rob = app.signed_in("rob@example.org").await;
    let ron = app.signed_in("ron@example.org").await;
    set_approvals(&admin, "2").await;
    let (article, first) = shared_article(&ed).await;
    act(&rita, first, "approve", &[]).await.assert_status(303);
    // Lowered to 1 afterwards: the pending revision keeps needing 2, and says so.
    set_approvals(&admin, "1").await;
    let page = rob.get(&format!("/manage/revisions/{first}")).await;
    page.assert_contains("<strong>1 of 2</strong> needed")
        .assert_contains("fixed when a revision is submitted; today's setting is 1");
    // Rita leaves the board: her approval on the pending revision no longer counts.
    app.execute(&format!(
        "UPDATE users SET is_active = FALSE WHERE id = {rita_id}"
    ));
    let page = rob.get(&format!("/manage/revisions/{first}")).await;
    page.assert_contains("<strong>0 of 2</strong> needed")
        .assert_contains(
            "Rita Reviewer approved this revision, but their account has since been deactivated",
        );
    assert!(!page.body.contains("Yours is the last approval needed"));
    act(&rob, first, "approve", &[]).await.assert_status(303);
    assert_eq!(
        state_of(&app, first),
        "under_review",
        "one counting approval of two"
    );
    act(&ron, first, "approve", &[]).await.assert_status(303);
    assert_eq!(state_of(&app, first), "approved");
    // A revision submitted now needs today's 1.
    let second = revision_of(
        &post_revision(
            &ed,
            article,
            first,
            "Fever in children",
            "One approval now.",
            "submit",
        )
        .await,
    );
    rob.get(&format!("/manage/revisions/{second}"))
        .await
        .assert_contains("<strong>0 of 1</strong> needed")
        .assert_contains("Yours is the last approval needed");
    assert_eq!(article_of(&app, second), article);
}
