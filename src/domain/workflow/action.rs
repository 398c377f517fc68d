//! What people (and the system) do to a revision, and what reviewers leave behind.

use std::fmt;

/// Something a person (or the system) does to a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Change a draft's content.
    Edit,
    Submit,
    Withdraw,
    Claim,
    Comment,
    Approve,
    RequestChanges,
    Reject,
    Assign,
    /// The system, when a newer revision of the article is submitted.
    Supersede,
    /// Confirm the published version unchanged at its periodic review.
    Recertify,
}

impl Action {
    /// Everything a person can ask for on a revision's page, in the order offered.
    pub const BY_PEOPLE: [Action; 9] = [
        Action::Edit,
        Action::Submit,
        Action::Claim,
        Action::Approve,
        Action::RequestChanges,
        Action::Reject,
        Action::Comment,
        Action::Assign,
        Action::Withdraw,
    ];

    /// The name in `POST /manage/revisions/{id}/{action}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::Claim => "claim",
            Action::Comment => "comment",
            Action::Approve => "approve",
            Action::RequestChanges => "request-changes",
            Action::Reject => "reject",
            Action::Assign => "assign",
            Action::Supersede => "supersede",
            Action::Recertify => "recertify",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Edit => "Edit",
            Action::Submit => "Submit for review",
            Action::Withdraw => "Withdraw",
            Action::Claim => "Claim for review",
            Action::Comment => "Comment",
            Action::Approve => "Approve",
            Action::RequestChanges => "Request changes",
            Action::Reject => "Reject",
            Action::Assign => "Assign a reviewer",
            Action::Supersede => "Supersede",
            Action::Recertify => "Re-certify unchanged",
        }
    }

    /// Parses a route segment; `edit` and `supersede` are not routes.
    pub fn from_route(value: &str) -> Option<Action> {
        Action::BY_PEOPLE
            .into_iter()
            .filter(|a| *a != Action::Edit)
            .find(|a| a.as_str() == value)
    }

    /// Actions that must say why: the text goes to the author.
    pub fn needs_text(self) -> bool {
        matches!(
            self,
            Action::Comment | Action::RequestChanges | Action::Reject
        )
    }

    /// What to ask for when the text an action needs is missing.
    pub fn text_prompt(self) -> &'static str {
        match self {
            Action::RequestChanges => "Say what needs to change: the author sees your comment.",
            Action::Reject => "Give the reason for rejecting: the author sees it.",
            _ => "Write a comment first.",
        }
    }

    /// Actions that cannot be undone: the form asks the person to confirm.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, Action::Withdraw | Action::Reject)
    }

    /// What the page says once the action is done.
    pub fn done_message(self) -> &'static str {
        match self {
            Action::Edit => "Draft saved. Only you can see it until you submit it.",
            Action::Submit => "Submitted for review. Reviewers can now see it in their queue.",
            Action::Withdraw => "Withdrawn.",
            Action::Claim => "Claimed: it is marked as under review by you.",
            Action::Comment => "Comment added.",
            Action::Approve => "Approval recorded.",
            Action::RequestChanges => "Changes requested. The author sees your comment.",
            Action::Reject => "Rejected. The author sees your reason.",
            Action::Assign => "Reviewer assigned.",
            Action::Supersede => "Superseded.",
            Action::Recertify => "Re-certification recorded.",
        }
    }

    /// The verb in "you cannot ... it".
    pub(super) fn verb(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::Claim => "claim",
            Action::Comment => "comment on",
            Action::Approve => "approve",
            Action::RequestChanges => "request changes on",
            Action::Reject => "reject",
            Action::Assign => "assign reviewers to",
            Action::Supersede => "supersede",
            Action::Recertify => "re-certify",
        }
    }

    /// The participle in "it cannot be ... now".
    pub(super) fn done(self) -> &'static str {
        match self {
            Action::Edit => "edited",
            Action::Submit => "submitted",
            Action::Withdraw => "withdrawn",
            Action::Claim => "claimed",
            Action::Comment => "commented on",
            Action::Approve => "approved",
            Action::RequestChanges => "sent back for changes",
            Action::Reject => "rejected",
            Action::Assign => "assigned",
            Action::Supersede => "superseded",
            Action::Recertify => "re-certified",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reviewer's action left on the revision: a vote, or a comment that counts as
/// taking part in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    RequestChanges,
    Reject,
    Comment,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Approve,
        Verdict::RequestChanges,
        Verdict::Reject,
        Verdict::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::RequestChanges => "request_changes",
            Verdict::Reject => "reject",
            Verdict::Comment => "comment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Approve => "Approved",
            Verdict::RequestChanges => "Changes requested",
            Verdict::Reject => "Rejected",
            Verdict::Comment => "Commented",
        }
    }

    pub fn parse(value: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == value)
    }

    /// A vote (approve, request changes, reject), not a comment: what a timeline lists.
    pub fn is_vote(self) -> bool {
        !matches!(self, Verdict::Comment)
    }

    /// The votes, for queries.
    pub fn votes() -> Vec<Verdict> {
        Verdict::ALL.into_iter().filter(|v| v.is_vote()).collect()
    }
}

/// A stored verdict name that is not a verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a review verdict")]
pub struct UnknownVerdict(pub String);

impl TryFrom<String> for Verdict {
    type Error = UnknownVerdict;

    fn try_from(value: String) -> Result<Verdict, UnknownVerdict> {
        Verdict::parse(&value).ok_or(UnknownVerdict(value))
    }
}
