//! The review checklist: what an approval attests, and what a change request may name as
//! failing. Each review keeps the items with their wording at that moment.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::problems::Problems;

/// The longest item accepted.
pub const TEXT_MAX: usize = 300;
/// The most items in force at once.
pub const MAX_ACTIVE: i64 = 30;

/// One item, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: i64,
    pub text: String,
}

/// An item's wording, trimmed to one line and checked.
pub fn valid_text(text: &str) -> Result<String, Problems> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(Problems::one("text", "Write what the reviewer attests."));
    }
    if text.chars().count() > TEXT_MAX {
        return Err(Problems::one(
            "text",
            format!("The item is too long (at most {TEXT_MAX} characters)."),
        ));
    }
    Ok(text)
}

/// What an approval attests: every item in force must be ticked, and nothing else.
pub fn attested(in_force: &[Item], ticked: &BTreeSet<i64>) -> Result<Vec<Item>, Problems> {
    unknown(in_force, ticked, "checklist")?;
    let missing: Vec<&str> = in_force
        .iter()
        .filter(|item| !ticked.contains(&item.id))
        .map(|item| item.text.as_str())
        .collect();
    if missing.is_empty() {
        Ok(in_force.to_vec())
    } else {
        Err(Problems::one(
            "checklist",
            format!(
                "Tick every item of the checklist to approve; not ticked: {}.",
                missing.join("; ")
            ),
        ))
    }
}

/// The items a change request names as failing (any of those in force, or none).
pub fn failing(in_force: &[Item], named: &BTreeSet<i64>) -> Result<Vec<Item>, Problems> {
    unknown(in_force, named, "failing")?;
    Ok(in_force
        .iter()
        .filter(|item| named.contains(&item.id))
        .cloned()
        .collect())
}

fn unknown(in_force: &[Item], ids: &BTreeSet<i64>, field: &'static str) -> Result<(), Problems> {
    if ids
        .iter()
        .all(|id| in_force.iter().any(|item| item.id == *id))
    {
        Ok(())
    } else {
        Err(Problems::one(
            field,
            "The checklist changed since the page was loaded: reload it and tick the items again.",
        ))
    }
}

/// The items as stored with a review.
pub fn to_json(items: &[Item]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// The items stored with a review (none when unreadable).
pub fn from_json(stored: &str) -> Vec<Item> {
    serde_json::from_str(stored).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Item> {
        vec![
            Item {
                id: 1,
                text: "Doses checked against the current label".into(),
            },
            Item {
                id: 2,
                text: "Every claim cited".into(),
            },
        ]
    }

    #[test]
    fn an_approval_ticks_every_item_in_force() {
        let all: BTreeSet<i64> = [1, 2].into();
        assert_eq!(attested(&items(), &all).unwrap(), items());
        let problems = attested(&items(), &[1].into()).unwrap_err();
        let message = &problems.iter().next().unwrap().message;
        assert!(message.contains("Every claim cited"), "{message}");
        assert!(
            attested(&items(), &[1, 2, 3].into()).is_err(),
            "unknown item"
        );
        assert_eq!(attested(&[], &BTreeSet::new()).unwrap(), Vec::new());
    }

    #[test]
    fn a_change_request_names_any_failing_items() {
        assert_eq!(
            failing(&items(), &[2].into()).unwrap(),
            vec![items()[1].clone()]
        );
        assert!(failing(&items(), &[9].into()).is_err());
        assert_eq!(from_json(&to_json(&items())), items());
        assert!(from_json("not json").is_empty());
        assert_eq!(valid_text("  Plain \n enough ").unwrap(), "Plain enough");
        assert!(valid_text(" ").is_err());
    }
}
