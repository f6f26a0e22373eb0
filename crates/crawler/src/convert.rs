//! Text of archived attachments, made once and kept in the archive: born-digital PDFs
//! ([`crate::pdf`]), office files ([`crate::office`]), and OCR of scanned pages and image
//! attachments ([`crate::ocr`], corrected by `vietnamese::ocrfix`). Each result is written as a
//! WARC `conversion` record referring to the attachment's response and keyed by its payload
//! digest, so a file is never read twice; replay (reindex) only reads these records.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use vietnamese::ocrfix::OcrCorrector;
use vietnamese::restore::Restorer;

use crate::error::Result;
use crate::ocr::{Engine, OcrOptions};
use crate::replay::{read_capture, replay_archive, warc_files};
use crate::warc::{self, WarcReader, WarcWriter};
use crate::{office, pdf};

/// Our header naming the payload digest of the converted response.
pub const SOURCE_DIGEST: &str = "X-Tracuu-Source-Digest";
/// Our header naming how the text was made (`pdf-text`, `ocr`, `docx`…).
pub const TEXT_SOURCE: &str = "X-Tracuu-Text-Source";
/// Our header with the number of pages.
pub const PAGES: &str = "X-Tracuu-Pages";
/// Our header naming the OCR engine, version, model and settings.
pub const OCR_ENGINE: &str = "X-Tracuu-OCR-Engine";
/// Our header with the mean OCR word confidence (0-100).
pub const OCR_CONFIDENCE: &str = "X-Tracuu-OCR-Confidence";
/// Our header: `corrected` (the searchable text) or `raw-ocr` (Tesseract's own output, kept).
pub const VARIANT: &str = "X-Tracuu-Text-Variant";

/// What kind of file an attachment is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `%PDF`.
    Pdf,
    /// A ZIP container (DOCX, ODT).
    Zip,
    /// A legacy OLE2 office file (`.doc`).
    Doc,
    /// A JPEG, PNG or TIFF image.
    Image,
    /// Anything else (HTML, archives…): not read.
    Other,
}

/// The kind of a file from its bytes.
pub fn file_kind(bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"%PDF") {
        FileKind::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        FileKind::Zip
    } else if office::is_legacy_doc(bytes) {
        FileKind::Doc
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
    {
        FileKind::Image
    } else {
        FileKind::Other
    }
}

/// The text of one file and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct FileText {
    /// The text; pages separated by a form feed.
    pub text: String,
    /// `pdf-text`, `ocr`, `pdf-text+ocr`, `docx`, `odt`, `doc`, `ocr-pending`, `not-read`.
    pub source: String,
    /// Pages, when known.
    pub pages: Option<u32>,
    /// Mean OCR word confidence (0-100) over the OCRed pages.
    pub ocr_confidence: Option<f32>,
    /// Tesseract's own output before post-correction (pages separated by form feeds).
    pub raw_ocr: Option<String>,
    /// The OCR engine used.
    pub engine: Option<String>,
    /// 1-based pages still waiting for OCR (no engine, or it failed on them).
    pub pending_pages: Vec<usize>,
    /// Pages read by OCR.
    pub ocr_pages: usize,
}

impl FileText {
    fn plain(text: String, source: &str, pages: Option<u32>) -> Self {
        Self {
            text,
            source: source.to_string(),
            pages,
            ocr_confidence: None,
            raw_ocr: None,
            engine: None,
            pending_pages: Vec::new(),
            ocr_pages: 0,
        }
    }

    /// Whether nothing is left to do for this file (no page waits for OCR).
    pub fn is_final(&self) -> bool {
        self.pending_pages.is_empty() && self.source != "ocr-pending"
    }
}

