//! Reading accounts (the admin's list and account pages, a person's own account) and a
//! person's own notification choices.

use serde_json::json;

use crate::db::users::{self, User, UserFilter};
use crate::domain::audit::AuditAction;
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;
use crate::services::audit::{self, Event};
use crate::services::{Caller, Ctx, Missing, ServiceResult};

/// An account with its roles, for lists and pages.
#[derive(Clone)]
pub struct Account {
    pub user: User,
    pub roles: RoleSet,
}

/// One page of accounts with their roles (two queries, whatever the page size). Admin only.
pub fn list(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    filter: &UserFilter,
    offset: i64,
    limit: i64,
) -> ServiceResult<(Vec<Account>, bool)> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    let (rows, more) = users::list_page(conn, filter, offset, limit)?;
    let ids: Vec<UserId> = rows.iter().map(|u| u.id).collect();
    let mut roles = users::roles_for(conn, &ids)?;
    let accounts = rows
        .into_iter()
        .map(|user| Account {
            roles: roles.remove(&user.id).unwrap_or_default(),
            user,
        })
        .collect();
    Ok((accounts, more))
}

/// One account. Admin only.
pub fn get(ctx: &mut Ctx<'_>, caller: &Caller, user_id: UserId) -> ServiceResult<Account> {
    caller.require(Role::Admin)?;
    load(ctx, user_id)
}

/// The caller's own account.
pub fn own(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Account> {
    load(ctx, caller.me()?)
}

fn load(ctx: &mut Ctx<'_>, user_id: UserId) -> ServiceResult<Account> {
    let conn = ctx.conn();
    let user = users::find_by_id(conn, user_id)?.ok_or(Missing::Account)?;
    let roles = users::roles_of(conn, user_id)?;
    Ok(Account { user, roles })
}

/// Records the caller's own notification choices (comment and review-date mail); audited.
pub fn set_notifications(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    comments: bool,
    review_due: bool,
) -> ServiceResult<()> {
    let me = caller.me()?;
    ctx.write(|tx| {
        users::set_notifications(tx, me, comments, review_due)?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::NotificationsChanged)
                .target_user(me)
                .details(json!({ "comments": comments, "review_due": review_due })),
        )?;
        Ok(())
    })
}
