//! The syllable parser (initial consonant + vowel cluster + final consonant) behind canonical
//! tone placement (R5), i/y variants (R6) and the valid-syllable checks used by legacy-encoding
//! detection (R1.6) and Telex/VNI decoding (R8).
//!
//! All functions here take one lowercase NFC word; callers split text into words first.

use crate::letters::{
    TONE_ACUTE, TONE_DOT, TONE_NONE, has_quality_mark, is_vietnamese_letter, split_tone, with_tone,
};

/// Longest Vietnamese syllable is 7 letters (`nghiêng`); anything much longer is not one.
const MAX_LETTERS: usize = 10;

/// Initial consonants, longest first so that the first match is the longest one.
const INITIALS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x",
];

/// Final consonants.
const FINALS: [&str; 8] = ["c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Vowel clusters (nuclei with their glides): (cluster, may end the syllable, may take a final
/// consonant).
const NUCLEI: [(&str, bool, bool); 53] = [
    ("a", true, true),
    ("ă", false, true),
    ("â", false, true),
    ("e", true, true),
    ("ê", true, true),
    ("i", true, true),
    ("o", true, true),
    ("ô", true, true),
    ("ơ", true, true),
    ("u", true, true),
    ("ư", true, true),
    ("y", true, false),
    ("ai", true, false),
    ("ao", true, false),
    ("au", true, false),
    ("ay", true, false),
    ("âu", true, false),
    ("ây", true, false),
    ("eo", true, false),
    ("êu", true, false),
    ("ia", true, false),
    ("iu", true, false),
    ("oi", true, false),
    ("ôi", true, false),
    ("ơi", true, false),
    ("ua", true, false),
    ("ui", true, false),
    ("ưa", true, false),
    ("ưi", true, false),
    ("ưu", true, false),
    ("iê", false, true),
    ("yê", false, true),
    ("uô", false, true),
    ("ươ", false, true),
    ("oa", true, true),
    ("oă", false, true),
    ("oe", true, true),
    ("uâ", false, true),
    ("uê", true, true),
    ("uy", true, true),
    ("uơ", true, false),
    ("oo", false, true),
    ("iêu", true, false),
    ("yêu", true, false),
    ("oai", true, false),
    ("oao", true, false),
    ("oay", true, false),
    ("oeo", true, false),
    ("uây", true, false),
    ("uôi", true, false),
    ("uya", true, false),
    ("uyê", false, true),
    ("uyu", true, false),
];

/// Extra nuclei that only occur with the open glide `ươ` + `i`/`u`.
const NUCLEI_TAIL: [&str; 2] = ["ươi", "ươu"];

/// A word split into letters: toneless letters and the tone of each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Letters {
    bases: [char; MAX_LETTERS],
    tones: [u8; MAX_LETTERS],
    len: usize,
}

impl Letters {
    /// Splits a lowercase word into letters; `None` if a character is not a lowercase
    /// Vietnamese letter or the word is too long to be a syllable.
    pub(crate) fn of(word: &str) -> Option<Self> {
        let mut out = Letters {
            bases: ['\0'; MAX_LETTERS],
            tones: [TONE_NONE; MAX_LETTERS],
            len: 0,
        };
        for c in word.chars() {
            if out.len == MAX_LETTERS {
                return None;
            }
            let (base, tone) = match split_tone(c) {
                Some(bt) => bt,
                None if is_vietnamese_letter(c) => (c, TONE_NONE),
                None => return None,
            };
            out.bases[out.len] = base;
            out.tones[out.len] = tone;
            out.len += 1;
        }
        Some(out)
    }

    /// The toneless letters.
    pub(crate) fn bases(&self) -> &[char] {
        &self.bases[..self.len]
    }

    /// Number of letters carrying a tone, and the single tone if exactly one does.
    fn tone(&self) -> (usize, u8, usize) {
        let mut count = 0;
        let mut tone = TONE_NONE;
        let mut at = 0;
        for i in 0..self.len {
            if self.tones[i] != TONE_NONE {
                count += 1;
                tone = self.tones[i];
                at = i;
            }
        }
        (count, tone, at)
    }

