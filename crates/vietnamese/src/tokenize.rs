//! Syllable tokenization (R13.1) with byte offsets into the source text, and syllable bigrams
//! for adjacency scoring (R13.2).
//!
//! A token is a maximal run of letters, digits and combining marks, so decomposed (NFD) text
//! stays in one piece; soft hyphens and zero-width characters *between* word characters are
//! part of the token (and vanish from its text). Everything else separates tokens, which
//! matches Tantivy's default `SimpleTokenizer` on ASCII text: `140/NQ-HĐND` gives `140`, `nq`,
//! `hđnd`. Nothing is ever dropped (R12: no stop words).

use crate::normalize::{is_invisible, is_word_char, normalize};

/// A syllable (or number, or other word) cut from source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token in its exact (normalised) form: `normalize(&source[start..end])`.
    pub text: String,
    /// Byte offset of the token's first byte in the source text.
    pub start: usize,
    /// Byte offset just past the token's last byte in the source text.
    pub end: usize,
}

/// Splits text into syllable tokens in their exact form, with byte offsets into `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    tokens.extend(token_spans(text).map(|(start, end)| make(text, start, end)));
    tokens
}

/// The byte ranges [`tokenize`] cuts `text` into, before normalising: for callers that only
/// need to look at some tokens (snippets).
pub fn token_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices();
    let mut finished = false;
    std::iter::from_fn(move || {
        if finished {
            return None;
        }
        let mut start: Option<usize> = None;
        // End of the last word character seen in the current token (joiners are not ends).
        let mut last_end = 0;
        for (i, c) in chars.by_ref() {
            if is_word_char(c) {
                if start.is_none() {
                    start = Some(i);
                }
                last_end = i + c.len_utf8();
            } else if is_invisible(c) && start.is_some() {
                // Joiner: kept only if a word character follows (checked when the token ends).
            } else if let Some(s) = start {
                return Some((s, last_end));
            }
        }
        finished = true;
        start.map(|s| (s, last_end))
    })
}

fn make(text: &str, start: usize, end: usize) -> Token {
    Token {
        text: normalize(&text[start..end]),
        start,
        end,
    }
}

/// Syllable bigrams (R13.2) of consecutive tokens, joined with `_`: `nông_thôn`, `thôn_mới`.
/// Pass exact or folded token texts to get exact or folded bigrams.
pub fn bigrams<S: AsRef<str>>(tokens: &[S]) -> Vec<String> {
    tokens
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0].as_ref(), w[1].as_ref());
            let mut s = String::with_capacity(a.len() + b.len() + 1);
            s.push_str(a);
            s.push('_');
            s.push_str(b);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn document_number_in_running_text() {
        assert_eq!(
            texts("Số: 140/NQ-HĐND ngày 25/5/2018"),
            ["số", "140", "nq", "hđnd", "ngày", "25", "5", "2018"]
        );
    }

    #[test]
    fn nfd_text_stays_whole() {
        let nfd: String = "Nghị quyết HĐND tỉnh".nfd().collect();
        assert_eq!(texts(&nfd), ["nghị", "quyết", "hđnd", "tỉnh"]);
    }

    #[test]
    fn offsets_cut_out_the_source() {
        let s = "Hòa\u{00A0}bình — Uỷ ban (thuỷ\u{200B}) x\u{00AD}ã";
        for t in tokenize(s) {
            assert_eq!(normalize(&s[t.start..t.end]), t.text);
        }
        assert_eq!(texts(s), ["hoà", "bình", "uỷ", "ban", "thuỷ", "xã"]);
    }

    #[test]
    fn r12_nothing_is_removed() {
        // Entries of the popular stop-word list that are content words here (doc §4.2).
        let s = "số nhà nước mới không năm tháng ngày và của các những là";
        assert_eq!(texts(s).len(), s.split(' ').count());
    }

    #[test]
    fn bigrams_of_tokens() {
        let t = texts("xây dựng nông thôn mới");
        assert_eq!(
            bigrams(&t),
            ["xây_dựng", "dựng_nông", "nông_thôn", "thôn_mới"]
        );
        assert!(bigrams(&["một"]).is_empty());
    }
}
