//! The crate's error type.

use std::path::PathBuf;

/// Errors from generating or loading a fixture site.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("io error on {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A data file is not valid TOML for its schema.
    #[error("invalid data file {path}: {source}")]
    Toml {
        /// The data file.
        path: PathBuf,
        /// The parse error.
        source: toml::de::Error,
    },
    /// The site manifest is not valid JSON for its schema.
    #[error("invalid manifest {path}: {source}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The data is inconsistent (unknown category, duplicate id, bad date...).
    #[error("invalid fixture data: {0}")]
    Data(String),
    /// A scanned document could not be made (no font, image encoding).
    #[error("scan generator: {0}")]
    Scan(String),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wraps an IO error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
