//! Minimal PDF text extraction for document attachments: content streams (raw or
//! FlateDecode), text operators (`Tj`, `TJ`, `'`, `"`, `T*`, `Td`), and `ToUnicode` CMaps
//! (`bfchar`/`bfrange`, merged over the file). A PDF with no text operators is a scan.
//!
//! This covers simple generated PDFs (one-byte or two-byte codes); complex files (object
//! streams, per-font clashing CMaps, encrypted files) yield partial text or none.

use std::collections::HashMap;
use std::io::Read;

use unicode_normalization::UnicodeNormalization;

/// Text stored for an attachment whose PDF has no text layer (a scan).
pub const SCANNED_MARK: &str = "[PDF quét, không có lớp chữ]";

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// `(dictionary, decoded stream)` for every stream object.
fn streams(pdf: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(s) = find(pdf, b"stream", pos) {
        // Skip "endstream".
        if s >= 3 && &pdf[s - 3..s] == b"end" {
            pos = s + 6;
            continue;
        }
        let dict_start = pdf[..s].windows(2).rposition(|w| w == b"<<").unwrap_or(s);
        let dict = String::from_utf8_lossy(&pdf[dict_start..s]).into_owned();
        let mut data_start = s + 6;
        if pdf.get(data_start) == Some(&b'\r') {
            data_start += 1;
        }
        if pdf.get(data_start) == Some(&b'\n') {
            data_start += 1;
        }
        let Some(end) = find(pdf, b"endstream", data_start) else {
            break;
        };
        let mut data = pdf[data_start..end].to_vec();
        while data.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            data.pop();
        }
        if dict.contains("/FlateDecode") {
            let mut dec = Vec::new();
            if flate2::read::ZlibDecoder::new(&data[..])
                .read_to_end(&mut dec)
                .is_ok()
            {
                data = dec;
            } else {
                pos = end + 9;
                continue;
            }
        }
        out.push((dict, data));
        pos = end + 9;
    }
    out
}

fn hex_bytes(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|c| {
            let hi = (c[0] as char).to_digit(16).unwrap_or(0) as u8;
            let lo = c
                .get(1)
                .map(|d| (*d as char).to_digit(16).unwrap_or(0) as u8)
                .unwrap_or(0);
            hi * 16 + lo
        })
        .collect()
}

