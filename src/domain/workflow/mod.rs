//! The review workflow of one revision, as a pure transition function:
//! `(state, action, actor, approvals) -> Result<Transition, WorkflowError>`.
//!
//! This module is the only place states, actions and the approval quorum are decided:
//! services and handlers ask `decide` (or `available_actions`, which is `decide` asked for
//! every action) and the predicates on `State`, `Action` and `Approvals`.

mod action;
mod state;

pub use action::{Action, UnknownVerdict, Verdict};
pub use state::{State, UnknownState};

use super::roles::Role;

/// Who may see a revision at all: a draft is its author's alone; anything submitted is
/// visible to everyone in the workspace.
pub fn visible_to(state: State, is_author: bool) -> bool {
    state.is_submitted() || is_author
}

/// The states a revision is in that everyone in the workspace may see (not its author only).
pub fn visible_to_everyone() -> Vec<State> {
    State::all_where(|state| visible_to(state, false))
}

/// Who acts, relative to the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actor {
    /// Wrote the revision.
    pub is_author: bool,
    pub is_reviewer: bool,
    pub is_admin: bool,
    /// The server itself (superseding).
    pub is_system: bool,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            is_system: true,
            ..Actor::default()
        }
    }
}

/// The approvals already on the revision, and the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approvals {
    /// Distinct approvals the policy needs.
    pub required: u32,
    /// Distinct reviewers other than the actor who approved this content.
    pub by_others: u32,
    /// Whether the actor already approved it (whether or not that approval counts).
    pub by_actor: bool,
    /// Whether the actor's approval counts toward the quorum.
    pub actor_counts: bool,
    /// The approval being given will not count (its reviewer declares a conflict the
    /// policy does not count), so it cannot publish.
    pub this_approval_uncounted: bool,
    /// The specialist rule, when it is in force.
    pub specialists: Specialists,
}

impl Approvals {
    pub fn none(required: u32) -> Self {
        Approvals {
            required,
            by_others: 0,
            by_actor: false,
            actor_counts: false,
            this_approval_uncounted: false,
            specialists: Specialists::default(),
        }
    }

    /// The quorum rule: whether the actor's approval, added to the others', meets the policy
    /// (and, under the specialist rule, covers every specialty still missing).
    pub fn one_more_publishes(&self) -> bool {
        !self.this_approval_uncounted
            && self.by_others + 1 >= self.required
            && self.specialists.actor_covers_the_rest()
    }

    /// How many more approvals the revision needs, counting the actor's if given: at least
    /// one while a specialty is still missing.
    pub fn still_needed(&self) -> u32 {
        let counted = self.by_others + u32::from(self.actor_counts);
        let by_count = self.required.saturating_sub(counted);
        let missing = if self.actor_counts {
            self.specialists.missing - self.specialists.actor_covers.min(self.specialists.missing)
        } else {
            self.specialists.missing
        };
        if missing > 0 {
            by_count.max(1)
        } else {
            by_count
        }
    }
}

/// The specialist rule measured on one revision: the article's specialties that the
/// approvals counted so far do not cover. All zero when the rule is off or the article has
/// no specialty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Specialists {
    /// Specialties no counted approval by someone other than the actor covers.
    pub missing: u32,
    /// How many of those the actor holds (and would cover by approving, or covers with
    /// an approval already counted).
    pub actor_covers: u32,
}

impl Specialists {
    /// Measures the rule. `needed`: the article's specialties; `by_others`: those held by
    /// the other counted approvers; `actor`: those the actor holds.
    pub fn measure<T: Ord + Copy>(
        rule_on: bool,
        needed: &std::collections::BTreeSet<T>,
        by_others: &std::collections::BTreeSet<T>,
        actor: &std::collections::BTreeSet<T>,
    ) -> Specialists {
        if !rule_on {
            return Specialists::default();
        }
        let missing: Vec<T> = needed.difference(by_others).copied().collect();
        let covers = missing.iter().filter(|s| actor.contains(s)).count();
        Specialists {
            missing: u32::try_from(missing.len()).unwrap_or(u32::MAX),
            actor_covers: u32::try_from(covers).unwrap_or(u32::MAX),
        }
    }

