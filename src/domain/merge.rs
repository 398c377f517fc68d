//! Three-way merge of article revisions: the person's text (`mine`) and a newer revision
//! (`theirs`), both written from the same `base`.
//!
//! - Title and summary compare with whitespace normalised: a side equal to the base takes
//!   the other side, equal sides agree, anything else is a conflict.
//! - The change note is always mine (it describes the person's own revision).
//! - The body is merged by paragraphs (the blocks of [`split_blocks`]), compared by their
//!   words, so re-wrapping a paragraph is not a change. diff3: paragraphs both sides kept are
//!   stable; each side's changes are the runs between them. A change that no change of the
//!   other side touches is applied; changes of the two sides that overlap, or insert at the
//!   same place, are decided together: identical changes once, else paragraph by paragraph
//!   when both sides still line up with the base (each paragraph changed differently on
//!   both sides is its own conflict), else one conflict for the run.
//! - References merge the same way, comparing title and source with whitespace normalised.
//!
//! Deterministic: the same inputs give the same conflicts in the same order, so choices
//! can be mapped to conflicts by index on a later request.

use std::hash::Hash;
use std::ops::Range;

use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::domain::content::{Content, Reference, Version};
use crate::domain::diff::split_blocks;

/// Which side to keep for one conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Mine,
    Theirs,
    /// Mine's then theirs': only for body and reference conflicts.
    Both,
}

impl Choice {
    pub fn parse(value: &str) -> Option<Choice> {
        [Choice::Mine, Choice::Theirs, Choice::Both]
            .into_iter()
            .find(|c| c.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Mine => "mine",
            Choice::Theirs => "theirs",
            Choice::Both => "both",
        }
    }
}

/// Where a conflict is. `block` is the 1-based number of the hunk's first paragraph in the
/// merged body, `number` the 1-based position in the merged reference list where the hunk
/// starts, both counting the resolved paragraphs (references) before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Title,
    Summary,
    Body { block: usize },
    References { number: usize },
    PatientTitle,
    PatientSummary,
    PatientBody { block: usize },
}

impl Place {
    pub fn label(&self) -> String {
        match self {
            Place::Title => "Title".to_owned(),
            Place::Summary => "Summary".to_owned(),
            Place::Body { block } => format!("Body, paragraph {block}"),
            Place::References { number } => format!("Reference {number}"),
            Place::PatientTitle => "Patient version, title".to_owned(),
            Place::PatientSummary => "Patient version, summary".to_owned(),
            Place::PatientBody { block } => format!("Patient version, paragraph {block}"),
        }
    }

    /// Whether [`Choice::Both`] is allowed here.
    pub fn allows_both(&self) -> bool {
        matches!(
            self,
            Place::Body { .. } | Place::References { .. } | Place::PatientBody { .. }
        )
    }
}

/// One conflict: both sides' version of the same part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub place: Place,
    pub mine: Side,
    pub theirs: Side,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A title, a summary, or body paragraphs joined by a blank line (empty: deleted).
    Text(String),
    /// References (empty: removed).
    References(Vec<Reference>),
}

/// A part of the merged content: settled, or conflict number `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<T> {
    Kept(T),
    Open(usize),
}

/// The result of merging: resolved parts and conflicts in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    title: Vec<Part<String>>,
    summary: Vec<Part<String>>,
    /// Paragraphs (or, when one side left the body alone, the other side's whole body).
    body: Vec<Part<String>>,
    references: Vec<Part<Reference>>,
    /// The patient version's title, summary and body, merged as the clinician ones (an
    /// absent version is three empty texts).
    patient: [Vec<Part<String>>; 3],
    /// The person's own notes (internal and public): they describe their change.
    change_note: String,
    public_note: String,
    conflicts: Vec<Conflict>,
}

/// A conflict left without a usable choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("conflict {} needs a choice", .conflict + 1)]
pub struct Unresolved {
    /// 0-based index into [`Merged::conflicts`].
    pub conflict: usize,
}