    /// Builds the word with `tone` on letter `at` (and no other tone).
    fn render(&self, tone: u8, at: usize) -> String {
        let mut s = String::with_capacity(self.len * 3);
        for (i, &b) in self.bases().iter().enumerate() {
            s.push(if i == at { with_tone(b, tone) } else { b });
        }
        s
    }
}

/// Where the parts of a syllable start and end, in letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Structure {
    /// Letters `0..vowels` are the initial consonant.
    pub(crate) vowels: usize,
    /// Letters `vowels..final_` are the vowel cluster, `final_..` the final consonant.
    pub(crate) final_: usize,
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn starts_with(bases: &[char], s: &str) -> bool {
    let mut n = 0;
    for (i, c) in s.chars().enumerate() {
        if bases.get(i) != Some(&c) {
            return false;
        }
        n += 1;
    }
    n > 0
}

fn equals(bases: &[char], s: &str) -> bool {
    bases.len() == s.chars().count() && starts_with(bases, s) || (bases.is_empty() && s.is_empty())
}

/// Splits toneless letters into initial + vowel cluster + final (doc R5 steps 2-3).
/// `None` if there is no vowel or the rest is not a legal final consonant.
pub(crate) fn structure(bases: &[char]) -> Option<Structure> {
    let mut initial = INITIALS
        .iter()
        .find(|i| starts_with(bases, i))
        .map_or(0, |i| i.chars().count());
    // `gì`, `gìn`: the `i` of `gi` is the vowel when no other vowel follows.
    if initial == 2
        && bases[0] == 'g'
        && bases[1] == 'i'
        && !bases[2..].iter().copied().any(is_vowel)
    {
        initial = 1;
    }
    let mut end = initial;
    while end < bases.len() && is_vowel(bases[end]) {
        end += 1;
    }
    if end == initial {
        return None;
    }
    let fin = &bases[end..];
    if !fin.is_empty() && !FINALS.iter().any(|f| equals(fin, f)) {
        return None;
    }
    Some(Structure {
        vowels: initial,
        final_: end,
    })
}

/// The index of the letter that carries the tone in the canonical (main-vowel, "new") style.
fn tone_target(bases: &[char], st: Structure) -> usize {
    let (vs, ve) = (st.vowels, st.final_);
    let n = ve - vs;
    if n == 1 {
        return vs;
    }
    if let Some(i) = (vs..ve).rev().find(|&i| has_quality_mark(bases[i])) {
        return i;
    }
    if ve < bases.len() {
        return ve - 1;
    }
    if n >= 3 {
        return vs + 1;
    }
    match (bases[vs], bases[vs + 1]) {
        ('o', 'a') | ('o', 'e') | ('u', 'y') => vs + 1,
        _ => vs,
    }
}

/// R5: the word with its tone mark moved to the canonical vowel, or `None` if the word is
/// already canonical or is not a Vietnamese syllable with exactly one tone mark.
pub(crate) fn canonical_tone(word: &str) -> Option<String> {
    let letters = Letters::of(word)?;
    let (count, tone, at) = letters.tone();
    if count != 1 {
        return None;
    }
    let st = structure(letters.bases())?;
    let target = tone_target(letters.bases(), st);
    (target != at).then(|| letters.render(tone, target))
}

/// Puts `tone` on the canonical vowel of a toneless lowercase word (used by the Telex and VNI
/// decoders). `None` if the word has no syllable structure.
pub(crate) fn place_tone(bases: &[char], tone: u8) -> Option<String> {
    let st = structure(bases)?;
    let target = tone_target(bases, st);
    Some(
        bases
            .iter()
            .enumerate()
            .map(|(i, &b)| if i == target { with_tone(b, tone) } else { b })
            .collect(),
    )
}

/// Initials after which `y` alone is written `i` by R6.1.
const IY_INITIALS: [&str; 11] = ["b", "h", "k", "l", "m", "n", "s", "t", "th", "v", "x"];

