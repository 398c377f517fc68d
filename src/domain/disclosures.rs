//! Conflicts of interest: a reviewer's standing disclosure, and the declaration each
//! approval makes for its article.

use super::problems::Problems;

/// The longest standing disclosure accepted.
pub const DISCLOSURE_MAX: usize = 2_000;
/// The longest description of a declared conflict accepted.
pub const CONFLICT_MAX: usize = 2_000;

/// What an approval declares about its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declaration {
    NoConflict,
    /// A conflict, described.
    Conflict(String),
}

impl Declaration {
    /// The form's choice (`declaration`: `none` or `conflict`) and the conflict's
    /// description (`conflict`), checked. `None` when nothing was chosen.
    pub fn parse(choice: &str, text: &str) -> Result<Option<Declaration>, Problems> {
        let text = text.trim();
        match choice.trim() {
            "" => Ok(None),
            "none" => Ok(Some(Declaration::NoConflict)),
            "conflict" if text.is_empty() => Err(Problems::one(
                "conflict",
                "Describe the conflict of interest you are declaring.",
            )),
            "conflict" if text.chars().count() > CONFLICT_MAX => Err(Problems::one(
                "conflict",
                format!("The description is too long (at most {CONFLICT_MAX} characters)."),
            )),
            "conflict" => Ok(Some(Declaration::Conflict(text.to_owned()))),
            other => Err(Problems::one(
                "declaration",
                format!("'{other}' is not a declaration: choose none or conflict."),
            )),
        }
    }

    /// Whether a conflict is declared.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Declaration::Conflict(_))
    }

    /// The conflict's description, empty for none.
    pub fn text(&self) -> &str {
        match self {
            Declaration::NoConflict => "",
            Declaration::Conflict(text) => text,
        }
    }

    /// As a reader sees it.
    pub fn describe(&self) -> String {
        match self {
            Declaration::NoConflict => "No conflicts declared".to_owned(),
            Declaration::Conflict(text) => format!("Declared a conflict of interest: {text}"),
        }
    }

    /// From the stored columns (`None` when the approval made no declaration).
    pub fn stored(declared: Option<bool>, text: &str) -> Option<Declaration> {
        match declared {
            None => None,
            Some(false) => Some(Declaration::NoConflict),
            Some(true) => Some(Declaration::Conflict(text.to_owned())),
        }
    }
}

/// What an approval must carry: its declaration.
pub fn required(declaration: Option<&Declaration>) -> Result<&Declaration, Problems> {
    declaration.ok_or_else(|| {
        Problems::one(
            "declaration",
            "Declare whether you have a conflict of interest with this article before approving it.",
        )
    })
}

/// A standing disclosure, checked: required ("None" is an answer), bounded.
pub fn valid_disclosure(text: &str) -> Result<String, Problems> {
    let text = text.replace("\r\n", "\n").trim().to_owned();
    if text.is_empty() {
        return Err(Problems::one(
            "disclosure",
            "Write your disclosure, or \"None\" when you have nothing to declare.",
        ));
    }
    if text.chars().count() > DISCLOSURE_MAX {
        return Err(Problems::one(
            "disclosure",
            format!("The disclosure is too long (at most {DISCLOSURE_MAX} characters)."),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_is_chosen_and_a_conflict_described() {
        assert_eq!(Declaration::parse("", "").unwrap(), None);
        assert_eq!(
            Declaration::parse("none", "ignored").unwrap(),
            Some(Declaration::NoConflict)
        );
        assert_eq!(
            Declaration::parse("conflict", " Paid speaker for the maker. ").unwrap(),
            Some(Declaration::Conflict("Paid speaker for the maker.".into()))
        );
        assert!(Declaration::parse("conflict", "  ").is_err());
        assert!(Declaration::parse("conflict", &"x".repeat(CONFLICT_MAX + 1)).is_err());
        assert!(Declaration::parse("maybe", "").is_err());
        assert!(required(None).is_err());
        assert_eq!(
            Declaration::stored(Some(true), "Grant").map(|d| d.describe()),
            Some("Declared a conflict of interest: Grant".to_owned())
        );
        assert_eq!(Declaration::stored(None, ""), None);
    }

    #[test]
    fn a_disclosure_is_required_and_bounded() {
        assert_eq!(valid_disclosure(" None \r\n").unwrap(), "None");
        assert!(valid_disclosure("  ").is_err());
        assert!(valid_disclosure(&"x".repeat(DISCLOSURE_MAX + 1)).is_err());
    }
}
