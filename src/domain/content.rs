//! What a revision contains, what makes it acceptable, and its content hash.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::bibliography;
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Guideline,
    DrugLabel,
    Research,
    #[default]
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

/// One numbered reference; its number is its position in the list (1-based). The
/// bibliographic fields after `url` are left out of the hash's encoding when empty, so
/// references written before they existed keep their revisions' hashes (and approvals).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub title: String,
    /// The journal, body or label it comes from.
    pub source: String,
    pub year: Option<i32>,
    pub url: Option<String>,
    /// In the order the work lists them ("Baden LR").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Volume, issue and pages as the source gives them ("384(5):403-16").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub volume_pages: String,
    /// Bare ("10.1056/NEJMoa2035389"), checked by format only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// PubMed's identifier, digits only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// When the linked page was read (for pages that change: guidance, labels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<NaiveDate>,
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

    /// The authors as the citation lists them (six, then "et al"), without the full stop.
    pub fn cited_authors(&self) -> String {
        bibliography::cited_authors(&self.authors)
    }

    /// Year and volume, issue and pages, as the citation prints them after the source.
    pub fn publication(&self) -> Option<String> {
        bibliography::publication(self.year, &self.volume_pages)
    }

    pub fn doi_url(&self) -> Option<String> {
        self.doi.as_deref().map(bibliography::doi_url)
    }

    pub fn pmid_url(&self) -> Option<String> {
        self.pmid.as_deref().map(bibliography::pmid_url)
    }

    /// The date the link was read, as readers see it ("1 March 2026").
    pub fn accessed_on(&self) -> Option<String> {
        self.accessed.map(|d| d.format("%-d %B %Y").to_string())
    }

    /// The whole citation as plain text, in the style the pages print it (Vancouver):
    /// authors, title, source, year;volume(issue):pages, DOI, PMID, link and date read.
    pub fn citation(&self) -> String {
        let mut text = String::new();
        if !self.authors.is_empty() {
            text.push_str(&self.cited_authors());
            text.push_str(". ");
        }
        text.push_str(self.cited_title());
        text.push_str(self.after_title());
        if !self.cited_source().is_empty() {
            text.push(' ');
            text.push_str(self.cited_source());
            text.push('.');
        }
        if let Some(publication) = self.publication() {
            text.push(' ');
            text.push_str(&publication);
            text.push('.');
        }
        if let Some(doi) = &self.doi {
            text.push_str(" doi:");
            text.push_str(doi);
            text.push('.');
        }
        if let Some(pmid) = &self.pmid {
            text.push_str(" PMID: ");
            text.push_str(pmid);
            text.push('.');
        }
        if let Some(url) = &self.url {
            text.push(' ');
            text.push_str(url);
            if let Some(on) = self.accessed_on() {
                text.push_str(&format!(" (accessed {on})"));
            }
        }
        text
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
    /// Separated by semicolons or new lines.
    pub authors: String,
    pub volume_pages: String,
    pub doi: String,
    pub pmid: String,
    /// YYYY-MM-DD.
    pub accessed: String,
}

