//! `GET /admin/mail` (queued, sent and failed messages, with the last error) and
//! `POST /admin/mail/{id}/retry`. Admin only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms::{self, CsrfForm};
use super::manage_articles::parse_id;
use super::pages::{self, Chrome};
use super::session::Admin;
use crate::db::outbox::MailStatus;
use crate::services::mailbox::{self, MailPage};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct MailQuery {
    status: Option<String>,
    before: Option<i64>,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailView {
    chrome: Chrome,
    page: MailPage,
    status: &'static str,
    transport: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    admin: &Admin,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, AppError> {
    let query: MailQuery = forms::query(req)?;
    let status =
        match forms::non_empty(query.status) {
            None => None,
            Some(name) => Some(MailStatus::parse(&name).ok_or_else(|| {
                AppError::BadRequest(format!("There is no status called '{name}'."))
            })?),
        };
    let caller = admin.caller();
    let before = query.before;
    let page = state
        .db(move |ctx| mailbox::page(ctx, &caller, status, before, PAGE_SIZE))
        .await?;
    let transport = match &state.config.smtp {
        Some(smtp) => format!("SMTP {}", smtp.describe()),
        None => format!(
            ".eml files in {}",
            state.config.data_dir.join("mail").display()
        ),
    };
    let code = error.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    Ok(pages::html(
        code,
        &MailView {
            chrome: admin.chrome("mail"),
            page,
            status: status.map_or("", MailStatus::as_str),
            transport,
            notice: (query.done.as_deref() == Some("retry"))
                .then_some("Queued again: the worker sends it now."),
            error: error.map(|(_, m)| m),
        },
    ))
}

/// `GET /admin/mail`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    render(&req, &state, &admin, None).await
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /admin/mail/{id}/retry`
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id, "message")?;
    let caller = admin.caller();
    match state.db(move |ctx| mailbox::retry(ctx, &caller, id)).await {
        Ok(()) => Ok(pages::see_other("/admin/mail?status=queued&done=retry")),
        Err(AppError::Conflict(message)) => {
            render(&req, &state, &admin, Some((StatusCode::CONFLICT, message))).await
        }
        Err(other) => Err(other),
    }
}
