//! The review conversation of an article across rounds: what a comment may be anchored to,
//! how an anchor finds its place in a later revision, and who may resolve a thread.
//!
//! An anchor names a paragraph block of the body or a reference by a digest of its words,
//! not by position: the anchor follows the block into later revisions wherever it moved,
//! and is "outdated" once no block with those words is left.

use sha2::{Digest, Sha256};

use super::content::Reference;
use super::diff::split_blocks;

/// Characters of the anchored text kept with a comment, to show where it was.
pub const EXCERPT_MAX: usize = 160;

/// What a comment is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// A paragraph block of the body, by the digest of its words.
    Block(String),
    /// A reference, by the digest of its fields.
    Reference(String),
}

fn digest(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// Whitespace does not make a block different (re-wrapping is not a change).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn reference_words(reference: &Reference) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        reference.kind,
        words(&reference.title),
        words(&reference.source),
        reference.year.map(|y| y.to_string()).unwrap_or_default(),
        reference.url.as_deref().unwrap_or_default()
    )
}

impl Anchor {
    pub fn of_block(block: &str) -> Anchor {
        Anchor::Block(digest(&words(block)))
    }

    pub fn of_reference(reference: &Reference) -> Anchor {
        Anchor::Reference(digest(&reference_words(reference)))
    }

    /// As stored and as sent by forms: `block:<16 hex>` or `reference:<16 hex>`.
    pub fn as_string(&self) -> String {
        match self {
            Anchor::Block(key) => format!("block:{key}"),
            Anchor::Reference(key) => format!("reference:{key}"),
        }
    }

    pub fn parse(value: &str) -> Option<Anchor> {
        let (kind, key) = value.split_once(':')?;
        let valid = key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
        match kind {
            "block" if valid => Some(Anchor::Block(key.to_ascii_lowercase())),
            "reference" if valid => Some(Anchor::Reference(key.to_ascii_lowercase())),
            _ => None,
        }
    }

    /// Where the anchored part is in a revision: its 1-based paragraph or reference number,
    /// or `None` when it changed (the anchor is outdated there).
    pub fn locate(&self, body: &str, references: &[Reference]) -> Option<usize> {
        match self {
            Anchor::Block(_) => split_blocks(body)
                .iter()
                .position(|block| Anchor::of_block(block) == *self)
                .map(|i| i + 1),
            Anchor::Reference(_) => references
                .iter()
                .position(|r| Anchor::of_reference(r) == *self)
                .map(|i| i + 1),
        }
    }

    /// The anchored part's text in a revision, shortened: what the comment keeps to show
    /// where it was once the part changed.
    pub fn excerpt(&self, body: &str, references: &[Reference]) -> Option<String> {
        let n = self.locate(body, references)?;
        let text = match self {
            Anchor::Block(_) => words(split_blocks(body).get(n - 1)?),
            Anchor::Reference(_) => words(&references.get(n - 1)?.title),
        };
        Some(shorten(&text, EXCERPT_MAX))
    }

    /// "paragraph" or "reference", for sentences.
    pub fn noun(&self) -> &'static str {
        match self {
            Anchor::Block(_) => "paragraph",
            Anchor::Reference(_) => "reference",
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Who acts on a thread, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadActor {
    /// Started the thread.
    pub opened_it: bool,
    /// Wrote the revision the thread was started on, or the article's revision now in
    /// review: the author who answers it.
    pub is_author: bool,
}

/// A thread is resolved (or reopened) by the person who opened it or by the author who
/// answers it; nobody else, whatever their roles.
pub fn may_resolve(actor: ThreadActor) -> bool {
    actor.opened_it || actor.is_author
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::ReferenceKind;

    fn reference(title: &str) -> Reference {
        Reference {
            kind: ReferenceKind::Guideline,
            title: title.into(),
            source: "NICE".into(),
            year: Some(2024),
            url: None,
            ..Reference::default()
        }
    }

    #[test]
    fn an_anchor_follows_its_block_and_is_outdated_when_it_changes() {
        let v1 = "# Fever\n\nRest and drink fluids.\n\nSee a doctor if it lasts.";
        let anchor = Anchor::of_block("See a doctor if it lasts.");
        assert_eq!(anchor.locate(v1, &[]), Some(3));
        let moved = "# Fever\n\nA new first paragraph.\n\nRest and drink fluids.\n\nSee a doctor\nif it lasts.";
        assert_eq!(anchor.locate(moved, &[]), Some(4), "re-wrapped and moved");
        let changed = "# Fever\n\nRest and drink fluids.\n\nSee a doctor if it lasts three days.";
        assert_eq!(anchor.locate(changed, &[]), None, "outdated");
        assert_eq!(
            anchor.excerpt(v1, &[]).as_deref(),
            Some("See a doctor if it lasts.")
        );
    }

    #[test]
    fn reference_anchors_follow_the_reference() {
        let refs = vec![reference("Fever in under 5s"), reference("Antipyretics")];
        let anchor = Anchor::of_reference(&refs[1]);
        assert_eq!(anchor.locate("", &refs), Some(2));
        let reordered = vec![refs[1].clone(), refs[0].clone()];
        assert_eq!(anchor.locate("", &reordered), Some(1));
        let mut edited = refs.clone();
        edited[1].year = Some(2025);
        assert_eq!(anchor.locate("", &edited), None);
    }

    #[test]
    fn anchors_round_trip_and_reject_anything_else() {
        let anchor = Anchor::of_block("Some text");
        assert_eq!(Anchor::parse(&anchor.as_string()), Some(anchor.clone()));
        for bad in [
            "",
            "block:",
            "block:xyz",
            "para:0123456789abcdef",
            "block:0123456789abcdef0",
            "reference:<script>",
        ] {
            assert_eq!(Anchor::parse(bad), None, "{bad}");
        }
        assert!(Anchor::parse("reference:0123456789ABCDEF").is_some());
    }

    #[test]
    fn long_excerpts_are_shortened() {
        let long = "word ".repeat(100);
        let anchor = Anchor::of_block(&long);
        let excerpt = anchor.excerpt(&long, &[]).unwrap();
        assert!(excerpt.chars().count() <= EXCERPT_MAX && excerpt.ends_with('…'));
    }

    #[test]
    fn only_the_opener_or_the_author_resolves() {
        assert!(may_resolve(ThreadActor {
            opened_it: true,
            is_author: false
        }));
        assert!(may_resolve(ThreadActor {
            opened_it: false,
            is_author: true
        }));
        assert!(!may_resolve(ThreadActor::default()));
    }
}
