//! The test kit's one PDF writer: text pages in one standard font re-encoded through a
//! `ToUnicode` CMap (so Vietnamese text has a real, extractable text layer) and image pages
//! (scans, without a text layer), alone or mixed in one file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use image::RgbImage;

use crate::error::{Error, Result};

/// One page of a generated PDF.
#[derive(Debug, Clone)]
pub enum PdfPage {
    /// Lines of text, top to bottom (already wrapped to the page).
    Text(Vec<String>),
    /// A picture covering the page, as a scanner writes it.
    Image(PdfImage),
}

/// An image XObject and how it is placed on its page.
#[derive(Debug, Clone)]
pub struct PdfImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The stream's filter (`/DCTDecode` for JPEG data, `/ASCIIHexDecode` for hex).
    pub filter: &'static str,
    /// The encoded stream data.
    pub data: Vec<u8>,
    /// The page's content stream drawing it as `/Im1`.
    pub content: String,
}

impl PdfImage {
    /// A scanned page: `page` as JPEG of `quality`, covering an A4 page.
    pub fn jpeg(page: &RgbImage, quality: u8) -> Result<Self> {
        let mut data = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, quality)
            .encode_image(page)
            .map_err(|e| Error::Scan(format!("jpeg: {e}")))?;
        Ok(Self {
            width: page.width(),
            height: page.height(),
            filter: "/DCTDecode",
            data,
            content: "q 595 0 0 842 0 0 cm /Im1 Do Q\n".to_owned(),
        })
    }
}

/// Builds a PDF whose text layer is `lines` (word-wrapped, paginated).
pub fn text_pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut wrapped: Vec<String> = vec![title.to_string(), String::new()];
    for line in lines {
        wrapped.extend(wrap(line, 88));
        wrapped.push(String::new());
    }
    let pages: Vec<PdfPage> = wrapped
        .chunks(58)
        .map(|page| PdfPage::Text(page.to_vec()))
        .collect();
    write_pdf(&pages)
}

/// Builds an image-only PDF (a scanned page without a text layer) of a tiny grey picture.
pub fn scanned_pdf() -> Vec<u8> {
    let mut data = "808080".repeat(16).into_bytes();
    data.push(b'>');
    write_pdf(&[PdfPage::Image(PdfImage {
        width: 4,
        height: 4,
        filter: "/ASCIIHexDecode",
        data,
        content: "q 495 0 0 700 50 70 cm /Im1 Do Q\n".to_owned(),
    })])
}

/// Writes the pages as one PDF. Text pages share one font (object 3) and its `ToUnicode`
/// CMap (object 4), present only when some page is text; then each page is its page object,
/// its image (image pages), its content stream.
pub fn write_pdf(pages: &[PdfPage]) -> Vec<u8> {
    // Assign one byte code (0x21..=0xFF) per distinct character; space stays 0x20.
    let mut codes: BTreeMap<char, u8> = BTreeMap::new();
    let mut next: u16 = 0x21;
    let mut encode = |text: &str| -> String {
        let mut hex = String::new();
        for c in text.chars() {
            let code = if c == ' ' {
                0x20
            } else if let Some(code) = codes.get(&c) {
                *code
            } else if next <= 0xFF {
                let code = next as u8;
                codes.insert(c, code);
                next += 1;
                code
            } else {
                0x20
            };
            let _ = write!(hex, "{code:02X}");
        }
        hex
    };
    let contents: Vec<String> = pages
        .iter()
        .map(|page| match page {
            PdfPage::Text(lines) => {
                let mut stream = String::from("BT\n/F1 10 Tf\n13 TL\n50 800 Td\n");
                for line in lines {
                    let _ = writeln!(stream, "<{}> Tj T*", encode(line));
                }
                stream.push_str("ET\n");
                stream
            }
            PdfPage::Image(image) => image.content.clone(),
        })
        .collect();
    let has_text = pages.iter().any(|p| matches!(p, PdfPage::Text(_)));

    let mut objects: Vec<Vec<u8>> = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    // Object numbers of each page's page object.
    let mut number = if has_text { 5 } else { 3 };
    let page_numbers: Vec<usize> = pages
        .iter()
        .map(|p| {
            let n = number;
            number += if matches!(p, PdfPage::Image(_)) { 3 } else { 2 };
            n
        })
        .collect();
    let kids: Vec<String> = page_numbers.iter().map(|n| format!("{n} 0 R")).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    if has_text {
        let widths = vec!["556"; 224].join(" ");
        objects.push(format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 /Widths [{widths}] /ToUnicode 4 0 R >>"
        ).into_bytes());
        let cmap = to_unicode_cmap(&codes);
        objects.push(format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()).into_bytes());
    }
    for ((page, content), n) in pages.iter().zip(&contents).zip(page_numbers) {
        match page {
            PdfPage::Text(_) => objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                n + 1
            ).into_bytes()),
            PdfPage::Image(image) => {
                objects.push(format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 {} 0 R >> >> /Contents {} 0 R >>",
                    n + 1,
                    n + 2
                ).into_bytes());
                let mut object = format!(
                    "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter {} /Length {} >>\nstream\n",
                    image.width,
                    image.height,
                    image.filter,
                    image.data.len()
                )
                .into_bytes();
                object.extend_from_slice(&image.data);
                object.extend_from_slice(b"\nendstream");
                objects.push(object);
            }
        }
        objects.push(
            format!(
                "<< /Length {} >>\nstream\n{content}endstream",
                content.len()
            )
            .into_bytes(),
        );
    }
    assemble(&objects)
}

/// The `ToUnicode` CMap of the byte codes given to characters (space is `0x20`).
fn to_unicode_cmap(codes: &BTreeMap<char, u8>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n",
    );
    let mut entries: Vec<(u8, char)> = codes.iter().map(|(c, code)| (*code, *c)).collect();
    entries.push((0x20, ' '));
    entries.sort();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (code, c) in chunk {
            let mut utf16 = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut utf16)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{code:02X}> <{units}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

fn assemble(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pdf_is_well_formed_and_maps_vietnamese() {
        let pdf = text_pdf(
            "Nghị quyết 140/NQ-HĐND",
            &["Ủy ban nhân dân huyện".to_string()],
        );
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.contains("/ToUnicode 4 0 R"));
        // 'Đ' is U+0110 and must be mapped in the CMap.
        assert!(text.contains("<0110>"));
        assert!(text.trim_end().ends_with("%%EOF"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .expect("startxref");
        assert_eq!(&pdf[startxref..startxref + 4], b"xref");
    }

    #[test]
    fn scanned_pdf_has_no_text_operators() {
        let text = String::from_utf8_lossy(&scanned_pdf()).into_owned();
        assert!(!text.contains("Tj"));
        assert!(text.contains("/Subtype /Image"));
    }
}
