//! The indexer: Tantivy schema, Vietnamese analyzers, building the index from records, and the
//! search API that the query service calls.
//!
//! The query service never sees Tantivy types: it sends a [`SearchRequest`] and gets
//! [`SearchResults`] back.

mod api;

pub use api::{Hit, SearchRequest, SearchResults};
