//! The one rule every piece of text a person sends meets before anything else sees it: no
//! NUL and no other control character but tab, line feed and carriage return. PostgreSQL
//! cannot store NUL in text at all, and no field of this product has a use for the others,
//! so they are refused (with the field named), never stripped or passed on.

/// Whether `c` may appear in text someone sends.
pub fn allowed(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// The first character of `value` that is not allowed, if any.
pub fn first_refused(value: &str) -> Option<char> {
    value.chars().find(|c| !allowed(*c))
}

/// Refuses `value` (sent as the field `field`) if it holds a character that is not allowed;
/// the message says which field and which character.
pub fn check(field: &str, value: &str) -> Result<(), String> {
    match first_refused(value) {
        None => Ok(()),
        Some(c) => Err(format!(
            "The field {field} contains the control character U+{:04X}, which is not accepted. Nothing was changed.",
            u32::from(c)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_control_characters_are_refused_naming_the_field() {
        assert_eq!(check("body", "Line one\r\n\tLine two"), Ok(()));
        assert_eq!(check("title", "Café — über ✓"), Ok(()));
        let refused = check("email", "a\u{0}@example.org").unwrap_err();
        assert!(
            refused.contains("email") && refused.contains("U+0000"),
            "{refused}"
        );
        assert!(check("q", "bell\u{7}").is_err());
        assert!(check("q", "del\u{7f}").is_err());
        assert!(check("q", "c1\u{85}").is_err());
        assert_eq!(first_refused("ok\u{1b}[31m"), Some('\u{1b}'));
    }
}
