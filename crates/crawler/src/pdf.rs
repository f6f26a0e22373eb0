//! Text of born-digital PDF attachments, page by page, read by poppler's `pdftotext`
//! (object and cross-reference streams, Type0/CID fonts, Form XObjects and encrypted files are
//! poppler's business). Text from legacy Vietnamese fonts (VNI-Times, .VnTime) is converted to
//! Unicode with the `vietnamese` crate; pages with almost no text are scans, left to the OCR.

use std::time::Duration;

use unicode_normalization::UnicodeNormalization;

use crate::tool::{self, ToolError};

/// Text stored for an attachment whose PDF has no text layer and was not OCRed (yet).
pub const SCANNED_MARK: &str = "[PDF quét, không có lớp chữ, đang chờ nhận dạng chữ (OCR)]";

/// A page with fewer letters and digits than this is a scanned page (decided by outcome).
pub const MIN_PAGE_CHARS: usize = 40;

/// How long `pdftotext` may take for one file.
const LIMIT: Duration = Duration::from_secs(120);

/// The text of each page of a PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfText {
    /// One string per page, in order.
    pub pages: Vec<String>,
}

impl PdfText {
    /// 1-based numbers of the pages with (almost) no text layer.
    pub fn scanned_pages(&self) -> Vec<usize> {
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| !has_text(p))
            .map(|(i, _)| i + 1)
            .collect()
    }
}

/// Whether a page's text is more than stray characters (page numbers, a seal's letters).
pub fn has_text(page: &str) -> bool {
    page.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_PAGE_CHARS
}

/// Reads the text layer of every page of `pdf` with `pdftotext -raw` (content-stream order,
/// which keeps the columns of a two-column page apart; see the README for the measurement).
pub fn extract(pdf: &[u8]) -> Result<PdfText, ToolError> {
    let out = tool::run(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", "-q", "-", "-"],
        Some(pdf),
        LIMIT,
    )?;
    let text = String::from_utf8_lossy(&out);
    let mut pages: Vec<String> = text.split('\u{c}').map(clean_page).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.len() > 1 && pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    Ok(PdfText { pages })
}

/// NFC, legacy-font text converted, trailing spaces and blank runs removed.
fn clean_page(page: &str) -> String {
    let page: String = page.nfc().collect();
    let page = match vietnamese::repair_mojibake(&page) {
        Some((fixed, _)) => fixed,
        None => page,
    };
    let mut out = String::new();
    let mut blank = false;
    for line in page.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_and_scans_found() {
        let long = "Điều 1. Phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024";
        assert!(has_text(long));
        assert!(!has_text("  - 2 -  "));
        let text = PdfText {
            pages: vec![long.to_string(), "3".to_string()],
        };
        assert_eq!(text.scanned_pages(), vec![2]);
        assert_eq!(clean_page("a  \n\n\n b\n\n"), "a\n\n b");
    }

    #[test]
    fn legacy_font_text_is_converted() {
        // A .VnTime (TCVN3) font without ToUnicode: pdftotext gives windows-1252 characters.
        assert_eq!(clean_page("NghÞ quyÕt"), "Nghị quyết");
    }
}