impl Merged {
    /// In order: title, summary, body hunks top to bottom, reference hunks, then the
    /// patient version's title, summary and body hunks.
    pub fn conflicts(&self) -> Vec<&Conflict> {
        self.conflicts.iter().collect()
    }

    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// The content with conflict `i` resolved by `choices[i]`. Too few choices name the first
    /// conflict without one, too many the index just past the last conflict; `Both` for a
    /// title or summary conflict names that conflict.
    pub fn resolve(&self, choices: &[Choice]) -> Result<Content, Unresolved> {
        let conflicts = &self.conflicts;
        if choices.len() != conflicts.len() {
            let conflict = choices.len().min(conflicts.len());
            return Err(Unresolved { conflict });
        }
        let both =
            |(c, choice): (&Conflict, &Choice)| *choice == Choice::Both && !c.place.allows_both();
        if let Some(conflict) = conflicts.iter().zip(choices).position(both) {
            return Err(Unresolved { conflict });
        }
        let chosen = |i: usize| match choices[i] {
            Choice::Mine => vec![&conflicts[i].mine],
            Choice::Theirs => vec![&conflicts[i].theirs],
            Choice::Both => vec![&conflicts[i].mine, &conflicts[i].theirs],
        };
        let text = |i| {
            let text = |side: &Side| match side {
                Side::Text(text) if !text.is_empty() => Some(text.clone()),
                _ => None,
            };
            chosen(i).into_iter().filter_map(text).collect()
        };
        let references = |i| {
            let references = |side: &Side| match side {
                Side::References(references) => references.clone(),
                Side::Text(_) => Vec::new(),
            };
            chosen(i).into_iter().flat_map(references).collect()
        };
        let [patient_title, patient_summary, patient_body] = &self.patient;
        let patient = Version {
            title: settled(patient_title, text).concat(),
            summary: settled(patient_summary, text).concat(),
            body: settled(patient_body, text).join("\n\n"),
        };
        let blank = [&patient.title, &patient.summary, &patient.body]
            .iter()
            .all(|t| t.trim().is_empty());
        Ok(Content {
            title: settled(&self.title, text).concat(),
            summary: settled(&self.summary, text).concat(),
            body: settled(&self.body, text).join("\n\n"),
            change_note: self.change_note.clone(),
            public_note: self.public_note.clone(),
            references: settled(&self.references, references),
            patient: (!blank).then_some(patient),
        })
    }

    /// For a clean merge: the content (same as `resolve(&[])`).
    pub fn content(&self) -> Option<Content> {
        self.resolve(&[]).ok()
    }
}

/// The settled parts, with conflict `i` replaced by `open(i)`.
fn settled<T: Clone>(parts: &[Part<T>], open: impl Fn(usize) -> Vec<T>) -> Vec<T> {
    let part = |part: &Part<T>| match part {
        Part::Kept(item) => vec![item.clone()],
        Part::Open(i) => open(*i),
    };
    parts.iter().flat_map(part).collect()
}

/// Merges `mine` (the person's text, written from `base`) with `theirs` (a newer revision,
/// also written from `base`).
pub fn merge(base: &Content, mine: &Content, theirs: &Content) -> Merged {
    let mut conflicts = Vec::new();
    let title = field(
        Place::Title,
        [&base.title, &mine.title, &theirs.title],
        &mut conflicts,
    );
    let summary = field(
        Place::Summary,
        [&base.summary, &mine.summary, &theirs.summary],
        &mut conflicts,
    );
    let body = paragraphs(
        [&base.body, &mine.body, &theirs.body],
        &mut conflicts,
        |block| Place::Body { block },
    );
    let key = |r: &Reference| {
        (
            r.kind,
            words(&r.title),
            words(&r.source),
            r.year,
            r.url.clone(),
        )
    };
    let pieces = diff3(&base.references, &mine.references, &theirs.references, key);
    let place = |number| Place::References { number };
    let references = settle(pieces, &mut conflicts, place, Side::References);
    let versions = [base, mine, theirs].map(|c| c.patient.clone().unwrap_or_default());
    let [b, m, t] = &versions;
    let patient_title = field(
        Place::PatientTitle,
        [&b.title, &m.title, &t.title],
        &mut conflicts,
    );
    let patient_summary = field(
        Place::PatientSummary,
        [&b.summary, &m.summary, &t.summary],
        &mut conflicts,
    );
    let patient_body = paragraphs([&b.body, &m.body, &t.body], &mut conflicts, |block| {
        Place::PatientBody { block }
    });
    Merged {
        title,
        summary,
        body,
        references,
        patient: [patient_title, patient_summary, patient_body],
        change_note: mine.change_note.clone(),
        public_note: mine.public_note.clone(),
        conflicts,
    }
}

