//! Personal API tokens: a person makes them for their own account, sees each secret once,
//! lists and revokes them; an admin sees and revokes anyone's. A request with a token acts
//! as its account, narrowed to the token's scopes (`domain::tokens`). Creation, revocation
//! and the first use from each new address are audited.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::audit::{self, Event};
use super::{Actor, Caller, Ctx, Env, Missing, Refusal, ServiceResult, secrets};
use crate::db::api_tokens::{self, ApiToken, NewApiToken};
use crate::db::{self, DbConn};
use crate::domain::audit::AuditAction;
use crate::domain::problems::Problems;
use crate::domain::roles::{Role, RoleSet};
use crate::domain::text;
use crate::domain::tokens::{
    self, Access, NAME_MAX_CHARS, SHOWN_CHARS, Scope, Scopes, TOKEN_PREFIX,
};
use crate::ids::{ApiTokenId, UserId};

/// The most tokens a list shows (newest first).
pub const LISTED: i64 = 100;

/// The longest a token may be valid, in days.
pub const MAX_DAYS: i64 = 3_650;

/// A use is recorded when the last was longer ago than this (or from another address):
/// not one write per request.
const USE_RECORDED_EVERY: Duration = Duration::seconds(60);

/// What the token form sends.
#[derive(Debug, Clone, Default)]
pub struct TokenInput {
    pub name: String,
    /// Scope names, one per ticked box.
    pub scopes: Vec<String>,
    /// Days until it expires; empty for never.
    pub expires_in_days: String,
}

/// A token as lists show it (never its secret).
#[derive(Debug, Clone)]
pub struct TokenView {
    pub token: ApiToken,
    pub scopes: Scopes,
    pub expired: bool,
}

impl TokenView {
    fn of(token: ApiToken, now: NaiveDateTime) -> Self {
        TokenView {
            scopes: Scopes::parse(&token.scopes),
            expired: token.expires_at.is_some_and(|at| at <= now),
            token,
        }
    }

    /// Usable now: neither revoked nor expired.
    pub fn is_active(&self) -> bool {
        self.token.revoked_at.is_none() && !self.expired
    }
}

/// A token just made: its secret, shown once and never stored.
#[derive(Debug, Clone)]
pub struct Created {
    pub secret: String,
    pub view: TokenView,
}

fn check(input: &TokenInput) -> Result<(String, Scopes, Option<i64>), Problems> {
    let mut problems = Problems::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        problems.push("name", "Give the token a name that says where it is used.");
    } else if name.chars().count() > NAME_MAX_CHARS {
        problems.push(
            "name",
            format!("A token's name has at most {NAME_MAX_CHARS} characters."),
        );
    } else if let Err(message) = text::check("name", &name) {
        problems.push("name", message);
    }
    let mut scopes = Vec::new();
    for value in &input.scopes {
        match Scope::parse(value) {
            Some(scope) => scopes.push(scope),
            None => problems.push("scopes", format!("There is no scope called '{value}'.")),
        }
    }
    let scopes: Scopes = scopes.into_iter().collect();
    if scopes.is_empty() && !problems.concerns("scopes") {
        problems.push("scopes", "Choose at least one scope.");
    }
    let days = match input.expires_in_days.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(days) if (1..=MAX_DAYS).contains(&days) => Some(days),
            _ => {
                problems.push(
                    "expires_in_days",
                    format!("The token expires after 1 to {MAX_DAYS} days, or never."),
                );
                None
            }
        },
    };
    if problems.is_empty() {
        Ok((name, scopes, days))
    } else {
        Err(problems)
    }
}

/// Makes a token for the caller's own account. The secret is in the answer only.
pub fn create(ctx: &mut Ctx<'_>, caller: &Caller, input: &TokenInput) -> ServiceResult<Created> {
    let me = caller.me()?;
    caller.require_any_role()?;
    let (name, scopes, days) = check(input)?;
    let secret = format!("{TOKEN_PREFIX}{}", secrets::random_token()?);
    let hash = secrets::hash_token(&secret);
    let prefix: String = secret.chars().take(SHOWN_CHARS).collect();
    let stored = scopes.stored();
    let token = ctx.write(|tx| {
        let now = db::now();
        let expires_at = days.map(|d| now + Duration::days(d));
        let id = api_tokens::insert(
            tx,
            &NewApiToken {
                user_id: me,
                name: &name,
                token_hash: &hash,
                prefix: &prefix,
                scopes: &stored,
                created_at: now,
                expires_at,
            },
        )?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::TokenCreated)
                .target_user(me)
                .details(json!({
                    "token_id": id,
                    "name": name,
                    "prefix": prefix,
                    "scopes": stored,
                    "expires_at": expires_at,
                })),
        )?;
        api_tokens::find(tx, id)?.ok_or(Missing::Token.into())
    })?;
    Ok(Created {
        secret,
        view: TokenView::of(token, db::now()),
    })
}

