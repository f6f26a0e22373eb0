//! The three search forms of text: *exact* ([`normalize`]: R2 NFC and invisible-character
//! cleanup, R3 Eth fix, R4 lowercase, R5 canonical tone placement), *variant* ([`variant`]: R6
//! i/y unification) and *folded* ([`fold`]: R7 diacritics removed, `đ`→`d`).
//!
//! Canonical tone placement is the Ministry of Education's main-vowel ("new") style of
//! Quyết định 1989/QĐ-BGDĐT: `hòa`→`hoà`, `thủy`→`thuỷ`, `Ủy`→`uỷ`, `khỏe`→`khoẻ`. Any fixed
//! choice would do for matching; this one is official and fully determined by the syllable's
//! structure. Display text is never rewritten: these forms are for index and query terms.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::letters::ascii_base;
use crate::syllable::{canonical_tone, iy_variant};

/// The forms of one token that the index stores and ranks in tiers (R14):
/// `exact` > `variant` > `folded`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Forms {
    /// R2-R5: NFC, lowercase, canonical tone placement (`hoà`, `thuỷ`, `kỹ`).
    pub exact: String,
    /// R6 on top of `exact`: i/y unified (`kĩ`, `quý`).
    pub variant: String,
    /// R7 on top of `variant`: no diacritics, `đ`→`d` (`ki`, `quy`, `hoa`).
    pub folded: String,
}

/// Characters removed by R2.3: soft hyphen, zero-width space/joiners, word joiner, BOM.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// True for combining marks that can sit inside a word (the Unicode combining ranges).
#[inline]
pub(crate) fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Characters that belong to a word: letters, digits and combining marks.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Latin letters with marks (all of Vietnamese): letters but for × and ÷. Answered here
    // because `char::is_alphanumeric` takes a slow table lookup outside ASCII.
    if matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') {
        return c != '\u{00D7}' && c != '\u{00F7}';
    }
    c.is_alphanumeric() || is_combining(c)
}

/// `char::is_alphabetic`, answered without the slow table lookup for Vietnamese letters.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    if matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') {
        return c != '\u{00D7}' && c != '\u{00F7}';
    }
    c.is_alphabetic()
}

/// R2.3 + R3 + R4 for one character: pushes its replacement (possibly nothing) to `out`.
#[inline]
fn push_clean_lower(c: char, out: &mut String) {
    match c {
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c if is_invisible(c) => {}
        // R2.3: no-break spaces become plain spaces.
        '\u{00A0}' | '\u{202F}' | '\u{2007}' => out.push(' '),
        // R3: Eth and African D look like Đ but lowercase to other letters.
        '\u{00D0}' | '\u{00F0}' | '\u{0189}' | '\u{0256}' => out.push('đ'),
        // R2.2: full-width ASCII (typed on some phone keyboards) is its ASCII letter.
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            out.push(ascii.to_ascii_lowercase());
        }
        c => out.extend(c.to_lowercase()),
    }
}

/// Applies `f` to every word of `text` (maximal run of word characters) that contains a
/// non-ASCII letter; `f` returns the replacement or `None` to keep the word.
fn map_words(text: &str, f: impl Fn(&str) -> Option<String>) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut start: Option<usize> = None;
    let mut non_ascii = false;
    let flush = |s: usize, e: usize, out: &mut Option<String>, copied: &mut usize| {
        if let Some(new) = f(&text[s..e]) {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
            buf.push_str(&text[*copied..s]);
            buf.push_str(&new);
            *copied = e;
        }
    };
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
                non_ascii = false;
            }
            non_ascii |= !c.is_ascii();
        } else if let Some(s) = start.take()
            && non_ascii
        {
            flush(s, i, &mut out, &mut copied);
        }
    }
    if let Some(s) = start
        && non_ascii
    {
        flush(s, text.len(), &mut out, &mut copied);
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}

/// R2-R4 without R5: cleaned, lowercase NFC text.
fn clean_lower_nfc(text: &str) -> String {
    let mut pre = String::with_capacity(text.len());
    for c in text.chars() {
        push_clean_lower(c, &mut pre);
    }
    if is_nfc_quick(pre.chars()) == IsNormalized::Yes {
        pre
    } else {
        pre.nfc().collect()
    }
}

/// The *exact* form of text (R2-R5): NFC; soft hyphens and zero-width characters removed,
/// no-break spaces made plain spaces, full-width ASCII made ASCII (R2); `Ð`/`ð` made `đ`
/// (R3); lowercase (R4); the tone mark of every syllable moved to its canonical vowel (R5).
///
/// Idempotent. Non-Vietnamese words are only cleaned and lowercased.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let pre = clean_lower_nfc(text);
    match map_words(&pre, canonical_tone) {
        Cow::Borrowed(_) => pre,
        Cow::Owned(s) => s,
    }
}

/// R6 on text that is already in the exact form.
pub(crate) fn variant_of_exact(exact: &str) -> Cow<'_, str> {
    // Only words ending in `i` or `y` (with any tone) change; a cheap scan skips the rest.
    let iy = |c: char| {
        matches!(
            c,
            'i' | 'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' | 'y' | 'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ'
        )
    };
    if !exact.chars().any(iy) {
        return Cow::Borrowed(exact);
    }
    map_words_all(exact, iy_variant)
}

