//! Sign-in throttling: how many failed password checks are allowed, per account and per
//! client address, within a sliding window.

use chrono::{Duration, NaiveDateTime};

/// Failed attempts allowed for one email address within the window.
pub const ACCOUNT_LIMIT: i64 = 10;
/// Failed attempts allowed from one client address within the window, across accounts.
pub const ADDRESS_LIMIT: i64 = 50;
/// The sliding window.
pub fn window() -> Duration {
    Duration::minutes(15)
}

/// Failed attempts seen in the window, and the oldest of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recent {
    pub failures: i64,
    pub oldest: Option<NaiveDateTime>,
}

/// Whether a new attempt may check a password, or must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused until this many seconds have passed.
    Wait {
        seconds: i64,
        by_address: bool,
    },
}

/// Decides from the failures already recorded for the account and for the address.
pub fn decide(account: Recent, address: Recent, now: NaiveDateTime) -> Decision {
    let wait = |recent: Recent| {
        let until = recent.oldest.unwrap_or(now) + window();
        (until - now).num_seconds().max(1)
    };
    if account.failures >= ACCOUNT_LIMIT {
        return Decision::Wait {
            seconds: wait(account),
            by_address: false,
        };
    }
    if address.failures >= ADDRESS_LIMIT {
        return Decision::Wait {
            seconds: wait(address),
            by_address: true,
        };
    }
    Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(10, minute, 0)
            .unwrap()
    }

    const NONE: Recent = Recent {
        failures: 0,
        oldest: None,
    };

    #[test]
    fn nine_failures_still_allow_a_tenth_attempt() {
        let account = Recent {
            failures: 9,
            oldest: Some(at(0)),
        };
        assert_eq!(decide(account, NONE, at(5)), Decision::Allow);
    }

    #[test]
    fn ten_failures_block_until_the_oldest_leaves_the_window() {
        let account = Recent {
            failures: 10,
            oldest: Some(at(0)),
        };
        assert_eq!(
            decide(account, NONE, at(5)),
            Decision::Wait {
                seconds: 600,
                by_address: false
            }
        );
    }

    #[test]
    fn one_address_failing_across_accounts_is_limited_too() {
        let address = Recent {
            failures: ADDRESS_LIMIT,
            oldest: Some(at(1)),
        };
        assert_eq!(
            decide(NONE, address, at(2)),
            Decision::Wait {
                seconds: 840,
                by_address: true
            }
        );
    }
}
