//! Checking the whole hash chain (`imprimatur audit verify`).

use crate::db::audit_log::{self, AuditFilter};
use crate::domain::audit::{ChainBreak, ChainVerifier};
use crate::domain::roles::Role;
use crate::ids::AuditId;
use crate::services::{Caller, Ctx, ServiceResult};

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { rows: i64, head: String },
    Broken(ChainBreak),
}

/// Walks the whole log in id order, in batches, checking every link and hash.
pub fn verify(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Verification> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    const BATCH: i64 = 1_000;
    let mut verifier = ChainVerifier::default();
    let mut after = AuditId(0);
    loop {
        let batch = audit_log::batch_after(conn, &AuditFilter::default(), after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for row in &batch {
            if let Err(broken) = verifier.check(&row.chained(), &row.row_hash) {
                return Ok(Verification::Broken(broken));
            }
        }
    }
    Ok(Verification::Intact {
        rows: verifier.rows_checked(),
        head: verifier.head().to_owned(),
    })
}
