//! Periodic clean-up of rows that only matter for a while.

use super::sessions::Timeouts;
use super::{Ctx, ServiceResult};
use crate::db::{self, idempotency, login_attempts, sessions};
use crate::domain::throttle;

/// What one clean-up removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub login_attempts: usize,
    pub idempotency_keys: usize,
}

/// Deletes expired sessions, sign-in attempts older than the throttling window and API
/// idempotency keys older than a day.
/// Run by the server's housekeeping job.
pub fn purge(ctx: &mut Ctx<'_>, timeouts: Timeouts) -> ServiceResult<Purged> {
    let now = db::now();
    ctx.write(|tx| {
        Ok(Purged {
            sessions: sessions::delete_expired(tx, now - timeouts.idle, now - timeouts.absolute)?,
            login_attempts: login_attempts::delete_older_than(tx, now - throttle::window() * 4)?,
            idempotency_keys: idempotency::purge(tx, now - chrono::Duration::days(1))?,
        })
    })
}
