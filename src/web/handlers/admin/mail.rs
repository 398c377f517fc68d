//! `GET /admin/mail` (queued, sent and failed messages, with the last error) and
//! `POST /admin/mail/{id}/retry`. Admin only.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::outbox::MailStatus;
use crate::filters;
use crate::services::mailbox::{self, MailPage};
use crate::urls;
use crate::web::error::{AppError, Rejected, answer_form};
use crate::web::extract::{Admin, CsrfForm, forms};
use crate::web::notice::Notice;
use crate::web::render::{self, Chrome, Pager};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct MailQuery {
    status: Option<String>,
    before: Option<i64>,
}

/// A status filter link.
pub struct StatusLink {
    pub label: &'static str,
    pub link: String,
    /// "12", or "1,000+" past the count's cap.
    pub count: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailView {
    chrome: Chrome,
    page: MailPage,
    statuses: Vec<StatusLink>,
    transport: String,
    pager: Pager,
}

async fn mail_page(
    req: &HttpRequest,
    state: &AppState,
    admin: &Admin,
    rejected: Option<Rejected>,
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
    let name = status.map_or("", MailStatus::as_str);
    let mut statuses = vec![StatusLink {
        label: "All",
        link: urls::mail(),
        count: None,
        current: status.is_none(),
    }];
    for (shown, label, count) in [
        (MailStatus::Queued, "Queued", Some(page.queued)),
        (MailStatus::Sent, "Sent", None),
        (MailStatus::Failed, "Failed", Some(page.failed)),
    ] {
        statuses.push(StatusLink {
            label,
            link: urls::mail_status(shown.as_str()),
            count: count.map(|count| {
                if count > crate::db::outbox::COUNT_CAP {
                    "1,000+".to_owned()
                } else {
                    count.to_string()
                }
            }),
            current: status == Some(shown),
        });
    }
    let older = page.older.map(|before| {
        urls::with_query(
            &urls::mail(),
            &[("status", name), ("before", &before.to_string())],
        )
    });
    let chrome = match rejected {
        Some(rejected) => admin.chrome("mail").with_alerts(rejected.messages()),
        None => admin.chrome("mail"),
    };
    Ok(render::ok(&MailView {
        chrome,
        page,
        statuses,
        transport,
        pager: Pager::cursors(None, older),
    }))
}

/// `GET /admin/mail`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    mail_page(&req, &state, &admin, None).await
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
    let id = forms::path_id(&id, "message")?;
    let caller = admin.caller();
    let outcome = state.db(move |ctx| mailbox::retry(ctx, &caller, id)).await;
    answer_form(
        outcome,
        |()| render::see_other(&Notice::MailRequeued.after(&urls::mail_status("queued"))),
        |rejected| mail_page(&req, &state, &admin, Some(rejected)),
    )
    .await
}
