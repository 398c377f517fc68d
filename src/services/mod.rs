//! Use cases. Each public function is one thing a person or the system does: it checks its
//! caller, loads what it needs, asks the domain rules, and writes the change together with
//! its audit row and queued mail in one transaction ([`Ctx::write`]), whose effects reach
//! the page cache and the mail worker once it commits.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod board;
pub mod checklist;
pub mod conversation;
pub mod delivery;
pub mod diffs;
pub mod editing;
pub mod env;
pub mod error;
pub mod health;
pub mod housekeeping;
pub mod mailbox;
pub mod merging;
pub mod notify;
pub mod passwords;
pub mod public;
pub mod publishing;
pub mod rankings;
pub mod read;
pub mod recertifying;
pub mod reviewing;
pub mod round;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod specialties;
pub mod tokens;
pub mod visitors;
pub mod webhooks;

pub use env::{Claim, Ctx, Env, Signals};
pub use error::{Failure, Missing, Refusal, RefusalKind, ServiceError, ServiceResult};

use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;

/// Who is acting, and from where, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// The actor's email, "system" or "anonymous": kept in the row so the log reads on its own.
    pub label: String,
    pub client_addr: Option<String>,
}

impl Actor {
    /// The server itself, or an operator at the command line.
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".into(),
            client_addr: None,
        }
    }

    /// Someone not signed in.
    pub fn anonymous(client_addr: &str) -> Self {
        Self {
            user_id: None,
            label: "anonymous".into(),
            client_addr: Some(client_addr.to_owned()),
        }
    }

    pub fn user(id: UserId, email: &str, client_addr: &str) -> Self {
        Self {
            user_id: Some(id),
            label: email.to_owned(),
            client_addr: Some(client_addr.to_owned()),
        }
    }
}

/// Who starts a use case: a signed-in person with their roles, or the system (an operator
/// at the command line, who acts as an admin and is nobody in particular). Every use case a
/// person starts takes one and checks it: deny by default.
#[derive(Debug, Clone)]
pub struct Caller {
    person: Option<UserId>,
    roles: RoleSet,
    actor: Actor,
}

impl Caller {
    /// A signed-in person.
    pub fn person(id: UserId, roles: RoleSet, actor: Actor) -> Self {
        Self {
            person: Some(id),
            roles,
            actor,
        }
    }

    /// The command line, and the server's own jobs: admin rights, no account.
    pub fn system() -> Self {
        Self {
            person: None,
            roles: [Role::Admin].into_iter().collect(),
            actor: Actor::system(),
        }
    }

    /// The account acting, if a person is.
    pub fn id(&self) -> Option<UserId> {
        self.person
    }

    /// The account acting; refuses for the system (writing and reviewing are done by people).
    pub fn me(&self) -> ServiceResult<UserId> {
        self.person.ok_or(Refusal::PersonRequired.into())
    }

    /// Whether the caller is the account `id`.
    pub fn is(&self, id: UserId) -> bool {
        self.person == Some(id)
    }

    pub fn roles(&self) -> &RoleSet {
        &self.roles
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// Refuses unless the caller holds `role`. The one permission check.
    pub fn require(&self, role: Role) -> ServiceResult<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(Refusal::RoleRequired(role).into())
        }
    }

    /// Workspace pages are for people with at least one role.
    pub fn require_any_role(&self) -> ServiceResult<()> {
        if self.roles.is_empty() {
            Err(Refusal::NoRole.into())
        } else {
            Ok(())
        }
    }
}
