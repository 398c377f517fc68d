//! Numbered references: which were added, removed, changed (which fields) or moved.

use super::RefChange;
use crate::domain::content::Reference;

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
    if old.authors != new.authors {
        fields.push("authors");
    }
    if old.volume_pages != new.volume_pages {
        fields.push("volume and pages");
    }
    if old.doi != new.doi {
        fields.push("DOI");
    }
    if old.pmid != new.pmid {
        fields.push("PMID");
    }
    if old.accessed != new.accessed {
        fields.push("date read");
    }
    fields
}

/// A way of deciding that an old and a new reference are the same one.
type Same = dyn Fn(&Reference, &Reference) -> bool;

/// Matches references: identical ones first, then by title, then by identifier (DOI, PMID),
/// then by link, then by position;
/// whatever is left was removed or added. Listed in new order, removed ones at their old place.
pub(super) fn references(old: &[Reference], new: &[Reference]) -> Vec<RefChange> {
    let mut match_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let passes: [&Same; 5] = [
        &|o, n| o == n,
        &|o, n| norm(&o.title) == norm(&n.title),
        &|o, n| o.doi.is_some() && o.doi == n.doi,
        &|o, n| o.pmid.is_some() && o.pmid == n.pmid,
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
                        old: Box::new(old[i].clone()),
                        new: Box::new(n.clone()),
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
