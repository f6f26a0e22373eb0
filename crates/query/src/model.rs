//! The service's own response types: what `/api/search` and `/api/documents/{id}` return and
//! what the pages render. Built from the indexer's results; no indexer or Tantivy type leaks
//! into the HTTP contract.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use crawler::{Kind, Record};
use serde::Serialize;

/// One hit of `/api/search`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitView {
    /// Record id (`news-12`, `laws-140`).
    pub id: String,
    /// `news` or `legal`.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// The original portal URL.
    pub url: String,
    /// Publish date (news) or issue date (legal).
    pub date: Option<NaiveDate>,
    /// Document number as printed (legal).
    pub doc_number: Option<String>,
    /// HTML-escaped extract with `<mark>` around the matched words.
    pub snippet: String,
    /// Relevance score.
    pub score: f32,
    /// Issuing body (legal), to tell apart documents that share a number.
    pub issuer: Option<String>,
    /// Document type (legal).
    pub doc_type: Option<String>,
    /// True when the query was this record's document number.
    pub number_match: bool,
    /// The attached file and page the snippet comes from (absent when it comes from the
    /// record's own text).
    pub source: Option<indexer::HitSource>,
    /// The site (portal) of the record, by name (`thanuyen`).
    pub site: String,
    /// The site's display name (`Huyện Than Uyên`).
    pub site_title: String,
}

/// One value of a facet with the number of matching records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// The value (`legal`, `Nghị quyết`, `2023`).
    pub value: String,
    /// How many matching records have it.
    pub count: u64,
    /// The display name of the value, for sites (`Huyện Tân Uyên`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The answer of `/api/search`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResponse {
    /// How many records match in all when `total_exact`; otherwise a lower bound (counting
    /// stopped there: "more than `total`").
    pub total: u64,
    /// False when `total` is a lower bound (ask `exact_total=true` for the exact count).
    pub total_exact: bool,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    /// How the query was read, when it differs from what was typed.
    pub interpreted_query: Option<String>,
    /// The page number answered (1-based; absent when paging by cursor).
    pub page: Option<usize>,
    /// Hits per page.
    pub per_page: usize,
    /// The hits of this page, in order.
    pub hits: Vec<HitView>,
    /// Facet name (`kind`, `doc_type`, `issuer`, `year`, `site`) -> values with counts, most frequent
    /// first (years in ascending order); empty unless asked for (`facets=true`).
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// When the query is a document number that exactly one record carries, that record's id
    /// (the web page jumps to it; shared numbers are listed with issuer and year instead).
    pub jump_to: Option<String>,
}

/// A record another record refers to, or is referred to by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    /// Record id, when the referenced record is in the index.
    pub id: Option<String>,
    /// The document number involved (`140/NQ-HĐND`).
    pub doc_number: String,
    /// Title of the record, when in the index.
    pub title: Option<String>,
    /// Issuing body, when known (several documents may share a number).
    pub issuer: Option<String>,
    /// The site's display name, when in the index (numbers repeat across districts).
    pub site_title: Option<String>,
    /// Date of the record, when known.
    pub date: Option<NaiveDate>,
    /// Original portal URL, when in the index.
    pub url: Option<String>,
}

/// One archived capture of a record's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureView {
    /// When the page was fetched (`WARC-Date`, RFC 3339).
    pub time: String,
    /// HTTP status of the capture.
    pub status: u16,
    /// `response` (new content) or `revisit` (unchanged since an earlier capture).
    pub warc_type: String,
    /// Payload digest (`sha1:…`), when the WARC record carries one.
    pub digest: Option<String>,
    /// WARC file name.
    pub warc_file: String,
    /// Byte offset of the record in the WARC file.
    pub offset: u64,
    /// Where the service replays this capture (`/luu-tru/{timestamp}/{url}`).
    pub replay_url: String,
}

/// The answer of `/api/documents/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentResponse {
    /// Every field of the record.
    #[serde(flatten)]
    pub record: Record,
    /// The site's display name (`Huyện Than Uyên`); `site` is its name.
    pub site_title: String,
    /// When the government behind the site ended, and what became of it (the archive is then
    /// the record of a body that no longer exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_ended: Option<crawler::sites::Ended>,
    /// Legal status computed from the expiry date (`Còn hiệu lực` / `Hết hiệu lực`).
    pub status: Option<&'static str>,
    /// Archived captures of the page, oldest first.
    pub captures: Vec<CaptureView>,
    /// Documents this record cites by number (resolved against the index when possible).
    pub cites: Vec<LinkView>,
    /// Records (mostly news) whose text cites this document's number.
    pub cited_by: Vec<LinkView>,
    /// Other records on the same subject ("more like this"), closest first.
    pub related: Vec<LinkView>,
    /// The citation in Vietnamese style.
    pub citation: String,
}
