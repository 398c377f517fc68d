//! `imprimatur demo --articles N --revisions R`: an archive at a real publisher's size, for
//! the benchmarks. Accounts and settings go through the services like the small demo; the
//! archive itself is written in bulk (multi-row inserts, one transaction per thousand
//! articles), because a million revisions through the use cases would take hours.
//!
//! Every row is a pure function of its article number `i` and revision number `k`, so the
//! archive is the same on both backends and each run: revision `k` of every article falls
//! in the `k`th period of 180 days, and the last period ends now. In each article, revision
//! `k` with `k % 4 == 2` had changes requested and was superseded by the next one; the others
//! were approved by two reviewers. One article in 20 has its newest revision waiting (half
//! submitted, half under review with one approval of two); one in 100 also has a draft; one
//! in 50 is past its review date. The audit log gets one row per revision, in time order,
//! chained like any other row, after the rows of the accounts' creation.

use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::articles::{DemoArticle, FEATURED, FEATURED_UPDATE};
use super::others::OTHERS;
use super::{DemoAccount, Entry, PEOPLE, Person, ensure_empty, join};
use crate::db::audit_log::{self, AuditRow};
use crate::db::schema::{
    articles, assignments, audit_log as audit_table, comments, mail_outbox, reviews,
    revision_references, revisions,
};
use crate::db::{self, DbConn, review_reminders};
use crate::domain::audit::{AuditAction, ChainedRow, GENESIS_HASH, TargetKind};
use crate::domain::content::{Content, Reference, ReferenceKind, slugify};
use crate::domain::markdown;
use crate::domain::roles::Role;
use crate::domain::settings::SettingsInput;
use crate::domain::workflow::{State, Verdict};
use crate::ids::{AuditId, UserId};
use crate::services::{Env, ServiceResult, settings};

/// How big an archive to make.
#[derive(Debug, Clone, Copy)]
pub struct ScaleSpec {
    pub articles: i64,
    /// Submitted revisions per article.
    pub revisions: i64,
}

/// What was made, and how long it took.
#[derive(Debug, Clone)]
pub struct ScaleSummary {
    pub accounts: Vec<DemoAccount>,
    pub articles: i64,
    pub revisions: i64,
    pub reviews: i64,
    pub audit_rows: i64,
    pub seconds: f64,
}

/// Five more reviewers, so eight can act at once.
const MORE_REVIEWERS: [Entry; 5] = [
    (
        "omar@demo.imprimatur.test",
        "Dr. Omar Haddad",
        "MD, Endocrinology",
        &[Role::Reviewer],
    ),
    (
        "mei@demo.imprimatur.test",
        "Dr. Mei Chen",
        "PharmD, Clinical Pharmacy",
        &[Role::Reviewer],
    ),
    (
        "ana@demo.imprimatur.test",
        "Dr. Ana Souza",
        "MD, Infectious Diseases",
        &[Role::Reviewer],
    ),
    (
        "kofi@demo.imprimatur.test",
        "Dr. Kofi Mensah",
        "MD, Dermatology",
        &[Role::Reviewer],
    ),
    (
        "ingrid@demo.imprimatur.test",
        "Dr. Ingrid Berg",
        "MD, Pulmonology",
        &[Role::Reviewer],
    ),
];

const CHUNK: i64 = 1_000;
/// Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS_PER_INSERT: usize = 500;
const PERIOD_DAYS: i64 = 180;

#[derive(Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
struct ArticleRow {
    id: i64,
    slug: String,
    created_by: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    first_published_at: Option<NaiveDateTime>,
    last_reviewed_at: Option<NaiveDateTime>,
    next_review_due: Option<NaiveDateTime>,
    version: i64,
}

#[derive(Insertable)]
#[diesel(table_name = revisions, treat_none_as_default_value = false)]
struct RevisionRow {
    id: i64,
    article_id: i64,
    number: Option<i32>,
    base_revision_id: Option<i64>,
    author_id: i64,
    state: &'static str,
    title: String,
    summary: &'static str,
    body: String,
    body_html: String,
    change_note: String,
    content_hash: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    decided_at: Option<NaiveDateTime>,
    approvals_required: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = revision_references, treat_none_as_default_value = false)]
struct ReferenceRow {
    id: i64,
    revision_id: i64,
    position: i32,
    kind: &'static str,
    title: &'static str,
    source: &'static str,
    year: Option<i32>,
    url: Option<&'static str>,
}