/// A title or summary merged as one piece of text (compared by its words).
fn field(place: Place, texts: [&String; 3], conflicts: &mut Vec<Conflict>) -> Vec<Part<String>> {
    let [b, m, t] = texts.map(|text| vec![text.clone()]);
    let pieces = diff3(&b, &m, &t, |text| words(text));
    settle(
        pieces,
        conflicts,
        |_| place.clone(),
        |text| Side::Text(text.concat()),
    )
}

/// A body merged by paragraphs; a side that left it alone takes the other side's whole.
fn paragraphs(
    [base, mine, theirs]: [&String; 3],
    conflicts: &mut Vec<Conflict>,
    place: impl Fn(usize) -> Place,
) -> Vec<Part<String>> {
    if theirs == base {
        vec![Part::Kept(mine.clone())]
    } else if mine == base {
        vec![Part::Kept(theirs.clone())]
    } else {
        let blocks = [base, mine, theirs].map(|body| split_blocks(body));
        let pieces = diff3(&blocks[0], &blocks[1], &blocks[2], |block| words(block));
        settle(pieces, conflicts, place, |blocks| {
            Side::Text(blocks.join("\n\n"))
        })
    }
}

/// Whitespace-normalised text: what two texts are compared by.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

enum Pick {
    Mine,
    Theirs,
}

/// The three-way decision: a side equal to the base takes the other side; equal sides agree.
fn pick<K: PartialEq + ?Sized>(base: &K, mine: &K, theirs: &K) -> Option<Pick> {
    if mine == base {
        Some(Pick::Theirs)
    } else if theirs == base || mine == theirs {
        Some(Pick::Mine)
    } else {
        None
    }
}

/// What diff3 makes of a sequence: settled elements and clashes (mine's part, theirs' part).
enum Piece<T> {
    Kept(T),
    Clash(Vec<T>, Vec<T>),
}

/// For each element of `old`, the index of the element of `new` it is aligned with.
fn alignment<K: Eq + Hash>(old: &[K], new: &[K]) -> Vec<Option<usize>> {
    let mut out = vec![None; old.len()];
    for op in capture_diff_slices(Algorithm::Patience, old, new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (o, n) in old_range.zip(new_range) {
                out[o] = Some(n);
            }
        }
    }
    out
}

/// One side's change: base elements `base` became that side's elements `side`.
struct Change {
    mine: bool,
    base: Range<usize>,
    side: Range<usize>,
}

/// A side's changes: the runs between the base elements it kept.
fn changes(mine: bool, aligned: &[Option<usize>], side_len: usize) -> Vec<Change> {
    let kept = aligned
        .iter()
        .enumerate()
        .filter_map(|(o, n)| n.map(|n| (o, n)));
    let (mut o, mut n) = (0, 0);
    let mut out = Vec::new();
    for (o_next, n_next) in kept.chain(std::iter::once((aligned.len(), side_len))) {
        if o < o_next || n < n_next {
            out.push(Change {
                mine,
                base: o..o_next,
                side: n..n_next,
            });
        }
        (o, n) = (o_next + 1, n_next + 1);
    }
    out
}

/// Whether changes of the two sides touch the same part: overlapping base elements, an
/// insertion at the same place, or an insertion inside the other's run. Changes that only
/// meet at an edge do not.
fn interfere(c: &Change, d: &Change) -> bool {
    let (x, y) = (&c.base, &d.base);
    let inside = |point: usize, run: &Range<usize>| run.start < point && point < run.end;
    c.mine != d.mine
        && (x.start.max(y.start) < x.end.min(y.end)
            || (x.is_empty() && y.is_empty() && x.start == y.start)
            || (x.is_empty() && inside(x.start, y))
            || (y.is_empty() && inside(y.start, x)))
}

/// Whether every base element a side kept inside a run sits at the same offset in the
/// side's part, so the run's elements can be paired by position.
fn in_step(aligned: &[Option<usize>], start: usize) -> bool {
    aligned
        .iter()
        .enumerate()
        .all(|(i, n)| n.is_none_or(|n| n == start + i))
}

