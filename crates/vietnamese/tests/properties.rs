//! Property tests: normalisation is idempotent, folding the exact form equals folding the raw
//! text, the variant form is idempotent, token offsets cut out source text that normalises to
//! the token, and decoding UTF-8 bytes round-trips NFC text.

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;
use vietnamese::{decode, fold, normalize, tokenize, variant};

/// Characters that exercise every stage: Vietnamese letters in both cases and both
/// placements, combining marks, Eth, invisible characters, spaces, digits, punctuation.
const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u',
    'v', 'x', 'y', 'A', 'H', 'N', 'Q', 'U', 'Y', 'đ', 'Đ', 'Ð', 'ð', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư',
    'Ư', 'à', 'á', 'ả', 'ã', 'ạ', 'ò', 'ó', 'ỏ', 'ọ', 'ủ', 'ù', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ', 'Ủ', 'Ỷ',
    'ế', 'ệ', 'ị', 'ĩ', 'ữ', 'ự', 'ờ', '\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}',
    '\u{0302}', '\u{031B}', '\u{00AD}', '\u{200B}', '\u{FEFF}', '\u{00A0}', ' ', ' ', ' ', '/',
    '-', '.', ',', '0', '1', '4', '9', 'Ａ', '１', 'İ', 'ß', 'Σ', 'ς', 'é', 'ñ',
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..40)
        .prop_map(|cs| cs.into_iter().collect())
}

/// Real syllables (from the legal corpus), joined into Vietnamese-looking text.
const SYLLABLES: &[&str] = &[
    "Nghị",
    "quyết",
    "Hội",
    "đồng",
    "nhân",
    "dân",
    "huyện",
    "Than",
    "Uyên",
    "về",
    "xây",
    "dựng",
    "nông",
    "thôn",
    "mới",
    "năm",
    "Ủy",
    "ban",
    "hòa",
    "hoà",
    "thủy",
    "thuỷ",
    "khỏe",
    "người",
    "được",
    "quyền",
    "nghĩa",
    "vụ",
    "trách",
    "nhiệm",
    "của",
    "thanh",
    "niên",
    "chính",
    "sách",
    "Nhà",
    "nước",
    "đối",
    "với",
    "kỹ",
    "thuật",
    "quý",
    "giữa",
    "tuổi",
    "khuyến",
    "ĐẠI",
    "HỘI",
    "Điều",
    "Luật",
    "số",
    "140/NQ-HĐND",
    "2024",
    "tỉnh",
    "Lai",
    "Châu",
];

fn vietnamese_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(SYLLABLES),
            prop::sample::select(&[" ", " ", ", ", ". ", "\n"][..]),
        ),
        1..30,
    )
    .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalize_is_idempotent(s in text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn normalize_is_idempotent_on_any_string(s in "\\PC{0,30}") {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn folding_the_exact_form_equals_folding_the_raw_text(s in text()) {
        prop_assert_eq!(fold(&normalize(&s)), fold(&s));
    }

    #[test]
    fn variant_is_idempotent(s in text()) {
        let once = variant(&s);
        prop_assert_eq!(variant(&once), once);
    }

    #[test]
    fn nfd_and_nfc_input_agree(s in vietnamese_text()) {
        let nfd: String = s.nfd().collect();
        prop_assert_eq!(normalize(&nfd), normalize(&s));
        prop_assert_eq!(fold(&nfd), fold(&s));
    }

    #[test]
    fn token_offsets_cut_out_their_source(s in text()) {
        let mut last = 0;
        for t in tokenize(&s) {
            prop_assert!(t.start >= last && t.start < t.end && t.end <= s.len());
            prop_assert_eq!(normalize(&s[t.start..t.end]), t.text);
            last = t.end;
        }
    }

    #[test]
    fn token_offsets_on_vietnamese_text(s in vietnamese_text()) {
        for t in tokenize(&s) {
            prop_assert_eq!(normalize(&s[t.start..t.end]), t.text);
        }
    }

    #[test]
    fn decode_round_trips_nfc_vietnamese(s in vietnamese_text()) {
        let nfc: String = s.nfc().collect();
        let d = decode(nfc.as_bytes(), None);
        prop_assert_eq!(d.text, nfc);
        prop_assert_eq!(d.encoding, "UTF-8");
        prop_assert_eq!(d.legacy, None);
    }

    #[test]
    fn decode_round_trips_nfc_text_with_vietnamese_letters(s in text()) {
        // `ư` is outside windows-1252, so no legacy repair can apply.
        let nfc: String = format!("ư {s}").nfc().collect();
        let d = decode(nfc.as_bytes(), Some("text/html; charset=windows-1252"));
        prop_assert_eq!(d.text, nfc);
    }

    #[test]
    fn ascii_tokens_agree_with_the_simple_tokenizer(s in "[ -~]{0,60}") {
        // Tantivy's default analyzer: split on non-alphanumeric, lowercase.
        let expected: Vec<String> = s
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let got: Vec<String> = tokenize(&s).into_iter().map(|t| t.text).collect();
        prop_assert_eq!(got, expected);
    }
}
