//! `imprimatur demo`: fills an empty database with sample accounts and articles in every
//! workflow state, through the same services the web pages use (so the audit log tells the
//! story too).

pub mod articles;
pub mod others;
pub mod scale;

use crate::db;
use crate::domain::content::{ContentInput, ReferenceInput};
use crate::domain::roles::{Role, RoleSet};
use crate::domain::settings::SettingsInput;
use crate::domain::workflow::Action;
use crate::ids::{RevisionId, UserId};
use crate::services::accounts::{self, InviteInput, SetPasswordInput};
use crate::services::editing::{self, RevisionInput};
use crate::services::reviewing::{self, ActionInput};
use crate::services::{Actor, Caller, Ctx, Env, Refusal, ServiceResult, secrets, settings};
use articles::{DemoArticle, FEATURED, FEATURED_UPDATE};
use others::OTHERS;

/// A sample account and the password generated for it.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub roles: &'static str,
    pub password: String,
}

/// What `demo` created.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub accounts: Vec<DemoAccount>,
    pub articles: usize,
}

struct Person {
    id: UserId,
    caller: Caller,
}

/// Email, name, credentials and roles of a sample account.
type Entry = (&'static str, &'static str, &'static str, &'static [Role]);

const PEOPLE: [Entry; 6] = [
    (
        "admin@demo.imprimatur.test",
        "Alex Admin",
        "",
        &[Role::Admin],
    ),
    (
        "erin@demo.imprimatur.test",
        "Erin Ellis",
        "Medical writer",
        &[Role::Editor],
    ),
    (
        "sam@demo.imprimatur.test",
        "Sam Okafor",
        "PharmD",
        &[Role::Editor],
    ),
    (
        "priya@demo.imprimatur.test",
        "Dr. Priya Raman",
        "MD, Cardiology",
        &[Role::Reviewer],
    ),
    (
        "tom@demo.imprimatur.test",
        "Dr. Tomás Ortega",
        "MD, Nephrology",
        &[Role::Reviewer],
    ),
    (
        "lena@demo.imprimatur.test",
        "Dr. Lena Fischer",
        "MD, General Practice",
        &[Role::Reviewer],
    ),
];

fn content(article: &DemoArticle) -> ContentInput {
    ContentInput {
        title: article.title.to_owned(),
        summary: article.summary.to_owned(),
        body: article.body.to_owned(),
        change_note: article.change_note.to_owned(),
        references: article
            .references
            .iter()
            .map(|r| ReferenceInput {
                kind: r.kind.to_owned(),
                title: r.title.to_owned(),
                source: r.source.to_owned(),
                year: r.year.map(|y| y.to_string()).unwrap_or_default(),
                url: r.url.unwrap_or("").to_owned(),
            })
            .collect(),
    }
}

fn act(
    ctx: &mut Ctx<'_>,
    who: &Person,
    revision: RevisionId,
    action: Action,
    text: &str,
) -> ServiceResult<()> {
    let input = ActionInput {
        text: text.to_owned(),
        ..ActionInput::default()
    };
    reviewing::act(ctx, &who.caller, revision, action, &input).map(|_| ())
}

/// Fills an empty database, as the command line (the system caller). Refuses when any
/// account exists.
pub fn run(env: &Env) -> ServiceResult<DemoSummary> {
    ensure_empty(env)?;
    let mut accounts = Vec::new();
    let people = [
        join(env, &PEOPLE[0], &mut accounts)?,
        join(env, &PEOPLE[1], &mut accounts)?,
        join(env, &PEOPLE[2], &mut accounts)?,
        join(env, &PEOPLE[3], &mut accounts)?,
        join(env, &PEOPLE[4], &mut accounts)?,
        join(env, &PEOPLE[5], &mut accounts)?,
    ];
    let articles = env.ctx(|ctx| stories(ctx, &people))?;
    Ok(DemoSummary { accounts, articles })
}

/// The demo only fills a database that has no account yet.
fn ensure_empty(env: &Env) -> ServiceResult<()> {
    let system = Caller::system();
    let empty = env.ctx(|ctx| {
        Ok(accounts::list(ctx, &system, &Default::default(), 0, 1)?
            .0
            .is_empty())
    })?;
    if empty {
        Ok(())
    } else {
        Err(Refusal::NotEmpty.into())
    }
}

