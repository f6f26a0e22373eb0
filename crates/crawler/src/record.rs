//! Typed records extracted from NukeViet pages: the unit that flows from crawler to indexer.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A news article (NukeViet `news` module).
    News,
    /// A legal document (NukeViet `laws` module).
    Legal,
}

impl Kind {
    /// The lowercase name used in ids, URLs and the API (`news`, `legal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::News => "news",
            Kind::Legal => "legal",
        }
    }
}

/// A file attached to a news article or legal document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name as shown on the page (`140-NQ-HDND.pdf`).
    pub name: String,
    /// The absolute download URL.
    pub url: String,
    /// The file's text when it was fetched and read; pages are separated by a form feed
    /// (`\u{c}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Where the service replays the archived file (`/luu-tru/{timestamp}id_/{url}`), filled
    /// by the service when the archive holds it (never stored with the record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_url: Option<String>,
    /// How the text was obtained: `pdf-text`, `ocr`, `pdf-text+ocr`, `docx`, `odt`, `doc`,
    /// or `ocr-pending` (a scan waiting for OCR) / `not-read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_source: Option<String>,
    /// Pages of the file (PDF), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Mean OCR word confidence in percent, for text read from a scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_confidence: Option<u8>,
}

impl Attachment {
    /// Whether the text was machine-read from a scan (OCR), at least in part.
    pub fn is_ocr(&self) -> bool {
        self.text_source
            .as_deref()
            .is_some_and(|s| s.split('+').any(|p| p == "ocr"))
    }

    /// The 1-based page of the text at byte offset `at` (pages are separated by form feeds).
    pub fn page_at(&self, at: usize) -> usize {
        self.text.as_deref().map_or(1, |t| {
            t.get(..at.min(t.len()))
                .map_or(1, |head| head.matches('\u{c}').count() + 1)
        })
    }
}

/// One news article or legal document, as extracted from its page.
///
/// Text fields hold plain text (HTML removed, entities decoded, NFC) but keep the page's
/// spelling: normalisation for search is the indexer's job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Stable identity: `<module>-<numeric id>`, e.g. `news-1234`, `laws-88`, prefixed with the
    /// site's name on every site but the first (`tanuyen-laws-88`).
    pub id: String,
    /// News article or legal document.
    pub kind: Kind,
    /// The site (portal) it comes from, by its configured name (`thanuyen`); given by
    /// [`crate::sites::Sites::assign`] when the archive is replayed, empty before.
    #[serde(default)]
    pub site: String,
    /// The canonical URL of the page on the portal.
    pub url: String,
    /// Title (news headline; legal document title, "Tên văn bản").
    pub title: String,
    /// Lead: the news hometext (sapo), or the legal document's trích yếu.
    pub lead: String,
    /// Body text, paragraphs separated by blank lines.
    pub body: String,
    /// The main date: publish date of news, issue date ("Ngày ban hành") of legal documents.
    pub date: Option<NaiveDate>,
    /// Publish time with the page's own offset (news).
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Author line ("Tác giả").
    pub author: Option<String>,
    /// Source line ("Nguồn tin").
    pub source: Option<String>,
    /// News category (primary) name.
    pub category: Option<String>,
    /// News tags.
    pub tags: Vec<String>,
    /// Document number as printed ("Số kí hiệu"), e.g. `140/NQ-HĐND`.
    pub doc_number: Option<String>,
    /// Document type ("Thể loại"), e.g. `Nghị quyết`.
    pub doc_type: Option<String>,
    /// Issuing body ("Cơ quan ban hành").
    pub issuer: Option<String>,
    /// Signer ("Người ký").
    pub signer: Option<String>,
    /// Fields ("Lĩnh vực").
    pub fields: Vec<String>,
    /// Effective date ("Ngày bắt đầu hiệu lực").
    pub effective_date: Option<NaiveDate>,
    /// Expiry date ("Ngày hết hiệu lực").
    pub expiry_date: Option<NaiveDate>,
    /// Attached files.
    pub attachments: Vec<Attachment>,
}

impl Record {
    /// An empty record of the given identity, to be filled by an extractor.
    pub fn new(id: impl Into<String>, kind: Kind, url: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            site: String::new(),
            url: url.into(),
            title: String::new(),
            lead: String::new(),
            body: String::new(),
            date: None,
            published_at: None,
            author: None,
            source: None,
            category: None,
            tags: Vec::new(),
            doc_number: None,
            doc_type: None,
            issuer: None,
            signer: None,
            fields: Vec::new(),
            effective_date: None,
            expiry_date: None,
            attachments: Vec::new(),
        }
    }
}
