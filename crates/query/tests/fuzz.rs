//! Hostile input, fuzzed with proptest: random and mutated query strings into the query
//! parser (the indexer's search), and random paths, parameters and headers into the HTTP API
//! (the real router over a real on-disk index). No panic, no hang (a time limit per request),
//! never a 5xx, and the service still answers a normal search afterwards. `PROPTEST_CASES`
//! sets the number of cases for a longer run by hand.

#[allow(dead_code, unreachable_pub)]
#[path = "it/support.rs"]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;

use support::{app, config, get_json, send};

/// The limit for one request.
const CASE_LIMIT: Duration = Duration::from_secs(10);

fn cases(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Query text: words of the test records, operators, quotes, document numbers, odd Unicode.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("nghị quyết".to_owned()),
        Just("nghi quyet".to_owned()),
        Just("140/NQ-HĐND".to_owned()),
        Just("\"".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("-".to_owned()),
        Just("+".to_owned()),
        Just(" AND ".to_owned()),
        Just(" OR ".to_owned()),
        Just("*".to_owned()),
        Just(":".to_owned()),
        Just("title:".to_owned()),
        Just("~2".to_owned()),
        Just("^3".to_owned()),
        Just("[a TO z]".to_owned()),
        Just("\u{0301}\u{200b}\u{feff}".to_owned()),
        "[\\PC]{0,12}",
        "[ -~]{0,12}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

/// Percent-encodes every byte that is not unreserved.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn param_name() -> impl Strategy<Value = String> {
    prop_oneof![
        // Every name the service knows (so new parameters are fuzzed too), and unknown ones.
        prop::sample::select(query::SEARCH_PARAMETERS.to_vec()).prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn param_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "news",
            "legal",
            "con-hieu-luc",
            "het-hieu-luc",
            "2023-12-15",
            "2024-01-01",
            "1900",
            "2200",
            "0",
            "1",
            "-1",
            "99999999999999999999",
            "newest",
            "oldest",
            "relevance",
            "csv",
            "jsonl",
            "rss",
            "json",
            "Nghị quyết",
            "HĐND huyện Than Uyên",
        ])
        .prop_map(str::to_owned),
        query_text(),
        "[\\PC]{0,16}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/api/search".to_owned()),
        Just("/api/search.rss".to_owned()),
        Just("/".to_owned()),
        "[\\PC]{0,24}".prop_map(|id| format!("/api/documents/{}", encode(&id))),
        "[\\PC]{0,24}".prop_map(|id| format!("/van-ban/{}", encode(&id))),
        "[\\PC]{0,24}".prop_map(|id| format!("/luu-tru/{}", encode(&id))),
        "[a-z/.%0-9]{0,24}".prop_map(|p| format!("/{p}")),
    ]
}

/// Name-value pairs (query parameters or headers).
type Pairs = Vec<(String, String)>;

fn request() -> impl Strategy<Value = (String, Pairs, Pairs)> {
    (
        path(),
        prop::collection::vec((param_name(), param_value()), 0..6),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "accept",
                    "host",
                    "accept-language",
                    "authorization",
                    "x-forwarded-for",
                    "content-length",
                ]),
                "[ -~]{0,40}",
            )
                .prop_map(|(k, v)| (k.to_owned(), v)),
            0..3,
        ),
    )
}

#[test]
fn query_parser_survives_hostile_queries() {
    let app = app(config(None));
    let store_dir = app.dir.path().join("index");
    let store = indexer::IndexStore::open(&store_dir).unwrap();
    let index = store.current().unwrap().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(cases(2000));
    runner
        .run(&query_text(), |query| {
            let request = indexer::SearchRequest {
                query: query.clone(),
                limit: 10,
                facets: true,
                ..indexer::SearchRequest::default()
            };
            match index.search(&request) {
                Ok(_) => {}
                Err(
                    indexer::Error::QueryParser(_)
                    | indexer::Error::InvalidRequest(_)
                    | indexer::Error::InvalidCursor(_),
                ) => {}
                Err(other) => {
                    return Err(TestCaseError::fail(format!(
                        "{query:?} broke the search: {other}"
                    )));
                }
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_api_answers_hostile_requests_without_5xx() {
    let mut cfg = config(Some("fuzz-token"));
    cfg.expensive_per_minute = 0;
    cfg.export_max_rows = 50;
    let app = app(cfg);
    let counted = AtomicU64::new(0);
    let handle = tokio::runtime::Handle::current();
    let router = app.router.clone();
    let counted_ref = &counted;
    tokio::task::block_in_place(|| {
        let mut runner = proptest::test_runner::TestRunner::new(cases(1000));
        runner
            .run(&request(), |(path, params, headers)| {
                let query: Vec<String> = params
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect();
                let uri = if query.is_empty() {
                    path.clone()
                } else {
                    format!("{path}?{}", query.join("&"))
                };
                let mut builder = Request::get(uri.as_str());
                for (k, v) in &headers {
                    builder = builder.header(k.as_str(), v.as_str());
                }
                let Ok(request) = builder.body(Body::empty()) else {
                    return Ok(()); // not a valid HTTP request: hyper would refuse it first
                };
                let answer = handle
                    .block_on(async {
                        tokio::time::timeout(CASE_LIMIT, send(&router, request)).await
                    })
                    .map_err(|_| TestCaseError::fail(format!("{uri} hung")))?;
                counted_ref.fetch_add(1, Ordering::Relaxed);
                prop_assert!(
                    answer.status.as_u16() < 500,
                    "{uri} {headers:?} -> {} {}",
                    answer.status,
                    answer.body
                );
                prop_assert!(answer.headers.contains_key("x-content-type-options"));
                Ok(())
            })
            .unwrap();
    });
    assert!(counted.load(Ordering::Relaxed) > 0);
    // Still answering, with the same results as before.
    let after = get_json(&app.router, "/api/search?q=ngh%E1%BB%8B%20quy%E1%BA%BFt").await;
    assert!(after["total"].as_u64().unwrap() > 0, "{after}");
}
