//! R1: bytes to NFC text. The charset comes from the byte-order mark, then the HTTP
//! `Content-Type` charset, then a `<meta charset>` prescan of the first 1024 bytes, then
//! `chardetng` detection with the `vn` TLD hint. Valid UTF-8 is always trusted (R1.1). Text
//! from a single-byte charset is then checked for legacy Vietnamese encodings (TCVN3, VNI,
//! VISCII, windows-1258) with the valid-syllable heuristic of [`crate::legacy`], and UTF-8
//! text for legacy mojibake (`NghÞ quyÕt` → `Nghị quyết`).

use encoding_rs::Encoding;

use crate::legacy::{Legacy, detect_legacy, repair_mojibake};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Text decoded from bytes, with the name of the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text, in NFC.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8`, `windows-1258`, or the legacy encoding's name
    /// (`TCVN3`, `VNI`, `VISCII`) when one was detected.
    pub encoding: &'static str,
    /// The legacy Vietnamese encoding that was detected and converted, if any (R1.3-R1.6).
    pub legacy: Option<Legacy>,
}

/// The charset parameter of a `Content-Type` header value.
fn charset_param(value: &str) -> Option<&'static Encoding> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(v.trim().trim_matches(|c| c == '"' || c == '\'').as_bytes())
    })
}

/// A simplified HTML `<meta>` prescan of the first 1024 bytes: `<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">`.
pub(crate) fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(cs) = find(tag, b"charset") {
            let mut rest = &tag[cs + 7..];
            while let Some((&b, r)) = rest.split_first() {
                if b == b'=' || b == b' ' || b == b'"' || b == b'\'' {
                    rest = r;
                } else {
                    break;
                }
            }
            let label_end = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                // A page that says UTF-16 in ASCII bytes is not UTF-16 (HTML spec).
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
        from = end.max(start + 5);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Composes text to NFC unless it already is.
pub(crate) fn to_nfc(text: String) -> String {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        text.nfc().collect()
    }
}

/// Decodes bytes to NFC text (R1): BOM, then valid UTF-8, then the HTTP `Content-Type`
/// charset, then the `<meta>` prescan, then detection. Never fails: malformed sequences
/// become U+FFFD.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: to_nfc(text.into_owned()),
            encoding: enc.name(),
            legacy: None,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Some((fixed, legacy)) = repair_mojibake(text) {
            return Decoded {
                text: fixed,
                encoding: encoding_rs::UTF_8.name(),
                legacy: Some(legacy),
            };
        }
        return Decoded {
            text: to_nfc(text.to_owned()),
            encoding: encoding_rs::UTF_8.name(),
            legacy: None,
        };
    }
    let encoding = content_type
        .and_then(charset_param)
        .or_else(|| meta_charset(bytes))
        .unwrap_or_else(|| {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(Some(b"vn"), chardetng::Utf8Detection::Allow)
        });
    let (text, used, _) = encoding.decode(bytes);
    let text = to_nfc(text.into_owned());
    if used.is_single_byte()
        && let Some((converted, legacy)) = detect_legacy(bytes, &text)
    {
        return Decoded {
            text: converted,
            encoding: legacy.name(),
            legacy: Some(legacy),
        };
    }
    Decoded {
        text,
        encoding: used.name(),
        legacy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_bom() {
        let d = decode(
            "Nghị quyết".as_bytes(),
            Some("text/html; charset=iso-8859-1"),
        );
        assert_eq!(
            (d.text.as_str(), d.encoding, d.legacy),
            ("Nghị quyết", "UTF-8", None)
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Số".as_bytes());
        assert_eq!(decode(&bom, None).text, "Số");
        let utf16: Vec<u8> = [0xFF, 0xFE, b'a', 0, b'b', 0].to_vec();
        assert_eq!(decode(&utf16, None).text, "ab");
    }

    #[test]
    fn nfd_utf8_is_composed() {
        let nfd: String = "Nghị quyết".nfd().collect();
        assert_eq!(decode(nfd.as_bytes(), None).text, "Nghị quyết");
    }

    #[test]
    fn declared_windows_1258() {
        let bytes = crate::legacy::tests::cp1258_bytes("Nghị quyết Ủy ban nhân dân huyện");
        let d = decode(&bytes, Some("text/html; charset=windows-1258"));
        assert_eq!(d.text, "Nghị quyết Ủy ban nhân dân huyện");
        assert_eq!(d.encoding, "windows-1258");
        let meta = [
            b"<html><head><meta charset=\"windows-1258\"></head>".as_slice(),
            &bytes,
        ]
        .concat();
        assert_eq!(decode(&meta, None).encoding, "windows-1258");
        let meta = [
            b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>"
                .as_slice(),
            &bytes,
        ]
        .concat();
        assert!(
            decode(&meta, None)
                .text
                .ends_with("Nghị quyết Ủy ban nhân dân huyện")
        );
    }

    #[test]
    fn legacy_tcvn3_page_declared_latin1() {
        let bytes = b"<p>Ngh\xDE quy\xD5t v\xD2 x\xA9y d\xF9ng n\xABng th\xABn m\xEDi</p>";
        let d = decode(bytes, Some("text/html; charset=iso-8859-1"));
        assert_eq!(d.legacy, Some(Legacy::Tcvn3));
        assert_eq!(d.text, "<p>Nghị quyết về xây dựng nông thôn mới</p>");
    }

    #[test]
    fn legacy_mojibake_in_utf8() {
        let d = decode("Uû ban nh©n d©n huyÖn".as_bytes(), None);
        assert_eq!(
            (d.text.as_str(), d.legacy),
            ("Uỷ ban nhân dân huyện", Some(Legacy::Tcvn3))
        );
    }
}