#[derive(Insertable)]
#[diesel(table_name = reviews)]
struct ReviewRow {
    id: i64,
    revision_id: i64,
    reviewer_id: i64,
    verdict: &'static str,
    body: &'static str,
    content_hash: String,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = assignments)]
struct AssignmentRow {
    revision_id: i64,
    reviewer_id: i64,
    assigned_by: i64,
    created_at: NaiveDateTime,
    re_requested: bool,
    waiting_since: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = comments, treat_none_as_default_value = false)]
struct CommentRow {
    id: i64,
    revision_id: i64,
    author_id: i64,
    body: &'static str,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = mail_outbox, treat_none_as_default_value = false)]
struct MailRow {
    id: i64,
    recipient: String,
    recipient_id: Option<i64>,
    subject: String,
    text_body: String,
    html_body: String,
    event: &'static str,
    article_id: Option<i64>,
    revision_id: Option<i64>,
    message_id: String,
    created_at: NaiveDateTime,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    failed_at: Option<NaiveDateTime>,
    last_error: Option<&'static str>,
}

/// Inserts rows in statements of [`ROWS_PER_INSERT`], on whichever backend.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for part in $rows.chunks(ROWS_PER_INSERT) {
            inserted += match &mut *$conn {
                DbConn::Sqlite(c) => diesel::insert_into($table).values(part).execute(c)?,
                DbConn::Pg(c) => diesel::insert_into($table).values(part).execute(c)?,
            };
        }
        inserted
    }};
}

/// One sample article's fixed text, ready to vary per revision.
struct Template {
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    body_html: String,
    slug: String,
    references: Vec<(&'static str, &'static str, &'static str, Option<i32>)>,
}

fn templates() -> Vec<Template> {
    let mut all: Vec<&DemoArticle> = vec![&FEATURED, &FEATURED_UPDATE];
    all.extend(OTHERS.iter());
    all.into_iter()
        .map(|a| {
            let references: Vec<_> = a
                .references
                .iter()
                .take(2)
                .map(|r| (r.kind, r.title, r.source, r.year))
                .collect();
            let slug: String = slugify(a.title)
                .split('-')
                .take(6)
                .collect::<Vec<_>>()
                .join("-");
            Template {
                title: a.title,
                summary: a.summary,
                body: a.body,
                body_html: markdown::render(a.body, references.len()),
                slug,
                references,
            }
        })
        .collect()
}

/// The archive's shape: what revision `k` of article `i` is.
#[derive(Debug, Clone, Copy)]
struct Shape {
    articles: i64,
    revisions: i64,
    start: NaiveDateTime,
}

impl Shape {
    fn at(&self, i: i64, k: i64) -> NaiveDateTime {
        let period = Duration::days(PERIOD_DAYS).num_seconds();
        self.start + Duration::seconds(period * (k - 1) + period * i / self.articles.max(1))
    }

    fn state(&self, i: i64, k: i64) -> State {
        if k == self.revisions {
            if i % 20 == 0 {
                if (i / 20) % 2 == 0 {
                    State::Submitted
                } else {
                    State::UnderReview
                }
            } else {
                State::Approved
            }
        } else if k % 4 == 2 {
            State::Superseded
        } else {
            State::Approved
        }
    }

    fn has_draft(i: i64) -> bool {
        i % 100 == 1
    }

