//! The workspace article list: one page of articles with their current revision, and the
//! caller's drafts.

use super::name_of;
use crate::db::revisions::{self, ArticleFilter, Cursor, RevisionLine};
use crate::db::users::{self, Name};
use crate::domain::workflow::State;
use crate::ids::{ArticleId, UserId};
use crate::services::{Caller, Ctx, ServiceResult};

/// One row of the workspace article list.
pub struct ArticleRow {
    pub article: ArticleId,
    pub current: RevisionLine,
    pub author: Name,
    pub is_published: bool,
}

/// The caller's drafts and one page of articles.
pub struct ArticleList {
    /// The caller's drafts (first page only), and whether they have more.
    pub drafts: Vec<RevisionLine>,
    pub more_drafts: bool,
    pub rows: Vec<ArticleRow>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    /// The author asked for has no account: nothing can match.
    pub unknown_author: Option<String>,
}

/// Which articles the workspace list shows, as asked for.
#[derive(Debug, Clone, Default)]
pub struct ArticleSearch {
    pub state: Option<State>,
    /// The author's email address.
    pub author: Option<String>,
    /// Words of the title.
    pub title: Option<String>,
}

pub fn article_list(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    query: &ArticleSearch,
    after: Option<Cursor>,
    limit: i64,
) -> ServiceResult<ArticleList> {
    let conn = ctx.conn();
    caller.require_any_role()?;
    let (drafts, more_drafts) = if after.is_none() {
        revisions::drafts_by(conn, caller.me()?, None, 10)?
    } else {
        (Vec::new(), false)
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
                    more_drafts,
                    rows: Vec::new(),
                    next: None,
                    unknown_author: Some(email.clone()),
                });
            }
        }
    }
    let (rows, more) = revisions::list_current(conn, &filter, after, limit)?;
    let by_title = filter
        .title
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    let next = rows
        .last()
        .filter(|_| more)
        .map(|(article, _, updated, _)| Cursor {
            at: if by_title {
                chrono::NaiveDateTime::default()
            } else {
                *updated
            },
            id: article.0,
        });
    let authors: Vec<UserId> = rows.iter().map(|(_, _, _, r)| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    let rows = rows
        .into_iter()
        .map(|(article, published, _, current)| ArticleRow {
            article,
            is_published: published.is_some(),
            author: name_of(&names, current.author_id),
            current,
        })
        .collect();
    Ok(ArticleList {
        drafts,
        more_drafts,
        rows,
        next,
        unknown_author: None,
    })
}

/// One page of the caller's drafts, most recently saved first, and where the next starts.
pub fn drafts(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    after: Option<Cursor>,
    limit: i64,
) -> ServiceResult<(Vec<RevisionLine>, Option<Cursor>)> {
    caller.require_any_role()?;
    let (rows, more) = revisions::drafts_by(ctx.conn(), caller.me()?, after, limit)?;
    let next = rows.last().filter(|_| more).map(|r| Cursor {
        at: r.updated_at,
        id: r.id.0,
    });
    Ok((rows, next))
}
