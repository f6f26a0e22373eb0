//! Reading attachments with the established tools: a born-digital PDF with a CID font and
//! object streams (poppler), a Word document (`zip` crate), a generated scan (Tesseract), and
//! the OCR benchmark's code on one document.

use std::path::PathBuf;

use crawler::convert::{self, FileKind};
use crawler::ocr::{Engine, OcrOptions};

#[path = "../../benches/ocr/eval.rs"]
#[allow(dead_code)]
mod eval;

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn bench_error_rates_and_phrases() {
    assert_eq!(
        eval::char_errors("Nghị quyết", "Nghi quyết", false),
        (1, 10)
    );
    assert_eq!(eval::char_errors("Nghị quyết", "Nghi quyết", true), (0, 10));
    let text = "Phê chuẩn dự toán ngân sách huyện.";
    assert!(eval::phrase_found("dự toán ngân sách huyện", text, false));
    assert!(eval::phrase_found("du toan ngan sach huyen", text, true));
    assert!(!eval::phrase_found("dự toán ngân sách xã", text, false));
}

#[test]
fn cid_font_pdf_with_object_streams_is_read_page_by_page() {
    let pdf = data("cid-objstm.pdf");
    // The file really is what the test claims: object streams and a Type0 font.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/ObjStm"), "object streams");
    let text = crawler::pdf::extract(&pdf).expect("pdftotext (poppler-utils) installed");
    assert_eq!(text.pages.len(), 2);
    assert!(
        text.pages[0].starts_with(
            "NGHỊ QUYẾT\nVề việc phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024"
        )
    );
    assert!(text.pages[0].contains("trách nhiệm của thanh niên; chính"));
    // Two columns: each column's sentence stays whole.
    let page2 = text.pages[1].replace('\n', " ");
    assert!(page2.contains("Ủy ban nhân dân huyện tổ chức thực hiện Nghị quyết này; Thường trực Hội đồng nhân dân huyện giám sát việc thực hiện."), "{page2}");
    assert!(
        page2.contains("Đồng bào các dân tộc thiểu số được ưu tiên hỗ trợ khuyến nông."),
        "{page2}"
    );
    assert!(text.scanned_pages().is_empty());
    let file = convert::read_born_digital(&pdf).unwrap().unwrap();
    assert_eq!(file.source, "pdf-text");
    assert_eq!(file.pages, Some(2));
    assert_eq!(file.text.matches('\u{c}').count(), 1);
}

#[test]
fn docx_made_by_word_tools_is_read() {
    let docx = data("phu-luc.docx");
    assert_eq!(convert::file_kind(&docx), FileKind::Zip);
    let file = convert::read_born_digital(&docx).unwrap().unwrap();
    assert_eq!(file.source, "docx");
    assert!(
        file.text.starts_with(
            "PHỤ LỤC\nDanh mục các công trình khởi công mới năm 2024 trên địa bàn huyện Than Uyên."
        ),
        "{}",
        file.text
    );
    assert!(file.text.contains("Xã Tà Hừa"));
    assert!(file.text.contains("Thủy lợi Nậm Pắt"));
}

#[test]
fn garbage_is_not_a_document() {
    assert!(convert::read_born_digital(b"<html>not a file</html>").is_none());
    // A broken PDF gives a clear error, not a panic.
    let err = convert::read_born_digital(b"%PDF-1.4 broken").unwrap();
    assert!(err.is_err() || err.is_ok_and(|t| t.source == "ocr-pending"));
}

