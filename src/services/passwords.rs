//! Password hashing with argon2id at the OWASP minimum parameters (m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately slow and takes 19 MiB per call, so calls run on blocking threads
//! (the caller is already on one) and at most a few run at once through the application's
//! [`Gate`]: a burst of sign-ins queues there instead of exhausting memory or starving the
//! database pool.

use std::sync::{Condvar, Mutex, PoisonError};

use argon2::password_hash::phc::PasswordHash;
use argon2::{ARGON2ID_IDENT, Argon2, Params, PasswordHasher, PasswordVerifier};

use super::{Failure, ServiceError};

/// The OWASP Password Storage Cheat Sheet's minimum row for argon2id.
pub const MIN_M_COST_KIB: u32 = 19_456;
pub const MIN_T_COST: u32 = 2;
pub const MIN_P_COST: u32 = 1;

/// A hash of a password nobody knows, with the same parameters as real ones. Unknown accounts
/// are checked against it so that "no such account" takes as long as "wrong password".
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$\
    bm90LWEtcmVhbC1zYWx0$\
    XyVgr/yTvVx/m6kTNoWTEDAqAVXVt11Q0Dwc6rgROdI";

fn hasher() -> Argon2<'static> {
    // Argon2::default() is argon2id v19 with exactly the parameters above; say so explicitly
    // so a change of library defaults cannot lower them.
    let params = Params::new(MIN_M_COST_KIB, MIN_T_COST, MIN_P_COST, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Hashes a new password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(gate: &Gate, password: &str) -> Result<String, ServiceError> {
    gate.run(|| {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Failure::Hashing(e).into())
    })
}

/// Checks a password against a stored hash. With no stored hash (unknown account, or one
/// that never set a password) it still does the same work and answers false.
pub fn verify(gate: &Gate, password: &str, stored: Option<&str>) -> bool {
    gate.run(|| {
        let (candidate, real) = match stored.map(PasswordHash::new) {
            Some(Ok(parsed)) => (parsed, true),
            _ => match PasswordHash::new(DUMMY_HASH) {
                Ok(parsed) => (parsed, false),
                Err(_) => return false,
            },
        };
        let matches = hasher()
            .verify_password(password.as_bytes(), &candidate)
            .is_ok();
        matches && real
    })
}

/// Whether a stored hash is argon2id with parameters at or above the OWASP minimum.
pub fn meets_policy(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    parsed.algorithm == ARGON2ID_IDENT
        && params.m_cost() >= MIN_M_COST_KIB
        && params.t_cost() >= MIN_T_COST
        && params.p_cost() >= MIN_P_COST
}

/// A counting semaphore for blocking threads: at most `limit` hashes at once.
#[derive(Debug)]
pub struct Gate {
    running: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl Gate {
    /// As many at once as the machine has cores (at least two).
    pub fn for_this_machine() -> Self {
        Self::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .max(2),
        )
    }

    pub fn new(limit: usize) -> Self {
        Self {
            running: Mutex::new(0),
            freed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            while *running >= self.limit {
                running = self
                    .freed
                    .wait(running)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *running += 1;
        }
        let result = work();
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        *running -= 1;
        self.freed.notify_one();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let gate = Gate::new(2);
        let stored = hash(&gate, "correct horse battery staple").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(meets_policy(&stored));
        assert!(verify(&gate, "correct horse battery staple", Some(&stored)));
        assert!(!verify(
            &gate,
            "correct horse battery stapler",
            Some(&stored)
        ));
    }

    #[test]
    fn the_dummy_hash_is_well_formed_and_never_matches() {
        let gate = Gate::new(1);
        assert!(meets_policy(DUMMY_HASH));
        assert!(!verify(&gate, "anything at all", None));
        assert!(!verify(&gate, "anything at all", Some("not a hash")));
    }

    #[test]
    fn weak_or_foreign_hashes_fail_the_policy() {
        assert!(!meets_policy(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(!meets_policy(
            "$argon2id$v=19$m=4096,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(!meets_policy("plaintext"));
    }
}
