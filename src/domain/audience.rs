//! Who an article's version is written for: clinicians (the article's main text) or
//! patients and caregivers (an optional plain-language version of the same revision).

use std::fmt;

use serde::Serialize;

use super::content::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Clinician,
    Patient,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Clinician, Audience::Patient];

    /// The value of `?for=` and of the setting.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clinician => "clinician",
            Audience::Patient => "patient",
        }
    }

    pub fn parse(value: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// How a reader names themselves in the chooser.
    pub fn reader(self) -> &'static str {
        match self {
            Audience::Clinician => "Healthcare professional",
            Audience::Patient => "Patient or caregiver",
        }
    }

    /// How the workspace names the version.
    pub fn version_label(self) -> &'static str {
        match self {
            Audience::Clinician => "Clinician version",
            Audience::Patient => "Patient version",
        }
    }

    /// schema.org's `MedicalAudienceType`.
    pub fn schema_org(self) -> &'static str {
        match self {
            Audience::Clinician => "Clinician",
            Audience::Patient => "Patient",
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The audience a reader gets: the one asked for when the article has that version,
/// otherwise the site's default when it has that, otherwise the clinician version (every
/// article has one).
pub fn shown(asked: Option<Audience>, default: Audience, has_patient: bool) -> Audience {
    let available = |a: Audience| a == Audience::Clinician || has_patient;
    match asked {
        Some(a) if available(a) => a,
        _ if available(default) => default,
        _ => Audience::Clinician,
    }
}

/// Which versions a revision changed against an earlier one (`None`: nothing published to
/// compare with), in words for a message: "Changes the clinician version; adds a patient
/// version." Each side is (clinician, patient) as title, summary and body.
pub fn versions_changed(
    old: Option<(&Version, Option<&Version>)>,
    new: (&Version, Option<&Version>),
) -> String {
    let Some((old_clinician, old_patient)) = old else {
        return match new.1 {
            Some(_) => {
                "It has a clinician version and a patient version, reviewed together.".into()
            }
            None => String::new(),
        };
    };
    let mut parts = Vec::new();
    if old_clinician != new.0 {
        parts.push("changes the clinician version");
    }
    match (old_patient, new.1) {
        (None, Some(_)) => parts.push("adds a patient version"),
        (Some(_), None) => parts.push("removes the patient version"),
        (Some(a), Some(b)) if a != b => parts.push("changes the patient version"),
        _ => {}
    }
    match parts.as_slice() {
        [] if new.1.is_some() => {
            "It leaves both versions' text as it was (references or the change note differ).".into()
        }
        [] => String::new(),
        _ => {
            let mut text = parts.join("; ");
            text.replace_range(..1, &text[..1].to_uppercase());
            format!("{text}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
        }
        assert_eq!(Audience::parse("Patient"), None);
    }

    #[test]
    fn a_message_names_the_versions_that_changed() {
        let v = |body: &str| Version {
            title: "T".into(),
            summary: String::new(),
            body: body.into(),
        };
        let (a, b) = (v("a"), v("b"));
        assert_eq!(versions_changed(None, (&a, None)), "");
        assert!(versions_changed(None, (&a, Some(&b))).contains("a patient version"));
        assert_eq!(
            versions_changed(Some((&a, None)), (&b, Some(&b))),
            "Changes the clinician version; adds a patient version."
        );
        assert_eq!(
            versions_changed(Some((&a, Some(&a))), (&a, Some(&b))),
            "Changes the patient version."
        );
        assert_eq!(
            versions_changed(Some((&a, Some(&a))), (&a, None)),
            "Removes the patient version."
        );
    }

    #[test]
    fn the_reader_gets_a_version_that_exists() {
        use Audience::*;
        assert_eq!(shown(Some(Patient), Clinician, true), Patient);
        assert_eq!(shown(Some(Patient), Clinician, false), Clinician);
        assert_eq!(shown(None, Patient, true), Patient);
        assert_eq!(shown(None, Patient, false), Clinician);
        assert_eq!(shown(Some(Clinician), Patient, true), Clinician);
    }
}
