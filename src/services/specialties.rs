//! The specialties an admin keeps, and which reviewers hold them.

use std::collections::BTreeSet;

use serde_json::json;

use super::audit::{self, Event};
use super::{Caller, Ctx, Missing, Refusal, ServiceResult};
use crate::db::specialties::{self as rows, Specialty};
use crate::db::{self, DbConn, users};
use crate::domain::audit::AuditAction;
use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::specialties::{MAX_COUNT, valid_name};
use crate::ids::{SpecialtyId, UserId};

/// A specialty as a box on a form: ticked or not.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: SpecialtyId,
    pub name: String,
    pub checked: bool,
}

/// The whole list as boxes, with `chosen` ticked.
pub fn choices(all: Vec<Specialty>, chosen: &BTreeSet<SpecialtyId>) -> Vec<Choice> {
    all.into_iter()
        .map(|s| Choice {
            checked: chosen.contains(&s.id),
            id: s.id,
            name: s.name,
        })
        .collect()
}

/// What an admin sees on an account page: the whole list, with the account's ticked.
/// Admin only.
pub fn for_account(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    user_id: UserId,
) -> ServiceResult<Vec<Choice>> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    let held: BTreeSet<SpecialtyId> = rows::of_user(conn, user_id)?
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok(choices(rows::all(conn)?, &held))
}

/// The whole list. Anyone in the workspace (the editor and the queue offer it).
pub fn list(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Vec<Specialty>> {
    caller.require_any_role()?;
    Ok(rows::all(ctx.conn())?)
}

/// What the editor offers: the whole list, and the article's specialties (none for a new
/// article). Editors only; the article must be one the caller may see.
pub fn for_editor(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    article: Option<crate::ids::ArticleId>,
) -> ServiceResult<(Vec<Specialty>, BTreeSet<SpecialtyId>)> {
    caller.require(Role::Editor)?;
    let conn = ctx.conn();
    let all = rows::all(conn)?;
    let chosen = match article {
        Some(article) if !all.is_empty() => rows::of_article(conn, article)?
            .into_iter()
            .map(|s| s.id)
            .collect(),
        _ => BTreeSet::new(),
    };
    Ok((all, chosen))
}

/// The list with who holds each, for the admin's page. Admin only.
pub fn with_holders(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
) -> ServiceResult<Vec<(Specialty, Vec<String>)>> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    let mut holders = rows::holder_names(conn)?;
    Ok(rows::all(conn)?
        .into_iter()
        .map(|s| {
            let names = holders.remove(&s.id).unwrap_or_default();
            (s, names)
        })
        .collect())
}

/// Adds a specialty to the list. Admin only.
pub fn add(ctx: &mut Ctx<'_>, caller: &Caller, name: &str) -> ServiceResult<SpecialtyId> {
    caller.require(Role::Admin)?;
    let name = valid_name(name)?;
    ctx.write(|tx| {
        if let Some(existing) = rows::find_by_name(tx, &name)? {
            return Err(Refusal::SpecialtyTaken(existing.name).into());
        }
        if rows::count(tx)? >= MAX_COUNT {
            return Err(Problems::one(
                "name",
                format!("The list is full ({MAX_COUNT} specialties): remove one first."),
            )
            .into());
        }
        let id = rows::insert(tx, &name, db::now())?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::SpecialtyAdded)
                .target_settings()
                .details(json!({ "specialty_id": id, "name": name })),
        )?;
        Ok(id)
    })
}

/// Removes a specialty: the reviewers and articles holding it no longer do. Admin only.
pub fn remove(ctx: &mut Ctx<'_>, caller: &Caller, id: SpecialtyId) -> ServiceResult<Specialty> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let specialty = rows::find(tx, id)?.ok_or(Missing::Specialty)?;
        let (reviewers, articles) = rows::remove(tx, id)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::SpecialtyRemoved)
                .target_settings()
                .details(json!({
                    "specialty_id": id,
                    "name": specialty.name,
                    "reviewers": reviewers,
                    "articles": articles,
                })),
        )?;
        Ok(specialty)
    })
}

/// The specialties among `ids` that exist; an id that does not is a problem in `field`.
pub fn chosen(
    conn: &mut DbConn,
    field: &'static str,
    ids: &BTreeSet<SpecialtyId>,
) -> ServiceResult<Vec<Specialty>> {
    let list: Vec<SpecialtyId> = ids.iter().copied().collect();
    let found = rows::existing(conn, &list)?;
    if found.len() != ids.len() {
        return Err(Problems::one(
            field,
            "One of the chosen specialties is no longer on the list: reload the page and choose again.",
        )
        .into());
    }
    Ok(found)
}

fn names(list: &[Specialty]) -> Vec<&str> {
    list.iter().map(|s| s.name.as_str()).collect()
}

/// Replaces the specialties a reviewer holds. Returns whether anything changed. Admin only.
pub fn set_for_user(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    user_id: UserId,
    ids: &BTreeSet<SpecialtyId>,
) -> ServiceResult<bool> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let user = users::find_by_id(tx, user_id)?.ok_or(Missing::Account)?;
        let after = chosen(tx, "specialty", ids)?;
        let before = rows::of_user(tx, user_id)?;
        if before == after {
            return Ok(false);
        }
        rows::set_for_user(tx, user_id, ids)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::UserSpecialtiesChanged)
                .target_user(user_id)
                .details(json!({
                    "email": user.email,
                    "from": names(&before),
                    "to": names(&after),
                })),
        )?;
        Ok(true)
    })
}

/// Sets an article's specialties inside the transaction saving its revision; returns the
/// audit event when they changed.
pub(crate) fn set_for_article(
    tx: &mut db::Tx<'_>,
    article: crate::ids::ArticleId,
    ids: &BTreeSet<SpecialtyId>,
) -> ServiceResult<Option<Event>> {
    let after = chosen(tx, "specialty", ids)?;
    let before = rows::of_article(tx, article)?;
    if before == after {
        return Ok(None);
    }
    rows::set_for_article(tx, article, ids)?;
    Ok(Some(
        Event::new(AuditAction::ArticleSpecialtiesChanged)
            .target_article(article)
            .details(json!({ "from": names(&before), "to": names(&after) })),
    ))
}