    /// Revision ids: `revisions + 1` slots per article (the last for a draft).
    fn revision_id(&self, i: i64, k: i64) -> i64 {
        (i - 1) * (self.revisions + 1) + k
    }
}

/// Fills an empty database with `spec.articles` articles of `spec.revisions` revisions each.
pub fn run(env: &Env, spec: ScaleSpec) -> ServiceResult<ScaleSummary> {
    let started = Instant::now();
    ensure_empty(env)?;
    let mut accounts = Vec::new();
    let mut people: Vec<Person> = Vec::new();
    for entry in PEOPLE.iter().chain(MORE_REVIEWERS.iter()) {
        people.push(join(env, entry, &mut accounts)?);
    }
    let admin = &people[0];
    env.ctx(|ctx| {
        let current = settings::current(ctx)?;
        settings::update(
            ctx,
            &admin.caller,
            current.version,
            &SettingsInput {
                approvals_required: "2".into(),
                review_interval_days: current.review_interval_days.to_string(),
                site_name: "Imprimatur Health Answers".into(),
                disclaimer: current.disclaimer,
                editorial_policy: current.editorial_policy,
                require_specialist: current.require_specialist,
                conflicted_approvals_count: current.conflicted_approvals_count,
                review_due_days: current.review_due_days.to_string(),
                default_audience: current.default_audience,
                patient_disclaimer: current.patient_disclaimer,
            },
        )
        .map(|_| ())
    })?;
    let mail_base = env.ctx(|ctx| {
        use diesel::dsl::max;
        let top: Option<i64> = mail_outbox::table
            .select(max(mail_outbox::id))
            .first(ctx.conn())?;
        Ok(top.unwrap_or(0))
    })?;
    let cast = Cast {
        admin: admin.id.0,
        mail_base,
        editors: [people[1].id.0, people[2].id.0],
        reviewers: people[3..].iter().map(|p| p.id.0).collect(),
        emails: accounts
            .iter()
            .zip(&people)
            .map(|(a, p)| (p.id, a.email))
            .collect(),
    };
    let shape = Shape {
        articles: spec.articles.max(0),
        revisions: spec.revisions.clamp(1, 1_000),
        start: db::now() - Duration::days(PERIOD_DAYS * spec.revisions.clamp(1, 1_000)),
    };
    let templates = templates();
    let mut counts = (0i64, 0i64);
    env.ctx(|ctx| {
        let conn = ctx.conn();
        let mut first = 1;
        while first <= shape.articles {
            let last = (first + CHUNK - 1).min(shape.articles);
            let made = conn.transaction(|c| chunk(c, &shape, &cast, &templates, first, last))?;
            counts.0 += made.0;
            counts.1 += made.1;
            first = last + 1;
        }
        Ok(())
    })?;
    let audit_rows = env.ctx(|ctx| Ok(audit_trail(ctx.conn(), &shape, &cast)?))?;
    env.ctx(|ctx| Ok(reminders_sent(ctx.conn())?))?;
    env.ctx(|ctx| Ok(finish(ctx.conn())?))?;
    Ok(ScaleSummary {
        accounts,
        articles: shape.articles,
        revisions: counts.0,
        reviews: counts.1,
        audit_rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Who plays which part.
struct Cast {
    admin: i64,
    /// Outbox ids are this plus the article number.
    mail_base: i64,
    editors: [i64; 2],
    reviewers: Vec<i64>,
    emails: std::collections::HashMap<UserId, &'static str>,
}

impl Cast {
    fn author(&self, i: i64) -> i64 {
        self.editors[usize::try_from(i % 2).unwrap_or(0)]
    }

    /// The two reviewers of revision `k` of article `i`.
    fn reviewers(&self, i: i64, k: i64) -> (i64, i64) {
        let n = self.reviewers.len().max(1);
        let first = usize::try_from(i + k).unwrap_or(0) % n;
        (self.reviewers[first], self.reviewers[(first + 1) % n])
    }

    fn email(&self, id: i64) -> &'static str {
        self.emails.get(&UserId(id)).copied().unwrap_or("demo")
    }
}

/// Writes articles `first..=last` with their revisions, references, reviews, assignments and
/// comments; returns how many revisions and reviews.
fn chunk(
    conn: &mut DbConn,
    shape: &Shape,
    cast: &Cast,
    templates: &[Template],
    first: i64,
    last: i64,
) -> QueryResult<(i64, i64)> {
    let mut articles_rows = Vec::new();
    let mut revision_rows = Vec::new();
    let mut reference_rows = Vec::new();
    let mut review_rows = Vec::new();
    let mut assignment_rows = Vec::new();
    let mut comment_rows = Vec::new();
    let mut mail_rows = Vec::new();
    let n = shape.revisions;
    for i in first..=last {
        let template = &templates[usize::try_from(i).unwrap_or(0) % templates.len()];
        let author = cast.author(i);
        let title = format!("Question {i}: {}", template.title);
        let published = (1..=n)
            .rev()
            .find(|&k| shape.state(i, k) == State::Approved);
        let last_reviewed = published.map(|k| shape.at(i, k));
        let next_due = if i % 50 == 0 {
            Some(db::now() - Duration::days(i % 30 + 1))
        } else {
            last_reviewed.map(|at| at + Duration::days(365))
        };
        let draft_at = shape.at(i, n) + Duration::hours(2);
        articles_rows.push(ArticleRow {
            id: i,
            slug: format!("q{i}-{}", template.slug),
            created_by: author,
            created_at: shape.at(i, 1) - Duration::days(2),
            updated_at: if Shape::has_draft(i) {
                draft_at
            } else {
                shape.at(i, n)
            },
            first_published_at: last_reviewed.map(|_| shape.at(i, 1)),
            last_reviewed_at: last_reviewed,
            next_review_due: next_due,
            version: n * 3,
        });
        let references: Vec<Reference> = template
            .references
            .iter()
            .map(|&(kind, title, source, year)| Reference {
                kind: ReferenceKind::parse(kind).unwrap_or(ReferenceKind::Other),
                title: title.to_owned(),
                source: source.to_owned(),
                year,
                url: None,
                ..Reference::default()
            })
            .collect();
        let slots = if Shape::has_draft(i) { n + 1 } else { n };
        for k in 1..=slots {
            let id = shape.revision_id(i, k);
            let draft = k > n;
            let state = if draft {
                State::Draft
            } else {
                shape.state(i, k)
            };
            let at = if draft { draft_at } else { shape.at(i, k) };
            let line = format!("Update {k} of question {i}: checked against current guidance.");
            let body = format!("{}\n\n{line}\n", template.body.trim_end());
            let change_note = if k == 1 {
                "First version.".to_owned()
            } else {
                format!("Update {k}.")
            };
            let content = Content {
                title: title.clone(),
                summary: template.summary.to_owned(),
                body: body.clone(),
                change_note: change_note.clone(),
                public_note: String::new(),
                references: references.clone(),
                patient: None,
            };
            let hash = content.hash();
            revision_rows.push(RevisionRow {
                id,
                article_id: i,
                number: (!draft).then(|| i32::try_from(k).unwrap_or(i32::MAX)),
                base_revision_id: (k > 1).then(|| shape.revision_id(i, k - 1)),
                author_id: author,
                state: state.as_str(),
                title: title.clone(),
                summary: template.summary,
                body,
                body_html: format!("{}<p>{line}</p>\n", template.body_html),
                change_note,
                content_hash: hash.clone(),
                version: 3,
                created_at: at - Duration::days(2),
                updated_at: at,
                submitted_at: (!draft).then(|| at - Duration::days(1)),
                decided_at: (state == State::Approved).then_some(at),
                approvals_required: (!draft).then_some(2),
            });
            for (position, &(kind, rtitle, source, year)) in template.references.iter().enumerate()
            {
                let position = i32::try_from(position).unwrap_or(0) + 1;
                reference_rows.push(ReferenceRow {
                    id: id * 4 + i64::from(position),
                    revision_id: id,
                    position,
                    kind,
                    title: rtitle,
                    source,
                    year,
                    url: None,
                });
            }
            let (r1, r2) = cast.reviewers(i, k);
            // Review ids: two slots per revision.
            let mut review = |slot: i64, reviewer: i64, verdict: Verdict, body, at| {
                review_rows.push(ReviewRow {
                    id: id * 2 + slot,
                    revision_id: id,
                    reviewer_id: reviewer,
                    verdict: verdict.as_str(),
                    body,
                    content_hash: hash.clone(),
                    created_at: at,
                });
            };
            match state {
                State::Approved => {
                    review(0, r1, Verdict::Approve, "", at - Duration::hours(3));
                    review(1, r2, Verdict::Approve, "Accurate and balanced.", at);
                }
                State::Superseded => review(
                    0,
                    r1,
                    Verdict::RequestChanges,
                    "Please cite the current guideline.",
                    at,
                ),
                State::UnderReview => {
                    review(0, r1, Verdict::Approve, "Fine from my side.", at);
                    comment_rows.push(CommentRow {
                        id,
                        revision_id: id,
                        author_id: r1,
                        body: "Could the dosing paragraph say who should not take it?",
                        created_at: at,
                    });
                }
                _ => {}
            }
            if k == n && state == State::Approved {
                let sent = i % 100 != 7;
                mail_rows.push(MailRow {
                    id: cast.mail_base + i,
                    recipient: cast.email(author).to_owned(),
                    recipient_id: Some(author),
                    subject: format!("Published: {title}"),
                    text_body: format!("Revision {k} of \"{title}\" was approved and published."),
                    html_body: format!(
                        "<p>Revision {k} of \u{201c}{title}\u{201d} was approved and published.</p>"
                    ),
                    event: "revision_published",
                    article_id: Some(i),
                    revision_id: Some(id),
                    message_id: format!("<scale-{i}@demo.imprimatur.test>"),
                    created_at: at,
                    attempts: if sent { 1 } else { 3 },
                    next_attempt_at: at,
                    sent_at: sent.then_some(at),
                    failed_at: (!sent).then_some(at),
                    last_error: (!sent).then_some("550 mailbox unavailable"),
                });
            }
            if state.awaits_reviewers() {
                assignment_rows.push(AssignmentRow {
                    revision_id: id,
                    reviewer_id: r2,
                    assigned_by: cast.admin,
                    created_at: at,
                    re_requested: i % 60 == 0,
                    waiting_since: Some(at - Duration::days(1)),
                });
            }
        }
    }
    insert_all!(conn, articles::table, articles_rows);
    let revisions = insert_all!(conn, revisions::table, revision_rows);
    insert_all!(conn, revision_references::table, reference_rows);
    let reviews = insert_all!(conn, reviews::table, review_rows);
    insert_all!(conn, assignments::table, assignment_rows);
    insert_all!(conn, comments::table, comment_rows);
    // Same SQL on both backends; the bounds are numbers this function computed. One pass
    // over the chunk's revisions: a correlated MAX(id) per article let PostgreSQL, with no
    // statistics yet on the fresh tables, walk the revisions' primary key backwards for
    // each article, and the fill slowed to 80 articles/s by 20,000.
    diesel::sql_query(format!(
        "UPDATE articles SET current_revision_id = chunk.current_id, \
             published_revision_id = chunk.published_id, current_author_id = created_by \
         FROM (SELECT article_id, \
                 MAX(CASE WHEN number IS NOT NULL THEN id END) AS current_id, \
                 MAX(CASE WHEN state = 'approved' THEN id END) AS published_id \
               FROM revisions WHERE article_id BETWEEN {first} AND {last} \
               GROUP BY article_id) AS chunk \
         WHERE articles.id = chunk.article_id"
    ))
    .execute(&mut *conn)?;
    diesel::sql_query(format!(
        "UPDATE articles SET current_state = (SELECT r.state FROM revisions r \
             WHERE r.id = articles.current_revision_id) \
         WHERE id BETWEEN {first} AND {last}"
    ))
    .execute(&mut *conn)?;
    let indexed = match conn {
        DbConn::Sqlite(_) => {
            "INSERT INTO search_documents (rowid, title, summary, body, article_id) \
             SELECT a.id, r.title, r.summary, r.body, a.id"
        }
        DbConn::Pg(_) => {
            "INSERT INTO search_documents (article_id, document) \
             SELECT a.id, search_document(r.title, r.summary, r.body)"
        }
    };
    diesel::sql_query(format!(
        "{indexed} FROM articles a JOIN revisions r ON r.id = a.published_revision_id \
         WHERE a.id BETWEEN {first} AND {last}"
    ))
    .execute(&mut *conn)?;
    let titles = match conn {
        DbConn::Sqlite(_) => "INSERT INTO article_titles (rowid, title) SELECT a.id, r.title",
        DbConn::Pg(_) => "INSERT INTO article_titles (article_id, title) SELECT a.id, r.title",
    };
    diesel::sql_query(format!(
        "{titles} FROM articles a JOIN revisions r ON r.id = a.current_revision_id \
         WHERE a.id BETWEEN {first} AND {last}"
    ))
    .execute(&mut *conn)?;
    insert_all!(conn, mail_outbox::table, mail_rows);
    Ok((
        i64::try_from(revisions).unwrap_or(0),
        i64::try_from(reviews).unwrap_or(0),
    ))
}

/// One audit row per revision, oldest first, chained on from the rows already there.
fn audit_trail(conn: &mut DbConn, shape: &Shape, cast: &Cast) -> QueryResult<i64> {
    let (mut id, mut prev) = audit_log::head(conn)?.unwrap_or((AuditId(0), GENESIS_HASH.into()));
    let mut rows = Vec::with_capacity(10_000);
    let mut written = 0;
    let flush = |conn: &mut DbConn, rows: &mut Vec<AuditRow>| -> QueryResult<()> {
        conn.transaction(|c| {
            insert_all!(c, audit_table::table, rows);
            Ok::<_, diesel::result::Error>(())
        })?;
        rows.clear();
        Ok(())
    };
    for k in 1..=shape.revisions + 1 {
        for i in 1..=shape.articles {
            let draft = k > shape.revisions;
            if draft && !Shape::has_draft(i) {
                continue;
            }
            let (r1, r2) = cast.reviewers(i, k);
            let (action, actor, at) = if draft {
                (
                    AuditAction::RevisionSaved,
                    cast.author(i),
                    shape.at(i, shape.revisions) + Duration::hours(2),
                )
            } else {
                let at = shape.at(i, k);
                match shape.state(i, k) {
                    State::Approved => (AuditAction::RevisionApproved, r2, at),
                    State::Superseded => (AuditAction::ChangesRequested, r1, at),
                    State::UnderReview => (AuditAction::RevisionApproved, r1, at),
                    _ => (AuditAction::RevisionSubmitted, cast.author(i), at),
                }
            };
            let revision = shape.revision_id(i, k);
            let chained = ChainedRow {
                id: id.0 + 1,
                occurred_at: at,
                actor_id: Some(actor),
                actor_label: cast.email(actor).to_owned(),
                action: action.as_str().to_owned(),
                target_type: Some(TargetKind::Revision.as_str().to_owned()),
                target_id: Some(revision),
                details: serde_json::json!({ "number": (!draft).then_some(k) }).to_string(),
                client_addr: Some("demo".to_owned()),
                prev_hash: prev,
                article_id: Some(i),
            };
            let row = AuditRow::sealed(chained);
            id = row.id;
            prev = row.row_hash.clone();
            rows.push(row);
            written += 1;
            if rows.len() >= 10_000 {
                flush(conn, &mut rows)?;
            }
        }
    }
    flush(conn, &mut rows)?;
    Ok(written)
}

/// Records the review-date reminders as sent for every article due now or soon, as a
/// server that had been running would have: the archive starts in its steady state, and
/// the first server started on it does not spend its first minutes catching up.
fn reminders_sent(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::db::schema::review_reminders as sent;
    use diesel::sql_types::{Text, Timestamp};
    let now = db::now();
    let mut written = 0;
    for (kind, from, to) in [
        (review_reminders::OVERDUE, None, now),
        (
            review_reminders::DUE_SOON,
            Some(now),
            now + crate::services::notify::due_soon_window(),
        ),
    ] {
        let mut owed = articles::table
            .filter(articles::published_revision_id.is_not_null())
            .filter(articles::retracted_at.is_null())
            .filter(articles::next_review_due.le(to))
            .into_boxed::<db::MultiBackend>();
        if let Some(from) = from {
            owed = owed.filter(articles::next_review_due.gt(from));
        }
        let owed = owed.select((
            articles::id,
            kind.into_sql::<Text>(),
            articles::next_review_due.assume_not_null(),
            now.into_sql::<Timestamp>(),
        ));
        written += diesel::insert_into(sent::table)
            .values(owed)
            .into_columns((sent::article_id, sent::kind, sent::due_at, sent::sent_at))
            .execute(conn)?;
    }
    Ok(written)
}

/// Moves PostgreSQL's id sequences past the ids written here, vacuums it, and refreshes the
/// planner's statistics on both backends.
fn finish(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Pg(c) => {
            for table in [
                "articles",
                "revisions",
                "revision_references",
                "reviews",
                "comments",
                "mail_outbox",
            ] {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                ))
                .execute(c)?;
            }
            // What autovacuum would do after a bulk load, where it runs: the visibility map
            // lets index-only scans skip the heap. (On a server with autovacuum off, as on
            // some test machines, the archive would otherwise never get one.)
            diesel::sql_query("VACUUM (ANALYZE)").execute(c)?;
        }
        DbConn::Sqlite(c) => {
            for index in ["search_documents", "article_titles"] {
                diesel::sql_query(format!("INSERT INTO {index} ({index}) VALUES ('optimize')"))
                    .execute(c)?;
            }
            diesel::sql_query("ANALYZE").execute(c)?;
        }
    }
    Ok(())
}
