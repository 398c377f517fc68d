//! Eight people acting on the same revision at the same moment, fifty times over: approve
//! against request changes against reject against withdraw. No request may fail with a 5xx,
//! every acknowledged action must be in the database with exactly one audit row, and the
//! outcome must be one the rules allow.

use std::sync::Arc;

use diesel::prelude::*;
use imprimatur::db::schema::{articles, audit_log, reviews, revisions};
use imprimatur::domain::roles::Role;
use imprimatur::ids::{ArticleId, RevisionId, UserId};
use imprimatur::services::editing;
use imprimatur::services::{Actor, Caller, Ctx};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::support::forms::article_fields;

on_both_backends!(concurrent_conflicting_actions_never_lose_an_update);

const ROUNDS: usize = 50;

/// Who does what in every round.
const PLAN: [(usize, &str); 8] = [
    (1, "approve"),
    (2, "approve"),
    (3, "approve"),
    (4, "request-changes"),
    (5, "reject"),
    (6, "comment"),
    (0, "withdraw"),
    (1, "claim"),
];

fn audit_action(route: &str) -> &'static str {
    match route {
        "approve" => "revision.approved",
        "request-changes" => "revision.changes_requested",
        "reject" => "revision.rejected",
        "comment" => "revision.commented",
        "withdraw" => "revision.withdrawn",
        "claim" => "revision.claimed",
        other => panic!("{other}"),
    }
}

async fn concurrent_conflicting_actions_never_lose_an_update(app: TestApp) {
    let author_id = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let admin = app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    for i in 1..=6 {
        app.create_user(
            &format!("r{i}@example.org"),
            &format!("Reviewer {i}"),
            &[Role::Reviewer],
        );
    }
    // Two approvals needed, so approvals race each other as well as the rest.
    let caller = |id: UserId, roles: &[Role], email: &str| {
        Caller::person(
            id,
            roles.iter().copied().collect(),
            Actor::user(id, email, "127.0.0.1"),
        )
    };
    {
        let mut pooled = app.conn();
        let mut conn = Ctx::new(&mut pooled, &app.env);
        let current = imprimatur::services::settings::current(&mut conn).unwrap();
        let input = imprimatur::domain::settings::SettingsInput {
            approvals_required: "2".into(),
            review_interval_days: "365".into(),
            site_name: current.site_name,
            disclaimer: current.disclaimer,
            editorial_policy: current.editorial_policy,
            require_specialist: false,
            conflicted_approvals_count: false,
            review_due_days: "7".into(),
            ..imprimatur::domain::settings::SettingsInput::default()
        };
        imprimatur::services::settings::update(
            &mut conn,
            &caller(admin, &[Role::Admin], "admin@example.org"),
            current.version,
            &input,
        )
        .unwrap();
    }
    let mut clients = vec![Arc::new(app.signed_in("ed@example.org").await)];
    for i in 1..=6 {
        clients.push(Arc::new(app.signed_in(&format!("r{i}@example.org")).await));
    }
    for client in &clients {
        client.get("/dashboard").await;
    }
    let author = caller(author_id, &[Role::Editor], "ed@example.org");

    for round in 0..ROUNDS {
        // No references, so no citations either.
        let fields = article_fields(&format!("Race {round}"), "Body of the race.");
        let input = imprimatur::domain::content::ContentInput {
            title: fields[0].1.clone(),
            summary: fields[1].1.clone(),
            body: fields[2].1.clone(),
            change_note: fields[3].1.clone(),
            references: Vec::new(),
            ..imprimatur::domain::content::ContentInput::default()
        };
        let saved = app
            .ctx(|ctx| editing::create_article(ctx, &author, &input, true))
            .unwrap();
        let revision = saved.revision;

        let tasks: Vec<_> = PLAN
            .iter()
            .map(|(who, action)| {
                let client = clients[*who].clone();
                let (who, action) = (*who, *action);
                tokio::spawn(async move {
                    let page = client
                        .submit(
                            &format!("/manage/revisions/{revision}/{action}"),
                            &[
                                ("comment", "Racing."),
                                ("confirm", "yes"),
                                ("declaration", "none"),
                            ],
                        )
                        .await;
                    (who, action, page.status)
                })
            })
            .collect();
        let mut acknowledged: Vec<(usize, &str)> = Vec::new();
        for task in tasks {
            let (who, action, status) = task.await.unwrap();
            assert!(
                status < 500,
                "round {round}: {action} by {who} answered {status}"
            );
            assert!(
                matches!(status, 303 | 409),
                "round {round}: {action} by {who} answered {status}"
            );
            if status == 303 {
                acknowledged.push((who, action));
            }
        }
        check_round(&app, saved.article, revision, &acknowledged);
    }
}

/// Checks one round against the database.
fn check_round(
    app: &TestApp,
    article: ArticleId,
    revision: RevisionId,
    acknowledged: &[(usize, &str)],
) {
    let mut conn = app.conn();
    let count = |route: &str| acknowledged.iter().filter(|(_, a)| *a == route).count() as i64;
    let state: String = revisions::table
        .find(revision)
        .select(revisions::state)
        .first(&mut conn)
        .unwrap();
    // Every acknowledged action has exactly one audit row, and nothing else does.
    for route in [
        "approve",
        "request-changes",
        "reject",
        "comment",
        "withdraw",
        "claim",
    ] {
        let rows: i64 = audit_log::table
            .filter(audit_log::target_type.eq("revision"))
            .filter(audit_log::target_id.eq(revision.0))
            .filter(audit_log::action.eq(audit_action(route)))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(
            rows,
            count(route),
            "audit rows for {route} on {revision}: acknowledged {acknowledged:?}"
        );
    }
    // Every acknowledged vote is a review row.
    for (route, verdict) in [
        ("approve", "approve"),
        ("request-changes", "request_changes"),
        ("reject", "reject"),
    ] {
        let rows: i64 = reviews::table
            .filter(reviews::revision_id.eq(revision))
            .filter(reviews::verdict.eq(verdict))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(
            rows,
            count(route),
            "{verdict} reviews on {revision}: acknowledged {acknowledged:?}"
        );
    }
    let (approvals, changes, rejects, withdrawals) = (
        count("approve"),
        count("request-changes"),
        count("reject"),
        count("withdraw"),
    );
    let published: Option<RevisionId> = articles::table
        .find(article)
        .select(articles::published_revision_id)
        .first(&mut conn)
        .unwrap();
    // The final state is one the rules can reach from what was acknowledged.
    let legal = match state.as_str() {
        "approved" => approvals == 2 && changes == 0 && rejects == 0 && withdrawals == 0,
        "changes_requested" => changes == 1 && approvals <= 1 && rejects == 0 && withdrawals == 0,
        "rejected" => rejects == 1 && approvals <= 1 && changes <= 1 && withdrawals == 0,
        "withdrawn" => withdrawals == 1 && approvals <= 1 && changes <= 1 && rejects == 0,
        "under_review" | "submitted" => {
            approvals <= 1 && changes == 0 && rejects == 0 && withdrawals == 0
        }
        _ => false,
    };
    assert!(legal, "{revision} ended {state} after {acknowledged:?}");
    assert_eq!(
        published == Some(revision),
        state == "approved",
        "published iff approved"
    );
}
