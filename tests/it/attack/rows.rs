//! The authorization rule of every route, written down as the matrix's expectation, and how
//! to make a well-formed request to it. `rows()` has a row for every route and method of
//! `web::routes::TABLE` (and for every action and account operation behind one route);
//! `every_route_has_a_row` fails when a route is added without one.

use imprimatur::domain::workflow::{Action, State};
use imprimatur::web::handlers::admin::user::UserAction;
use imprimatur::web::routes::TABLE;

use super::world::{
    AccountState, ApiTokenState, ArticleState, DeliveryState, LinkState, Made, MailState, Object,
    ThreadState, WebhookState, Who, World,
};
use crate::support::PASSWORD;

/// What a request should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Expect {
    /// Done or shown (2xx, or a redirect that is not to the sign-in page).
    Yes,
    /// Refused for who asks: sent to sign in, 401, 403 or 404; nothing changes.
    No,
    /// Allowed for who asks, but not in this state: 409; nothing changes.
    Conflict,
    /// The object is gone for good: 410.
    Gone,
}

impl Expect {
    /// How an answer is classed.
    pub fn of(status: u16, location: Option<&str>) -> Option<Expect> {
        match status {
            200..=299 => Some(Expect::Yes),
            300..=399 if location.is_some_and(|l| l.starts_with("/login?next=")) => {
                Some(Expect::No)
            }
            300..=399 => Some(Expect::Yes),
            401 | 403 | 404 => Some(Expect::No),
            409 => Some(Expect::Conflict),
            410 => Some(Expect::Gone),
            _ => None,
        }
    }
}

/// One route (and, behind `{action}` or an `action` field, one operation) of the table.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub method: &'static str,
    pub pattern: &'static str,
    /// The action in the path, or the `action` field; empty for other routes.
    pub variant: &'static str,
    /// The states of the object the route names that the matrix tries.
    pub objects: &'static [Object],
    /// The request ends or replaces the session it comes with: it is sent from a browser
    /// of its own.
    pub own_browser: bool,
    /// The page a person loads before sending the form (for its token), if the form is
    /// not sent from whatever page they were on.
    pub form_page: Option<&'static str>,
}

impl Row {
    pub fn name(&self) -> String {
        if self.variant.is_empty() {
            format!("{} {}", self.method, self.pattern)
        } else {
            format!("{} {} [{}]", self.method, self.pattern, self.variant)
        }
    }

    pub fn is_write(&self) -> bool {
        self.method == "POST"
    }
}

const NOTHING: &[Object] = &[Object::Nothing];

const fn get(pattern: &'static str, objects: &'static [Object]) -> Row {
    Row {
        method: "GET",
        pattern,
        variant: "",
        objects,
        own_browser: false,
        form_page: None,
    }
}

const fn post(pattern: &'static str, objects: &'static [Object]) -> Row {
    Row {
        method: "POST",
        ..get(pattern, objects)
    }
}

const fn post_from(
    pattern: &'static str,
    form_page: &'static str,
    objects: &'static [Object],
) -> Row {
    Row {
        form_page: Some(form_page),
        ..post(pattern, objects)
    }
}

/// The actions a person can post to `/manage/revisions/{id}/{action}`.
pub fn route_actions() -> Vec<Action> {
    Action::BY_PEOPLE
        .into_iter()
        .filter(|a| Action::from_route(a.as_str()).is_some())
        .collect()
}

