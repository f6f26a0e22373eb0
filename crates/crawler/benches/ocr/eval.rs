//! The OCR benchmark's measurements, shared by the bench binary and the crawler's test that
//! runs it on one document: generated scans of known text, plain `tesseract -l vie` against
//! tracuu's pipeline (preprocessing + Tesseract + Vietnamese post-correction), character error
//! rates with and without diacritics, and the share of 6-word phrases of the scans found.

use std::time::{Duration, Instant};

use crawler::ocr::{Engine, OcrOptions};
use crawler::tool;
use testkit::r#gen::scan::{self, ScanDoc, ScanStyle};
use vietnamese::ocrfix::OcrCorrector;
use vietnamese::restore::Restorer;

/// One benchmark document: its text (the truth) and its image-only PDF.
pub(crate) struct BenchDoc {
    /// Ground truth, pages separated by form feeds.
    pub(crate) truth: String,
    /// The scanned PDF.
    pub(crate) pdf: Vec<u8>,
    /// Pages.
    pub(crate) pages: usize,
}

/// Scans of `texts` (heading, paragraphs), one document each, photocopy style by seed
/// (`seed` + the document's index).
pub(crate) fn make_docs(texts: &[(String, Vec<String>)], seed: u64) -> Vec<BenchDoc> {
    let font = scan::load_font().expect("a serif font (fonts-dejavu-core)");
    texts
        .iter()
        .enumerate()
        .map(|(i, (heading, paragraphs))| {
            let doc = ScanDoc {
                heading: vec![heading.clone()],
                paragraphs: paragraphs.clone(),
            };
            let s = scan::scan(&doc, &font, &ScanStyle::photocopy(seed + i as u64));
            BenchDoc {
                truth: s.text(),
                pdf: scan::scan_pdf(&s.pages, 75).expect("pdf"),
                pages: s.pages.len(),
            }
        })
        .collect()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Text compared by the error rates: the forms search uses (NFC, lowercase, canonical tone
/// placement; folded: no diacritics either), white space collapsed (layout is not scored).
fn comparable(text: &str, folded: bool) -> Vec<char> {
    let t = if folded {
        vietnamese::fold(text)
    } else {
        vietnamese::normalize(text)
    };
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// `(errors, truth length)` of `hyp` against `truth`, with diacritics or folded (without
/// diacritics and case).
pub(crate) fn char_errors(truth: &str, hyp: &str, folded: bool) -> (usize, usize) {
    let (t, h) = (comparable(truth, folded), comparable(hyp, folded));
    (edit_distance(&t, &h), t.len())
}

/// The 6-word phrases of a truth text (every `step`-th start).
pub(crate) fn phrases(truth: &str, step: usize) -> Vec<String> {
    let words: Vec<&str> = truth.split_whitespace().collect();
    (0..words.len().saturating_sub(5))
        .step_by(step.max(1))
        .map(|i| words[i..i + 6].join(" "))
        .collect()
}

/// Whether a phrase is found in a text as the phrase query of the index does it: the same
/// tokens in sequence, in exact form (`folded` false) or folded form (typed without marks).
pub(crate) fn phrase_found(phrase: &str, text: &str, folded: bool) -> bool {
    let key = |t: &str| -> Vec<String> {
        vietnamese::tokenize(t)
            .into_iter()
            .map(|tok| {
                if folded {
                    vietnamese::fold(&tok.text)
                } else {
                    tok.text
                }
            })
            .collect()
    };
    let (p, t) = (key(phrase), key(text));
    !p.is_empty() && t.windows(p.len()).any(|w| w == p.as_slice())
}

/// Plain Tesseract as documented: `pdftoppm -r 300` then `tesseract -l vie`, default settings.
pub(crate) fn plain_tesseract(pdf: &[u8], pages: usize) -> String {
    let limit = Duration::from_secs(300);
    (1..=pages)
        .map(|p| {
            let n = p.to_string();
            let png = tool::run(
                "pdftoppm",
                &["-r", "300", "-f", &n, "-l", &n, "-singlefile", "-png", "-"],
                Some(pdf),
                limit,
            )
            .expect("pdftoppm");
            let out = tool::run_with_env(
                "tesseract",
                &["stdin", "stdout", "-l", "vie"],
                &[("OMP_THREAD_LIMIT", "1")],
                Some(&png),
                limit,
            )
            .expect("tesseract");
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect::<Vec<_>>()
        .join("\u{c}")
}

/// Results of one system over the documents.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scores {
    /// Character errors / characters, with diacritics.
    pub(crate) errors: usize,
    /// Character errors without diacritics.
    pub(crate) errors_folded: usize,
    /// Truth characters.
    pub(crate) chars: usize,
    /// Truth characters, folded.
    pub(crate) chars_folded: usize,
    /// Phrases found typed with diacritics.
    pub(crate) found_accented: usize,
    /// Phrases found typed without diacritics.
    pub(crate) found_toneless: usize,
    /// Phrases typed with diacritics that the search finds: it matches every phrase on the
    /// folded positions of the text and ranks an exact-accent match above (the index's
    /// `phrase_query`), so marks the OCR confused do not hide the document.
    pub(crate) found_searched: usize,
    /// Phrases sampled (every 7th start of a 6-word window).
    pub(crate) phrases: usize,
    /// Wall time.
    pub(crate) seconds: f64,
}

impl Scores {
    /// Adds one document's text.
    pub(crate) fn add(&mut self, truth: &str, hyp: &str) {
        let (e, n) = char_errors(truth, hyp, false);
        let (ef, nf) = char_errors(truth, hyp, true);
        self.errors += e;
        self.chars += n;
        self.errors_folded += ef;
        self.chars_folded += nf;
        for p in phrases(truth, 7) {
            self.phrases += 1;
            self.found_accented += usize::from(phrase_found(&p, hyp, false));
            let toneless = phrase_found(&p, hyp, true);
            self.found_toneless += usize::from(toneless);
            self.found_searched += usize::from(toneless || phrase_found(&p, hyp, false));
        }
    }

    /// Character error rate with diacritics, in percent.
    pub(crate) fn cer(&self) -> f64 {
        100.0 * self.errors as f64 / self.chars.max(1) as f64
    }

    /// Character error rate without diacritics, in percent.
    pub(crate) fn cer_folded(&self) -> f64 {
        100.0 * self.errors_folded as f64 / self.chars_folded.max(1) as f64
    }
}

/// Plain Tesseract, tracuu's pipeline without and with post-correction, over `docs`.
pub(crate) struct Report {
    /// `tesseract -l vie` after `pdftoppm -r 300`.
    pub(crate) plain: Scores,
    /// Preprocessing + `--psm 4`, no post-correction.
    pub(crate) pipeline_raw: Scores,
    /// The full pipeline (what the archive stores).
    pub(crate) pipeline: Scores,
    /// Pages OCRed per system.
    pub(crate) pages: usize,
}

/// Scores again the OCR output saved by `--dump` in `dir` with the current post-correction
/// and `model`, without running any OCR (to tune the correction; the new output goes to
/// `N.rescored`); throughput is not measured.
pub(crate) fn rescore(dir: &std::path::Path, model: &Restorer) -> Report {
    let fix = OcrCorrector::new(model);
    let mut report = Report {
        plain: Scores::default(),
        pipeline_raw: Scores::default(),
        pipeline: Scores::default(),
        pages: 0,
    };
    for i in 0.. {
        let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{i:02}.{ext}")));
        let (Ok(truth), Ok(plain), Ok(words)) = (read("truth"), read("plain"), read("words.json"))
        else {
            break;
        };
        let pages: Vec<serde_json::Value> = serde_json::from_str(&words).expect("words.json");
        let mut raw = Vec::new();
        let mut fixed = Vec::new();
        for page in &pages {
            let text = page["text"].as_str().unwrap_or_default();
            let words: Vec<vietnamese::ocrfix::WordConfidence> = page["words"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|w| {
                    Some(vietnamese::ocrfix::WordConfidence {
                        start: usize::try_from(w[0].as_u64()?).ok()?,
                        end: usize::try_from(w[1].as_u64()?).ok()?,
                        confidence: w[2].as_f64()? as f32,
                    })
                })
                .collect();
            raw.push(text.to_owned());
            fixed.push(fix.correct_scored(text, &words).text);
        }
        report.pages += pages.len();
        report.plain.add(&truth, &plain);
        report.pipeline_raw.add(&truth, &raw.join("\u{c}"));
        let fixed = fixed.join("\u{c}");
        report.pipeline.add(&truth, &fixed);
        let _ = std::fs::write(dir.join(format!("{i:02}.rescored")), &fixed);
    }
    report
}

/// Runs both systems over the documents; the correction model comes from `model`. With
/// `dump`, each document's truth and outputs are written there (`N.truth`, `N.plain`, `N.raw`,
/// `N.fixed`) for inspection.
pub(crate) fn run(
    docs: &[BenchDoc],
    model: &Restorer,
    threads: usize,
    dump: Option<&std::path::Path>,
) -> Report {
    let engine = Engine::detect(OcrOptions {
        threads,
        ..OcrOptions::default()
    })
    .expect("tesseract-ocr and tesseract-ocr-vie installed");
    let fix = OcrCorrector::new(model);
    let mut report = Report {
        plain: Scores::default(),
        pipeline_raw: Scores::default(),
        pipeline: Scores::default(),
        pages: docs.iter().map(|d| d.pages).sum(),
    };
    for (i, d) in docs.iter().enumerate() {
        let t = Instant::now();
        let plain = plain_tesseract(&d.pdf, d.pages);
        report.plain.seconds += t.elapsed().as_secs_f64();
        report.plain.add(&d.truth, &plain);
        let t = Instant::now();
        let pages: Vec<usize> = (1..=d.pages).collect();
        let read: Vec<_> = engine
            .pdf_pages(&d.pdf, &pages)
            .into_iter()
            .map(|r| r.expect("OCR of a page"))
            .collect();
        let raw = read
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\u{c}");
        report.pipeline_raw.seconds += t.elapsed().as_secs_f64();
        report.pipeline_raw.add(&d.truth, &raw);
        let corrected = read
            .iter()
            .map(|p| fix.correct_scored(&p.text, &p.word_confidences).text)
            .collect::<Vec<_>>()
            .join("\u{c}");
        report.pipeline.seconds += t.elapsed().as_secs_f64();
        report.pipeline.add(&d.truth, &corrected);
        if let Some(dir) = dump {
            for (ext, text) in [
                ("truth", &d.truth),
                ("plain", &plain),
                ("raw", &raw),
                ("fixed", &corrected),
            ] {
                let _ = std::fs::write(dir.join(format!("{i:02}.{ext}")), text);
            }
            // The raw pages with each word's confidence, to tune the correction offline.
            let words: Vec<serde_json::Value> = read
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "text": p.text,
                        "words": p.word_confidences.iter().map(|w| (w.start, w.end, w.confidence)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let _ = std::fs::write(
                dir.join(format!("{i:02}.words.json")),
                serde_json::Value::from(words).to_string(),
            );
        }
    }
    report
}
