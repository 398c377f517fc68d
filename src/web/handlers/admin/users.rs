//! `GET|POST /admin/users`: the accounts, 25 a page, filtered by name, email and role, and
//! the invitation form. Admin only. One account's page is in `user`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::link_issued::link_issued;
use crate::db::users::UserFilter;
use crate::domain::problems::Problems;
use crate::domain::roles::{Role, RoleSet};
use crate::filters;
use crate::services::accounts::{self, Account, InviteInput};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form, show_again};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::render::{self, Chrome, Pager};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 25;

/// A role checkbox: its value, label and whether it is ticked.
pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub fn role_choices(roles: &RoleSet) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            checked: roles.has(r),
        })
        .collect()
}

/// The roles ticked in a form; an unknown one is a problem with the field `roles`.
pub fn parse_roles(values: &[String]) -> Result<RoleSet, Problems> {
    values
        .iter()
        .map(|v| {
            Role::parse(v)
                .ok_or_else(|| Problems::one("roles", format!("There is no role called '{v}'.")))
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
    role_options: Vec<RoleChoice>,
    pager: Pager,
    invite: &'a InviteForm,
    invite_roles: Vec<RoleChoice>,
    rejected: Option<Rejected>,
}

impl UsersPage<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.rejected.as_ref().is_some_and(|r| r.concerns(field))
    }
}

async fn users_page(
    req: &HttpRequest,
    state: &AppState,
    admin: &Admin,
    invite: &InviteForm,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = forms::query(req)?;
    let role_name = forms::non_empty(query.role.clone()).unwrap_or_default();
    let role =
        match role_name.as_str() {
            "" => None,
            name => Some(Role::parse(name).ok_or_else(|| {
                AppError::BadRequest(format!("There is no role called '{name}'."))
            })?),
        };
    let search = forms::non_empty(query.q.clone()).unwrap_or_default();
    let filter = UserFilter {
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        role,
    };
    let page = forms::page_number(query.page);
    let offset = forms::offset(page, PAGE_SIZE);
    let caller = admin.caller();
    let (accounts, has_more) = state
        .db(move |ctx| accounts::list(ctx, &caller, &filter, offset, PAGE_SIZE))
        .await?;
    let invite_roles: RoleSet = invite.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let link = |page: u32| {
        let page = page.to_string();
        urls::with_query(
            &urls::users(),
            &[("page", &page), ("q", &search), ("role", &role_name)],
        )
    };
    let chrome = match &rejected {
        Some(rejected) => admin.chrome("users").with_alerts(rejected.messages()),
        None => admin.chrome("users"),
    };
    Ok(render::ok(&UsersPage {
        chrome,
        accounts,
        pager: Pager::numbered(page, has_more, link, true),
        search,
        role_options: role_choices(&role.into_iter().collect()),
        invite,
        invite_roles: role_choices(&invite_roles),
        rejected,
    }))
}

/// `GET /admin/users`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    users_page(&req, &state, &admin, &InviteForm::default(), None).await
}

/// `POST /admin/users`: invite someone.
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.fields;
    let again = |rejected| users_page(&req, &state, &admin, &typed, Some(rejected));
    let roles = match parse_roles(&typed.roles) {
        Ok(roles) => roles,
        Err(problems) => return show_again(Rejected::invalid(problems), again).await,
    };
    let input = InviteInput {
        email: typed.email.clone(),
        display_name: typed.name.clone(),
        credentials: typed.credentials.clone(),
        roles,
    };
    let caller = admin.caller();
    let outcome = state
        .db(move |ctx| accounts::invite(ctx, &caller, &input))
        .await;
    let email = typed.email.trim();
    let explanation = if state.config.smtp.is_some() {
        format!("We are emailing {email} a link to choose a password. It works once.")
    } else {
        format!("Send this link to {email} so they can choose a password. It works once.")
    };
    answer_form(
        outcome,
        |link| link_issued(&admin, &state, "Invitation created", &explanation, &link),
        again,
    )
    .await
}