/// Reads a file without OCR: born-digital PDF text, office text. Scanned pages are listed
/// in [`FileText::pending_pages`]. `None` for files that are not documents, or when the
/// needed program is missing (the error says how to install it).
pub fn read_born_digital(bytes: &[u8]) -> Option<std::result::Result<FileText, String>> {
    Some(match file_kind(bytes) {
        FileKind::Pdf => match pdf::extract(bytes) {
            Ok(text) => Ok(from_pdf(&text)),
            Err(e) => Err(e.to_string()),
        },
        FileKind::Zip => {
            let text = office::extract_text(bytes)?;
            let odt = office::zip_member(bytes, "word/document.xml").is_none();
            Ok(FileText::plain(
                text,
                if odt { "odt" } else { "docx" },
                None,
            ))
        }
        FileKind::Doc => Ok(match office::extract_doc(bytes) {
            Ok(text) => FileText::plain(text, "doc", None),
            Err(e) => {
                tracing::warn!("legacy .doc attachment not read: {e}");
                FileText::plain(office::DOC_NOT_READ.to_string(), "not-read", None)
            }
        }),
        FileKind::Image => Ok(FileText {
            pending_pages: vec![1],
            ..FileText::plain(pdf::SCANNED_MARK.to_string(), "ocr-pending", Some(1))
        }),
        FileKind::Other => return None,
    })
}

fn from_pdf(text: &pdf::PdfText) -> FileText {
    let scanned = text.scanned_pages();
    let pages = u32::try_from(text.pages.len()).ok();
    if scanned.len() == text.pages.len() {
        FileText {
            pending_pages: scanned,
            ..FileText::plain(pdf::SCANNED_MARK.to_string(), "ocr-pending", pages)
        }
    } else {
        FileText {
            pending_pages: scanned,
            ..FileText::plain(text.pages.join("\u{c}"), "pdf-text", pages)
        }
    }
}

/// Reads a file, OCRing its scanned pages (and image files) with `engine`, correcting the
/// OCR with `fix` when given.
pub fn read_with_ocr(
    bytes: &[u8],
    engine: &Engine,
    fix: Option<&OcrCorrector<'_>>,
) -> Option<std::result::Result<FileText, String>> {
    let kind = file_kind(bytes);
    let (mut pages, scanned): (Vec<String>, Vec<usize>) = match kind {
        FileKind::Pdf => match pdf::extract(bytes) {
            Ok(t) => {
                let s = t.scanned_pages();
                (t.pages, s)
            }
            Err(e) => return Some(Err(e.to_string())),
        },
        FileKind::Image => (vec![String::new()], vec![1]),
        _ => return read_born_digital(bytes),
    };
    if scanned.is_empty() {
        return read_born_digital(bytes);
    }
    let results = if kind == FileKind::Image {
        vec![engine.image_file(bytes)]
    } else {
        engine.pdf_pages(bytes, &scanned)
    };
    let mut raw_pages = pages.clone();
    let mut pending = Vec::new();
    let (mut conf_sum, mut conf_n) = (0f32, 0usize);
    for (page, r) in scanned.iter().zip(results) {
        match r {
            Ok(ocr) => {
                raw_pages[page - 1] = ocr.text.clone();
                pages[page - 1] = match fix {
                    Some(f) => f.correct_scored(&ocr.text, &ocr.word_confidences).text,
                    None => ocr.text,
                };
                conf_sum += ocr.confidence * ocr.words as f32;
                conf_n += ocr.words;
            }
            Err(e) => {
                tracing::warn!("OCR of page {page} failed: {e}");
                pending.push(*page);
            }
        }
    }
    let ocred = scanned.len() - pending.len();
    let source = if ocred == 0 {
        "ocr-pending"
    } else if scanned.len() == pages.len() {
        "ocr"
    } else {
        "pdf-text+ocr"
    };
    let text = if ocred == 0 {
        pdf::SCANNED_MARK.to_string()
    } else {
        pages.join("\u{c}")
    };
    Some(Ok(FileText {
        text,
        source: source.to_string(),
        pages: u32::try_from(pages.len()).ok(),
        ocr_confidence: (conf_n > 0).then(|| conf_sum / conf_n as f32),
        raw_ocr: (ocred > 0).then(|| raw_pages.join("\u{c}")),
        engine: Some(engine.describe()),
        pending_pages: pending,
        ocr_pages: ocred,
    }))
}

