//! `GET /review/queue`: revisions waiting for this reviewer.

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::services::read::{self, QueueItem};
use crate::web::error::AppError;
use crate::web::extract::SignedIn;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

const QUEUE_LIMIT: i64 = 200;

#[derive(Template)]
#[template(path = "workspace/queue.html")]
struct QueuePage {
    chrome: Chrome,
    items: Vec<QueueItem>,
    now: chrono::NaiveDateTime,
}

impl QueuePage {
    fn waited(&self, since: &Option<chrono::NaiveDateTime>) -> String {
        waited(*since, self.now)
    }
}

pub async fn show(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    let caller = user.caller();
    let items = state
        .db(move |ctx| read::queue(ctx, &caller, QUEUE_LIMIT))
        .await?;
    Ok(render::ok(&QueuePage {
        chrome: user.chrome("queue"),
        items,
        now: crate::db::now(),
    }))
}

/// "3 days", "5 hours", "12 minutes": how long something has waited.
pub fn waited(since: Option<chrono::NaiveDateTime>, now: chrono::NaiveDateTime) -> String {
    let Some(since) = since else {
        return String::new();
    };
    let elapsed = now - since;
    let (n, unit) = if elapsed.num_days() >= 1 {
        (elapsed.num_days(), "day")
    } else if elapsed.num_hours() >= 1 {
        (elapsed.num_hours(), "hour")
    } else {
        (elapsed.num_minutes().max(1), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}
