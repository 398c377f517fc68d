//! The states a revision can be in, and what each means.

use std::fmt;

/// Where a revision is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Being written; only its author sees it.
    Draft,
    /// Waiting for review.
    Submitted,
    /// A reviewer has started: claimed, commented or voted.
    UnderReview,
    /// Sent back with comments; the author answers with a new revision.
    ChangesRequested,
    /// The approval policy is met; it is (or was) the published version.
    Approved,
    /// Will not be published.
    Rejected,
    /// Pulled back by its author.
    Withdrawn,
    /// A newer revision of the same article was submitted.
    Superseded,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Draft,
        State::Submitted,
        State::UnderReview,
        State::ChangesRequested,
        State::Approved,
        State::Rejected,
        State::Withdrawn,
        State::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::UnderReview => "under_review",
            State::ChangesRequested => "changes_requested",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
            State::Superseded => "superseded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::Submitted => "Submitted",
            State::UnderReview => "Under review",
            State::ChangesRequested => "Changes requested",
            State::Approved => "Approved",
            State::Rejected => "Rejected",
            State::Withdrawn => "Withdrawn",
            State::Superseded => "Superseded",
        }
    }

    pub fn parse(value: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// What a workspace list can be filtered by: every state a submitted revision can be in.
    pub fn listed() -> Vec<State> {
        State::all_where(State::is_submitted)
    }

    /// Waiting on reviewers or on the author's answer: at most one per article.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            State::Submitted | State::UnderReview | State::ChangesRequested
        )
    }

    /// Nothing ever leaves these states.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Approved | State::Rejected | State::Withdrawn | State::Superseded
        )
    }

    /// Whether a newer revision based on an older one would overwrite this one's work: it was
    /// submitted (and not taken back or turned down).
    pub fn moves_the_article_on(self) -> bool {
        self.is_pending() || matches!(self, State::Approved | State::Superseded)
    }

    /// Waiting on reviewers (not on the author).
    pub fn awaits_reviewers(self) -> bool {
        matches!(self, State::Submitted | State::UnderReview)
    }

    /// Waiting on its author: a reviewer sent it back, and the author answers with a new
    /// revision ("your turn").
    pub fn awaits_author(self) -> bool {
        matches!(self, State::ChangesRequested)
    }

    /// Being written: only its author sees it, and only a draft's content may change.
    pub fn is_draft(self) -> bool {
        matches!(self, State::Draft)
    }

    /// Submitted at some point (has a number): everything but a draft.
    pub fn is_submitted(self) -> bool {
        !self.is_draft()
    }

    /// A decision of the board: the revision's decision date is stamped on reaching it.
    pub fn is_decision(self) -> bool {
        matches!(self, State::Approved | State::Rejected)
    }

    /// Approved by the board: the public text it is, or was (the public history lists it).
    pub fn was_published(self) -> bool {
        matches!(self, State::Approved)
    }

    /// Every state for which `test` holds, for queries by state.
    pub fn all_where(test: fn(State) -> bool) -> Vec<State> {
        State::ALL.into_iter().filter(|s| test(*s)).collect()
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored state name that is not a state: the row is not readable, rather than guessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a revision state")]
pub struct UnknownState(pub String);

impl TryFrom<String> for State {
    type Error = UnknownState;

    fn try_from(value: String) -> Result<State, UnknownState> {
        State::parse(&value).ok_or(UnknownState(value))
    }
}