pub fn rows() -> Vec<Row> {
    let mut rows = vec![
        get("/", NOTHING),
        get("/articles/{slug}", &Object::ARTICLES),
        get("/articles/{slug}/history", &Object::ARTICLES),
        get("/articles/{slug}/versions/{n}", &Object::ARTICLES),
        get("/articles/{slug}/versions/{n}/changes", &Object::ARTICLES),
        get("/editorial-policy", NOTHING),
        get("/board", NOTHING),
        get("/feed.atom", NOTHING),
        get("/sitemap.xml", NOTHING),
        get("/robots.txt", NOTHING),
        get("/healthz", NOTHING),
        get("/assets/{name}", NOTHING),
        get("/api/openapi.json", NOTHING),
        get("/api/v1/articles", NOTHING),
        get("/api/v1/articles/{slug}", &Object::ARTICLES),
        get("/login", NOTHING),
        Row {
            own_browser: true,
            ..post_from("/login", "/login", NOTHING)
        },
        Row {
            own_browser: true,
            ..post("/logout", NOTHING)
        },
        get("/password/forgot", NOTHING),
        post_from("/password/forgot", "/password/forgot", NOTHING),
        get("/account/password", NOTHING),
        post("/account/password", NOTHING),
        get("/account/notifications", NOTHING),
        post("/account/notifications", NOTHING),
        get("/account/tokens", NOTHING),
        post("/account/tokens", NOTHING),
        get("/account/board", NOTHING),
        post("/account/board", NOTHING),
        post("/account/tokens/{id}/revoke", &Object::API_TOKENS),
        get("/api/v1/review-queue", NOTHING),
        get("/api/v1/revisions/{id}", &Object::REVISIONS),
        post("/api/v1/articles", NOTHING),
        get("/api/v1/articles/{id}/revisions", &Object::ARTICLES),
        post("/api/v1/articles/{id}/revisions", &Object::ARTICLES),
        Row {
            variant: "approve",
            ..post("/api/v1/revisions/{id}/{action}", &Object::REVISIONS)
        },
        get("/setup/{token}", &Object::LINKS),
        // Setting a password signs that browser in: a browser of its own.
        Row {
            own_browser: true,
            ..post_from("/setup/{token}", "/setup/{token}", &Object::LINKS)
        },
        get("/dashboard", NOTHING),
        get("/review/queue", NOTHING),
        get("/manage/articles", NOTHING),
        post("/manage/articles", NOTHING),
        get("/manage/articles/new", NOTHING),
        get("/manage/drafts", NOTHING),
        get("/manage/articles/{id}", &Object::ARTICLES),
        get("/manage/articles/{id}/edit", &Object::ARTICLES),
        post("/manage/articles/{id}/slug", &Object::ARTICLES),
        post("/manage/articles/{id}/recertify", &Object::ARTICLES),
        post("/manage/articles/{id}/revisions", &Object::ARTICLES),
        get("/manage/revisions/{id}", &Object::REVISIONS),
        get("/manage/revisions/{id}/diff", &Object::REVISIONS),
        post("/admin/articles/{id}/retract", &Object::ARTICLES),
        get("/admin/mail", NOTHING),
        post("/admin/mail/{id}/retry", &Object::MAILS),
        get("/admin/webhooks", NOTHING),
        post("/admin/webhooks", NOTHING),
        Row {
            variant: "disable",
            ..post("/admin/webhooks/{id}/{op}", &Object::WEBHOOKS)
        },
        Row {
            variant: "enable",
            ..post("/admin/webhooks/{id}/{op}", &Object::WEBHOOKS)
        },
        post("/admin/webhooks/deliveries/{id}/retry", &Object::DELIVERIES),
        get("/admin/settings", NOTHING),
        post("/admin/settings", NOTHING),
        get("/admin/checklist", NOTHING),
        post("/admin/checklist", NOTHING),
        post("/admin/checklist/{id}/retire", &Object::CHECKLIST),
        get("/admin/specialties", NOTHING),
        post("/admin/specialties", NOTHING),
        post("/admin/specialties/{id}/remove", &Object::SPECIALTIES),
        get("/admin/users", NOTHING),
        post("/admin/users", NOTHING),
        get("/admin/users/{id}", &Object::ACCOUNTS),
        get("/admin/audit", NOTHING),
        get("/admin/audit.csv", NOTHING),
        get("/admin/audit.jsonl", NOTHING),
        post("/manage/comments/{id}/resolve", &Object::THREADS),
        post("/manage/comments/{id}/reopen", &Object::THREADS),
    ];
    for action in route_actions() {
        rows.push(Row {
            variant: action.as_str(),
            ..post("/manage/revisions/{id}/{action}", &Object::REVISIONS)
        });
    }
    for op in UserAction::ALL {
        rows.push(Row {
            variant: op.as_str(),
            ..post("/admin/users/{id}", &Object::ACCOUNTS)
        });
    }
    rows
}

