//! The indexer: Tantivy schema, Vietnamese analyzers, building the index from records, and the
//! search API that the query service calls.
//!
//! The query service never sees Tantivy types: it opens an [`IndexStore`], takes the live
//! [`SearchIndex`] with [`IndexStore::current`], sends a [`SearchRequest`] and gets
//! [`SearchResults`] back.

pub mod analyzer;
mod api;
mod build;
mod collector;
mod document;
mod error;
mod flat;
mod hitfile;
mod import;
mod known;
mod pairs;
mod reading;
mod schema;
mod search;
mod seeking;
mod snippet;
mod store;
mod suggest;
mod terms;
mod understand;

pub use api::{
    EXACT_TOTAL_UP_TO, FacetCount, Facets, Hit, HitSource, SearchRequest, SearchResults, Sort,
    Status,
};
pub use error::{Error, Result};
pub use import::{LineError, import_jsonl};
pub use schema::keyword;
pub use search::SearchIndex;
pub use snippet::escape_html;
pub use store::{BuildStats, IndexStore, Rollback};
pub use suggest::{Suggester, Suggestion, SuggestionKind};
