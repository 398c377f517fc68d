//! Fixtures built over the real use cases (not by posting and scraping forms): people with
//! roles, and articles in the state a test needs. A test reads as the scenario it checks:
//!
//! ```ignore
//! let ed = app.person("ed@example.org", "Ed", &[Role::Editor]);
//! let rita = app.person("rita@example.org", "Rita", &[Role::Reviewer]);
//! let article = ArticleBuilder::new(&app, &ed).title("Statins").approved_by(&[&rita]).build();
//! ```

use imprimatur::domain::content::{ContentInput, ReferenceInput};
use imprimatur::domain::disclosures::Declaration;
use imprimatur::domain::roles::Role;
use imprimatur::domain::workflow::Action;
use imprimatur::ids::{ArticleId, RevisionId, UserId};
use imprimatur::services::editing::{self, RevisionInput};
use imprimatur::services::reviewing::{self, ActionInput};
use imprimatur::services::{Actor, Caller};

use super::TestApp;

/// An account with a password, and the caller the use cases see for it.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub email: String,
    pub caller: Caller,
}

impl TestApp {
    /// Creates an active account (as an invitation would) and returns it as a caller.
    pub fn person(&self, email: &str, name: &str, roles: &[Role]) -> Person {
        let id = self.create_user(email, name, roles);
        Person {
            id,
            email: email.to_owned(),
            caller: Caller::person(
                id,
                roles.iter().copied().collect(),
                Actor::user(id, email, "127.0.0.1"),
            ),
        }
    }

    /// Does `action` to a revision as `who` (through the use case, as the page would).
    pub fn act(&self, who: &Person, revision: RevisionId, action: Action, text: &str) {
        let input = ActionInput {
            text: text.to_owned(),
            declaration: (action == Action::Approve).then_some(Declaration::NoConflict),
            ..ActionInput::default()
        };
        self.ctx(|ctx| reviewing::act(ctx, &who.caller, revision, action, &input))
            .unwrap_or_else(|e| panic!("{} cannot {action} {revision}: {e}", who.email));
    }
}

/// The content of a test article: a title, a short answer, a body citing two references.
pub fn content(title: &str, body: &str) -> ContentInput {
    ContentInput {
        title: title.to_owned(),
        summary: format!("Short answer about {title}."),
        body: body.to_owned(),
        change_note: "First version.".to_owned(),
        references: vec![
            ReferenceInput {
                kind: "guideline".into(),
                title: "Hypertension guideline".into(),
                source: "ACC/AHA".into(),
                year: "2017".into(),
                url: String::new(),
                ..ReferenceInput::default()
            },
            ReferenceInput {
                kind: "drug_label".into(),
                title: "Lisinopril prescribing information".into(),
                source: "DailyMed".into(),
                year: String::new(),
                url: "https://dailymed.nlm.nih.gov/".into(),
                ..ReferenceInput::default()
            },
        ],
        ..ContentInput::default()
    }
}

/// An article, and its newest revision.
#[derive(Debug, Clone, Copy)]
pub struct Built {
    pub article: ArticleId,
    pub revision: RevisionId,
}

/// Builds an article as a draft, submitted, or approved by reviewers.
pub struct ArticleBuilder<'a> {
    app: &'a TestApp,
    author: &'a Person,
    content: ContentInput,
    submitted: bool,
    approvers: Vec<&'a Person>,
}

impl<'a> ArticleBuilder<'a> {
    pub fn new(app: &'a TestApp, author: &'a Person) -> Self {
        Self {
            app,
            author,
            content: content(
                "Can I take ibuprofen with lisinopril?",
                "## From the guidelines\n\nAvoid NSAIDs [1]; see the label [2].",
            ),
            submitted: false,
            approvers: Vec::new(),
        }
    }

    pub fn title(mut self, title: &str) -> Self {
        title.clone_into(&mut self.content.title);
        self.content.summary = format!("Short answer about {title}.");
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        body.clone_into(&mut self.content.body);
        self
    }

    /// Submitted for review (not only a draft).
    pub fn submitted(mut self) -> Self {
        self.submitted = true;
        self
    }

    /// Submitted, and approved by each of `reviewers` in turn (publishing it once the
    /// approvals meet the policy).
    pub fn approved_by(mut self, reviewers: &[&'a Person]) -> Self {
        self.submitted = true;
        self.approvers.extend_from_slice(reviewers);
        self
    }

    pub fn build(self) -> Built {
        let saved = self
            .app
            .ctx(|ctx| {
                editing::create_article(ctx, &self.author.caller, &self.content, self.submitted)
            })
            .unwrap_or_else(|e| panic!("cannot create '{}': {e}", self.content.title));
        for reviewer in &self.approvers {
            self.app
                .act(reviewer, saved.revision, Action::Approve, "Looks right.");
        }
        Built {
            article: saved.article,
            revision: saved.revision,
        }
    }
}

impl Built {
    /// Submits a new revision of this article (based on its newest one) by `author`, with
    /// `body`; returns it.
    pub fn revised(&self, app: &TestApp, author: &Person, title: &str, body: &str) -> Built {
        let mut content = content(title, body);
        content.change_note = "Internal: reclassified reference 5 for the board.".into();
        content.public_note = "Second version with new evidence.".into();
        let input = RevisionInput {
            article: self.article,
            base: Some(self.revision),
            draft_version: None,
            content,
            specialties: None,
            submit: true,
        };
        let saved = app
            .ctx(|ctx| editing::save_revision(ctx, &author.caller, &input))
            .unwrap_or_else(|e| panic!("cannot revise article {}: {e}", self.article));
        Built {
            article: saved.article,
            revision: saved.revision,
        }
    }
}
