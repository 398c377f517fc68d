//! `GET /admin/audit.csv` and `GET /admin/audit.jsonl`: every row matching the page's
//! filter, oldest first, streamed in batches so an export of any size holds one batch in
//! memory. Admin only.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use futures_util::stream::{self, StreamExt};

use super::audit::AuditQuery;
use crate::db::audit_log::{AuditFilter, AuditRow};
use crate::ids::AuditId;
use crate::services::audit::{self, Resolved};
use crate::web::error::AppError;
use crate::web::extract::{Admin, forms};
use crate::web::state::AppState;

const EXPORT_BATCH: i64 = 500;

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
                Err(error) => Some((Err(AppError::from(error).into()), None)),
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
