//! When a session stops being valid.

use chrono::{Duration, NaiveDateTime};

/// How long a session may go unused before `last_seen_at` is written again: a minute, or a
/// quarter of the idle timeout when that is shorter, so a session in use never reaches the
/// idle timeout between two writes. Writing on every request would turn every page view
/// into a database write.
pub fn touch_interval(idle: Duration) -> Duration {
    Duration::minutes(1).min(idle / 4)
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
            touch: now - last_seen >= touch_interval(idle),
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
    fn a_short_idle_timeout_is_refreshed_often_enough_to_keep_a_busy_session() {
        let idle = Duration::minutes(1);
        let start = t(9, 0);
        let mut last_seen = start;
        // Used every 20 seconds for ten minutes: never expires.
        for step in 1..=30 {
            let now = start + Duration::seconds(20 * step);
            match freshness(start, last_seen, now, idle, ABSOLUTE) {
                Freshness::Valid { touch } => {
                    if touch {
                        last_seen = now;
                    }
                }
                Freshness::Expired => panic!("expired after {} s of use", 20 * step),
            }
        }
        assert_eq!(touch_interval(idle), Duration::seconds(15));
        assert_eq!(touch_interval(IDLE), Duration::minutes(1));
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
