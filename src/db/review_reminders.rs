//! The `review_reminders` table: which review-date reminders went out, so each goes once
//! per article, kind and due date.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::review_reminders;
use crate::ids::ArticleId;

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
