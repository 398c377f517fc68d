//! Periodic clean-up of rows that only matter for a while.

use super::ServiceResult;
use super::sessions::Timeouts;
use crate::db::{self, DbConn, login_attempts, sessions};
use crate::domain::throttle;

/// What one clean-up removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub login_attempts: usize,
}

/// Deletes expired sessions and sign-in attempts older than the throttling window.
pub fn purge(conn: &mut DbConn, timeouts: Timeouts) -> ServiceResult<Purged> {
    let now = db::now();
    db::write_tx(conn, |conn| {
        Ok(Purged {
            sessions: sessions::delete_expired(conn, now - timeouts.idle, now - timeouts.absolute)?,
            login_attempts: login_attempts::delete_older_than(conn, now - throttle::window() * 4)?,
        })
    })
}
