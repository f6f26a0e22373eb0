//! Extractors that reject bad input with the service's JSON error shape instead of axum's
//! plain-text rejections.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Like [`axum::extract::Query`], but a bad query string is a 400 in the JSON error shape.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| {
                AppError::bad_request(
                    "bad_query",
                    format!("Tham số truy vấn không hợp lệ: {}", rejection.body_text()),
                )
            })
    }
}

/// Like [`axum::extract::Path`], but a bad path segment is a 400 in the JSON error shape.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|rejection: PathRejection| {
                AppError::bad_request(
                    "bad_path",
                    format!("Đường dẫn không hợp lệ: {}", rejection.body_text()),
                )
            })
    }
}

/// Like [`axum::Json`], but a bad body is a 400 in the JSON error shape.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Self(value))
            .map_err(|rejection: JsonRejection| {
                AppError::bad_request(
                    "bad_body",
                    format!("Nội dung JSON không hợp lệ: {}", rejection.body_text()),
                )
            })
    }
}
