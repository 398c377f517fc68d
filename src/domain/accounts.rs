//! What makes account input acceptable (email addresses, names, credentials, passwords) and
//! when a one-time account link may be used.

use chrono::{Duration, NaiveDateTime};

use super::problems::Problems;

/// Shortest password accepted (NIST SP 800-63B recommends at least 8; we ask for 12).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted; long enough for any passphrase or password manager.
pub const PASSWORD_MAX_CHARS: usize = 1024;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const NAME_MAX_CHARS: usize = 100;
pub const CREDENTIALS_MAX_CHARS: usize = 120;

/// Input that cannot be accepted; the message is shown to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("Enter an email address like name@example.org.")]
    EmailInvalid,
    #[error("The email address is too long (at most {EMAIL_MAX_CHARS} characters).")]
    EmailTooLong,
    #[error("Enter a name.")]
    NameMissing,
    #[error("The name is too long (at most {NAME_MAX_CHARS} characters).")]
    NameTooLong,
    #[error("The credentials line is too long (at most {CREDENTIALS_MAX_CHARS} characters).")]
    CredentialsTooLong,
    #[error("The name cannot contain control characters.")]
    NameControlCharacters,
    #[error("The credentials line cannot contain control characters.")]
    CredentialsControlCharacters,
    #[error("The password must be at least {PASSWORD_MIN_CHARS} characters long.")]
    PasswordTooShort,
    #[error("The password must be at most {PASSWORD_MAX_CHARS} characters long.")]
    PasswordTooLong,
    #[error("The two passwords do not match.")]
    PasswordMismatch,
    #[error("Choose at least one role.")]
    NoRoles,
}

impl InputError {
    /// The form field the problem is in.
    pub fn field(&self) -> &'static str {
        match self {
            InputError::EmailInvalid | InputError::EmailTooLong => "email",
            InputError::NameMissing
            | InputError::NameTooLong
            | InputError::NameControlCharacters => "name",
            InputError::CredentialsTooLong | InputError::CredentialsControlCharacters => {
                "credentials"
            }
            InputError::PasswordTooShort | InputError::PasswordTooLong => "password",
            InputError::PasswordMismatch => "password_confirm",
            InputError::NoRoles => "roles",
        }
    }
}

impl From<InputError> for Problems {
    fn from(error: InputError) -> Self {
        Problems::one(error.field(), error.to_string())
    }
}

/// Trims and lower-cases an email address and checks its shape. Addresses are compared in
/// this form, which makes them unique regardless of case.
pub fn normalize_email(input: &str) -> Result<String, InputError> {
    let email = input.trim().to_lowercase();
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(InputError::EmailTooLong);
    }
    let (local, domain) = email.split_once('@').ok_or(InputError::EmailInvalid)?;
    let well_formed = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if well_formed {
        Ok(email)
    } else {
        Err(InputError::EmailInvalid)
    }
}

/// A display name: trimmed, present, not too long, printable.
pub fn display_name(input: &str) -> Result<String, InputError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(InputError::NameMissing);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(InputError::NameTooLong);
    }
    printable(name, InputError::NameControlCharacters)
}

/// The credentials line shown next to a reviewer's name ("MD, Rheumatology"); may be empty.
pub fn credentials(input: &str) -> Result<String, InputError> {
    let line = input.trim();
    if line.chars().count() > CREDENTIALS_MAX_CHARS {
        return Err(InputError::CredentialsTooLong);
    }
    printable(line, InputError::CredentialsControlCharacters)
}

fn printable(value: &str, refusal: InputError) -> Result<String, InputError> {
    if value.chars().any(char::is_control) {
        Err(refusal)
    } else {
        Ok(value.to_owned())
    }
}

/// A new password: length limits only, no composition rules (NIST SP 800-63B), and the
/// confirmation must match. Length counts characters, not bytes.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), InputError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(InputError::PasswordTooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(InputError::PasswordTooLong);
    }
    if password != confirmation {
        return Err(InputError::PasswordMismatch);
    }
    Ok(())
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Creates the first admin; printed at start while no admin exists.
    Bootstrap,
    /// Lets an invited person set their first password.
    Invite,
    /// Lets a person set a new password.
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Bootstrap => "bootstrap",
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }

    pub fn parse(value: &str) -> Option<LinkPurpose> {
        [
            LinkPurpose::Bootstrap,
            LinkPurpose::Invite,
            LinkPurpose::Reset,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }

    /// How long a link stays usable.
    pub fn valid_for(self) -> Duration {
        match self {
            LinkPurpose::Bootstrap | LinkPurpose::Reset => Duration::hours(24),
            LinkPurpose::Invite => Duration::days(7),
        }
    }
}