/// Who may send `action` at all (the workflow's rule, restated as the specification).
fn may_act(who: Who, action: Action) -> bool {
    match action {
        Action::Submit | Action::Withdraw => who == Who::Author,
        Action::Claim | Action::Approve | Action::RequestChanges => who.is_reviewer(),
        Action::Reject | Action::Assign => who.is_reviewer() || who == Who::Admin,
        Action::Comment => who == Who::Author || who.is_reviewer() || who == Who::Admin,
        Action::Edit | Action::Supersede | Action::Recertify => false,
    }
}

/// In which states `action` can be done.
fn state_allows(action: Action, state: State) -> bool {
    use State::{ChangesRequested, Draft, Submitted, UnderReview};
    match action {
        Action::Submit => state == Draft,
        Action::Withdraw => matches!(state, Draft | Submitted | UnderReview | ChangesRequested),
        Action::Claim | Action::Approve | Action::RequestChanges => {
            matches!(state, Submitted | UnderReview)
        }
        Action::Comment | Action::Reject | Action::Assign => {
            matches!(state, Submitted | UnderReview | ChangesRequested)
        }
        Action::Edit | Action::Supersede | Action::Recertify => false,
    }
}

fn yes_if(allowed: bool) -> Expect {
    if allowed { Expect::Yes } else { Expect::No }
}

