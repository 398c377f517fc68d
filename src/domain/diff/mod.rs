//! What changed between two revisions: words inside paragraph-aligned blocks of the markdown
//! source, the short fields, and the numbered references.
//!
//! Cost is bounded: every diff runs against one deadline, and input too large or too
//! different to diff word by word within it is shown block by block instead (`coarse`).

mod references;
mod text;

use std::time::{Duration, Instant};

use super::content::{Reference, Version};
use references::references;
pub use text::split_blocks;
use text::{blocks, fold, word_count, words};

/// The time one whole revision diff may take before it settles for a coarser result.
pub const BUDGET: Duration = Duration::from_millis(250);
/// Word pairs (old × new words of one block) beyond which a block is not diffed word by word.
pub(super) const WORD_PAIRS_MAX: usize = 4_000_000;
/// Unchanged blocks in a row beyond which the middle ones are folded away.
pub(super) const FOLD_AFTER: usize = 3;

/// How a diff is laid out: one column with changes inline, or old and new side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Inline,
    Split,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Inline => "inline",
            Layout::Split => "split",
        }
    }

    pub fn parse(value: &str) -> Option<Layout> {
        match value {
            "inline" => Some(Layout::Inline),
            "split" => Some(Layout::Split),
            _ => None,
        }
    }
}

/// A run of words, unchanged, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Same(String),
    Added(String),
    Removed(String),
}

impl Span {
    pub fn text(&self) -> &str {
        match self {
            Span::Same(t) | Span::Added(t) | Span::Removed(t) => t,
        }
    }

    pub fn is_added(&self) -> bool {
        matches!(self, Span::Added(_))
    }

    pub fn is_removed(&self) -> bool {
        matches!(self, Span::Removed(_))
    }

    /// Shown on the old side of a side-by-side view.
    pub fn on_old_side(&self) -> bool {
        !self.is_added()
    }

    /// Shown on the new side of a side-by-side view.
    pub fn on_new_side(&self) -> bool {
        !self.is_removed()
    }
}

/// A word-level diff of one piece of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordDiff {
    pub spans: Vec<Span>,
    pub added: usize,
    pub removed: usize,
}

impl WordDiff {
    pub fn is_unchanged(&self) -> bool {
        self.added == 0 && self.removed == 0
    }
}

/// One paragraph-aligned block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Unchanged(String),
    /// Unchanged blocks folded away (shown on request).
    Folded(Vec<String>),
    Added(String),
    Removed(String),
    Changed(WordDiff),
}

/// How the references changed, by position number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefChange {
    Unchanged {
        at: usize,
        reference: Reference,
    },
    Added {
        at: usize,
        reference: Reference,
    },
    Removed {
        at: usize,
        reference: Reference,
    },
    /// Matched, with the fields that differ (and possibly a new number).
    Changed {
        from: usize,
        to: usize,
        fields: Vec<&'static str>,
        old: Box<Reference>,
        new: Box<Reference>,
    },
    /// The same reference under a different number.
    Moved {
        from: usize,
        to: usize,
        reference: Reference,
    },
}

/// Everything that changed between two revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionDiff {
    pub title: WordDiff,
    pub summary: WordDiff,
    pub change_note: WordDiff,
    pub public_note: WordDiff,
    pub body: Vec<Block>,
    pub references: Vec<RefChange>,
    pub words_added: usize,
    pub words_removed: usize,
    pub refs_added: usize,
    pub refs_removed: usize,
    pub refs_changed: usize,
    pub refs_moved: usize,
    /// The diff was simplified to stay within the time budget.
    pub coarse: bool,
}

/// The parts of a revision that are compared.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub change_note: &'a str,
    pub public_note: &'a str,
    pub body: &'a str,
    pub references: &'a [Reference],
}

impl Side<'_> {
    /// Nothing: what a never-published article is compared against.
    pub const EMPTY: Side<'static> = Side {
        title: "",
        summary: "",
        change_note: "",
        public_note: "",
        body: "",
        references: &[],
    };
}

/// Diffs two revisions within `budget`.
/// What happened to the patient version between two revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionChange {
    Added,
    Removed,
    /// Both revisions have one (changed or not: see the diff).
    Kept,
}

/// The patient version's changes: its title, summary and body compared with the other
/// revision's patient version (an absent one compares as empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDiff {
    pub change: VersionChange,
    pub diff: RevisionDiff,
}

