//! R8: queries typed with Telex or VNI key sequences but no input method (`nghij quyeets`,
//! `dduwowngf`, `nghi5 quye6t1`), decoded to Vietnamese. Query side only.
//!
//! Telex: `aa`→`â`, `aw`→`ă`, `ee`→`ê`, `oo`→`ô`, `ow`→`ơ`, `uw`/`w`→`ư`, `uow`→`ươ`,
//! `dd`→`đ`; tone keys `s` sắc, `f` huyền, `r` hỏi, `x` ngã, `j` nặng, `z` clears, a doubled
//! tone key cancels. VNI: `6` hat, `7` horn, `8` breve, `9` đ, `1`-`5` tones, `0` clears.
//! Keys may come anywhere after the vowel ("smart input"); the tone goes on the canonical
//! vowel (R5).
//!
//! Heuristics that keep ordinary words safe (R8.1, R8.2, R8.4):
//! - only ASCII tokens are considered; a token that is already a valid Vietnamese syllable
//!   as typed (`ban`, `nong`) is kept; a token inside a document number (R10) or a known
//!   abbreviation (R11) is kept; a short list of English words that happen to decode
//!   (`bus`, `tax`, `see`, `how`) is kept;
//! - the decoded token must be a valid syllable (initial + vowel cluster + final, tone
//!   allowed by the final, spelling rules such as `k` before `i e ê y`);
//! - the query must contain a token with clear Telex/VNI evidence: two or more keys
//!   (`quyeets`, `mowis`), the `j` key, a VNI digit, or one key on a syllable whose shape
//!   English does not have (a two-vowel cluster or an initial `ng nh kh gh đ`: `uyr`,
//!   `chaof`). A query of weak tokens only (`bus tax`) is left alone.
//!
//! The indexer should also apply R8.1(b): search the decoded form only as an additional OR
//! branch, and prefer the raw token when it has hits in the folded field.

use crate::letters::{TONE_ACUTE, TONE_DOT, TONE_GRAVE, TONE_HOOK, TONE_NONE, TONE_TILDE};
use crate::syllable::{Letters, place_tone, structure};

/// English words (and common loan words) that decode to valid syllables but are not Telex.
const ENGLISH: &[&str] = &[
    "as", "is", "us", "has", "his", "was", "bus", "tax", "max", "mix", "six", "box", "fax", "sex",
    "car", "bar", "tar", "far", "bas", "see", "too", "how", "now", "low", "cow", "bow", "moon",
    "soon", "noon", "teen", "been", "seen", "keen", "queen", "door", "poor", "days", "says",
    "buys", "guys", "ways", "lax", "vax", "yes", "its", "ios", "mas", "los", "das", "dos", "bos",
    "cos", "pos", "tor", "thor", "boor", "toor", "gas", "pas", "mar", "star",
];

/// A decoded token and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decoded {
    text: String,
    keys: usize,
    strong: bool,
}

fn tone_of_telex(c: char) -> Option<u8> {
    match c {
        's' => Some(TONE_ACUTE),
        'f' => Some(TONE_GRAVE),
        'r' => Some(TONE_HOOK),
        'x' => Some(TONE_TILDE),
        'j' => Some(TONE_DOT),
        _ => None,
    }
}

