//! Text of DOCX/ODT attachments: a minimal ZIP reader (central directory, stored or deflated
//! members) and the paragraphs of `word/document.xml` / `content.xml`. Legacy binary `.doc`
//! files are not read (their text is left empty).

use std::io::Read;

fn u16_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize)
}

/// Reads one member of a ZIP archive by name.
pub fn zip_member(zip: &[u8], wanted: &str) -> Option<Vec<u8>> {
    // End of central directory: signature 0x06054b50 within the last 64 KiB.
    let start = zip.len().saturating_sub(65_557);
    let eocd = (start..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let entries = u16_at(zip, eocd + 10)?;
    let mut p = u32_at(zip, eocd + 16)?;
    for _ in 0..entries {
        if zip.get(p..p + 4)? != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let method = u16_at(zip, p + 10)?;
        let csize = u32_at(zip, p + 20)?;
        let name_len = u16_at(zip, p + 28)?;
        let extra_len = u16_at(zip, p + 30)?;
        let comment_len = u16_at(zip, p + 32)?;
        let local = u32_at(zip, p + 42)?;
        let name = zip.get(p + 46..p + 46 + name_len)?;
        if name == wanted.as_bytes() {
            if zip.get(local..local + 4)? != [0x50, 0x4b, 0x03, 0x04] {
                return None;
            }
            let data_start = local + 30 + u16_at(zip, local + 26)? + u16_at(zip, local + 28)?;
            let data = zip.get(data_start..data_start + csize)?;
            return match method {
                0 => Some(data.to_vec()),
                8 => {
                    let mut out = Vec::new();
                    flate2::read::DeflateDecoder::new(data)
                        .take(200 * 1024 * 1024)
                        .read_to_end(&mut out)
                        .ok()?;
                    Some(out)
                }
                _ => None,
            };
        }
        p += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// Paragraph text of WordprocessingML / ODF XML: text nodes joined, a line per paragraph.
fn xml_paragraphs(xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let n = e.name();
                let name = n.as_ref();
                in_text = matches!(name, b"w:t" | b"text:span" | b"text:p" | b"text:h");
            }
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"w:tab" | b"text:tab" => out.push('\t'),
                b"w:br" | b"text:line-break" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => out.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    out.push_str(match r.as_ref() {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(e)) => {
                if matches!(e.name().as_ref(), b"w:p" | b"text:p" | b"text:h")
                    && !out.ends_with('\n')
                {
                    out.push('\n');
                }
                in_text = !matches!(e.name().as_ref(), b"w:t" | b"text:p" | b"text:h") && in_text;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The text of a DOCX or ODT file, `None` when it is not one.
pub fn extract_text(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let xml =
        zip_member(bytes, "word/document.xml").or_else(|| zip_member(bytes, "content.xml"))?;
    let text = xml_paragraphs(&String::from_utf8_lossy(&xml));
    use unicode_normalization::UnicodeNormalization;
    Some(text.nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Builds a one-member ZIP (deflated).
    fn zip(name: &str, content: &[u8]) -> Vec<u8> {
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(content).unwrap();
        let data = enc.finish().unwrap();
        let mut z = Vec::new();
        let local = z.len();
        z.extend_from_slice(&[
            0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(content.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(&data);
        let cd = z.len();
        z.extend_from_slice(&[
            0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(content.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0; 12]);
        z.extend_from_slice(&(local as u32).to_le_bytes());
        z.extend_from_slice(name.as_bytes());
        let cd_len = z.len() - cd;
        z.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
        z.extend_from_slice(&(cd_len as u32).to_le_bytes());
        z.extend_from_slice(&(cd as u32).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        z
    }

    #[test]
    fn docx_paragraphs() {
        let xml = r#"<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>Điều 1. Phê chuẩn</w:t></w:r><w:r><w:t xml:space="preserve"> dự toán &amp; ngân sách</w:t></w:r></w:p><w:p><w:r><w:t>Điều 2.</w:t></w:r></w:p></w:body></w:document>"#;
        let docx = zip("word/document.xml", xml.as_bytes());
        assert_eq!(
            extract_text(&docx).unwrap(),
            "Điều 1. Phê chuẩn dự toán & ngân sách\nĐiều 2."
        );
        assert_eq!(extract_text(b"%PDF-1.4"), None);
        assert_eq!(zip_member(&docx, "missing.xml"), None);
    }
}
