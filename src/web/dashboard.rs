//! `GET /dashboard`: where a signed-in person starts.

use actix_web::HttpResponse;
use askama::Template;

use super::error::AppError;
use super::pages::{self, Chrome};
use super::session::SignedIn;

#[derive(Template)]
#[template(path = "workspace/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    name: String,
    roles: String,
    has_roles: bool,
}

pub async fn show(user: SignedIn) -> Result<HttpResponse, AppError> {
    Ok(pages::ok(&Dashboard {
        chrome: Chrome::for_session(&user.session, "dashboard"),
        name: user.user.display_name.clone(),
        roles: user.user.roles.describe(),
        has_roles: !user.user.roles.is_empty(),
    }))
}