/// The text of a `conversion` record written by [`convert_archive`]: `(source digest, text)`;
/// `None` for other records and for the raw OCR variant.
pub fn parse_conversion(rec: &warc::WarcRecord) -> Option<(String, FileText)> {
    if rec.warc_type() != "conversion" || rec.header(VARIANT) == Some("raw-ocr") {
        return None;
    }
    let digest = rec.header(SOURCE_DIGEST)?.to_string();
    let text = String::from_utf8_lossy(&rec.block).into_owned();
    Some((
        digest,
        FileText {
            text,
            source: rec.header(TEXT_SOURCE).unwrap_or("pdf-text").to_string(),
            pages: rec.header(PAGES).and_then(|p| p.parse().ok()),
            ocr_confidence: rec.header(OCR_CONFIDENCE).and_then(|p| p.parse().ok()),
            raw_ocr: None,
            engine: rec.header(OCR_ENGINE).map(String::from),
            pending_pages: Vec::new(),
            ocr_pages: 0,
        },
    ))
}

/// What [`convert_archive`] should do.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// OCR scanned pages (when Tesseract is installed).
    pub ocr: bool,
    /// How pages are OCRed.
    pub ocr_options: OcrOptions,
    /// Read again files that already have text (e.g. with a better OCR engine): a new
    /// conversion record is added beside the old one, and replay uses the newest.
    pub redo: bool,
    /// Stop after this many files (for tests of resumption); `None` for all.
    pub max_files: Option<usize>,
}

impl ConvertOptions {
    /// The options of a crawl's configuration (`ocr`, `ocr_page_timeout_secs`, `ocr_threads`).
    pub fn from_config(config: &crate::CrawlerConfig) -> Self {
        let defaults = OcrOptions::default();
        Self {
            ocr: config.ocr,
            ocr_options: OcrOptions {
                page_timeout: std::time::Duration::from_secs(config.ocr_page_timeout_secs.max(1)),
                threads: if config.ocr_threads == 0 {
                    defaults.threads
                } else {
                    config.ocr_threads
                },
                ..defaults
            },
            redo: false,
            max_files: None,
        }
    }
}

/// Progress of [`convert_archive`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvertProgress {
    /// Files finished.
    pub files_done: usize,
    /// Files to read in this run.
    pub files_total: usize,
    /// Scanned pages OCRed so far.
    pub pages_done: usize,
    /// Scanned pages to OCR in this run.
    pub pages_total: usize,
}

/// What [`convert_archive`] did.
#[derive(Debug, Clone, Default)]
pub struct ConvertReport {
    /// Attachment payloads in the archive.
    pub files: usize,
    /// Files that already had their text in the archive (not read again).
    pub already_done: usize,
    /// Files read in this run and written as conversion records.
    pub converted: usize,
    /// Scanned pages OCRed in this run.
    pub ocr_pages: usize,
    /// Files whose scanned pages still wait for OCR (no Tesseract, or OCR failed).
    pub pending: usize,
    /// The OCR engine, when one was used.
    pub engine: Option<String>,
    /// Why OCR did not run, when it did not.
    pub ocr_unavailable: Option<String>,
    /// Problems met (unreadable records, failed files).
    pub warnings: Vec<String>,
}

impl std::fmt::Display for ConvertReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "attachments: {} in the archive, {} already read, {} read now ({} scanned pages OCRed), {} waiting for OCR",
            self.files, self.already_done, self.converted, self.ocr_pages, self.pending
        )?;
        match (&self.engine, &self.ocr_unavailable) {
            (Some(e), _) => write!(f, "; OCR: {e}"),
            (None, Some(why)) => {
                write!(f, "; OCR unavailable: {why}; {}", crate::ocr::INSTALL_HINT)
            }
            (None, None) => Ok(()),
        }
    }
}

