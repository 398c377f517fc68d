//! Why a use case did not happen, as types. Each refusal's `Display` is the sentence the
//! person acting reads, and its variant (not its wording) decides how the web answers:
//! nobody parses a message to find out what went wrong.

use chrono::NaiveDateTime;

use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::workflow::WorkflowError;
use crate::ids::RevisionId;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input has problems; each names its field. Nothing was changed.
    #[error("{0}")]
    Invalid(#[from] Problems),
    /// The use case refuses: the caller may not, or things are not in a state that allows it.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The workflow refuses the action (who may act, or when).
    #[error("{0}")]
    Workflow(#[from] WorkflowError),
    /// What the request names does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(#[from] Missing),
    /// Someone else changed the same thing at the same moment, more often than retrying
    /// could absorb.
    #[error("Someone else changed this at the same moment. Reload the page and try again.")]
    Contended,
    /// The request's `Idempotency-Key` was recorded by another request's write meanwhile
    /// (`Ctx::claim`): the first request's answer is the one to give.
    #[error(
        "A request with this Idempotency-Key is already being answered. Try again in a moment."
    )]
    KeyUsed,
    /// Too many failed attempts; the next is accepted after this many seconds.
    #[error(
        "Too many failed sign-in attempts. Try again in {} minute{}.",
        minutes(*.retry_after_seconds),
        if minutes(*.retry_after_seconds) == 1 { "" } else { "s" }
    )]
    Throttled { retry_after_seconds: i64 },
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database unavailable: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    /// Something that should not fail did; the cause is for the log, not for the person.
    #[error("{0}")]
    Failed(#[from] Failure),
}

fn minutes(seconds: i64) -> i64 {
    (seconds + 59) / 60
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// Lost to a concurrent writer: worth retrying from fresh reads. A PostgreSQL deadlock
    /// (two transactions each holding a lock the other waits for; the server aborts one) is
    /// such a race too.
    pub(super) fn is_race(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            ServiceError::Contended => true,
            ServiceError::Database(Error::DatabaseError(kind, info)) => {
                matches!(
                    kind,
                    DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure
                ) || info.message().starts_with("deadlock detected")
            }
            _ => false,
        }
    }
}

/// How a refusal is answered: the caller may not (403), the thing is not in a state that
/// allows it (409), or it was usable once and no longer is (410).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Forbidden,
    Conflict,
    Gone,
}

/// A use case refusing, for a reason the person acting can understand and often fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This needs the {} role.", .0.label().to_lowercase())]
    RoleRequired(Role),
    #[error("Your account has no role yet. Ask an admin to give you one.")]
    NoRole,
    #[error("This must be done by a signed-in person.")]
    PersonRequired,
    #[error("An account with the email {0} already exists.")]
    EmailTaken(String),
    #[error("This is the only active admin. Make someone else an admin first.")]
    LastAdmin,
    #[error("You cannot deactivate your own account.")]
    OwnAccount,
    #[error("{0} is already deactivated.")]
    AlreadyDeactivated(String),
    #[error("{0} is already active.")]
    AlreadyActive(String),
    #[error("{0} is deactivated. Reactivate the account first.")]
    Deactivated(String),
    #[error(
        "Revision {number} of this article was submitted after the revision you started from, so nothing was saved. Open the editor and save again: your text is merged with revision {number} there, and you see the result before anything is stored."
    )]
    ArticleMoved { newer: RevisionId, number: i32 },
    #[error(
        "Only the person who started this thread, or the author answering it, can resolve or reopen it."
    )]
    NotYourThread,
    #[error("This thread is already resolved.")]
    ThreadAlreadyResolved,
    #[error("This thread is already open.")]
    ThreadAlreadyOpen,
    #[error(
        "Revision {number} was submitted while you were choosing, so the merge changed. Choose again below: nothing was saved."
    )]
    MergeMoved { number: i32 },
    #[error(
        "Your draft was saved from another window since you opened this page. Your text is below: save again to replace that version with it."
    )]
    DraftChanged,
    #[error("Too many articles share this title. Change the title a little.")]
    TitleTaken,
    #[error("This article has been published, so its address can no longer change.")]
    AddressFixed,
    #[error("Another article already uses the address '{0}'.")]
    AddressTaken(String),
    #[error("This article is already retracted.")]
    AlreadyRetracted,
    #[error("This article has never been published, so there is nothing to retract.")]
    NeverPublished,
    #[error("{0} is already assigned.")]
    AlreadyAssigned(String),
    #[error("Message {id} is {status}, not failed, so there is nothing to retry.")]
    NotFailed { id: i64, status: &'static str },
    #[error(
        "Someone changed the settings since you opened this page. Your changes are shown below; save again to keep them."
    )]
    SettingsChanged,
    #[error("The database already has accounts; the demo only fills an empty one.")]
    NotEmpty,
    #[error(
        "This link has already been used. Each link works once: sign in, or ask an admin for a new link."
    )]
    LinkUsed,
    #[error("This link expired on {} UTC. Ask an admin for a new one.", .0.format("%Y-%m-%d %H:%M"))]
    LinkExpired(NaiveDateTime),
    #[error("This account is deactivated, so its links no longer work.")]
    LinkAccountDeactivated,
    #[error("Setup is already complete: an admin account exists. Sign in instead.")]
    SetupComplete,
    #[error(
        "The search results changed since the previous page (an article was published, changed or retracted): start again from the first page."
    )]
    ResultsChanged,
    #[error("This token is already revoked.")]
    TokenAlreadyRevoked,
    #[error(
        "This revision changed since you read it (it is at version {now}, not {expected}): read it again and decide on what it is now. Nothing was done."
    )]
    RevisionChanged { expected: i64, now: i64 },
    #[error("This webhook is already {}.", if *.0 { "on" } else { "off" })]
    WebhookAlready(bool),
    #[error("This delivery was not given up, so there is nothing to retry.")]
    DeliveryNotFailed,
    #[error("The specialty '{0}' is already on the list.")]
    SpecialtyTaken(String),
    #[error(
        "This article is not on the public site (never published, or retracted), so there is no published version to re-certify."
    )]
    NotLive,
}

