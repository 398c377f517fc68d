//! The service boundary, called directly as a JSON API or a new handler would: every use case
//! a person starts checks its caller itself; a use case's change, audit row and mail commit
//! together or not at all; and the effects of a committed transaction (stale public pages,
//! queued mail) reach the running application once, after the commit.

use diesel::prelude::*;
use imprimatur::config::DatabaseUrl;
use imprimatur::db::audit_log::{AuditFilter, Cursor};
use imprimatur::db::schema::{articles, mail_outbox, reviews, revisions, user_roles, users};
use imprimatur::db::users::UserFilter;
use imprimatur::domain::roles::Role;
use imprimatur::domain::settings::SettingsInput;
use imprimatur::domain::workflow::Action;
use imprimatur::ids::{AuditId, UserId};
use imprimatur::services::accounts::{self, InviteInput};
use imprimatur::services::audit::{self, FilterInput};
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::{
    Caller, Refusal, ServiceError, ServiceResult, editing, mailbox, publishing, settings,
};

use crate::on_both_backends;
use crate::support::fixtures::content;
use crate::support::{ArticleBuilder, PASSWORD, TestApp};

on_both_backends!(
    admin_use_cases_refuse_an_editor_called_directly_and_change_nothing,
    writing_and_reviewing_refuse_callers_without_the_role,
    a_use_case_whose_audit_row_cannot_be_written_leaves_no_change_and_no_mail,
    a_failed_role_change_over_http_is_a_500_that_changes_nothing,
    committed_effects_reach_the_page_cache_once_and_rolled_back_ones_never,
);

/// The refusal every admin use case gives a caller without the admin role.
#[track_caller]
fn refused_as_non_admin<T>(outcome: ServiceResult<T>, what: &str) {
    match outcome {
        Err(ServiceError::Refused(Refusal::RoleRequired(Role::Admin))) => {}
        Err(other) => panic!("{what}: refused for the wrong reason: {other}"),
        Ok(_) => panic!("{what}: an editor was allowed"),
    }
}

fn roles_of(app: &TestApp, id: UserId) -> Vec<String> {
    user_roles::table
        .filter(user_roles::user_id.eq(id))
        .select(user_roles::role)
        .order(user_roles::role.asc())
        .load(&mut app.conn())
        .unwrap()
}

async fn admin_use_cases_refuse_an_editor_called_directly_and_change_nothing(app: TestApp) {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let published = ArticleBuilder::new(&app, &ed).approved_by(&[&rita]).build();
    let editor = &ed.caller;
    let before = (
        app.count("audit_log"),
        app.count("users"),
        app.count("mail_outbox"),
        app.count("account_tokens"),
    );

    let invite = InviteInput {
        email: "mallory@example.org".into(),
        display_name: "Mallory".into(),
        credentials: String::new(),
        roles: [Role::Admin].into_iter().collect(),
    };
    let admins: imprimatur::domain::roles::RoleSet = [Role::Admin].into_iter().collect();
    refused_as_non_admin(
        app.ctx(|ctx| accounts::invite(ctx, editor, &invite)),
        "invite",
    );
    refused_as_non_admin(
        app.ctx(|ctx| accounts::change_roles(ctx, editor, ed.id, &admins)),
        "change_roles",
    );
    refused_as_non_admin(
        app.ctx(|ctx| accounts::deactivate(ctx, editor, rita.id)),
        "deactivate",
    );
    refused_as_non_admin(
        app.ctx(|ctx| accounts::reactivate(ctx, editor, rita.id)),
        "reactivate",
    );
    refused_as_non_admin(
        app.ctx(|ctx| accounts::issue_reset_link(ctx, editor, rita.id)),
        "issue_reset_link",
    );
    refused_as_non_admin(
        app.ctx(|ctx| accounts::list(ctx, editor, &UserFilter::default(), 0, 25)),
        "list",
    );
    refused_as_non_admin(app.ctx(|ctx| accounts::get(ctx, editor, rita.id)), "get");
    refused_as_non_admin(
        app.ctx(|ctx| audit::page(ctx, editor, &AuditFilter::default(), Cursor::Newest, 50)),
        "audit page",
    );
    refused_as_non_admin(
        app.ctx(|ctx| audit::resolve_filter(ctx, editor, &FilterInput::default())),
        "audit filter",
    );
    refused_as_non_admin(
        app.ctx(|ctx| audit::batch(ctx, editor, &AuditFilter::default(), AuditId(0), 500)),
        "audit export",
    );
    refused_as_non_admin(app.ctx(|ctx| audit::verify(ctx, editor)), "audit verify");
    refused_as_non_admin(
        app.ctx(|ctx| mailbox::page(ctx, editor, None, None, 50)),
        "mail page",
    );
    refused_as_non_admin(app.ctx(|ctx| mailbox::retry(ctx, editor, 1)), "mail retry");
    let input = SettingsInput {
        approvals_required: "1".into(),
        review_interval_days: "30".into(),
        site_name: "Taken over".into(),
        disclaimer: String::new(),
        editorial_policy: String::new(),
        require_specialist: false,
        conflicted_approvals_count: false,
        review_due_days: "7".into(),
        ..SettingsInput::default()
    };
    refused_as_non_admin(
        app.ctx(|ctx| settings::update(ctx, editor, 1, &input)),
        "settings",
    );
    refused_as_non_admin(
        app.ctx(|ctx| {
            publishing::retract(
                ctx,
                editor,
                published.article,
                &publishing::Retraction::because("Because."),
            )
        }),
        "retract",
    );

    // Nothing changed: no rows written, roles and activity as they were.
    let after = (
        app.count("audit_log"),
        app.count("users"),
        app.count("mail_outbox"),
        app.count("account_tokens"),
    );
    assert_eq!(before, after);
    assert_eq!(roles_of(&app, ed.id), ["editor"]);
    let active: bool = users::table
        .find(rita.id)
        .select(users::is_active)
        .first(&mut app.conn())
        .unwrap();
    assert!(active);
    let live: Option<chrono::NaiveDateTime> = articles::table
        .find(published.article)
        .select(articles::retracted_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(live.is_none());

    // The command line's explicit system caller may.
    app.ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))
        .unwrap();
    assert_eq!(app.count("users"), before.1 + 1);
}

