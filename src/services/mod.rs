//! Use cases. Each public function is one thing a person or the system does; it loads what it
//! needs, asks the domain rules, and writes the change together with its audit row in one
//! transaction.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod diffs;
pub mod editing;
pub mod housekeeping;
pub mod mailbox;
pub mod notify;
pub mod passwords;
pub mod public;
pub mod publishing;
pub mod reviewing;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod views;

use crate::domain::accounts::InputError;
use crate::domain::content::ContentErrors;
use crate::domain::roles::{Role, RoleSet};
use crate::domain::workflow::WorkflowError;
use crate::ids::{RevisionId, UserId};

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

/// Why a use case did not happen. The message is for the person acting; causes that must not
/// reach them (database errors) are logged by the web layer.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(#[from] InputError),
    #[error("{0}")]
    InvalidContent(#[from] ContentErrors),
    /// Input that cannot be acted on, described for the person who sent it.
    #[error("{0}")]
    BadInput(String),
    /// The workflow refuses the action (who may act, or when).
    #[error("{0}")]
    Workflow(#[from] WorkflowError),
    /// A newer revision was submitted since the one this work started from.
    #[error("Revision {number} of this article was submitted since you started from an older one.")]
    ArticleMoved { newer: RevisionId, number: i32 },
    /// Someone else changed the same thing at the same moment, more often than retrying
    /// could absorb.
    #[error("Someone else changed this at the same moment. Reload the page and try again.")]
    Contended,
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// A link or resource that existed and is no longer usable.
    #[error("{0}")]
    Gone(String),
    #[error("too many attempts; try again in {seconds} s")]
    Throttled { seconds: i64, message: String },
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database unavailable: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A signed-in person acting in the workspace: who they are, what roles they hold, and how
/// the audit log names them.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: UserId,
    pub roles: RoleSet,
    pub actor: Actor,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// Refuses with a clear message unless the caller holds `role`.
    pub fn require(&self, role: Role) -> ServiceResult<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(format!(
                "This needs the {} role.",
                role.label().to_lowercase()
            )))
        }
    }

    /// Workspace pages are for people with at least one role.
    pub fn require_any_role(&self) -> ServiceResult<()> {
        if self.roles.is_empty() {
            Err(ServiceError::Forbidden(
                "Your account has no role yet. Ask an admin to give you one.".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// Runs a write transaction, and runs it again (up to five times in all) when it lost a
/// compare-and-set race or a uniqueness race to a concurrent writer: each run starts from
/// fresh reads, so the retried action is decided on what is true now.
pub fn with_retry<T>(
    conn: &mut crate::db::DbConn,
    mut work: impl FnMut(&mut crate::db::DbConn) -> ServiceResult<T>,
) -> ServiceResult<T> {
    const ATTEMPTS: usize = 5;
    let mut attempt = 1;
    loop {
        match crate::db::write_tx(conn, |conn| work(conn)) {
            Err(error) if attempt < ATTEMPTS && error.is_race() => attempt += 1,
            Err(error) if error.is_race() => return Err(ServiceError::Contended),
            other => return other,
        }
    }
}

impl ServiceError {
    /// Lost to a concurrent writer: worth retrying from fresh reads.
    fn is_race(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            ServiceError::Contended
                | ServiceError::Database(Error::DatabaseError(
                    DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure,
                    _
                ))
        )
    }
}