/// The specification: what `who` should get from `row` for an object in `object`'s state.
pub fn expect(row: &Row, who: Who, object: Object) -> Expect {
    use Expect::{Conflict, Gone, No, Yes};
    let signed_in = who.signed_in();
    let admin = who == Who::Admin;
    // An article or revision that is only the author's private draft is nobody else's.
    let private = matches!(
        object,
        Object::Article(ArticleState::Private) | Object::Revision(State::Draft)
    );
    let visible = signed_in && (!private || who == Who::Author);
    match (row.method, row.pattern) {
        (
            "GET",
            "/" | "/editorial-policy" | "/board" | "/feed.atom" | "/sitemap.xml" | "/robots.txt"
            | "/healthz",
        )
        | ("GET", "/assets/{name}" | "/login" | "/password/forgot")
        | ("GET", "/api/openapi.json" | "/api/v1/articles") => Yes,
        ("GET", "/articles/{slug}" | "/api/v1/articles/{slug}") => match object {
            Object::Article(ArticleState::Published) => Yes,
            Object::Article(ArticleState::Retracted) => Gone,
            _ => No,
        },
        // The record of what was published stays readable after a retraction.
        ("GET", "/articles/{slug}/history" | "/articles/{slug}/versions/{n}") => match object {
            Object::Article(ArticleState::Published | ArticleState::Retracted) => Yes,
            _ => No,
        },
        // The attack's articles have one public version: nothing to compare version 1 with.
        ("GET", "/articles/{slug}/versions/{n}/changes") => No,
        // Signing in with one's own account: the deactivated one is refused.
        ("POST", "/login") => yes_if(signed_in),
        ("POST", "/logout") => yes_if(signed_in),
        ("POST", "/password/forgot") => Yes,
        ("GET" | "POST", "/setup/{token}") => match object {
            Object::Link(LinkState::Valid) => Yes,
            _ => Gone,
        },
        ("GET" | "POST", "/account/notifications" | "/dashboard" | "/account/tokens")
        | ("GET" | "POST", "/account/password")
        | ("GET", "/manage/articles" | "/manage/drafts") => yes_if(signed_in),
        ("GET", "/review/queue") | ("GET" | "POST", "/account/board") => yes_if(who.is_reviewer()),
        ("GET", "/manage/articles/new") | ("POST", "/manage/articles") => yes_if(who.is_editor()),
        ("GET", "/manage/articles/{id}") => yes_if(visible),
        ("GET", "/manage/articles/{id}/edit") | ("POST", "/manage/articles/{id}/revisions") => {
            yes_if(visible && who.is_editor())
        }
        // The address can change until the article is first published.
        ("POST", "/manage/articles/{id}/slug") => match object {
            _ if !(visible && who.is_editor()) => No,
            Object::Article(ArticleState::Published | ArticleState::Retracted) => Conflict,
            _ => Yes,
        },
        // Reviewers re-certify a live article's published version; a retracted one is not
        // live, and one never published is not found.
        ("POST", "/manage/articles/{id}/recertify") => match object {
            _ if !who.is_reviewer() => No,
            Object::Article(ArticleState::Published) => Yes,
            Object::Article(ArticleState::Retracted) => Conflict,
            _ => No,
        },
        ("GET", "/manage/revisions/{id}" | "/manage/revisions/{id}/diff") => yes_if(visible),
        ("POST", "/manage/revisions/{id}/{action}") => {
            let action = Action::from_route(row.variant).expect("a route action");
            let Object::Revision(state) = object else {
                unreachable!("revision rows name revisions")
            };
            if !visible || !may_act(who, action) {
                No
            } else if state_allows(action, state) {
                Yes
            } else {
                Conflict
            }
        }
        // The thread's opener (the assigned reviewer) or the revision's author, nobody else.
        ("POST", "/manage/comments/{id}/resolve" | "/manage/comments/{id}/reopen") => {
            let Object::Thread(state) = object else {
                unreachable!("thread rows name threads")
            };
            let resolving = row.pattern.ends_with("/resolve");
            if !(signed_in && matches!(who, Who::Author | Who::AssignedReviewer)) {
                No
            } else if resolving == (state == ThreadState::Open) {
                Yes
            } else {
                Conflict
            }
        }
        // The API takes tokens, never the browser's session.
        ("GET", "/api/v1/review-queue" | "/api/v1/revisions/{id}")
        | ("GET" | "POST", "/api/v1/articles/{id}/revisions")
        | ("POST", "/api/v1/articles" | "/api/v1/revisions/{id}/{action}") => No,
        ("POST", "/account/tokens/{id}/revoke") => match object {
            _ if !(who == Who::Author || admin) => No,
            Object::ApiToken(ApiTokenState::Active) => Yes,
            _ => Conflict,
        },
        ("POST", "/admin/articles/{id}/retract") => match object {
            _ if !admin || private => No,
            Object::Article(ArticleState::Published) => Yes,
            _ => Conflict,
        },
        ("POST", "/admin/webhooks/{id}/{op}") => match (row.variant, object) {
            _ if !admin => No,
            ("disable", Object::Webhook(WebhookState::On))
            | ("enable", Object::Webhook(WebhookState::Off)) => Yes,
            _ => Conflict,
        },
        ("POST", "/admin/webhooks/deliveries/{id}/retry") => match object {
            _ if !admin => No,
            Object::Delivery(DeliveryState::GivenUp) => Yes,
            _ => Conflict,
        },
        ("POST", "/admin/mail/{id}/retry") => match object {
            _ if !admin => No,
            Object::Mail(MailState::Failed) => Yes,
            _ => Conflict,
        },
        ("POST", "/admin/users/{id}") => match (row.variant, object) {
            _ if !admin => No,
            ("reset" | "deactivate", Object::Account(AccountState::Deactivated))
            | ("reactivate", Object::Account(AccountState::Active)) => Conflict,
            _ => Yes,
        },
        ("GET", "/admin/mail" | "/admin/settings" | "/admin/users" | "/admin/users/{id}")
        | ("GET" | "POST", "/admin/webhooks")
        | ("GET", "/admin/audit" | "/admin/audit.csv" | "/admin/audit.jsonl")
        | ("POST", "/admin/settings" | "/admin/users") => yes_if(admin),
        ("GET" | "POST", "/admin/specialties" | "/admin/checklist")
        | ("POST", "/admin/specialties/{id}/remove" | "/admin/checklist/{id}/retire") => {
            yes_if(admin)
        }
        _ => panic!("no rule for {}", row.name()),
    }
}

/// The path of `row` for the object `made`.
pub fn path(row: &Row, made: &Made) -> String {
    try_path(row, made)
        .unwrap_or_else(|| panic!("{} needs another object than {made:?}", row.name()))
}

