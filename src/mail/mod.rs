//! Email. Every notification is first a row in the outbox, written in the transaction of the
//! event that causes it (`services::notify`); a worker (`worker`) sends due rows with lettre
//! over SMTP or into `.eml` files (`transport`), retrying with backoff and recording
//! failures. `messages` says what each notification says.

pub mod messages;
pub mod transport;
pub mod worker;

use std::sync::LazyLock;

use tokio::sync::Notify;

/// Rings when a transaction that queued mail has committed, so a worker in this process sends
/// it at once instead of at its next poll.
static QUEUED: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Call after committing a transaction that queued mail.
pub fn wake() {
    QUEUED.notify_one();
}

/// Waits for `wake`.
pub(crate) async fn queued() {
    QUEUED.notified().await;
}
