//! JSON endpoints: search (with CSV / JSON-lines export and RSS), documents, OpenAPI, health,
//! readiness and metrics.

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::AppError;
use crate::extract::{ApiPath, ApiQuery};
use crate::params::{self, Format, Surface};
use crate::state::AppState;
use crate::{documents, export, openapi, search};

/// Raw query pairs, checked by [`params::parse`].
type Pairs = Vec<(String, String)>;

/// `GET /api/search`.
pub(crate) async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(pairs): ApiQuery<Pairs>,
) -> Result<Response, AppError> {
    let params = params::parse(&pairs, state.config(), Surface::Api)?;
    match params.format {
        Format::Json => Ok(Json(search::page(&state, params).await?).into_response()),
        Format::Csv | Format::Jsonl => export::stream(&state, params).await,
        Format::Rss => export::rss(&state, &base_url(&state, &headers), params).await,
    }
}

/// `GET /api/search.rss`: the RSS feed of a search.
pub(crate) async fn search_rss(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(pairs): ApiQuery<Pairs>,
) -> Result<Response, AppError> {
    let params = params::parse(&pairs, state.config(), Surface::Plain)?;
    export::rss(&state, &base_url(&state, &headers), params).await
}

/// `GET /api/documents/{id}`.
pub(crate) async fn document(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let document = documents::load(&state, id).await?;
    Ok(Json(document).into_response())
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> Json<serde_json::Value> {
    Json(openapi::document())
}

/// `GET /healthz`: the process answers.
pub(crate) async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 once an index generation is live, 503 before.
pub(crate) async fn readyz(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, AppError> {
    let index = state.index()?;
    Ok(Json(
        json!({ "status": "ready", "documents": index.num_docs() }),
    ))
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let index = state.index().ok();
    let documents = index.as_ref().map_or(0, indexer::SearchIndex::num_docs);
    let generation = index
        .as_ref()
        .and_then(|index| index.generation())
        .and_then(|name| {
            name.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
        });
    let mut text = state.metrics().render(
        documents,
        generation,
        &state.jobs().running(),
        state.cache().stats(),
        state.search_permits_in_use(),
    );
    let counter = state.clone();
    match tokio::task::spawn_blocking(move || counter.site_summaries()).await {
        Ok(Ok(sites)) => text.push_str(&crate::metrics::render_sites(&sites)),
        Ok(Err(error)) => tracing::warn!("cannot count the captures per site: {error}"),
        Err(error) => tracing::warn!("cannot count the captures per site: {error}"),
    }
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}

/// The absolute base URL for links: `public_url` from the config, else from the `Host` header.
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config().public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .map_or_else(|| state.config().bind.to_string(), str::to_owned);
    format!("http://{host}")
}
