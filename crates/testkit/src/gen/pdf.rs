//! A tiny hand-written PDF writer: one standard font re-encoded through a `ToUnicode` CMap so
//! that Vietnamese text has a real, extractable text layer; plus an image-only "scanned" PDF.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Builds a PDF whose text layer is `lines` (word-wrapped, paginated).
pub fn text_pdf(title: &str, lines: &[String]) -> Vec<u8> {
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
    let mut wrapped: Vec<String> = Vec::new();
    for line in std::iter::once(title.to_string()).chain(std::iter::once(String::new())) {
        wrapped.push(line);
    }
    for line in lines {
        wrapped.extend(wrap(line, 88));
        wrapped.push(String::new());
    }
    let pages: Vec<&[String]> = wrapped.chunks(58).collect();
    let mut contents = Vec::new();
    for page in &pages {
        let mut stream = String::from("BT\n/F1 10 Tf\n13 TL\n50 800 Td\n");
        for line in page.iter() {
            let _ = writeln!(stream, "<{}> Tj T*", encode(line));
        }
        stream.push_str("ET\n");
        contents.push(stream);
    }
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

    // Objects: 1 catalog, 2 pages, 3 font, 4 cmap, then (page, content) pairs.
    let n_pages = contents.len();
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_string());
    let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
        kids.join(" ")
    ));
    let widths = vec!["556"; 224].join(" ");
    objects.push(format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 /Widths [{widths}] /ToUnicode 4 0 R >>"
    ));
    objects.push(format!(
        "<< /Length {} >>\nstream\n{cmap}endstream",
        cmap.len()
    ));
    for (i, stream) in contents.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }
    assemble(&objects)
}

/// Builds an image-only PDF (a scanned page without a text layer).
pub fn scanned_pdf() -> Vec<u8> {
    let pixels = "808080".repeat(16);
    let image = format!(
        "<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /ASCIIHexDecode /Length {} >>\nstream\n{pixels}>\nendstream",
        pixels.len() + 1
    );
    let content = "q 495 0 0 700 50 70 cm /Im1 Do Q\n";
    let objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        image,
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    assemble(&objects)
}

fn assemble(objects: &[String]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
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
