//! Property tests of the workflow rules over random action histories: whatever people try,
//! in whatever order, a revision is published only by an approval that meets the policy, an
//! author never reviews their own revision, and nothing leaves a final state.

use std::collections::BTreeSet;

use imprimatur::domain::workflow::{Action, Actor, Approvals, State, decide};
use proptest::prelude::*;

/// The people in a history: 0 is the author (who also holds every role, the hardest case),
/// 1-3 are reviewers, 4 is an admin, 5 an editor with no review role.
fn actor(person: usize) -> Actor {
    match person {
        0 => Actor {
            is_author: true,
            is_reviewer: true,
            is_admin: true,
            is_system: false,
        },
        1..=3 => Actor {
            is_reviewer: true,
            ..Actor::default()
        },
        4 => Actor {
            is_admin: true,
            ..Actor::default()
        },
        6 => Actor::system(),
        _ => Actor::default(),
    }
}

const ACTIONS: [Action; 10] = [
    Action::Edit,
    Action::Submit,
    Action::Withdraw,
    Action::Claim,
    Action::Comment,
    Action::Approve,
    Action::RequestChanges,
    Action::Reject,
    Action::Assign,
    Action::Supersede,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_histories_keep_the_workflow_rules(
        required in 1u32..=3,
        history in proptest::collection::vec((0usize..7, 0usize..ACTIONS.len()), 0..60),
    ) {
        let mut state = State::Draft;
        let mut approvers: BTreeSet<usize> = BTreeSet::new();
        let mut published = false;
        for (person, action) in history {
            let action = ACTIONS[action];
            let who = actor(person);
            let approvals = Approvals {
                required,
                by_others: u32::try_from(approvers.iter().filter(|p| **p != person).count()).unwrap(),
                by_actor: approvers.contains(&person),
                actor_counts: approvers.contains(&person),
                ..Approvals::none(required)
            };
            let before = state;
            let Ok(transition) = decide(state, action, who, approvals) else {
                continue;
            };
            prop_assert!(!before.is_final(), "{action} moved a {before} revision");
            if person == 0 {
                prop_assert!(
                    !matches!(action, Action::Approve | Action::Reject | Action::Claim | Action::RequestChanges),
                    "the author did {action}"
                );
            }
            if transition.publishes {
                prop_assert_eq!(action, Action::Approve);
                prop_assert_eq!(transition.to, State::Approved);
                prop_assert!(!published, "published twice");
                prop_assert!(approvals.by_others + 1 >= required, "published below the quorum");
                published = true;
            }
            if transition.to == State::Approved {
                prop_assert!(transition.publishes, "approved without publishing");
            }
            if action == Action::Approve {
                prop_assert!(approvers.insert(person), "an approval counted twice");
            }
            state = transition.to;
        }
        if published {
            prop_assert!(u32::try_from(approvers.len()).unwrap() >= required);
            prop_assert!(!approvers.contains(&0));
        }
        prop_assert_eq!(state == State::Approved, published);
    }
}
