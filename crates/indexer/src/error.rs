//! The indexer's error type: every failure names what it was working on.

use std::path::PathBuf;

/// Everything that can go wrong while building or searching the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder of the index store could not be read or written.
    #[error("index store io error at {path}: {source}")]
    Io {
        /// The path that was being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Tantivy failed.
    #[error("tantivy error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The query could not be turned into an index query.
    #[error("tantivy query error: {0}")]
    QueryParser(#[from] tantivy::query::QueryParserError),
    /// A stored record could not be decoded.
    #[error("stored record {id} is not valid json: {source}")]
    StoredRecord {
        /// The record id (or the document address when the id is unknown).
        id: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A record could not be encoded for storage.
    #[error("record {id} could not be encoded: {source}")]
    EncodeRecord {
        /// The record id.
        id: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The `CURRENT` pointer names a generation that does not exist or is malformed.
    #[error("index store at {root} is corrupt: {message}")]
    CorruptStore {
        /// The store's root folder.
        root: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// There is no previous generation to roll back to.
    #[error("no previous index generation to roll back to")]
    NoPreviousGeneration,
    /// The search cursor is not one this index handed out.
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    /// The request is not valid (a bad filter value, a date range that ends before it starts).
    #[error("invalid search request: {0}")]
    InvalidRequest(String),
}

/// The indexer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an io error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