fn views(conn: &mut DbConn, user: UserId) -> ServiceResult<Vec<TokenView>> {
    let now = db::now();
    Ok(api_tokens::of_user(conn, user, LISTED)?
        .into_iter()
        .map(|t| TokenView::of(t, now))
        .collect())
}

/// The caller's own tokens, newest first.
pub fn list_own(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Vec<TokenView>> {
    let me = caller.me()?;
    views(ctx.conn(), me)
}

/// Another account's tokens, for an admin.
pub fn list_for(ctx: &mut Ctx<'_>, caller: &Caller, user: UserId) -> ServiceResult<Vec<TokenView>> {
    caller.require(Role::Admin)?;
    views(ctx.conn(), user)
}

/// Revokes a token: the caller's own, or anyone's for an admin. It stops working at once.
/// Returns the account it belonged to.
pub fn revoke(ctx: &mut Ctx<'_>, caller: &Caller, id: ApiTokenId) -> ServiceResult<UserId> {
    let me = caller.me()?;
    ctx.write(|tx| {
        let token = api_tokens::find(tx, id)?
            .filter(|t| t.user_id == me || caller.has(Role::Admin))
            .ok_or(Missing::Token)?;
        if !api_tokens::revoke(tx, id, me, db::now())? {
            return Err(Refusal::TokenAlreadyRevoked.into());
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::TokenRevoked)
                .target_user(token.user_id)
                .details(json!({ "token_id": id, "name": token.name, "prefix": token.prefix })),
        )?;
        Ok(token.user_id)
    })
}

/// A request's valid token, and the account it acts as.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub token: ApiTokenId,
    pub user: UserId,
    pub email: String,
    /// The account's roles now.
    pub roles: RoleSet,
    pub scopes: Scopes,
    pub client_addr: String,
}

impl Authenticated {
    /// The caller a request of this kind acts as: the account, narrowed to the token.
    pub fn caller(&self, access: Access) -> Caller {
        Caller::person(
            self.user,
            tokens::roles_for(&self.roles, &self.scopes, access),
            Actor::user(self.user, &self.email, &self.client_addr),
        )
    }
}

/// The token `secret` names, if it is valid now: not revoked, not expired, its account
/// active. Records the use (at most once a minute per token, and at once from a new
/// address, which is audited).
pub fn authenticate(
    env: &Env,
    secret: &str,
    client_addr: &str,
) -> ServiceResult<Option<Authenticated>> {
    if !tokens::looks_like_token(secret) {
        return Ok(None);
    }
    let hash = secrets::hash_token(secret);
    env.ctx(|ctx| {
        let Some((token, account, roles)) = api_tokens::find_by_hash(ctx.conn(), &hash)? else {
            return Ok(None);
        };
        let now = db::now();
        if token.revoked_at.is_some()
            || token.expires_at.is_some_and(|at| at <= now)
            || !account.is_active
        {
            return Ok(None);
        }
        let new_address = token.last_used_addr.as_deref() != Some(client_addr);
        let stale = token
            .last_used_at
            .is_none_or(|at| now - at >= USE_RECORDED_EVERY);
        if new_address || stale {
            let actor = Actor::user(account.id, &account.email, client_addr);
            ctx.write(|tx| {
                let seen = (token.last_used_at, token.last_used_addr.as_deref());
                // A concurrent request that recorded this use first has audited it.
                if api_tokens::record_use(tx, token.id, now, client_addr, seen)? && new_address {
                    audit::record(
                        tx,
                        &actor,
                        Event::new(AuditAction::TokenUsedFromNewAddress)
                            .target_user(account.id)
                            .details(json!({
                                "token_id": token.id,
                                "name": token.name,
                                "previous_address": token.last_used_addr,
                            })),
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(Some(Authenticated {
            token: token.id,
            user: account.id,
            email: account.email,
            roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
            scopes: Scopes::parse(&token.scopes),
            client_addr: client_addr.to_owned(),
        }))
    })
}
