//! The bibliographic parts of a reference a reader checks it by: authors, DOI, PMID and the
//! date a web page was read, checked by format (this server reaches no outside service, so
//! it cannot look an identifier up), and the citation style they print in: Vancouver, as
//! the National Library of Medicine's *Citing Medicine* gives it.

use chrono::{Datelike, NaiveDate};

/// The most authors a reference lists.
pub const AUTHORS_MAX: usize = 100;
/// The longest author name.
pub const AUTHOR_MAX: usize = 200;
/// The longest volume, issue and pages ("388(4):301-9").
pub const VOLUME_PAGES_MAX: usize = 100;
/// The longest DOI accepted (the DOI handbook sets no limit; real ones are far shorter).
pub const DOI_MAX: usize = 300;
/// Vancouver lists this many authors, then "et al.".
pub const AUTHORS_CITED: usize = 6;

/// Author names as typed: separated by semicolons or new lines, each trimmed of spaces and
/// a trailing full stop ("Smith J." is "Smith J"); empty ones dropped.
pub fn authors(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(|name| name.trim().trim_end_matches('.').trim_end().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The authors as a citation lists them: the first six, then "et al". No closing full stop.
pub fn cited_authors(authors: &[String]) -> String {
    let mut cited = authors
        .iter()
        .take(AUTHORS_CITED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if authors.len() > AUTHORS_CITED {
        cited.push_str(", et al");
    }
    cited
}

/// A DOI as typed, bare (`10.1056/NEJMoa2034577`) or as a `doi:` or doi.org address, in its
/// bare form; `Err` with what is wrong when it is not one. A DOI is `10.`, a registrant code
/// of digits (dotted parts allowed), `/`, and a suffix without spaces.
pub fn doi(text: &str) -> Result<String, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let bare = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find(|prefix| lower.starts_with(*prefix))
    .map_or(text, |prefix| text[prefix.len()..].trim_start());
    let well_formed = bare.strip_prefix("10.").and_then(|rest| {
        let (registrant, suffix) = rest.split_once('/')?;
        let parts_ok = registrant
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
        let first = registrant.split('.').next().unwrap_or_default();
        (parts_ok
            && first.len() >= 4
            && !suffix.is_empty()
            && !suffix.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then_some(())
    });
    if well_formed.is_none() {
        return Err(format!(
            "'{text}' is not a DOI: a DOI looks like 10.1056/NEJMoa2034577."
        ));
    }
    if bare.chars().count() > DOI_MAX {
        return Err(format!(
            "the DOI is too long (at most {DOI_MAX} characters)."
        ));
    }
    Ok(bare.to_owned())
}

/// A PubMed identifier as typed, bare (`33301246`), as `PMID: 33301246` or as its PubMed
/// address, in its bare form: one to eight digits, not starting with 0.
pub fn pmid(text: &str) -> Result<String, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let bare = if let Some(rest) = [
        "https://pubmed.ncbi.nlm.nih.gov/",
        "http://pubmed.ncbi.nlm.nih.gov/",
    ]
    .iter()
    .find_map(|prefix| lower.strip_prefix(prefix))
    {
        rest.trim_end_matches('/')
    } else if let Some(rest) = lower.strip_prefix("pmid") {
        rest.trim_start_matches([':', ' '])
    } else {
        lower.as_str()
    };
    if (1..=8).contains(&bare.len())
        && bare.chars().all(|c| c.is_ascii_digit())
        && !bare.starts_with('0')
    {
        Ok(bare.to_owned())
    } else {
        Err(format!(
            "'{text}' is not a PMID: a PubMed identifier is up to eight digits, like 33301246."
        ))
    }
}

/// The date a web page was read, typed as YYYY-MM-DD (what a date field sends).
pub fn accessed(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| (1990..=2100).contains(&date.year()))
        .ok_or_else(|| {
            format!(
                "the date accessed must be a date like 2026-03-01 (1990 or later), not '{text}'."
            )
        })
}

/// A DOI's address at doi.org: the suffix's characters that mean something in an address
/// (`#`, `?`, `%` and the like) are percent-encoded, so the link resolves to the DOI itself.
pub fn doi_url(doi: &str) -> String {
    let mut url = String::from("https://doi.org/");
    for byte in doi.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:;()[]<>".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// A PMID's address at PubMed.
pub fn pmid_url(pmid: &str) -> String {
    format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/")
}

/// Where a work appeared, after its source: the year, and its volume, issue and pages after a
/// semicolon ("2021;384(5):403-16"); either alone; `None` for neither.
pub fn publication(year: Option<i32>, volume_pages: &str) -> Option<String> {
    let volume_pages = volume_pages.trim().trim_end_matches('.');
    match (year, volume_pages.is_empty()) {
        (Some(year), true) => Some(year.to_string()),
        (Some(year), false) => Some(format!("{year};{volume_pages}")),
        (None, false) => Some(volume_pages.to_owned()),
        (None, true) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_split_on_semicolons_and_lines_and_lose_full_stops() {
        assert_eq!(
            authors("Baden LR; El Sahly HM.\n\n  Essink B ;"),
            vec!["Baden LR", "El Sahly HM", "Essink B"]
        );
        assert!(authors(" ; \n").is_empty());
    }

    #[test]
    fn a_citation_lists_six_authors_then_et_al() {
        let names: Vec<String> = (1..=7).map(|n| format!("Author{n} A")).collect();
        assert_eq!(cited_authors(&names[..2]), "Author1 A, Author2 A");
        assert_eq!(cited_authors(&names[..6]).matches(", ").count(), 5);
        assert_eq!(
            cited_authors(&names),
            "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A, et al"
        );
        assert_eq!(cited_authors(&[]), "");
    }

    #[test]
    fn dois_are_read_bare_or_as_addresses() {
        for typed in [
            "10.1056/NEJMoa2035389",
            " doi:10.1056/NEJMoa2035389",
            "DOI: 10.1056/NEJMoa2035389",
            "https://doi.org/10.1056/NEJMoa2035389",
            "http://dx.doi.org/10.1056/NEJMoa2035389",
        ] {
            assert_eq!(
                doi(typed).as_deref(),
                Ok("10.1056/NEJMoa2035389"),
                "{typed}"
            );
        }
        assert_eq!(doi("10.1000.10/abc(d)").as_deref(), Ok("10.1000.10/abc(d)"));
        for wrong in [
            "",
            "10.1056",
            "10.105/x",
            "11.1056/x",
            "10.1056/",
            "10.10a6/x",
            "10.1056/has space",
            "https://example.org/10.1056/x",
        ] {
            let error = doi(wrong).unwrap_err();
            assert!(error.contains("not a DOI"), "{wrong}: {error}");
        }
        let long = format!("10.1056/{}", "x".repeat(DOI_MAX));
        assert!(doi(&long).unwrap_err().contains("too long"));
    }

    #[test]
    fn pmids_are_up_to_eight_digits() {
        for typed in [
            "33301246",
            "PMID: 33301246",
            "pmid 33301246",
            "https://pubmed.ncbi.nlm.nih.gov/33301246/",
        ] {
            assert_eq!(pmid(typed).as_deref(), Ok("33301246"), "{typed}");
        }
        for wrong in ["", "0123", "123456789", "12a4", "PMID:", "-5"] {
            assert!(pmid(wrong).unwrap_err().contains("not a PMID"), "{wrong}");
        }
    }

    #[test]
    fn accessed_dates_are_iso_dates() {
        assert_eq!(
            accessed("2026-03-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        for wrong in ["", "2026-02-30", "01/03/2026", "1980-01-01", "yesterday"] {
            assert!(accessed(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn doi_addresses_keep_the_doi_and_escape_what_means_something_in_an_address() {
        assert_eq!(
            doi_url("10.1056/NEJMoa2035389"),
            "https://doi.org/10.1056/NEJMoa2035389"
        );
        assert_eq!(
            doi_url("10.1000/a#b?c%d\"e"),
            "https://doi.org/10.1000/a%23b%3Fc%25d%22e"
        );
        assert_eq!(
            pmid_url("33301246"),
            "https://pubmed.ncbi.nlm.nih.gov/33301246/"
        );
    }

    #[test]
    fn publication_joins_year_and_volume_with_a_semicolon() {
        assert_eq!(
            publication(Some(2021), "384(5):403-16.").as_deref(),
            Some("2021;384(5):403-16")
        );
        assert_eq!(publication(Some(2021), " ").as_deref(), Some("2021"));
        assert_eq!(publication(None, "12:1-9").as_deref(), Some("12:1-9"));
        assert_eq!(publication(None, ""), None);
    }
}