/// The path of `row` for the object `made`, if `made` has what the path names.
pub fn try_path(row: &Row, made: &Made) -> Option<String> {
    let pattern = row.pattern;
    if pattern == "/assets/{name}" {
        return Some(imprimatur::web::assets::stylesheet_path());
    }
    let mut path = pattern.to_owned();
    if path.contains("{id}") {
        let value = if pattern.starts_with("/admin/specialties/") {
            made.specialty.map(|s| s.to_string())
        } else if pattern.starts_with("/admin/checklist/") {
            made.checklist_item.map(|s| s.to_string())
        } else if pattern.starts_with("/admin/webhooks/deliveries/") {
            made.delivery.map(|d| d.to_string())
        } else if pattern.starts_with("/admin/webhooks/") {
            made.webhook.map(|w| w.to_string())
        } else if pattern.starts_with("/manage/comments/") {
            made.comment.map(|c| c.to_string())
        } else if pattern.starts_with("/manage/revisions/")
            || pattern.starts_with("/api/v1/revisions/")
        {
            made.revision.map(|r| r.to_string())
        } else if pattern.starts_with("/admin/users/") {
            made.user.map(|u| u.to_string())
        } else if pattern.starts_with("/admin/mail/") {
            made.mail.map(|m| m.to_string())
        } else if pattern.starts_with("/account/tokens/") {
            made.api_token.map(|t| t.to_string())
        } else {
            made.article.map(|a| a.to_string())
        }?;
        path = path.replace("{id}", &value);
    }
    path = path
        .replace("{action}", row.variant)
        .replace("{op}", row.variant)
        .replace("{n}", "1");
    if path.contains("{slug}") {
        path = path.replace("{slug}", made.slug.as_deref()?);
    }
    if path.contains("{token}") {
        path = path.replace("{token}", made.token.as_deref()?);
    }
    Some(path)
}

/// A well-formed form for `row` (its CSRF token is added by the sender), as `who`.
pub fn form(world: &World, row: &Row, who: Who, made: &Made) -> Vec<(String, String)> {
    let pairs = |fields: &[(&str, &str)]| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let n = super::world::serial();
    match row.pattern {
        "/login" => {
            let email = match world.person(who) {
                Some(person) => person.email.clone(),
                None => format!("nobody{n}@example.org"),
            };
            pairs(&[("email", &email), ("password", PASSWORD)])
        }
        "/password/forgot" => pairs(&[("email", "author@example.org")]),
        "/account/notifications" => pairs(&[("comments", "on")]),
        // The account's own password, set again: the session it is sent from stays.
        "/account/password" => pairs(&[
            ("current_password", PASSWORD),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ]),
        "/account/tokens" => pairs(&[("name", "Matrix pipeline"), ("scopes", "read")]),
        "/account/board" => pairs(&[("disclosure", "None."), ("listed", "on")]),
        "/account/tokens/{id}/revoke" => pairs(&[("confirm", "yes")]),
        "/setup/{token}" => pairs(&[("password", PASSWORD), ("password_confirm", PASSWORD)]),
        "/manage/articles" | "/manage/articles/{id}/revisions" => {
            let mut fields = crate::support::forms::article_fields(
                &format!("Matrix article {n}"),
                "Body [1] [2].",
            )
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Vec<_>>();
            if row.pattern != "/manage/articles" {
                let base = match made.revision {
                    Some(revision) if made.slug.is_some() && !is_private(world, made) => {
                        revision.to_string()
                    }
                    _ => String::new(),
                };
                fields.push(("base_revision_id".into(), base));
            }
            fields.push(("op".into(), "save".into()));
            fields
        }
        "/manage/articles/{id}/slug" => pairs(&[("slug", &format!("matrix-address-{n}"))]),
        "/manage/articles/{id}/recertify" => {
            let mut fields = pairs(&[("declaration", "none"), ("note", "Still right.")]);
            for item in world.checklist_in_force() {
                fields.push(("checklist".to_owned(), item.to_string()));
            }
            fields
        }
        "/manage/revisions/{id}/{action}" => {
            let mut fields = pairs(&[
                ("comment", "A point for the author."),
                ("confirm", "yes"),
                ("declaration", "none"),
                ("reviewer_id", &world.reviewer.id.to_string()),
            ]);
            // An approval attests every checklist item in force.
            for item in world.checklist_in_force() {
                fields.push(("checklist".to_owned(), item.to_string()));
            }
            fields
        }
        "/admin/articles/{id}/retract" => pairs(&[("reason", "Out of date."), ("confirm", "yes")]),
        "/admin/webhooks" => pairs(&[("url", &world.hook_url), ("events", "article.published")]),
        "/admin/webhooks/{id}/{op}" => pairs(&[("confirm", "yes")]),
        "/admin/specialties" => pairs(&[("name", &format!("Specialty {n}"))]),
        "/admin/specialties/{id}/remove" => pairs(&[("confirm", "yes")]),
        "/admin/checklist" => pairs(&[("text", &format!("Checked item {n}"))]),
        "/admin/checklist/{id}/retire" => pairs(&[("confirm", "yes")]),
        "/admin/settings" => pairs(&[
            ("approvals_required", "1"),
            ("review_interval_days", "365"),
            ("site_name", "Imprimatur Health"),
            ("disclaimer", "Not medical advice."),
            ("editorial_policy", "We review everything."),
            ("version", &settings_version(world)),
        ]),
        "/admin/users" => pairs(&[
            ("email", &format!("invited{n}@example.org")),
            ("name", &format!("Invited {n}")),
            ("roles", "editor"),
        ]),
        "/admin/users/{id}" => pairs(&[
            ("action", row.variant),
            ("roles", "editor"),
            ("roles", "reviewer"),
            ("hidden", "yes"),
            ("confirm", "yes"),
        ]),
        _ => Vec::new(),
    }
}

