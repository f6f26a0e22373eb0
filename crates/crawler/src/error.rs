//! The crawler's error type.

use std::path::PathBuf;

/// Everything that can go wrong while crawling, archiving or replaying.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("io error on {path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A WARC file is malformed.
    #[error("bad WARC file {path}: {message}")]
    Warc {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The crawl state database failed.
    #[error("state database error: {0}")]
    State(#[from] rusqlite::Error),
    /// The configuration is invalid.
    #[error("invalid crawler configuration: {0}")]
    Config(String),
    /// The HTTP client could not be built or a request could not be sent.
    #[error("http error: {0}")]
    Http(String),
    /// The crawl cannot proceed (e.g. robots.txt unreachable with 5xx for too long).
    #[error("crawl aborted: {0}")]
    Aborted(String),
}

/// The crawler's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
