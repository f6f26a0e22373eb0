//! Letter tables: the twelve Vietnamese vowel letters with their six tones, and helpers to
//! split a precomposed letter into base letter + tone, put a tone on a base letter and strip
//! every mark.

use std::sync::LazyLock;

/// The six tones, in the order used by [`TONED`]: ngang (none), huyền, sắc, hỏi, ngã, nặng.
pub(crate) const TONE_NONE: u8 = 0;
/// Huyền (grave, U+0300).
pub(crate) const TONE_GRAVE: u8 = 1;
/// Sắc (acute, U+0301).
pub(crate) const TONE_ACUTE: u8 = 2;
/// Hỏi (hook above, U+0309).
pub(crate) const TONE_HOOK: u8 = 3;
/// Ngã (tilde, U+0303).
pub(crate) const TONE_TILDE: u8 = 4;
/// Nặng (dot below, U+0323).
pub(crate) const TONE_DOT: u8 = 5;

/// Lowercase vowel letters (with hat, breve or horn but without tone), the rows of [`TONED`].
pub(crate) const VOWELS: [char; 12] = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];

/// Every lowercase vowel letter with every tone: `TONED[vowel][tone]`.
pub(crate) const TONED: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// Sorted `(toned letter, vowel row, tone)` for binary search.
static BY_CHAR: LazyLock<Vec<(char, u8, u8)>> = LazyLock::new(|| {
    let mut v = Vec::with_capacity(72);
    for (row, tones) in TONED.iter().enumerate() {
        for (tone, &c) in tones.iter().enumerate() {
            // Both indices are below 12 and 6: the casts cannot truncate.
            v.push((c, row as u8, tone as u8));
        }
    }
    v.sort_unstable_by_key(|e| e.0);
    v
});

/// Splits a lowercase vowel letter into (vowel letter without tone, tone).
/// `None` if `c` is not one of the 72 lowercase vowel letters.
#[inline]
pub(crate) fn split_tone(c: char) -> Option<(char, u8)> {
    match c {
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' => Some((c, TONE_NONE)),
        c if c.is_ascii() => None,
        c => BY_CHAR
            .binary_search_by_key(&c, |e| e.0)
            .ok()
            .map(|i| (VOWELS[BY_CHAR[i].1 as usize], BY_CHAR[i].2)),
    }
}

/// The row of a toneless vowel letter in [`TONED`].
#[inline]
pub(crate) fn vowel_row(base: char) -> Option<usize> {
    VOWELS.iter().position(|&v| v == base)
}

/// Puts `tone` on the toneless vowel letter `base` (returns `base` if it is not a vowel).
#[inline]
pub(crate) fn with_tone(base: char, tone: u8) -> char {
    match vowel_row(base) {
        Some(row) => TONED[row][usize::from(tone.min(5))],
        None => base,
    }
}

/// True for the vowel letters that carry a hat, breve or horn: `ă â ê ô ơ ư`.
#[inline]
pub(crate) fn has_quality_mark(base: char) -> bool {
    matches!(base, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// The ASCII letter under a lowercase Vietnamese letter: `ấ`→`a`, `đ`→`d`, `ư`→`u`;
/// `None` if `c` is not a lowercase Vietnamese letter.
#[inline]
pub(crate) fn ascii_base(c: char) -> Option<char> {
    if c.is_ascii_lowercase() {
        return Some(c);
    }
    // Every Vietnamese letter lies in Latin-1 to Latin Extended-B or in Latin Extended
    // Additional: one table lookup instead of a search.
    let (table, first) = match c {
        '\u{00C0}'..='\u{024F}' => (&BASES.0[..], 0x00C0),
        '\u{1E00}'..='\u{1EFF}' => (&BASES.1[..], 0x1E00),
        _ => return None,
    };
    match table[c as usize - first] {
        0 => None,
        b => Some(char::from(b)),
    }
}

/// [`ascii_base`] of the letters outside ASCII, by code point from U+00C0 and from U+1E00
/// (0 for no letter).
type BaseTables = ([u8; 0x0250 - 0x00C0], [u8; 0x1F00 - 0x1E00]);

static BASES: LazyLock<BaseTables> = LazyLock::new(|| {
    let mut tables: BaseTables = ([0; 0x0250 - 0x00C0], [0; 0x1F00 - 0x1E00]);
    let letters = TONED.iter().flatten().copied().chain(['đ']);
    for c in letters.filter(|c| !c.is_ascii()) {
        let Some(base) = ascii_base_searched(c) else {
            continue;
        };
        // The base is an ASCII letter: one byte.
        let byte = base as u8;
        match c as usize {
            n @ 0x00C0..0x0250 => tables.0[n - 0x00C0] = byte,
            n @ 0x1E00..0x1F00 => tables.1[n - 0x1E00] = byte,
            _ => unreachable!("every Vietnamese letter is in one of the two blocks"),
        }
    }
    tables
});

/// [`ascii_base`] by searching the letter tables (fills the lookup table once).
fn ascii_base_searched(c: char) -> Option<char> {
    if c.is_ascii_lowercase() {
        return Some(c);
    }
    if c == 'đ' {
        return Some('d');
    }
    let (v, _) = split_tone(c)?;
    Some(match v {
        'ă' | 'â' => 'a',
        'ê' => 'e',
        'ô' | 'ơ' => 'o',
        'ư' => 'u',
        other => other,
    })
}

/// True for a lowercase letter of the Vietnamese alphabet (a-z, đ, any toned vowel).
#[inline]
pub(crate) fn is_vietnamese_letter(c: char) -> bool {
    c.is_ascii_lowercase() || c == 'đ' || split_tone(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_toned_letter_round_trips() {
        for (row, tones) in TONED.iter().enumerate() {
            for (tone, &c) in tones.iter().enumerate() {
                let (base, t) = split_tone(c).expect("vowel");
                assert_eq!(base, VOWELS[row]);
                assert_eq!(usize::from(t), tone);
                assert_eq!(with_tone(base, t), c);
            }
        }
    }

    #[test]
    fn ascii_base_covers_all_134_letters() {
        use unicode_normalization::UnicodeNormalization;
        let mut n = 0;
        for tones in TONED {
            for c in tones {
                let upper: String = c.to_uppercase().collect();
                for letter in [c.to_string(), upper] {
                    let lower: String = letter.to_lowercase();
                    let stripped: String = lower
                        .nfd()
                        .filter(|m| !('\u{0300}'..='\u{036f}').contains(m))
                        .collect();
                    let ch = lower.chars().next().expect("one char");
                    assert_eq!(ascii_base(ch).map(String::from), Some(stripped));
                    if !c.is_ascii() {
                        n += 1;
                    }
                }
            }
        }
        // 66 toned/hatted vowels (72 minus 6 plain ones) in two cases, plus đ/Đ = 134.
        assert_eq!(n + 2, 134);
        assert_eq!(ascii_base('đ'), Some('d'));
    }

    #[test]
    fn looked_up_bases_equal_searched_ones() {
        for c in ('\0'..='\u{2FFF}').chain('\u{FE00}'..='\u{FFFF}') {
            assert_eq!(
                ascii_base(c),
                ascii_base_searched(c),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
    }
}
