//! Property test over random workflow histories, on both backends: whatever editors and
//! reviewers do, in whatever order, the public article pages, the index, search, the feed and
//! the sitemap never contain text that exists only in a revision that was not approved, and
//! always show the latest approved revision of every live article.
//!
//! Every revision carries a unique marker word in its summary and body (and, after the first,
//! its title), so "text of that revision" is one word to look for.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use imprimatur::db::schema::{articles, revisions};
use imprimatur::domain::content::{ContentInput, ReferenceInput};
use imprimatur::domain::roles::Role;
use imprimatur::domain::settings::SettingsInput;
use imprimatur::domain::workflow::Action;
use imprimatur::ids::{ArticleId, RevisionId, UserId};
use imprimatur::services::editing::{self, RevisionInput};
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::{Actor, Caller, Ctx, publishing, settings};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::on_both_backends;
use crate::support::{Backend, Client, TestApp};

const ARTICLES: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    /// Write and submit a new revision (creating the article if needed).
    Write {
        article: usize,
    },
    /// Save a draft only: drafts must never show either.
    Draft {
        article: usize,
    },
    Approve {
        article: usize,
        reviewer: usize,
    },
    RequestChanges {
        article: usize,
    },
    Reject {
        article: usize,
    },
    Withdraw {
        article: usize,
    },
    Retract {
        article: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let article = 0..ARTICLES;
    prop_oneof![
        3 => article.clone().prop_map(|article| Op::Write { article }),
        1 => article.clone().prop_map(|article| Op::Draft { article }),
        4 => (article.clone(), 0usize..3).prop_map(|(article, reviewer)| Op::Approve { article, reviewer }),
        1 => article.clone().prop_map(|article| Op::RequestChanges { article }),
        1 => article.clone().prop_map(|article| Op::Reject { article }),
        1 => article.clone().prop_map(|article| Op::Withdraw { article }),
        1 => article.prop_map(|article| Op::Retract { article }),
    ]
}

fn caller(id: UserId, roles: &[Role], email: &str) -> Caller {
    Caller::person(
        id,
        roles.iter().copied().collect(),
        Actor::user(id, email, "127.0.0.1"),
    )
}

struct World {
    app: TestApp,
    editor: Caller,
    reviewers: Vec<Caller>,
    admin: Caller,
    articles: Vec<Option<ArticleId>>,
    written: usize,
}

fn content(article: usize, marker: &str, first: bool) -> ContentInput {
    ContentInput {
        title: if first {
            format!("Topic {article}")
        } else {
            format!("Topic {article} {marker}")
        },
        summary: format!("Summary {marker}."),
        body: format!("## Section\n\nBody text {marker} [1]."),
        change_note: format!("Change {marker}"),
        references: vec![ReferenceInput {
            kind: "research".into(),
            title: format!("Study {marker}"),
            source: "BMJ".into(),
            year: "2020".into(),
            url: String::new(),
            ..ReferenceInput::default()
        }],
        ..ContentInput::default()
    }
}

impl World {
    fn new(backend: Backend, test: &str, approvals: u32) -> Option<World> {
        let app = TestApp::spawn(backend, test)?;
        let editor = app.create_user("ed@example.org", "Ed", &[Role::Editor]);
        let admin = app.create_user("admin@example.org", "Admin", &[Role::Admin]);
        let reviewers = (0..3)
            .map(|i| {
                let email = format!("r{i}@example.org");
                caller(
                    app.create_user(&email, &format!("Reviewer {i}"), &[Role::Reviewer]),
                    &[Role::Reviewer],
                    &email,
                )
            })
            .collect();
        let admin = caller(admin, &[Role::Admin], "admin@example.org");
        {
            let mut pooled = app.conn();
            let mut conn = Ctx::new(&mut pooled, &app.env);
            let current = settings::current(&mut conn).unwrap();
            let input = SettingsInput {
                approvals_required: approvals.to_string(),
                review_interval_days: "365".into(),
                site_name: current.site_name,
                disclaimer: current.disclaimer,
                editorial_policy: current.editorial_policy,
                require_specialist: false,
                conflicted_approvals_count: false,
                review_due_days: "7".into(),
                ..SettingsInput::default()
            };
            settings::update(&mut conn, &admin, current.version, &input).unwrap();
        }
        Some(World {
            editor: caller(editor, &[Role::Editor], "ed@example.org"),
            reviewers,
            admin,
            articles: vec![None; ARTICLES],
            written: 0,
            app,
        })
    }

