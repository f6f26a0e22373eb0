//! Request and response types of the search API (no Tantivy types cross this boundary).

use chrono::NaiveDate;
use crawler::Kind;
use serde::{Deserialize, Serialize};

/// A search as the query service asks for it.
///
/// Every field added after the first version has `#[serde(default)]`, so older JSON still
/// deserialises.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The user's query text, as typed. Supports `"phrases"`, `-word` exclusion and `OR`.
    /// An empty query matches every record (useful with filters and date sorting).
    pub query: String,
    /// Only records of this kind.
    pub kind: Option<Kind>,
    /// How many hits to skip (ignored when `cursor` is set).
    pub offset: usize,
    /// How many hits to return.
    pub limit: usize,
    /// Only legal documents of this type ("Nghị quyết"); compared diacritic- and
    /// case-insensitively.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// Only documents of this issuing body ("HĐND huyện Than Uyên").
    #[serde(default)]
    pub issuer: Option<String>,
    /// Only documents with this signer.
    #[serde(default)]
    pub signer: Option<String>,
    /// Only documents in this field ("Lĩnh vực").
    #[serde(default)]
    pub field: Option<String>,
    /// Only legal documents in force / no longer in force.
    #[serde(default)]
    pub status: Option<Status>,
    /// Only records whose main date (publish date of news, issue date of legal documents) is on
    /// or after this day.
    #[serde(default)]
    pub date_from: Option<NaiveDate>,
    /// Only records whose main date is on or before this day.
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    /// Result order.
    #[serde(default)]
    pub sort: Sort,
    /// An opaque cursor from a previous page's `next_cursor`: returns the hits after it
    /// (stable deep paging; `offset` is then ignored). Use it with the same query, filters and
    /// sort.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Compute facet counts (kind, doc_type, issuer, year, site) over all matching records (this
    /// visits every match, so the total is then exact too).
    #[serde(default)]
    pub facets: bool,
    /// Count every match. Otherwise a relevance search counts up to [`EXACT_TOTAL_UP_TO`]
    /// matches and stops there (`total_exact` false: "more than N"), as web search engines
    /// do; date orders and facets always count every match.
    #[serde(default)]
    pub exact_total: bool,
    /// The day against which `status` is evaluated; today (local time) when absent.
    #[serde(default)]
    pub today: Option<NaiveDate>,
    /// Only records of these sites (by name, `thanuyen`); any of them. Empty: every site.
    #[serde(default)]
    pub sites: Vec<String>,
}

/// Whether a legal document is in force, computed as NukeViet's laws module does: "Còn hiệu
/// lực" when the expiry date is empty or in the future, otherwise "Hết hiệu lực".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Còn hiệu lực: no expiry date, or an expiry date after today.
    ConHieuLuc,
    /// Hết hiệu lực: an expiry date on or before today.
    HetHieuLuc,
}

impl Status {
    /// Reads a status from user input: `con-hieu-luc`, `còn hiệu lực`, `active`, `het-hieu-luc`,
    /// `hết hiệu lực`, `hết hạn`, `expired` (case, diacritics and separators ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let key: String = vietnamese::fold(text)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        match key.as_str() {
            "conhieuluc" | "active" | "valid" => Some(Status::ConHieuLuc),
            "hethieuluc" | "hethan" | "expired" => Some(Status::HetHieuLuc),
            _ => None,
        }
    }

    /// The Vietnamese label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::ConHieuLuc => "Còn hiệu lực",
            Status::HetHieuLuc => "Hết hiệu lực",
        }
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (ties broken by a stable per-id key).
    #[default]
    Relevance,
    /// Most recent main date first; records without a date last.
    Newest,
    /// Oldest main date first; records without a date last.
    Oldest,
}

impl Sort {
    /// Reads `relevance`, `newest` or `oldest`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "relevance" => Some(Sort::Relevance),
            "newest" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            _ => None,
        }
    }
}

/// One ranked hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The record id (`news-1234`, `laws-88`).
    pub id: String,
    /// News article or legal document.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// The original portal URL.
    pub url: String,
    /// Publish date (news) or issue date (legal).
    pub date: Option<NaiveDate>,
    /// Document number as printed, for legal documents.
    pub doc_number: Option<String>,
    /// A short extract around the matched words, as HTML-escaped text with `<mark>` around
    /// matches.
    pub snippet: String,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Issuing body, for legal documents (shown with the year when numbers collide).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Document type, for legal documents.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// True when the hit's document number is what the query asked for (R10).
    #[serde(default)]
    pub number_match: bool,
    /// The site (portal) of the record, by name (`thanuyen`).
    #[serde(default)]
    pub site: String,
    /// The attached file and page the snippet comes from, when the matched words are only in
    /// an attachment (the text of a resolution is often only in its file, sometimes a scan).
    #[serde(default)]
    pub source: Option<HitSource>,
}

/// Where in an attached file a hit's snippet was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HitSource {
    /// The file name as shown on the portal (`140-NQ-HDND.pdf`).
    pub file: String,
    /// The file's download URL on the portal.
    pub url: String,
    /// The 1-based page of the file.
    pub page: u32,
    /// How the file's text was obtained (`pdf-text`, `ocr`, `pdf-text+ocr`, `docx`...).
    pub text_source: Option<String>,
    /// True when the page's text was machine-read from a scan (OCR) and may hold errors.
    pub machine_read: bool,
}

/// One facet value with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value as stored (`Nghị quyết`, `2024`, `legal`).
    pub value: String,
    /// How many matching records carry it.
    pub count: u64,
}

/// Facet counts over all records matching a search, each list sorted by count (descending)
/// then value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Counts per kind (`news`, `legal`).
    pub kind: Vec<FacetCount>,
    /// Counts per document type.
    pub doc_type: Vec<FacetCount>,
    /// Counts per issuing body.
    pub issuer: Vec<FacetCount>,
    /// Counts per year of the main date.
    pub year: Vec<FacetCount>,
    /// Counts per site (by name).
    #[serde(default)]
    pub site: Vec<FacetCount>,
}

/// Without [`SearchRequest::exact_total`], relevance searches count matches up to this many.
pub const EXACT_TOTAL_UP_TO: usize = 1_000;

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many records match in all, when `total_exact`; otherwise a lower bound
    /// ([`EXACT_TOTAL_UP_TO`]): more records match.
    pub total: usize,
    /// False when `total` is a lower bound (counting stopped there).
    #[serde(default = "exact")]
    pub total_exact: bool,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// How the query was read, when it differs from what was typed (Telex decoded, diacritics
    /// restored, document number recognised).
    pub interpreted_query: Option<String>,
    /// Facet counts, when the request asked for them.
    #[serde(default)]
    pub facets: Option<Facets>,
    /// The cursor for the next page, when there are more hits.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

fn exact() -> bool {
    true
}
