//! Sign-in throttling: how many failed password checks are allowed, per account and per
//! client address, within a sliding window.
//!
//! The rule: at most `ACCOUNT_LIMIT` failures per account (whoever tries), and at most
//! `ADDRESS_LIMIT` failures per client address across all accounts (password spraying),
//! except that the address limit does not apply to a browser that has signed in to that
//! account before (it carries the account's signed device cookie). So an attacker behind an
//! office's shared address is stopped, and the office's people, on their own browsers,
//! still sign in.

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
/// `known_device`: the attempt comes from a browser that signed in to this account before.
pub fn decide(
    account: Recent,
    address: Recent,
    known_device: bool,
    now: NaiveDateTime,
) -> Decision {
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
    if address.failures >= ADDRESS_LIMIT && !known_device {
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
        assert_eq!(decide(account, NONE, false, at(5)), Decision::Allow);
    }

    #[test]
    fn ten_failures_block_until_the_oldest_leaves_the_window() {
        let account = Recent {
            failures: 10,
            oldest: Some(at(0)),
        };
        assert_eq!(
            decide(account, NONE, false, at(5)),
            Decision::Wait {
                seconds: 600,
                by_address: false
            }
        );
        assert_eq!(
            decide(account, NONE, true, at(5)),
            Decision::Wait {
                seconds: 600,
                by_address: false
            },
            "a known device does not lift the account limit"
        );
    }

    #[test]
    fn one_address_failing_across_accounts_is_limited_too() {
        let address = Recent {
            failures: ADDRESS_LIMIT,
            oldest: Some(at(1)),
        };
        assert_eq!(
            decide(NONE, address, false, at(2)),
            Decision::Wait {
                seconds: 840,
                by_address: true
            }
        );
    }

    #[test]
    fn a_browser_that_signed_in_before_is_not_locked_out_by_its_address() {
        let address = Recent {
            failures: ADDRESS_LIMIT * 10,
            oldest: Some(at(1)),
        };
        assert_eq!(decide(NONE, address, true, at(2)), Decision::Allow);
    }
}
