//! Words inside a piece of text, and paragraph-aligned blocks of a markdown body.

use std::time::Instant;

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::{Block, FOLD_AFTER, Span, WORD_PAIRS_MAX, WordDiff};

pub(super) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Word-level diff. Whitespace is not significant (markdown ignores it inside a paragraph).
pub(super) fn words(old: &str, new: &str, deadline: Instant, coarse: &mut bool) -> WordDiff {
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
pub fn split_blocks(source: &str) -> Vec<String> {
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
pub(super) fn blocks(old: &str, new: &str, deadline: Instant, coarse: &mut bool) -> Vec<Block> {
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
pub(super) fn fold(blocks: Vec<Block>) -> Vec<Block> {
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
