//! The JSON API: search, filters, facets, sort, cursor paging, export, RSS, documents, health,
//! metrics, OpenAPI and the limits.

use axum::http::StatusCode;

use crate::support::{app, config, error_code, get, get_json, ids, records};

#[tokio::test]
async fn search_returns_the_documented_shape() {
    let app = app(config(None));
    let answer = get_json(
        &app.router,
        "/api/search?q=ngh%E1%BB%8B%20quy%E1%BA%BFt%20140",
    )
    .await;
    for key in [
        "total",
        "took_ms",
        "interpreted_query",
        "hits",
        "facets",
        "next_cursor",
    ] {
        assert!(answer.get(key).is_some(), "missing {key}: {answer}");
    }
    let first = &answer["hits"][0];
    assert_eq!(first["id"], "laws-140", "{answer}");
    for key in [
        "id",
        "kind",
        "title",
        "url",
        "date",
        "doc_number",
        "snippet",
        "score",
    ] {
        assert!(first.get(key).is_some(), "hit misses {key}");
    }
    assert_eq!(
        first["url"],
        "https://thanuyen.example.vn/van-ban/laws-140.html"
    );
    assert_eq!(first["kind"], "legal");
    assert_eq!(first["date"], "2023-12-15");
}

#[tokio::test]
async fn toneless_query_finds_the_same_document() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/search?q=nghi+quyet+140").await;
    assert_eq!(ids(&answer)[0], "laws-140", "{answer}");
}

#[tokio::test]
async fn kind_filter() {
    let app = app(config(None));
    let legal = get_json(&app.router, "/api/search?kind=legal&per_page=50").await;
    assert_eq!(legal["total"], 5);
    assert!(ids(&legal).iter().all(|id| id.starts_with("laws-")));
    let news = get_json(&app.router, "/api/search?kind=news&per_page=50").await;
    assert_eq!(news["total"], 3);
    assert!(ids(&news).iter().all(|id| id.starts_with("news-")));
}

#[tokio::test]
async fn metadata_filters() {
    let app = app(config(None));
    let cases = [
        (
            "doc_type=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh",
            vec!["laws-12"],
        ),
        (
            "issuer=Huy%E1%BB%87n%20%E1%BB%A7y%20T%C3%A2n%20Uy%C3%AAn",
            vec!["laws-6"],
        ),
        ("signer=L%C3%B2%20V%C4%83n%20H%C6%B0ng", vec!["laws-12"]),
        ("field=T%C3%A0i%20ch%C3%ADnh", vec!["laws-141"]),
        ("status=het-hieu-luc", vec!["laws-12"]),
        (
            "date_from=2023-12-01&date_to=2023-12-31",
            vec!["laws-140", "laws-141"],
        ),
        ("year=2021", vec!["laws-5", "news-3"]),
        ("date_from=01/01/2024", vec!["news-1"]),
    ];
    for (filter, expected) in cases {
        let answer = get_json(&app.router, &format!("/api/search?{filter}&per_page=50")).await;
        let mut found = ids(&answer);
        found.sort();
        assert_eq!(found, expected, "{filter}: {answer}");
        assert_eq!(answer["total"], expected.len(), "{filter}");
    }
    let active = get_json(&app.router, "/api/search?status=con-hieu-luc&per_page=50").await;
    assert!(!ids(&active).contains(&"laws-12".to_owned()));
    assert!(ids(&active).contains(&"laws-140".to_owned()));
}

