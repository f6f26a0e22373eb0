//! Snippets: a short window of the record's text around the best-matching words, HTML-escaped,
//! with matches wrapped in `<mark>`.
//!
//! Matching is done on folded forms (so `nghi quyet` highlights `Nghị quyết`); all text that
//! came from the crawl is escaped, so a crawled `<script>` stays visible text.

use std::collections::HashSet;

use crate::analyzer::{Form, analyze};

/// How many syllables a snippet shows.
const WINDOW: usize = 30;
/// Only this many leading bytes of a text are searched for the best window (keeps snippets
/// cheap on very long bodies).
const SCAN_BYTES: usize = 6_000;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Builds a snippet of `text` highlighting syllables whose folded form is in `terms`.
///
/// Whitespace runs (line breaks included) are collapsed to single spaces.
pub(crate) fn snippet(text: &str, terms: &HashSet<String>) -> String {
    let text = if text.len() > SCAN_BYTES {
        let mut end = SCAN_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    let syllables = analyze(text, Form::Folded);
    if syllables.is_empty() {
        return String::new();
    }
    let matched: Vec<bool> = syllables.iter().map(|s| terms.contains(&s.text)).collect();
    // Best window: most distinct matched terms, then most matches, earliest first. Each
    // window starts a little before a match, so the reader sees some context.
    let last_start = syllables.len().saturating_sub(WINDOW);
    let mut best = (0usize, 0usize, 0usize);
    for (at, _) in matched.iter().enumerate().filter(|(_, m)| **m) {
        let start = at.saturating_sub(3).min(last_start);
        let end = (start + WINDOW).min(syllables.len());
        let mut distinct = HashSet::new();
        let mut count = 0;
        for i in start..end {
            if matched[i] {
                distinct.insert(syllables[i].text.as_str());
                count += 1;
            }
        }
        if (distinct.len(), count) > (best.1, best.2) {
            best = (start, distinct.len(), count);
        }
    }
    let start = best.0;
    let end = (start + WINDOW).min(syllables.len());
    let mut out = String::new();
    if start > 0 {
        out.push_str("… ");
    }
    let mut cursor = syllables[start].start;
    for i in start..end {
        let s = &syllables[i];
        push_collapsed(&mut out, &text[cursor..s.start]);
        let word = escape_html(&text[s.start..s.end]);
        if matched[i] {
            out.push_str("<mark>");
            out.push_str(&word);
            out.push_str("</mark>");
        } else {
            out.push_str(&word);
        }
        cursor = s.end;
    }
    // Keep closing punctuation attached to the last word.
    let tail: String = text[cursor..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !c.is_alphanumeric())
        .take(2)
        .collect();
    out.push_str(&escape_html(&tail));
    if end < syllables.len() {
        out.push_str(" …");
    }
    out
}

fn push_collapsed(out: &mut String, between: &str) {
    let mut space = false;
    for c in between.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(&escape_html(c.encode_utf8(&mut [0; 4])));
        }
    }
    if space {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn marks_folded_matches() {
        let s = snippet("Nghị quyết của HĐND huyện", &terms(&["nghi", "quyet"]));
        assert_eq!(s, "<mark>Nghị</mark> <mark>quyết</mark> của HĐND huyện");
    }

    #[test]
    fn escapes_markup_from_the_crawl() {
        let s = snippet(
            "Tin <script>alert('x')</script> nông thôn",
            &terms(&["nong"]),
        );
        assert!(!s.contains("<script>"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(s.contains("<mark>nông</mark>"), "{s}");
    }

    #[test]
    fn windows_around_the_match_in_long_text() {
        let mut text = "mở đầu ".repeat(60);
        text.push_str("đích đến cuối");
        let s = snippet(&text, &terms(&["dich"]));
        assert!(s.starts_with("… "), "{s}");
        assert!(s.contains("<mark>đích</mark>"), "{s}");
    }

    #[test]
    fn no_match_gives_the_beginning() {
        let s = snippet("một hai ba", &terms(&["xyz"]));
        assert_eq!(s, "một hai ba");
        assert_eq!(snippet("", &terms(&["a"])), "");
    }
}
