//! R1.3-R1.6: legacy Vietnamese 8-bit encodings (TCVN3/ABC, VNI-Windows, VISCII,
//! windows-1258), their conversion tables, and detection by the valid-syllable heuristic:
//! decode with every converter, count the share of words that are valid Vietnamese syllables
//! ([`crate::is_valid_syllable`]), and pick the best converter only if it beats the text as
//! first decoded by a clear margin.

use std::fmt;
use std::str::FromStr;

use crate::decode::to_nfc;
use crate::{Error, Result};

/// A legacy Vietnamese encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Legacy {
    /// TCVN3 / ABC / VSCII-3 (TCVN 5712:1993 VN3), fonts `.VnTime`, `.VnTimeH`.
    Tcvn3,
    /// VNI-Windows, fonts `VNI-Times`: a toned vowel is a base letter plus a mark byte.
    Vni,
    /// VISCII (RFC 1456).
    Viscii,
    /// windows-1258 (combining tone marks; composed to NFC here).
    Windows1258,
}

/// Every legacy encoding, in detection order.
pub const LEGACY_ENCODINGS: [Legacy; 4] = [
    Legacy::Tcvn3,
    Legacy::Vni,
    Legacy::Viscii,
    Legacy::Windows1258,
];

/// TCVN3 (TCVN 5712:1993 VN3) bytes 0x80-0xFF, from glibc's `TCVN5712-1` table.
const TCVN3_HIGH: [char; 128] = [
    'À', 'Ả', 'Ã', 'Á', 'Ạ', 'Ặ', 'Ậ', 'È', 'Ẻ', 'Ẽ', 'É', 'Ẹ', 'Ệ', 'Ì', 'Ỉ', 'Ĩ', 'Í', 'Ị', 'Ò',
    'Ỏ', 'Õ', 'Ó', 'Ọ', 'Ộ', 'Ờ', 'Ở', 'Ỡ', 'Ớ', 'Ợ', 'Ù', 'Ủ', 'Ũ', '\u{00a0}', 'Ă', 'Â', 'Ê',
    'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ', '\u{0300}', '\u{0309}', '\u{0303}',
    '\u{0301}', '\u{0323}', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ', 'ẵ', 'ắ', 'Ẵ', 'Ắ', 'Ầ', 'Ẩ',
    'Ẫ', 'Ấ', 'Ề', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ', 'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế',
    'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í', 'ị', 'ò', 'Ổ', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố',
    'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù', 'Ỗ', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ',
    'ỹ', 'ý', 'ỵ', 'Ố',
];

/// VISCII (RFC 1456) bytes 0x80-0xFF, from glibc's `VISCII` table.
const VISCII_HIGH: [char; 128] = [
    'Ạ', 'Ắ', 'Ằ', 'Ặ', 'Ấ', 'Ầ', 'Ẩ', 'Ậ', 'Ẽ', 'Ẹ', 'Ế', 'Ề', 'Ể', 'Ễ', 'Ệ', 'Ố', 'Ồ', 'Ổ', 'Ỗ',
    'Ộ', 'Ợ', 'Ớ', 'Ờ', 'Ở', 'Ị', 'Ỏ', 'Ọ', 'Ỉ', 'Ủ', 'Ũ', 'Ụ', 'Ỳ', 'Õ', 'ắ', 'ằ', 'ặ', 'ấ', 'ầ',
    'ẩ', 'ậ', 'ẽ', 'ẹ', 'ế', 'ề', 'ể', 'ễ', 'ệ', 'ố', 'ồ', 'ổ', 'ỗ', 'Ỡ', 'Ơ', 'ộ', 'ờ', 'ở', 'ị',
    'Ự', 'Ứ', 'Ừ', 'Ử', 'ơ', 'ớ', 'Ư', 'À', 'Á', 'Â', 'Ã', 'Ả', 'Ă', 'ẳ', 'ẵ', 'È', 'É', 'Ê', 'Ẻ',
    'Ì', 'Í', 'Ĩ', 'ỳ', 'Đ', 'ứ', 'Ò', 'Ó', 'Ô', 'ạ', 'ỷ', 'ừ', 'ử', 'Ù', 'Ú', 'ỹ', 'ỵ', 'Ý', 'ỡ',
    'ư', 'à', 'á', 'â', 'ã', 'ả', 'ă', 'ữ', 'ẫ', 'è', 'é', 'ê', 'ẻ', 'ì', 'í', 'ĩ', 'ỉ', 'đ', 'ự',
    'ò', 'ó', 'ô', 'õ', 'ỏ', 'ọ', 'ụ', 'ù', 'ú', 'ũ', 'ủ', 'ý', 'ợ', 'Ữ',
];