#[tokio::test]
async fn facets_count_all_matches() {
    let app = app(config(None));
    // Only a caller that asks pays for facets.
    let plain = get_json(&app.router, "/api/search?per_page=1").await;
    assert_eq!(plain["facets"], serde_json::json!({}), "{plain}");
    assert_eq!(plain["total"], 8);
    assert_eq!(plain["total_exact"], true);
    let answer = get_json(&app.router, "/api/search?per_page=1&facets=true").await;
    let facet = |name: &str, value: &str| {
        answer["facets"][name]
            .as_array()
            .unwrap_or_else(|| panic!("no facet {name}: {answer}"))
            .iter()
            .find(|v| v["value"] == value)
            .map(|v| v["count"].as_u64().unwrap())
    };
    assert_eq!(facet("kind", "legal"), Some(5));
    assert_eq!(facet("kind", "news"), Some(3));
    assert_eq!(facet("doc_type", "Nghị quyết"), Some(4));
    assert_eq!(facet("issuer", "HĐND huyện Than Uyên"), Some(2));
    assert_eq!(facet("year", "2023"), Some(3));
    let years: Vec<&str> = answer["facets"]["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    let mut sorted = years.clone();
    sorted.sort_unstable();
    assert_eq!(years, sorted, "years are listed in order");
}

#[tokio::test]
async fn sort_by_date() {
    let app = app(config(None));
    let dates = |answer: &serde_json::Value| -> Vec<String> {
        answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["date"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest = dates(&get_json(&app.router, "/api/search?sort=newest&per_page=50").await);
    let mut expected = newest.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(newest, expected);
    assert_eq!(newest[0], "2024-01-10");
    let oldest = dates(&get_json(&app.router, "/api/search?sort=oldest&per_page=50").await);
    assert_eq!(oldest[0], "2021-06-01");
    assert_eq!(oldest.last(), newest.first());
}

#[tokio::test]
async fn cursor_pages_through_everything_once() {
    let app = app(config(None));
    let mut seen = Vec::new();
    let mut uri = "/api/search?sort=newest&per_page=3".to_owned();
    for _ in 0..10 {
        let answer = get_json(&app.router, &uri).await;
        seen.extend(ids(&answer));
        match answer["next_cursor"].as_str() {
            Some(cursor) => {
                uri = format!(
                    "/api/search?sort=newest&per_page=3&cursor={}",
                    urlencode(cursor)
                );
            }
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no hit twice: {seen:?}");
    assert_eq!(seen.len(), records().len());
    let bad = get(&app.router, "/api/search?cursor=not-a-cursor").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn page_parameter_pages() {
    let app = app(config(None));
    let all = ids(&get_json(&app.router, "/api/search?sort=oldest&per_page=8").await);
    let second = get_json(&app.router, "/api/search?sort=oldest&per_page=3&page=2").await;
    assert_eq!(ids(&second), all[3..6].to_vec());
    assert_eq!(second["page"], 2);
}

#[tokio::test]
async fn csv_export_streams_the_whole_result_set() {
    let app = app(config(None));
    let answer = get(&app.router, "/api/search?format=csv&per_page=1").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.content_type().starts_with("text/csv"),
        "{}",
        answer.content_type()
    );
    let lines: Vec<&str> = answer.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,kind,date,doc_number,doc_type,issuer,title,url,score,site,site_title"
    );
    assert_eq!(lines.len(), records().len() + 1, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("laws-140,legal,2023-12-15,140/NQ-HĐND,Nghị quyết,HĐND huyện Than Uyên")
    );
}

#[tokio::test]
async fn jsonl_export_respects_filters_and_cap() {
    let app = app(config(None));
    let answer = get(&app.router, "/api/search?format=jsonl&kind=legal").await;
    assert_eq!(answer.status, StatusCode::OK);
    let lines: Vec<serde_json::Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().all(|l| l["kind"] == "legal"));

    let mut small = config(None);
    small.export_max_rows = 2;
    let capped = crate::support::app(small);
    let answer = get(&capped.router, "/api/search?format=jsonl").await;
    assert_eq!(answer.body.lines().count(), 2);
}

#[tokio::test]
async fn rss_feed_for_any_search() {
    let app = app(config(None));
    for uri in [
        "/api/search.rss?kind=legal",
        "/api/search?kind=legal&format=rss",
    ] {
        let answer = get(&app.router, uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert!(answer.content_type().starts_with("application/rss+xml"));
        assert!(answer.body.starts_with("<?xml"));
        assert_eq!(answer.body.matches("<item>").count(), 5, "{}", answer.body);
        assert!(
            answer
                .body
                .contains("<link>https://tracuu.example.vn/van-ban/laws-140</link>")
        );
        // Newest first by default.
        let first = answer.body.find("laws-140").unwrap();
        assert!(first < answer.body.find("laws-5").unwrap());
    }
    let escaped = get(&app.router, "/api/search.rss?q=alert").await;
    assert!(!escaped.body.contains("<script>"), "{}", escaped.body);
}

#[tokio::test]
async fn snippets_keep_crawled_markup_as_text() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/search?q=alert").await;
    assert_eq!(ids(&answer), vec!["news-2"]);
    let hit = &answer["hits"][0];
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(!snippet.contains("<script>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert_eq!(
        hit["title"],
        "Cảnh báo mã độc <script>alert(1)</script> trên mạng"
    );
}

#[tokio::test]
async fn document_has_every_field_links_and_citation() {
    let app = app(config(None));
    let doc = get_json(&app.router, "/api/documents/laws-140").await;
    assert_eq!(doc["id"], "laws-140");
    assert_eq!(doc["doc_number"], "140/NQ-HĐND");
    assert_eq!(doc["issuer"], "HĐND huyện Than Uyên");
    assert_eq!(doc["signer"], "Hoàng Văn Thắng");
    assert_eq!(doc["status"], "Còn hiệu lực");
    assert!(doc["captures"].is_array());
    let cited_by: Vec<&str> = doc["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(cited_by.contains(&"news-1"), "{doc}");
    assert!(cited_by.contains(&"laws-141"), "{doc}");
    assert!(!cited_by.contains(&"laws-140"));
    assert_eq!(
        doc["citation"],
        "Nghị quyết số 140/NQ-HĐND ngày 15/12/2023 của HĐND huyện Than Uyên về kế hoạch đầu tư \
         công năm 2024 của huyện Than Uyên, truy cập tại https://thanuyen.example.vn/van-ban/laws-140.html."
    );

    let news = get_json(&app.router, "/api/documents/news-1").await;
    let cites = news["cites"].as_array().unwrap();
    assert_eq!(cites.len(), 1, "{news}");
    assert_eq!(cites[0]["id"], "laws-140");

    let expired = get_json(&app.router, "/api/documents/laws-12").await;
    assert_eq!(expired["status"], "Hết hiệu lực");

    let missing = get(&app.router, "/api/documents/laws-999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&missing), "not_found");
}

#[tokio::test]
async fn shared_document_numbers_are_listed_with_issuer_and_year() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/search?q=05-NQ%2FHU").await;
    let found = ids(&answer);
    assert!(
        found.contains(&"laws-5".to_owned()) && found.contains(&"laws-6".to_owned()),
        "{answer}"
    );
    for hit in answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["doc_number"] == "05-NQ/HU")
    {
        assert!(hit["issuer"].is_string(), "{hit}");
        assert!(hit["date"].is_string(), "{hit}");
    }
}

#[tokio::test]
async fn health_readiness_metrics_openapi() {
    let app = app(config(None));
    assert_eq!(get_json(&app.router, "/healthz").await["status"], "ok");
    let ready = get_json(&app.router, "/readyz").await;
    assert_eq!(ready["documents"], records().len());
    get_json(&app.router, "/api/search?q=x").await;
    let metrics = get(&app.router, "/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.content_type().starts_with("text/plain"));
    assert!(
        metrics.body.contains(
            "tracuu_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"} 1"
        ),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains(
        "tracuu_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"} 1"
    ));
    assert!(
        metrics
            .body
            .contains(&format!("tracuu_documents_indexed {}", records().len()))
    );
    assert!(
        metrics
            .body
            .contains("tracuu_last_reindex_timestamp_seconds")
    );
    let openapi = get_json(&app.router, "/api/openapi.json").await;
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/api/search"]["get"].is_object());
}

#[tokio::test]
async fn limits_and_bad_values_are_400_with_json() {
    let app = app(config(None));
    let long = "a".repeat(600);
    let cases = [
        (format!("/api/search?q={long}"), "query_too_long"),
        ("/api/search?per_page=1000".to_owned(), "per_page_too_large"),
        ("/api/search?colour=blue".to_owned(), "unknown_parameter"),
        ("/api/search?kind=video".to_owned(), "bad_value"),
        ("/api/search?page=abc".to_owned(), "bad_value"),
        ("/api/search?sort=random".to_owned(), "bad_value"),
        ("/api/search?format=xml".to_owned(), "bad_value"),
        ("/api/search?date_from=2024-02-30".to_owned(), "bad_value"),
        ("/api/search?q=a&q=b".to_owned(), "repeated_parameter"),
    ];
    for (uri, code) in cases {
        let answer = get(&app.router, &uri).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.body
        );
        assert!(answer.content_type().starts_with("application/json"));
        assert_eq!(error_code(&answer), code, "{uri}");
    }
    let unknown = get(&app.router, "/api/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&unknown), "not_found");
}

#[tokio::test]
async fn nasty_queries_never_cause_a_500() {
    let app = app(config(None));
    let long = "nghi%20quyet%20".repeat(40);
    let nasty = [
        "%22",
        "%22unbalanced",
        "a%22b%22c%22",
        "-",
        "--",
        "-nghi",
        "OR",
        "OR%20OR",
        "AND%20OR%20NOT",
        "%FF",
        "%C3%28",
        "*",
        "%3A",
        "title%3Ax",
        "(((",
        ")))",
        "%5B1%20TO%202%5D",
        "%5C",
        "~2",
        "%5E5",
        "%2B%2B%2B",
        "%00",
        "%F0%9F%98%80",
        "140%2F",
        "%2F%2F%2F",
        &long,
    ];
    for q in nasty {
        for uri in [
            format!("/api/search?q={q}"),
            format!("/api/search?q={q}&format=csv"),
            format!("/api/search.rss?q={q}"),
            format!("/?q={q}"),
        ] {
            let answer = get(&app.router, &uri).await;
            assert!(
                answer.status.is_success() || answer.status.is_client_error(),
                "{uri}: {} {}",
                answer.status,
                answer.body
            );
        }
    }
}

/// The value of an unlabelled metric in `/metrics`.
async fn metric(app: &crate::support::TestApp, name: &str) -> u64 {
    let text = get(&app.router, "/metrics").await.body;
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn repeated_searches_are_served_from_the_result_cache() {
    let app = app(config(None));
    let uri = "/api/search?q=ngan%20sach&per_page=2";
    let first = get_json(&app.router, uri).await;
    assert_eq!(metric(&app, "tracuu_search_cache_misses_total").await, 1);
    assert_eq!(metric(&app, "tracuu_search_cache_hits_total").await, 0);

    let second = get_json(&app.router, uri).await;
    assert_eq!(metric(&app, "tracuu_search_cache_hits_total").await, 1);
    assert_eq!(ids(&first), ids(&second));
    assert_eq!(first["total"], second["total"]);
    assert_eq!(first["facets"], second["facets"]);
    assert!(!ids(&first).is_empty());

    // Another page, filter or order is another entry.
    get_json(&app.router, "/api/search?q=ngan%20sach&per_page=2&page=2").await;
    get_json(
        &app.router,
        "/api/search?q=ngan%20sach&per_page=2&kind=legal",
    )
    .await;
    assert_eq!(metric(&app, "tracuu_search_cache_misses_total").await, 3);
    assert_eq!(metric(&app, "tracuu_search_cache_entries").await, 3);
    // The web page (which asks for facets) is another entry.
    let page = get(&app.router, "/?q=ngan%20sach").await;
    assert_eq!(page.status, StatusCode::OK);
    // Hits and misses both count as answered searches; none found nothing so far.
    assert_eq!(metric(&app, "tracuu_searches_total").await, 5);
    assert_eq!(metric(&app, "tracuu_search_zero_results_total").await, 0);
    get_json(&app.router, "/api/search?q=xyzzyqwv").await;
    get_json(&app.router, "/api/search?q=xyzzyqwv").await;
    assert_eq!(metric(&app, "tracuu_search_zero_results_total").await, 2);
}

#[tokio::test]
async fn a_zero_sized_result_cache_searches_every_time() {
    let mut settings = config(None);
    settings.search_cache_mb = 0;
    let app = app(settings);
    let uri = "/api/search?q=ngan%20sach";
    let first = get_json(&app.router, uri).await;
    let second = get_json(&app.router, uri).await;
    assert_eq!(ids(&first), ids(&second));
    assert_eq!(metric(&app, "tracuu_search_cache_hits_total").await, 0);
    assert_eq!(metric(&app, "tracuu_search_cache_misses_total").await, 2);
    assert_eq!(metric(&app, "tracuu_search_cache_entries").await, 0);
}

#[tokio::test]
async fn concurrent_searches_wait_for_one_search_thread_and_all_succeed() {
    let mut settings = config(None);
    settings.search_threads = 1;
    settings.search_cache_mb = 0;
    let app = app(settings);
    let queries = [
        "ngan%20sach",
        "nghi%20quyet%20140",
        "than%20uyen",
        "%22k%E1%BA%BF%20ho%E1%BA%A1ch%22",
        "dau%20tu%20cong",
        "chuyen%20doi%20so",
    ];
    let requests = queries.iter().map(|q| {
        let router = app.router.clone();
        let uri = format!("/api/search?q={q}");
        tokio::spawn(async move { (uri.clone(), get(&router, &uri).await) })
    });
    for handle in futures_util::future::join_all(requests).await {
        let (uri, answer) = handle.unwrap();
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
    }
    assert_eq!(metric(&app, "tracuu_search_cache_misses_total").await, 6);
}
