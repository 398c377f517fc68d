//! The world the attack runs in: a running application with one person for each identity
//! the matrices ask about, and objects made fresh in any state a route cares about.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use imprimatur::db::schema::{articles, mail_outbox};
use imprimatur::domain::disclosures::Declaration;
use imprimatur::domain::roles::Role;
use imprimatur::domain::workflow::{Action, State};
use imprimatur::ids::{ArticleId, RevisionId, UserId};
use imprimatur::services::accounts::{self, InviteInput, SetPasswordInput};
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::tokens::{self, TokenInput};
use imprimatur::services::{Caller, publishing};

use crate::support::{ArticleBuilder, Backend, Client, Person, TestApp};

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    /// Not signed in (a visitor cookie only).
    Anonymous,
    /// The editor who wrote the object.
    Author,
    /// Another editor.
    OtherEditor,
    /// A board member with no part in the object.
    Reviewer,
    /// A board member assigned to the revision.
    AssignedReviewer,
    /// An admin (and nothing else).
    Admin,
    /// An editor and reviewer whose account was deactivated after signing in.
    Deactivated,
}

impl Who {
    pub const ALL: [Who; 7] = [
        Who::Anonymous,
        Who::Author,
        Who::OtherEditor,
        Who::Reviewer,
        Who::AssignedReviewer,
        Who::Admin,
        Who::Deactivated,
    ];

    pub fn signed_in(self) -> bool {
        !matches!(self, Who::Anonymous | Who::Deactivated)
    }

    pub fn is_editor(self) -> bool {
        matches!(self, Who::Author | Who::OtherEditor)
    }

    pub fn is_reviewer(self) -> bool {
        matches!(self, Who::Reviewer | Who::AssignedReviewer)
    }
}

/// A published-or-not state of an article, for the article routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleState {
    /// Only its author's never-submitted draft.
    Private,
    /// Submitted, never published.
    Pending,
    Published,
    Retracted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountState {
    Active,
    Deactivated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailState {
    Failed,
    Sent,
}

/// A thread of the review conversation, opened by the assigned reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThreadState {
    Open,
    Resolved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkState {
    Valid,
    Used,
}

/// A personal API token of the author's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiTokenState {
    Active,
    Revoked,
}

/// A webhook, registered by the admin (to a loopback port nothing listens on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookState {
    On,
    Off,
}

/// A webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    GivenUp,
    Delivered,
}

/// The state of the object a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    /// The route names no object.
    Nothing,
    Revision(State),
    Article(ArticleState),
    Account(AccountState),
    Mail(MailState),
    Link(LinkState),
    Thread(ThreadState),
    ApiToken(ApiTokenState),
    Webhook(WebhookState),
    Delivery(DeliveryState),
    /// A specialty on the admin's list.
    Specialty,
    /// A checklist item in force.
    ChecklistItem,
}

impl Object {
    pub const REVISIONS: [Object; 8] = [
        Object::Revision(State::Draft),
        Object::Revision(State::Submitted),
        Object::Revision(State::UnderReview),
        Object::Revision(State::ChangesRequested),
        Object::Revision(State::Approved),
        Object::Revision(State::Rejected),
        Object::Revision(State::Withdrawn),
        Object::Revision(State::Superseded),
    ];
    pub const ARTICLES: [Object; 4] = [
        Object::Article(ArticleState::Private),
        Object::Article(ArticleState::Pending),
        Object::Article(ArticleState::Published),
        Object::Article(ArticleState::Retracted),
    ];
    pub const ACCOUNTS: [Object; 2] = [
        Object::Account(AccountState::Active),
        Object::Account(AccountState::Deactivated),
    ];
    pub const MAILS: [Object; 2] = [
        Object::Mail(MailState::Failed),
        Object::Mail(MailState::Sent),
    ];
    pub const THREADS: [Object; 2] = [
        Object::Thread(ThreadState::Open),
        Object::Thread(ThreadState::Resolved),
    ];
    pub const LINKS: [Object; 2] = [
        Object::Link(LinkState::Valid),
        Object::Link(LinkState::Used),
    ];
    pub const WEBHOOKS: [Object; 2] = [
        Object::Webhook(WebhookState::On),
        Object::Webhook(WebhookState::Off),
    ];
    pub const DELIVERIES: [Object; 2] = [
        Object::Delivery(DeliveryState::GivenUp),
        Object::Delivery(DeliveryState::Delivered),
    ];
    pub const SPECIALTIES: [Object; 1] = [Object::Specialty];
    pub const CHECKLIST: [Object; 1] = [Object::ChecklistItem];
    pub const API_TOKENS: [Object; 2] = [
        Object::ApiToken(ApiTokenState::Active),
        Object::ApiToken(ApiTokenState::Revoked),
    ];
}