    /// Whether the actor's approval would leave no specialty missing.
    pub fn actor_covers_the_rest(&self) -> bool {
        self.actor_covers >= self.missing
    }
}

/// Whether an approval counts toward the quorum: its reviewer's account is active and,
/// unless the policy counts them, they declared no conflict of interest with the article.
pub fn approval_counts(active: bool, conflict_declared: bool, conflicts_count: bool) -> bool {
    active && (!conflict_declared || conflicts_count)
}

/// The specialties of `needed` that nobody in `covered` holds: what a revision still needs
/// under the specialist rule (empty when the rule is off).
pub fn specialties_missing<T: Ord + Clone>(
    rule_on: bool,
    needed: &[T],
    covered: &std::collections::BTreeSet<T>,
) -> Vec<T> {
    if !rule_on {
        return Vec::new();
    }
    needed
        .iter()
        .filter(|s| !covered.contains(s))
        .cloned()
        .collect()
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub to: State,
    /// The approval met the policy: the revision becomes the article's published version.
    pub publishes: bool,
    /// The review row the action leaves, if it is a reviewer's vote or comment.
    pub verdict: Option<Verdict>,
}

impl Transition {
    fn to(state: State) -> Self {
        Transition {
            to: state,
            publishes: false,
            verdict: None,
        }
    }

    fn with_verdict(self, verdict: Verdict) -> Self {
        Transition {
            verdict: Some(verdict),
            ..self
        }
    }

    /// The board decided (approved or rejected): the decision date is stamped.
    pub fn decides(&self) -> bool {
        self.to.is_decision()
    }
}

/// Why an action is refused. `is_permission` ones are about who acts (403); the others are
/// about the revision's state (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("You wrote this revision, so you cannot {verb} it: another board member must.", verb = .action.verb())]
    OwnRevision { action: Action },
    #[error("Only the revision's author can {verb} it.", verb = .action.verb())]
    AuthorOnly { action: Action },
    #[error("You need the {} role to {verb} a revision.", .role.label().to_lowercase(), verb = .action.verb())]
    RoleRequired { role: Role, action: Action },
    #[error("Only the system can supersede a revision.")]
    SystemOnly,
    #[error("This revision is {}, so it cannot be {done} now.", .state.label().to_lowercase(), done = .action.done())]
    NotInThisState { action: Action, state: State },
    #[error("You have already approved this revision; an approval counts once.")]
    AlreadyApproved,
    #[error("You have already re-certified this version in this review round; it counts once.")]
    AlreadyRecertified,
}

impl WorkflowError {
    /// True when the refusal is about who acts rather than when.
    pub fn is_permission(self) -> bool {
        matches!(
            self,
            WorkflowError::OwnRevision { .. }
                | WorkflowError::AuthorOnly { .. }
                | WorkflowError::RoleRequired { .. }
                | WorkflowError::SystemOnly
        )
    }
}

/// Who may do `action` at all, whatever the state.
fn permitted(action: Action, actor: Actor) -> Result<(), WorkflowError> {
    let reviewer_not_author = |action| {
        if actor.is_author {
            Err(WorkflowError::OwnRevision { action })
        } else if actor.is_reviewer {
            Ok(())
        } else {
            Err(WorkflowError::RoleRequired {
                role: Role::Reviewer,
                action,
            })
        }
    };
    match action {
        Action::Supersede if actor.is_system => Ok(()),
        Action::Supersede => Err(WorkflowError::SystemOnly),
        Action::Edit | Action::Submit | Action::Withdraw if actor.is_author => Ok(()),
        Action::Edit | Action::Submit | Action::Withdraw => {
            Err(WorkflowError::AuthorOnly { action })
        }
        Action::Claim | Action::Approve | Action::RequestChanges | Action::Recertify => {
            reviewer_not_author(action)
        }
        // Admins may reject too (never their own revision).
        Action::Reject if actor.is_admin && !actor.is_author => Ok(()),
        Action::Reject => reviewer_not_author(action),
        Action::Assign if actor.is_admin => Ok(()),
        Action::Assign => reviewer_not_author(action),
        Action::Comment if actor.is_author || actor.is_reviewer || actor.is_admin => Ok(()),
        Action::Comment => Err(WorkflowError::RoleRequired {
            role: Role::Reviewer,
            action,
        }),
    }
}

