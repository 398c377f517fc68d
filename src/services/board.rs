//! The advisory board as the public sees it (`/board`), each reviewer's own entry on it
//! (their standing disclosure and whether they are listed), an admin hiding an entry, and
//! the reviewers named on an article with their declarations.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::reviews::{self, Approver};
use crate::db::users::{self, BoardRow, Name};
use crate::db::{self, DbConn, specialties};
use crate::domain::audit::AuditAction;
use crate::domain::disclosures::{Declaration, valid_disclosure};
use crate::domain::roles::Role;
use crate::ids::UserId;

/// One reviewer on the public board.
pub struct BoardMember {
    pub entry: BoardRow,
    pub specialties: Vec<String>,
    /// Articles with a published version they approved.
    pub articles_reviewed: i64,
}

/// The public board: listed reviewers with their specialties, disclosures and how many
/// articles they reviewed. Three queries, whatever its size (bounded by `users::BOARD_MAX`).
pub fn board(ctx: &mut Ctx<'_>) -> ServiceResult<Vec<BoardMember>> {
    let conn = ctx.conn();
    let rows = users::board(conn)?;
    let ids: Vec<UserId> = rows.iter().map(|r| r.id).collect();
    let mut held = specialties::of_users(conn, &ids)?;
    let counts = reviews::articles_reviewed(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|entry| BoardMember {
            specialties: held
                .remove(&entry.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.name)
                .collect(),
            articles_reviewed: counts.get(&entry.id).copied().unwrap_or(0),
            entry,
        })
        .collect())
}

/// A reviewer named on an article's page.
#[derive(Debug, Clone)]
pub struct NamedReviewer {
    pub id: UserId,
    pub name: Name,
    pub specialties: Vec<String>,
    /// What they declared about this article (`None`: approved before declarations were
    /// asked).
    pub declaration: Option<Declaration>,
    /// Listed on the public board: the name links to their entry.
    pub on_board: bool,
}

/// The approvers of a published version, in the order they approved, with their
/// specialties and declarations. Approvals on a published version stand, whoever has since
/// left the board.
pub fn named(conn: &mut DbConn, approvers: &[Approver]) -> ServiceResult<Vec<NamedReviewer>> {
    let ids: Vec<UserId> = approvers.iter().map(|a| a.id).collect();
    let names = users::names(conn, &ids)?;
    let mut held: BTreeMap<UserId, Vec<specialties::Specialty>> =
        specialties::of_users(conn, &ids)?;
    let listed: HashSet<UserId> = users::on_board(conn, &ids)?.into_iter().collect();
    Ok(approvers
        .iter()
        .filter_map(|a| {
            let name = names.get(&a.id)?.clone();
            Some(NamedReviewer {
                id: a.id,
                name,
                specialties: held
                    .remove(&a.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.name)
                    .collect(),
                declaration: a.declaration(),
                on_board: listed.contains(&a.id),
            })
        })
        .collect())
}

/// A reviewer's own board entry, as their form shows it.
pub struct OwnEntry {
    pub disclosure: String,
    pub disclosure_updated_at: Option<NaiveDateTime>,
    pub listed: bool,
    /// An admin hid the entry: it is not shown whatever the reviewer chooses.
    pub hidden: bool,
}

/// The caller's board entry. Reviewers only.
pub fn own_entry(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<OwnEntry> {
    caller.require(Role::Reviewer)?;
    let user = users::find_by_id(ctx.conn(), caller.me()?)?.ok_or(Missing::Account)?;
    Ok(OwnEntry {
        disclosure: user.disclosure,
        disclosure_updated_at: user.disclosure_updated_at,
        listed: user.board_listed,
        hidden: user.board_hidden,
    })
}

/// Saves the caller's standing disclosure (required; "None" is an answer) and whether they
/// are listed on the public board. A changed disclosure is dated and audited with its old
/// and new text. Returns whether anything changed. Reviewers only.
pub fn save_own_entry(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    disclosure: &str,
    listed: bool,
) -> ServiceResult<bool> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let disclosure = valid_disclosure(disclosure)?;
    ctx.write(|tx| {
        let user = users::find_by_id(tx, me)?.ok_or(Missing::Account)?;
        let changed_text = user.disclosure != disclosure;
        if !changed_text && user.board_listed == listed {
            return Ok(false);
        }
        let now = db::now();
        users::set_board_entry(tx, me, &disclosure, changed_text.then_some(now), listed)?;
        let mut events = Vec::new();
        if changed_text {
            events.push(
                Event::new(AuditAction::DisclosureChanged)
                    .target_user(me)
                    .details(json!({ "from": user.disclosure, "to": disclosure })),
            );
        }
        if user.board_listed != listed {
            events.push(
                Event::new(AuditAction::BoardListingChanged)
                    .target_user(me)
                    .details(json!({ "listed": listed })),
            );
        }
        audit::record_all(tx, caller.actor(), events)?;
        // The board and the articles naming this reviewer change.
        tx.public_content_changed();
        Ok(true)
    })
}

/// Hides an account from the public board, or shows it again. Admin only.
pub fn set_hidden(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    user_id: UserId,
    hidden: bool,
) -> ServiceResult<bool> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        if users::set_board_hidden(tx, user_id, hidden)? == 0 {
            return Ok(false);
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::BoardVisibilityChanged)
                .target_user(user_id)
                .details(json!({ "email": user.email, "hidden": hidden })),
        )?;
        tx.public_content_changed();
        Ok(true)
    })
}