/// An object made for one request.
#[derive(Debug, Clone, Default)]
pub struct Made {
    pub article: Option<ArticleId>,
    pub slug: Option<String>,
    pub revision: Option<RevisionId>,
    pub user: Option<UserId>,
    pub mail: Option<i64>,
    pub token: Option<String>,
    pub comment: Option<i64>,
    pub api_token: Option<i64>,
    pub webhook: Option<i64>,
    pub delivery: Option<i64>,
    pub specialty: Option<i64>,
    pub checklist_item: Option<i64>,
}

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// A number no other object of this run has.
pub fn serial() -> u32 {
    SERIAL.fetch_add(1, Ordering::SeqCst)
}

pub struct World {
    pub app: TestApp,
    pub author: Person,
    pub other_editor: Person,
    pub reviewer: Person,
    pub assigned: Person,
    pub admin: Person,
    /// A board member who moves revisions into the states the matrix needs.
    pub board: Person,
    clients: Vec<(Who, Client)>,
    pub changes: super::ChangeLog,
    /// A receiver on loopback that takes every webhook delivery (200), so deliveries
    /// settle like mail does.
    pub hook_url: String,
}

/// Starts an HTTP receiver on 127.0.0.1 that answers 200 to everything; returns its URL.
fn hook_receiver() -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/matrix", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Ok(copy) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(copy);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let header = line.trim_end().to_ascii_lowercase();
                if header.is_empty() {
                    break;
                }
                if let Some(value) = header.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    url
}

impl World {
    /// A running application on `backend` with every identity signed in; `None` when the
    /// backend is unavailable.
    pub async fn start(backend: Backend, test: &str) -> Option<World> {
        let app = TestApp::spawn(backend, test)?;
        let author = app.person("author@example.org", "Ed Author", &[Role::Editor]);
        let other_editor = app.person("other@example.org", "Eve Other", &[Role::Editor]);
        let reviewer = app.person("reviewer@example.org", "Rita Reviewer", &[Role::Reviewer]);
        let assigned = app.person("assigned@example.org", "Asa Assigned", &[Role::Reviewer]);
        let admin = app.person("admin@example.org", "Ada Admin", &[Role::Admin]);
        let board = app.person("board@example.org", "Hal Board", &[Role::Reviewer]);
        let changes = super::ChangeLog::install(&app);
        let mut world = World {
            hook_url: hook_receiver(),
            app,
            author,
            other_editor,
            reviewer,
            assigned,
            admin,
            board,
            clients: Vec::new(),
            changes,
        };
        for who in Who::ALL {
            let client = world.fresh_client(who).await;
            world.clients.push((who, client));
        }
        Some(world)
    }

    /// The long-lived client of `who` (its session is shared by every request).
    pub fn client(&self, who: Who) -> &Client {
        &self
            .clients
            .iter()
            .find(|(w, _)| *w == who)
            .expect("every identity has a client")
            .1
    }

    pub fn person(&self, who: Who) -> Option<&Person> {
        match who {
            Who::Author => Some(&self.author),
            Who::OtherEditor => Some(&self.other_editor),
            Who::Reviewer => Some(&self.reviewer),
            Who::AssignedReviewer => Some(&self.assigned),
            Who::Admin => Some(&self.admin),
            Who::Anonymous | Who::Deactivated => None,
        }
    }

    /// A new browser for `who`, with its own session: for requests that end or replace the
    /// session they come with (signing in or out). It has loaded one page, so it holds a
    /// form token.
    pub async fn fresh_client(&self, who: Who) -> Client {
        match who {
            Who::Anonymous => {
                let client = self.app.client();
                client.get("/login").await.assert_status(200);
                client
            }
            Who::Deactivated => {
                let n = serial();
                let email = format!("deactivated{n}@example.org");
                let id = self.app.create_user(
                    &email,
                    "Dee Deactivated",
                    &[Role::Editor, Role::Reviewer],
                );
                let client = self.app.signed_in(&email).await;
                client.get("/dashboard").await.assert_status(200);
                self.app
                    .ctx(|ctx| accounts::deactivate(ctx, &Caller::system(), id))
                    .unwrap();
                // Signed out by the deactivation, the browser goes on as a visitor (with a
                // visitor's form token), as the shared deactivated browser does.
                client.get("/login").await.assert_status(200);
                client
            }
            _ => {
                let person = self.person(who).unwrap();
                let client = self.app.signed_in(&person.email).await;
                client.get("/dashboard").await.assert_status(200);
                client
            }
        }
    }