/// Like [`map_words`] but also visits ASCII-only words (R6 changes `ky`, `qui`).
fn map_words_all(text: &str, f: impl Fn(&str) -> Option<String>) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut start: Option<usize> = None;
    let visit = |s: usize, e: usize, out: &mut Option<String>, copied: &mut usize| {
        if let Some(new) = f(&text[s..e]) {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
            buf.push_str(&text[*copied..s]);
            buf.push_str(&new);
            *copied = e;
        }
    };
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            visit(s, i, &mut out, &mut copied);
        }
    }
    if let Some(s) = start {
        visit(s, text.len(), &mut out, &mut copied);
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}

/// The *variant* form (R6) of text: [`normalize`], then i/y unified in the syllables where
/// both spellings are in use: `kỹ`→`kĩ`, `lý`→`lí`, `Mỹ`→`mĩ` (initial `b h k l m n s t th
/// v x` + lone `i`/`y` → `i`), `quí`→`quý`, `qui`→`quy` (`qu` + lone `i`/`y` → `y`). `tay`,
/// `tuy`, `yêu`, `quỳnh` are untouched. Idempotent.
pub fn variant(text: &str) -> String {
    let exact = normalize(text);
    match variant_of_exact(&exact) {
        Cow::Borrowed(_) => exact,
        Cow::Owned(s) => s,
    }
}

/// Removes every diacritic from lowercase NFC text and maps `đ`→`d`.
pub(crate) fn strip_marks(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(b) = ascii_base(c) {
            out.push(b);
        } else if c.is_ascii() {
            out.push(c);
        } else if !is_combining(c) {
            // Other scripts and symbols: drop their marks too (é→e, ñ→n).
            let mut decomposed = String::new();
            decomposed.extend(std::iter::once(c).nfd().filter(|m| !is_combining(*m)));
            out.push_str(&decomposed);
        }
    }
    Cow::Owned(out)
}

/// The *folded* form (R7): [`variant`], then all diacritics removed and `đ`→`d`.
/// `Đà Nẵng`→`da nang`, `Nghị quyết`→`nghi quyet`, `Ủy ban nhân dân`→`uy ban nhan dan`.
/// Folding the i/y variant (R7.3) makes `quý`/`quí` and `kỹ`/`kĩ` meet (`quy`, `ki`).
///
/// `fold(&normalize(x)) == fold(x)` for every `x`.
pub fn fold(text: &str) -> String {
    let v = variant(text);
    match strip_marks(&v) {
        Cow::Borrowed(_) => v,
        Cow::Owned(s) => s,
    }
}

/// [`variant`] of text already in the exact form (the output of [`normalize`] or of
/// [`crate::tokenize`]): the same result without normalising again.
pub fn variant_exact(exact: &str) -> String {
    variant_of_exact(exact).into_owned()
}

/// [`fold`] of text already in the exact form (the output of [`normalize`] or of
/// [`crate::tokenize`]): the same result without normalising again (`normalize` is
/// idempotent, so `fold_exact(&normalize(x)) == fold(x)`).
pub fn fold_exact(exact: &str) -> String {
    match variant_of_exact(exact) {
        Cow::Borrowed(v) => strip_marks(v).into_owned(),
        Cow::Owned(v) => match strip_marks(&v) {
            Cow::Borrowed(_) => v,
            Cow::Owned(s) => s,
        },
    }
}

