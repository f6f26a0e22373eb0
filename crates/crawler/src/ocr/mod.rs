//! OCR of scanned attachments with Tesseract: PDF pages rendered by `pdftoppm`, image
//! attachments (JPEG, PNG, TIFF) decoded directly; every page cleaned by [`preprocess`] and read
//! by `tesseract -l vie` with word confidences, one page per core, each with a time limit.

pub mod preprocess;
pub mod tesseract;

use std::sync::Mutex;
use std::time::Duration;

use image::RgbImage;

use crate::tool::{self, ToolError};

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// A program (pdftoppm, tesseract) is missing, failed or timed out.
    #[error(transparent)]
    Tool(#[from] ToolError),
    /// The page image could not be decoded or encoded.
    #[error("page image: {0}")]
    Image(#[from] image::ImageError),
}

/// How pages are read.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Tesseract language model (`vie`).
    pub language: String,
    /// Tesseract page segmentation mode (4: one column of lines of varying size).
    pub psm: u8,
    /// Time limit per page.
    pub page_timeout: Duration,
    /// Pages read at once (one per core by default).
    pub threads: usize,
    /// Clean the page before reading it (seal, specks, skew, binarisation).
    pub preprocess: bool,
}

impl Default for OcrOptions {
    fn default() -> Self {
        Self {
            language: "vie".into(),
            psm: 4,
            page_timeout: Duration::from_secs(120),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            preprocess: true,
        }
    }
}

/// The OCR of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageOcr {
    /// The text as read, lines joined.
    pub text: String,
    /// Mean word confidence, 0-100 (0 for a page without words).
    pub confidence: f32,
    /// Words read.
    pub words: usize,
    /// Each word's place in `text` and its confidence (for post-correction).
    pub word_confidences: Vec<vietnamese::ocrfix::WordConfidence>,
}

/// The installed Tesseract with the Vietnamese model.
#[derive(Debug, Clone)]
pub struct Engine {
    /// `tesseract 5.3.0`.
    pub version: String,
    /// How pages are read.
    pub options: OcrOptions,
}

/// How to install what OCR needs, for log lines.
pub const INSTALL_HINT: &str = "install Tesseract with the Vietnamese model (Debian: apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils)";

impl Engine {
    /// Finds tesseract and checks that it has the language model; an error says what to
    /// install.
    pub fn detect(options: OcrOptions) -> Result<Self, ToolError> {
        let limit = Duration::from_secs(20);
        let version = tool::run("tesseract", &["--version"], None, limit)?;
        let version = String::from_utf8_lossy(&version)
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim()
            .to_string();
        let langs = tool::run("tesseract", &["--list-langs"], None, limit)?;
        let langs = String::from_utf8_lossy(&langs);
        if !langs.lines().any(|l| l.trim() == options.language) {
            return Err(ToolError::Missing {
                tool: format!("tesseract language model {}", options.language),
                package: format!("tesseract-ocr-{}", options.language),
            });
        }
        if !tool::available("pdftoppm") {
            return Err(ToolError::Missing {
                tool: "pdftoppm".into(),
                package: "poppler-utils".into(),
            });
        }
        Ok(Self { version, options })
    }

    /// A short description of the engine for the archive (`tesseract 5.3.0 vie psm4 prep`).
    pub fn describe(&self) -> String {
        format!(
            "{} -l {} --psm {}{}",
            self.version,
            self.options.language,
            self.options.psm,
            if self.options.preprocess {
                " +preprocess"
            } else {
                ""
            }
        )
    }

    /// Reads the given 1-based pages of a PDF, several at once; each page's own result.
    pub fn pdf_pages(&self, pdf: &[u8], pages: &[usize]) -> Vec<Result<PageOcr, OcrError>> {
        let results: Vec<Mutex<Option<Result<PageOcr, OcrError>>>> =
            pages.iter().map(|_| Mutex::new(None)).collect();
        let next = Mutex::new(0usize);
        std::thread::scope(|s| {
            for _ in 0..self.options.threads.clamp(1, pages.len().max(1)) {
                s.spawn(|| {
                    loop {
                        let i = {
                            let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                            let i = *n;
                            *n += 1;
                            i
                        };
                        let Some(page) = pages.get(i) else { break };
                        let r = self.pdf_page(pdf, *page);
                        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .expect("every page was read")
            })
            .collect()
    }

    /// Renders one PDF page at 300 dpi and reads it.
    pub fn pdf_page(&self, pdf: &[u8], page: usize) -> Result<PageOcr, OcrError> {
        let n = page.to_string();
        let dpi = preprocess::TARGET_DPI.to_string();
        let ppm = tool::run(
            "pdftoppm",
            &["-r", &dpi, "-f", &n, "-l", &n, "-singlefile", "-"],
            Some(pdf),
            self.options.page_timeout,
        )?;
        let img = image::load_from_memory_with_format(&ppm, image::ImageFormat::Pnm)?;
        self.page_image(&img.to_rgb8(), preprocess::TARGET_DPI)
    }

    /// Reads an image attachment (JPEG, PNG, TIFF...). Its resolution is guessed from its
    /// width as an A4 page.
    pub fn image_file(&self, bytes: &[u8]) -> Result<PageOcr, OcrError> {
        let img = image::load_from_memory(bytes)?.to_rgb8();
        // An A4 page is 8.27 inches wide.
        let dpi = ((img.width() as f32 / 8.27).round() as u32).max(72);
        self.page_image(&img, dpi)
    }

    /// Cleans and reads one page image.
    pub fn page_image(&self, page: &RgbImage, dpi: u32) -> Result<PageOcr, OcrError> {
        let grey = if self.options.preprocess {
            preprocess::preprocess(page, dpi)
        } else {
            image::DynamicImage::ImageRgb8(page.clone()).to_luma8()
        };
        let dpi = if self.options.preprocess {
            dpi.max(preprocess::TARGET_DPI)
        } else {
            dpi
        };
        let mut pgm = Vec::new();
        grey.write_to(&mut std::io::Cursor::new(&mut pgm), image::ImageFormat::Pnm)?;
        let words = tesseract::recognise(
            &pgm,
            &self.options.language,
            self.options.psm,
            dpi,
            self.options.page_timeout,
        )?;
        let confidence = if words.is_empty() {
            0.0
        } else {
            words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
        };
        let (text, word_confidences) = tesseract::words_to_text(&words);
        Ok(PageOcr {
            text,
            confidence,
            words: words.len(),
            word_confidences,
        })
    }
}
