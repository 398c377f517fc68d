//! `GET|POST /admin/users/{id}`: one account, its roles, access (reset link, deactivation)
//! and recent audit rows. Admin only.

use std::collections::BTreeSet;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::link_issued::link_issued;
use super::users::{RoleChoice, parse_roles, role_choices};
use crate::db::audit_log::{AuditFilter, AuditRow, Cursor};
use crate::domain::audit::TargetKind;
use crate::domain::problems::Problems;
use crate::filters;
use crate::ids::{SpecialtyId, UserId};
use crate::services::accounts::{self, Account};
use crate::services::tokens::{self, TokenView};
use crate::services::{ServiceResult, audit, board, specialties};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    chrome: Chrome,
    account: Account,
    is_self: bool,
    roles: Vec<RoleChoice>,
    history: Vec<AuditRow>,
    /// The account's API tokens, with forms to revoke them (back to this page).
    tokens: Vec<TokenView>,
    /// The site's specialties, the account's ticked.
    specialties: Vec<specialties::Choice>,
    return_to: String,
}

async fn user_page(
    state: &AppState,
    admin: &Admin,
    user_id: UserId,
    rejected: Option<Rejected>,
) -> Result<HttpResponse, AppError> {
    let caller = admin.caller();
    let (account, history, tokens, specialties) = state
        .db(move |ctx| {
            let account = accounts::get(ctx, &caller, user_id)?;
            let tokens = tokens::list_for(ctx, &caller, user_id)?;
            let specialties = specialties::for_account(ctx, &caller, user_id)?;
            let filter = AuditFilter {
                target: Some((TargetKind::User.as_str().to_owned(), user_id.0)),
                ..AuditFilter::default()
            };
            let history = audit::page(ctx, &caller, &filter, Cursor::Newest, 10)?.rows;
            Ok((account, history, tokens, specialties))
        })
        .await?;
    let chrome = match rejected {
        Some(rejected) => admin.chrome("users").with_alerts(rejected.messages()),
        None => admin.chrome("users"),
    };
    Ok(render::ok(&UserPage {
        chrome,
        is_self: account.user.id == admin.user.id,
        roles: role_choices(&account.roles),
        account,
        history,
        tokens,
        specialties,
        return_to: urls::user(user_id),
    }))
}

fn user_id(raw: &str) -> Result<UserId, AppError> {
    forms::path_id(raw, "account").map(UserId)
}

/// `GET /admin/users/{id}`
pub async fn show(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user_page(&state, &admin, user_id(&id)?, None).await
}

/// What the forms on the account page do.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserAction {
    Roles,
    Specialties,
    Board,
    Deactivate,
    Reactivate,
    Reset,
}

impl UserAction {
    /// Every form of the account page (the attack suite posts each).
    pub const ALL: [UserAction; 6] = [
        UserAction::Roles,
        UserAction::Specialties,
        UserAction::Board,
        UserAction::Deactivate,
        UserAction::Reactivate,
        UserAction::Reset,
    ];

    /// The value of the form's `action` field.
    pub fn as_str(self) -> &'static str {
        match self {
            UserAction::Roles => "roles",
            UserAction::Specialties => "specialties",
            UserAction::Board => "board",
            UserAction::Deactivate => "deactivate",
            UserAction::Reactivate => "reactivate",
            UserAction::Reset => "reset",
        }
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    action: UserAction,
    #[serde(default)]
    roles: Vec<String>,
    /// Specialty ids, one per ticked box.
    #[serde(default)]
    specialty: Vec<String>,
    /// For board: `yes` hides the account from the public board, `no` shows it.
    #[serde(default)]
    hidden: String,
    confirm: Option<String>,
}

/// `POST /admin/users/{id}` with `action` = roles, deactivate, reactivate or reset.
pub async fn update(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    form: CsrfForm<UpdateForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = user_id(&id)?;
    let fields = form.fields;
    let caller = admin.caller();
    let again = |rejected| user_page(&state, &admin, user_id, Some(rejected));
    let back = |notice: Notice| render::see_other(&notice.after(&urls::user(user_id)));
    match fields.action {
        UserAction::Roles => {
            let outcome: ServiceResult<bool> = match parse_roles(&fields.roles) {
                Ok(roles) => {
                    state
                        .db(move |ctx| accounts::change_roles(ctx, &caller, user_id, &roles))
                        .await
                }
                Err(problems) => Err(problems.into()),
            };
            let done = |changed| {
                back(if changed {
                    Notice::RolesSaved
                } else {
                    Notice::RolesUnchanged
                })
            };
            answer_form(outcome, done, again).await
        }
        UserAction::Specialties => {
            let ids: BTreeSet<SpecialtyId> = forms::ids(&fields.specialty, "specialty")?
                .into_iter()
                .map(SpecialtyId)
                .collect();
            let outcome = state
                .db(move |ctx| specialties::set_for_user(ctx, &caller, user_id, &ids))
                .await;
            answer_form(outcome, |_| back(Notice::SpecialtiesSaved), again).await
        }
        UserAction::Board => {
            let outcome = match fields.hidden.trim() {
                "yes" => Ok(true),
                "no" => Ok(false),
                _ => Err(Problems::one(
                    "hidden",
                    "Choose whether to hide the account from the public board.",
                )
                .into()),
            };
            let outcome = match outcome {
                Ok(hidden) => {
                    state
                        .db(move |ctx| board::set_hidden(ctx, &caller, user_id, hidden))
                        .await
                }
                Err(error) => Err(error),
            };
            answer_form(outcome, |_| back(Notice::BoardVisibilitySaved), again).await
        }
        UserAction::Deactivate => {
            let outcome = if forms::confirmed(fields.confirm.as_deref()) {
                state
                    .db(move |ctx| accounts::deactivate(ctx, &caller, user_id))
                    .await
            } else {
                Err(Problems::one(
                    "confirm",
                    "Tick the box to confirm the deactivation. Nothing was changed.",
                )
                .into())
            };
            answer_form(outcome, |_| back(Notice::Deactivated), again).await
        }
        UserAction::Reactivate => {
            let outcome = state
                .db(move |ctx| accounts::reactivate(ctx, &caller, user_id))
                .await;
            answer_form(outcome, |()| back(Notice::Reactivated), again).await
        }
        UserAction::Reset => {
            let outcome = state
                .db(move |ctx| accounts::issue_reset_link(ctx, &caller, user_id))
                .await;
            let explanation = if state.config.smtp.is_some() {
                "We are emailing the account's owner a link to choose a new password. It works once; earlier links for this account no longer work."
            } else {
                "Send this link to the account's owner. It works once; earlier links for this account no longer work."
            };
            let done =
                |link| link_issued(&admin, &state, "Password reset link", explanation, &link);
            answer_form(outcome, done, again).await
        }
    }
}
