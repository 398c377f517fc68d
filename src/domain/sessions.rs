//! When a session stops being valid.

use chrono::{Duration, NaiveDateTime};

/// How long a session may go unused before `last_seen_at` is written again. Writing on every
/// request would turn every page view into a database write.
pub fn touch_interval() -> Duration {
    Duration::minutes(1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Valid; `touch` says whether to record this use.
    Valid { touch: bool },
    /// Unused for longer than the idle timeout, or older than the absolute timeout.
    Expired,
}

/// Judges a session created at `created` and last used at `last_seen`.
pub fn freshness(
    created: NaiveDateTime,
    last_seen: NaiveDateTime,
    now: NaiveDateTime,
    idle: Duration,
    absolute: Duration,
) -> Freshness {
    if now - last_seen >= idle || now - created >= absolute {
        Freshness::Expired
    } else {
        Freshness::Valid {
            touch: now - last_seen >= touch_interval(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(hour, minute, 0)
            .unwrap()
    }

    const IDLE: Duration = Duration::hours(2);
    const ABSOLUTE: Duration = Duration::hours(12);

    #[test]
    fn a_recently_used_session_is_valid_without_a_write() {
        assert_eq!(
            freshness(t(8, 0), t(9, 0), t(9, 0), IDLE, ABSOLUTE),
            Freshness::Valid { touch: false }
        );
        assert_eq!(
            freshness(t(8, 0), t(9, 0), t(9, 5), IDLE, ABSOLUTE),
            Freshness::Valid { touch: true }
        );
    }

    #[test]
    fn idle_sessions_expire() {
        assert_eq!(
            freshness(t(8, 0), t(9, 0), t(11, 0), IDLE, ABSOLUTE),
            Freshness::Expired
        );
    }

    #[test]
    fn busy_sessions_still_expire_after_the_absolute_timeout() {
        assert_eq!(
            freshness(t(0, 0), t(11, 59), t(12, 0), IDLE, ABSOLUTE),
            Freshness::Expired
        );
    }
}