struct Source {
    url: String,
    record_id: String,
    file: PathBuf,
    offset: u64,
}

/// Reads the text of every archived attachment that has none yet (or, with `redo`, all),
/// OCRing scanned pages when asked and possible, and appends a `conversion` record per file
/// to new WARC files in `out_dir`. Each record is synced before the next file starts, so a
/// killed run resumes where it stopped. Born-digital files are converted even without OCR.
pub fn convert_archive(
    dirs: &[PathBuf],
    out_dir: &Path,
    options: &ConvertOptions,
    progress: &mut dyn FnMut(&ConvertProgress),
) -> Result<ConvertReport> {
    let mut report = ConvertReport::default();
    warc::recover_open_files(out_dir)?;
    let mut sources: HashMap<String, Source> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut done: HashMap<String, bool> = HashMap::new();
    for file in warc_files(dirs)? {
        let reader = match WarcReader::open(&file) {
            Ok(r) => r,
            Err(e) => {
                report.warnings.push(e.to_string());
                continue;
            }
        };
        for rec in reader {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    report.warnings.push(e.to_string());
                    break;
                }
            };
            if let Some((digest, text)) = parse_conversion(&rec) {
                let fin = text.is_final();
                let e = done.entry(digest).or_insert(false);
                *e = *e || fin;
                continue;
            }
            if rec.warc_type() != "response" || rec.header("WARC-Truncated").is_some() {
                continue;
            }
            let (Some(digest), Some(url), Some(id)) = (
                rec.header("WARC-Payload-Digest"),
                rec.target_uri(),
                rec.record_id(),
            ) else {
                continue;
            };
            if sources.contains_key(digest) {
                continue;
            }
            let Some(http) = warc::parse_http_response(&rec.block) else {
                continue;
            };
            if http.status != 200 {
                continue;
            }
            let is_download = url::Url::parse(url).is_ok_and(|u| crate::canon::is_attachment(&u));
            let body = http.decoded_body();
            let kind = file_kind(&body);
            // Images are read only when they are attachments (not photos of news pages).
            let wanted = match kind {
                FileKind::Other => false,
                FileKind::Image => is_download,
                _ => true,
            };
            if wanted {
                order.push(digest.to_string());
                sources.insert(
                    digest.to_string(),
                    Source {
                        url: url.to_string(),
                        record_id: id.to_string(),
                        file: file.clone(),
                        offset: rec.offset,
                    },
                );
            }
        }
    }
    report.files = order.len();
    let todo: Vec<&String> = order
        .iter()
        .filter(|d| options.redo || !done.get(*d).copied().unwrap_or(false))
        .collect();
    report.already_done = report.files - todo.len();
    let engine = if options.ocr {
        match Engine::detect(options.ocr_options.clone()) {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::warn!(
                    "scanned attachments wait for OCR: {e}; {}",
                    crate::ocr::INSTALL_HINT
                );
                report.ocr_unavailable = Some(e.to_string());
                None
            }
        }
    } else {
        None
    };
    report.engine = engine.as_ref().map(Engine::describe);
    // First pass: born-digital text, and the scanned pages left for OCR.
    let mut planned: Vec<(&String, FileText)> = Vec::new();
    for digest in todo.iter().take(options.max_files.unwrap_or(usize::MAX)) {
        let src = &sources[*digest];
        let body = match read_capture(&src.file, src.offset) {
            Ok(r) => r.body,
            Err(e) => {
                report.warnings.push(e.to_string());
                continue;
            }
        };
        match read_born_digital(&body) {
            Some(Ok(t)) => planned.push((digest, t)),
            Some(Err(e)) => report.warnings.push(format!("{}: {e}", src.url)),
            None => {}
        }
    }
    let mut state = ConvertProgress {
        files_total: planned.len(),
        pages_total: if engine.is_some() {
            planned.iter().map(|(_, t)| t.pending_pages.len()).sum()
        } else {
            0
        },
        ..ConvertProgress::default()
    };
    progress(&state);
    // The correction model: the archive's own born-digital text.
    let needs_model = engine.is_some() && state.pages_total > 0;
    let model = if needs_model {
        Some(archive_model(dirs, &planned)?)
    } else {
        None
    };
    let fix = model.as_ref().map(OcrCorrector::new);
    let mut writer: Option<WarcWriter> = None;
    for (digest, born) in planned {
        let src = &sources[digest];
        let text = match (&engine, born.pending_pages.is_empty()) {
            (Some(engine), false) => {
                let body = read_capture(&src.file, src.offset)?.body;
                match read_with_ocr(&body, engine, fix.as_ref()) {
                    Some(Ok(t)) => t,
                    Some(Err(e)) => {
                        report.warnings.push(format!("{}: {e}", src.url));
                        born
                    }
                    None => born,
                }
            }
            _ => born,
        };
        state.pages_done += text.ocr_pages;
        if !text.pending_pages.is_empty() || text.source == "ocr-pending" {
            report.pending += 1;
        }
        report.ocr_pages += text.ocr_pages;
        // A scan nobody could read yet is not archived: the next run tries again.
        if text.source != "ocr-pending" {
            let w = match writer.as_mut() {
                Some(w) => w,
                None => writer.insert(WarcWriter::new(
                    out_dir,
                    "tracuu-text",
                    "conversions",
                    1 << 30,
                    vec![("software".into(), "tracuu attachment text".into())],
                )?),
            };
            write_text(w, digest, src, &text)?;
            w.sync()?;
            report.converted += 1;
        }
        state.files_done += 1;
        progress(&state);
    }
    if let Some(mut w) = writer {
        w.close()?;
    }
    Ok(report)
}

