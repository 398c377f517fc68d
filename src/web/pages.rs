//! What every page shares: the layout's data ("chrome") and rendering with a status.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use askama::Template;

use super::assets;
use crate::domain::roles::Role;
use crate::services::sessions::Session;

/// The signed-in person, as the navigation needs them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_editor: bool,
    pub is_reviewer: bool,
}

/// The layout's data: site name, navigation by role, the CSRF token for the sign-out button.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub site_name: String,
    pub user: Option<NavUser>,
    pub csrf_token: String,
    pub stylesheet: String,
    /// Which navigation entry is current ("dashboard", "users", "audit", ...).
    pub section: &'static str,
}

impl Chrome {
    /// For pages shown without a session: error pages.
    pub fn plain(site_name: &str) -> Self {
        Self {
            site_name: site_name.to_owned(),
            user: None,
            csrf_token: String::new(),
            stylesheet: assets::stylesheet_path(),
            section: "",
        }
    }

    /// For public pages, with the site name from the settings they were rendered from.
    pub fn public(site_name: &str, section: &'static str) -> Self {
        Self {
            section,
            ..Self::plain(site_name)
        }
    }

    /// For pages shown within a session (signed in or not).
    pub fn new(site_name: &str, session: &Session, section: &'static str) -> Self {
        let user = session.user.as_ref().map(|u| NavUser {
            name: u.display_name.clone(),
            email: u.email.clone(),
            is_admin: u.roles.has(Role::Admin),
            is_editor: u.roles.has(Role::Editor),
            is_reviewer: u.roles.has(Role::Reviewer),
        });
        Self {
            site_name: site_name.to_owned(),
            user,
            csrf_token: session.csrf_token.clone(),
            stylesheet: assets::stylesheet_path(),
            section,
        }
    }
}

/// Renders a page with a status. A template that fails to render is a bug: it is logged and
/// answered with a bare 500 (rendering the error page could fail the same way).
pub fn html<T: Template>(status: StatusCode, page: &T) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .insert_header((
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            HttpResponse::InternalServerError()
                .insert_header((
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ))
                .body("500 Internal Server Error: the page could not be rendered.")
        }
    }
}

/// 200 OK with a page.
pub fn ok<T: Template>(page: &T) -> HttpResponse {
    html(StatusCode::OK, page)
}

/// 303 See Other: where a form goes after it succeeded, so reloading does not resend it.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Serialises JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` are
/// escaped so no text can close the element.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let value = serde_json::json!({ "name": "</script><script>alert(1)</script> & more" });
        let out = super::json_ld(&value);
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }
}