async fn writing_and_reviewing_refuse_callers_without_the_role(app: TestApp) {
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let nobody = app.person("new@example.org", "New Person", &[Role::Editor]);
    // An account whose roles were all taken away (as a stale session would still carry them).
    let roleless = Caller::person(nobody.id, Default::default(), nobody.caller.actor().clone());
    let revision = ArticleBuilder::new(&app, &ed).submitted().build().revision;

    let written = app.ctx(|ctx| {
        editing::create_article(ctx, &rita.caller, &content("By a reviewer", "Text."), true)
    });
    assert!(
        matches!(
            written,
            Err(ServiceError::Refused(Refusal::RoleRequired(Role::Editor)))
        ),
        "{written:?}"
    );
    let read = app.ctx(|ctx| imprimatur::services::read::revision_page(ctx, &roleless, revision));
    assert!(
        matches!(read, Err(ServiceError::Refused(Refusal::NoRole))),
        "a caller with no role reads nothing"
    );
    let approve = app.ctx(|ctx| {
        reviewing::act(
            ctx,
            &ed.caller,
            revision,
            Action::Approve,
            &ActionInput::default(),
        )
    });
    assert!(
        matches!(approve, Err(ServiceError::Workflow(e)) if e.is_permission()),
        "{approve:?}"
    );
    // The system caller is nobody: it cannot write or review.
    let system = app.ctx(|ctx| {
        editing::create_article(
            ctx,
            &Caller::system(),
            &content("By nobody", "Text."),
            false,
        )
    });
    assert!(matches!(
        system,
        Err(ServiceError::Refused(Refusal::RoleRequired(Role::Editor)))
    ));
    assert_eq!(app.count("articles"), 1);
}

/// Makes every insert of an audit row with one of `actions` fail, as a full disk or a
/// constraint would, on either backend.
fn refuse_audit_rows(app: &TestApp, actions: &[&str]) {
    let listed = actions
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if matches!(app.database.url, DatabaseUrl::Postgres(_)) {
        app.execute(&format!(
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN \
               IF NEW.action IN ({listed}) THEN RAISE EXCEPTION 'audit row refused'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
               FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
        ));
    } else {
        app.execute(&format!(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             WHEN NEW.action IN ({listed}) BEGIN SELECT RAISE(ABORT, 'audit row refused'); END;"
        ));
    }
}

