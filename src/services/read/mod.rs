//! Read models for workspace pages, one use case each: every one checks its caller and loads
//! what its page shows in a fixed number of queries, whatever the number of rows.

mod articles;
mod dashboard;
mod edit_start;
mod queue;
mod revision;
mod timeline;

use std::collections::HashMap;

use crate::db::users::Name;
use crate::ids::UserId;

pub use articles::{ArticleList, ArticleRow, ArticleSearch, article_list, drafts};
pub use dashboard::{Dashboard, dashboard};
pub use edit_start::{EditStart, edit_start};
pub use queue::{QueueItem, QueuePage, Scope, queue};
pub(crate) use revision::needs_line;
pub use revision::{BodyBlock, RevisionPage, revision_page};
pub use timeline::{Timeline, TimelineEntry, timeline};

/// How `id` is named on a page; an account that disappeared is named by its id.
pub(crate) fn name_of(names: &HashMap<UserId, Name>, id: UserId) -> Name {
    names.get(&id).cloned().unwrap_or_else(|| Name {
        display_name: format!("account {id}"),
        credentials: String::new(),
    })
}