/// diff3 over sequences compared by `key`. Base elements kept by both sides are stable;
/// in between, changes of the two sides that interfere form a group, decided by [`pick`],
/// element by element when both sides still line up with the base, or else a clash.
fn diff3<T: Clone + PartialEq, K: Eq + Hash>(
    base: &[T],
    mine: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<Piece<T>> {
    let keys = |items: &[T]| items.iter().map(&key).collect::<Vec<K>>();
    let (base_keys, mine_keys, theirs_keys) = (keys(base), keys(mine), keys(theirs));
    let to_mine = alignment(&base_keys, &mine_keys);
    let to_theirs = alignment(&base_keys, &theirs_keys);
    let mut all = changes(true, &to_mine, mine.len());
    all.extend(changes(false, &to_theirs, theirs.len()));
    all.sort_by_key(|c| (c.base.start, c.base.end, !c.mine));
    let mut groups: Vec<Vec<Change>> = Vec::new();
    for change in all {
        match groups.last_mut() {
            Some(group) if group.iter().any(|g| interfere(g, &change)) => group.push(change),
            _ => groups.push(vec![change]),
        }
    }
    let mut out = Vec::new();
    let stable = |out: &mut Vec<Piece<T>>, run: Range<usize>| {
        for o in run {
            // Same words on all three sides; keep a side's whitespace change if any.
            let kept = match (to_mine[o], to_theirs[o]) {
                (Some(a), _) if mine[a] != base[o] => &mine[a],
                (_, Some(b)) => &theirs[b],
                _ => &base[o],
            };
            out.push(Piece::Kept(kept.clone()));
        }
    };
    let mut done = 0;
    for group in &groups {
        let start = group.iter().map(|c| c.base.start).min().unwrap_or(done);
        let end = group.iter().map(|c| c.base.end).max().unwrap_or(start);
        stable(&mut out, done..start);
        done = end;
        // Each side's part for base[start..end]: its changes there and the elements it kept.
        let part = |mine: bool, aligned: &[Option<usize>]| {
            let edges = group
                .iter()
                .filter(|c| c.mine == mine)
                .map(|c| (c.side.start, c.side.end));
            let kept = aligned[start..end].iter().flatten().map(|&n| (n, n + 1));
            let (lo, hi) = edges
                .chain(kept)
                .fold((usize::MAX, 0), |(lo, hi), (s, e)| (lo.min(s), hi.max(e)));
            if lo > hi { 0..0 } else { lo..hi }
        };
        let (a, b) = (part(true, &to_mine), part(false, &to_theirs));
        let (base_part, mine_part, theirs_part) =
            (&base[start..end], &mine[a.clone()], &theirs[b.clone()]);
        let (base_ks, mine_ks, theirs_ks) = (
            &base_keys[start..end],
            &mine_keys[a.clone()],
            &theirs_keys[b.clone()],
        );
        match pick(base_ks, mine_ks, theirs_ks) {
            Some(Pick::Mine) => out.extend(mine_part.iter().cloned().map(Piece::Kept)),
            Some(Pick::Theirs) => out.extend(theirs_part.iter().cloned().map(Piece::Kept)),
            None if mine_part.len() == base_part.len()
                && theirs_part.len() == base_part.len()
                && in_step(&to_mine[start..end], a.start)
                && in_step(&to_theirs[start..end], b.start) =>
            {
                for i in 0..base_part.len() {
                    out.push(match pick(&base_ks[i], &mine_ks[i], &theirs_ks[i]) {
                        Some(Pick::Mine) => Piece::Kept(mine_part[i].clone()),
                        Some(Pick::Theirs) => Piece::Kept(theirs_part[i].clone()),
                        None => {
                            Piece::Clash(vec![mine_part[i].clone()], vec![theirs_part[i].clone()])
                        }
                    });
                }
            }
            None => out.push(Piece::Clash(mine_part.to_vec(), theirs_part.to_vec())),
        }
    }
    stable(&mut out, done..base.len());
    out
}

/// Turns diff3 pieces into parts, recording each clash as a conflict placed by the number of
/// settled elements before it.
fn settle<T>(
    pieces: Vec<Piece<T>>,
    conflicts: &mut Vec<Conflict>,
    place: impl Fn(usize) -> Place,
    side: impl Fn(Vec<T>) -> Side,
) -> Vec<Part<T>> {
    let mut kept = 0;
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match piece {
            Piece::Kept(item) => {
                kept += 1;
                out.push(Part::Kept(item));
            }
            Piece::Clash(mine, theirs) => {
                conflicts.push(Conflict {
                    place: place(kept + 1),
                    mine: side(mine),
                    theirs: side(theirs),
                });
                out.push(Part::Open(conflicts.len() - 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::ReferenceKind;
    use proptest::prelude::*;

    fn reference(title: &str) -> Reference {
        let (kind, title, source) = (ReferenceKind::Guideline, title.into(), "NICE".into());
        Reference {
            kind,
            title,
            source,
            year: Some(2020),
            url: None,
            ..Reference::default()
        }
    }

    fn content<S: AsRef<str>>(title: &str, body: &[S], references: &[S]) -> Content {
        Content {
            title: title.into(),
            summary: "S".into(),
            body: body
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join("\n\n"),
            change_note: String::new(),
            public_note: String::new(),
            references: references.iter().map(|t| reference(t.as_ref())).collect(),
            patient: None,
        }
    }

    fn with_patient(content: Content, title: &str, body: &[&str]) -> Content {
        Content {
            patient: Some(Version {
                title: title.into(),
                summary: String::new(),
                body: body.join("\n\n"),
            }),
            ..content
        }
    }

    #[test]
    fn patient_versions_merge_by_paragraph_and_conflict_in_their_own_place() {
        let base = with_patient(content("T", &BASE, &[]), "P", &["a.", "b."]);
        // Mine changed the clinician body, theirs the patient one: both kept.
        let mine = with_patient(content("T", &["A2.", "B.", "C."], &[]), "P", &["a.", "b."]);
        let theirs = with_patient(content("T", &BASE, &[]), "P", &["a.", "b2."]);
        let out = merge(&base, &mine, &theirs).content().unwrap();
        assert_eq!(out.body, "A2.\n\nB.\n\nC.");
        assert_eq!(out.patient.unwrap().body, "a.\n\nb2.");
        // Both changed the same patient paragraph: a conflict placed in the patient version.
        let mine = with_patient(content("T", &BASE, &[]), "P", &["a.", "mine."]);
        let merged = merge(&base, &mine, &theirs);
        let conflicts = merged.conflicts();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].place, Place::PatientBody { block: 2 });
        assert_eq!(conflicts[0].place.label(), "Patient version, paragraph 2");
        let both = merged.resolve(&[Choice::Both]).unwrap().patient.unwrap();
        assert_eq!(both.body, "a.\n\nmine.\n\nb2.");
    }

    #[test]
    fn a_patient_version_added_on_one_side_is_kept_and_removing_it_is_a_change() {
        let base = content("T", &BASE, &[]);
        let theirs = with_patient(content("T", &BASE, &[]), "P", &["a."]);
        let mine = content("T2", &BASE, &[]);
        let out = merge(&base, &mine, &theirs).content().unwrap();
        assert_eq!(out.title, "T2");
        assert_eq!(
            out.patient.map(|p| p.title),
            Some("P".to_owned()),
            "theirs added it"
        );
        // Mine removed it while theirs changed it: the person decides.
        let removed = merge(&theirs, &base, &with_patient(base.clone(), "P", &["a2."]));
        assert!(!removed.is_clean());
        assert_eq!(
            removed.resolve(&[Choice::Mine]).unwrap().patient,
            None,
            "kept removed"
        );
    }

    const BASE: [&str; 3] = ["A.", "B.", "C."];

    fn body_merge(mine: &[&str], theirs: &[&str]) -> Merged {
        let side = |body| content("T", body, &[]);
        merge(&side(&BASE), &side(mine), &side(theirs))
    }

    fn clean_body(mine: &[&str], theirs: &[&str]) -> String {
        body_merge(mine, theirs).content().unwrap().body
    }

    fn resolved_body(merged: &Merged, choice: Choice) -> String {
        merged.resolve(&[choice]).unwrap().body
    }

    /// The only conflict of a body merge: (paragraph, mine, theirs).
    fn only_conflict(merged: &Merged) -> (usize, &str, &str) {
        match merged.conflicts()[..] {
            [
                Conflict {
                    place: Place::Body { block },
                    mine: Side::Text(m),
                    theirs: Side::Text(t),
                },
            ] => (*block, m, t),
            ref other => panic!("expected one body conflict, got {other:?}"),
        }
    }

    #[test]
    fn disjoint_edits_merge_cleanly() {
        let mine = content("New title", &["A2.", "B.", "C."], &[]);
        let summary = "New summary".to_owned();
        let theirs = Content {
            summary,
            ..content("T", &["A.", "B.", "C3."], &[])
        };
        let out = merge(&content("T", &BASE, &[]), &mine, &theirs)
            .content()
            .unwrap();
        assert_eq!((&*out.title, &*out.summary), ("New title", "New summary"));
        assert_eq!(out.body, "A2.\n\nB.\n\nC3.");
    }

    #[test]
    fn adjacent_paragraph_edits_merge_cleanly() {
        assert_eq!(
            clean_body(&["A.", "B2.", "C."], &["A.", "B.", "C3."]),
            "A.\n\nB2.\n\nC3."
        );
        assert_eq!(
            clean_body(&["A1.", "B.", "C."], &["A.", "B2.", "C."]),
            "A1.\n\nB2.\n\nC."
        );
        // Also when one side adds a paragraph next to the one the other side edited.
        let out = clean_body(&["A.", "B.", "C3.", "D."], &["A.", "B2.", "C."]);
        assert_eq!(out, "A.\n\nB2.\n\nC3.\n\nD.");
    }

    #[test]
    fn same_paragraph_edited_differently_conflicts() {
        let merged = body_merge(&["A.", "B mine.", "C."], &["A.", "B theirs.", "C."]);
        assert_eq!(only_conflict(&merged), (2, "B mine.", "B theirs."));
        assert_eq!(merged.conflicts()[0].place.label(), "Body, paragraph 2");
        assert_eq!(merged.content(), None);
        assert_eq!(resolved_body(&merged, Choice::Mine), "A.\n\nB mine.\n\nC.");
        assert_eq!(
            resolved_body(&merged, Choice::Theirs),
            "A.\n\nB theirs.\n\nC."
        );
        let both = resolved_body(&merged, Choice::Both);
        assert_eq!(both, "A.\n\nB mine.\n\nB theirs.\n\nC.");
    }

    #[test]
    fn reference_changed_and_removed_conflicts() {
        let base = content("T", &[], &["A", "B", "C"]);
        let mine = content("T", &[], &["A", "B (2nd ed.)", "C"]);
        let merged = merge(&base, &mine, &content("T", &[], &["A", "C"]));
        let conflict = Conflict {
            place: Place::References { number: 2 },
            mine: Side::References(vec![reference("B (2nd ed.)")]),
            theirs: Side::References(vec![]),
        };
        assert_eq!(merged.conflicts(), [&conflict]);
        let titles = |merged: &Merged, choices: &[Choice]| -> Vec<String> {
            let references = merged.resolve(choices).unwrap().references;
            references.into_iter().map(|r| r.title).collect()
        };
        assert_eq!(titles(&merged, &[Choice::Mine]), ["A", "B (2nd ed.)", "C"]);
        assert_eq!(titles(&merged, &[Choice::Theirs]), ["A", "C"]);
        // Disjoint changes both apply, the same change once; whitespace is no change.
        let mine = content("T", &[], &["A2", "B", "C", "D"]);
        let theirs = content("T", &[], &["A2", " B", "C3"]);
        assert_eq!(
            titles(&merge(&base, &mine, &theirs), &[]),
            ["A2", " B", "C3", "D"]
        );
    }

    #[test]
    fn same_place_insertions_conflict_unless_identical() {
        let merged = body_merge(&["A.", "Mine.", "B.", "C."], &["A.", "Theirs.", "B.", "C."]);
        assert_eq!(only_conflict(&merged), (2, "Mine.", "Theirs."));
        let both = resolved_body(&merged, Choice::Both);
        assert_eq!(both, "A.\n\nMine.\n\nTheirs.\n\nB.\n\nC.");
        let same = ["A.", "New.", "B.", "C."];
        assert_eq!(clean_body(&same, &same), same.join("\n\n"));
        let mine = ["A.", "New.", "B.", "C3."];
        assert_eq!(clean_body(&mine, &same), mine.join("\n\n"));
    }

    #[test]
    fn whitespace_only_changes_never_conflict() {
        let base = content("A  title", &["A.", "Two words.", "C."], &[]);
        let side = |title: &str, body: &[&str]| content(title, body, &[]);
        let rewrapped = ["A.", "Two\nwords.", "C."];
        let worded = ["A.", "Two new words.", "C."];
        for (mine, theirs) in [(&rewrapped, &worded), (&worded, &rewrapped)] {
            let out = merge(&base, &side("A title", mine), &side(" A title ", theirs)).content();
            assert_eq!(out.unwrap().body, worded.join("\n\n"));
        }
        let respaced = side("A title", &["A.", "Two   words.", "C."]);
        let out = merge(&base, &side("A title", &rewrapped), &respaced)
            .content()
            .unwrap();
        assert_eq!(
            (words(&out.body), split_blocks(&out.body).len()),
            ("A. Two words. C.".into(), 3)
        );
    }

    #[test]
    fn deletion_against_unchanged_and_edited() {
        assert_eq!(clean_body(&["A.", "C."], &BASE), "A.\n\nC.");
        assert_eq!(clean_body(&["A.", "C."], &["A.", "B.", "C3."]), "A.\n\nC3.");
        let merged = body_merge(&["A.", "C."], &["A.", "B2.", "C."]);
        assert_eq!(only_conflict(&merged), (2, "", "B2."));
        assert_eq!(resolved_body(&merged, Choice::Mine), "A.\n\nC.");
        assert_eq!(resolved_body(&merged, Choice::Both), "A.\n\nB2.\n\nC.");
    }

    #[test]
    fn sams_sentence_and_erins_edit_both_survive() {
        let sentence = "See a doctor if fever lasts more than 3 days.";
        let base = [
            "Fever is a rise in temperature.",
            "Most fevers pass.",
            "Give paracetamol.",
        ];
        let sam = [base[0], &format!("Most fevers pass. {sentence}"), base[2]];
        let erin = [
            base[0],
            base[1],
            "Give paracetamol; check the dose by weight.",
        ];
        let side = |body: &[&str]| content("Fever", body, &["Fever in under 5s"]);
        let body = merge(&side(&base), &side(&erin), &side(&sam))
            .content()
            .unwrap()
            .body;
        assert!(body.contains(sentence) && body.contains(erin[2]));
        assert_eq!(body, [base[0], sam[1], erin[2]].join("\n\n"));
    }

    #[test]
    fn resolve_rejects_wrong_count_and_both_for_title() {
        let mine = content("Mine", &["A1.", "B.", "C."], &[]);
        let theirs = content("Theirs", &["A2.", "B.", "C."], &[]);
        let merged = merge(&content("T", &BASE, &[]), &mine, &theirs);
        let places: Vec<_> = merged.conflicts().iter().map(|c| c.place.clone()).collect();
        assert_eq!(places, [Place::Title, Place::Body { block: 1 }]);
        let err = |choices: &[Choice]| merged.resolve(choices).err().map(|e| e.conflict);
        let (mine, both) = (Choice::Mine, Choice::Both);
        assert_eq!(
            [err(&[]), err(&[mine]), err(&[mine; 3])],
            [Some(0), Some(1), Some(2)]
        );
        assert_eq!(err(&[both, both]), Some(0));
        assert_eq!(
            Unresolved { conflict: 0 }.to_string(),
            "conflict 1 needs a choice"
        );
        let out = merged.resolve(&[Choice::Theirs, both]).unwrap();
        assert_eq!(
            (&*out.title, &*out.body),
            ("Theirs", "A1.\n\nA2.\n\nB.\n\nC.")
        );
        assert!(!Place::Title.allows_both() && !Place::Summary.allows_both());
        assert_eq!(Place::References { number: 2 }.label(), "Reference 2");
        for choice in [mine, Choice::Theirs, both] {
            assert_eq!(Choice::parse(choice.as_str()), Some(choice));
        }
        assert_eq!(Choice::parse("neither"), None);
    }

    #[test]
    fn both_notes_are_mine() {
        let note = |note: &str, public: &str, body: &[&str]| Content {
            change_note: note.into(),
            public_note: public.into(),
            ..content("T", body, &[])
        };
        let mine = note("Fixed the dose.", "Dose corrected.", &BASE);
        let theirs = note("Their note.", "Their summary.", &["B."]);
        let out = merge(&content("T", &BASE, &[]), &mine, &theirs)
            .content()
            .unwrap();
        assert_eq!(
            (&*out.change_note, &*out.public_note, &*out.body),
            ("Fixed the dose.", "Dose corrected.", "B.")
        );
    }

    /// A side's random edits: to the body, to the references, and whether it edits the title.
    /// Each edit modifies, deletes or inserts at an index (taken modulo the length).
    type Edits = (Vec<(u8, usize)>, Vec<(u8, usize)>, bool);

    fn edits() -> impl Strategy<Value = Edits> {
        let edit = || (0..3u8, 0..9usize);
        let list = |max| proptest::collection::vec(edit(), 0..max);
        (list(5), list(3), any::<bool>())
    }

    /// Applies `edits`; every new word is `{side}{n}`, unique to this side.
    fn apply(items: &[String], edits: &[(u8, usize)], side: &str, n: &mut usize) -> Vec<String> {
        let mut items = items.to_vec();
        for &(edit, i) in edits {
            *n += 1;
            match (edit, items.len()) {
                (0, len @ 1..) => items[i % len] = format!("{} {side}{n}", items[i % len]),
                (1, len @ 1..) => drop(items.remove(i % len)),
                (2, len) => items.insert(i % (len + 1), format!("{side}{n} new")),
                _ => {}
            }
        }
        items
    }

    /// A side: its content, and its paragraphs followed by its reference titles.
    fn side(
        base: &[Vec<String>; 2],
        (body, refs, title): &Edits,
        side: &str,
        n: &mut usize,
    ) -> (Content, Vec<String>) {
        let (body, refs) = (
            apply(&base[0], body, side, n),
            apply(&base[1], refs, side, n),
        );
        let title = if *title {
            format!("Title {side}")
        } else {
            "Title".into()
        };
        (content(&title, &body, &refs), [body, refs].concat())
    }

    /// The words of the body and of the reference titles.
    fn all_words(content: &Content) -> Vec<&str> {
        let titles = content
            .references
            .iter()
            .flat_map(|r| r.title.split_whitespace());
        content.body.split_whitespace().chain(titles).collect()
    }

    /// The words `side` added to `items`.
    fn added<'a>(items: &'a [String], side: &str) -> Vec<&'a str> {
        let ours = |w: &&str| {
            w.strip_prefix(side)
                .is_some_and(|n| n.parse::<usize>().is_ok())
        };
        items
            .iter()
            .flat_map(|i| i.split_whitespace())
            .filter(ours)
            .collect()
    }

    /// Tags (first words) of base items that `side` deleted and `other` did not modify.
    fn deleted<'a>(base: &'a [String], side: &[String], other: &[String]) -> Vec<&'a str> {
        fn tag(item: &str) -> &str {
            item.split_whitespace().next().unwrap_or_default()
        }
        let find = |items: &[String], t: &str| items.iter().find(|i| tag(i) == t).cloned();
        let gone = |b: &&String| {
            find(side, tag(b)).is_none() && find(other, tag(b)).is_none_or(|o| o == **b)
        };
        base.iter().filter(gone).map(|b| tag(b)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn merge_never_drops_a_change(
            (paragraphs, references) in (1..8usize, 0..4usize),
            (mine_edits, theirs_edits) in (edits(), edits()),
        ) {
            let base_body: Vec<String> = (0..paragraphs).map(|i| format!("p{i} w w")).collect();
            let base_refs: Vec<String> = (0..references).map(|i| format!("r{i} ref")).collect();
            let base = content("Title", &base_body, &base_refs);
            let base_items = [base_body, base_refs];
            let n = &mut 0;
            let (mine, mine_items) = side(&base_items, &mine_edits, "m", n);
            let (theirs, theirs_items) = side(&base_items, &theirs_edits, "t", n);
            let base_items = base_items.concat();
            let mine_added = added(&mine_items, "m");
            let mine_deleted = deleted(&base_items, &mine_items, &theirs_items);

            let merged = merge(&base, &mine, &theirs);
            prop_assert_eq!(&merged, &merge(&base, &mine, &theirs));
            if let Some(out) = merged.content() {
                let words = all_words(&out);
                for token in mine_added.iter().chain(&added(&theirs_items, "t")) {
                    prop_assert!(words.contains(token), "lost {} in {:?}", token, out);
                }
                let theirs_deleted = deleted(&base_items, &theirs_items, &mine_items);
                for tag in mine_deleted.iter().chain(&theirs_deleted) {
                    prop_assert!(!words.contains(tag), "kept deleted {} in {:?}", tag, out);
                }
                let title = if mine_edits.2 { &mine.title } else { &theirs.title };
                prop_assert_eq!(&out.title, title);
            }
            let all_mine = merged.resolve(&vec![Choice::Mine; merged.conflicts().len()]).unwrap();
            let words = all_words(&all_mine);
            for token in &mine_added {
                prop_assert!(words.contains(token), "lost mine's {} in {:?}", token, all_mine);
            }
            for tag in &mine_deleted {
                prop_assert!(!words.contains(tag), "kept mine's deleted {} in {:?}", tag, all_mine);
            }
            prop_assert!(!mine_edits.2 || all_mine.title == mine.title);
        }
    }
}