impl Refusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Refusal::RoleRequired(_)
            | Refusal::NoRole
            | Refusal::PersonRequired
            | Refusal::NotYourThread => RefusalKind::Forbidden,
            Refusal::LinkUsed
            | Refusal::LinkExpired(_)
            | Refusal::LinkAccountDeactivated
            | Refusal::SetupComplete => RefusalKind::Gone,
            Refusal::EmailTaken(_)
            | Refusal::LastAdmin
            | Refusal::OwnAccount
            | Refusal::AlreadyDeactivated(_)
            | Refusal::AlreadyActive(_)
            | Refusal::Deactivated(_)
            | Refusal::ArticleMoved { .. }
            | Refusal::ThreadAlreadyResolved
            | Refusal::ThreadAlreadyOpen
            | Refusal::MergeMoved { .. }
            | Refusal::DraftChanged
            | Refusal::TitleTaken
            | Refusal::AddressFixed
            | Refusal::AddressTaken(_)
            | Refusal::AlreadyRetracted
            | Refusal::NeverPublished
            | Refusal::AlreadyAssigned(_)
            | Refusal::NotFailed { .. }
            | Refusal::SettingsChanged
            | Refusal::NotEmpty
            | Refusal::ResultsChanged
            | Refusal::TokenAlreadyRevoked
            | Refusal::RevisionChanged { .. }
            | Refusal::WebhookAlready(_)
            | Refusal::DeliveryNotFailed
            | Refusal::SpecialtyTaken(_)
            | Refusal::NotLive => RefusalKind::Conflict,
        }
    }
}

/// What a request named that does not exist (or that the caller may not see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("No such article.")]
    Article,
    #[error("No such revision.")]
    Revision,
    #[error("No such account.")]
    Account,
    #[error("No such message.")]
    Message,
    #[error("No such comment.")]
    Comment,
    #[error("No such API token.")]
    Token,
    #[error("No such webhook.")]
    Webhook,
    #[error("No such webhook delivery.")]
    Delivery,
    #[error("No such specialty.")]
    Specialty,
    #[error("No such checklist item in force.")]
    ChecklistItem,
    #[error(
        "This link is not valid. Check that you copied all of it, or ask an admin for a new one."
    )]
    Link,
}

/// Something that should not fail did. Logged with its cause; the person sees a 500 page.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no randomness available: {0}")]
    Randomness(#[from] getrandom::Error),
    #[error("password hashing failed: {0}")]
    Hashing(argon2::password_hash::Error),
    #[error("cannot render a message: {0}")]
    Render(#[from] askama::Error),
    #[error("the signing key cannot be used: {0}")]
    Key(hmac::digest::InvalidLength),
    #[error("a blocking task did not finish: {0}")]
    Task(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot set up: {0}")]
    Setup(String),
}

impl From<crate::domain::accounts::InputError> for ServiceError {
    fn from(error: crate::domain::accounts::InputError) -> Self {
        ServiceError::Invalid(error.into())
    }
}