async fn a_use_case_whose_audit_row_cannot_be_written_leaves_no_change_and_no_mail(app: TestApp) {
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let built = ArticleBuilder::new(&app, &ed).submitted().build();
    let before = (
        app.count("audit_log"),
        app.count("mail_outbox"),
        app.count("reviews"),
        app.count("comments"),
    );
    // The last row each use case writes is its audit row of the publication / invitation:
    // everything before it (a review, a comment, the state change, the approval's audit
    // row, the publication, the search index, the mail) must go with it.
    refuse_audit_rows(&app, &["article.published", "user.invited"]);

    let input = ActionInput {
        text: "Looks right.".into(),
        ..ActionInput::no_conflict()
    };
    let generation = app.env.signals().public_generation();
    let outcome =
        app.ctx(|ctx| reviewing::act(ctx, &rita.caller, built.revision, Action::Approve, &input));
    assert!(
        matches!(outcome, Err(ServiceError::Database(_))),
        "{outcome:?}"
    );

    let after = (
        app.count("audit_log"),
        app.count("mail_outbox"),
        app.count("reviews"),
        app.count("comments"),
    );
    assert_eq!(before, after, "audit, mail, review and comment rows");
    assert_eq!(
        app.env.signals().public_generation(),
        generation,
        "a rolled-back publication leaves cached pages alone"
    );
    let state: String = revisions::table
        .find(built.revision)
        .select(revisions::state)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(state, "submitted");
    let published: Option<imprimatur::ids::RevisionId> = articles::table
        .find(built.article)
        .select(articles::published_revision_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(published, None);
    let slug: String = articles::table
        .find(built.article)
        .select(articles::slug)
        .first(&mut app.conn())
        .unwrap();
    app.client()
        .get(&format!("/articles/{slug}"))
        .await
        .assert_status(404);
    let queued: i64 = mail_outbox::table
        .filter(mail_outbox::event.eq("article_published"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(queued, 0);
    let votes: i64 = reviews::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(votes, 0);

    // An invitation queues its mail before its audit row: neither the account, its link nor
    // the mail survive.
    let (people, links) = (app.count("users"), app.count("account_tokens"));
    let invite = InviteInput {
        email: "new@example.org".into(),
        display_name: "New Reviewer".into(),
        credentials: String::new(),
        roles: [Role::Reviewer].into_iter().collect(),
    };
    let invited = app.ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite));
    assert!(
        matches!(invited, Err(ServiceError::Database(_))),
        "{invited:?}"
    );
    assert_eq!(
        (
            app.count("users"),
            app.count("account_tokens"),
            app.count("mail_outbox")
        ),
        (people, links, before.1)
    );
}

async fn a_failed_role_change_over_http_is_a_500_that_changes_nothing(app: TestApp) {
    app.create_user("admin@example.org", "Ada Admin", &[Role::Admin]);
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let admin = app.signed_in("admin@example.org").await;
    refuse_audit_rows(&app, &["user.roles_changed"]);
    let path = format!("/admin/users/{}", ed.id);
    admin.get(&path).await;
    let page = admin
        .submit(
            &path,
            &[("action", "roles"), ("roles", "editor"), ("roles", "admin")],
        )
        .await;
    page.assert_status(500)
        .assert_contains("Something went wrong");
    assert!(
        !page.body.contains("audit row refused"),
        "the cause is logged, not shown"
    );
    assert_eq!(roles_of(&app, ed.id), ["editor"]);
    // And Ed can still sign in with the roles he had.
    let ed_client = app.client();
    ed_client.sign_in("ed@example.org", PASSWORD).await;
    ed_client.get("/admin/users").await.assert_status(403);
}

async fn committed_effects_reach_the_page_cache_once_and_rolled_back_ones_never(app: TestApp) {
    let ed = app.person("ed@example.org", "Ed Editor", &[Role::Editor]);
    let rita = app.person("rita@example.org", "Rita Reviewer", &[Role::Reviewer]);
    let generation = || app.env.signals().public_generation();

    // A draft changes nothing the public sees.
    let start = generation();
    let draft = ArticleBuilder::new(&app, &ed).build();
    assert_eq!(generation(), start, "a draft is not public content");

    // A refused action rolls back and says nothing.
    let refused = app.ctx(|ctx| {
        reviewing::act(
            ctx,
            &rita.caller,
            draft.revision,
            Action::Approve,
            &ActionInput::default(),
        )
    });
    assert!(refused.is_err());
    assert_eq!(generation(), start);

    // Submitting and approving each change public content, once per transaction.
    let built = ArticleBuilder::new(&app, &ed)
        .title("Statins")
        .submitted()
        .build();
    assert_eq!(generation(), start + 1, "the submission");
    app.act(&rita, built.revision, Action::Approve, "");
    assert_eq!(generation(), start + 2, "the approval and its publication");
}
