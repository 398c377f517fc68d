//! The admin view of the outbox: what is queued, sent and failed, and retrying failures.

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, ServiceError, ServiceResult};
use crate::db::outbox::{self, MailStatus, OutboxRow};
use crate::db::{self, DbConn};
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;

/// One page of the outbox.
pub struct MailPage {
    pub rows: Vec<OutboxRow>,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    /// Where the next (older) page starts, if there is one.
    pub older: Option<i64>,
}

pub fn page(
    conn: &mut DbConn,
    caller: &Caller,
    status: Option<MailStatus>,
    before: Option<i64>,
    limit: i64,
) -> ServiceResult<MailPage> {
    caller.require(Role::Admin)?;
    let (rows, more) = db::split_page(outbox::list(conn, status, before, limit + 1)?, limit);
    let older = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let (queued, sent, failed) = outbox::counts(conn)?;
    Ok(MailPage {
        rows,
        queued,
        sent,
        failed,
        older,
    })
}

/// Puts a failed message back in the queue; audited.
pub fn retry(conn: &mut DbConn, caller: &Caller, id: i64) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    db::write_tx(conn, |conn| {
        let row = outbox::find(conn, id)?.ok_or(ServiceError::NotFound("No such message."))?;
        if !outbox::retry_failed(conn, id, db::now())? {
            return Err(ServiceError::Conflict(format!(
                "Message {id} is {}, not failed, so there is nothing to retry.",
                row.status().as_str()
            )));
        }
        audit::record(
            conn,
            &caller.actor,
            Event::new(AuditAction::MailRetried)
                .details(json!({ "mail": id, "to": row.recipient, "subject": row.subject })),
        )?;
        Ok(())
    })?;
    crate::mail::wake();
    Ok(())
}