fn is_private(world: &World, made: &Made) -> bool {
    use diesel::prelude::*;
    use imprimatur::db::schema::revisions;
    let Some(revision) = made.revision else {
        return false;
    };
    let number: Option<i32> = revisions::table
        .find(revision)
        .select(revisions::number)
        .first(&mut world.app.conn())
        .unwrap();
    number.is_none()
}

fn settings_version(world: &World) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }
    diesel::sql_query("SELECT version FROM settings")
        .get_result::<Version>(&mut world.app.conn())
        .map(|v| v.version.to_string())
        .unwrap_or_default()
}

#[test]
fn every_route_has_a_row() {
    let rows = rows();
    for route in TABLE {
        for method in route.methods {
            assert!(
                rows.iter()
                    .any(|row| row.pattern == route.path && row.method == *method),
                "{method} {} has no row in the attack matrix (tests/it/attack/rows.rs)",
                route.path
            );
        }
    }
    for action in route_actions() {
        assert!(
            rows.iter().any(|r| r.variant == action.as_str()),
            "the action {action} has no row"
        );
    }
    for op in UserAction::ALL {
        assert!(
            rows.iter()
                .any(|r| r.pattern == "/admin/users/{id}" && r.variant == op.as_str()),
            "the account operation {} has no row",
            op.as_str()
        );
    }
    for row in &rows {
        assert!(
            TABLE
                .iter()
                .any(|r| r.path == row.pattern && r.methods.contains(&row.method)),
            "{} is not a route",
            row.name()
        );
        for who in Who::ALL {
            for object in row.objects {
                let _ = expect(row, who, *object);
            }
        }
    }
}

/// Which form token a request carries.
#[derive(Debug, Clone)]
pub enum Token {
    /// The one the sender's own page holds.
    Own,
    /// None at all.
    Missing,
    /// This one.
    Given(String),
}

/// Sends `row`'s request for `made` from `client` as `who`: a GET, or the form (after
/// loading its page when the row says so) with the chosen token.
pub async fn send(
    world: &World,
    row: &Row,
    who: Who,
    made: &Made,
    client: &crate::support::Client,
    token: Token,
) -> crate::support::Page {
    let path = path(row, made);
    if row.method == "GET" {
        return client.get(&path).await;
    }
    if let Some(page) = row.form_page {
        let page = path_of(page, made);
        client.get(&page).await;
    }
    let mut fields = form(world, row, who, made);
    match token {
        Token::Own => fields.insert(
            0,
            ("csrf_token".into(), client.last_csrf().unwrap_or_default()),
        ),
        Token::Missing => {}
        Token::Given(token) => fields.insert(0, ("csrf_token".into(), token)),
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(&path, &refs).await
}

/// A page path with the object's token or ids filled in.
fn path_of(pattern: &'static str, made: &Made) -> String {
    let row = get(pattern, NOTHING);
    path(&row, made)
}
