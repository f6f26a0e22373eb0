//! Request and response types of the search API (no Tantivy types cross this boundary).

use chrono::NaiveDate;
use crawler::Kind;
use serde::{Deserialize, Serialize};

/// A search as the query service asks for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The user's query text, as typed.
    pub query: String,
    /// Only records of this kind.
    pub kind: Option<Kind>,
    /// How many hits to skip.
    pub offset: usize,
    /// How many hits to return.
    pub limit: usize,
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
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many records match in all.
    pub total: usize,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// How the query was read, when it differs from what was typed (Telex decoded, diacritics
    /// restored, document number recognised).
    pub interpreted_query: Option<String>,
}
