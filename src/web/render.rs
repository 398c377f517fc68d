//! What every page shares: the layout's data ("chrome": navigation, the notice or alerts
//! the layout shows once), and rendering with a status.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use askama::Template;

use super::assets;
use super::notice::Notice;
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

/// The layout's data: site name, navigation by role, the CSRF token for the sign-out button,
/// and what the page says above its content (a notice after an action worked, or the
/// reasons a form was not accepted).
#[derive(Debug, Clone)]
pub struct Chrome {
    pub site_name: String,
    pub user: Option<NavUser>,
    pub csrf_token: String,
    pub stylesheet: String,
    pub favicon: String,
    /// Which navigation entry is current ("dashboard", "users", "audit", ...).
    pub section: &'static str,
    pub notice: Option<Notice>,
    /// Why what was sent was not accepted, one sentence each.
    pub alerts: Vec<String>,
}

impl Chrome {
    /// For pages shown without a session: error pages.
    pub fn plain(site_name: &str) -> Self {
        Self {
            site_name: site_name.to_owned(),
            user: None,
            csrf_token: String::new(),
            stylesheet: assets::stylesheet_path(),
            favicon: assets::path("favicon.svg"),
            section: "",
            notice: None,
            alerts: Vec::new(),
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
            user,
            csrf_token: session.csrf_token.clone(),
            section,
            ..Self::plain(site_name)
        }
    }

    pub fn with_notice(mut self, notice: Option<Notice>) -> Self {
        self.notice = notice;
        self
    }

    /// Shows these reasons (and no notice: the action did not happen).
    pub fn with_alerts(mut self, alerts: Vec<String>) -> Self {
        self.notice = None;
        self.alerts = alerts;
        self
    }
}

/// Links to the neighbouring pages of a list, for `_pager.html`.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub newer: Option<String>,
    pub older: Option<String>,
    pub newer_label: &'static str,
    pub older_label: &'static str,
    /// "Page N", when the list is numbered.
    pub page: Option<u32>,
}

impl Pager {
    /// A numbered list: page `page` of rows, `has_more` when a next page exists, `link`
    /// builds a page's address. `always_numbered` shows "Page 1" even on a one-page list.
    pub fn numbered(
        page: u32,
        has_more: bool,
        link: impl Fn(u32) -> String,
        always_numbered: bool,
    ) -> Self {
        Pager {
            newer: (page > 1).then(|| link(page - 1)),
            older: has_more.then(|| link(page + 1)),
            newer_label: "← Previous",
            older_label: "Next →",
            page: (always_numbered || page > 1 || has_more).then_some(page),
        }
    }

    /// A list paged by cursors (newest first): links to newer and older rows.
    pub fn cursors(newer: Option<String>, older: Option<String>) -> Self {
        Pager {
            newer,
            older,
            newer_label: "← Newer",
            older_label: "Older →",
            page: None,
        }
    }

    /// A list paged by keyset cursors: back to the first page, and on to the next.
    pub fn keyset(first: Option<String>, next: Option<String>) -> Self {
        Pager {
            newer: first,
            older: next,
            newer_label: "← First page",
            older_label: "Next →",
            page: None,
        }
    }

    /// Labels for lists ordered by time, newest first.
    pub fn by_time(mut self) -> Self {
        self.newer_label = "← Newer";
        self.older_label = "Older →";
        self
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
