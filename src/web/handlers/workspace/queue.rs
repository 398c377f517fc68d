//! `GET /review/queue`: revisions waiting for this reviewer.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::revisions::{Cursor, QueueShow};
use crate::services::read::{self, QueueItem};
use crate::urls;
use crate::web::error::AppError;
use crate::web::extract::SignedIn;
use crate::web::extract::forms;
use crate::web::render::{self, Chrome};
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;
/// Rows of the re-requested and assigned lists above the rest, on the default view.
const FIRST: i64 = 20;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    show: Option<String>,
    after: Option<String>,
}

/// One list of the page, with its heading and where it goes on.
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub items: Vec<QueueItem>,
    /// The link to the rest of this list, when it has more.
    pub more: Option<String>,
    /// Whether `more` is this list's next page (`rel="next"`) rather than its full list.
    pub continues: bool,
}

impl Section {
    pub fn more_label(&self) -> &'static str {
        if self.continues {
            "Next page →"
        } else {
            "See all →"
        }
    }
}

#[derive(Template)]
#[template(path = "workspace/queue.html")]
struct QueuePage {
    chrome: Chrome,
    sections: Vec<Section>,
    /// Which list is shown alone (`None`: the default view, all three).
    show: Option<&'static str>,
    first_page: Option<String>,
    now: chrono::NaiveDateTime,
}

impl QueuePage {
    fn waited(&self, since: &Option<chrono::NaiveDateTime>) -> String {
        waited(*since, self.now)
    }

    fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.items.is_empty())
    }
}

fn parse_show(value: &str) -> Result<Option<QueueShow>, AppError> {
    match value {
        "" | "all" => Ok(None),
        "assigned" => Ok(Some(QueueShow::Assigned)),
        "re_requested" => Ok(Some(QueueShow::ReRequested)),
        "unassigned" => Ok(Some(QueueShow::Unassigned)),
        other => Err(AppError::BadRequest(format!(
            "There is no queue list called '{other}': use assigned, re_requested or unassigned."
        ))),
    }
}

fn show_name(show: QueueShow) -> &'static str {
    match show {
        QueueShow::Assigned => "assigned",
        QueueShow::ReRequested => "re_requested",
        QueueShow::Unassigned => "unassigned",
    }
}

fn heading(show: QueueShow) -> (&'static str, &'static str) {
    match show {
        QueueShow::ReRequested => ("again", "Asked to review again"),
        QueueShow::Assigned => ("assigned", "Assigned to you"),
        QueueShow::Unassigned => ("waiting", "Waiting longest"),
    }
}

fn link(show: QueueShow, after: Option<Cursor>) -> String {
    let after = after.map(|c| c.encode()).unwrap_or_default();
    urls::with_query(
        &urls::review_queue(),
        &[("show", show_name(show)), ("after", &after)],
    )
}

/// `GET /review/queue`: by default the re-requested and assigned revisions (their first
/// rows) above everything else waiting, oldest first, 50 a page; `?show=` one list alone.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: QueueQuery = forms::query(&req)?;
    let show = parse_show(
        forms::non_empty(query.show.clone())
            .unwrap_or_default()
            .trim(),
    )?;
    let after = forms::cursor(query.after.clone())?;
    let caller = user.caller();
    let lists: Vec<(QueueShow, i64)> = match show {
        Some(one) => vec![(one, PAGE_SIZE)],
        None => vec![
            (QueueShow::ReRequested, FIRST),
            (QueueShow::Assigned, FIRST),
            (QueueShow::Unassigned, PAGE_SIZE),
        ],
    };
    let pages = state
        .db(move |ctx| {
            let mut pages = Vec::new();
            for (list, limit) in lists {
                pages.push((list, read::queue(ctx, &caller, list, after, limit)?));
            }
            Ok(pages)
        })
        .await?;
    let sections = pages
        .into_iter()
        .map(|(list, page)| {
            let (id, heading) = heading(list);
            let continued = show.is_some() || list == QueueShow::Unassigned;
            Section {
                id,
                heading,
                more: if continued {
                    page.next.map(|c| link(list, Some(c)))
                } else {
                    page.next.map(|_| link(list, None))
                },
                continues: continued,
                items: page.items,
            }
        })
        .collect();
    Ok(render::ok(&QueuePage {
        chrome: user.chrome("queue"),
        sections,
        show: show.map(show_name),
        first_page: after.map(|_| match show {
            Some(one) => link(one, None),
            None => urls::review_queue(),
        }),
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