/// R6: the i/y-unified spelling of a canonical (R5) word, or `None` if unchanged.
/// `kỹ`→`kĩ`, `lý`→`lí`, `hy`→`hi`; `quí`→`quý`, `qui`→`quy`; everything else unchanged.
pub(crate) fn iy_variant(word: &str) -> Option<String> {
    // Cheap filter: at most three letters (`thy`, `quy`), the last one an `i` or `y`.
    let mut chars = word.chars();
    let last = chars.next_back()?;
    if chars.count() > 2 || !matches!(split_tone(last), Some(('i' | 'y', _))) {
        return None;
    }
    let letters = Letters::of(word)?;
    let bases = letters.bases();
    let st = structure(bases)?;
    if st.final_ != bases.len() || st.final_ - st.vowels != 1 {
        return None;
    }
    let v = bases[st.vowels];
    if v != 'i' && v != 'y' {
        return None;
    }
    let initial = &bases[..st.vowels];
    let want = if IY_INITIALS.iter().any(|i| equals(initial, i)) {
        'i'
    } else if equals(initial, "qu") {
        'y'
    } else {
        return None;
    };
    if v == want {
        return None;
    }
    let tone = letters.tones[st.vowels];
    let mut s = String::with_capacity(word.len());
    for &b in initial {
        s.push(b);
    }
    s.push(with_tone(want, tone));
    Some(s)
}