    /// The newest submitted revision of an article.
    fn newest(&self, article: ArticleId) -> Option<RevisionId> {
        revisions::table
            .filter(revisions::article_id.eq(article))
            .filter(revisions::number.is_not_null())
            .order(revisions::number.desc())
            .select(revisions::id)
            .first(&mut self.app.conn())
            .optional()
            .unwrap()
    }

    /// Applies one operation through the services. Refusals (the workflow saying no) are
    /// part of the history; they must simply change nothing public.
    fn apply(&mut self, op: &Op) {
        let mut pooled = self.app.conn();
        let mut conn = Ctx::new(&mut pooled, &self.app.env);
        let text = ActionInput {
            text: "Reason.".into(),
            ..ActionInput::default()
        };
        match *op {
            Op::Write { article } | Op::Draft { article } => {
                self.written += 1;
                let marker = format!("mrk{}x", self.written);
                let submit = matches!(op, Op::Write { .. });
                match self.articles[article] {
                    None => {
                        if let Ok(saved) = editing::create_article(
                            &mut conn,
                            &self.editor,
                            &content(article, &marker, true),
                            submit,
                        ) {
                            self.articles[article] = Some(saved.article);
                        }
                    }
                    Some(id) => {
                        let base = self.newest(id);
                        let _ = editing::save_revision(
                            &mut conn,
                            &self.editor,
                            &RevisionInput {
                                article: id,
                                base,
                                draft_version: None,
                                content: content(article, &marker, false),
                                specialties: None,
                                submit,
                            },
                        );
                    }
                }
            }
            Op::Approve { article, reviewer } => {
                if let Some(revision) = self.articles[article].and_then(|a| self.newest(a)) {
                    let _ = reviewing::act(
                        &mut conn,
                        &self.reviewers[reviewer],
                        revision,
                        Action::Approve,
                        &ActionInput::no_conflict(),
                    );
                }
            }
            Op::RequestChanges { article } | Op::Reject { article } => {
                let action = if matches!(op, Op::Reject { .. }) {
                    Action::Reject
                } else {
                    Action::RequestChanges
                };
                if let Some(revision) = self.articles[article].and_then(|a| self.newest(a)) {
                    let _ = reviewing::act(&mut conn, &self.reviewers[0], revision, action, &text);
                }
            }
            Op::Withdraw { article } => {
                if let Some(revision) = self.articles[article].and_then(|a| self.newest(a)) {
                    let _ = reviewing::act(
                        &mut conn,
                        &self.editor,
                        revision,
                        Action::Withdraw,
                        &ActionInput::default(),
                    );
                }
            }
            Op::Retract { article } => {
                if let Some(id) = self.articles[article] {
                    let _ = publishing::retract(
                        &mut conn,
                        &self.admin,
                        id,
                        &publishing::Retraction::because("Checking."),
                    );
                }
            }
        }
    }

    /// What the database says should be public: per article, its slug, whether it is live,
    /// the marker of its published revision, and every marker it ever had.
    fn truth(&self) -> Vec<(String, bool, Option<String>, Vec<String>)> {
        let mut conn = self.app.conn();
        let rows: Vec<(
            ArticleId,
            String,
            Option<RevisionId>,
            Option<chrono::NaiveDateTime>,
        )> = articles::table
            .select((
                articles::id,
                articles::slug,
                articles::published_revision_id,
                articles::retracted_at,
            ))
            .load(&mut conn)
            .unwrap();
        let revisions: Vec<(RevisionId, ArticleId, String)> = revisions::table
            .select((revisions::id, revisions::article_id, revisions::summary))
            .order(revisions::id.asc())
            .load(&mut conn)
            .unwrap();
        let marker = |summary: &str| {
            summary
                .trim_start_matches("Summary ")
                .trim_end_matches('.')
                .to_owned()
        };
        let mut latest_approved: HashMap<ArticleId, RevisionId> = HashMap::new();
        let approved_at: Vec<(RevisionId, ArticleId, Option<chrono::NaiveDateTime>)> =
            revisions::table
                .filter(revisions::state.eq("approved"))
                .select((revisions::id, revisions::article_id, revisions::decided_at))
                .order((revisions::decided_at.asc(), revisions::id.asc()))
                .load(&mut conn)
                .unwrap();
        for (id, article, _) in approved_at {
            latest_approved.insert(article, id);
        }
        rows.into_iter()
            .map(|(id, slug, published, retracted)| {
                // The published revision is always the latest approved one.
                assert_eq!(published, latest_approved.get(&id).copied(), "article {id}");
                let markers = revisions
                    .iter()
                    .filter(|r| r.1 == id)
                    .map(|r| marker(&r.2))
                    .collect();
                let published_marker = published
                    .and_then(|p| revisions.iter().find(|r| r.0 == p))
                    .map(|r| marker(&r.2));
                (
                    slug,
                    published.is_some() && retracted.is_none(),
                    published_marker,
                    markers,
                )
            })
            .collect()
    }
}

