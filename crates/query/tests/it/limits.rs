//! Expensive paths and abuse: exports validate before answering and honour the cursor; size
//! limits, the per-client rate limit of exports and feeds, slowed admin-token guessing, and the
//! security headers of every answer.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{app, config, error_code, get, get_json, ids, send};

#[tokio::test]
async fn exports_refuse_invalid_filters_with_a_400_not_a_truncated_200() {
    let app = app(config(None));
    for format in ["csv", "jsonl"] {
        let answer = get(
            &app.router,
            &format!("/api/search?format={format}&kind=news&status=con-hieu-luc"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(error_code(&answer), "bad_request");
    }
}

#[tokio::test]
async fn exports_start_at_the_callers_cursor() {
    let app = app(config(None));
    let all = ids(&get_json(&app.router, "/api/search?sort=newest&per_page=50").await);
    let first = get_json(&app.router, "/api/search?sort=newest&per_page=3").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let answer = get(
        &app.router,
        &format!("/api/search?sort=newest&format=jsonl&cursor={cursor}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let exported: Vec<String> = answer
        .body
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(exported, all[3..], "the export continues after the cursor");
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_the_pages_own_inline_code_is_allowed() {
    let app = app(config(None));
    for uri in [
        "/",
        "/?q=ngh%E1%BB%8B+quy%E1%BA%BFt",
        "/van-ban/laws-140",
        "/van-ban/khong-co",
        "/api/search?q=x",
        "/api/search?bogus=1",
        "/api/documents/laws-140",
        "/khong-co-trang-nay",
        "/healthz",
    ] {
        let answer = get(&app.router, uri).await;
        let header = |name: &str| {
            answer
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{uri}: no {name}"))
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header("referrer-policy"), "same-origin", "{uri}");
        let policy = header("content-security-policy");
        assert!(policy.starts_with("default-src 'none'"), "{uri}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
    }
    // Pages load their stylesheet and script from this origin, which the policy allows, and
    // nothing inline, which it does not.
    let page = get(&app.router, "/van-ban/laws-140").await;
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("style-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(!page.body.contains("<script>") && !page.body.contains("<style"));
}

#[tokio::test]
async fn oversized_requests_get_4xx_before_any_handler() {
    let app = app(config(None));
    let long = format!("/api/search?q={}", "a".repeat(9000));
    assert_eq!(
        get(&app.router, &long).await.status,
        StatusCode::URI_TOO_LONG
    );
    let big_header = Request::get("/api/search?q=x")
        .header("x-padding", "p".repeat(17_000))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&app.router, big_header).await.status,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    let big_body = Request::post("/api/admin/reindex")
        .header("content-length", "1048576")
        .body(Body::from(vec![b'x'; 1_048_576]))
        .unwrap();
    let answer = send(&app.router, big_body).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
    assert_eq!(error_code(&answer), "too_large");
    // Normal requests still pass.
    assert_eq!(
        get(&app.router, "/api/search?q=x").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn exports_and_feeds_are_rate_limited_per_client_searches_are_not() {
    let mut cfg = config(None);
    cfg.expensive_per_minute = 2;
    let app = app(cfg);
    assert_eq!(
        get(&app.router, "/api/search?format=csv").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app.router, "/api/search.rss").await.status,
        StatusCode::OK
    );
    let limited = get(&app.router, "/api/search?format=jsonl").await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.body
    );
    assert_eq!(error_code(&limited), "rate_limited");
    let wait: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    for _ in 0..5 {
        assert_eq!(
            get(&app.router, "/api/search?q=x").await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn guessing_the_admin_token_is_slowed_then_refused() {
    let app = app(config(Some("the-right-token")));
    let admin = |token: &'static str| {
        Request::get("/api/admin/jobs")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        send(&app.router, admin("the-right-token")).await.status,
        StatusCode::OK
    );
    let started = std::time::Instant::now();
    for _ in 0..10 {
        assert_eq!(
            send(&app.router, admin("guess")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "each wrong guess waits"
    );
    let refused = send(&app.router, admin("guess")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
    // Once a client has used up its guesses, even the right token waits.
    assert_eq!(
        send(&app.router, admin("the-right-token")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// The value of the metric line that starts with `name` (labels included) in `/metrics`.
async fn metric(router: &axum::Router, name: &str) -> u64 {
    let text = get(router, "/metrics").await.body;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
}

#[tokio::test]
async fn every_path_that_searches_takes_a_search_permit_and_gives_it_back() {
    let app = app(config(None));
    let granted = |use_: &str| format!("tracuu_search_permits_granted_total{{use=\"{use_}\"}}");
    let before = [
        metric(&app.router, &granted("search")).await,
        metric(&app.router, &granted("export")).await,
        metric(&app.router, &granted("document")).await,
    ];
    assert_eq!(before, [0, 0, 0]);
    // Pages of results: the API, the web page and the RSS feed.
    for uri in [
        "/api/search?q=ngh%E1%BB%8B+quy%E1%BA%BFt",
        "/?q=ngan+sach",
        "/api/search.rss?q=dau+tu",
    ] {
        assert_eq!(get(&app.router, uri).await.status, StatusCode::OK, "{uri}");
    }
    assert_eq!(metric(&app.router, &granted("search")).await, 3);
    // Exports: one permit per batch, taken before the 200.
    for format in ["csv", "jsonl"] {
        let uri = format!("/api/search?q=nghi+quyet&format={format}");
        assert_eq!(get(&app.router, &uri).await.status, StatusCode::OK, "{uri}");
    }
    assert!(metric(&app.router, &granted("export")).await >= 2);
    // Documents: the API and the page both search for the links.
    for uri in ["/api/documents/laws-140", "/van-ban/laws-141"] {
        assert_eq!(get(&app.router, uri).await.status, StatusCode::OK, "{uri}");
    }
    assert_eq!(metric(&app.router, &granted("document")).await, 2);
    assert_eq!(metric(&app.router, "tracuu_search_permits_in_use").await, 0);
}

#[tokio::test]
async fn with_one_permit_concurrent_exports_queue_and_all_finish() {
    let app = app(query::ServerConfig {
        search_threads: 1,
        expensive_per_minute: 1_000,
        ..config(None)
    });
    let requests = (0..8).map(|i| {
        let router = app.router.clone();
        async move {
            let uri = if i % 2 == 0 {
                "/api/search?q=nghi+quyet&format=csv"
            } else {
                "/api/documents/laws-140"
            };
            get(&router, uri).await.status
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let waited = metric(
        &app.router,
        "tracuu_search_permit_waits_total{use=\"export\"}",
    )
    .await
        + metric(
            &app.router,
            "tracuu_search_permit_waits_total{use=\"document\"}",
        )
        .await;
    assert!(
        waited > 0,
        "eight searches at once on one permit: some must wait"
    );
    assert_eq!(metric(&app.router, "tracuu_search_permits_in_use").await, 0);
}
