//! Password hashing with argon2id at the OWASP minimum parameters (m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately slow and takes 19 MiB of work memory per call. Calls run on
//! blocking threads (the caller is already on one) and borrow that memory from the
//! application's [`Gate`], which holds a fixed number of buffers: a burst of sign-ins queues
//! there instead of exhausting memory or starving the database pool, and the server's memory
//! stays at a known size. (Allocating the 19 MiB per call leaves a copy resident in every
//! allocator arena a blocking thread ever hashed on: 250 MB after eleven sign-ins.)

use std::sync::{Condvar, Mutex, PoisonError};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::password_hash::try_generate_salt;
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

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

fn policy() -> Params {
    // Params::default() is exactly the row above; say so explicitly so a change of library
    // defaults cannot lower it.
    Params::new(MIN_M_COST_KIB, MIN_T_COST, MIN_P_COST, None).unwrap_or_else(|_| Params::default())
}

/// Hashes a new password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(gate: &Gate, password: &str) -> Result<String, ServiceError> {
    let failed = |e: argon2::password_hash::Error| ServiceError::from(Failure::Hashing(e));
    let salt = try_generate_salt().map_err(|e| failed(e.into()))?;
    let params = policy();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    gate.run(|memory| {
        let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        hasher.hash_password_into_with_memory(
            password.as_bytes(),
            &salt,
            &mut out,
            memory.blocks(&params),
        )
    })
    .map_err(|e| failed(e.into()))?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(e.into()))?),
        hash: Some(Output::new(&out).map_err(|e| failed(e.into()))?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored hash. With no stored hash (unknown account, or one
/// that never set a password) it still does the same work and answers false.
pub fn verify(gate: &Gate, password: &str, stored: Option<&str>) -> bool {
    let (candidate, real) = match stored.map(PasswordHash::new) {
        Some(Ok(parsed)) => (parsed, true),
        _ => match PasswordHash::new(DUMMY_HASH) {
            Ok(parsed) => (parsed, false),
            Err(_) => return false,
        },
    };
    let matches = gate.run(|memory| matches(memory, password, &candidate));
    matches && real
}

/// Recomputes a stored hash with its own algorithm, version and parameters, and compares the
/// outputs in constant time (`Output`'s equality is).
fn matches(memory: &mut Memory, password: &str, stored: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(stored.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = stored
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    let hasher = Argon2::new(algorithm, version, params.clone());
    if hasher
        .hash_password_into_with_memory(password.as_bytes(), salt, out, memory.blocks(&params))
        .is_err()
    {
        return false;
    }
    Output::new(out).is_ok_and(|computed| &computed == expected)
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

/// One hash's work memory, kept between calls. Allocated on first use at the policy's size;
/// a stored hash with a larger memory cost gets a buffer of its own for that call only, so a
/// pooled buffer never grows past the policy.
#[derive(Debug, Default)]
pub struct Memory {
    kept: Vec<Block>,
    once: Vec<Block>,
}

impl Memory {
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let needed = params.block_count();
        let kept_size = policy().block_count();
        if needed > kept_size {
            self.once = vec![Block::new(); needed];
            return &mut self.once;
        }
        if self.kept.len() < kept_size {
            self.kept = vec![Block::new(); kept_size];
        }
        &mut self.kept
    }

    fn forget_once(&mut self) {
        self.once = Vec::new();
    }
}

/// A pool of `limit` work memories for blocking threads: at most `limit` hashes at once, the
/// rest wait for a memory to come back.
#[derive(Debug)]
pub struct Gate {
    free: Mutex<Vec<Memory>>,
    returned: Condvar,
}

impl Gate {
    /// As many at once as the machine has cores, at least two and at most four (76 MiB).
    pub fn for_this_machine() -> Self {
        Self::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(2, 4),
        )
    }

    pub fn new(limit: usize) -> Self {
        Self {
            free: Mutex::new((0..limit.max(1)).map(|_| Memory::default()).collect()),
            returned: Condvar::new(),
        }
    }

    fn run<T>(&self, work: impl FnOnce(&mut Memory) -> T) -> T {
        let mut memory = {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(memory) = free.pop() {
                    break memory;
                }
                free = self
                    .returned
                    .wait(free)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let result = work(&mut memory);
        memory.forget_once();
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(memory);
        self.returned.notify_one();
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
    fn hashes_agree_with_the_library_both_ways() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let gate = Gate::new(1);
        let ours = hash(&gate, "tincture of iodine").unwrap();
        let library = Argon2::default();
        assert!(
            library
                .verify_password(b"tincture of iodine", &PasswordHash::new(&ours).unwrap())
                .is_ok()
        );
        // A hash stored by an earlier release, and one with a higher memory cost than the
        // pooled buffers hold: both still verify, and only with their own password.
        let stronger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(2 * MIN_M_COST_KIB, MIN_T_COST, MIN_P_COST, None).unwrap(),
        );
        for theirs in [
            library.hash_password(b"tincture of iodine").unwrap(),
            stronger.hash_password(b"tincture of iodine").unwrap(),
        ] {
            let theirs = theirs.to_string();
            assert!(verify(&gate, "tincture of iodine", Some(&theirs)));
            assert!(!verify(&gate, "tincture of iodine!", Some(&theirs)));
        }
    }

    #[test]
    fn a_pool_of_one_serves_callers_in_turn() {
        let gate = std::sync::Arc::new(Gate::new(1));
        let stored = hash(&gate, "one at a time").unwrap();
        let threads: Vec<_> = (0..3)
            .map(|i| {
                let (gate, stored) = (gate.clone(), stored.clone());
                std::thread::spawn(move || {
                    let guess = if i == 0 {
                        "one at a time"
                    } else {
                        "two at once"
                    };
                    verify(&gate, guess, Some(&stored))
                })
            })
            .collect();
        let answers: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(answers, [true, false, false]);
        assert_eq!(gate.free.lock().unwrap().len(), 1, "the memory came back");
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
