//! The roles an account can hold. One account may hold several.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Editor,
    Reviewer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Editor, Role::Reviewer, Role::Admin];

    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Editor => "Editor",
            Role::Reviewer => "Reviewer",
            Role::Admin => "Admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of roles one account holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// "Editor, Reviewer", or "none".
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.iter().map(Role::label).collect::<Vec<_>>().join(", ")
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        RoleSet(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn role_sets_are_ordered_and_deduplicated() {
        let set: RoleSet = [Role::Admin, Role::Editor, Role::Admin]
            .into_iter()
            .collect();
        assert_eq!(set.describe(), "Editor, Admin");
        assert!(set.has(Role::Admin));
        assert!(!set.has(Role::Reviewer));
        assert_eq!(RoleSet::default().describe(), "none");
    }
}
