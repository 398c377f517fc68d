//! What a revision contains, what makes it acceptable, and its content hash.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::problems::Problems;

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 1_000;
pub const BODY_MAX: usize = 200_000;
pub const CHANGE_NOTE_MAX: usize = 500;
pub const REFERENCES_MAX: usize = 100;
pub const REFERENCE_TITLE_MAX: usize = 500;
pub const REFERENCE_SOURCE_MAX: usize = 300;
pub const URL_MAX: usize = 2_000;
pub const YEAR_MIN: i32 = 1800;
pub const YEAR_MAX: i32 = 2100;
pub const SLUG_MAX: usize = 80;

/// What kind of source a reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Guideline,
    DrugLabel,
    Research,
    Other,
}

impl ReferenceKind {
    pub const ALL: [ReferenceKind; 4] = [
        ReferenceKind::Guideline,
        ReferenceKind::DrugLabel,
        ReferenceKind::Research,
        ReferenceKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Guideline => "guideline",
            ReferenceKind::DrugLabel => "drug_label",
            ReferenceKind::Research => "research",
            ReferenceKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReferenceKind::Guideline => "Guideline",
            ReferenceKind::DrugLabel => "Drug label",
            ReferenceKind::Research => "Research",
            ReferenceKind::Other => "Other",
        }
    }

    pub fn parse(value: &str) -> Option<ReferenceKind> {
        ReferenceKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

impl fmt::Display for ReferenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One numbered reference; its number is its position in the list (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub title: String,
    pub source: String,
    pub year: Option<i32>,
    pub url: Option<String>,
}

impl Reference {
    /// The title as a citation prints it, before its own full stop: without the full stop
    /// (or spaces) it may end with, so a title typed "Guideline." never prints "Guideline..".
    pub fn cited_title(&self) -> &str {
        without_full_stop(&self.title)
    }

    /// The source as a citation prints it, before the year or the closing full stop.
    pub fn cited_source(&self) -> &str {
        without_full_stop(&self.source)
    }

    /// What follows the title: a full stop, or nothing when the title ends with its own
    /// question or exclamation mark ("Is it safe?" never becomes "Is it safe?.").
    pub fn after_title(&self) -> &'static str {
        if self.cited_title().ends_with(['?', '!']) {
            ""
        } else {
            "."
        }
    }
}

fn without_full_stop(text: &str) -> &str {
    text.trim_end().trim_end_matches('.').trim_end()
}

/// One audience's version of an article: its own title, short answer and body (citing the
/// revision's shared references by number).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Version {
    pub title: String,
    pub summary: String,
    pub body: String,
}

/// The content of a revision: what is reviewed, hashed and (once approved) published. The
/// title, summary and body are the clinician version; `patient` the optional plain-language
/// one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Content {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// The internal note to reviewers: what changed and why. Never shown to the public.
    pub change_note: String,
    /// The change summary readers see on the public history, the feed and the public API;
    /// blank means "Editorial update". Left out of the hash's encoding when blank, so
    /// revisions written before it existed keep their hashes (and their approvals).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub public_note: String,
    pub references: Vec<Reference>,
    /// Left out of the hash's encoding when absent, so revisions written before patient
    /// versions existed keep their hashes (and their approvals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<Version>,
}

impl Content {
    /// SHA-256 over an unambiguous encoding of everything a reviewer approves. An approval
    /// records the hash it saw, so it can never count for different content.
    pub fn hash(&self) -> String {
        let encoded = serde_json::to_string(self).unwrap_or_default();
        hex::encode(Sha256::digest(encoded.as_bytes()))
    }
}

/// A reference as typed into a form: every field is text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceInput {
    pub kind: String,
    pub title: String,
    pub source: String,
    pub year: String,
    pub url: String,
}

impl ReferenceInput {
    /// A row left entirely empty (the spare rows of the form) is not a reference.
    pub fn is_blank(&self) -> bool {
        self.title.trim().is_empty()
            && self.source.trim().is_empty()
            && self.year.trim().is_empty()
            && self.url.trim().is_empty()
    }
}

/// Content as typed into a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub change_note: String,
    pub public_note: String,
    pub references: Vec<ReferenceInput>,
    /// The patient version as typed: all three blank means the revision has none.
    pub patient_title: String,
    pub patient_summary: String,
    pub patient_body: String,
}

