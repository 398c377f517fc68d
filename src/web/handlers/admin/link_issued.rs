//! The page that shows a freshly made one-time link (an invitation or a password reset).

use actix_web::HttpResponse;
use askama::Template;
use chrono::NaiveDateTime;

use crate::filters;
use crate::ids::UserId;
use crate::services::accounts::IssuedLink;
use crate::web::extract::Admin;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

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
    /// Where the message carrying the link was written, when there is no SMTP server.
    mail_dir: Option<String>,
}

pub fn link_issued(
    admin: &Admin,
    state: &AppState,
    heading: &str,
    explanation: &str,
    link: &IssuedLink,
) -> HttpResponse {
    render::ok(&LinkIssued {
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
        mail_dir: state
            .config
            .smtp
            .is_none()
            .then(|| state.config.data_dir.join("mail").display().to_string()),
    })
}
