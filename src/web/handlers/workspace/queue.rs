//! `GET /review/queue`: revisions waiting for this reviewer.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::revisions::{Cursor, QueueShow};
use crate::db::specialties::Specialty;
use crate::filters;
use crate::ids::SpecialtyId;
use crate::services::read::{self, QueueItem, Scope};
use crate::services::specialties;
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
    specialty: Option<String>,
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
    /// The site's specialties, for the filter.
    specialties: Vec<Specialty>,
    /// The specialty filter chosen.
    only: Option<SpecialtyId>,
}

impl QueuePage {
    fn waited(&self, since: &Option<chrono::NaiveDateTime>) -> String {
        waited(*since, self.now)
    }

    /// The address of list `name` under the chosen specialty filter.
    fn list_link(&self, name: &str) -> String {
        let specialty = self.only.map(|id| id.to_string()).unwrap_or_default();
        urls::with_query(
            &urls::review_queue(),
            &[("show", name), ("specialty", &specialty)],
        )
    }

    fn is_chosen(&self, id: &SpecialtyId) -> bool {
        self.only == Some(*id)
    }

    fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.items.is_empty())
    }
}

/// One list of the queue: which revisions, among which specialties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    ReRequested,
    Assigned,
    /// Not assigned to the caller, in one of their specialties.
    Mine,
    /// Not assigned to the caller, in none of their specialties.
    Others,
    /// Not assigned to the caller, any specialty.
    Unassigned,
}

impl List {
    fn parse(value: &str) -> Result<Option<List>, AppError> {
        match value {
            "" | "all" => Ok(None),
            "assigned" => Ok(Some(List::Assigned)),
            "re_requested" => Ok(Some(List::ReRequested)),
            "mine" => Ok(Some(List::Mine)),
            "others" => Ok(Some(List::Others)),
            "unassigned" => Ok(Some(List::Unassigned)),
            other => Err(AppError::BadRequest(format!(
                "There is no queue list called '{other}': use assigned, re_requested, mine, others or unassigned."
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            List::Assigned => "assigned",
            List::ReRequested => "re_requested",
            List::Mine => "mine",
            List::Others => "others",
            List::Unassigned => "unassigned",
        }
    }

    fn heading(self) -> (&'static str, &'static str) {
        match self {
            List::ReRequested => ("again", "Asked to review again"),
            List::Assigned => ("assigned", "Assigned to you"),
            List::Mine => ("mine", "In your specialties"),
            List::Others => ("waiting", "Waiting longest"),
            List::Unassigned => ("waiting", "Waiting longest"),
        }
    }

    /// The rows and scope it reads, under the specialty filter if one is chosen.
    fn reads(self, only: Option<SpecialtyId>) -> (QueueShow, Scope) {
        let scope = |default| only.map_or(default, Scope::Only);
        match self {
            List::ReRequested => (QueueShow::ReRequested, scope(Scope::All)),
            List::Assigned => (QueueShow::Assigned, scope(Scope::All)),
            List::Mine => (QueueShow::Unassigned, scope(Scope::Mine)),
            List::Others => (QueueShow::Unassigned, scope(Scope::NotMine)),
            List::Unassigned => (QueueShow::Unassigned, scope(Scope::All)),
        }
    }

    /// The list that goes on page after page (the others show their first rows).
    fn continues(self) -> bool {
        matches!(self, List::Others | List::Unassigned)
    }
}

fn link(list: List, only: Option<SpecialtyId>, after: Option<Cursor>) -> String {
    let after = after.map(|c| c.encode()).unwrap_or_default();
    let specialty = only.map(|id| id.to_string()).unwrap_or_default();
    urls::with_query(
        &urls::review_queue(),
        &[
            ("show", list.name()),
            ("specialty", &specialty),
            ("after", &after),
        ],
    )
}

/// `GET /review/queue`: by default the re-requested and assigned revisions (their first
/// rows), then those in the caller's specialties, above everything else waiting, oldest
/// first, 50 a page; `?show=` one list alone; `?specialty=` one specialty's articles.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    let query: QueueQuery = forms::query(&req)?;
    let show = List::parse(
        forms::non_empty(query.show.clone())
            .unwrap_or_default()
            .trim(),
    )?;
    let only = forms::optional_number(query.specialty.as_deref().unwrap_or_default(), "specialty")?
        .map(SpecialtyId);
    let after = forms::cursor(query.after.clone())?;
    let caller = user.caller();
    let lists: Vec<(List, i64)> = match (show, only) {
        (Some(one), _) => vec![(one, PAGE_SIZE)],
        (None, Some(_)) => vec![
            (List::ReRequested, FIRST),
            (List::Assigned, FIRST),
            (List::Unassigned, PAGE_SIZE),
        ],
        (None, None) => vec![
            (List::ReRequested, FIRST),
            (List::Assigned, FIRST),
            (List::Mine, FIRST),
            (List::Others, PAGE_SIZE),
        ],
    };
    let (pages, specialties) = state
        .db(move |ctx| {
            let mut pages = Vec::new();
            for (list, limit) in lists {
                let (rows, scope) = list.reads(only);
                pages.push((list, read::queue(ctx, &caller, rows, scope, after, limit)?));
            }
            Ok((pages, specialties::list(ctx, &caller)?))
        })
        .await?;
    let sections = pages
        .into_iter()
        .map(|(list, page)| {
            let (id, heading) = list.heading();
            let continued = show.is_some() || list.continues();
            Section {
                id,
                heading,
                more: if continued {
                    page.next.map(|c| link(list, only, Some(c)))
                } else {
                    page.next.map(|_| link(list, only, None))
                },
                continues: continued,
                items: page.items,
            }
        })
        .collect();
    Ok(render::ok(&QueuePage {
        chrome: user.chrome("queue"),
        sections,
        show: show.map(List::name),
        first_page: after.map(|_| match show {
            Some(one) => link(one, only, None),
            None => urls::with_query(
                &urls::review_queue(),
                &[(
                    "specialty",
                    &only.map(|id| id.to_string()).unwrap_or_default(),
                )],
            ),
        }),
        now: crate::db::now(),
        specialties,
        only,
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
