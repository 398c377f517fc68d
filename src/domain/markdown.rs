//! Markdown to safe HTML, done once when a revision is saved (never per request).
//!
//! Rendering is pulldown-cmark; the result is then sanitised by ammonia, so whatever an
//! author (or a compromised writing pipeline) puts in the markdown, the HTML carries no
//! script, style, event handler or foreign embed. Citations written `[2]`, `[2–4]` or
//! `[1, 3]` become links to those references when the revision has all of them.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::citations;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(HashSet::from(["img"]))
        .add_allowed_classes("a", ["cite"])
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Renders markdown to sanitised HTML. `references` is how many numbered references the
/// revision has: `[n]` for 1 ≤ n ≤ references becomes a link to `#ref-n`.
pub fn render(markdown: &str, references: usize) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let events = merge_text(Parser::new_ext(markdown, options));
    let mut out = Vec::with_capacity(events.len());
    let mut in_link_or_code = 0u32;
    for event in events {
        match event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_)) => {
                in_link_or_code += 1;
                out.push(event);
            }
            Event::End(TagEnd::Link | TagEnd::CodeBlock) => {
                in_link_or_code = in_link_or_code.saturating_sub(1);
                out.push(event);
            }
            // The page's title is the only h1: body headings start at h2.
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => out.push(Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                out.push(Event::End(TagEnd::Heading(HeadingLevel::H2)));
            }
            Event::Text(text) if in_link_or_code == 0 => {
                link_citations(&text, references, &mut out)
            }
            other => out.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    SANITIZER.clean(&html).to_string()
}

/// Joins adjacent text events: the parser splits text at `[` and `]`, which would hide
/// citations.
fn merge_text<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut merged: Vec<Event<'a>> = Vec::new();
    for event in events {
        match (merged.last_mut(), event) {
            (Some(Event::Text(previous)), Event::Text(next)) => {
                *previous = CowStr::from(format!("{previous}{next}"));
            }
            (_, event) => merged.push(event),
        }
    }
    merged
}

/// Splits text around citations (`[2]`, `[2–4]`, `[1, 3]`), turning each whose numbers all
/// have a reference into links; the others stay as written.
fn link_citations<'a>(text: &str, references: usize, out: &mut Vec<Event<'a>>) {
    let mut rest = text;
    let mut plain = String::new();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let group = after.find(']').and_then(|close| {
            let parts = citations::parse_group(&after[..close])?;
            let all_there = parts.iter().all(|p| p.last() as usize <= references);
            all_there.then_some((close, parts))
        });
        match group {
            Some((close, parts)) => {
                plain.push_str(&rest[..open]);
                if !plain.is_empty() {
                    out.push(Event::Text(CowStr::from(std::mem::take(&mut plain))));
                }
                out.push(Event::InlineHtml(CowStr::from(citations::linked(&parts))));
                rest = &after[close + 1..];
            }
            None => {
                plain.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Event::Text(CowStr::from(plain)));
    }
}

/// Every citation group in the markdown's text, outside code and links, in order.
pub fn citation_groups(markdown: &str) -> Vec<Vec<citations::Part>> {
    let mut groups = Vec::new();
    let mut in_link_or_code = 0u32;
    for event in merge_text(Parser::new_ext(markdown, Options::ENABLE_TABLES)) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_)) => in_link_or_code += 1,
            Event::End(TagEnd::Link | TagEnd::CodeBlock) => {
                in_link_or_code = in_link_or_code.saturating_sub(1);
            }
            Event::Text(text) if in_link_or_code == 0 => {
                let mut rest: &str = &text;
                while let Some(open) = rest.find('[') {
                    let after = &rest[open + 1..];
                    match after
                        .find(']')
                        .and_then(|close| Some((close, citations::parse_group(&after[..close])?)))
                    {
                        Some((close, parts)) => {
                            groups.push(parts);
                            rest = &after[close + 1..];
                        }
                        None => rest = after,
                    }
                }
            }
            _ => {}
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_common_markdown() {
        let html = render(
            "## From the guidelines\n\nUse **care** with *NSAIDs*.\n\n- one\n- two\n",
            0,
        );
        assert!(html.contains("<h2>From the guidelines</h2>"), "{html}");
        assert!(html.contains("<strong>care</strong>"));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn scripts_styles_and_handlers_never_survive() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">link</a>\n\n<p style=\"color:red\">red</p>\n\n[click](javascript:alert(2))",
            0,
        );
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "style=",
            "<img",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }

    #[test]
    fn citations_link_to_existing_references_only() {
        let html = render("Ibuprofen raises blood pressure [1], [2] and [7].", 2);
        for n in [1, 2] {
            let link = format!(
                "<a class=\"cite\" href=\"#ref-{n}\" rel=\"noopener noreferrer nofollow\">[{n}]</a>"
            );
            assert!(html.contains(&link), "{html}");
        }
        assert!(html.contains("and [7]."), "no reference 7: {html}");
    }

    #[test]
    fn citations_inside_code_and_links_stay_as_written() {
        let html = render("`arr[1]` and [see [1]](https://example.org)", 1);
        assert!(html.contains("<code>arr[1]</code>"), "{html}");
        assert!(!html.contains("#ref-1"), "{html}");
    }

    #[test]
    fn body_headings_start_below_the_title() {
        let html = render("# Heading", 0);
        assert_eq!(html.trim(), "<h2>Heading</h2>");
    }

    #[test]
    fn external_links_get_a_safe_rel() {
        let html = render("[NICE](https://www.nice.org.uk/)", 0);
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }
}