/// Creates one account through the account services (an invitation, then its one-time link
/// redeemed with a generated password) and notes its password in `created`.
fn join(env: &Env, entry: &Entry, created: &mut Vec<DemoAccount>) -> ServiceResult<Person> {
    let (email, name, credentials, roles) = *entry;
    let roles: RoleSet = roles.iter().copied().collect();
    let invite = InviteInput {
        email: email.into(),
        display_name: name.into(),
        credentials: credentials.into(),
        roles: roles.clone(),
    };
    let link = env.ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))?;
    let password = secrets::random_token()?[..20].to_owned();
    let input = SetPasswordInput {
        password: password.clone(),
        password_confirm: password.clone(),
        ..SetPasswordInput::default()
    };
    let id: UserId = accounts::redeem_link(env, &link.token, &input, "demo")?;
    created.push(DemoAccount {
        email,
        name,
        roles: match roles.describe().as_str() {
            "Admin" => "admin",
            "Editor" => "editor",
            _ => "reviewer",
        },
        password,
    });
    Ok(Person {
        id,
        caller: Caller::person(id, roles, Actor::user(id, email, "demo")),
    })
}

/// The articles, in every state; returns how many.
fn stories(conn: &mut Ctx<'_>, people: &[Person; 6]) -> ServiceResult<usize> {
    let [admin, erin, sam, priya, tom, lena] = people;

    // A medical board: two approvals from distinct reviewers.
    let current = settings::current(conn)?;
    settings::update(
        conn,
        &admin.caller,
        current.version,
        &SettingsInput {
            approvals_required: "2".into(),
            review_interval_days: current.review_interval_days.to_string(),
            site_name: "Imprimatur Health Answers".into(),
            disclaimer: current.disclaimer,
            editorial_policy: current.editorial_policy,
        },
    )?;

    // The showcase: published after a round of requested changes, with an update in review.
    let first = editing::create_article(conn, &erin.caller, &content(&FEATURED), true)?;
    act(conn, priya, first.revision, Action::Claim, "")?;
    act(
        conn,
        priya,
        first.revision,
        Action::RequestChanges,
        "Please add the KDIGO advice for people with chronic kidney disease.",
    )?;
    let second = editing::save_revision(
        conn,
        &erin.caller,
        &RevisionInput {
            article: first.article,
            base: Some(first.revision),
            draft_version: None,
            content: content(&FEATURED),
            submit: true,
        },
    )?;
    act(
        conn,
        priya,
        second.revision,
        Action::Approve,
        "Accurate and balanced.",
    )?;
    act(conn, tom, second.revision, Action::Approve, "")?;
    let update = editing::save_revision(
        conn,
        &sam.caller,
        &RevisionInput {
            article: first.article,
            base: Some(second.revision),
            draft_version: None,
            content: content(&FEATURED_UPDATE),
            submit: true,
        },
    )?;
    act(conn, lena, update.revision, Action::Approve, "")?;

    // The others, spread over every state.
    let mut made = 1;
    let mut overdue_article = None;
    for (index, article) in OTHERS.iter().enumerate() {
        let author = if index % 2 == 0 { erin } else { sam };
        let (a, b) = match index % 3 {
            0 => (priya, tom),
            1 => (tom, lena),
            _ => (lena, priya),
        };
        let submit = index != 10;
        let saved = editing::create_article(conn, &author.caller, &content(article), submit)?;
        made += 1;
        let revision = saved.revision;
        match index {
            // Published.
            0..=4 => {
                overdue_article.get_or_insert(saved.article);
                act(conn, a, revision, Action::Approve, "")?;
                act(conn, b, revision, Action::Approve, "Agree.")?;
            }
            // Submitted, waiting.
            5 => {}
            // Under review, one approval of two.
            6 => {
                act(conn, a, revision, Action::Claim, "")?;
                act(conn, a, revision, Action::Approve, "Fine from my side.")?;
            }
            // Sent back.
            7 => act(
                conn,
                a,
                revision,
                Action::RequestChanges,
                "Please cite a more recent trial.",
            )?,
            // Rejected.
            8 => act(
                conn,
                b,
                revision,
                Action::Reject,
                "This duplicates an article we already publish.",
            )?,
            // Withdrawn by its author.
            9 => act(conn, author, revision, Action::Withdraw, "")?,
            // A draft (index 10, not submitted).
            _ => {}
        }
    }
    // One published article is overdue for its yearly review.
    if let Some(article) = overdue_article {
        db::articles::set_review_due(conn.conn(), article, db::now() - chrono::Duration::days(30))?;
    }
    Ok(made)
}
