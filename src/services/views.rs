//! Read models for workspace pages: each loads everything one page shows in a fixed number
//! of queries, whatever the number of rows.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::reviewing::{self, approvals};
use super::{Caller, Ctx, Missing, ServiceResult};
use crate::db::articles::{self, Article};
use crate::db::comments::{self, Comment};
use crate::db::reviews::{self, Review};
use crate::db::revisions::{self, ArticleFilter, Revision};
use crate::db::users::{self, Name};
use crate::db::{self, DbConn, assignments, references, settings};
use crate::domain::content::{ContentInput, Reference, ReferenceInput};
use crate::domain::roles::Role;
use crate::domain::workflow::Verdict;
use crate::domain::workflow::{self, Action, Approvals, State};
use crate::ids::{ArticleId, RevisionId, UserId};

fn name_of(names: &HashMap<UserId, Name>, id: UserId) -> Name {
    names.get(&id).cloned().unwrap_or_else(|| Name {
        display_name: format!("account {id}"),
        credentials: String::new(),
    })
}

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

/// One revision in an article's timeline.
pub struct TimelineEntry {
    pub revision: Revision,
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

/// A comment placed in its thread.
pub struct ThreadItem {
    pub comment: Comment,
    pub author: Name,
    /// 0 for a top-level comment, capped for display.
    pub depth: usize,
    pub verdict: Option<Verdict>,
}

/// Everything the revision page shows.
pub struct RevisionPage {
    pub revision: Revision,
    pub article: Article,
    pub author: Name,
    pub references: Vec<Reference>,
    pub reviews: Vec<(Review, Name)>,
    pub thread: Vec<ThreadItem>,
    pub assigned: Vec<Name>,
    pub approvals: Approvals,
    pub approvers: Vec<Name>,
    pub actions: Vec<Action>,
    /// Reviewers who could be assigned (when the caller may assign).
    pub reviewers: Vec<(UserId, String, String)>,
    pub published: Option<Revision>,
    pub base: Option<Revision>,
}

pub fn revision_page(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    id: RevisionId,
) -> ServiceResult<RevisionPage> {
    let conn = ctx.conn();
    let revision = reviewing::visible(conn, caller, id)?;
    let article = articles::find(conn, revision.article_id)?.ok_or(Missing::Article)?;
    let references = references::of_revision(conn, id)?;
    let reviews = reviews::of_revision(conn, id)?;
    let comments = comments::of_revision(conn, id)?;
    let assignments = assignments::of_revision(conn, id)?;
    let (approvals, approver_ids) = approvals(conn, caller, &revision)?;
    let actor = reviewing::workflow_actor(caller, &revision);
    let actions = workflow::available_actions(revision.state, actor, approvals);
    let reviewers = if actions.contains(&Action::Assign) {
        let assigned: HashSet<UserId> = assignments.iter().map(|a| a.reviewer_id).collect();
        users::with_role(conn, Role::Reviewer)?
            .into_iter()
            .filter(|(id, _, _)| *id != revision.author_id && !assigned.contains(id))
            .collect()
    } else {
        Vec::new()
    };
    let mut people = vec![revision.author_id];
    people.extend(reviews.iter().map(|r| r.reviewer_id));
    people.extend(comments.iter().map(|c| c.author_id));
    people.extend(assignments.iter().map(|a| a.reviewer_id));
    let names = users::names(conn, &people)?;
    let verdicts: HashMap<_, _> = reviews.iter().map(|r| (r.id, r.verdict)).collect();
    let thread = thread(comments, &names, &verdicts);
    let published = match article.published_revision_id {
        Some(pid) if pid != revision.id => revisions::find(conn, pid)?,
        _ => None,
    };
    let base = match revision.base_revision_id {
        Some(bid) => revisions::find(conn, bid)?,
        None => None,
    };
    Ok(RevisionPage {
        author: name_of(&names, revision.author_id),
        reviews: reviews
            .into_iter()
            .map(|r| {
                let name = name_of(&names, r.reviewer_id);
                (r, name)
            })
            .collect(),
        assigned: assignments
            .iter()
            .map(|a| name_of(&names, a.reviewer_id))
            .collect(),
        approvers: approver_ids.iter().map(|id| name_of(&names, *id)).collect(),
        revision,
        article,
        references,
        thread,
        approvals,
        actions,
        reviewers,
        published,
        base,
    })
}

/// Orders comments as a thread: each reply right after its parent (and the parent's earlier
/// replies), depth-first, oldest first at each level.
fn thread(
    comments: Vec<Comment>,
    names: &HashMap<UserId, Name>,
    verdicts: &HashMap<crate::ids::ReviewId, Verdict>,
) -> Vec<ThreadItem> {
    const MAX_DEPTH: usize = 4;
    let mut children: HashMap<Option<crate::ids::CommentId>, Vec<Comment>> = HashMap::new();
    for comment in comments {
        children.entry(comment.parent_id).or_default().push(comment);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(Comment, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|c| (c, 0))
        .collect();
    while let Some((comment, depth)) = stack.pop() {
        if let Some(replies) = children.remove(&Some(comment.id)) {
            stack.extend(replies.into_iter().rev().map(|c| (c, depth + 1)));
        }
        out.push(ThreadItem {
            author: name_of(names, comment.author_id),
            verdict: comment.review_id.and_then(|id| verdicts.get(&id).copied()),
            depth: depth.min(MAX_DEPTH),
            comment,
        });
    }
    out
}

/// A revision waiting for review.
pub struct QueueItem {
    pub revision: Revision,
    pub author: Name,
    pub waiting_since: Option<NaiveDateTime>,
    pub approvals: i64,
    pub required: i32,
    pub assigned_to_me: bool,
}

/// The caller's review queue: revisions assigned to them first, then the rest, oldest
/// submission first. Their own revisions and the ones they already approved are left out.
pub fn queue(ctx: &mut Ctx<'_>, caller: &Caller, limit: i64) -> ServiceResult<Vec<QueueItem>> {
    queue_items(ctx.conn(), caller, limit)
}

fn queue_items(conn: &mut DbConn, caller: &Caller, limit: i64) -> ServiceResult<Vec<QueueItem>> {
    caller.require(Role::Reviewer)?;
    let me = caller.me()?;
    let waiting = revisions::awaiting_review(conn, 1_000)?;
    let ids: Vec<RevisionId> = waiting.iter().map(|r| r.id).collect();
    let mine: HashSet<RevisionId> = assignments::assigned_to(conn, me, &ids)?
        .into_iter()
        .collect();
    let approved: HashSet<RevisionId> = reviews::approved_by(conn, me, &ids)?.into_iter().collect();
    let counts = reviews::approval_counts(conn, &ids)?;
    let required = settings::load(conn)?.approvals_required;
    let mut items: Vec<Revision> = waiting
        .into_iter()
        .filter(|r| r.author_id != me && !approved.contains(&r.id))
        .collect();
    // Stable: assigned first, each group keeps oldest-first order.
    items.sort_by_key(|r| !mine.contains(&r.id));
    items.truncate(usize::try_from(limit).unwrap_or(0));
    let authors: Vec<UserId> = items.iter().map(|r| r.author_id).collect();
    let names = users::names(conn, &authors)?;
    Ok(items
        .into_iter()
        .map(|revision| QueueItem {
            author: name_of(&names, revision.author_id),
            waiting_since: revision.submitted_at,
            approvals: counts.get(&revision.id).copied().unwrap_or(0),
            required,
            assigned_to_me: mine.contains(&revision.id),
            revision,
        })
        .collect())
}

/// Everything the dashboard shows, by role.
pub struct Dashboard {
    pub drafts: Vec<Revision>,
    pub in_review: Vec<Revision>,
    /// The caller's revisions approved or rejected lately.
    pub decided: Vec<Revision>,
    pub waiting_for_me: Vec<QueueItem>,
    pub overdue: Vec<(Article, String)>,
    pub recently_published: Vec<Revision>,
}

pub fn dashboard(ctx: &mut Ctx<'_>, caller: &Caller) -> ServiceResult<Dashboard> {
    let conn = ctx.conn();
    let editor = caller.has(Role::Editor);
    let drafts = if editor {
        revisions::drafts_by(conn, caller.me()?, 20)?
    } else {
        Vec::new()
    };
    let in_review = if editor {
        revisions::pending_by(conn, caller.me()?, 20)?
    } else {
        Vec::new()
    };
    let decided = if editor {
        revisions::decided_for(conn, caller.me()?, 5)?
    } else {
        Vec::new()
    };
    let waiting_for_me = if caller.has(Role::Reviewer) {
        queue_items(conn, caller, 10)?
    } else {
        Vec::new()
    };
    let overdue = if caller.roles().is_empty() {
        Vec::new()
    } else {
        let articles = articles::overdue(conn, db::now(), 20)?;
        let published: Vec<RevisionId> = articles
            .iter()
            .filter_map(|a| a.published_revision_id)
            .collect();
        let titles: HashMap<RevisionId, String> = revisions::find_many(conn, &published)?
            .into_iter()
            .map(|r| (r.id, r.title))
            .collect();
        articles
            .into_iter()
            .map(|a| {
                let title = a
                    .published_revision_id
                    .and_then(|id| titles.get(&id).cloned())
                    .unwrap_or_else(|| a.slug.clone());
                (a, title)
            })
            .collect()
    };
    let recently_published = if caller.roles().is_empty() {
        Vec::new()
    } else {
        revisions::recently_published(conn, 10)?
    };
    Ok(Dashboard {
        drafts,
        in_review,
        decided,
        waiting_for_me,
        overdue,
        recently_published,
    })
}

/// What the edit page starts from.
pub struct EditStart {
    pub article: Article,
    /// The submitted revision the new one is based on.
    pub base: Option<Revision>,
    /// The caller's draft being continued, if any.
    pub draft: Option<Revision>,
    pub content: ContentInput,
}

fn content_of(revision: &Revision, references: &[Reference], change_note: &str) -> ContentInput {
    ContentInput {
        title: revision.title.clone(),
        summary: revision.summary.clone(),
        body: revision.body.clone(),
        change_note: change_note.to_owned(),
        references: references
            .iter()
            .map(|r| ReferenceInput {
                kind: r.kind.as_str().to_owned(),
                title: r.title.clone(),
                source: r.source.clone(),
                year: r.year.map(|y| y.to_string()).unwrap_or_default(),
                url: r.url.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// Prefills the edit page: the caller's draft if they have one, otherwise the newest
/// submitted revision (with an empty change note), which becomes the base.
pub fn edit_start(ctx: &mut Ctx<'_>, caller: &Caller, id: ArticleId) -> ServiceResult<EditStart> {
    let conn = ctx.conn();
    caller.require(Role::Editor)?;
    let article = articles::find(conn, id)?.ok_or(Missing::Article)?;
    let moved = State::all_where(State::moves_the_article_on);
    let head = revisions::in_states(conn, id, &moved)?.into_iter().next();
    if let Some(draft) = revisions::draft_of(conn, id, caller.me()?)? {
        let references = references::of_revision(conn, draft.id)?;
        let base = match draft.base_revision_id {
            Some(b) => revisions::find(conn, b)?,
            None => None,
        };
        return Ok(EditStart {
            content: content_of(&draft, &references, &draft.change_note),
            article,
            base,
            draft: Some(draft),
        });
    }
    let head = match head {
        Some(head) => head,
        None => revisions::in_states(conn, id, &State::ALL)?
            .into_iter()
            .next()
            .ok_or(Missing::Article)?,
    };
    let references = references::of_revision(conn, head.id)?;
    Ok(EditStart {
        content: content_of(&head, &references, ""),
        article,
        base: Some(head),
        draft: None,
    })
}
