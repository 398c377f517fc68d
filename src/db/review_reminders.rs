//! The `review_reminders` table: which review-date reminders went out, so each goes once
//! per article, kind and due date.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::articles::Article;
use super::schema::{articles, review_reminders};
use super::{DbConn, MultiBackend};
use crate::ids::ArticleId;

/// The reminder before the due date.
pub const DUE_SOON: &str = "due_soon";
/// The reminder once the date has passed.
pub const OVERDUE: &str = "overdue";

/// Live articles due before `cutoff` that are still owed their reminder: "overdue" when
/// the date is at or before `now`, "due soon" otherwise. Soonest first, after `after` (the
/// last article of the previous batch), at most `limit`. Articles already reminded for
/// their date are left out by the query, so a batch never fills up with them and the ones
/// behind are always reached.
pub fn owed(
    conn: &mut DbConn,
    now: NaiveDateTime,
    cutoff: NaiveDateTime,
    after: Option<(NaiveDateTime, ArticleId)>,
    limit: i64,
) -> QueryResult<Vec<Article>> {
    use diesel::dsl::{exists, not};
    let sent = |kind: &'static str| {
        review_reminders::table
            .filter(review_reminders::article_id.eq(articles::id))
            .filter(review_reminders::kind.eq(kind))
            .filter(
                review_reminders::due_at
                    .nullable()
                    .eq(articles::next_review_due),
            )
    };
    let mut query = articles::table
        .filter(articles::published_revision_id.is_not_null())
        .filter(articles::retracted_at.is_null())
        .filter(articles::next_review_due.le(cutoff))
        .filter(
            articles::next_review_due
                .le(now)
                .and(not(exists(sent(OVERDUE))))
                .or(articles::next_review_due
                    .gt(now)
                    .and(not(exists(sent(DUE_SOON))))),
        )
        .into_boxed::<MultiBackend>();
    if let Some((at, id)) = after {
        query = query.filter(
            articles::next_review_due
                .ge(at)
                .and(articles::next_review_due.gt(at).or(articles::id.gt(id))),
        );
    }
    query
        .order((articles::next_review_due.asc(), articles::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Records a reminder unless one of this kind for this due date was already recorded;
/// returns whether this call recorded it.
pub fn record_once(
    conn: &mut DbConn,
    article: ArticleId,
    kind: &str,
    due_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let already: bool = diesel::select(diesel::dsl::exists(
        review_reminders::table
            .filter(review_reminders::article_id.eq(article))
            .filter(review_reminders::kind.eq(kind))
            .filter(review_reminders::due_at.eq(due_at)),
    ))
    .get_result(conn)?;
    if already {
        return Ok(false);
    }
    diesel::insert_into(review_reminders::table)
        .values((
            review_reminders::article_id.eq(article),
            review_reminders::kind.eq(kind),
            review_reminders::due_at.eq(due_at),
            review_reminders::sent_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}