impl From<&Reference> for ReferenceInput {
    /// A stored reference as the form shows it.
    fn from(r: &Reference) -> Self {
        ReferenceInput {
            kind: r.kind.as_str().to_owned(),
            title: r.title.clone(),
            source: r.source.clone(),
            year: r.year.map(|y| y.to_string()).unwrap_or_default(),
            url: r.url.clone().unwrap_or_default(),
        }
    }
}

impl From<&Content> for ContentInput {
    /// Checked content as the editor form holds it.
    fn from(content: &Content) -> Self {
        ContentInput {
            title: content.title.clone(),
            summary: content.summary.clone(),
            body: content.body.clone(),
            change_note: content.change_note.clone(),
            public_note: content.public_note.clone(),
            references: content
                .references
                .iter()
                .map(ReferenceInput::from)
                .collect(),
            patient_title: patient(content, |v| &v.title),
            patient_summary: patient(content, |v| &v.summary),
            patient_body: patient(content, |v| &v.body),
        }
    }
}

fn patient(content: &Content, field: impl Fn(&Version) -> &String) -> String {
    content
        .patient
        .as_ref()
        .map(field)
        .cloned()
        .unwrap_or_default()
}

fn chars(value: &str) -> usize {
    value.chars().count()
}

/// Checks and normalises typed content. Blank reference rows are dropped; the rest keep
/// their order.
pub fn validate(input: &ContentInput) -> Result<Content, Problems> {
    let mut errors = Problems::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.push("title", "Enter a title.");
    } else if chars(&title) > TITLE_MAX {
        errors.push(
            "title",
            format!("The title is too long (at most {TITLE_MAX} characters)."),
        );
    }
    let summary = input.summary.trim().to_owned();
    if chars(&summary) > SUMMARY_MAX {
        errors.push(
            "summary",
            format!("The summary is too long (at most {SUMMARY_MAX} characters)."),
        );
    }
    let body = input.body.replace("\r\n", "\n").trim_end().to_owned();
    if body.trim().is_empty() {
        errors.push("body", "Write the article body.");
    } else if chars(&body) > BODY_MAX {
        errors.push(
            "body",
            format!("The body is too long (at most {BODY_MAX} characters)."),
        );
    }
    let change_note = input.change_note.trim().to_owned();
    if chars(&change_note) > CHANGE_NOTE_MAX {
        errors.push(
            "change_note",
            format!("The note to reviewers is too long (at most {CHANGE_NOTE_MAX} characters)."),
        );
    }
    let public_note = input.public_note.trim().to_owned();
    if chars(&public_note) > CHANGE_NOTE_MAX {
        errors.push(
            "public_note",
            format!(
                "The public change summary is too long (at most {CHANGE_NOTE_MAX} characters)."
            ),
        );
    }
    for (field, label, value) in [
        ("title", "title", &title),
        ("summary", "summary", &summary),
        ("change_note", "note to reviewers", &change_note),
        ("public_note", "public change summary", &public_note),
    ] {
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.push(field, format!("The {label} contains control characters."));
        }
    }

    let patient = patient_version(input, &mut errors);

    let rows: Vec<&ReferenceInput> = input.references.iter().filter(|r| !r.is_blank()).collect();
    if rows.len() > REFERENCES_MAX {
        errors.push(
            "references",
            format!("At most {REFERENCES_MAX} references are allowed."),
        );
    }
    let mut references = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        match reference(row) {
            Ok(reference) => references.push(reference),
            Err(problems) => {
                for problem in problems {
                    errors.push("references", format!("Reference {}: {problem}", index + 1));
                }
            }
        }
    }

    errors.or_ok(|| Content {
        title,
        summary,
        body,
        change_note,
        public_note,
        references,
        patient,
    })
}