impl VersionDiff {
    pub fn is_unchanged(&self) -> bool {
        self.change == VersionChange::Kept
            && self.diff.words_added == 0
            && self.diff.words_removed == 0
    }
}

/// The patient versions' diff, or `None` when neither revision has one.
pub fn patient(
    old: Option<&Version>,
    new: Option<&Version>,
    budget: Duration,
) -> Option<VersionDiff> {
    let change = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => VersionChange::Added,
        (Some(_), None) => VersionChange::Removed,
        (Some(_), Some(_)) => VersionChange::Kept,
    };
    fn side(v: Option<&Version>) -> Side<'_> {
        match v {
            Some(v) => Side {
                title: &v.title,
                summary: &v.summary,
                change_note: "",
                public_note: "",
                body: &v.body,
                references: &[],
            },
            None => Side::EMPTY,
        }
    }
    let (old_side, new_side) = (side(old), side(new));
    Some(VersionDiff {
        change,
        diff: diff(old_side, new_side, budget),
    })
}

pub fn diff(old: Side<'_>, new: Side<'_>, budget: Duration) -> RevisionDiff {
    let deadline = Instant::now() + budget;
    let mut coarse = false;
    let title = words(old.title, new.title, deadline, &mut coarse);
    let summary = words(old.summary, new.summary, deadline, &mut coarse);
    let change_note = words(old.change_note, new.change_note, deadline, &mut coarse);
    let public_note = words(old.public_note, new.public_note, deadline, &mut coarse);
    let body = fold(blocks(old.body, new.body, deadline, &mut coarse));
    let references = references(old.references, new.references);
    let (mut words_added, mut words_removed) = (0, 0);
    for diff in [&title, &summary, &change_note, &public_note] {
        words_added += diff.added;
        words_removed += diff.removed;
    }
    for block in &body {
        match block {
            Block::Added(text) => words_added += word_count(text),
            Block::Removed(text) => words_removed += word_count(text),
            Block::Changed(diff) => {
                words_added += diff.added;
                words_removed += diff.removed;
            }
            Block::Unchanged(_) | Block::Folded(_) => {}
        }
    }
    let count = |f: fn(&RefChange) -> bool| references.iter().filter(|c| f(c)).count();
    RevisionDiff {
        refs_added: count(|c| matches!(c, RefChange::Added { .. })),
        refs_removed: count(|c| matches!(c, RefChange::Removed { .. })),
        refs_changed: count(|c| matches!(c, RefChange::Changed { .. })),
        refs_moved: count(|c| matches!(c, RefChange::Moved { .. })),
        title,
        summary,
        change_note,
        public_note,
        body,
        references,
        words_added,
        words_removed,
        coarse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::ReferenceKind;

    fn side<'a>(body: &'a str, references: &'a [Reference]) -> Side<'a> {
        Side {
            title: "Title",
            summary: "",
            change_note: "",
            public_note: "",
            body,
            references,
        }
    }

    fn reference(title: &str, year: i32) -> Reference {
        Reference {
            kind: ReferenceKind::Research,
            title: title.into(),
            source: "BMJ".into(),
            year: Some(year),
            url: None,
            ..Reference::default()
        }
    }

    fn body_diff(old: &str, new: &str) -> RevisionDiff {
        diff(side(old, &[]), side(new, &[]), BUDGET)
    }

    #[test]
    fn a_moved_word_is_removed_in_one_place_and_added_in_another() {
        let d = body_diff("take ibuprofen with care", "take with care ibuprofen");
        assert_eq!((d.words_added, d.words_removed), (1, 1));
        let Block::Changed(words) = &d.body[0] else {
            panic!("{:?}", d.body)
        };
        let removed: Vec<&str> = words
            .spans
            .iter()
            .filter(|s| s.is_removed())
            .map(Span::text)
            .collect();
        let added: Vec<&str> = words
            .spans
            .iter()
            .filter(|s| s.is_added())
            .map(Span::text)
            .collect();
        assert_eq!((removed, added), (vec!["ibuprofen"], vec!["ibuprofen"]));
    }

    #[test]
    fn a_split_paragraph_keeps_its_words() {
        let d = body_diff(
            "One sentence. Two sentence.",
            "One sentence.\n\nTwo sentence.",
        );
        assert_eq!((d.words_added, d.words_removed), (0, 0));
        assert!(
            matches!(&d.body[0], Block::Changed(w) if w.is_unchanged()),
            "{:?}",
            d.body
        );
    }

    #[test]
    fn whitespace_only_changes_are_not_changes() {
        let d = body_diff(
            "Avoid  NSAIDs\nwith ACE inhibitors.",
            "Avoid NSAIDs with\nACE   inhibitors.",
        );
        assert_eq!((d.words_added, d.words_removed), (0, 0));
        assert!(matches!(&d.body[..], [Block::Unchanged(_)]), "{:?}", d.body);
    }

    #[test]
    fn empty_to_full_is_all_added() {
        let d = diff(
            Side::EMPTY,
            side("First.\n\nSecond paragraph here.", &[]),
            BUDGET,
        );
        assert_eq!(d.words_removed, 0);
        assert_eq!(d.words_added, 1 + 1 + 3, "title word and both paragraphs");
        assert!(d.body.iter().all(|b| matches!(b, Block::Added(_))));
    }

    #[test]
    fn changed_words_are_marked_within_their_paragraph() {
        let d = body_diff(
            "Keep.\n\nTake 200 mg daily.\n\nKeep too.",
            "Keep.\n\nTake 400 mg daily.\n\nKeep too.",
        );
        assert_eq!((d.words_added, d.words_removed), (1, 1));
        let Block::Changed(words) = &d.body[1] else {
            panic!("{:?}", d.body)
        };
        assert_eq!(
            words.spans,
            [
                Span::Same("Take".into()),
                Span::Removed("200".into()),
                Span::Added("400".into()),
                Span::Same("mg daily.".into())
            ]
        );
    }

    #[test]
    fn long_unchanged_stretches_are_folded_with_context() {
        let old: Vec<String> = (0..10).map(|i| format!("Paragraph {i}.")).collect();
        let mut new = old.clone();
        new[9] = "Paragraph nine, rewritten.".into();
        let d = body_diff(&old.join("\n\n"), &new.join("\n\n"));
        let folded: usize = d
            .body
            .iter()
            .map(|b| if let Block::Folded(v) = b { v.len() } else { 0 })
            .sum();
        assert_eq!(folded, 8, "{:?}", d.body);
        assert!(
            matches!(d.body[1], Block::Unchanged(ref t) if t == "Paragraph 8."),
            "one block of context"
        );
    }

    #[test]
    fn reordered_references_are_moved_not_changed() {
        let a = reference("Trial A", 2019);
        let b = reference("Trial B", 2020);
        let d = diff(
            side("x", &[a.clone(), b.clone()]),
            side("x", &[b.clone(), a.clone()]),
            BUDGET,
        );
        assert_eq!(
            d.references,
            [
                RefChange::Moved {
                    from: 2,
                    to: 1,
                    reference: b
                },
                RefChange::Moved {
                    from: 1,
                    to: 2,
                    reference: a
                }
            ]
        );
        assert_eq!(
            (d.refs_moved, d.refs_changed, d.refs_added, d.refs_removed),
            (2, 0, 0, 0)
        );
    }

    #[test]
    fn edited_added_and_removed_references_are_told_apart() {
        let old = [
            reference("Trial A", 2019),
            reference("Old review", 2001),
            reference("Trial C", 2021),
        ];
        let new = [
            reference("Trial A", 2020),
            reference("Trial C", 2021),
            reference("New cohort", 2024),
        ];
        let d = diff(side("x", &old), side("x", &new), BUDGET);
        assert!(d.references.contains(&RefChange::Changed {
            from: 1,
            to: 1,
            fields: vec!["year"],
            old: Box::new(old[0].clone()),
            new: Box::new(new[0].clone())
        }));
        assert!(d.references.contains(&RefChange::Removed {
            at: 2,
            reference: old[1].clone()
        }));
        assert!(d.references.contains(&RefChange::Moved {
            from: 3,
            to: 2,
            reference: new[1].clone()
        }));
        assert!(d.references.contains(&RefChange::Added {
            at: 3,
            reference: new[2].clone()
        }));
        assert_eq!(
            (d.refs_added, d.refs_removed, d.refs_changed, d.refs_moved),
            (1, 1, 1, 1)
        );
    }

    #[test]
    fn pathological_input_stays_within_the_budget() {
        // One huge paragraph each, no words in common: the worst case for word diffs.
        let old: String = (0..100_000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..100_000).map(|i| format!("b{i} ")).collect();
        // (How long it takes is measured by `cargo bench --bench diff`, not asserted here.)
        let d = diff(side(&old, &[]), side(&new, &[]), Duration::from_millis(100));
        assert!(d.coarse);
        assert_eq!((d.words_added, d.words_removed), (100_000, 100_000));
    }
}
