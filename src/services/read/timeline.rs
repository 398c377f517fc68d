//! One article's timeline: its revisions the caller may see, each with its author and votes.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::name_of;
use crate::db::articles::{self, Article};
use crate::db::reviews::{self, Review};
use crate::db::revisions::{self, RevisionLine};
use crate::db::users::{self, Name};
use crate::domain::workflow::Verdict;
use crate::ids::{ArticleId, RevisionId, UserId};
use crate::services::{Caller, Ctx, Missing, ServiceResult};

/// One revision in an article's timeline.
pub struct TimelineEntry {
    pub revision: RevisionLine,
    pub author: Name,
    pub is_published: bool,
    /// Reviewer name and verdict, oldest first.
    pub reviews: Vec<(Name, Verdict, NaiveDateTime)>,
}

pub struct Timeline {
    pub article: Article,
    pub title: String,
    pub entries: Vec<TimelineEntry>,
    pub has_draft: bool,
}

pub fn timeline(ctx: &mut Ctx<'_>, caller: &Caller, id: ArticleId) -> ServiceResult<Timeline> {
    let conn = ctx.conn();
    caller.require_any_role()?;
    let article = articles::find(conn, id)?.ok_or(Missing::Article)?;
    let revisions = revisions::list_for_article(conn, id, caller.me()?, 500)?;
    if revisions.is_empty() {
        // Only someone else's draft: the article is not visible yet.
        return Err(Missing::Article.into());
    }
    let ids: Vec<RevisionId> = revisions.iter().map(|r| r.id).collect();
    let all_reviews: Vec<Review> = reviews::votes_on(conn, &ids)?;
    let mut people: Vec<UserId> = revisions.iter().map(|r| r.author_id).collect();
    people.extend(all_reviews.iter().map(|r| r.reviewer_id));
    let names = users::names(conn, &people)?;
    let mut by_revision: HashMap<RevisionId, Vec<(Name, Verdict, NaiveDateTime)>> = HashMap::new();
    for review in &all_reviews {
        by_revision.entry(review.revision_id).or_default().push((
            name_of(&names, review.reviewer_id),
            review.verdict,
            review.created_at,
        ));
    }
    let title = revisions
        .iter()
        .find(|r| Some(r.id) == article.current_revision_id)
        .or(revisions.first())
        .map(|r| r.title.clone())
        .unwrap_or_default();
    let has_draft = revisions.iter().any(|r| r.state.is_draft());
    let entries = revisions
        .into_iter()
        .map(|revision| TimelineEntry {
            author: name_of(&names, revision.author_id),
            is_published: article.published_revision_id == Some(revision.id),
            reviews: by_revision.remove(&revision.id).unwrap_or_default(),
            revision,
        })
        .collect();
    Ok(Timeline {
        article,
        title,
        entries,
        has_draft,
    })
}
