//! Citations in an article's text, and what they say about its references: a citation of a
//! reference the revision does not have (an error: the revision cannot be submitted), and a
//! reference nothing cites (a warning).
//!
//! A citation is a bracket of reference numbers: one (`[2]`), a range (`[2–4]` or `[2-4]`),
//! or a list of either (`[1, 3]`, `[1, 3–5]`). Anything else in brackets is text.

use std::collections::BTreeSet;

/// The widest range a citation may span; beyond it the bracket is text, not a citation.
const RANGE_MAX: u32 = 50;
/// The highest reference number a citation may name.
const NUMBER_MAX: u32 = 999;

/// One item of a citation: a reference, or a range of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    One(u32),
    Range(u32, u32),
}

impl Part {
    /// Its highest reference number.
    pub fn last(self) -> u32 {
        match self {
            Part::One(n) | Part::Range(_, n) => n,
        }
    }

    fn numbers(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Part::One(n) => n..=n,
            Part::Range(a, b) => a..=b,
        }
    }
}

/// Reads the inside of a bracket as a citation, or `None` when it is not one.
pub fn parse_group(inside: &str) -> Option<Vec<Part>> {
    let number = |text: &str| -> Option<u32> {
        let text = text.trim();
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) || text.len() > 3 {
            return None;
        }
        text.parse().ok().filter(|n| (1..=NUMBER_MAX).contains(n))
    };
    let mut parts = Vec::new();
    for item in inside.split(',') {
        let part = match item.split_once(['–', '-']) {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if b <= a || b - a > RANGE_MAX {
                    return None;
                }
                Part::Range(a, b)
            }
            None => Part::One(number(item)?),
        };
        parts.push(part);
    }
    Some(parts)
}

/// A citation as HTML: each number a link to its reference (`#ref-n`). A single number keeps
/// its brackets inside the link.
pub fn linked(parts: &[Part]) -> String {
    let link = |n: u32| format!("<a class=\"cite\" href=\"#ref-{n}\">{n}</a>");
    if let [Part::One(n)] = parts {
        return format!("<a class=\"cite\" href=\"#ref-{n}\">[{n}]</a>");
    }
    let items: Vec<String> = parts
        .iter()
        .map(|part| match *part {
            Part::One(n) => link(n),
            Part::Range(a, b) => format!("{}–{}", link(a), link(b)),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// What the citations of a revision's texts say about its `references` references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Cited numbers with no reference, in order.
    pub dangling: Vec<u32>,
    /// References nothing cites, in order.
    pub uncited: Vec<u32>,
}

impl Check {
    /// Checks the citation groups of all of a revision's texts together.
    pub fn of(groups: &[Vec<Part>], references: usize) -> Check {
        let references = u32::try_from(references).unwrap_or(u32::MAX);
        let cited: BTreeSet<u32> = groups
            .iter()
            .flatten()
            .flat_map(|part| part.numbers())
            .collect();
        Check {
            dangling: cited.iter().copied().filter(|n| *n > references).collect(),
            uncited: (1..=references).filter(|n| !cited.contains(n)).collect(),
        }
    }

    /// What is wrong with the dangling citations, naming each.
    pub fn dangling_message(&self, references: usize) -> Option<String> {
        let (first, rest) = self.dangling.split_first()?;
        let has = match references {
            0 => "this revision has no references".to_owned(),
            1 => "this revision has 1 reference".to_owned(),
            n => format!("this revision has {n} references"),
        };
        Some(if rest.is_empty() {
            format!("Citation [{first}] has no reference: {has}.")
        } else {
            let all: Vec<String> = self.dangling.iter().map(|n| format!("[{n}]")).collect();
            format!("Citations {} have no reference: {has}.", all.join(", "))
        })
    }

    /// The warning about references nothing cites.
    pub fn uncited_message(&self) -> Option<String> {
        let (first, rest) = self.uncited.split_first()?;
        Some(if rest.is_empty() {
            format!("Reference {first} is not cited in the text.")
        } else {
            let all: Vec<String> = self.uncited.iter().map(u32::to_string).collect();
            format!("References {} are not cited in the text.", all.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markdown;

    #[test]
    fn single_numbers_ranges_and_lists_are_citations() {
        assert_eq!(parse_group("2"), Some(vec![Part::One(2)]));
        assert_eq!(parse_group("2–4"), Some(vec![Part::Range(2, 4)]));
        assert_eq!(parse_group("2-4"), Some(vec![Part::Range(2, 4)]));
        assert_eq!(
            parse_group("1, 3–5,7"),
            Some(vec![Part::One(1), Part::Range(3, 5), Part::One(7)])
        );
        for text in [
            "", "a", "0", "1,", "4–2", "2–2", "1-100", "x1", "1 2", "1000", "-3",
        ] {
            assert_eq!(parse_group(text), None, "{text}");
        }
    }

    #[test]
    fn dangling_and_uncited_references_are_found_in_text_only() {
        let body = "Lower it [1, 3–4]. See [9].\n\n`[5]` in code and [a link [6]](https://x.org) are not citations; [7] is.";
        let groups = markdown::citation_groups(body);
        let check = Check::of(&groups, 5);
        assert_eq!(check.dangling, vec![7, 9]);
        assert_eq!(check.uncited, vec![2, 5]);
        assert_eq!(
            check.dangling_message(5).unwrap(),
            "Citations [7], [9] have no reference: this revision has 5 references."
        );
        assert_eq!(
            check.uncited_message().unwrap(),
            "References 2, 5 are not cited in the text."
        );
        let one = Check::of(&markdown::citation_groups("See [2]."), 0);
        assert_eq!(
            one.dangling_message(0).unwrap(),
            "Citation [2] has no reference: this revision has no references."
        );
        assert_eq!(
            Check::of(&markdown::citation_groups("[1–2]"), 2),
            Check::default()
        );
    }

    #[test]
    fn ranges_and_lists_link_each_reference() {
        let html = markdown::render("Lower it [1, 2–3] and [2].", 3);
        // (The sanitiser adds each link's rel.)
        let rel = "rel=\"noopener noreferrer nofollow\"";
        for piece in [
            format!("[<a class=\"cite\" href=\"#ref-1\" {rel}>1</a>, "),
            format!("<a class=\"cite\" href=\"#ref-2\" {rel}>2</a>–"),
            format!("<a class=\"cite\" href=\"#ref-3\" {rel}>3</a>] and "),
            format!("<a class=\"cite\" href=\"#ref-2\" {rel}>[2]</a>."),
        ] {
            assert!(html.contains(&piece), "{piece} in {html}");
        }
        // A group with a missing reference stays text.
        let html = markdown::render("See [2, 4].", 3);
        assert!(html.contains("See [2, 4]."), "{html}");
    }
}
