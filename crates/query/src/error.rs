//! Errors: the crate's internal [`Error`] and the one place ([`AppError`]) where every failure
//! becomes an HTTP response.
//!
//! User mistakes become 4xx answers with a JSON body `{"error": {"code", "message"}}` whose
//! message says in plain Vietnamese what to change; our own failures become a 500 with a generic
//! body while the details go to the log.

use std::path::PathBuf;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Internal failures of the service (never the user's fault).
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
    /// The index could not be opened, built or searched.
    #[error("index error: {0}")]
    Index(#[from] indexer::Error),
    /// A job needs an input the service was started without.
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
    /// Crawling or replaying the archive failed.
    #[error("crawler error: {0}")]
    Crawler(#[from] crawler::Error),
    /// A blocking task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// A search run in place on a worker thread panicked.
    #[error("the search panicked")]
    SearchPanicked,
    /// Serialising a response failed.
    #[error("serialisation error: {0}")]
    Json(#[from] serde_json::Error),
    /// A runtime for a background job could not be started.
    #[error("cannot start a runtime: {0}")]
    Runtime(std::io::Error),
    /// Binding or serving the listener failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// The crate's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a request can fail, each mapped to one status code and a stable `code` string.
#[derive(Debug)]
pub enum AppError {
    /// A parameter is missing, unknown or has a bad value (400).
    BadRequest {
        /// Stable machine-readable code, e.g. `unknown_parameter`.
        code: &'static str,
        /// What is wrong, for people.
        message: String,
    },
    /// The thing asked for does not exist (404).
    NotFound(String),
    /// Admin endpoint without a valid bearer token (401).
    Unauthorized,
    /// Admin endpoints are switched off because no token is configured (404).
    AdminDisabled,
    /// A job of the same kind is already running (409).
    Conflict(String),
    /// The search index is not ready yet (503).
    NotReady,
    /// The request took longer than the configured timeout (503).
    Timeout,
    /// The client asked for too much too often (429); it may try again after the duration.
    RateLimited(std::time::Duration),
    /// The request is too large to be honest (413, 414 or 431, given).
    TooLarge(StatusCode),
    /// Our fault: logged in full, answered with a generic 500.
    Internal(Error),
}

impl AppError {
    /// A 400 with the given code and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound(_) | Self::AdminDisabled => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotReady | Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(status) => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::NotFound(_) | Self::AdminDisabled => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Conflict(_) => "conflict",
            Self::NotReady => "not_ready",
            Self::Timeout => "timeout",
            Self::RateLimited(_) => "rate_limited",
            Self::TooLarge(_) => "too_large",
            Self::Internal(_) => "internal",
        }
    }

    /// The human-readable message (Vietnamese); generic for internal errors.
    pub fn message(&self) -> String {
        match self {
            Self::BadRequest { message, .. }
            | Self::NotFound(message)
            | Self::Conflict(message) => message.clone(),
            Self::AdminDisabled => "Không tìm thấy địa chỉ này.".to_owned(),
            Self::Unauthorized => {
                "Cần mã quản trị hợp lệ (tiêu đề Authorization: Bearer <mã>).".to_owned()
            }
            Self::NotReady => "Chỉ mục tìm kiếm chưa sẵn sàng, vui lòng thử lại sau.".to_owned(),
            Self::Timeout => "Yêu cầu xử lý quá lâu, vui lòng thử lại sau.".to_owned(),
            Self::RateLimited(wait) => format!(
                "Bạn gửi quá nhiều yêu cầu loại này; vui lòng thử lại sau {} giây.",
                wait.as_secs().max(1)
            ),
            Self::TooLarge(_) => {
                "Yêu cầu quá lớn (địa chỉ, tiêu đề hoặc nội dung quá dài).".to_owned()
            }
            Self::Internal(_) => "Đã xảy ra lỗi nội bộ, vui lòng thử lại sau.".to_owned(),
        }
    }

    /// Logs internal errors with their full details (user errors are not logged).
    pub(crate) fn log(&self) {
        if let Self::Internal(err) = self {
            tracing::error!(error = %err, "request failed");
        }
    }
}

impl From<Error> for AppError {
    fn from(err: Error) -> Self {
        Self::Internal(err)
    }
}

impl From<indexer::Error> for AppError {
    /// Sorts the indexer's failures: what the user's input caused is a 4xx, the rest is ours.
    fn from(err: indexer::Error) -> Self {
        use indexer::Error as E;
        match err {
            E::QueryParser(_) => Self::bad_request(
                "bad_query",
                "Không hiểu được câu truy vấn; hãy kiểm tra dấu ngoặc kép và các toán tử.",
            ),
            E::InvalidCursor(_) => Self::bad_request(
                "bad_cursor",
                "Con trỏ phân trang (cursor) không hợp lệ hoặc đã hết hạn; hãy tìm lại từ trang đầu.",
            ),
            E::InvalidRequest(message) => Self::bad_request(
                "bad_request",
                format!("Yêu cầu tìm kiếm không hợp lệ: {message}"),
            ),
            E::NoPreviousGeneration => {
                Self::Conflict("Không có bản chỉ mục trước đó để quay lại.".to_owned())
            }
            err @ (E::Io { .. }
            | E::Tantivy(_)
            | E::StoredRecord { .. }
            | E::EncodeRecord { .. }
            | E::CorruptStore { .. }) => Self::Internal(Error::Index(err)),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::Internal(err.into())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Internal(err) => write!(f, "internal: {err}"),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let body = json!({ "error": { "code": self.code(), "message": self.message() } });
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited(wait) = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        if matches!(self, Self::Unauthorized) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_details() {
        let err = AppError::from(Error::Io {
            path: PathBuf::from("secret/place"),
            source: std::io::Error::other("disk on fire"),
        });
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.message().contains("secret"));
        assert!(!err.message().contains("fire"));
    }

    #[test]
    fn user_errors_keep_their_message() {
        let err = AppError::bad_request("bad_value", "page phải là số");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.code(), "bad_value");
        assert_eq!(err.message(), "page phải là số");
    }
}
