//! `GET|POST /admin/users`, `GET|POST /admin/users/{id}`: accounts, invitations, roles,
//! deactivation and reset links. Admin only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::pages::{self, Chrome};
use super::session::Admin;
use crate::db::audit_log::{AuditFilter, AuditRow, Cursor};
use crate::db::users::UserFilter;
use crate::domain::audit::TargetKind;
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;
use crate::services::accounts::{self, Account, InviteInput, IssuedLink};
use crate::services::audit;

const PAGE_SIZE: i64 = 25;

/// A role checkbox: its value, label and whether it is ticked.
pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn role_choices(roles: &RoleSet) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            checked: roles.has(r),
        })
        .collect()
}

fn parse_roles(values: &[String]) -> Result<RoleSet, AppError> {
    values
        .iter()
        .map(|v| {
            Role::parse(v)
                .ok_or_else(|| AppError::BadRequest(format!("There is no role called '{v}'.")))
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<u32>,
}

/// What the invite form holds (kept when it has to be shown again).
#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credentials: String,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    chrome: Chrome,
    accounts: Vec<Account>,
    search: String,
    role_filter: String,
    role_options: Vec<RoleChoice>,
    page: u32,
    has_more: bool,
    invite: &'a InviteForm,
    invite_roles: Vec<RoleChoice>,
    error: Option<&'a str>,
}

impl UsersPage<'_> {
    fn page_link(&self, page: u32) -> String {
        let mut link = format!("/admin/users?page={page}");
        if !self.search.is_empty() {
            link.push_str(&format!("&q={}", forms::encode(&self.search)));
        }
        if !self.role_filter.is_empty() {
            link.push_str(&format!("&role={}", forms::encode(&self.role_filter)));
        }
        link
    }
}

async fn users_page(
    req: &HttpRequest,
    state: &AppState,
    admin: &Admin,
    invite: &InviteForm,
    error: Option<(StatusCode, &str)>,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = forms::query(req)?;
    let role =
        match forms::non_empty(query.role.clone()) {
            Some(name) => Some(Role::parse(&name).ok_or_else(|| {
                AppError::BadRequest(format!("There is no role called '{name}'."))
            })?),
            None => None,
        };
    let filter = UserFilter {
        search: forms::non_empty(query.q.clone()),
        role,
    };
    let page = query.page.unwrap_or(1).max(1);
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let list_filter = filter.clone();
    let caller = admin.caller();
    let (accounts, has_more) = state
        .db(move |ctx| accounts::list(ctx, &caller, &list_filter, offset, PAGE_SIZE))
        .await?;
    let invite_roles: RoleSet = invite.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let page_view = UsersPage {
        chrome: admin.chrome("users"),
        accounts,
        search: filter.search.unwrap_or_default(),
        role_filter: role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        role_options: role_choices(&role.into_iter().collect()),
        page,
        has_more,
        invite,
        invite_roles: role_choices(&invite_roles),
        error: error.map(|(_, m)| m),
    };
    let status = error.map_or(StatusCode::OK, |(s, _)| s);
    Ok(pages::html(status, &page_view))
}

/// `GET /admin/users`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    users_page(&req, &state, &admin, &InviteForm::default(), None).await
}

#[derive(Template)]
#[template(path = "admin/link_issued.html")]
struct LinkIssued<'a> {
    chrome: Chrome,
    heading: &'a str,
    explanation: &'a str,
    /// The link itself, shown only when mail does not leave by SMTP: then the admin passes
    /// it on. With SMTP configured it exists only in the email.
    link: Option<String>,
    expires_at: NaiveDateTime,
    user_id: Option<UserId>,
}

fn link_issued(
    admin: &Admin,
    state: &AppState,
    heading: &str,
    explanation: &str,
    link: &IssuedLink,
) -> HttpResponse {
    pages::ok(&LinkIssued {
        chrome: admin.chrome("users"),
        heading,
        explanation,
        link: state
            .config
            .smtp
            .is_none()
            .then(|| state.config.link(&link.path())),
        expires_at: link.expires_at,
        user_id: link.user_id,
    })
}