/// The exact, variant and folded forms of one token (or any text), computed in one go.
pub fn forms(token: &str) -> Forms {
    let exact = normalize(token);
    let variant = variant_of_exact(&exact).into_owned();
    let folded = strip_marks(&variant).into_owned();
    Forms {
        exact,
        variant,
        folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_word_chars_agree_with_unicode() {
        let slow = |c: char| {
            c.is_alphanumeric()
                || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
        };
        for c in ('\0'..='\u{2FFF}').chain('\u{FE00}'..='\u{FFFF}') {
            assert_eq!(is_word_char(c), slow(c), "{c:?} (U+{:04X})", c as u32);
        }
    }

    #[test]
    fn fast_letters_agree_with_unicode() {
        for c in ('\0'..='\u{2FFF}').chain('\u{FE00}'..='\u{FFFF}') {
            assert_eq!(
                is_letter(c),
                c.is_alphabetic(),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
    }

    #[test]
    fn r2_nfd_input_is_composed() {
        let nfd: String = "Nghị quyết HĐND tỉnh".nfd().collect();
        assert_ne!(nfd, "Nghị quyết HĐND tỉnh");
        assert_eq!(normalize(&nfd), "nghị quyết hđnd tỉnh");
        // Deprecated tone combiners become the ordinary ones.
        assert_eq!(normalize("a\u{0340}"), "à");
    }

    #[test]
    fn r2_invisible_characters() {
        assert_eq!(normalize("Nghị\u{00A0}quy\u{00AD}ết\u{200B}"), "nghị quyết");
        assert_eq!(normalize("\u{FEFF}Số"), "số");
        assert_eq!(normalize("ＮＱ－１４０"), "nq-140");
    }

    #[test]
    fn r3_eth_is_d_with_stroke() {
        assert_eq!(normalize("ÐẠI HỘI"), "đại hội");
        assert_eq!(normalize("HÐND"), normalize("HĐND"));
        assert_eq!(normalize("ðại"), "đại");
    }

    #[test]
    fn r4_lowercase() {
        assert_eq!(normalize("HĐND"), "hđnd");
        assert_eq!(normalize("ỦY BAN NHÂN DÂN"), "uỷ ban nhân dân");
    }

    #[test]
    fn r5_in_running_text() {
        assert_eq!(
            normalize("Hòa bình, thủy lợi và sức khỏe; Ủy ban"),
            "hoà bình, thuỷ lợi và sức khoẻ; uỷ ban"
        );
        assert_eq!(normalize("hòa"), normalize("hoà"));
        assert_eq!(normalize("thủy"), normalize("thuỷ"));
        assert_eq!(normalize("Ủy"), normalize("Uỷ"));
        assert_eq!(normalize("khỏe"), normalize("khoẻ"));
    }

    #[test]
    fn r6_variants() {
        assert_eq!(variant("kỹ thuật"), variant("kĩ thuật"));
        assert_eq!(variant("Lý do"), "lí do");
        assert_eq!(variant("quí"), "quý");
        assert_ne!(variant("tay"), variant("tai"));
        // The exact form keeps the author's spelling.
        assert_eq!(normalize("Nguyễn Văn Vỹ"), "nguyễn văn vỹ");
        assert_eq!(variant("Nguyễn Văn Vỹ"), "nguyễn văn vĩ");
    }

    #[test]
    fn r7_folding() {
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("Nghị quyết"), "nghi quyet");
        assert_eq!(fold("Ủy ban nhân dân"), "uy ban nhan dan");
        assert_eq!(fold("thuỷ lợi"), "thuy loi");
        assert_eq!(fold("30/2020/NĐ-CP"), "30/2020/nd-cp");
        assert_eq!(fold("quý"), fold("quí"));
        assert_eq!(fold("kỹ"), fold("kĩ"));
        for w in ["ma", "má", "mà", "mả", "mã", "mạ"] {
            assert_eq!(fold(w), "ma");
        }
    }

    #[test]
    fn forms_of_a_token() {
        let f = forms("Kỹ");
        assert_eq!(f.exact, "kỹ");
        assert_eq!(f.variant, "kĩ");
        assert_eq!(f.folded, "ki");
        let f = forms("Hòa");
        assert_eq!((f.exact.as_str(), f.folded.as_str()), ("hoà", "hoa"));
    }

    #[test]
    fn forms_of_exact_text_skip_normalising_but_agree() {
        for text in [
            "Nghị quyết HĐND tỉnh Lai Châu",
            "Kỹ thuật, Lý do, quí, QUI, Mỹ",
            "Hòa bình, thủy lợi và sức khỏe; Ủy ban",
            "ÐẠI HỘI ＮＱ－１４０ Nghi\u{0323} quye\u{0302}\u{0301}t x\u{00AD}ã",
            "naïve café São Paulo",
            "kỳ thi, hy sinh, quí vị, lý lịch, Mỹ Tho, ký, tỉ lệ, ky, qui",
        ] {
            let exact = normalize(text);
            assert_eq!(variant_of_exact(&exact), map_words_all(&exact, iy_variant));
            for token in crate::tokenize(text) {
                assert_eq!(fold_exact(&token.text), fold(&token.text), "{text}");
                assert_eq!(variant_exact(&token.text), variant(&token.text), "{text}");
            }
            let exact = normalize(text);
            assert_eq!(fold_exact(&exact), fold(text), "{text}");
            assert_eq!(variant_exact(&exact), variant(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_idempotent_so_exact_forms_need_no_second_pass(
            text in "[a-zA-Z0-9 ,./àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÀÁỦÝ\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}\u{00AD}\u{200B}\u{00D0}ＱＮ１]{0,60}"
        ) {
            let exact = normalize(&text);
            proptest::prop_assert_eq!(normalize(&exact), exact.clone());
            proptest::prop_assert_eq!(fold_exact(&exact), fold(&text));
            proptest::prop_assert_eq!(variant_exact(&exact), variant(&text));
            // The quick scan for `i`/`y` skips nothing the syllable rule would change.
            proptest::prop_assert_eq!(variant_of_exact(&exact), map_words_all(&exact, iy_variant));
        }
    }

    #[test]
    fn corpus_snippets() {
        // From corpus/legal (phapdien): old-style placement and mixed case.
        let s = "Điều 36.3.LQ.1. Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.";
        assert_eq!(
            normalize(s),
            "điều 36.3.lq.1. thanh niên là công dân việt nam từ đủ 16 tuổi đến 30 tuổi."
        );
        assert_eq!(normalize("Phiên toà"), normalize("Phiên tòa"));
    }
}
