//! The workspace article list: one page of articles with their current revision, and the
//! caller's drafts.

use super::name_of;
use crate::db::revisions::{self, ArticleFilter, Revision};
use crate::db::users::{self, Name};
use crate::domain::workflow::State;
use crate::ids::{ArticleId, UserId};
use crate::services::{Caller, Ctx, ServiceResult};

/// One row of the workspace article list.
pub struct ArticleRow {
    pub article: ArticleId,
    pub current: Revision,
    pub author: Name,
    pub is_published: bool,
}

/// The caller's drafts and one page of articles.
pub struct ArticleList {
    pub drafts: Vec<Revision>,
    pub rows: Vec<ArticleRow>,
    pub has_more: bool,
    /// The author asked for has no account: nothing can match.
    pub unknown_author: Option<String>,
}

/// Which articles the workspace list shows, as asked for.
#[derive(Debug, Clone, Default)]
pub struct ArticleSearch {
    pub state: Option<State>,
    /// The author's email address.
    pub author: Option<String>,
    /// Part of the title.
    pub title: Option<String>,
}

pub fn article_list(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    query: &ArticleSearch,
    offset: i64,
    limit: i64,
) -> ServiceResult<ArticleList> {
    let conn = ctx.conn();
    caller.require_any_role()?;
    let drafts = if offset == 0 {
        revisions::drafts_by(conn, caller.me()?, 50)?
    } else {
        Vec::new()
    };
    let mut filter = ArticleFilter {
        state: query.state,
        author: None,
        title: query.title.clone(),
    };
    if let Some(email) = &query.author {
        match users::find_by_email(conn, &email.trim().to_lowercase())? {
            Some(user) => filter.author = Some(user.id),
            None => {
                return Ok(ArticleList {
                    drafts,
                    rows: Vec::new(),
                    has_more: false,
                    unknown_author: Some(email.clone()),
                });
            }
        }
    }
    let (rows, has_more) = revisions::list_current(conn, &filter, offset, limit)?;
    let authors: Vec<UserId> = rows.iter().map(|(_, _, r)| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    let rows = rows
        .into_iter()
        .map(|(article, published, current)| ArticleRow {
            article,
            is_published: published.is_some(),
            author: name_of(&names, current.author_id),
            current,
        })
        .collect();
    Ok(ArticleList {
        drafts,
        rows,
        has_more,
        unknown_author: None,
    })
}
