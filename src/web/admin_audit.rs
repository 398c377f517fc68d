//! `GET /admin/audit` (filter and page through the log) and its exports
//! `GET /admin/audit.csv` and `GET /admin/audit.jsonl`, streamed in batches. Admin only.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::forms;
use super::pages::{self, Chrome};
use super::session::Admin;
use crate::db::audit_log::{AuditFilter, AuditRow, Cursor};
use crate::domain::audit::AuditAction;
use crate::ids::AuditId;
use crate::services::audit::{self, FilterInput, Resolved};

const PAGE_SIZE: i64 = 50;
const EXPORT_BATCH: i64 = 500;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    actor: Option<String>,
    article: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
    after: Option<i64>,
}

impl AuditQuery {
    /// The filter part of the query string, to carry into page and export links.
    fn filter_query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("actor", &self.actor),
            ("article", &self.article),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", forms::encode(value)));
            }
        }
        parts.join("&")
    }

    fn input(&self) -> Result<FilterInput, String> {
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
    filter_query: String,
    newer_link: Option<String>,
    older_link: Option<String>,
    error: Option<String>,
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
    let filter_query = query.filter_query();
    let mut view = AuditPageView {
        chrome: admin.chrome("audit"),
        query: query.clone(),
        actions,
        rows: Vec::new(),
        filter_query: filter_query.clone(),
        newer_link: None,
        older_link: None,
        error: None,
    };
    let input = match query.input() {
        Ok(input) => input,
        Err(message) => {
            view.error = Some(message);
            return Ok(pages::html(actix_web::http::StatusCode::BAD_REQUEST, &view));
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
            view.error = Some(message);
            return Ok(pages::ok(&view));
        }
    };
    let link = |key: &str, id: AuditId| {
        let separator = if filter_query.is_empty() { "" } else { "&" };
        format!("/admin/audit?{filter_query}{separator}{key}={id}")
    };
    view.newer_link = page
        .rows
        .first()
        .filter(|_| page.has_newer)
        .map(|r| link("after", r.id));
    view.older_link = page
        .rows
        .last()
        .filter(|_| page.has_older)
        .map(|r| link("before", r.id));
    view.rows = page.rows;
    Ok(pages::ok(&view))
}

/// How an export writes rows.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    JsonLines,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::JsonLines => "application/jsonl; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::JsonLines => "jsonl",
        }
    }

    fn header(self) -> Bytes {
        match self {
            Format::Csv => Bytes::from_static(
                b"id,occurred_at,actor_id,actor,action,target_type,target_id,article_id,details,client_addr,prev_hash,row_hash\r\n",
            ),
            Format::JsonLines => Bytes::new(),
        }
    }

    fn encode(self, rows: &[AuditRow]) -> Result<Bytes, AppError> {
        match self {
            Format::Csv => csv_rows(rows),
            Format::JsonLines => {
                let mut out = Vec::with_capacity(rows.len() * 256);
                for row in rows {
                    serde_json::to_writer(&mut out, &json_row(row)).map_err(AppError::internal)?;
                    out.push(b'\n');
                }
                Ok(Bytes::from(out))
            }
        }
    }
}

fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
fn spreadsheet_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn csv_rows(rows: &[AuditRow]) -> Result<Bytes, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 256));
    for row in rows {
        let optional = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        writer
            .write_record([
                row.id.to_string(),
                timestamp(row.occurred_at),
                optional(row.actor_id.map(|id| id.0)),
                spreadsheet_safe(&row.actor_label),
                row.action.clone(),
                row.target_type.clone().unwrap_or_default(),
                optional(row.target_id),
                optional(row.article_id.map(|id| id.0)),
                spreadsheet_safe(&row.details),
                spreadsheet_safe(row.client_addr.as_deref().unwrap_or("")),
                row.prev_hash.clone(),
                row.row_hash.clone(),
            ])
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    Ok(Bytes::from(bytes))
}

fn json_row(row: &AuditRow) -> serde_json::Value {
    let details: serde_json::Value = serde_json::from_str(&row.details)
        .unwrap_or_else(|_| serde_json::Value::String(row.details.clone()));
    serde_json::json!({
        "id": row.id,
        "occurred_at": timestamp(row.occurred_at),
        "actor_id": row.actor_id,
        "actor": row.actor_label,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "article_id": row.article_id,
        "details": details,
        "client_addr": row.client_addr,
        "prev_hash": row.prev_hash,
        "row_hash": row.row_hash,
    })
}

/// Streams every matching row, oldest first, one batch per database round trip, so an
/// export of any size holds one batch in memory.
async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let query: AuditQuery = forms::query(&req)?;
    let input = query.input().map_err(AppError::BadRequest)?;
    let caller = admin.caller();
    let resolver = caller.clone();
    let filter = state
        .db(move |ctx| audit::resolve_filter(ctx, &resolver, &input))
        .await?;
    // An unknown actor or article matches nothing: the export is just the header.
    let filter: Option<AuditFilter> = match filter {
        Resolved::Filter(filter) => Some(filter),
        Resolved::NoMatch(_) => None,
    };
    let batches = stream::unfold(filter.map(|f| (f, AuditId(0))), move |cursor| {
        let state = state.clone();
        let caller = caller.clone();
        async move {
            let (filter, after) = cursor?;
            let batch_filter = filter.clone();
            let rows = state
                .db(move |ctx| audit::batch(ctx, &caller, &batch_filter, after, EXPORT_BATCH))
                .await;
            match rows {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| r.id).unwrap_or(after);
                    let more = i64::try_from(rows.len()).unwrap_or(0) == EXPORT_BATCH;
                    let chunk = format.encode(&rows).map_err(actix_web::Error::from);
                    Some((chunk, more.then_some((filter, next))))
                }
                Err(error) => Some((Err(actix_web::Error::from(error)), None)),
            }
        }
    });
    let body =
        stream::once(async move { Ok::<_, actix_web::Error>(format.header()) }).chain(batches);
    let filename = format!(
        "imprimatur-audit-{}.{}",
        chrono::Utc::now().format("%Y%m%d-%H%M%S"),
        format.extension()
    );
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body))
}

/// `GET /admin/audit.csv`
pub async fn export_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    export(req, state, admin, Format::Csv).await
}

/// `GET /admin/audit.jsonl`
pub async fn export_jsonl(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    export(req, state, admin, Format::JsonLines).await
}