/// The benchmark's code on one generated scan: tracuu's pipeline must beat plain Tesseract
/// (the full 20-document run is `cargo bench -p crawler --bench ocr`).
#[test]
fn ocr_bench_on_one_scan() {
    let texts = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testkit/data/scan-texts.jsonl"),
    )
    .unwrap();
    let articles: Vec<serde_json::Value> = texts
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let doc = |a: &serde_json::Value| -> (String, Vec<String>) {
        (
            a["source_doc_type"].as_str().unwrap().to_uppercase(),
            std::iter::once(a["heading"].as_str().unwrap().to_string())
                .chain(a["text"].as_str().unwrap().lines().map(String::from))
                .collect(),
        )
    };
    let docs = eval::make_docs(&[doc(&articles[0])], 1);
    assert_eq!(docs[0].pages, 1);
    // The model learns from the other texts and from the portal's kind of phrasing.
    let mut model = vietnamese::restore::Restorer::new();
    for a in &articles[1..] {
        model.add_text(a["text"].as_str().unwrap());
    }
    model.finish();
    let r = eval::run(&docs, &model, 2, None);
    eprintln!(
        "plain CER {:.2}% / folded {:.2}%; tracuu raw {:.2}%, corrected {:.2}% / folded {:.2}%",
        r.plain.cer(),
        r.plain.cer_folded(),
        r.pipeline_raw.cer(),
        r.pipeline.cer(),
        r.pipeline.cer_folded()
    );
    assert!(
        r.pipeline.cer() < r.plain.cer(),
        "tracuu's pipeline is no better than plain tesseract"
    );
    assert!(r.pipeline.cer() < 10.0);
}

#[test]
fn scanned_page_is_ocred_with_confidences() {
    let engine = Engine::detect(OcrOptions::default())
        .expect("tesseract-ocr and tesseract-ocr-vie installed (see README)");
    let font = testkit::r#gen::scan::load_font().unwrap();
    let s = testkit::r#gen::scan::scan(
        &testkit::r#gen::scan::ScanDoc {
            heading: vec!["NGHỊ QUYẾT".into()],
            paragraphs: vec![
                "Điều 1. Phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024.".into(),
            ],
        },
        &font,
        &testkit::r#gen::scan::ScanStyle::photocopy(3),
    );
    let pdf = testkit::r#gen::scan::scan_pdf(&s.pages, 75).unwrap();
    let born = convert::read_born_digital(&pdf).unwrap().unwrap();
    assert_eq!(born.source, "ocr-pending");
    assert_eq!(born.pending_pages, vec![1]);
    let file = convert::read_with_ocr(&pdf, &engine, None)
        .unwrap()
        .unwrap();
    assert_eq!(file.source, "ocr");
    assert_eq!(file.ocr_pages, 1);
    let conf = file.ocr_confidence.unwrap();
    assert!(conf > 50.0 && conf <= 100.0, "{conf}");
    assert!(
        vietnamese::fold(&file.text).contains("du toan ngan sach huyen than uyen"),
        "{}",
        file.text
    );
    assert!(file.raw_ocr.is_some());
}

#[test]
fn image_attachments_jpeg_png_tiff_are_ocred() {
    let engine = Engine::detect(OcrOptions::default())
        .expect("tesseract-ocr and tesseract-ocr-vie installed (see README)");
    let font = testkit::r#gen::scan::load_font().unwrap();
    let s = testkit::r#gen::scan::scan(
        &testkit::r#gen::scan::ScanDoc {
            heading: vec!["THÔNG BÁO".into()],
            paragraphs: vec![
                "Nhân dân các bản góp ngày công, cát, sỏi để làm đường giao thông nông thôn."
                    .into(),
            ],
        },
        &font,
        &testkit::r#gen::scan::ScanStyle::photocopy(5),
    );
    let page = image::DynamicImage::ImageRgb8(s.pages[0].clone());
    for format in [
        image::ImageFormat::Jpeg,
        image::ImageFormat::Png,
        image::ImageFormat::Tiff,
    ] {
        let mut bytes = Vec::new();
        page.write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .unwrap();
        assert_eq!(convert::file_kind(&bytes), FileKind::Image, "{format:?}");
        // Without OCR the picture waits for it; with OCR its words are read.
        let born = convert::read_born_digital(&bytes).unwrap().unwrap();
        assert_eq!(born.source, "ocr-pending", "{format:?}");
        let file = convert::read_with_ocr(&bytes, &engine, None)
            .unwrap()
            .unwrap();
        assert_eq!(file.source, "ocr", "{format:?}");
        assert_eq!((file.pages, file.ocr_pages), (Some(1), 1), "{format:?}");
        assert!(
            vietnamese::fold(&file.text).contains("lam duong giao thong nong thon"),
            "{format:?}: {}",
            file.text
        );
    }
}

