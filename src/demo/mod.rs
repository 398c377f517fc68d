//! `imprimatur demo`: fills an empty database with sample accounts and articles in every
//! workflow state, through the same services the web pages use (so the audit log tells the
//! story too).

pub mod articles;
pub mod others;
pub mod scale;

use crate::db;
use crate::domain::content::{ContentInput, ReferenceInput};
use crate::domain::disclosures::Declaration;
use crate::domain::roles::{Role, RoleSet};
use crate::domain::settings::SettingsInput;
use crate::domain::workflow::Action;
use crate::ids::{RevisionId, UserId};
use crate::services::accounts::{self, InviteInput, SetPasswordInput};
use crate::services::editing::{self, RevisionInput};
use crate::services::reviewing::{self, ActionInput};
use crate::services::{
    Actor, Caller, Ctx, Env, Refusal, ServiceResult, board, secrets, settings, specialties,
};
use articles::{DemoArticle, FEATURED, FEATURED_UPDATE};
use others::{
    DERMATOMYOSITIS, DERMATOMYOSITIS_FOLLOW_UP, DERMATOMYOSITIS_PATIENT,
    DERMATOMYOSITIS_PATIENT_FOLLOW_UP, OTHERS,
};

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

const PEOPLE: [Entry; 7] = [
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
    (
        "hana@demo.imprimatur.test",
        "Dr. Hana Sato",
        "MD, Rheumatology",
        &[Role::Reviewer],
    ),
];

/// The board's specialties, and which of the reviewers (by index in `PEOPLE`) holds each.
const SPECIALTIES: [(&str, Option<usize>); 5] = [
    ("Cardiology", Some(3)),
    ("Nephrology", Some(4)),
    ("General practice", Some(5)),
    ("Rheumatology", Some(6)),
    ("Dermatology", None),
];

fn content(article: &DemoArticle) -> ContentInput {
    ContentInput {
        title: article.title.to_owned(),
        summary: article.summary.to_owned(),
        body: article.body.to_owned(),
        change_note: article.change_note.to_owned(),
        public_note: String::new(),
        references: article
            .references
            .iter()
            .map(|r| ReferenceInput {
                kind: r.kind.to_owned(),
                title: r.title.to_owned(),
                source: r.source.to_owned(),
                year: r.year.map(|y| y.to_string()).unwrap_or_default(),
                url: r.url.unwrap_or("").to_owned(),
                ..ReferenceInput::default()
            })
            .collect(),
        ..ContentInput::default()
    }
}

fn act(
    ctx: &mut Ctx<'_>,
    who: &Person,
    revision: RevisionId,
    action: Action,
    text: &str,
) -> ServiceResult<()> {
    // Every demo approval declares no conflict with its article.
    let input = ActionInput {
        text: text.to_owned(),
        declaration: (action == Action::Approve).then_some(Declaration::NoConflict),
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
        join(env, &PEOPLE[6], &mut accounts)?,
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
fn stories(conn: &mut Ctx<'_>, people: &[Person; 7]) -> ServiceResult<usize> {
    let [admin, erin, sam, priya, tom, lena, hana] = people;

    // The board's specialties; each reviewer holds their own.
    let mut ids = Vec::new();
    for (name, holder) in SPECIALTIES {
        let id = specialties::add(conn, &admin.caller, name)?;
        if let Some(holder) = holder {
            specialties::set_for_user(conn, &admin.caller, people[holder].id, &[id].into())?;
        }
        ids.push(id);
    }
    let (cardiology, nephrology, rheumatology) = (ids[0], ids[1], ids[3]);
    // Each reviewer keeps a disclosure and is listed on the public board.
    for (reviewer, disclosure) in [
        (
            priya,
            "Speaker fees from the American Heart Association for continuing education, 2025.",
        ),
        (tom, "None."),
        (lena, "None."),
        (
            hana,
            "Investigator in an academic trial of intravenous immunoglobulin in myositis; no personal payments.",
        ),
    ] {
        board::save_own_entry(conn, &reviewer.caller, disclosure, true)?;
    }

    // A medical board: two approvals from distinct reviewers, one of them a specialist of
    // each of the article's specialties.
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
            require_specialist: true,
            conflicted_approvals_count: current.conflicted_approvals_count,
            review_due_days: current.review_due_days.to_string(),
            default_audience: current.default_audience,
            patient_disclaimer: current.patient_disclaimer,
        },
    )?;

    // The showcase: published after a round of requested changes, with an update in review.
    let first = editing::create_classified(
        conn,
        &erin.caller,
        &content(&FEATURED),
        &[cardiology, nephrology].into(),
        true,
    )?;
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
            specialties: None,
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
            content: ContentInput {
                public_note: "Added a 2017 trial and clearer advice for people with kidney \
                              disease."
                    .into(),
                ..content(&FEATURED_UPDATE)
            },
            specialties: None,
            submit: true,
        },
    )?;
    act(conn, lena, update.revision, Action::Approve, "")?;

    // The rheumatology article: published with a rheumatologist's approval; its update has
    // two approvals, neither a rheumatologist's, so it waits for one.
    // It has a patient version, approved with the clinician one.
    let mut dm_content = content(&DERMATOMYOSITIS);
    let [patient_title, patient_summary, patient_body] = DERMATOMYOSITIS_PATIENT;
    dm_content.patient_title = patient_title.into();
    dm_content.patient_summary = patient_summary.into();
    dm_content.patient_body = patient_body.into();
    let dm = editing::create_classified(
        conn,
        &erin.caller,
        &dm_content,
        &[rheumatology].into(),
        true,
    )?;
    act(
        conn,
        hana,
        dm.revision,
        Action::Approve,
        "Doses and screening advice checked.",
    )?;
    act(conn, lena, dm.revision, Action::Approve, "")?;
    let mut follow_up = dm_content.clone();
    follow_up.body.push_str(DERMATOMYOSITIS_FOLLOW_UP);
    follow_up
        .patient_body
        .push_str(DERMATOMYOSITIS_PATIENT_FOLLOW_UP);
    follow_up.change_note = "Added a section on follow-up.".into();
    follow_up.public_note = "Added advice on follow-up visits and tests.".into();
    let dm_update = editing::save_revision(
        conn,
        &sam.caller,
        &RevisionInput {
            article: dm.article,
            base: Some(dm.revision),
            draft_version: None,
            content: follow_up,
            specialties: None,
            submit: true,
        },
    )?;
    act(conn, priya, dm_update.revision, Action::Approve, "")?;
    act(conn, tom, dm_update.revision, Action::Approve, "")?;

    // The others, spread over every state.
    let mut made = 2;
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