fn utf16_hex(s: &str) -> String {
    let b = hex_bytes(s);
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// Parses `bfchar` and `bfrange` sections of a ToUnicode CMap.
fn parse_cmap(text: &str, map: &mut HashMap<Vec<u8>, String>) {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    let hex = |t: &str| {
        t.strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .map(str::to_string)
    };
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let (Some(src), Some(dst)) = (hex(tokens[i]), hex(tokens[i + 1])) {
                        map.insert(hex_bytes(&src), utf16_hex(&dst));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (Some(lo), Some(hi)) = (hex(tokens[i]), hex(tokens[i + 1])) else {
                        i += 1;
                        continue;
                    };
                    let lo_b = hex_bytes(&lo);
                    let width = lo_b.len();
                    let to_num = |b: &[u8]| b.iter().fold(0u32, |a, x| (a << 8) | u32::from(*x));
                    let (l, h) = (to_num(&lo_b), to_num(&hex_bytes(&hi)));
                    if let Some(dst) = hex(tokens[i + 2]) {
                        let base: Vec<u16> = {
                            let b = hex_bytes(&dst);
                            b.chunks(2)
                                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                                .collect()
                        };
                        for (n, code) in (l..=h.min(l + 65535)).enumerate() {
                            let mut units = base.clone();
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(n as u16);
                            }
                            let key = code.to_be_bytes()[4 - width.min(4)..].to_vec();
                            map.insert(key, String::from_utf16_lossy(&units));
                        }
                        i += 3;
                    } else {
                        // Array form: skip to the closing bracket.
                        while i < tokens.len() && !tokens[i].ends_with(']') {
                            i += 1;
                        }
                        i += 1;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn decode_string(bytes: &[u8], cmap: &HashMap<Vec<u8>, String>, out: &mut String) {
    if cmap.is_empty() {
        out.extend(bytes.iter().map(|b| *b as char));
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        if let Some(s) = cmap.get(&bytes[i..i + 1]) {
            out.push_str(s);
            i += 1;
        } else if let Some(s) = bytes.get(i..i + 2).and_then(|k| cmap.get(k)) {
            out.push_str(s);
            i += 2;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
}

/// Reads a literal string `( … )` starting after `(`; returns bytes and the index after `)`.
fn literal(data: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut depth = 1;
    let mut out = Vec::new();
    while i < data.len() {
        let c = data[i];
        match c {
            b'\\' => {
                i += 1;
                let Some(&e) = data.get(i) else { break };
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = 0u32;
                        let mut n = 0;
                        while n < 3 && i < data.len() && (b'0'..=b'7').contains(&data[i]) {
                            v = v * 8 + u32::from(data[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    b'\n' | b'\r' => {}
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    (out, i)
}

fn content_text(data: &[u8], cmap: &HashMap<Vec<u8>, String>, out: &mut String) -> bool {
    let mut found = false;
    let mut i = 0;
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut word = Vec::new();
    let flush_line = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    while i < data.len() {
        let c = data[i];
        if c == b'(' {
            let (s, next) = literal(data, i + 1);
            pending.push(s);
            i = next;
            continue;
        }
        if c == b'<' && data.get(i + 1) != Some(&b'<') {
            let end = data[i..]
                .iter()
                .position(|b| *b == b'>')
                .map(|p| p + i)
                .unwrap_or(data.len());
            pending.push(hex_bytes(&String::from_utf8_lossy(&data[i + 1..end])));
            i = end + 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'\'' || c == b'"' || c == b'*' {
            word.clear();
            while i < data.len()
                && (data[i].is_ascii_alphabetic()
                    || data[i] == b'*'
                    || data[i] == b'\''
                    || data[i] == b'"')
            {
                word.push(data[i]);
                i += 1;
            }
            match word.as_slice() {
                b"Tj" | b"TJ" => {
                    found = true;
                    for s in pending.drain(..) {
                        decode_string(&s, cmap, out);
                    }
                }
                b"'" | b"\"" => {
                    found = true;
                    flush_line(out);
                    for s in pending.drain(..) {
                        decode_string(&s, cmap, out);
                    }
                }
                b"T*" | b"Td" | b"TD" | b"Tm" | b"ET" => {
                    pending.clear();
                    flush_line(out);
                }
                _ => pending.clear(),
            }
            continue;
        }
        i += 1;
    }
    found
}

/// The text layer of a PDF, NFC; `None` when the file has no text operators (a scan) or is
/// not a PDF.
pub fn extract_text(pdf: &[u8]) -> Option<String> {
    if !pdf.starts_with(b"%PDF") {
        return None;
    }
    let all = streams(pdf);
    let mut cmap = HashMap::new();
    for (_, data) in &all {
        if find(data, b"begincmap", 0).is_some() {
            parse_cmap(&String::from_utf8_lossy(data), &mut cmap);
        }
    }
    let mut out = String::new();
    let mut found = false;
    for (dict, data) in &all {
        if dict.contains("/Image")
            || find(data, b"begincmap", 0).is_some()
            || find(data, b"BT", 0).is_none()
        {
            continue;
        }
        found |= content_text(data, &cmap, &mut out);
        if !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
    }
    if !found {
        return None;
    }
    let text: String = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    Some(text.trim().nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple_pdf(content: &str, cmap: Option<&str>) -> Vec<u8> {
        let mut s = String::from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
        if let Some(c) = cmap {
            s.push_str(&format!(
                "4 0 obj\n<< /Length {} >>\nstream\n{c}\nendstream\nendobj\n",
                c.len()
            ));
        }
        s.push_str(&format!(
            "6 0 obj\n<< /Length {} >>\nstream\n{content}\nendstream\nendobj\n%%EOF\n",
            content.len()
        ));
        s.into_bytes()
    }

    #[test]
    fn literal_strings() {
        let pdf = simple_pdf(
            "BT /F1 10 Tf 50 800 Td (Nghi quyet \\(so 140\\)) Tj T* (Dong hai) Tj ET",
            None,
        );
        assert_eq!(extract_text(&pdf).unwrap(), "Nghi quyet (so 140)\nDong hai");
    }

    #[test]
    fn tounicode_cmap() {
        let cmap = "begincmap\n2 beginbfchar\n<21> <004E>\n<22> <1EBF>\nendbfchar\n1 beginbfrange\n<30> <32> <0061>\nendbfrange\nendcmap";
        let pdf = simple_pdf("BT <212230313220> Tj ET", Some(cmap));
        assert_eq!(extract_text(&pdf).unwrap(), "Nếabc");
    }

    #[test]
    fn flate_streams_and_scans() {
        use flate2::{Compression, write::ZlibEncoder};
        use std::io::Write;
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(b"BT (Quyet dinh) Tj ET").unwrap();
        let data = enc.finish().unwrap();
        let mut pdf =
            b"%PDF-1.4\n5 0 obj\n<< /Filter /FlateDecode /Length 10 >>\nstream\n".to_vec();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert_eq!(extract_text(&pdf).unwrap(), "Quyet dinh");
        let scan = simple_pdf("q 495 0 0 700 50 70 cm /Im1 Do Q", None);
        assert_eq!(extract_text(&scan), None);
        assert_eq!(extract_text(b"not a pdf"), None);
    }
}