/// Decides one action. The only place workflow states are compared.
pub fn decide(
    state: State,
    action: Action,
    actor: Actor,
    approvals: Approvals,
) -> Result<Transition, WorkflowError> {
    use State::{
        Approved, ChangesRequested, Draft, Rejected, Submitted, Superseded, UnderReview, Withdrawn,
    };
    permitted(action, actor)?;
    let refused = Err(WorkflowError::NotInThisState { action, state });
    match (action, state) {
        (Action::Edit, Draft) => Ok(Transition::to(Draft)),
        (Action::Submit, Draft) => Ok(Transition::to(Submitted)),
        (Action::Withdraw, Draft | Submitted | UnderReview | ChangesRequested) => {
            Ok(Transition::to(Withdrawn))
        }
        (Action::Claim, Submitted | UnderReview) => Ok(Transition::to(UnderReview)),
        // A reviewer's comment is part of the review (it starts one that was waiting); the
        // author's answer or an admin's note is not.
        (Action::Comment, Submitted) if actor.is_reviewer && !actor.is_author => {
            Ok(Transition::to(UnderReview).with_verdict(Verdict::Comment))
        }
        (Action::Comment, Submitted | UnderReview | ChangesRequested)
            if actor.is_reviewer && !actor.is_author =>
        {
            Ok(Transition::to(state).with_verdict(Verdict::Comment))
        }
        (Action::Comment, Submitted | UnderReview | ChangesRequested) => Ok(Transition::to(state)),
        (Action::Approve, Submitted | UnderReview) => {
            if approvals.by_actor {
                return Err(WorkflowError::AlreadyApproved);
            }
            let to = if approvals.one_more_publishes() {
                Transition {
                    to: Approved,
                    publishes: true,
                    verdict: None,
                }
            } else {
                Transition::to(UnderReview)
            };
            Ok(to.with_verdict(Verdict::Approve))
        }
        (Action::RequestChanges, Submitted | UnderReview) => {
            Ok(Transition::to(ChangesRequested).with_verdict(Verdict::RequestChanges))
        }
        (Action::Reject, Submitted | UnderReview | ChangesRequested) => {
            Ok(Transition::to(Rejected).with_verdict(Verdict::Reject))
        }
        (Action::Assign, Submitted | UnderReview | ChangesRequested) => Ok(Transition::to(state)),
        (Action::Supersede, Submitted | UnderReview | ChangesRequested) => {
            Ok(Transition::to(Superseded))
        }
        // At the periodic review, the published (approved) version is confirmed unchanged:
        // the re-certification that meets the policy completes the review.
        (Action::Recertify, Approved) => {
            if approvals.by_actor {
                return Err(WorkflowError::AlreadyRecertified);
            }
            Ok(Transition {
                to: Approved,
                publishes: approvals.one_more_publishes(),
                verdict: None,
            })
        }
        (_, Draft | Submitted | UnderReview | ChangesRequested)
        | (_, Approved | Rejected | Withdrawn | Superseded) => refused,
    }
}

