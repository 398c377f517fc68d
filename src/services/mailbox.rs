//! The admin view of the outbox: what is queued, sent and failed, and retrying failures.

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Ctx, Missing, Refusal, ServiceResult};
use crate::db;
use crate::db::outbox::{self, MailLine, MailStatus};
use crate::domain::audit::AuditAction;
use crate::domain::roles::Role;

/// One page of the outbox.
pub struct MailPage {
    pub rows: Vec<MailLine>,
    pub queued: i64,
    pub failed: i64,
    /// Where the next (older) page starts, if there is one.
    pub older: Option<i64>,
}

pub fn page(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    status: Option<MailStatus>,
    before: Option<i64>,
    limit: i64,
) -> ServiceResult<MailPage> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    let (rows, more) = db::split_page(outbox::list(conn, status, before, limit + 1)?, limit);
    let older = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let (queued, failed) = outbox::counts(conn)?;
    Ok(MailPage {
        rows,
        queued,
        failed,
        older,
    })
}

/// Puts a failed message back in the queue (the worker is woken when it commits); audited.
pub fn retry(ctx: &mut Ctx<'_>, caller: &Caller, id: i64) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let row = outbox::find(tx, id)?.ok_or(Missing::Message)?;
        if !outbox::retry_failed(tx, id, db::now())? {
            return Err(Refusal::NotFailed {
                id,
                status: row.status().as_str(),
            }
            .into());
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::MailRetried)
                .details(json!({ "mail": id, "to": row.recipient, "subject": row.subject })),
        )?;
        Ok(())
    })
}