/// The patient version, checked like the clinician one under its own field names; `None`
/// when its three fields are blank.
fn patient_version(input: &ContentInput, errors: &mut Problems) -> Option<Version> {
    let title = input.patient_title.trim().to_owned();
    let summary = input.patient_summary.trim().to_owned();
    let body = input
        .patient_body
        .replace("\r\n", "\n")
        .trim_end()
        .to_owned();
    if title.is_empty() && summary.is_empty() && body.trim().is_empty() {
        return None;
    }
    if title.is_empty() {
        errors.push(
            "patient_title",
            "Enter the patient version's title (or clear the patient version to have none).",
        );
    } else if chars(&title) > TITLE_MAX {
        errors.push(
            "patient_title",
            format!("The patient version's title is too long (at most {TITLE_MAX} characters)."),
        );
    }
    if chars(&summary) > SUMMARY_MAX {
        errors.push(
            "patient_summary",
            format!(
                "The patient version's summary is too long (at most {SUMMARY_MAX} characters)."
            ),
        );
    }
    if body.trim().is_empty() {
        errors.push(
            "patient_body",
            "Write the patient version's body (or clear the patient version to have none).",
        );
    } else if chars(&body) > BODY_MAX {
        errors.push(
            "patient_body",
            format!("The patient version's body is too long (at most {BODY_MAX} characters)."),
        );
    }
    for (field, label, value) in [
        ("patient_title", "patient version's title", &title),
        ("patient_summary", "patient version's summary", &summary),
    ] {
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.push(field, format!("The {label} contains control characters."));
        }
    }
    Some(Version {
        title,
        summary,
        body,
    })
}

/// A typed reference row checked: the reference, or what is wrong with it.
pub fn reference(row: &ReferenceInput) -> Result<Reference, Vec<String>> {
    let mut problems = Vec::new();
    let kind = ReferenceKind::parse(row.kind.trim());
    if kind.is_none() {
        problems.push(format!(
            "'{}' is not a kind of reference (guideline, drug label, research or other).",
            row.kind.trim()
        ));
    }
    let title = row.title.trim().to_owned();
    if title.is_empty() {
        problems.push("enter its title.".to_owned());
    } else if chars(&title) > REFERENCE_TITLE_MAX {
        problems.push(format!(
            "the title is too long (at most {REFERENCE_TITLE_MAX} characters)."
        ));
    }
    let source = row.source.trim().to_owned();
    if chars(&source) > REFERENCE_SOURCE_MAX {
        problems.push(format!(
            "the source is too long (at most {REFERENCE_SOURCE_MAX} characters)."
        ));
    }
    let year = match row.year.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(year) if (YEAR_MIN..=YEAR_MAX).contains(&year) => Some(year),
            _ => {
                problems.push(format!(
                    "the year must be between {YEAR_MIN} and {YEAR_MAX}, not '{text}'."
                ));
                None
            }
        },
    };
    let url = match row.url.trim() {
        "" => None,
        text if (text.starts_with("https://") || text.starts_with("http://"))
            && chars(text) <= URL_MAX
            && !text.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Some(text.to_owned())
        }
        _ => {
            problems.push(
                "the link must be a web address starting with https:// or http://.".to_owned(),
            );
            None
        }
    };
    if [&title, &source]
        .iter()
        .any(|v| v.chars().any(char::is_control))
    {
        problems.push("it contains control characters.".to_owned());
    }
    match kind {
        Some(kind) if problems.is_empty() => Ok(Reference {
            kind,
            title,
            source,
            year,
            url,
        }),
        _ => Err(problems),
    }
}

/// A URL path segment from a title: lower-case ASCII letters and digits joined by hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= SLUG_MAX {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "article".to_owned()
    } else {
        slug
    }
}

