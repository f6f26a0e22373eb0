//! The bridge to the indexer's search API: turns checked [`SearchParams`] into an
//! [`indexer::SearchRequest`], runs it on a blocking thread, and turns the results into the
//! service's own [`SearchResponse`].

use std::collections::BTreeMap;
use std::time::Instant;

use crawler::{Kind, Sites};
use indexer::{SearchIndex, SearchRequest, SearchResults};

use crate::cache::{CacheKey, Lookup};
use crate::config::ServerConfig;
use crate::error::{AppError, Error};
use crate::metrics::PermitUse;
use crate::model::{FacetValue, HitView, SearchResponse};
use crate::params::SearchParams;
use crate::state::AppState;

/// The page of `params` on the live index: from the result cache when this generation has
/// answered the same request today, else searched (see [`in_place`]) and cached. Facets and
/// an exact total only when `params` asks for them.
pub(crate) async fn page(
    state: &AppState,
    params: SearchParams,
) -> Result<SearchResponse, AppError> {
    let started = Instant::now();
    let index = state.index()?;
    let key = CacheKey {
        generation: index.generation().unwrap_or_default().to_owned(),
        today: chrono::Local::now().date_naive(),
        params,
    };
    let slot = match state.cache().lookup(&key).await {
        Lookup::Hit(page) => {
            let mut page = SearchResponse::clone(&page);
            page.took_ms = elapsed_ms(started);
            state.metrics().search_answered(page.total == 0);
            return Ok(page);
        }
        Lookup::Miss(slot) => slot,
    };
    let CacheKey { today, params, .. } = key;
    let sites = state.sites();
    let permit = state.search_permit(PermitUse::Search).await;
    let page = in_place(move || {
        let _permit = permit;
        let mut request = page_request(&params);
        request.today = Some(today);
        let results = run(&index, &request)?;
        Ok::<_, AppError>(response(&params, results, started, &sites))
    })
    .await??;
    slot.fill(&page);
    state.metrics().search_answered(page.total == 0);
    Ok(page)
}

/// The [`SearchRequest`] that `GET /api/search?{query_string}` hands to the indexer, checked
/// as that endpoint checks it (for benchmarks that run the service's searches in process).
pub fn api_request(query_string: &str, config: &ServerConfig) -> Result<SearchRequest, AppError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query_string.as_bytes())
        .into_owned()
        .collect();
    let params = crate::params::parse(&pairs, config, crate::params::Surface::Api)?;
    Ok(page_request(&params))
}

/// The request of the page `params` ask for (its offset or cursor, its size, its facets).
fn page_request(params: &SearchParams) -> SearchRequest {
    request(
        params,
        params.offset(),
        params.per_page,
        params.cursor.clone(),
        params.facets,
    )
}

/// Runs `work` (a search: CPU-bound, well under a millisecond at the median) where it costs
/// least: on a multi-threaded runtime right here, on this worker thread, like any other
/// handler code (the search permits, one per core, already keep searches from taking every
/// worker for long, and another worker steals this one's queued tasks meanwhile); on a
/// current-thread runtime (tests) on the blocking pool, so the only thread never stalls. A
/// panic is an internal error either way.
///
/// Measured with `loadbench --setting unseen` (16 connections, cache off, 2 cores): handing
/// the worker to another thread around each search (`block_in_place`) cost about 0.13 ms of
/// CPU per request in thread hand-offs and wake-ups (server CPU 0.78 ms per request before,
/// 0.65 after).
async fn in_place<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    match tokio::runtime::Handle::current().runtime_flavor() {
        tokio::runtime::RuntimeFlavor::MultiThread => {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .map_err(|_| AppError::Internal(Error::SearchPanicked))
        }
        _ => Ok(tokio::task::spawn_blocking(work).await?),
    }
}

/// One batch of hits (no facets), for exports.
pub(crate) fn batch(
    index: &SearchIndex,
    sites: &Sites,
    params: &SearchParams,
    offset: usize,
    limit: usize,
    cursor: Option<String>,
) -> Result<SearchResponse, AppError> {
    let started = Instant::now();
    let request = request(
        params,
        if cursor.is_some() { 0 } else { offset },
        limit,
        cursor,
        false,
    );
    let results = run(index, &request)?;
    Ok(response(params, results, started, sites))
}

/// Records whose document number is `key` (or whose text mentions it), best first.
pub(crate) fn by_doc_number(
    index: &SearchIndex,
    sites: &Sites,
    key: &str,
    kind: Option<Kind>,
    limit: usize,
) -> Result<Vec<HitView>, AppError> {
    let request = SearchRequest {
        query: format!("\"{key}\""),
        kind,
        limit,
        ..SearchRequest::default()
    };
    Ok(run(index, &request)?
        .hits
        .into_iter()
        .map(|hit| hit_view(hit, sites))
        .collect())
}

fn run(index: &SearchIndex, request: &SearchRequest) -> Result<SearchResults, AppError> {
    index.search(request).map_err(AppError::from)
}