/// The actions `actor` may take now, in the order a page offers them.
pub fn available_actions(state: State, actor: Actor, approvals: Approvals) -> Vec<Action> {
    Action::BY_PEOPLE
        .into_iter()
        .filter(|action| decide(state, *action, actor, approvals).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: Actor = Actor {
        is_author: true,
        is_reviewer: false,
        is_admin: false,
        is_system: false,
    };
    /// An author who also sits on the board and administers the site: still may not review
    /// their own revision.
    const AUTHOR_REVIEWER_ADMIN: Actor = Actor {
        is_author: true,
        is_reviewer: true,
        is_admin: true,
        is_system: false,
    };
    const REVIEWER: Actor = Actor {
        is_author: false,
        is_reviewer: true,
        is_admin: false,
        is_system: false,
    };
    const ADMIN: Actor = Actor {
        is_author: false,
        is_reviewer: false,
        is_admin: true,
        is_system: false,
    };
    const OTHER_EDITOR: Actor = Actor {
        is_author: false,
        is_reviewer: false,
        is_admin: false,
        is_system: false,
    };
    const SYSTEM: Actor = Actor {
        is_author: false,
        is_reviewer: false,
        is_admin: false,
        is_system: true,
    };
    const ONE: Approvals = Approvals {
        required: 1,
        by_others: 0,
        by_actor: false,
        actor_counts: false,
        this_approval_uncounted: false,
        specialists: Specialists {
            missing: 0,
            actor_covers: 0,
        },
    };

    fn all_actions() -> Vec<Action> {
        let mut all = Action::BY_PEOPLE.to_vec();
        all.push(Action::Supersede);
        all
    }

    /// The whole table for one actor with one approval required: every (state, action) pair
    /// and where it leads, or "-" when refused.
    fn table(actor: Actor, approvals: Approvals) -> Vec<String> {
        State::ALL
            .into_iter()
            .map(|state| {
                let cells: Vec<String> = all_actions()
                    .into_iter()
                    .map(|action| match decide(state, action, actor, approvals) {
                        Ok(t) if t.publishes => format!("{action}>{}!", t.to),
                        Ok(t) => format!("{action}>{}", t.to),
                        Err(_) => format!("{action}:-"),
                    })
                    .collect();
                format!("{state}: {}", cells.join(" "))
            })
            .collect()
    }

    #[test]
    fn the_author_table() {
        assert_eq!(
            table(AUTHOR, ONE),
            [
                "draft: edit>draft submit>submitted claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw>withdrawn supersede:-",
                "submitted: edit:- submit:- claim:- approve:- request-changes:- reject:- comment>submitted assign:- withdraw>withdrawn supersede:-",
                "under_review: edit:- submit:- claim:- approve:- request-changes:- reject:- comment>under_review assign:- withdraw>withdrawn supersede:-",
                "changes_requested: edit:- submit:- claim:- approve:- request-changes:- reject:- comment>changes_requested assign:- withdraw>withdrawn supersede:-",
                "approved: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "rejected: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "withdrawn: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "superseded: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
            ]
        );
    }

    #[test]
    fn the_reviewer_table() {
        assert_eq!(
            table(REVIEWER, ONE),
            [
                "draft: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "submitted: edit:- submit:- claim>under_review approve>approved! request-changes>changes_requested reject>rejected comment>under_review assign>submitted withdraw:- supersede:-",
                "under_review: edit:- submit:- claim>under_review approve>approved! request-changes>changes_requested reject>rejected comment>under_review assign>under_review withdraw:- supersede:-",
                "changes_requested: edit:- submit:- claim:- approve:- request-changes:- reject>rejected comment>changes_requested assign>changes_requested withdraw:- supersede:-",
                "approved: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "rejected: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "withdrawn: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "superseded: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
            ]
        );
    }

    #[test]
    fn the_admin_table() {
        assert_eq!(
            table(ADMIN, ONE),
            [
                "draft: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "submitted: edit:- submit:- claim:- approve:- request-changes:- reject>rejected comment>submitted assign>submitted withdraw:- supersede:-",
                "under_review: edit:- submit:- claim:- approve:- request-changes:- reject>rejected comment>under_review assign>under_review withdraw:- supersede:-",
                "changes_requested: edit:- submit:- claim:- approve:- request-changes:- reject>rejected comment>changes_requested assign>changes_requested withdraw:- supersede:-",
                "approved: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "rejected: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "withdrawn: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
                "superseded: edit:- submit:- claim:- approve:- request-changes:- reject:- comment:- assign:- withdraw:- supersede:-",
            ]
        );
    }

    #[test]
    fn the_system_only_supersedes_pending_revisions() {
        for state in State::ALL {
            for action in all_actions() {
                let result = decide(state, action, SYSTEM, ONE);
                if action == Action::Supersede && state.is_pending() {
                    assert_eq!(result.map(|t| t.to), Ok(State::Superseded));
                } else {
                    assert!(result.is_err(), "{state} {action}");
                }
            }
            for person in [AUTHOR, REVIEWER, ADMIN, OTHER_EDITOR] {
                assert_eq!(
                    decide(state, Action::Supersede, person, ONE),
                    Err(WorkflowError::SystemOnly)
                );
            }
        }
    }

    #[test]
    fn an_author_never_reviews_their_own_revision_whatever_roles_they_hold() {
        for state in State::ALL {
            for action in [
                Action::Claim,
                Action::Approve,
                Action::RequestChanges,
                Action::Reject,
            ] {
                assert_eq!(
                    decide(state, action, AUTHOR_REVIEWER_ADMIN, ONE),
                    Err(WorkflowError::OwnRevision { action }),
                    "{state} {action}"
                );
            }
        }
    }

    #[test]
    fn editors_who_did_not_write_it_can_only_look() {
        for state in State::ALL {
            assert!(
                available_actions(state, OTHER_EDITOR, ONE).is_empty(),
                "{state}"
            );
        }
    }

    #[test]
    fn approvals_publish_only_when_the_quorum_is_met() {
        let two = |by_others| Approvals {
            by_others,
            ..Approvals::none(2)
        };
        assert_eq!(
            decide(State::Submitted, Action::Approve, REVIEWER, two(0)),
            Ok(Transition {
                to: State::UnderReview,
                publishes: false,
                verdict: Some(Verdict::Approve),
            })
        );
        assert_eq!(
            decide(State::UnderReview, Action::Approve, REVIEWER, two(1)),
            Ok(Transition {
                to: State::Approved,
                publishes: true,
                verdict: Some(Verdict::Approve),
            })
        );
        let again = Approvals {
            by_actor: true,
            ..Approvals::none(2)
        };
        assert_eq!(
            decide(State::UnderReview, Action::Approve, REVIEWER, again),
            Err(WorkflowError::AlreadyApproved)
        );
    }

    #[test]
    fn only_a_reviewer_s_comment_counts_as_taking_part_in_the_review() {
        let by = |actor| {
            decide(State::Submitted, Action::Comment, actor, ONE)
                .unwrap()
                .verdict
        };
        assert_eq!(by(REVIEWER), Some(Verdict::Comment));
        assert_eq!(by(AUTHOR), None);
        assert_eq!(by(AUTHOR_REVIEWER_ADMIN), None);
        assert_eq!(by(ADMIN), None);
        let approval = decide(State::UnderReview, Action::Approve, REVIEWER, ONE).unwrap();
        assert!(approval.decides() && approval.publishes);
        let claim = decide(State::Submitted, Action::Claim, REVIEWER, ONE).unwrap();
        assert!(!claim.decides() && claim.verdict.is_none());
    }

    #[test]
    fn the_quorum_counts_the_next_approval() {
        let two = |by_others| Approvals {
            by_others,
            ..Approvals::none(2)
        };
        assert!(!two(0).one_more_publishes());
        assert!(two(1).one_more_publishes());
        assert!(Approvals::none(1).one_more_publishes());
    }

    #[test]
    fn a_non_specialist_quorum_does_not_publish_until_a_specialist_approves() {
        use std::collections::BTreeSet;
        let set = |items: &[u8]| items.iter().copied().collect::<BTreeSet<u8>>();
        // The article needs rheumatology (1); the one other approver holds cardiology (2).
        let needed = set(&[1]);
        let cardiologist = Approvals {
            by_others: 1,
            specialists: Specialists::measure(true, &needed, &set(&[2]), &set(&[3])),
            ..Approvals::none(2)
        };
        let approval = decide(State::UnderReview, Action::Approve, REVIEWER, cardiologist);
        assert_eq!(
            approval.map(|t| (t.to, t.publishes)),
            Ok((State::UnderReview, false))
        );
        assert_eq!(cardiologist.still_needed(), 1);
        let rheumatologist = Approvals {
            specialists: Specialists::measure(true, &needed, &set(&[2]), &set(&[1, 3])),
            ..cardiologist
        };
        let approval = decide(
            State::UnderReview,
            Action::Approve,
            REVIEWER,
            rheumatologist,
        );
        assert_eq!(
            approval.map(|t| (t.to, t.publishes)),
            Ok((State::Approved, true))
        );
        // The quorum counted by number is met but the specialty is not: one more is needed.
        let met_by_count = Approvals {
            by_others: 2,
            specialists: Specialists::measure(true, &needed, &set(&[2]), &set(&[])),
            ..Approvals::none(2)
        };
        assert_eq!(met_by_count.still_needed(), 1);
        assert!(!met_by_count.one_more_publishes());
        // With the rule off, nothing is missing.
        let off = Specialists::measure(false, &needed, &set(&[]), &set(&[]));
        assert_eq!(off, Specialists::default());
        assert_eq!(specialties_missing(true, &[1, 2], &set(&[2])), vec![1]);
        assert!(specialties_missing(false, &[1, 2], &set(&[])).is_empty());
    }

    #[test]
    fn an_approval_that_will_not_count_does_not_publish() {
        let last = Approvals {
            by_others: 1,
            ..Approvals::none(2)
        };
        assert!(last.one_more_publishes());
        let conflicted = Approvals {
            this_approval_uncounted: true,
            ..last
        };
        let approval = decide(State::UnderReview, Action::Approve, REVIEWER, conflicted);
        assert_eq!(
            approval.map(|t| (t.to, t.publishes)),
            Ok((State::UnderReview, false))
        );
    }

    #[test]
    fn only_a_published_version_is_recertified_by_reviewers_who_did_not_write_it() {
        let two = |by_others| Approvals {
            by_others,
            ..Approvals::none(2)
        };
        let first = decide(State::Approved, Action::Recertify, REVIEWER, two(0)).unwrap();
        assert_eq!((first.to, first.publishes), (State::Approved, false));
        let last = decide(State::Approved, Action::Recertify, REVIEWER, two(1)).unwrap();
        assert!(
            last.publishes,
            "the one that meets the quorum completes the review"
        );
        assert_eq!(
            decide(
                State::Approved,
                Action::Recertify,
                AUTHOR_REVIEWER_ADMIN,
                two(1)
            ),
            Err(WorkflowError::OwnRevision {
                action: Action::Recertify
            })
        );
        assert!(decide(State::Approved, Action::Recertify, ADMIN, two(1)).is_err());
        assert!(decide(State::UnderReview, Action::Recertify, REVIEWER, two(1)).is_err());
        let again = Approvals {
            by_actor: true,
            ..two(1)
        };
        assert_eq!(
            decide(State::Approved, Action::Recertify, REVIEWER, again),
            Err(WorkflowError::AlreadyRecertified)
        );
    }

    #[test]
    fn a_declared_conflict_counts_only_when_the_policy_says_so() {
        assert!(approval_counts(true, false, false));
        assert!(!approval_counts(true, true, false));
        assert!(approval_counts(true, true, true));
        assert!(!approval_counts(false, false, true));
    }

    #[test]
    fn stored_names_that_are_not_states_are_errors_not_guesses() {
        assert_eq!(State::try_from("approved".to_owned()), Ok(State::Approved));
        assert!(State::try_from("published".to_owned()).is_err());
        assert!(Verdict::try_from("maybe".to_owned()).is_err());
        assert_eq!(State::listed().len(), State::ALL.len() - 1);
        assert!(!visible_to_everyone().contains(&State::Draft));
    }

    #[test]
    fn refusals_say_whether_they_are_about_who_or_when() {
        let who = decide(State::Submitted, Action::Approve, AUTHOR, ONE).unwrap_err();
        assert!(who.is_permission());
        assert!(who.to_string().contains("You wrote this revision"));
        let when = decide(State::Approved, Action::Approve, REVIEWER, ONE).unwrap_err();
        assert!(!when.is_permission());
        assert_eq!(
            when.to_string(),
            "This revision is approved, so it cannot be approved now."
        );
        let role = decide(State::Submitted, Action::Claim, OTHER_EDITOR, ONE).unwrap_err();
        assert_eq!(
            role.to_string(),
            "You need the reviewer role to claim a revision."
        );
    }

    #[test]
    fn route_names_round_trip() {
        for action in Action::BY_PEOPLE {
            if action == Action::Edit {
                assert_eq!(Action::from_route("edit"), None);
            } else {
                assert_eq!(Action::from_route(action.as_str()), Some(action));
            }
        }
        assert_eq!(Action::from_route("supersede"), None);
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
        }
    }
}
