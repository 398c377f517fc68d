//! Personal API tokens: what a token's scopes let a program do, and its shape.
//!
//! A token acts as the account that made it, never with more than that account's roles at
//! the moment of the request, and only within its scopes. Which roles a request carries
//! depends on whether it reads or acts, so a use case refuses a read-only token by the
//! same role check that refuses a person without the role: `write` carries Editor and
//! `review` carries Reviewer for acting; reading carries both when `read` is granted (and
//! each with its own scope). Admin is never carried: administration is done in the browser.

use std::fmt;

use super::roles::{Role, RoleSet};

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read what the account may see in the workspace.
    Read,
    /// Write and submit articles, as an editor.
    Write,
    /// Review: comment, approve, request changes, reject, as a reviewer.
    Review,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Review];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Review => "review",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => "Read the workspace",
            Scope::Write => "Write and submit articles (editor)",
            Scope::Review => "Review revisions (reviewer)",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The role acting under this scope needs.
    fn role(self) -> Option<Role> {
        match self {
            Scope::Read => None,
            Scope::Write => Some(Role::Editor),
            Scope::Review => Some(Role::Reviewer),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token's scopes: stored as their names separated by spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn has(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// The stored form; `parse` reads it back.
    pub fn stored(&self) -> String {
        self.iter().map(Scope::as_str).collect::<Vec<_>>().join(" ")
    }

    /// Reads the stored form; names it does not know are dropped (they grant nothing).
    pub fn parse(stored: &str) -> Scopes {
        stored.split_whitespace().filter_map(Scope::parse).collect()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        let mut scopes: Vec<Scope> = iter.into_iter().collect();
        scopes.sort_unstable();
        scopes.dedup();
        Scopes(scopes)
    }
}

/// What a request does with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads (GET).
    Read,
    /// Changes something (POST).
    Act,
}

/// The roles a request made with a token carries: the account's current roles, narrowed
/// to those the token's scopes grant for this kind of access. Never Admin.
pub fn roles_for(account: &RoleSet, scopes: &Scopes, access: Access) -> RoleSet {
    Role::ALL
        .into_iter()
        .filter(|role| account.has(*role))
        .filter(|role| {
            let by_own_scope = scopes.iter().any(|s| s.role() == Some(*role));
            match access {
                Access::Act => by_own_scope,
                Access::Read => by_own_scope || (scopes.has(Scope::Read) && *role != Role::Admin),
            }
        })
        .collect()
}

/// What every token starts with, so a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "imp_";

/// How many characters of a token lists show to tell tokens apart.
pub const SHOWN_CHARS: usize = 12;

/// Whether `value` has the shape of a token (the prefix and 64 hex digits); anything else
/// is not looked up.
pub fn looks_like_token(value: &str) -> bool {
    value
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The longest name a token may have.
pub const NAME_MAX_CHARS: usize = 80;

/// A token's requests in the current minute: a fixed window per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started: std::time::Instant,
    pub requests: u32,
}

/// The length of a rate window.
pub const RATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// Admits one more request in `window` (starting a new one when the last has ended), or
/// says in how many seconds the next is admitted.
pub fn admit(
    window: &mut Option<Window>,
    now: std::time::Instant,
    per_minute: u32,
) -> Result<(), u64> {
    let current = match *window {
        Some(w) if now.duration_since(w.started) < RATE_WINDOW => w,
        _ => Window {
            started: now,
            requests: 0,
        },
    };
    if current.requests >= per_minute {
        let left = RATE_WINDOW.saturating_sub(now.duration_since(current.started));
        *window = Some(current);
        return Err(left.as_secs().max(1));
    }
    *window = Some(Window {
        requests: current.requests + 1,
        ..current
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> RoleSet {
        list.iter().copied().collect()
    }

    #[test]
    fn a_token_carries_no_role_its_account_lacks_and_never_admin() {
        let everything = Scopes::parse("read write review");
        let admin_editor = roles(&[Role::Admin, Role::Editor]);
        assert_eq!(
            roles_for(&admin_editor, &everything, Access::Act),
            roles(&[Role::Editor])
        );
        assert_eq!(
            roles_for(&admin_editor, &everything, Access::Read),
            roles(&[Role::Editor])
        );
        assert!(roles_for(&RoleSet::default(), &everything, Access::Read).is_empty());
    }

    #[test]
    fn reading_needs_read_or_the_role_s_own_scope_and_acting_needs_the_own_scope() {
        let both = roles(&[Role::Editor, Role::Reviewer]);
        let read = Scopes::parse("read");
        assert_eq!(roles_for(&both, &read, Access::Read), both);
        assert!(roles_for(&both, &read, Access::Act).is_empty());
        let review = Scopes::parse("review");
        assert_eq!(
            roles_for(&both, &review, Access::Read),
            roles(&[Role::Reviewer])
        );
        assert_eq!(
            roles_for(&both, &review, Access::Act),
            roles(&[Role::Reviewer])
        );
        let write = Scopes::parse("write");
        assert_eq!(
            roles_for(&both, &write, Access::Act),
            roles(&[Role::Editor])
        );
    }

    #[test]
    fn scopes_round_trip_and_unknown_names_grant_nothing() {
        let scopes = Scopes::parse("review read review admin");
        assert_eq!(scopes.stored(), "read review");
        assert!(!scopes.has(Scope::Write));
        assert!(Scopes::parse("admin").is_empty());
    }

    #[test]
    fn a_window_admits_its_limit_then_says_when_the_next_is_admitted() {
        let start = std::time::Instant::now();
        let mut window = None;
        for _ in 0..3 {
            assert_eq!(admit(&mut window, start, 3), Ok(()));
        }
        let later = start + std::time::Duration::from_secs(20);
        assert_eq!(admit(&mut window, later, 3), Err(40));
        // A new minute starts afresh.
        let next = start + RATE_WINDOW;
        assert_eq!(admit(&mut window, next, 3), Ok(()));
        assert_eq!(window.map(|w| w.requests), Some(1));
    }

    #[test]
    fn only_the_token_shape_is_looked_up() {
        let token = format!("{TOKEN_PREFIX}{}", "a1".repeat(32));
        assert!(looks_like_token(&token));
        assert!(!looks_like_token(&token[..token.len() - 1]));
        assert!(!looks_like_token(&"a1".repeat(32)));
        assert!(!looks_like_token(&format!(
            "{TOKEN_PREFIX}{}",
            "zz".repeat(32)
        )));
    }
}