/// VISCII letters in the C0 range.
const VISCII_LOW: [(u8, char); 6] = [
    (0x02, 'Ẳ'),
    (0x05, 'Ẵ'),
    (0x06, 'Ẫ'),
    (0x14, 'Ỷ'),
    (0x19, 'Ỹ'),
    (0x1e, 'Ỵ'),
];

/// VNI mark characters (as windows-1252) → (hat/breve: 0 none, 1 hat, 2 breve; tone).
fn vni_mark(c: char) -> Option<(u8, u8)> {
    use crate::letters::{
        TONE_ACUTE as S, TONE_DOT as J, TONE_GRAVE as F, TONE_HOOK as R, TONE_NONE as N,
        TONE_TILDE as X,
    };
    Some(match c.to_lowercase().next().unwrap_or(c) {
        'ù' => (0, S),
        'ø' => (0, F),
        'û' => (0, R),
        'õ' => (0, X),
        'ï' => (0, J),
        'â' => (1, N),
        'á' => (1, S),
        'à' => (1, F),
        'å' => (1, R),
        'ã' => (1, X),
        'ä' => (1, J),
        'ê' => (2, N),
        'é' => (2, S),
        'è' => (2, F),
        'ú' => (2, R),
        'ü' => (2, X),
        'ë' => (2, J),
        _ => return None,
    })
}

/// Converts text that holds VNI bytes read as windows-1252 to Unicode.
fn vni_to_unicode(text: &str) -> String {
    use crate::letters::{TONE_DOT, TONE_NONE, with_tone};
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let upper = c.is_uppercase();
        let lower = c.to_lowercase().next().unwrap_or(c);
        // Base letters that take a mark byte: a e o u y, ô (=ơ), ö (=ư).
        let base = match lower {
            'a' | 'e' | 'o' | 'u' | 'y' => Some(lower),
            'ô' => Some('ơ'),
            'ö' => Some('ư'),
            _ => None,
        };
        if let Some(base) = base {
            let mark = chars.get(i + 1).copied().and_then(vni_mark);
            let (letter, used) = match (base, mark) {
                ('a', Some((2, t))) => (with_tone('ă', t), 2),
                ('a' | 'e' | 'o', Some((1, t))) => {
                    let hat = match base {
                        'a' => 'â',
                        'e' => 'ê',
                        _ => 'ô',
                    };
                    (with_tone(hat, t), 2)
                }
                (_, Some((0, t))) if t != TONE_NONE => (with_tone(base, t), 2),
                _ => (base, 1),
            };
            push_case(&mut out, letter, upper);
            i += used;
            continue;
        }
        let single = match lower {
            'ñ' => Some('đ'),
            'æ' => Some(with_tone('i', crate::letters::TONE_HOOK)),
            'ó' => Some(with_tone('i', crate::letters::TONE_TILDE)),
            'ò' => Some(with_tone('i', TONE_DOT)),
            'î' => Some(with_tone('y', TONE_DOT)),
            _ => None,
        };
        match single {
            Some(l) => push_case(&mut out, l, upper),
            None => out.push(c),
        }
        i += 1;
    }
    out
}

fn push_case(out: &mut String, letter: char, upper: bool) {
    if upper {
        out.extend(letter.to_uppercase());
    } else {
        out.push(letter);
    }
}

