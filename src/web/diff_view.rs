//! Helpers shared by the diff pages' templates (`_diff_*.html`): the workspace's revision
//! diff and the public diff between two published versions.

use crate::domain::diff::RefChange;

/// The label of a run of unchanged paragraphs folded away.
pub fn folded_label(blocks: &[String]) -> String {
    match blocks.len() {
        1 => "Show 1 unchanged paragraph".into(),
        n => format!("Show {n} unchanged paragraphs"),
    }
}

/// A reference as one line of a diff's reference table (its new side when it changed).
pub fn ref_text(change: &RefChange) -> String {
    let reference = match change {
        RefChange::Unchanged { reference, .. }
        | RefChange::Added { reference, .. }
        | RefChange::Removed { reference, .. }
        | RefChange::Moved { reference, .. } => reference,
        RefChange::Changed { new, .. } => new,
    };
    format!("{}: {}", reference.kind.label(), reference.citation())
}
