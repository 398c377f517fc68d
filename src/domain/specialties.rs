//! The names of specialties an admin keeps.

use super::problems::Problems;

/// The longest name accepted.
pub const NAME_MAX: usize = 80;
/// The most specialties a site keeps (a board has tens; the pages list them all).
pub const MAX_COUNT: i64 = 200;

/// A specialty's name, trimmed and checked: not empty, not too long, one line.
pub fn valid_name(name: &str) -> Result<String, Problems> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Problems::one("name", "Enter the specialty's name."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(Problems::one(
            "name",
            format!("The name is too long (at most {NAME_MAX} characters)."),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_to_one_line_and_bounded() {
        assert_eq!(
            valid_name("  Infectious \n diseases ").unwrap(),
            "Infectious diseases"
        );
        assert!(valid_name(" \t").is_err());
        assert!(valid_name(&"x".repeat(NAME_MAX + 1)).is_err());
        assert!(valid_name(&"x".repeat(NAME_MAX)).is_ok());
    }
}