/// True if `word` (any case, NFC) is a well-formed Vietnamese syllable: a known initial,
/// a known vowel cluster, a legal final, at most one tone, the tone allowed by the final
/// (`c ch p t` take only sắc or nặng, or none in toneless typing), and the spelling rules
/// `k`/`gh`/`ngh` before `i e ê y`, `c`/`g`/`ng` elsewhere.
pub fn is_valid_syllable(word: &str) -> bool {
    let lower: String;
    let word = if word.chars().all(|c| !c.is_uppercase()) {
        word
    } else {
        lower = word.chars().flat_map(char::to_lowercase).collect();
        &lower
    };
    let Some(letters) = Letters::of(word) else {
        return false;
    };
    let (count, tone, _) = letters.tone();
    if count > 1 {
        return false;
    }
    let bases = letters.bases();
    let Some(st) = structure(bases) else {
        return false;
    };
    let initial = &bases[..st.vowels];
    let nucleus = &bases[st.vowels..st.final_];
    let fin = &bases[st.final_..];
    let has_final = !fin.is_empty();
    let nucleus_ok = NUCLEI
        .iter()
        .any(|&(n, open, closed)| equals(nucleus, n) && if has_final { closed } else { open })
        || (!has_final && NUCLEI_TAIL.iter().any(|n| equals(nucleus, n)));
    if !nucleus_ok {
        return false;
    }
    let stop_final = matches!(fin, ['c'] | ['c', 'h'] | ['p'] | ['t']);
    if stop_final && !matches!(tone, TONE_NONE | TONE_ACUTE | TONE_DOT) {
        return false;
    }
    // Vietnamese writes `inh`/`ich`, never `ing`/`ic`.
    if matches!(nucleus, ['i']) && matches!(fin, ['n', 'g'] | ['c']) {
        return false;
    }
    // `ch` and `nh` finals follow front vowels only (`ach`, `êch`, `inh`, `uynh`).
    if matches!(fin, ['c', 'h'] | ['n', 'h'])
        && !matches!(nucleus.last(), Some('a' | 'ê' | 'i' | 'y'))
    {
        return false;
    }
    let front = matches!(nucleus[0], 'i' | 'e' | 'ê' | 'y');
    match initial {
        ['k'] | ['g', 'h'] | ['n', 'g', 'h'] => front,
        ['c'] | ['n', 'g'] => !front,
        ['g'] => !(matches!(nucleus[0], 'e' | 'ê') || nucleus[0] == 'i' && nucleus.len() > 1),
        ['q'] => false,
        ['q', 'u'] => !matches!(nucleus[0], 'u' | 'ư'),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(w: &str) -> String {
        canonical_tone(w).unwrap_or_else(|| w.to_owned())
    }

    #[test]
    fn r5_doc_table() {
        let table = [
            ("hòa", "hoà"),
            ("hoà", "hoà"),
            ("thủy", "thuỷ"),
            ("ủy", "uỷ"),
            ("khỏe", "khoẻ"),
            ("họa", "hoạ"),
            ("tòan", "toàn"),
            ("hoàng", "hoàng"),
            ("qúy", "quý"),
            ("thúy", "thuý"),
            ("cuả", "của"),
            ("qủa", "quả"),
            ("gìa", "già"),
            ("gì", "gì"),
            ("ngừơi", "người"),
            ("đựơc", "được"),
            ("khúyên", "khuyến"),
            ("quyết", "quyết"),
            ("hòai", "hoài"),
            ("khuỷu", "khuỷu"),
            ("tủôi", "tuổi"),
            ("vịêt", "việt"),
            ("tụynh", "tuỵnh"),
            ("thuýên", "thuyến"),
            ("baỷ", "bảy"),
            ("miá", "mía"),
            ("húyt", "huýt"),
            ("giưã", "giữa"),
            ("thủơ", "thuở"),
            ("hưũ", "hữu"),
            ("ngòăng", "ngoằng"),
            ("gíêng", "giếng"),
            ("hùynh", "huỳnh"),
            ("hđnd", "hđnd"),
            ("xoáy", "xoáy"),
            ("ngoẹo", "ngoẹo"),
            ("thụy", "thuỵ"),
        ];
        for (input, want) in table {
            assert_eq!(canon(input), want, "{input}");
            assert_eq!(canon(want), want, "{want} must be stable");
        }
    }

    #[test]
    fn r5_leaves_non_syllables_and_double_tones_alone() {
        assert_eq!(canonical_tone("hóạ"), None);
        assert_eq!(canonical_tone("abcdéfghijkl"), None);
        assert_eq!(canonical_tone("qh14"), None);
    }

    #[test]
    fn r6_doc_examples() {
        let table = [
            ("kỹ", "kĩ"),
            ("lý", "lí"),
            ("mỹ", "mĩ"),
            ("hy", "hi"),
            ("sỹ", "sĩ"),
            ("tỷ", "tỉ"),
            ("kỳ", "kì"),
            ("lỵ", "lị"),
            ("vy", "vi"),
            ("thy", "thi"),
            ("quí", "quý"),
            ("qui", "quy"),
        ];
        for (input, want) in table {
            assert_eq!(iy_variant(input).as_deref(), Some(want), "{input}");
            assert_eq!(iy_variant(want), None, "{want} must be stable");
        }
        for same in [
            "tay", "tai", "tuy", "tui", "y", "ý", "yêu", "quỳnh", "thuỵ", "kĩ",
        ] {
            assert_eq!(iy_variant(same), None, "{same}");
        }
    }

    #[test]
    fn validity() {
        for ok in [
            "nghiêng",
            "người",
            "được",
            "quyết",
            "khuỷu",
            "gì",
            "già",
            "giếng",
            "thuở",
            "hoằng",
            "xoong",
            "uỷ",
            "ý",
            "yêu",
            "tiếng",
            "việt",
            "nghị",
            "đường",
            "khuya",
            "hđ",
            "quân",
            "quyêt",
            "ca",
            "ke",
            "ghế",
            "nghe",
            "ngoẹo",
            "hoạch",
            "thích",
            "huỳnh",
            "ánh",
            "quốc",
        ] {
            if ok == "hđ" {
                assert!(!is_valid_syllable(ok));
                continue;
            }
            assert!(is_valid_syllable(ok), "{ok}");
        }
        for bad in [
            "nghij", "quyeets", "bus", "tax", "class", "ce", "ka", "ngi", "gha", "ă", "tiê",
            "hoàc", "quu", "book", "good", "NghÞ", "hóạ", "ach1", "the", "ng",
        ] {
            if bad == "the" {
                assert!(is_valid_syllable(bad));
                continue;
            }
            assert!(!is_valid_syllable(bad), "{bad}");
        }
    }
}
