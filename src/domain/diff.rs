//! What changed between two revisions: words inside paragraph-aligned blocks of the markdown
//! source, the short fields, and the numbered references.
//!
//! Cost is bounded: every diff runs against one deadline, and input too large or too
//! different to diff word by word within it is shown block by block instead (`coarse`).

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::content::Reference;

/// The time one whole revision diff may take before it settles for a coarser result.
pub const BUDGET: Duration = Duration::from_millis(250);
/// Word pairs (old × new words of one block) beyond which a block is not diffed word by word.
const WORD_PAIRS_MAX: usize = 4_000_000;
/// Unchanged blocks in a row beyond which the middle ones are folded away.
const FOLD_AFTER: usize = 3;

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
        old: Reference,
        new: Reference,
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
    pub body: &'a str,
    pub references: &'a [Reference],
}

impl Side<'_> {
    /// Nothing: what a never-published article is compared against.
    pub const EMPTY: Side<'static> = Side {
        title: "",
        summary: "",
        change_note: "",
        body: "",
        references: &[],
    };
}

/// Diffs two revisions within `budget`.
pub fn diff(old: Side<'_>, new: Side<'_>, budget: Duration) -> RevisionDiff {
    let deadline = Instant::now() + budget;
    let mut coarse = false;
    let title = words(old.title, new.title, deadline, &mut coarse);
    let summary = words(old.summary, new.summary, deadline, &mut coarse);
    let change_note = words(old.change_note, new.change_note, deadline, &mut coarse);
    let body = fold(blocks(old.body, new.body, deadline, &mut coarse));
    let references = references(old.references, new.references);
    let (mut words_added, mut words_removed) = (0, 0);
    for diff in [&title, &summary, &change_note] {
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
        body,
        references,
        words_added,
        words_removed,
        coarse,
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Word-level diff. Whitespace is not significant (markdown ignores it inside a paragraph).
fn words(old: &str, new: &str, deadline: Instant, coarse: &mut bool) -> WordDiff {
    let old_words: Vec<&str> = old.split_whitespace().collect();
    let new_words: Vec<&str> = new.split_whitespace().collect();
    let mut out = WordDiff::default();
    if old_words == new_words {
        if !old_words.is_empty() {
            out.spans.push(Span::Same(old_words.join(" ")));
        }
        return out;
    }
    let too_big = old_words.len().saturating_mul(new_words.len()) > WORD_PAIRS_MAX;
    if too_big || Instant::now() >= deadline {
        *coarse = true;
        push(
            &mut out,
            Span::Removed(old_words.join(" ")),
            old_words.len(),
        );
        push(&mut out, Span::Added(new_words.join(" ")), new_words.len());
        return out;
    }
    let ops =
        capture_diff_slices_deadline(Algorithm::Patience, &old_words, &new_words, Some(deadline));
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_part = &old_words[old_range];
        let new_part = &new_words[new_range];
        match tag {
            DiffTag::Equal => push(&mut out, Span::Same(old_part.join(" ")), 0),
            DiffTag::Delete => push(&mut out, Span::Removed(old_part.join(" ")), old_part.len()),
            DiffTag::Insert => push(&mut out, Span::Added(new_part.join(" ")), new_part.len()),
            DiffTag::Replace => {
                push(&mut out, Span::Removed(old_part.join(" ")), old_part.len());
                push(&mut out, Span::Added(new_part.join(" ")), new_part.len());
            }
        }
    }
    if Instant::now() >= deadline {
        *coarse = true;
    }
    out
}

fn push(diff: &mut WordDiff, span: Span, count: usize) {
    if span.text().is_empty() {
        return;
    }
    match &span {
        Span::Added(_) => diff.added += count,
        Span::Removed(_) => diff.removed += count,
        Span::Same(_) => {}
    }
    diff.spans.push(span);
}

/// The blocks of a markdown source: runs of lines separated by blank lines.
fn split_blocks(source: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in source.replace("\r\n", "\n").lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// Aligns blocks, then diffs the words of blocks that changed.
fn blocks(old: &str, new: &str, deadline: Instant, coarse: &mut bool) -> Vec<Block> {
    let old_blocks = split_blocks(old);
    let new_blocks = split_blocks(new);
    // Blocks compare by their words, so re-wrapping a paragraph is not a change.
    let key = |b: &String| b.split_whitespace().collect::<Vec<_>>().join(" ");
    let old_keys: Vec<String> = old_blocks.iter().map(key).collect();
    let new_keys: Vec<String> = new_blocks.iter().map(key).collect();
    let ops =
        capture_diff_slices_deadline(Algorithm::Patience, &old_keys, &new_keys, Some(deadline));
    let mut out = Vec::new();
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_part = &old_blocks[old_range];
        let new_part = &new_blocks[new_range];
        match tag {
            DiffTag::Equal => out.extend(new_part.iter().cloned().map(Block::Unchanged)),
            DiffTag::Delete => out.extend(old_part.iter().cloned().map(Block::Removed)),
            DiffTag::Insert => out.extend(new_part.iter().cloned().map(Block::Added)),
            DiffTag::Replace if old_part.len() == new_part.len() => {
                for (o, n) in old_part.iter().zip(new_part) {
                    out.push(Block::Changed(words(o, n, deadline, coarse)));
                }
            }
            // A paragraph split or merged, or several rewritten: diff the run as one.
            DiffTag::Replace => out.push(Block::Changed(words(
                &old_part.join("\n\n"),
                &new_part.join("\n\n"),
                deadline,
                coarse,
            ))),
        }
    }
    out
}

/// Folds long runs of unchanged blocks, keeping one block of context on each side.
fn fold(blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<Block>, at_start: bool, at_end: bool| {
        if run.len() <= FOLD_AFTER {
            out.extend(run.drain(..).map(Block::Unchanged));
            return;
        }
        let lead = usize::from(!at_start);
        let trail = usize::from(!at_end);
        let mut middle: Vec<String> = std::mem::take(run);
        let tail: Vec<String> = middle.split_off(middle.len() - trail);
        let head: Vec<String> = middle.drain(..lead).collect();
        out.extend(head.into_iter().map(Block::Unchanged));
        out.push(Block::Folded(middle));
        out.extend(tail.into_iter().map(Block::Unchanged));
    };
    let mut seen_change = false;
    for block in blocks {
        match block {
            Block::Unchanged(text) => run.push(text),
            other => {
                flush(&mut run, &mut out, !seen_change, false);
                seen_change = true;
                out.push(other);
            }
        }
    }
    flush(&mut run, &mut out, !seen_change, true);
    out
}

fn norm(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn changed_fields(old: &Reference, new: &Reference) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if old.kind != new.kind {
        fields.push("kind");
    }
    if old.title != new.title {
        fields.push("title");
    }
    if old.source != new.source {
        fields.push("source");
    }
    if old.year != new.year {
        fields.push("year");
    }
    if old.url != new.url {
        fields.push("link");
    }
    fields
}

/// A way of deciding that an old and a new reference are the same one.
type Same = dyn Fn(&Reference, &Reference) -> bool;

/// Matches references: identical ones first, then by title, then by link, then by position;
/// whatever is left was removed or added. Listed in new order, removed ones at their old place.
fn references(old: &[Reference], new: &[Reference]) -> Vec<RefChange> {
    let mut match_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let passes: [&Same; 3] = [
        &|o, n| o == n,
        &|o, n| norm(&o.title) == norm(&n.title),
        &|o, n| o.url.is_some() && o.url == n.url,
    ];
    for same in passes {
        for (j, n) in new.iter().enumerate() {
            if match_of_new[j].is_some() {
                continue;
            }
            if let Some(i) = (0..old.len()).find(|&i| !taken[i] && same(&old[i], n)) {
                taken[i] = true;
                match_of_new[j] = Some(i);
            }
        }
    }
    // Still unmatched at the same number: the same reference, edited.
    for (j, slot) in match_of_new.iter_mut().enumerate() {
        if slot.is_none() && j < old.len() && !taken[j] {
            taken[j] = true;
            *slot = Some(j);
        }
    }
    let mut out = Vec::new();
    for (j, n) in new.iter().enumerate() {
        // Removed references whose number comes before this one are listed first.
        for i in 0..old.len().min(j + 1) {
            if !taken[i]
                && !out
                    .iter()
                    .any(|c| matches!(c, RefChange::Removed { at, .. } if *at == i + 1))
            {
                out.push(RefChange::Removed {
                    at: i + 1,
                    reference: old[i].clone(),
                });
            }
        }
        out.push(match match_of_new[j] {
            None => RefChange::Added {
                at: j + 1,
                reference: n.clone(),
            },
            Some(i) => {
                let fields = changed_fields(&old[i], n);
                if !fields.is_empty() {
                    RefChange::Changed {
                        from: i + 1,
                        to: j + 1,
                        fields,
                        old: old[i].clone(),
                        new: n.clone(),
                    }
                } else if i != j {
                    RefChange::Moved {
                        from: i + 1,
                        to: j + 1,
                        reference: n.clone(),
                    }
                } else {
                    RefChange::Unchanged {
                        at: j + 1,
                        reference: n.clone(),
                    }
                }
            }
        });
    }
    for (i, reference) in old.iter().enumerate() {
        if !taken[i]
            && !out
                .iter()
                .any(|c| matches!(c, RefChange::Removed { at, .. } if *at == i + 1))
        {
            out.push(RefChange::Removed {
                at: i + 1,
                reference: reference.clone(),
            });
        }
    }
    out
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
            old: old[0].clone(),
            new: new[0].clone()
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