/// Checks a slug typed by an editor.
pub fn check_slug(slug: &str) -> Result<String, String> {
    let slug = slug.trim();
    let valid = !slug.is_empty()
        && slug.len() <= SLUG_MAX
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if valid {
        Ok(slug.to_owned())
    } else {
        Err(format!(
            "The address '{slug}' must be lower-case letters, digits and single hyphens (at most {SLUG_MAX} characters)."
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_citation_never_doubles_a_full_stop() {
        let reference = Reference {
            kind: ReferenceKind::Guideline,
            title: "Hypertension guideline. ".into(),
            source: "ACC/AHA.".into(),
            year: Some(2017),
            url: None,
        };
        assert_eq!(reference.cited_title(), "Hypertension guideline");
        assert_eq!(reference.cited_source(), "ACC/AHA");
        let plain = Reference {
            title: "Dose and renal function".into(),
            source: String::new(),
            ..reference
        };
        assert_eq!(plain.cited_title(), "Dose and renal function");
        assert_eq!(plain.cited_source(), "");
        assert_eq!(plain.after_title(), ".");
        let question = Reference {
            title: "Is ibuprofen safe?".into(),
            ..plain
        };
        assert_eq!(question.after_title(), "");
    }

    use super::*;

    fn input() -> ContentInput {
        ContentInput {
            title: " Can I take ibuprofen with lisinopril? ".into(),
            summary: "Usually not for long.".into(),
            body: "## From the guidelines\r\n\r\nAvoid NSAIDs [1].\r\n".into(),
            change_note: "First version.".into(),
            references: vec![
                ReferenceInput {
                    kind: "guideline".into(),
                    title: "Hypertension guideline".into(),
                    source: "ACC/AHA".into(),
                    year: "2017".into(),
                    url: "".into(),
                },
                ReferenceInput::default(),
            ],
            ..ContentInput::default()
        }
    }

    #[test]
    fn a_patient_version_is_optional_but_complete_when_given() {
        let content = validate(&input()).unwrap();
        assert_eq!(
            content.patient, None,
            "three blank fields: no patient version"
        );
        let mut half = input();
        half.patient_summary = "Usually not.".into();
        let problems = validate(&half).unwrap_err();
        assert!(problems.concerns("patient_title") && problems.concerns("patient_body"));
        let mut whole = half.clone();
        whole.patient_title = " Can I take ibuprofen with my blood pressure pills? ".into();
        whole.patient_body = "Ask your pharmacist first [1].\r\n".into();
        let patient = validate(&whole).unwrap().patient.unwrap();
        assert_eq!(
            patient.title,
            "Can I take ibuprofen with my blood pressure pills?"
        );
        assert_eq!(patient.body, "Ask your pharmacist first [1].");
    }

    #[test]
    fn the_hash_covers_the_patient_version_and_keeps_older_hashes() {
        let plain = validate(&input()).unwrap();
        // The encoding of a revision without a patient version is what it always was.
        let encoded = serde_json::to_string(&plain).unwrap();
        assert!(!encoded.contains("patient"), "{encoded}");
        let mut with = plain.clone();
        with.patient = Some(Version {
            title: "For patients".into(),
            summary: String::new(),
            body: "Plain words.".into(),
        });
        let mut changed = with.clone();
        if let Some(v) = changed.patient.as_mut() {
            v.body.push_str(" More.");
        }
        assert_ne!(plain.hash(), with.hash());
        assert_ne!(
            with.hash(),
            changed.hash(),
            "a patient-only change is new content"
        );
    }

    #[test]
    fn valid_content_is_normalised() {
        let content = validate(&input()).unwrap();
        assert_eq!(content.title, "Can I take ibuprofen with lisinopril?");
        assert_eq!(content.body, "## From the guidelines\n\nAvoid NSAIDs [1].");
        assert_eq!(content.references.len(), 1, "blank rows are dropped");
        assert_eq!(content.references[0].year, Some(2017));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = input();
        bad.title = String::new();
        bad.references[0].kind = "blog".into();
        bad.references[0].year = "99999".into();
        bad.references[0].url = "javascript:alert(1)".into();
        let problems = validate(&bad).unwrap_err();
        assert!(problems.concerns("title") && problems.concerns("references"));
        let errors: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("title"));
        assert!(errors.iter().any(|e| e.contains("'blog' is not a kind")));
        assert!(errors.iter().any(|e| e.contains("not '99999'")));
        assert!(errors.iter().any(|e| e.contains("https://")));
    }

    #[test]
    fn the_hash_covers_every_field_and_only_content() {
        let a = validate(&input()).unwrap();
        assert_eq!(a.hash(), validate(&input()).unwrap().hash());
        let mut b = a.clone();
        b.references[0].year = Some(2018);
        assert_ne!(a.hash(), b.hash());
        let mut c = a.clone();
        c.change_note = "Second.".into();
        assert_ne!(a.hash(), c.hash());
    }

    #[test]
    fn slugs_are_readable_and_safe() {
        assert_eq!(
            slugify("Can I take ibuprofen with lisinopril?"),
            "can-i-take-ibuprofen-with-lisinopril"
        );
        assert_eq!(slugify("Café  au lait — spots?"), "cafe-au-lait-spots");
        assert_eq!(slugify("???"), "article");
        assert!(slugify(&"long ".repeat(50)).len() <= SLUG_MAX);
        assert_eq!(
            check_slug("statins-and-muscle-pain"),
            Ok("statins-and-muscle-pain".into())
        );
        assert!(check_slug("Bad Slug").is_err());
        assert!(check_slug("../etc").is_err());
    }
}
