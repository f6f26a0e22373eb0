//! The crate's error type.

/// Errors of the Vietnamese text functions. Most functions are total (they return text or
/// `Option`); errors come from explicit conversions such as `"…".parse::<DocNumber>()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not a complete document number.
    #[error("not a document number: {0:?}")]
    NotADocNumber(String),
    /// The name is not one of the legacy Vietnamese encodings.
    #[error("unknown legacy Vietnamese encoding: {0:?}")]
    UnknownLegacy(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
