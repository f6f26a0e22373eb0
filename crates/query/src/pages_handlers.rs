//! Handlers of the HTML pages. Errors here are rendered as a Vietnamese HTML page with the
//! same status code the JSON API would use.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate};

use crate::error::AppError;
use crate::extract::ApiPath;
use crate::pages::ArchiveDates;
use crate::params::{self, Surface};
use crate::state::AppState;
use crate::{documents, html, pages, search};

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
    let mut params = params::parse(&pairs, state.config(), Surface::Plain)?;
    // The page shows the facet panel and the timeline.
    params.facets = true;
    if pairs.iter().all(|(_, value)| value.trim().is_empty()) && !state.is_ready() {
        let page = pages::search_page(&params, None, &ArchiveDates::new(), &state.sites());
        return Ok(Html(page).into_response());
    }
    let response = search::page(&state, params.clone()).await?;
    if let Some(id) = &response.jump_to {
        let target = format!("/van-ban/{}", params::encode_component(id));
        return Ok(Redirect::to(&target).into_response());
    }
    let archived: ArchiveDates = response
        .hits
        .iter()
        .filter_map(|hit| Some((hit.id.clone(), archived_on(&state.captures_of(&hit.id))?)))
        .collect();
    let page = pages::search_page(&params, Some(&response), &archived, &state.sites());
    Ok(Html(page).into_response())
}

/// The day of the latest successful capture (the one `/luu-tru/{id}` shows).
fn archived_on(captures: &[crawler::Capture]) -> Option<NaiveDate> {
    let capture = captures.iter().rev().find(|c| c.status == 200)?;
    Some(
        DateTime::parse_from_rfc3339(&capture.date)
            .ok()?
            .date_naive(),
    )
}

/// `GET /van-ban/{id}`: the document page.
pub(crate) async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Html<String>, PageError> {
    let base = crate::api::base_url(&state, &headers);
    let document = documents::load(&state, id).await?;
    // From the CDXJ capture index (known from the first request, no replay needed), else
    // from the last replay's capture history.
    let archived = document
        .captures
        .iter()
        .rev()
        .find(|c| c.status == 200)
        .and_then(|c| DateTime::parse_from_rfc3339(&c.time).ok())
        .map(|t| t.date_naive())
        .or_else(|| archived_on(&state.captures_of(&document.record.id)));
    Ok(Html(pages::document_page(&document, &base, archived)))
}

/// `GET /static/tracuu.css`: the pages' stylesheet.
pub(crate) async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", html::CSS)
}

/// `GET /static/tracuu.js`: the pages' optional script.
pub(crate) async fn script() -> Response {
    asset("text/javascript; charset=utf-8", html::JS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