/// The last-admin rule: a change may not take away the site's last active admin.
/// `active_admins` counts active admins before the change; the flags say whether the changed
/// account is an active admin before and after it.
pub fn keeps_an_admin(active_admins: i64, was_active_admin: bool, is_active_admin: bool) -> bool {
    is_active_admin || !was_active_admin || active_admins > 1
}

/// Whether a one-time link can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Usable,
    Used,
    Expired,
}

pub fn link_state(
    used_at: Option<NaiveDateTime>,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> LinkState {
    if used_at.is_some() {
        LinkState::Used
    } else if now >= expires_at {
        LinkState::Expired
    } else {
        LinkState::Usable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Dr.Who@Example.ORG ").unwrap(),
            "dr.who@example.org"
        );
        assert_eq!(
            normalize_email("admin@localhost").unwrap(),
            "admin@localhost"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.org",
            "a@",
            "a@b@c",
            "a b@example.org",
            "a@.org",
            "a@org.",
        ] {
            assert_eq!(normalize_email(bad), Err(InputError::EmailInvalid), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(300));
        assert_eq!(normalize_email(&long), Err(InputError::EmailTooLong));
    }

    #[test]
    fn passwords_need_twelve_characters_and_a_matching_confirmation() {
        assert_eq!(
            check_new_password("short", "short"),
            Err(InputError::PasswordTooShort)
        );
        // Twelve characters, counted as characters: each is two bytes in UTF-8.
        let accented = "éééééééééééé";
        assert_eq!(check_new_password(accented, accented), Ok(()));
        assert_eq!(
            check_new_password("correct horse battery", "correct horse battery!"),
            Err(InputError::PasswordMismatch)
        );
        let long = "x".repeat(PASSWORD_MAX_CHARS);
        assert_eq!(check_new_password(&long, &long), Ok(()));
        let too_long = "x".repeat(PASSWORD_MAX_CHARS + 1);
        assert_eq!(
            check_new_password(&too_long, &too_long),
            Err(InputError::PasswordTooLong)
        );
    }

    #[test]
    fn no_composition_rules() {
        let lower = "all lower case words";
        assert_eq!(check_new_password(lower, lower), Ok(()));
    }

    #[test]
    fn names_are_required_and_printable() {
        assert_eq!(display_name("  Ada Lovelace "), Ok("Ada Lovelace".into()));
        assert_eq!(display_name("   "), Err(InputError::NameMissing));
        assert_eq!(
            display_name("Ada\u{0007}"),
            Err(InputError::NameControlCharacters)
        );
        assert_eq!(
            Problems::from(InputError::PasswordMismatch).to_string(),
            "The two passwords do not match."
        );
        assert_eq!(credentials(""), Ok(String::new()));
        assert_eq!(credentials(" MD, Cardiology "), Ok("MD, Cardiology".into()));
    }

    #[test]
    fn the_last_active_admin_cannot_be_taken_away() {
        // Demoting or deactivating the only active admin: refused.
        assert!(!keeps_an_admin(1, true, false));
        // With a second admin, or when the account stays an admin, or was none: fine.
        assert!(keeps_an_admin(2, true, false));
        assert!(keeps_an_admin(1, true, true));
        assert!(keeps_an_admin(1, false, false));
        assert!(keeps_an_admin(0, false, true));
    }

    #[test]
    fn links_are_single_use_and_expire() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let later = now + LinkPurpose::Invite.valid_for();
        assert_eq!(link_state(None, later, now), LinkState::Usable);
        assert_eq!(link_state(Some(now), later, now), LinkState::Used);
        assert_eq!(link_state(None, now, now), LinkState::Expired);
        assert_eq!(LinkPurpose::parse("reset"), Some(LinkPurpose::Reset));
        assert_eq!(LinkPurpose::parse("other"), None);
    }
}
