//! When an article's periodic review is overdue: what a reader is told about it.

use chrono::NaiveDateTime;

/// The date the next review fell due, when it has passed (the article is still published:
/// its text was approved, but not checked again within the review interval).
pub fn overdue_since(
    next_review_due: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    next_review_due.filter(|due| *due <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_review_is_overdue_once_its_date_has_passed() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        assert_eq!(overdue_since(None, now), None);
        assert_eq!(overdue_since(Some(now + Duration::seconds(1)), now), None);
        assert_eq!(overdue_since(Some(now), now), Some(now));
        let past = now - Duration::days(40);
        assert_eq!(overdue_since(Some(past), now), Some(past));
    }
}
