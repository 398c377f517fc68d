//! `GET /admin/audit`: filter the log by actor, article, action and dates, and page through
//! it, newest first. The exports of the same filter are in `audit_export`. Admin only.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::audit_log::{AuditRow, Cursor};
use crate::domain::audit::{AuditAction, TargetKind};
use crate::filters;
use crate::ids::{ArticleId, AuditId, RevisionId, UserId};
use crate::services::audit::{self, FilterInput, Resolved};
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::{Admin, forms};
use crate::web::render::{self, Chrome, Pager};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
pub(super) struct AuditQuery {
    actor: Option<String>,
    article: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
    after: Option<i64>,
}

impl AuditQuery {
    /// `path` with this filter (and `extra` parameters), for page and export links.
    fn link(&self, path: &str, extra: &[(&str, &str)]) -> String {
        let field = |value: &Option<String>| value.clone().unwrap_or_default();
        let mut params = vec![
            ("actor", field(&self.actor)),
            ("article", field(&self.article)),
            ("action", field(&self.action)),
            ("from", field(&self.from)),
            ("to", field(&self.to)),
        ];
        params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        urls::with_query(path, &params)
    }

    pub(super) fn input(&self) -> Result<FilterInput, String> {
        let action = match forms::non_empty(self.action.clone()) {
            None => None,
            Some(name) => Some(
                AuditAction::parse(&name)
                    .ok_or_else(|| format!("There is no action called '{name}'."))?,
            ),
        };
        let date = |value: &Option<String>, field: &str| -> Result<Option<NaiveDate>, String> {
            match forms::non_empty(value.clone()) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| format!("The {field} date '{v}' is not a date like 2026-11-25.")),
            }
        };
        let from = date(&self.from, "from")?;
        let to = date(&self.to, "to")?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err("The 'to' date is before the 'from' date.".into());
        }
        Ok(FilterInput {
            actor: forms::non_empty(self.actor.clone()),
            article: forms::non_empty(self.article.clone()),
            action,
            from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
            // "to" is inclusive: everything before the next midnight.
            until: to
                .and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
        })
    }
}

pub struct ActionOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPageView {
    chrome: Chrome,
    query: AuditQuery,
    actions: Vec<ActionOption>,
    rows: Vec<AuditRow>,
    csv_link: String,
    jsonl_link: String,
    pager: Pager,
    /// Why nothing can match (a bad date, an unknown actor or article).
    no_match: bool,
}

impl AuditPageView {
    /// Where a row's target is shown, if it has a page.
    fn target_link(&self, row: &AuditRow) -> Option<String> {
        let id = row.target_id?;
        match TargetKind::parse(row.target_type.as_deref()?)? {
            TargetKind::User => Some(urls::user(UserId(id))),
            TargetKind::Article => Some(urls::article(ArticleId(id))),
            TargetKind::Revision => Some(urls::revision(RevisionId(id))),
            TargetKind::Settings => Some(urls::settings()),
        }
    }
}

/// `GET /admin/audit`
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    let query: AuditQuery = forms::query(&req)?;
    let actions = AuditAction::ALL
        .into_iter()
        .map(|a| ActionOption {
            value: a.as_str(),
            label: a.label(),
            selected: query.action.as_deref() == Some(a.as_str()),
        })
        .collect();
    let mut view = AuditPageView {
        chrome: admin.chrome("audit"),
        query: query.clone(),
        actions,
        rows: Vec::new(),
        csv_link: query.link(&urls::audit_csv(), &[]),
        jsonl_link: query.link(&urls::audit_jsonl(), &[]),
        pager: Pager::default(),
        no_match: false,
    };
    let input = match query.input() {
        Ok(input) => input,
        Err(message) => {
            view.chrome = view.chrome.with_alerts(vec![message]);
            view.no_match = true;
            return Ok(render::html(
                actix_web::http::StatusCode::BAD_REQUEST,
                &view,
            ));
        }
    };
    let cursor = match (query.before, query.after) {
        (Some(before), _) => Cursor::Before(AuditId(before)),
        (None, Some(after)) => Cursor::After(AuditId(after)),
        (None, None) => Cursor::Newest,
    };
    let caller = admin.caller();
    let page = state
        .db(
            move |ctx| match audit::resolve_filter(ctx, &caller, &input)? {
                Resolved::Filter(filter) => {
                    audit::page(ctx, &caller, &filter, cursor, PAGE_SIZE).map(Ok)
                }
                Resolved::NoMatch(message) => Ok(Err(message)),
            },
        )
        .await?;
    let page = match page {
        Ok(page) => page,
        Err(message) => {
            view.chrome = view.chrome.with_alerts(vec![message]);
            view.no_match = true;
            return Ok(render::ok(&view));
        }
    };
    let link = |key: &str, id: AuditId| query.link(&urls::audit(), &[(key, &id.to_string())]);
    view.pager = Pager::cursors(
        page.rows
            .first()
            .filter(|_| page.has_newer)
            .map(|r| link("after", r.id)),
        page.rows
            .last()
            .filter(|_| page.has_older)
            .map(|r| link("before", r.id)),
    );
    view.rows = page.rows;
    Ok(render::ok(&view))
}