fn write_text(w: &mut WarcWriter, digest: &str, src: &Source, text: &FileText) -> Result<()> {
    let mut fields = vec![
        (SOURCE_DIGEST.to_string(), digest.to_string()),
        (TEXT_SOURCE.to_string(), text.source.clone()),
    ];
    if let Some(p) = text.pages {
        fields.push((PAGES.to_string(), p.to_string()));
    }
    if let Some(e) = &text.engine {
        fields.push((OCR_ENGINE.to_string(), e.clone()));
    }
    if let Some(c) = text.ocr_confidence {
        fields.push((OCR_CONFIDENCE.to_string(), format!("{c:.1}")));
    }
    if let Some(raw) = &text.raw_ocr {
        let mut raw_fields = fields.clone();
        raw_fields.push((VARIANT.to_string(), "raw-ocr".to_string()));
        w.write_conversion(&src.url, &src.record_id, &raw_fields, raw)?;
        fields.push((VARIANT.to_string(), "corrected".to_string()));
    }
    w.write_conversion(&src.url, &src.record_id, &fields, &text.text)?;
    Ok(())
}

/// The syllable model of the archive's own born-digital text: record titles, leads and
/// bodies, and the text of the born-digital attachments.
fn archive_model(dirs: &[PathBuf], planned: &[(&String, FileText)]) -> Result<Restorer> {
    let replay = replay_archive(dirs)?;
    let mut model = Restorer::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for r in &replay.records {
        model.add_text(&r.title);
        model.add_text(&r.lead);
        model.add_text(&r.body);
        for a in &r.attachments {
            if let (Some(t), Some("pdf-text" | "docx" | "odt" | "doc")) =
                (a.text.as_deref(), a.text_source.as_deref())
                && seen.insert(t)
            {
                model.add_text(t);
            }
        }
    }
    for (_, t) in planned {
        if t.source == "pdf-text" {
            model.add_text(&t.text);
        }
    }
    model.finish();
    Ok(model)
}