fn request(
    params: &SearchParams,
    offset: usize,
    limit: usize,
    cursor: Option<String>,
    facets: bool,
) -> SearchRequest {
    SearchRequest {
        query: params.q.clone(),
        kind: params.kind,
        offset,
        limit,
        doc_type: params.doc_type.clone(),
        issuer: params.issuer.clone(),
        signer: params.signer.clone(),
        field: params.field.clone(),
        status: params.status,
        date_from: params.date_from,
        date_to: params.date_to,
        sort: params.sort,
        cursor,
        facets,
        exact_total: params.exact_total,
        today: None,
        sites: params.sites.clone(),
    }
}

fn hit_view(hit: indexer::Hit, sites: &Sites) -> HitView {
    HitView {
        site_title: sites.title_of(&hit.site).to_owned(),
        site: hit.site,
        id: hit.id,
        kind: hit.kind,
        title: hit.title,
        url: hit.url,
        date: hit.date,
        doc_number: hit.doc_number,
        snippet: hit.snippet,
        score: hit.score,
        issuer: hit.issuer,
        doc_type: hit.doc_type,
        number_match: hit.number_match,
        source: hit.source,
    }
}

fn response(
    params: &SearchParams,
    results: SearchResults,
    started: Instant,
    sites: &Sites,
) -> SearchResponse {
    let took_ms = elapsed_ms(started);
    let hits: Vec<HitView> = results
        .hits
        .into_iter()
        .map(|hit| hit_view(hit, sites))
        .collect();
    let mut matches = hits.iter().filter(|hit| hit.number_match);
    let jump_to = match (matches.next(), matches.next()) {
        (Some(only), None) if params.cursor.is_none() && params.page == 1 => Some(only.id.clone()),
        _ => None,
    };
    SearchResponse {
        total: results.total as u64,
        total_exact: results.total_exact,
        took_ms,
        interpreted_query: results.interpreted_query,
        page: params.cursor.is_none().then_some(params.page),
        per_page: params.per_page,
        hits,
        facets: results.facets.map(|f| facets(f, sites)).unwrap_or_default(),
        next_cursor: results.next_cursor,
        jump_to,
    }
}

/// Milliseconds since `started`, rounded to the microsecond.
fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn facets(facets: indexer::Facets, sites: &Sites) -> BTreeMap<String, Vec<FacetValue>> {
    let convert = |values: Vec<indexer::FacetCount>| {
        values
            .into_iter()
            .map(|v| FacetValue {
                value: v.value,
                count: v.count,
                title: None,
            })
            .collect::<Vec<_>>()
    };
    let mut site = convert(facets.site);
    for value in &mut site {
        value.title = Some(sites.title_of(&value.value).to_owned());
    }
    let mut year = convert(facets.year);
    year.sort_by(|a, b| a.value.cmp(&b.value));
    BTreeMap::from([
        ("kind".to_owned(), convert(facets.kind)),
        ("doc_type".to_owned(), convert(facets.doc_type)),
        ("issuer".to_owned(), convert(facets.issuer)),
        ("year".to_owned(), year),
        ("site".to_owned(), site),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_a_multi_threaded_runtime_a_search_runs_in_place() {
        let here = std::thread::current().id();
        assert_eq!(
            in_place(move || std::thread::current().id() == here)
                .await
                .ok(),
            Some(true)
        );
        let err = in_place(|| -> u8 { panic!("hỏng") }).await.unwrap_err();
        assert!(
            matches!(err, AppError::Internal(Error::SearchPanicked)),
            "{err}"
        );
    }

    #[tokio::test]
    async fn on_a_current_thread_runtime_a_search_runs_on_the_blocking_pool() {
        let here = std::thread::current().id();
        assert_eq!(
            in_place(move || std::thread::current().id() == here)
                .await
                .ok(),
            Some(false)
        );
        let err = in_place(|| -> u8 { panic!("hỏng") }).await.unwrap_err();
        assert!(matches!(err, AppError::Internal(Error::Join(_))), "{err}");
    }

    #[test]
    fn api_request_is_what_the_endpoint_asks() {
        let config = ServerConfig::default();
        let request = super::api_request(
            "q=thu%E1%BA%BF+%22t%C3%A0i+s%E1%BA%A3n%22&kind=legal&doc_type=Lu%E1%BA%ADt\
             &date_from=2015-01-01&sort=oldest&page=2",
            &config,
        )
        .expect("valid");
        assert_eq!(request.query, "thuế \"tài sản\"");
        assert_eq!(request.kind, Some(Kind::Legal));
        assert_eq!(request.doc_type.as_deref(), Some("Luật"));
        assert_eq!(
            request.date_from,
            chrono::NaiveDate::from_ymd_opt(2015, 1, 1)
        );
        assert_eq!(request.sort, indexer::Sort::Oldest);
        assert_eq!(request.limit, config.default_per_page);
        assert_eq!(request.offset, config.default_per_page);
        assert!(!request.facets);
        let bad = super::api_request("q=thu%E1%BA%BF&kind=video", &config).unwrap_err();
        assert!(bad.to_string().contains("kind"), "{bad}");
    }
}