impl Legacy {
    /// The encoding's name: `TCVN3`, `VNI`, `VISCII`, `windows-1258`.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3",
            Legacy::Vni => "VNI",
            Legacy::Viscii => "VISCII",
            Legacy::Windows1258 => "windows-1258",
        }
    }

    /// Decodes bytes in this encoding to NFC text.
    pub fn decode(self, bytes: &[u8]) -> String {
        let text = match self {
            Legacy::Tcvn3 => bytes
                .iter()
                .map(|&b| {
                    if b < 0x80 {
                        char::from(b)
                    } else {
                        TCVN3_HIGH[usize::from(b - 0x80)]
                    }
                })
                .collect(),
            Legacy::Viscii => bytes
                .iter()
                .map(|&b| {
                    if b >= 0x80 {
                        VISCII_HIGH[usize::from(b - 0x80)]
                    } else {
                        VISCII_LOW
                            .iter()
                            .find(|(k, _)| *k == b)
                            .map_or(char::from(b), |(_, c)| *c)
                    }
                })
                .collect(),
            Legacy::Vni => {
                // windows-1252 maps every byte to one character: what a browser showed.
                vni_to_unicode(&encoding_rs::WINDOWS_1252.decode(bytes).0)
            }
            Legacy::Windows1258 => encoding_rs::WINDOWS_1258.decode(bytes).0.into_owned(),
        };
        to_nfc(text)
    }
}

impl fmt::Display for Legacy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Legacy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "tcvn3" | "tcvn" | "abc" | "vn3" | "tcvn5712" => Ok(Legacy::Tcvn3),
            "vni" | "vniwindows" => Ok(Legacy::Vni),
            "viscii" => Ok(Legacy::Viscii),
            "windows1258" | "cp1258" => Ok(Legacy::Windows1258),
            _ => Err(Error::UnknownLegacy(s.to_owned())),
        }
    }
}

/// The share of words in `text` that are valid Vietnamese syllables, and the word count.
/// Words are maximal runs of alphabetic characters (and combining marks).
pub fn valid_syllable_ratio(text: &str) -> (f64, usize) {
    let mut total = 0usize;
    let mut valid = 0usize;
    for word in text
        .split(|c: char| !(c.is_alphabetic() || crate::normalize::is_combining(c)))
        .filter(|w| !w.is_empty())
    {
        total += 1;
        let lower: String = crate::normalize::normalize(word);
        if crate::is_valid_syllable(&lower) {
            valid += 1;
        }
    }
    if total == 0 {
        return (0.0, 0);
    }
    // Word counts are far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let ratio = valid as f64 / total as f64;
    (ratio, total)
}

/// How much better (in valid-syllable share) a converter must do than the first decoding.
const MARGIN: f64 = 0.15;
/// The least valid-syllable share a converted text must reach.
const MIN_RATIO: f64 = 0.5;

/// Picks the legacy encoding whose conversion of `bytes` has clearly more valid syllables
/// than `baseline` (the text as first decoded). Returns the converted text and the encoding.
pub fn detect_legacy(bytes: &[u8], baseline: &str) -> Option<(String, Legacy)> {
    if bytes.is_ascii() {
        return None;
    }
    let (base_ratio, _) = valid_syllable_ratio(baseline);
    let mut best: Option<(f64, String, Legacy)> = None;
    for enc in LEGACY_ENCODINGS {
        let text = enc.decode(bytes);
        let (ratio, words) = valid_syllable_ratio(&text);
        if words == 0 {
            continue;
        }
        if best.as_ref().is_none_or(|(r, _, _)| ratio > *r) {
            best = Some((ratio, text, enc));
        }
    }
    let (ratio, text, enc) = best?;
    let (_, words) = valid_syllable_ratio(&text);
    (words >= 2 && ratio >= MIN_RATIO && ratio >= base_ratio + MARGIN && text != baseline)
        .then_some((text, enc))
}

