//! Which extractor reads Vietnamese PDFs best: poppler's `pdftotext -raw` (what tracuu uses)
//! against the `pdf-extract` and `lopdf` crates, on PDFs of known text: the committed
//! `tests/data/cid-objstm.pdf` (Type0/CID font, Identity-H with a ToUnicode CMap, object
//! streams and a cross-reference stream, a two-column page; made by `make_files.py`) and the
//! test kit's generated PDFs (a re-encoded standard font with a ToUnicode CMap) of legal
//! articles; the CID file rewritten by `pdftocairo` too. Character error rate against the known text (normalised, white space collapsed)
//! and the share of its 6-word phrases found in the output.
//!
//! `cargo bench -p crawler --bench extractors` (seconds). Texts from
//! `../shared/corpus/legal/phapdien-001.jsonl` (or `$TRACUU_CORPUS`) when present, otherwise
//! the repository's `crates/testkit/data/scan-texts.jsonl`.

#[path = "ocr/eval.rs"]
#[allow(dead_code)]
mod eval;

use std::path::PathBuf;

/// One test PDF and the text it holds.
struct Case {
    name: String,
    pdf: Vec<u8>,
    truth: String,
}

fn cases() -> Vec<Case> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("tests/data");
    let mut cases = vec![Case {
        name: "cid-objstm.pdf (Type0/CID + ToUnicode, object and xref streams, 2 columns)".into(),
        pdf: std::fs::read(data.join("cid-objstm.pdf")).expect("cid-objstm.pdf"),
        truth: std::fs::read_to_string(data.join("cid-objstm.txt")).expect("cid-objstm.txt"),
    }];
    // The same file rewritten by cairo (poppler's `pdftocairo -pdf`): other font subsets and
    // content streams, as PDFs "printed to PDF" are.
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, output) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
    std::fs::write(&input, &cases[0].pdf).expect("write");
    let rewritten = std::process::Command::new("pdftocairo")
        .arg("-pdf")
        .arg(&input)
        .arg(&output)
        .status()
        .is_ok_and(|s| s.success());
    if rewritten && let Ok(pdf) = std::fs::read(&output) {
        cases.push(Case {
            name: "cid-objstm.pdf rewritten by pdftocairo".into(),
            pdf,
            truth: cases[0].truth.clone(),
        });
    } else {
        eprintln!("pdftocairo (poppler-utils) missing: the cairo-rewritten case is left out");
    }
    let corpus = std::env::var_os("TRACUU_CORPUS")
        .map_or_else(|| root.join("../../../shared/corpus"), PathBuf::from)
        .join("legal/phapdien-001.jsonl");
    let (source, lines) = match std::fs::read_to_string(&corpus) {
        Ok(text) => ("phapdien-001", text),
        Err(_) => (
            "scan-texts.jsonl",
            std::fs::read_to_string(root.join("../testkit/data/scan-texts.jsonl"))
                .expect("scan-texts.jsonl"),
        ),
    };
    for (i, line) in lines.lines().step_by(97).take(10).enumerate() {
        let Ok(a) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let heading = a["heading"].as_str().unwrap_or_default().to_owned();
        let body: Vec<String> = a["text"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        if body.is_empty() {
            continue;
        }
        let truth = std::iter::once(heading.clone())
            .chain(body.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n");
        cases.push(Case {
            name: format!("generated {source} #{i}"),
            pdf: testkit::r#gen::pdf::text_pdf(&heading, &body),
            truth,
        });
    }
    cases
}

type Extractor = fn(&[u8]) -> Result<String, String>;

fn pdftotext(pdf: &[u8]) -> Result<String, String> {
    crawler::pdf::extract(pdf)
        .map(|t| t.pages.join("\n"))
        .map_err(|e| e.to_string())
}

fn pdf_extract(pdf: &[u8]) -> Result<String, String> {
    // The crate panics on some inputs rather than failing: count that as a failure.
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(pdf))
        .map_err(|_| "panicked".to_owned())?
        .map_err(|e| e.to_string())
}

fn lopdf(pdf: &[u8]) -> Result<String, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).map_err(|e| e.to_string())
}

fn main() {
    let extractors: [(&str, Extractor); 3] = [
        ("pdftotext -raw (poppler)", pdftotext),
        ("pdf-extract 0.9", pdf_extract),
        ("lopdf 0.36 extract_text", lopdf),
    ];
    std::panic::set_hook(Box::new(|_| {}));
    let cases = cases();
    println!("| extractor | PDF | CER | CER without diacritics | 6-word phrases found |");
    println!("|---|---|---|---|---|");
    for (name, extract) in extractors {
        let mut total = eval::Scores::default();
        let mut generated = eval::Scores::default();
        for case in &cases {
            let out = extract(&case.pdf).unwrap_or_else(|e| {
                eprintln!("{name} on {}: {e}", case.name);
                String::new()
            });
            let out = vietnamese::normalize(&out);
            let mut one = eval::Scores::default();
            one.add(&case.truth, &out);
            total.add(&case.truth, &out);
            if case.name.starts_with("generated") {
                generated.add(&case.truth, &out);
            } else {
                row(name, &case.name, &one);
            }
        }
        row(name, "generated legal articles (10)", &generated);
        row(name, "**all**", &total);
    }
}

fn row(name: &str, pdf: &str, s: &eval::Scores) {
    println!(
        "| {name} | {pdf} | {:.2}% | {:.2}% | {:.1}% |",
        s.cer(),
        s.cer_folded(),
        100.0 * s.found_accented as f64 / s.phrases.max(1) as f64
    );
}