/// `POST /admin/users`: invite someone.
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.fields;
    let roles = match parse_roles(&typed.roles) {
        Ok(roles) => roles,
        Err(AppError::BadRequest(m)) => {
            return users_page(
                &req,
                &state,
                &admin,
                &typed,
                Some((StatusCode::BAD_REQUEST, &m)),
            )
            .await;
        }
        Err(other) => return Err(other),
    };
    let input = InviteInput {
        email: typed.email.clone(),
        display_name: typed.name.clone(),
        credentials: typed.credentials.clone(),
        roles,
    };
    let caller = admin.caller();
    match state
        .db(move |ctx| accounts::invite(ctx, &caller, &input))
        .await
    {
        Ok(link) => Ok(link_issued(
            &admin,
            &state,
            "Invitation created",
            &if state.config.smtp.is_some() {
                format!(
                    "We are emailing {} a link to choose a password. It works once.",
                    typed.email.trim()
                )
            } else {
                format!(
                    "Send this link to {} so they can choose a password. It works once.",
                    typed.email.trim()
                )
            },
            &link,
        )),
        Err(AppError::BadRequest(m)) => {
            users_page(
                &req,
                &state,
                &admin,
                &typed,
                Some((StatusCode::BAD_REQUEST, &m)),
            )
            .await
        }
        Err(AppError::Conflict(m)) => {
            users_page(
                &req,
                &state,
                &admin,
                &typed,
                Some((StatusCode::CONFLICT, &m)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage<'a> {
    chrome: Chrome,
    account: Account,
    is_self: bool,
    roles: Vec<RoleChoice>,
    history: Vec<AuditRow>,
    notice: Option<&'static str>,
    error: Option<&'a str>,
}

#[derive(Deserialize, Default)]
pub struct UserQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "roles" => Some("Roles saved."),
        "unchanged" => Some("Nothing changed: those were already the roles."),
        "deactivated" => Some("Account deactivated. Its sessions have ended."),
        "reactivated" => Some("Account reactivated."),
        _ => None,
    }
}

fn parse_id(raw: &str) -> Result<UserId, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(UserId)
        .ok_or_else(|| AppError::NotFound(format!("There is no account with the id '{raw}'.")))
}

async fn user_page(
    state: &AppState,
    admin: &Admin,
    user_id: UserId,
    notice: Option<&'static str>,
    error: Option<(StatusCode, &str)>,
) -> Result<HttpResponse, AppError> {
    let caller = admin.caller();
    let (account, history) = state
        .db(move |ctx| {
            let account = accounts::get(ctx, &caller, user_id)?;
            let filter = AuditFilter {
                target: Some((TargetKind::User.as_str().to_owned(), user_id.0)),
                ..AuditFilter::default()
            };
            let history = audit::page(ctx, &caller, &filter, Cursor::Newest, 10)?.rows;
            Ok((account, history))
        })
        .await?;
    let page = UserPage {
        chrome: admin.chrome("users"),
        is_self: account.user.id == admin.user.id,
        roles: role_choices(&account.roles),
        account,
        history,
        notice,
        error: error.map(|(_, m)| m),
    };
    Ok(pages::html(error.map_or(StatusCode::OK, |(s, _)| s), &page))
}

/// `GET /admin/users/{id}`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user_id = parse_id(&id)?;
    let query: UserQuery = forms::query(&req)?;
    user_page(&state, &admin, user_id, notice(query.done.as_deref()), None).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    roles: Vec<String>,
    confirm: Option<String>,
}

/// `POST /admin/users/{id}` with `action` = roles, deactivate, reactivate or reset.
pub async fn update(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<UpdateForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = parse_id(&id)?;
    let fields = form.fields;
    let caller = admin.caller();
    let back = |done: &str| pages::see_other(&format!("/admin/users/{user_id}?done={done}"));
    let outcome = match fields.action.as_str() {
        "roles" => {
            let roles = parse_roles(&fields.roles)?;
            state
                .db(move |ctx| accounts::change_roles(ctx, &caller, user_id, &roles))
                .await
                .map(|changed| back(if changed { "roles" } else { "unchanged" }))
        }
        "deactivate" => {
            if fields.confirm.as_deref() != Some("yes") {
                return user_page(
                    &state,
                    &admin,
                    user_id,
                    None,
                    Some((
                        StatusCode::BAD_REQUEST,
                        "Tick the box to confirm the deactivation. Nothing was changed.",
                    )),
                )
                .await;
            }
            state
                .db(move |ctx| accounts::deactivate(ctx, &caller, user_id))
                .await
                .map(|_| back("deactivated"))
        }
        "reactivate" => state
            .db(move |ctx| accounts::reactivate(ctx, &caller, user_id))
            .await
            .map(|()| back("reactivated")),
        "reset" => {
            let link = state
                .db(move |ctx| accounts::issue_reset_link(ctx, &caller, user_id))
                .await;
            link.map(|link| {
                link_issued(
                    &admin,
                    &state,
                    "Password reset link",
                    if state.config.smtp.is_some() {
                        "We are emailing the account's owner a link to choose a new password. It works once; earlier links for this account no longer work."
                    } else {
                        "Send this link to the account's owner. It works once; earlier links for this account no longer work."
                    },
                    &link,
                )
            })
        }
        other => Err(AppError::BadRequest(format!("Unknown action '{other}'."))),
    };
    match outcome {
        Err(AppError::Conflict(message)) => {
            user_page(
                &state,
                &admin,
                user_id,
                None,
                Some((StatusCode::CONFLICT, &message)),
            )
            .await
        }
        Err(AppError::BadRequest(message)) => {
            user_page(
                &state,
                &admin,
                user_id,
                None,
                Some((StatusCode::BAD_REQUEST, &message)),
            )
            .await
        }
        other => other,
    }
}
