//! Text of office attachments: DOCX/ODT through the `zip` crate and the paragraphs of
//! `word/document.xml` / `content.xml`; legacy binary `.doc` (OLE2) files through `antiword`,
//! or an explicit "not read" mark when it is not installed.

use std::io::Read;
use std::time::Duration;

use unicode_normalization::UnicodeNormalization;

use crate::tool::{self, ToolError};

/// Text stored for a legacy `.doc` file that could not be read.
pub const DOC_NOT_READ: &str = "[Tệp .doc chưa đọc được]";

/// The start of an OLE2 compound file (legacy `.doc`, `.xls`).
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads one member of a ZIP archive by name (at most 200 MiB of it).
pub fn zip_member(zip: &[u8], wanted: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
    let file = archive.by_name(wanted).ok()?;
    let mut out = Vec::new();
    file.take(200 * 1024 * 1024).read_to_end(&mut out).ok()?;
    Some(out)
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
                    let name: &[u8] = r.as_ref();
                    out.push_str(match name {
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
    Some(text.nfc().collect())
}

/// Whether the bytes are a legacy OLE2 office file (`.doc`).
pub fn is_legacy_doc(bytes: &[u8]) -> bool {
    bytes.starts_with(OLE2_MAGIC)
}

/// The text of a legacy `.doc` file, read by `antiword` (UTF-8 output).
pub fn extract_doc(bytes: &[u8]) -> Result<String, ToolError> {
    // antiword reads a file, not stdin.
    let dir = std::env::temp_dir().join(format!("tracuu-doc-{}", uuid::Uuid::new_v4()));
    let io = |source| ToolError::Io {
        tool: "antiword".into(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let path = dir.join("file.doc");
    let result = std::fs::write(&path, bytes).map_err(io).and_then(|()| {
        tool::run(
            "antiword",
            &["-m", "UTF-8.txt", "-w", "0", &path.to_string_lossy()],
            None,
            Duration::from_secs(60),
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&result?).nfc().collect::<String>();
    Ok(text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Builds a one-member ZIP (deflated) with the `zip` crate.
    pub(crate) fn zip(name: &str, content: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(content).unwrap();
        w.finish().unwrap().into_inner()
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
