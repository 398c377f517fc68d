//! Use cases. Each public function is one thing a person or the system does; it loads what it
//! needs, asks the domain rules, and writes the change together with its audit row in one
//! transaction.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod housekeeping;
pub mod passwords;
pub mod secrets;
pub mod sessions;

use crate::domain::accounts::InputError;
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

/// Why a use case did not happen. The message is for the person acting; causes that must not
/// reach them (database errors) are logged by the web layer.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(#[from] InputError),
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
