//! Integration tests of the indexer: real Tantivy indexes on disk in temporary folders.

mod fixtures;
mod generations;
mod import;
mod search;
mod sites;
