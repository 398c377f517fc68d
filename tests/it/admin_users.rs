//! The admin accounts page: invitations, roles, deactivation, reset links, role checks.

use diesel::prelude::*;
use imprimatur::db::schema::user_roles;
use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::{PASSWORD, TestApp};

on_both_backends!(
    an_admin_invites_an_editor_who_sets_a_password_and_signs_in,
    inviting_an_existing_email_is_a_conflict_that_keeps_the_form,
    invalid_invitations_are_refused_with_a_message,
    an_admin_changes_roles_and_the_change_is_audited,
    the_last_active_admin_cannot_lose_the_admin_role,
    a_reset_link_replaces_the_password_and_ends_sessions,
    anonymous_requests_to_the_workspace_are_sent_to_sign_in,
    non_admins_get_a_403_page_and_change_nothing,
    the_user_list_is_filtered_and_paginated,
    unknown_or_malformed_user_ids_get_a_404_page,
);

async fn an_admin_invites_an_editor_who_sets_a_password_and_signs_in(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await.assert_status(200);
    let issued = admin
        .submit(
            "/admin/users",
            &[
                ("email", "Editor@Example.org"),
                ("name", "Erin Editor"),
                ("credentials", ""),
                ("roles", "editor"),
                ("roles", "reviewer"),
            ],
        )
        .await;
    issued
        .assert_status(200)
        .assert_contains("Invitation created")
        // Without SMTP the page says where the message went, and shows the whole link.
        .assert_contains("the message carrying this link was not sent: it was written as a file")
        .assert_contains("<textarea id=\"link\" readonly");
    let link = issued.setup_link().expect("the page shows the setup link");
    assert!(
        issued.body.contains(&app.url(&link)),
        "the link is absolute"
    );

    let row_of = |page: &str, name: &str| -> String {
        let at = page.find(name).expect("the account is listed");
        page[at..at + page[at..].find("</tr>").unwrap()].to_owned()
    };
    let before = admin.get("/admin/users").await;
    assert!(
        row_of(&before.body, "Erin Editor").contains("Never"),
        "not signed in yet"
    );

    let invitee = app.client();
    invitee
        .get(&link)
        .await
        .assert_status(200)
        .assert_contains("editor@example.org")
        .assert_contains("Erin Editor");
    invitee
        .submit(
            &link,
            &[("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await
        .assert_redirect("/dashboard?done=password-set");
    // Signed in by setting the password.
    let dashboard = invitee.get("/dashboard").await;
    dashboard.assert_contains("Editor, Reviewer");
    assert!(
        !dashboard.body.contains("href=\"/admin/users\""),
        "no admin navigation"
    );

    let list = admin.get("/admin/users").await;
    list.assert_contains("Erin Editor")
        .assert_contains("editor@example.org")
        .assert_contains("<th scope=\"col\">Last signed in</th>");
    // Setting the password signed her in: the list says when.
    let row = row_of(&list.body, "Erin Editor");
    assert!(
        row.contains("<time datetime=\"") && !row.contains("Never"),
        "{row}"
    );
    let actions = app.audit_actions();
    for expected in ["user.invited", "user.password_set"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
}

async fn inviting_an_existing_email_is_a_conflict_that_keeps_the_form(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let page = admin
        .submit(
            "/admin/users",
            &[
                ("email", "ED@example.org"),
                ("name", "Edward Second"),
                ("roles", "reviewer"),
            ],
        )
        .await;
    page.assert_status(409).assert_contains("already exists");
    page.assert_contains("value=\"Edward Second\"");
    assert_eq!(app.count("users"), 2);
}

async fn invalid_invitations_are_refused_with_a_message(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("email", "nope"), ("name", "X"), ("roles", "editor")],
            "Enter an email address",
        ),
        (
            &[
                ("email", "x@example.org"),
                ("name", "  "),
                ("roles", "editor"),
            ],
            "Enter a name",
        ),
        (
            &[("email", "x@example.org"), ("name", "X")],
            "Choose at least one role",
        ),
        (
            &[
                ("email", "x@example.org"),
                ("name", "X"),
                ("roles", "superuser"),
            ],
            "no role called",
        ),
    ];
    for (fields, message) in cases {
        admin
            .submit("/admin/users", fields)
            .await
            .assert_status(400)
            .assert_contains(message);
    }
    assert_eq!(app.count("users"), 1);
}

fn roles_of(app: &TestApp, user: imprimatur::ids::UserId) -> Vec<String> {
    user_roles::table
        .filter(user_roles::user_id.eq(user))
        .select(user_roles::role)
        .order(user_roles::role.asc())
        .load(&mut app.conn())
        .unwrap()
}

async fn an_admin_changes_roles_and_the_change_is_audited(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let ed = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let admin = app.signed_in("admin@example.org").await;
    let path = format!("/admin/users/{ed}");
    admin
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("ed@example.org");
    admin
        .submit(
            &path,
            &[
                ("action", "roles"),
                ("roles", "reviewer"),
                ("roles", "editor"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}?done=roles-saved"));
    assert_eq!(roles_of(&app, ed), ["editor", "reviewer"]);
    admin
        .get(&format!("{path}?done=roles-saved"))
        .await
        .assert_contains("Roles saved");
    // Saving the same roles again changes nothing and writes no audit row.
    let before = app.count("audit_log");
    admin
        .submit(
            &path,
            &[
                ("action", "roles"),
                ("roles", "reviewer"),
                ("roles", "editor"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}?done=roles-unchanged"));
    assert_eq!(app.count("audit_log"), before);
    assert_eq!(
        app.audit_actions()
            .iter()
            .filter(|a| *a == "user.roles_changed")
            .count(),
        1
    );
}

async fn the_last_active_admin_cannot_lose_the_admin_role(app: TestApp) {
    let admin_id = app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    let path = format!("/admin/users/{admin_id}");
    admin.get(&path).await;
    admin
        .submit(&path, &[("action", "roles"), ("roles", "editor")])
        .await
        .assert_status(409)
        .assert_contains("only active admin");
    assert_eq!(roles_of(&app, admin_id), ["admin"]);
    admin
        .submit(&path, &[("action", "deactivate"), ("confirm", "yes")])
        .await
        .assert_status(409)
        .assert_contains("your own account");
}

async fn a_reset_link_replaces_the_password_and_ends_sessions(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let ed = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let ed_client = app.signed_in("ed@example.org").await;
    let admin = app.signed_in("admin@example.org").await;
    let path = format!("/admin/users/{ed}");
    admin.get(&path).await;
    let first = admin.submit(&path, &[("action", "reset")]).await;
    first
        .assert_status(200)
        .assert_contains("Password reset link");
    let first_link = first.setup_link().unwrap();
    admin.get(&path).await;
    let second_link = admin
        .submit(&path, &[("action", "reset")])
        .await
        .setup_link()
        .unwrap();
    // Only the newest link works.
    app.client().get(&first_link).await.assert_status(410);

    let new_password = "a completely different passphrase";
    let owner = app.client();
    owner
        .get(&second_link)
        .await
        .assert_status(200)
        .assert_contains("Choose a new password");
    owner
        .submit(
            &second_link,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await
        .assert_redirect("/dashboard?done=password-set");
    ed_client
        .get("/dashboard")
        .await
        .assert_redirect("/login?next=/dashboard");
    app.client()
        .sign_in("ed@example.org", PASSWORD)
        .await
        .assert_status(401);
    app.client()
        .sign_in("ed@example.org", new_password)
        .await
        .assert_redirect("/dashboard");
    let actions = app.audit_actions();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "user.reset_link_issued")
            .count(),
        2
    );
}

async fn anonymous_requests_to_the_workspace_are_sent_to_sign_in(app: TestApp) {
    let client = app.client();
    for path in [
        "/dashboard",
        "/admin/users",
        "/admin/users/1",
        "/admin/audit",
        "/admin/audit.csv",
        "/admin/audit.jsonl",
    ] {
        let page = client.get(path).await;
        page.assert_redirect(&format!("/login?next={path}"));
    }
    client
        .get("/admin/audit?action=logout")
        .await
        .assert_redirect("/login?next=/admin/audit%3Faction%3Dlogout");
}

async fn non_admins_get_a_403_page_and_change_nothing(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    app.create_user("ed@example.org", "Ed", &[Role::Editor, Role::Reviewer]);
    let ed = app.signed_in("ed@example.org").await;
    for path in [
        "/admin/users",
        "/admin/users/1",
        "/admin/audit",
        "/admin/audit.csv",
        "/admin/audit.jsonl",
    ] {
        let page = ed.get(path).await;
        page.assert_status(403).assert_contains("Not allowed");
        // Error pages use the site layout.
        page.assert_contains("<header class=\"site-header\">");
    }
    ed.get("/dashboard").await;
    let before = app.count("audit_log");
    ed.submit(
        "/admin/users",
        &[
            ("email", "x@example.org"),
            ("name", "X"),
            ("roles", "admin"),
        ],
    )
    .await
    .assert_status(403);
    ed.submit(
        "/admin/users/1",
        &[("action", "deactivate"), ("confirm", "yes")],
    )
    .await
    .assert_status(403);
    assert_eq!(app.count("users"), 2);
    assert_eq!(app.count("audit_log"), before);
}

async fn the_user_list_is_filtered_and_paginated(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    for i in 0..30 {
        let invite = imprimatur::services::accounts::InviteInput {
            email: format!("reviewer{i:02}@example.org"),
            display_name: format!("Reviewer {i:02}"),
            credentials: "MD".into(),
            roles: [Role::Reviewer].into_iter().collect(),
        };
        app.ctx(|ctx| {
            imprimatur::services::accounts::invite(
                ctx,
                &imprimatur::services::Caller::system(),
                &invite,
            )
        })
        .unwrap();
    }
    let admin = app.signed_in("admin@example.org").await;
    let first = admin.get("/admin/users").await;
    first
        .assert_status(200)
        .assert_contains("Page 1")
        .assert_contains("rel=\"next\"");
    let second = admin.get("/admin/users?page=2").await;
    second.assert_contains("Reviewer 29");
    assert!(!second.body.contains("rel=\"next\""));

    let filtered = admin.get("/admin/users?q=reviewer0&role=reviewer").await;
    filtered.assert_contains("Reviewer 09");
    assert!(!filtered.body.contains("Reviewer 10"));
    assert!(!filtered.body.contains("<td>admin@example.org</td>"));
    let by_role = admin.get("/admin/users?role=admin").await;
    by_role.assert_contains("<td>admin@example.org</td>");
    assert!(!by_role.body.contains("Reviewer 01"));
    admin
        .get("/admin/users?role=wizard")
        .await
        .assert_status(400);
    admin.get("/admin/users?page=abc").await.assert_status(400);
    // A search for LIKE wildcards matches them literally.
    let wildcard = admin.get("/admin/users?q=%25").await;
    wildcard.assert_contains("No accounts match");
}

async fn unknown_or_malformed_user_ids_get_a_404_page(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin
        .get("/admin/users/999")
        .await
        .assert_status(404)
        .assert_contains("No such account");
    admin.get("/admin/users/abc").await.assert_status(404);
    admin.get("/admin/users/-1").await.assert_status(404);
    admin.get("/dashboard").await;
    admin
        .submit("/admin/users/999", &[("action", "reset")])
        .await
        .assert_status(404);
    admin
        .submit("/admin/users/1", &[("action", "explode")])
        .await
        .assert_status(400)
        .assert_contains("unknown variant `explode`");
}