    /// Waits until the server's courier has delivered every queued message, so what the
    /// database holds changes only when a request changes it.
    pub fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let pending: i64 = mail_outbox::table
                .filter(mail_outbox::sent_at.is_null())
                .filter(mail_outbox::failed_at.is_null())
                .count()
                .get_result(&mut self.app.conn())
                .unwrap();
            // Deliveries of webhooks that are on go to the receiver, which takes them.
            let hooks: i64 = imprimatur::db::schema::webhook_deliveries::table
                .inner_join(imprimatur::db::schema::webhooks::table)
                .filter(imprimatur::db::schema::webhooks::active.eq(true))
                .filter(imprimatur::db::schema::webhook_deliveries::delivered_at.is_null())
                .filter(imprimatur::db::schema::webhook_deliveries::failed_at.is_null())
                .count()
                .get_result(&mut self.app.conn())
                .unwrap();
            if pending == 0 && hooks == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{pending} messages and {hooks} webhook deliveries were not delivered"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Now, in the change log, once the courier is idle.
    pub fn mark(&self) -> super::Mark {
        self.settle();
        self.changes.mark(&self.app)
    }

    /// The tables written to since `mark`, beyond records of refusals.
    pub fn written_since(&self, mark: super::Mark) -> Vec<String> {
        self.changes.changed_beyond_refusal_records(&self.app, mark)
    }

    /// The form token `who`'s long-lived client holds.
    pub fn token(&self, who: Who) -> String {
        self.client(who).last_csrf().unwrap_or_default()
    }

    fn act(&self, who: &Person, revision: RevisionId, action: Action, mut input: ActionInput) {
        if action == Action::Approve {
            input.declaration = Some(Declaration::NoConflict);
            input.checklist = self.checklist_in_force().into_iter().collect();
        }
        self.app
            .ctx(|ctx| reviewing::act(ctx, &who.caller, revision, action, &input))
            .unwrap_or_else(|e| panic!("{} cannot {action} {revision}: {e}", who.email));
    }

    fn text(text: &str) -> ActionInput {
        ActionInput {
            text: text.into(),
            ..ActionInput::default()
        }
    }

    /// A revision by the author in `state`; from submitted on, the assigned reviewer is
    /// assigned to it.
    pub fn revision(&self, state: State) -> Made {
        let n = serial();
        let builder =
            ArticleBuilder::new(&self.app, &self.author).title(&format!("Matrix topic {n}"));
        if state == State::Draft {
            let built = builder.build();
            return self.made(built.article, built.revision);
        }
        let built = builder.submitted().build();
        let assign = ActionInput {
            reviewer: Some(self.assigned.id),
            ..ActionInput::default()
        };
        self.act(&self.admin, built.revision, Action::Assign, assign);
        let revision = built.revision;
        match state {
            State::Draft | State::Submitted => {}
            State::UnderReview => {
                self.act(&self.board, revision, Action::Claim, ActionInput::default())
            }
            State::ChangesRequested => {
                self.act(
                    &self.board,
                    revision,
                    Action::RequestChanges,
                    Self::text("Cite the trial."),
                );
            }
            State::Approved => {
                self.act(&self.board, revision, Action::Approve, Self::text("Right."))
            }
            State::Rejected => self.act(
                &self.board,
                revision,
                Action::Reject,
                Self::text("Out of scope."),
            ),
            State::Withdrawn => self.act(
                &self.author,
                revision,
                Action::Withdraw,
                ActionInput::default(),
            ),
            State::Superseded => {
                built.revised(
                    &self.app,
                    &self.author,
                    &format!("Matrix topic {n}, revised"),
                    "Newer [1] [2].",
                );
            }
        }
        self.made(built.article, revision)
    }