/// A PDF mixing born-digital and scanned pages (as when a signed page is scanned into a
/// typed resolution): the text pages come from pdftotext, the scanned page from OCR, each at
/// its own page number.
#[test]
fn mixed_pdf_reads_text_pages_and_ocrs_the_scanned_one_in_page_order() {
    use testkit::r#gen::pdf::{PdfImage, PdfPage, write_pdf};
    use testkit::r#gen::scan;
    let engine = Engine::detect(OcrOptions::default())
        .expect("tesseract-ocr and tesseract-ocr-vie installed (see README)");
    let font = scan::load_font().unwrap();
    let scanned = scan::scan(
        &scan::ScanDoc {
            heading: vec!["QUYẾT ĐỊNH".into()],
            paragraphs: vec![
                "Điều 2. Ủy ban nhân dân xã Mường Kim tổ chức làm đường giao thông nông thôn."
                    .into(),
            ],
        },
        &font,
        &scan::ScanStyle::photocopy(11),
    );
    let pdf = write_pdf(&[
        PdfPage::Text(vec![
            "NGHỊ QUYẾT".into(),
            "Điều 1. Phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024.".into(),
        ]),
        PdfPage::Image(PdfImage::jpeg(&scanned.pages[0], 75).unwrap()),
        PdfPage::Text(vec![
            "Điều 3. Nghị quyết có hiệu lực kể từ ngày ký.".into(),
            "Thường trực Hội đồng nhân dân huyện giám sát việc thực hiện.".into(),
        ]),
    ]);
    // Without OCR only the middle page waits.
    let born = convert::read_born_digital(&pdf).unwrap().unwrap();
    assert_eq!(born.pending_pages, vec![2], "{born:?}");
    let file = convert::read_with_ocr(&pdf, &engine, None)
        .unwrap()
        .unwrap();
    assert_eq!(file.source, "pdf-text+ocr");
    assert_eq!((file.pages, file.ocr_pages), (Some(3), 1));
    assert!(file.is_final());
    let pages: Vec<&str> = file.text.split('\u{c}').collect();
    assert_eq!(pages.len(), 3, "{:?}", file.text);
    // The text pages exactly as typed (no OCR error possible there)...
    assert!(
        pages[0].contains("Điều 1. Phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024."),
        "{}",
        pages[0]
    );
    assert!(
        pages[2].contains("Điều 3. Nghị quyết có hiệu lực kể từ ngày ký."),
        "{}",
        pages[2]
    );
    // ... the scanned one read by OCR, on page 2 and nowhere else.
    let folded: Vec<String> = pages.iter().map(|p| vietnamese::fold(p)).collect();
    assert!(
        folded[1].contains("lam duong giao thong nong thon"),
        "{}",
        pages[1]
    );
    assert!(!folded[0].contains("giao thong") && !folded[2].contains("giao thong"));
    assert!(!folded[1].contains("du toan"));
    let raw = file.raw_ocr.as_deref().expect("raw OCR kept");
    assert!(vietnamese::fold(raw).contains("giao thong"));
}

/// A legacy `.doc` that antiword cannot read is kept with an explicit "not read" mark, not
/// dropped and not taken for text.
#[test]
fn unreadable_legacy_doc_is_marked_not_read() {
    // The OLE2 signature of a Word 97 file, then damage.
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend(std::iter::repeat_n(0x42, 4096));
    assert_eq!(convert::file_kind(&doc), FileKind::Doc);
    let file = convert::read_born_digital(&doc).unwrap().unwrap();
    assert_eq!(file.source, "not-read");
    assert_eq!(file.text, crawler::office::DOC_NOT_READ);
    assert!(file.is_final(), "nothing to wait for: it is not a scan");
}