/// Fetches every public surface and checks it against the database.
async fn check(world: &World, client: &Client) -> Result<(), TestCaseError> {
    let truth = world.truth();
    let index = client.get("/").await.body;
    let feed = client.get("/feed.atom").await.body;
    let sitemap = client.get("/sitemap.xml").await.body;
    for (slug, live, published, markers) in &truth {
        let page = client.get(&format!("/articles/{slug}")).await;
        let expected_status = if *live {
            200
        } else if published.is_some() {
            410
        } else {
            404
        };
        prop_assert_eq!(page.status, expected_status, "/articles/{}", slug);
        let shown: BTreeSet<&String> = markers
            .iter()
            .filter(|m| page.body.contains(m.as_str()))
            .collect();
        let allowed: BTreeSet<&String> = published.iter().collect();
        if *live {
            prop_assert_eq!(
                &shown,
                &allowed,
                "/articles/{} shows exactly the published version",
                slug
            );
        } else {
            // A retraction notice names what was taken off (the published version's title)
            // and shows nothing else.
            prop_assert!(
                shown.is_subset(&allowed),
                "/articles/{} shows {:?}, not only the retracted version's title",
                slug,
                shown
            );
        }
        // Search costs a request per word: ask for the published marker and the newest others.
        let searched: BTreeSet<&String> = markers
            .iter()
            .rev()
            .take(3)
            .chain(published.iter())
            .collect();
        for marker in markers {
            let should_show = *live && published.as_ref() == Some(marker);
            // The feed announces a retraction by the retracted version's title.
            let announced = published.as_ref() == Some(marker);
            for (surface, body, allowed) in
                [("index", &index, should_show), ("feed", &feed, announced)]
            {
                prop_assert!(
                    !body.contains(marker.as_str()) || allowed,
                    "{} shows {} of {}",
                    surface,
                    marker,
                    slug
                );
            }
            if !searched.contains(marker) {
                continue;
            }
            let search = client.get(&format!("/?q={marker}")).await;
            prop_assert_eq!(search.status, 200);
            let found = search.body.contains(&format!("/articles/{slug}\""));
            prop_assert_eq!(
                found,
                should_show,
                "search for {} (article {})",
                marker,
                slug
            );
        }
        if *live {
            let published = published.as_ref().expect("live means published");
            prop_assert!(
                index.contains(published.as_str()),
                "index lacks {}",
                published
            );
            prop_assert!(
                feed.contains(published.as_str()),
                "feed lacks {}",
                published
            );
        }
        let listed = sitemap.contains(&format!("/articles/{slug}<"));
        prop_assert_eq!(listed, *live, "sitemap and {}", slug);
    }
    Ok(())
}

fn public_surfaces_show_only_the_latest_approved_text(backend: Backend, test: &str) {
    if backend == Backend::Postgres && std::env::var("IMPRIMATUR_TEST_POSTGRES_URL").is_err() {
        crate::support::skip(test, "IMPRIMATUR_TEST_POSTGRES_URL is not set");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (1u32..=2, proptest::collection::vec(op(), 5..25));
    let result = runner.run(&strategy, |(approvals, ops)| {
        let Some(mut world) = World::new(backend, test, approvals) else {
            return Ok(());
        };
        let client = world.app.client();
        for op in &ops {
            world.apply(op);
            runtime.block_on(check(&world, &client))?;
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{test}: {failure}");
    }
}

on_both_backends!(backend: public_surfaces_show_only_the_latest_approved_text);
