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
///
/// Reads bytes: an ASCII byte is answered from a table, and only the bytes of other
/// characters are decoded (Vietnamese text is mostly ASCII letters and spaces), with the same
/// spans as [`token_spans_by_char`], the character-by-character definition.
pub fn token_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    TokenSpans { text, at: 0 }
}

/// The iterator of [`token_spans`]: `at` is where the next token is looked for.
struct TokenSpans<'a> {
    text: &'a str,
    at: usize,
}

/// What an ASCII byte is to a token: letters and digits belong to it, the rest separate.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// What a character is to a token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    /// A joiner: inside a token only when a word character follows.
    Invisible,
    Separator,
}

impl TokenSpans<'_> {
    /// The class and byte length of the (non-ASCII) character starting at byte `at`.
    #[inline]
    fn class_at(&self, at: usize) -> (Class, usize) {
        let bytes = self.text.as_bytes();
        let lead = bytes[at];
        // Vietnamese letters without decoding: U+00C0..U+024F (two bytes, lead 0xC3..0xC9) but
        // for × (C3 97) and ÷ (C3 B7), and U+1E00..U+1EFF (E1 B8..BB xx).
        match lead {
            0xC3 => {
                let second = bytes.get(at + 1).copied();
                if second != Some(0x97) && second != Some(0xB7) {
                    return (Class::Word, 2);
                }
                return (Class::Separator, 2);
            }
            0xC4..=0xC9 => return (Class::Word, 2),
            0xE1 if matches!(bytes.get(at + 1), Some(0xB8..=0xBB)) => return (Class::Word, 3),
            _ => {}
        }
        // `at` is a character boundary of a `str`, so a character starts there.
        let c = self.text[at..]
            .chars()
            .next()
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        let class = if is_word_char(c) {
            Class::Word
        } else if is_invisible(c) {
            Class::Invisible
        } else {
            Class::Separator
        };
        (class, c.len_utf8())
    }
}

impl Iterator for TokenSpans<'_> {
    type Item = (usize, usize);

    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        // A local cursor (kept in a register), stored back when a token is returned.
        let mut at = self.at;
        // Up to the first word character (joiners before a token separate too).
        let start = loop {
            if at >= len {
                self.at = at;
                return None;
            }
            let b = bytes[at];
            if b < 0x80 {
                if ASCII_WORD[usize::from(b)] {
                    break at;
                }
                at += 1;
                continue;
            }
            let (class, width) = self.class_at(at);
            if class == Class::Word {
                break at;
            }
            at += width;
        };
        // End of the last word character seen (joiners are not ends).
        let mut last_end = start;
        while at < len {
            let b = bytes[at];
            if b < 0x80 {
                // The separator is consumed with the token, as the character scan did.
                at += 1;
                if !ASCII_WORD[usize::from(b)] {
                    self.at = at;
                    return Some((start, last_end));
                }
                last_end = at;
                continue;
            }
            let (class, width) = self.class_at(at);
            at += width;
            match class {
                Class::Word => last_end = at,
                Class::Invisible => {}
                Class::Separator => {
                    self.at = at;
                    return Some((start, last_end));
                }
            }
        }
        self.at = at;
        Some((start, last_end))
    }
}

/// [`token_spans`] character by character: the definition the byte-level scan must agree with
/// (for tests and the throughput bench, which measures both; not for use).
#[doc(hidden)]
pub fn token_spans_by_char(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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

    /// Mixed text the byte-level scan must cut as the character scan does: ASCII and
    /// accented syllables, NFD marks, legacy (TCVN3/VNI) bytes read as Latin-1, joiners at
    /// every place, no-break and full-width characters, symbols, other scripts.
    const MIXED: &[&str] = &[
        "",
        "   ",
        "Số: 140/NQ-HĐND ngày 25/5/2018 của Hội đồng nhân dân tỉnh Lai Châu",
        "Ủy ban nhân dân huyện Than Uyên chỉ đạo xây dựng nông thôn mới",
        "Nghi\u{0323} quye\u{0302}\u{0301}t HÐND ti\u{0309}nh",
        "\u{00AD}Hòa\u{00A0}bình — Uỷ ban (thuỷ\u{200B}) x\u{00AD}ã\u{200D}\u{200C}",
        "a\u{200B}\u{200B}b \u{FEFF}c\u{2060} d\u{00AD}",
        "Quy\u{00AA}t \u{00A7}Þnh sè 12/Q§-UBND",
        "Nghò quyÕt vÒ viÖc thµnh lËp",
        "ＮＱ－１４０ × 3 ÷ 4 № ½ ² ℃ 日本語 Ελληνικά москва",
        "e\u{0301}\u{0301} \u{0301}x 1\u{0323}2 \u{1DC4}\u{20D0}",
        "tab\tnew\nline\r\n—–…“quoted” ‘single’ «guillemets»",
        "kết thúc",
        "kết thúc.",
        "x",
        "\u{200B}",
    ];

    #[test]
    fn byte_scan_cuts_as_the_character_scan() {
        for text in MIXED {
            let fast: Vec<_> = token_spans(text).collect();
            let slow: Vec<_> = token_spans_by_char(text).collect();
            assert_eq!(fast, slow, "{text:?}");
            // Cut from every character boundary too (snippets start mid-text).
            for (at, _) in text.char_indices() {
                let part = &text[at..];
                let fast: Vec<_> = token_spans(part).collect();
                let slow: Vec<_> = token_spans_by_char(part).collect();
                assert_eq!(fast, slow, "{part:?}");
            }
        }
    }

    #[test]
    fn byte_scan_classes_every_character_as_the_character_scan() {
        // Each character alone, inside a word, before and after one, and next to a joiner.
        for c in ('\0'..='\u{2FFF}').chain('\u{FE00}'..='\u{FFFF}') {
            for text in [
                format!("{c}"),
                format!("a{c}b"),
                format!("{c}ă"),
                format!("ệ{c}"),
                format!("x\u{200B}{c}"),
            ] {
                let fast: Vec<_> = token_spans(&text).collect();
                let slow: Vec<_> = token_spans_by_char(&text).collect();
                assert_eq!(fast, slow, "{c:?} (U+{:04X}) in {text:?}", c as u32);
            }
        }
    }

    #[test]
    fn byte_scan_on_real_vietnamese() {
        let spans: Vec<&str> = {
            let s = "Quyết định số 1285/QĐ-UBND, về việc\u{00A0}phê duyệt (đợt 2)";
            token_spans(s).map(|(a, b)| &s[a..b]).collect()
        };
        assert_eq!(
            spans,
            [
                "Quyết", "định", "số", "1285", "QĐ", "UBND", "về", "việc", "phê", "duyệt", "đợt",
                "2"
            ]
        );
        // A joiner inside a word stays in its span; one at its end does not.
        let s = "x\u{00AD}ã\u{200B} thuỷ";
        let spans: Vec<&str> = token_spans(s).map(|(a, b)| &s[a..b]).collect();
        assert_eq!(spans, ["x\u{00AD}ã", "thuỷ"]);
    }

    proptest::proptest! {
        #[test]
        fn byte_scan_agrees_on_any_text(
            text in "[a-zA-Z0-9 ,./\\-àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÀÁỦÝ\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}\u{00AD}\u{200B}\u{2060}\u{FEFF}\u{00A0}\u{00D0}\u{00D7}ＱＮ１§µ—日]{0,60}"
        ) {
            let fast: Vec<_> = token_spans(&text).collect();
            let slow: Vec<_> = token_spans_by_char(&text).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
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
