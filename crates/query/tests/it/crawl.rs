//! The crawl job end to end: crawl the fixture portal (127.0.0.1), archive it, reindex, then
//! show capture history and the archived copy with scripts removed.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use crawler::CrawlerConfig;
use query::{AppState, ServerConfig};
use testkit::FixtureServer;

use crate::support::{Answer, get, get_json, send};

const TOKEN: &str = "crawl-token";

async fn post(router: &axum::Router, uri: &str) -> Answer {
    let request = Request::post(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    send(router, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_job_archives_indexes_and_replays() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let crawler = CrawlerConfig {
        base_url: server.base_url(),
        min_delay_ms: 0,
        max_delay_ms: 50,
        delay_factor: 0.0,
        jitter: 0.0,
        backoff_ms: 20,
        max_backoff_ms: 2_000,
        request_timeout_ms: 5_000,
        connect_timeout_ms: 2_000,
        ..CrawlerConfig::default()
    };
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    let state = AppState::builder(
        ServerConfig {
            admin_token: Some(TOKEN.to_owned()),
            ..ServerConfig::default()
        },
        store,
    )
    .archive_dirs(vec![dir.path().join("sample")])
    .crawl(
        crawler,
        dir.path().join("archive"),
        dir.path().join("state.sqlite"),
    )
    .audit_log(dir.path().join("audit.jsonl"))
    .build();
    let router = query::router(state);

    let not_ready = get(&router, "/readyz").await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);

    let started = post(&router, "/api/admin/crawl").await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let id = started.json()["job_id"].as_u64().unwrap();
    let again = post(&router, "/api/admin/crawl").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one crawl at a time");

    let mut job = serde_json::Value::Null;
    for _ in 0..1200 {
        let answer = send(
            &router,
            Request::get(format!("/api/admin/jobs/{id}"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        job = answer.json();
        if job["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(job["state"], "succeeded", "{job}");
    assert!(job["counts"]["fetched"].as_u64().unwrap() > 40, "{job}");
    assert!(job["counts"]["documents"].as_u64().unwrap() >= 80, "{job}");

    let answer = get_json(&router, "/api/search?q=nghi+quyet+140&kind=legal").await;
    let first = &answer["hits"][0];
    assert_eq!(first["doc_number"], "140/NQ-HĐND", "{answer}");
    let doc_id = first["id"].as_str().unwrap().to_owned();

    let doc = get_json(&router, &format!("/api/documents/{doc_id}")).await;
    let captures = doc["captures"].as_array().unwrap();
    assert!(!captures.is_empty(), "{doc}");
    assert!(captures[0]["warc_file"].as_str().unwrap().contains(".warc"));
    assert!(
        captures[0]["digest"].as_str().unwrap().starts_with("sha1:"),
        "{doc}"
    );

    let page = get(&router, &format!("/van-ban/{doc_id}")).await;
    assert!(
        page.body.contains(&format!(r#"href="/luu-tru/{doc_id}""#)),
        "{}",
        page.body
    );

    let redirect = get(&router, &format!("/luu-tru/{doc_id}")).await;
    assert_eq!(redirect.status, StatusCode::FOUND, "{}", redirect.body);
    let latest = redirect.headers["location"].to_str().unwrap().to_owned();
    assert!(latest.starts_with("/luu-tru/2"), "{latest}");
    let archived = get(&router, &latest).await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    assert!(
        !archived.body.to_lowercase().contains("<script"),
        "scripts removed"
    );
    assert!(archived.body.contains("140"));
    let policy = archived
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'none'"), "{policy}");
    assert!(policy.contains("sandbox"), "{policy}");
    assert_eq!(
        get(&router, "/luu-tru/laws-999999").await.status,
        StatusCode::NOT_FOUND
    );
}
