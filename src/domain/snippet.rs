//! Search result snippets: a few words of an article around the first word that matches the
//! search, as runs of plain and matched text. The page escapes every run and wraps the
//! matched ones in `<mark>`, so a snippet can never carry markup of its own.

/// A run of text, and whether it matched the search.
pub type Run = (String, bool);

/// Whether a word of the text matches one of the search's lower-cased words: the word
/// starts with it (search words match as prefixes, "pressure" finds "pressures").
fn matches(word: &str, terms: &[String]) -> bool {
    let plain: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    !plain.is_empty()
        && terms
            .iter()
            .any(|t| !t.is_empty() && plain.starts_with(t.as_str()))
}

/// Joins words into runs: neighbouring unmatched words share one run, and the space
/// between two words belongs to the plain run before the second.
fn runs<'a>(words: impl Iterator<Item = &'a str>, terms: &[String]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for word in words {
        let marked = matches(word, terms);
        match out.last_mut() {
            None => out.push((word.to_owned(), marked)),
            Some((text, false)) if !marked => {
                text.push(' ');
                text.push_str(word);
            }
            Some((text, false)) => {
                text.push(' ');
                out.push((word.to_owned(), true));
            }
            Some((_, true)) if marked => {
                out.push((" ".to_owned(), false));
                out.push((word.to_owned(), true));
            }
            Some((_, true)) => out.push((format!(" {word}"), false)),
        }
    }
    out
}

/// The whole of `text` (a title, a summary) with its matching words marked.
pub fn mark(text: &str, terms: &[String]) -> Vec<Run> {
    runs(text.split_whitespace(), terms)
}

/// About `length` words of a Markdown `body` around its first matching word, with the
/// matching words marked and "…" where text was cut; Markdown punctuation is left out.
pub fn snippet(body: &str, terms: &[String], length: usize) -> Vec<Run> {
    let words: Vec<&str> = body
        .split_whitespace()
        .map(|w| w.trim_matches(|c| matches!(c, '#' | '*' | '_' | '`' | '>' | '|')))
        .filter(|w| !w.is_empty() && *w != "-")
        .collect();
    let first = words.iter().position(|w| matches(w, terms)).unwrap_or(0);
    let start = first.saturating_sub(length / 3);
    let end = (start + length).min(words.len());
    let mut out = runs(words[start..end].iter().copied(), terms);
    if start > 0 {
        out.insert(0, ("… ".to_owned(), false));
    }
    if end < words.len() {
        out.push((" …".to_owned(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn render(runs: &[Run]) -> String {
        runs.iter()
            .map(|(t, m)| if *m { format!("[{t}]") } else { t.clone() })
            .collect()
    }

    #[test]
    fn matching_words_are_marked_as_prefixes_and_case_blind() {
        let marked = mark(
            "High Blood pressures and blood tests",
            &terms(&["blood", "pressure"]),
        );
        assert_eq!(
            render(&marked),
            "High [Blood] [pressures] and [blood] tests"
        );
    }

    #[test]
    fn a_snippet_is_cut_around_the_first_match_without_markdown() {
        let body = "## Heading\n\none two three four five six seven eight nine **warfarin** ten eleven twelve thirteen fourteen";
        let runs = snippet(body, &terms(&["warfarin"]), 6);
        assert_eq!(render(&runs), "… eight nine [warfarin] ten eleven twelve …");
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start() {
        let runs = snippet("a b c d e", &terms(&["zzz"]), 3);
        assert_eq!(render(&runs), "a b c …");
    }

    #[test]
    fn markup_in_the_text_stays_text() {
        let runs = mark("<script>alert(1)</script> blood", &terms(&["blood"]));
        assert_eq!(runs[0], ("<script>alert(1)</script> ".to_owned(), false));
        assert_eq!(runs.last(), Some(&("blood".to_owned(), true)));
    }
}