impl ReferenceInput {
    /// A row left entirely empty (the spare rows of the form) is not a reference.
    pub fn is_blank(&self) -> bool {
        [
            &self.title,
            &self.source,
            &self.year,
            &self.url,
            &self.authors,
            &self.volume_pages,
            &self.doi,
            &self.pmid,
            &self.accessed,
        ]
        .iter()
        .all(|field| field.trim().is_empty())
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
            authors: r.authors.join("; "),
            volume_pages: r.volume_pages.clone(),
            doi: r.doi.clone().unwrap_or_default(),
            pmid: r.pmid.clone().unwrap_or_default(),
            accessed: r
                .accessed
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
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
    let authors = bibliography::authors(&row.authors);
    if authors.len() > bibliography::AUTHORS_MAX {
        problems.push(format!(
            "at most {} authors are listed.",
            bibliography::AUTHORS_MAX
        ));
    }
    if authors.iter().any(|a| chars(a) > bibliography::AUTHOR_MAX) {
        problems.push(format!(
            "an author's name is too long (at most {} characters; separate names with ;).",
            bibliography::AUTHOR_MAX
        ));
    }
    let volume_pages = row.volume_pages.trim().to_owned();
    if chars(&volume_pages) > bibliography::VOLUME_PAGES_MAX {
        problems.push(format!(
            "the volume and pages are too long (at most {} characters).",
            bibliography::VOLUME_PAGES_MAX
        ));
    }
    let mut optional = |text: &str, check: fn(&str) -> Result<String, String>| match text.trim() {
        "" => None,
        text => check(text).map_err(|problem| problems.push(problem)).ok(),
    };
    let doi = optional(&row.doi, bibliography::doi);
    let pmid = optional(&row.pmid, bibliography::pmid);
    let accessed = match row.accessed.trim() {
        "" => None,
        text => bibliography::accessed(text)
            .map_err(|problem| problems.push(problem))
            .ok(),
    };
    if [&title, &source, &volume_pages]
        .iter()
        .any(|v| v.chars().any(char::is_control))
        || authors.iter().any(|a| a.chars().any(char::is_control))
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
            authors,
            volume_pages,
            doi,
            pmid,
            accessed,
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
            ..Reference::default()
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

    #[test]
    fn a_citation_prints_in_the_vancouver_style() {
        let article = Reference {
            kind: ReferenceKind::Research,
            title: "Efficacy and safety of the mRNA-1273 SARS-CoV-2 vaccine.".into(),
            source: "N Engl J Med".into(),
            year: Some(2021),
            url: Some("https://www.nejm.org/doi/full/10.1056/NEJMoa2035389".into()),
            authors: vec!["Baden LR".into(), "El Sahly HM".into(), "Essink B".into()],
            volume_pages: "384(5):403-16".into(),
            doi: Some("10.1056/NEJMoa2035389".into()),
            pmid: Some("33378609".into()),
            accessed: NaiveDate::from_ymd_opt(2026, 3, 1),
        };
        assert_eq!(
            article.citation(),
            "Baden LR, El Sahly HM, Essink B. Efficacy and safety of the mRNA-1273 SARS-CoV-2 \
             vaccine. N Engl J Med. 2021;384(5):403-16. doi:10.1056/NEJMoa2035389. \
             PMID: 33378609. https://www.nejm.org/doi/full/10.1056/NEJMoa2035389 \
             (accessed 1 March 2026)"
        );
        let label = Reference {
            kind: ReferenceKind::DrugLabel,
            title: "Is this label current?".into(),
            year: Some(2024),
            ..Reference::default()
        };
        assert_eq!(label.citation(), "Is this label current? 2024.");
    }

    #[test]
    fn bibliographic_fields_are_checked_and_named_in_the_problem() {
        let row = |doi: &str, pmid: &str, accessed: &str| ReferenceInput {
            kind: "research".into(),
            title: "Trial".into(),
            authors: "Baden LR; El Sahly HM.".into(),
            doi: doi.into(),
            pmid: pmid.into(),
            accessed: accessed.into(),
            ..ReferenceInput::default()
        };
        let good = reference(&row(
            "https://doi.org/10.1056/NEJMoa2035389",
            "PMID: 33378609",
            "2026-03-01",
        ))
        .unwrap();
        assert_eq!(good.doi.as_deref(), Some("10.1056/NEJMoa2035389"));
        assert_eq!(good.pmid.as_deref(), Some("33378609"));
        assert_eq!(good.authors, vec!["Baden LR", "El Sahly HM"]);
        let problems = reference(&row("10.10/x", "12ab", "2026-02-30")).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("not a DOI") && problems[1].contains("not a PMID"));
        assert!(problems[2].contains("date accessed"));
        let only_a_doi = ReferenceInput {
            doi: "10.1056/x".into(),
            ..ReferenceInput::default()
        };
        assert!(
            !only_a_doi.is_blank(),
            "a row with only a DOI is not dropped"
        );
    }

    #[test]
    fn references_without_bibliographic_fields_keep_their_hash() {
        // The encoding of a revision saved before authors, DOI and the rest existed.
        let content = validate(&input()).unwrap();
        let encoded = serde_json::to_string(&content.references[0]).unwrap();
        assert_eq!(
            encoded,
            r#"{"kind":"guideline","title":"Hypertension guideline","source":"ACC/AHA","year":2017,"url":null}"#
        );
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
                    ..ReferenceInput::default()
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