fn tone_of_vni(c: char) -> Option<u8> {
    match c {
        '1' => Some(TONE_ACUTE),
        '2' => Some(TONE_GRAVE),
        '3' => Some(TONE_HOOK),
        '4' => Some(TONE_TILDE),
        '5' => Some(TONE_DOT),
        _ => None,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

/// Applies the horn (`w` / `7`) to the last horn-able vowel; `uo` becomes `ươ`.
fn horn(letters: &mut [char], breve_a: bool) -> bool {
    let Some(last) = letters.iter().rposition(|&c| is_vowel(c)) else {
        return false;
    };
    if last > 0 && letters[last - 1] == 'u' && letters[last] == 'o' {
        letters[last - 1] = 'ư';
        letters[last] = 'ơ';
        return true;
    }
    // In `ươ` typed as `uwow`, or `ưo` + horn: make it `ươ`.
    let target = (0..=last)
        .rev()
        .take_while(|&i| is_vowel(letters[i]))
        .find(|&i| matches!(letters[i], 'a' | 'o' | 'u'));
    match target.map(|i| (i, letters[i])) {
        Some((i, 'a')) if breve_a => letters[i] = 'ă',
        Some((i, 'o')) => letters[i] = 'ơ',
        Some((i, 'u')) => letters[i] = 'ư',
        _ => return false,
    }
    true
}

/// Puts the hat on the last `a`/`e`/`o` of the vowel cluster.
fn hat(letters: &mut [char], which: Option<char>) -> bool {
    let Some(last) = letters.iter().rposition(|&c| is_vowel(c)) else {
        return false;
    };
    let target = (0..=last)
        .rev()
        .take_while(|&i| is_vowel(letters[i]))
        .find(|&i| matches!(letters[i], 'a' | 'e' | 'o') && which.is_none_or(|w| w == letters[i]));
    let Some(i) = target else {
        return false;
    };
    letters[i] = match letters[i] {
        'a' => 'â',
        'e' => 'ê',
        _ => 'ô',
    };
    true
}

/// Decodes one lowercase ASCII word typed in Telex.
fn telex_word(word: &str) -> Option<Decoded> {
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    let mut tone = TONE_NONE;
    let mut tone_key: Option<char> = None;
    let mut keys = 0;
    let mut strong = false;
    let n = word.chars().count();
    for (idx, c) in word.chars().enumerate() {
        let has_vowel = letters.iter().any(|&l| is_vowel(l));
        if has_vowel && let Some(t) = tone_of_telex(c) {
            if tone_key == Some(c) {
                // A doubled tone key cancels the tone and types the letter.
                tone = TONE_NONE;
                tone_key = None;
                letters.push(c);
                continue;
            }
            tone = t;
            tone_key = Some(c);
            keys += 1;
            strong |= c == 'j' || idx + 1 < n;
            continue;
        }
        match c {
            'z' if has_vowel => {
                tone = TONE_NONE;
                keys += 1;
            }
            'w' => {
                if !horn(&mut letters, true) {
                    if has_vowel {
                        return None;
                    }
                    letters.push('ư');
                }
                keys += 1;
                strong = true;
            }
            'a' | 'e' | 'o' if letters.last() == Some(&c) => {
                hat(&mut letters, Some(c));
                keys += 1;
            }
            'd' if letters == ['d'] => {
                letters[0] = 'đ';
                keys += 1;
                strong = true;
            }
            c if c.is_ascii_lowercase() => letters.push(c),
            _ => return None,
        }
    }
    finish(&letters, tone, keys, strong)
}

/// Decodes one lowercase ASCII word typed in VNI (letters and digits).
fn vni_word(word: &str) -> Option<Decoded> {
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    let mut tone = TONE_NONE;
    let mut keys = 0;
    for c in word.chars() {
        let has_vowel = letters.iter().any(|&l| is_vowel(l));
        match c {
            '0'..='9' if !has_vowel && c != '9' => return None,
            '1'..='5' => tone = tone_of_vni(c).unwrap_or(TONE_NONE),
            '0' => tone = TONE_NONE,
            '6' => {
                if !hat(&mut letters, None) {
                    return None;
                }
            }
            '7' => {
                if !horn(&mut letters, false) {
                    return None;
                }
            }
            '8' => {
                let i = letters.iter().rposition(|&l| l == 'a')?;
                letters[i] = 'ă';
            }
            '9' => {
                let i = letters.iter().position(|&l| l == 'd')?;
                letters[i] = 'đ';
            }
            c if c.is_ascii_lowercase() => {
                letters.push(c);
                continue;
            }
            _ => return None,
        }
        keys += 1;
    }
    finish(&letters, tone, keys, keys > 0)
}

fn finish(letters: &[char], tone: u8, keys: usize, strong: bool) -> Option<Decoded> {
    if keys == 0 {
        return None;
    }
    let text = if tone == TONE_NONE {
        letters.iter().collect()
    } else {
        place_tone(letters, tone)?
    };
    if !crate::is_valid_syllable(&text) {
        return None;
    }
    // One key is enough evidence on a shape English does not have.
    let shape = Letters::of(&text).and_then(|l| {
        let b = l.bases();
        structure(b).map(|st| {
            st.final_ - st.vowels >= 2
                || b.first() == Some(&'đ')
                || matches!(
                    &b[..st.vowels],
                    ['n', 'g', ..] | ['n', 'h'] | ['k', 'h'] | ['g', 'h']
                )
        })
    });
    Some(Decoded {
        text,
        keys,
        strong: strong || keys >= 2 || shape == Some(true),
    })
}

/// Decodes one word typed in Telex or VNI (any case), e.g. `nghij`→`nghị`, `Ddaf`→`đà`,
/// `d9u7o7ng2`→`đường`. `None` if the word is not ASCII, is already a valid syllable as typed,
/// uses no key, or does not decode to a valid syllable. No query-level evidence check: see
/// [`decode`].
pub fn decode_word(word: &str) -> Option<String> {
    decode_word_inner(word).map(|d| d.text)
}

fn decode_word_inner(word: &str) -> Option<Decoded> {
    if !word.is_ascii() || word.is_empty() {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    if !lower.bytes().any(|b| b.is_ascii_alphabetic()) || crate::is_valid_syllable(&lower) {
        return None;
    }
    if lower.bytes().any(|b| b.is_ascii_digit()) {
        vni_word(&lower)
    } else {
        telex_word(&lower)
    }
}

/// Decodes a query typed in Telex or VNI: `nghij quyeets`→`nghị quyết`,
/// `hooij ddoongf nhaan daan`→`hội đồng nhân dân`, `nong thon mowis`→`nong thon mới`,
/// `nghi5 quye6t1`→`nghị quyết`. Tokens that are not Telex/VNI are kept as typed (lowercase).
/// `None` if the query does not look like Telex/VNI (see the module documentation) or is a
/// document number.
pub fn decode(query: &str) -> Option<String> {
    // Most words of a query do not decode (they are syllables as typed, or not ASCII): find
    // the ones that do first, and build the decoded query only when there is one.
    let decoded: Vec<Option<Decoded>> = query.split_whitespace().map(decode_token).collect();
    if !decoded.iter().flatten().any(|d| d.strong) {
        return None;
    }
    if crate::DocNumber::possible_in(query) && crate::DocNumber::parse_query(query).is_some() {
        return None;
    }
    let out: Vec<String> = query
        .split_whitespace()
        .zip(decoded)
        .map(|(token, d)| d.map_or_else(|| crate::normalize(token), |d| d.text))
        .collect();
    Some(out.join(" "))
}

/// One word of a query decoded, unless it is kept as typed (see the module documentation).
fn decode_token(token: &str) -> Option<Decoded> {
    // The cheap checks first; the word lists only for a word that decodes.
    if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let decoded = decode_word_inner(token)?;
    let lower = token.to_ascii_lowercase();
    let keep = ENGLISH.contains(&lower.as_str())
        || (token.len() >= 2 && token.chars().all(|c| c.is_uppercase()))
        || crate::abbreviations::is_abbreviation(&lower);
    (!keep).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telex_doc_examples() {
        let cases = [
            ("nghij quyeets", "nghị quyết"),
            ("hooij ddoongf nhaan daan", "hội đồng nhân dân"),
            ("dduwowngf", "đường"),
            ("Ddaf Nawngx", "đà nẵng"),
            ("uyr ban", "uỷ ban"),
            ("tieesng", "tiếng"),
            ("nong thon mowis", "nong thon mới"),
            ("hoaf binhf", "hoà bình"),
            ("thuyr lowji", "thuỷ lợi"),
            ("khoer", "khoẻ"),
            ("truwowngf hocj", "trường học"),
            ("nguwowif", "người"),
            ("quyeets ddinhj", "quyết định"),
        ];
        for (q, want) in cases {
            assert_eq!(decode(q).as_deref(), Some(want), "{q}");
        }
    }

    #[test]
    fn vni_doc_examples() {
        let cases = [
            ("nghi5 quye6t1", "nghị quyết"),
            ("nghi5 quye6t", "nghị quyêt"),
            ("d9u7o7ng2", "đường"),
            ("Tie61ng Vie65t", "tiếng việt"),
            ("ho6i5 d9o6ng2", "hội đồng"),
        ];
        for (q, want) in cases {
            assert_eq!(decode(q).as_deref(), Some(want), "{q}");
        }
    }

    #[test]
    fn ordinary_queries_are_left_alone() {
        for q in [
            "bus",
            "tax",
            "class",
            "bus tax",
            "see",
            "how now",
            "the book",
            "nghi quyet",
            "nong thon moi",
            "ubnd",
            "140/nq-hdnd",
            "nq 140 hdnd",
            "qh14",
            "2024",
            "nghị quyết",
            "UBND huyen",
            "covid",
            "internet wifi",
            "kings",
            "",
        ] {
            assert_eq!(decode(q), None, "{q}");
        }
    }

    /// `decode` as it was before it looked for decodable words first.
    fn reference_decode(query: &str) -> Option<String> {
        if crate::DocNumber::parse_query(query).is_some() {
            return None;
        }
        let mut out = Vec::new();
        let mut any_strong = false;
        let mut changed = false;
        for token in query.split_whitespace() {
            let lower = token.to_ascii_lowercase();
            let keep = !token.bytes().all(|b| b.is_ascii_alphanumeric())
                || ENGLISH.contains(&lower.as_str())
                || (token.len() >= 2 && token.chars().all(|c| c.is_uppercase()))
                || crate::abbreviations::is_abbreviation(&lower);
            match (!keep).then(|| decode_word_inner(token)).flatten() {
                Some(d) => {
                    any_strong |= d.strong;
                    changed = true;
                    out.push(d.text);
                }
                None => out.push(crate::normalize(token)),
            }
        }
        (changed && any_strong).then(|| out.join(" "))
    }

    #[test]
    fn decoding_equals_the_reference() {
        for q in [
            "nghij quyeets 140/NQ-HĐND",
            "quyeets ddinhj 1285 ubnd",
            "nq 140 hdnd nghij",
            "bus tax mowis",
            "UBND huyeenj Than Uyeen",
            "Hội đồng nhaan daan, huyện",
            "kinh tees - xax hooij",
            "so 30/2020/NDD-CP",
            "THUẾ thuees  thu\u{00A0}nhaapj",
            "nghi5 quye6t1 so 140",
            "Putin biết Triều Tiên có bom nguyên tử từ 16",
            "trach nhiem cua co quan mat tran to quoc viet nam",
        ] {
            assert_eq!(decode(q), reference_decode(q), "{q}");
        }
    }

    proptest::proptest! {
        #[test]
        fn decoding_equals_the_reference_on_any_text(
            q in "[a-zA-Z0-9 ,/-]{0,30}|([a-z]{1,6}([sfrxjwz]|aa|dd|ee|oo|ow|uw)?[0-9]? ){1,5}"
        ) {
            proptest::prop_assert_eq!(decode(&q), reference_decode(&q));
        }
    }

    #[test]
    fn single_words() {
        assert_eq!(decode_word("nghij").as_deref(), Some("nghị"));
        assert_eq!(decode_word("ban"), None);
        assert_eq!(decode_word("quyeets").as_deref(), Some("quyết"));
        assert_eq!(decode_word("ass"), None);
        assert_eq!(decode_word("bus").as_deref(), Some("bú"));
        assert_eq!(decode_word("nghiêng"), None);
    }
}