    /// An article by the author in `state`.
    pub fn article(&self, state: ArticleState) -> Made {
        match state {
            ArticleState::Private => self.revision(State::Draft),
            ArticleState::Pending => self.revision(State::Submitted),
            ArticleState::Published => self.revision(State::Approved),
            ArticleState::Retracted => {
                let made = self.revision(State::Approved);
                let article = made.article.unwrap();
                self.app
                    .ctx(|ctx| {
                        publishing::retract(
                            ctx,
                            &self.admin.caller,
                            article,
                            &publishing::Retraction::because("Superseded by new evidence."),
                        )
                    })
                    .unwrap();
                made
            }
        }
    }

    fn made(&self, article: ArticleId, revision: RevisionId) -> Made {
        let slug = articles::table
            .find(article)
            .select(articles::slug)
            .first::<String>(&mut self.app.conn())
            .unwrap();
        Made {
            article: Some(article),
            slug: Some(slug),
            revision: Some(revision),
            ..Made::default()
        }
    }

    /// A fresh account (invited, no password yet) in `state`, with its invitation link.
    pub fn account(&self, state: AccountState) -> Made {
        let n = serial();
        let invite = InviteInput {
            email: format!("account{n}@example.org"),
            display_name: format!("Account {n}"),
            credentials: String::new(),
            roles: [Role::Editor].into_iter().collect(),
        };
        let link = self
            .app
            .ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))
            .unwrap();
        let user = link.user_id.unwrap();
        if state == AccountState::Deactivated {
            self.app
                .ctx(|ctx| accounts::deactivate(ctx, &Caller::system(), user))
                .unwrap();
        }
        Made {
            user: Some(user),
            token: Some(link.token),
            ..Made::default()
        }
    }

    /// An invitation link, still valid or already used.
    pub fn link(&self, state: LinkState) -> Made {
        let made = self.account(AccountState::Active);
        if state == LinkState::Used {
            let input = SetPasswordInput {
                password: crate::support::PASSWORD.into(),
                password_confirm: crate::support::PASSWORD.into(),
                ..SetPasswordInput::default()
            };
            accounts::redeem_link(
                &self.app.env,
                made.token.as_deref().unwrap(),
                &input,
                "127.0.0.1",
            )
            .unwrap();
        }
        made
    }

    /// A thread the assigned reviewer started on a submitted revision, open or resolved
    /// by them.
    pub fn thread(&self, state: ThreadState) -> Made {
        let made = self.revision(State::Submitted);
        let revision = made.revision.unwrap();
        self.act(
            &self.assigned,
            revision,
            Action::Comment,
            Self::text("Check the dose."),
        );
        let id: i64 = imprimatur::db::schema::comments::table
            .filter(imprimatur::db::schema::comments::revision_id.eq(revision))
            .select(imprimatur::db::schema::comments::id)
            .first(&mut self.app.conn())
            .unwrap();
        if state == ThreadState::Resolved {
            self.app
                .ctx(|ctx| {
                    imprimatur::services::conversation::resolve(
                        ctx,
                        &self.assigned.caller,
                        imprimatur::ids::CommentId(id),
                        true,
                    )
                })
                .unwrap();
        }
        Made {
            comment: Some(id),
            ..made
        }
    }

    /// A message in the outbox, delivered or given up.
    pub fn mail(&self, state: MailState) -> Made {
        let made = self.account(AccountState::Active);
        let user = made.user.unwrap();
        let mut conn = self.app.conn();
        let id: i64 = mail_outbox::table
            .filter(mail_outbox::recipient_id.eq(user.0))
            .select(mail_outbox::id)
            .first(&mut conn)
            .unwrap();
        // Wait for the server's courier to deliver it, so nothing races the change below.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let sent: Option<chrono::NaiveDateTime> = mail_outbox::table
                .find(id)
                .select(mail_outbox::sent_at)
                .first(&mut conn)
                .unwrap();
            if sent.is_some() {
                break;
            }
            assert!(Instant::now() < deadline, "mail {id} was not delivered");
            std::thread::sleep(Duration::from_millis(20));
        }
        if state == MailState::Failed {
            diesel::update(mail_outbox::table.find(id))
                .set((
                    mail_outbox::sent_at.eq(None::<chrono::NaiveDateTime>),
                    mail_outbox::failed_at.eq(Some(imprimatur::db::now())),
                    mail_outbox::last_error.eq(Some("550 mailbox unavailable")),
                ))
                .execute(&mut conn)
                .unwrap();
        }
        Made {
            mail: Some(id),
            ..made
        }
    }

    /// One of the author's API tokens, usable or revoked.
    pub fn api_token(&self, state: ApiTokenState) -> Made {
        let input = TokenInput {
            name: format!("Matrix token {}", serial()),
            scopes: vec!["read".into()],
            expires_in_days: String::new(),
        };
        let created = self
            .app
            .ctx(|ctx| tokens::create(ctx, &self.author.caller, &input))
            .unwrap();
        let id = created.view.token.id;
        if state == ApiTokenState::Revoked {
            self.app
                .ctx(|ctx| tokens::revoke(ctx, &self.author.caller, id))
                .unwrap();
        }
        Made {
            api_token: Some(id.0),
            ..Made::default()
        }
    }

    /// A webhook of the admin's, on or off.
    pub fn webhook(&self, state: WebhookState) -> Made {
        let input = imprimatur::services::webhooks::WebhookInput {
            url: self.hook_url.clone(),
            events: vec!["article.retracted".into()],
            secret: String::new(),
        };
        let created = self
            .app
            .ctx(|ctx| {
                imprimatur::services::webhooks::create(ctx, &self.admin.caller, &input, true)
            })
            .unwrap();
        if state == WebhookState::Off {
            self.app
                .ctx(|ctx| {
                    imprimatur::services::webhooks::set_active(
                        ctx,
                        &self.admin.caller,
                        created.id,
                        false,
                    )
                })
                .unwrap();
        }
        Made {
            webhook: Some(created.id),
            ..Made::default()
        }
    }

    /// A delivery of a webhook that is off (so the worker leaves it alone), given up or
    /// delivered.
    pub fn delivery(&self, state: DeliveryState) -> Made {
        use imprimatur::db::schema::webhook_deliveries as d;
        let hook = self.webhook(WebhookState::Off).webhook.unwrap();
        let now = imprimatur::db::now();
        let (failed, delivered) = match state {
            DeliveryState::GivenUp => (Some(now), None),
            DeliveryState::Delivered => (None, Some(now)),
        };
        let id: i64 = diesel::insert_into(d::table)
            .values((
                d::webhook_id.eq(hook),
                d::event_id.eq(format!("evt_matrix_{}", serial())),
                d::event.eq("article.retracted"),
                d::payload.eq("{}"),
                d::created_at.eq(now),
                d::attempts.eq(10),
                d::next_attempt_at.eq(now),
                d::failed_at.eq(failed),
                d::delivered_at.eq(delivered),
                d::last_error.eq(failed.map(|_| "answered 500")),
            ))
            .returning(d::id)
            .get_result(&mut self.app.conn())
            .unwrap();
        Made {
            delivery: Some(id),
            ..Made::default()
        }
    }

    /// A specialty on the list, held by nobody.
    pub fn specialty(&self) -> Made {
        let id = self
            .app
            .ctx(|ctx| {
                imprimatur::services::specialties::add(
                    ctx,
                    &self.admin.caller,
                    &format!("Matrix specialty {}", serial()),
                )
            })
            .unwrap();
        Made {
            specialty: Some(id.0),
            ..Made::default()
        }
    }

    /// The ids of the checklist items in force.
    pub fn checklist_in_force(&self) -> Vec<i64> {
        use imprimatur::db::schema::checklist_items as c;
        c::table
            .filter(c::active.eq(true))
            .select(c::id)
            .load(&mut self.app.conn())
            .unwrap()
    }

    /// A checklist item in force (approvals in the run then attest it: see `act` and the
    /// approve form in `rows`).
    pub fn checklist_item(&self) -> Made {
        let id = self
            .app
            .ctx(|ctx| {
                imprimatur::services::checklist::add(
                    ctx,
                    &self.admin.caller,
                    &format!("Matrix item {}", serial()),
                )
            })
            .unwrap();
        Made {
            checklist_item: Some(id),
            ..Made::default()
        }
    }

    /// Makes an object in `object`'s state.
    pub fn make(&self, object: Object) -> Made {
        match object {
            Object::Nothing => Made::default(),
            Object::Revision(state) => self.revision(state),
            Object::Article(state) => self.article(state),
            Object::Account(state) => self.account(state),
            Object::Mail(state) => self.mail(state),
            Object::Link(state) => self.link(state),
            Object::Thread(state) => self.thread(state),
            Object::ApiToken(state) => self.api_token(state),
            Object::Webhook(state) => self.webhook(state),
            Object::Delivery(state) => self.delivery(state),
            Object::Specialty => self.specialty(),
            Object::ChecklistItem => self.checklist_item(),
        }
    }
}