/// Repairs text that was decoded as windows-1252/Latin-1 although it held legacy bytes
/// (`NghÞ quyÕt`, `Uû ban nh©n d©n`): re-encodes it to bytes and runs [`detect_legacy`].
/// `None` if the text has characters outside windows-1252 or no converter does better.
pub fn repair_mojibake(text: &str) -> Option<(String, Legacy)> {
    if text.is_ascii() {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    detect_legacy(&bytes, text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn tcvn3_doc_examples() {
        assert_eq!(
            Legacy::Tcvn3.decode(b"Ngh\xDE quy\xD5t \xAE\xB5 n\xB5ng"),
            "Nghị quyết đà nàng"
        );
        // Specimen from a document listing on docplayer.vn: then R5 applies.
        let bytes = encoding_rs::WINDOWS_1252.encode("Uû ban nh©n d©n").0;
        let text = Legacy::Tcvn3.decode(&bytes);
        assert_eq!(text, "Uỷ ban nhân dân");
        assert_eq!(crate::normalize(&text), "uỷ ban nhân dân");
    }

    #[test]
    fn vni_doc_examples() {
        let vni = |s: &str| Legacy::Vni.decode(&encoding_rs::WINDOWS_1252.encode(s).0);
        assert_eq!(vni("Tieáng Vieät"), "Tiếng Việt");
        assert_eq!(vni("saéc huyeàn"), "sắc huyền");
        assert_eq!(vni("ñöôøng"), "đường");
        assert_eq!(vni("Ñaûng boä"), "Đảng bộ");
        assert_eq!(vni("UÛY BAN NHAÂN DAÂN"), "ỦY BAN NHÂN DÂN");
        assert_eq!(
            vni("khoûe maïnh, kyõ thuaät, lòch söû"),
            "khỏe mạnh, kỹ thuật, lịch sử"
        );
    }

    /// Encodes text the way windows-1258 stores it: precomposed base letters (`ê`, `ư`) plus
    /// combining tone marks.
    pub(crate) fn cp1258_bytes(text: &str) -> Vec<u8> {
        let mut split = String::new();
        for c in text.chars() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            match crate::letters::split_tone(lower) {
                Some((base, tone)) if tone != 0 => {
                    if c.is_uppercase() {
                        split.extend(base.to_uppercase());
                    } else {
                        split.push(base);
                    }
                    split.push(
                        ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}']
                            [usize::from(tone - 1)],
                    );
                }
                _ => split.push(c),
            }
        }
        let (bytes, _, bad) = encoding_rs::WINDOWS_1258.encode(&split);
        assert!(!bad, "{text} is not encodable");
        bytes.into_owned()
    }

    #[test]
    fn viscii_and_cp1258() {
        // "Nghị quyết" in VISCII: ị = 0xB8, ế = 0xAA.
        assert_eq!(Legacy::Viscii.decode(b"Ngh\xB8 quy\xAAt"), "Nghị quyết");
        // windows-1258 uses combining marks: decoded text comes out composed (R1.2).
        let bytes = cp1258_bytes("Nghị quyết Ủy ban");
        assert_eq!(bytes.len(), 20);
        let text = Legacy::Windows1258.decode(&bytes);
        assert_eq!(text, "Nghị quyết Ủy ban");
        assert_eq!(text.chars().count(), 17);
    }

    #[test]
    fn detection_picks_the_right_converter() {
        let tcvn = b"Ngh\xDE quy\xD5t v\xD2 x\xA9y d\xF9ng n\xABng th\xABn m\xEDi";
        let (_, enc) = detect_legacy(tcvn, &Legacy::Windows1258.decode(tcvn)).expect("tcvn3");
        assert_eq!(enc, Legacy::Tcvn3);
        let vni = encoding_rs::WINDOWS_1252
            .encode("Nghò quyeát veà xaây döïng noâng thoân môùi")
            .0;
        let (text, enc) = detect_legacy(&vni, &Legacy::Windows1258.decode(&vni)).expect("vni");
        assert_eq!(
            (text.as_str(), enc),
            ("Nghị quyết về xây dựng nông thôn mới", Legacy::Vni)
        );
        let (text, enc) = repair_mojibake("Uû ban nh©n d©n huyÖn Than Uyªn").expect("repair");
        assert_eq!(
            (text.as_str(), enc),
            ("Uỷ ban nhân dân huyện Than Uyên", Legacy::Tcvn3)
        );
        // Proper Unicode and plain English are left alone.
        assert!(repair_mojibake("Nghị quyết về xây dựng nông thôn mới").is_none());
        assert!(repair_mojibake("Café au lait, s'il vous plaît").is_none());
    }

    #[test]
    fn names_parse() {
        assert_eq!("tcvn3".parse::<Legacy>(), Ok(Legacy::Tcvn3));
        assert_eq!("VNI-Windows".parse::<Legacy>(), Ok(Legacy::Vni));
        assert!("latin-9".parse::<Legacy>().is_err());
        assert_eq!(Legacy::Windows1258.to_string(), "windows-1258");
    }
}
