//! Every address of the site, built in one place: handlers redirect with these, templates
//! link with them, and messages carry them made absolute. A route that moves changes here
//! (and in the route table) and nowhere else.
//!
//! No web framework here: paths are plain strings, so services and mail use them too.

use std::fmt::Display;

use crate::domain::audience::Audience;
use crate::ids::{ArticleId, AsId, CommentId, RevisionId, SpecialtyId, UserId};

/// Percent-encodes a value for a query string or a path segment.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `path` with the non-empty `params` as a query string, in order.
pub fn with_query(path: &str, params: &[(&str, &str)]) -> String {
    let mut out = path.to_owned();
    let mut first = !path.contains('?');
    for (key, value) in params {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        out.push(if first { '?' } else { '&' });
        first = false;
        out.push_str(key);
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// An absolute link: the site's base URL (no trailing slash) and a path.
pub fn absolute(base: &str, path: &str) -> String {
    format!("{base}{path}")
}

// Public site.

pub fn home() -> String {
    "/".into()
}

/// A page of the index, or of search results, for the audience the reader chose.
pub fn home_page(query: &str, page: u32, audience: Option<Audience>) -> String {
    let page = page.to_string();
    let audience = audience.map_or("", Audience::as_str);
    with_query("/", &[("q", query), ("page", &page), ("for", audience)])
}

pub fn public_article(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn public_history(slug: &str) -> String {
    format!("/articles/{slug}/history")
}

/// Public version `n` (1 for the first) of an article.
pub fn public_version(slug: &str, n: usize) -> String {
    format!("/articles/{slug}/versions/{n}")
}

/// What changed from public version `n - 1` to `n`.
pub fn public_changes(slug: &str, n: usize) -> String {
    format!("/articles/{slug}/versions/{n}/changes")
}

/// A public article page (or its history, with `page` = "/history") for a chosen audience:
/// the plain address when `audience` is `None`.
pub fn public_article_for(slug: &str, page: &str, audience: Option<Audience>) -> String {
    match audience {
        Some(a) => format!("/articles/{slug}{page}?for={}", a.as_str()),
        None => format!("/articles/{slug}{page}"),
    }
}

pub fn editorial_policy() -> String {
    "/editorial-policy".into()
}

/// Re-certifying an article's published version.
pub fn recertify(id: impl AsId<ArticleId>) -> String {
    format!("/manage/articles/{}/recertify", id.as_id())
}

/// The public advisory board.
pub fn board() -> String {
    "/board".into()
}

/// A reviewer's entry on the public board.
pub fn board_entry(id: impl AsId<UserId>) -> String {
    format!("/board#reviewer-{}", id.as_id())
}

/// A reviewer's own board entry: their disclosure and listing.
pub fn account_board() -> String {
    "/account/board".into()
}

pub fn feed() -> String {
    "/feed.atom".into()
}

pub fn sitemap() -> String {
    "/sitemap.xml".into()
}

pub fn sitemap_page(page: impl AsId<i64>) -> String {
    format!("/sitemap.xml?page={}", page.as_id())
}

pub fn asset(name: &str, version: &str) -> String {
    format!("/assets/{name}?v={version}")
}

// Accounts.

pub fn login() -> String {
    "/login".into()
}

/// The sign-in page, coming back to `next` afterwards.
pub fn login_then(next: &str) -> String {
    with_query("/login", &[("next", next)])
}

pub fn logout() -> String {
    "/logout".into()
}

pub fn setup(token: &str) -> String {
    format!("/setup/{token}")
}

pub fn forgot_password() -> String {
    "/password/forgot".into()
}

pub fn account_password() -> String {
    "/account/password".into()
}

pub fn notification_settings() -> String {
    "/account/notifications".into()
}

pub fn tokens() -> String {
    "/account/tokens".into()
}

pub fn revoke_token(id: crate::ids::ApiTokenId) -> String {
    format!("/account/tokens/{id}/revoke")
}

// Workspace.

pub fn dashboard() -> String {
    "/dashboard".into()
}

pub fn review_queue() -> String {
    "/review/queue".into()
}

/// The caller's drafts, paginated.
pub fn drafts() -> String {
    "/manage/drafts".to_owned()
}

pub fn articles() -> String {
    "/manage/articles".into()
}

pub fn new_article() -> String {
    "/manage/articles/new".into()
}

pub fn article(id: impl AsId<ArticleId>) -> String {
    format!("/manage/articles/{}", id.as_id())
}

pub fn edit_article(id: impl AsId<ArticleId>) -> String {
    format!("/manage/articles/{}/edit", id.as_id())
}

/// Where the editor posts a new revision of an article.
pub fn article_revisions(id: impl AsId<ArticleId>) -> String {
    format!("/manage/articles/{}/revisions", id.as_id())
}

pub fn article_slug(id: impl AsId<ArticleId>) -> String {
    format!("/manage/articles/{}/slug", id.as_id())
}

pub fn retract_article(id: impl AsId<ArticleId>) -> String {
    format!("/admin/articles/{}/retract", id.as_id())
}

pub fn revision(id: impl AsId<RevisionId>) -> String {
    format!("/manage/revisions/{}", id.as_id())
}

/// Where a revision's action form posts (`action` is its route name: `approve`, ...).
/// A revision in the API.
pub fn api_revision(id: impl AsId<RevisionId>) -> String {
    format!("/api/v1/revisions/{}", id.as_id())
}

/// An article's revisions in the API (the workspace view, and where new ones are posted).
pub fn api_article_revisions(id: impl AsId<ArticleId>) -> String {
    format!("/api/v1/articles/{}/revisions", id.as_id())
}

/// An action on a revision in the API.
pub fn api_revision_action(id: impl AsId<RevisionId>, action: impl Display) -> String {
    format!("/api/v1/revisions/{}/{action}", id.as_id())
}

pub fn revision_action(id: impl AsId<RevisionId>, action: impl Display) -> String {
    format!("/manage/revisions/{}/{action}", id.as_id())
}

/// Resolving (or reopening) a thread of the review conversation.
pub fn resolve_thread(id: impl AsId<CommentId>, resolved: bool) -> String {
    let verb = if resolved { "resolve" } else { "reopen" };
    format!("/manage/comments/{}/{verb}", id.as_id())
}

/// The diff against the published revision (or the base, for the published one).
pub fn diff(id: impl AsId<RevisionId>) -> String {
    format!("/manage/revisions/{}/diff", id.as_id())
}

/// The diff against `against` (or the default), in `layout` (or the remembered one).
pub fn diff_with(
    id: impl AsId<RevisionId>,
    against: Option<RevisionId>,
    layout: Option<&str>,
) -> String {
    let against = against.map(|a| a.to_string()).unwrap_or_default();
    with_query(
        &diff(id),
        &[("layout", layout.unwrap_or("")), ("against", &against)],
    )
}

// Admin.

pub fn users() -> String {
    "/admin/users".into()
}

pub fn user(id: impl AsId<UserId>) -> String {
    format!("/admin/users/{}", id.as_id())
}

pub fn audit() -> String {
    "/admin/audit".into()
}

pub fn audit_csv() -> String {
    "/admin/audit.csv".into()
}

pub fn audit_jsonl() -> String {
    "/admin/audit.jsonl".into()
}

pub fn mail() -> String {
    "/admin/mail".into()
}

pub fn mail_status(status: &str) -> String {
    with_query("/admin/mail", &[("status", status)])
}

pub fn webhooks() -> String {
    "/admin/webhooks".to_owned()
}

pub fn webhooks_before(before: i64) -> String {
    format!("/admin/webhooks?before={before}")
}

/// `on` is true to turn the webhook on, false to turn it off.
pub fn webhook_switch(id: impl AsId<i64>, on: bool) -> String {
    format!(
        "/admin/webhooks/{}/{}",
        id.as_id(),
        if on { "enable" } else { "disable" }
    )
}

pub fn retry_delivery(id: impl AsId<i64>) -> String {
    format!("/admin/webhooks/deliveries/{}/retry", id.as_id())
}

pub fn retry_mail(id: impl AsId<i64>) -> String {
    format!("/admin/mail/{}/retry", id.as_id())
}

pub fn settings() -> String {
    "/admin/settings".into()
}

pub fn checklist() -> String {
    "/admin/checklist".into()
}

pub fn checklist_retire(id: impl AsId<i64>) -> String {
    let id = id.as_id();
    format!("/admin/checklist/{id}/retire")
}

pub fn specialties() -> String {
    "/admin/specialties".into()
}

pub fn specialty_remove(id: impl AsId<SpecialtyId>) -> String {
    format!("/admin/specialties/{}/remove", id.as_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_skip_empty_values_and_encode_the_rest() {
        assert_eq!(home_page("", 2, None), "/?page=2");
        assert_eq!(home_page("a b&c", 1, None), "/?q=a%20b%26c&page=1");
        assert_eq!(
            home_page("", 2, Some(Audience::Patient)),
            "/?page=2&for=patient"
        );
        assert_eq!(
            login_then("/admin/users?page=2"),
            "/login?next=/admin/users%3Fpage%3D2"
        );
        assert_eq!(
            diff_with(RevisionId(4), Some(RevisionId(2)), Some("split")),
            "/manage/revisions/4/diff?layout=split&against=2"
        );
        assert_eq!(
            diff_with(RevisionId(4), None, None),
            "/manage/revisions/4/diff"
        );
        assert_eq!(with_query("/x?a=1", &[("b", "2")]), "/x?a=1&b=2");
    }

    #[test]
    fn links_are_made_absolute_on_the_public_base() {
        assert_eq!(
            absolute("https://reviews.example.org", &revision(RevisionId(7))),
            "https://reviews.example.org/manage/revisions/7"
        );
    }
}
