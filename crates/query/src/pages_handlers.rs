//! Handlers of the HTML pages. Errors here are rendered as a Vietnamese HTML page with the
//! same status code the JSON API would use.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::AppError;
use crate::extract::ApiPath;
use crate::params::{self, Surface};
use crate::state::AppState;
use crate::{documents, pages, search};

/// An [`AppError`] shown as an HTML page.
pub(crate) struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<tokio::task::JoinError> for PageError {
    fn from(err: tokio::task::JoinError) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        (self.0.status(), Html(pages::error_page(&self.0.message()))).into_response()
    }
}

/// `GET /`: the search page.
pub(crate) async fn search(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(pairs) = query.map_err(|rejection| {
        AppError::bad_request(
            "bad_query",
            format!("Tham số không hợp lệ: {}", rejection.body_text()),
        )
    })?;
    let params = params::parse(&pairs, state.config(), Surface::Plain)?;
    if pairs.iter().all(|(_, value)| value.trim().is_empty()) && !state.is_ready() {
        return Ok(Html(pages::search_page(&params, None)).into_response());
    }
    let response = search::page(&state, params.clone()).await?;
    if let Some(id) = &response.jump_to {
        let target = format!("/van-ban/{}", params::encode_component(id));
        return Ok(Redirect::to(&target).into_response());
    }
    Ok(Html(pages::search_page(&params, Some(&response))).into_response())
}

/// `GET /van-ban/{id}`: the document page.
pub(crate) async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Html<String>, PageError> {
    let base = crate::api::base_url(&state, &headers);
    let permalink = format!("{base}/van-ban/{}", params::encode_component(&id));
    let document = documents::load(&state, id).await?;
    let archived = document.captures.iter().any(|c| c.status == 200);
    Ok(Html(pages::document_page(&document, &permalink, archived)))
}
