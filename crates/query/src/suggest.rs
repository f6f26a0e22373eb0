//! `GET /api/suggest?q=`: up to eight completions of what is being typed in the search box
//! (document numbers, titles, frequent terms; toneless- and Telex-aware), from the live index
//! generation's completion table (see [`indexer::Suggester`]).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::params::encode_component;
use crate::state::AppState;

/// Most completions answered (and the default).
pub(crate) const MAX_SUGGESTIONS: usize = 8;
/// Longest prefix accepted, in characters.
const MAX_PREFIX_CHARS: usize = 200;

/// The query string of `/api/suggest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SuggestQuery {
    /// What has been typed so far.
    #[serde(default)]
    q: String,
    /// How many completions, 1 to 8.
    limit: Option<usize>,
}

/// One completion, as the page and API clients see it.
#[derive(Debug, Serialize)]
pub(crate) struct SuggestionView {
    /// What to show.
    text: String,
    /// What to search for when chosen.
    query: String,
    /// `number`, `title` or `term`.
    kind: indexer::SuggestionKind,
    /// The record it names, when exactly one.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// The page of that record.
    #[serde(skip_serializing_if = "Option::is_none")]
    href: Option<String>,
}

/// The answer of `/api/suggest`.
#[derive(Debug, Serialize)]
pub(crate) struct SuggestResponse {
    /// The prefix as received.
    q: String,
    /// The completions, best first.
    suggestions: Vec<SuggestionView>,
}

/// `GET /api/suggest`.
pub(crate) async fn suggest(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> Result<Json<SuggestResponse>, AppError> {
    let limit = query.limit.unwrap_or(MAX_SUGGESTIONS);
    if !(1..=MAX_SUGGESTIONS).contains(&limit) {
        return Err(AppError::bad_request(
            "bad_limit",
            format!("limit phải từ 1 đến {MAX_SUGGESTIONS}."),
        ));
    }
    if query.q.chars().count() > MAX_PREFIX_CHARS {
        return Err(AppError::bad_request(
            "query_too_long",
            format!("q dài quá {MAX_PREFIX_CHARS} ký tự."),
        ));
    }
    let index = state.index()?;
    let prefix = query.q.clone();
    let found = tokio::task::spawn_blocking(move || index.suggest(&prefix, limit)).await??;
    let suggestions = found
        .into_iter()
        .map(|s| SuggestionView {
            href: s
                .id
                .as_deref()
                .map(|id| format!("/van-ban/{}", encode_component(id))),
            text: s.text,
            query: s.query,
            kind: s.kind,
            id: s.id,
        })
        .collect();
    Ok(Json(SuggestResponse {
        q: query.q,
        suggestions,
    }))
}
