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
}

/// The crawler's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
