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

/// The audit log's entries for crawls: (outcome, remote).
fn crawl_audit(path: &std::path::Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|entry| entry["action"] == "crawl")
        .map(|entry| {
            (
                entry["outcome"].as_str().unwrap_or_default().to_owned(),
                entry["remote"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_crawls_start_when_the_period_has_passed_and_never_twice_at_once() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let crawler = CrawlerConfig {
        base_url: server.base_url(),
        min_delay_ms: 0,
        delay_factor: 0.0,
        jitter: 0.0,
        max_pages: 15,
        ocr: false,
        ..CrawlerConfig::default()
    };
    let audit_log = dir.path().join("audit.jsonl");
    let state_of = || {
        let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
        AppState::builder(ServerConfig::default(), store)
            .archive_dirs(vec![dir.path().join("sample")])
            .crawl(
                crawler.clone(),
                dir.path().join("archive"),
                dir.path().join("state.sqlite"),
            )
            .audit_log(audit_log.clone())
            .build()
    };

    // Off unless configured.
    assert!(query::schedule_crawls(&state_of(), None).is_none());

    // Never crawled: the first crawl starts at once; the next once the period has passed
    // since it started, never while it runs.
    let state = state_of();
    let every = Duration::from_millis(1500);
    let schedule = query::schedule_crawls(&state, Some(every)).unwrap();
    let started = || {
        crawl_audit(&audit_log)
            .iter()
            .filter(|(outcome, _)| outcome == "started")
            .count()
    };
    for _ in 0..600 {
        if started() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    schedule.abort();
    let entries = crawl_audit(&audit_log);
    assert!(started() >= 2, "{entries:?}");
    assert!(
        entries
            .iter()
            .all(|(outcome, remote)| outcome != "rejected" && remote == query::SCHEDULER),
        "{entries:?}"
    );
    let mut jobs = state.jobs().list();
    jobs.sort_by_key(|job| job.id);
    let (first, second) = (&jobs[0], &jobs[1]);
    assert_eq!(first.state, query::JobState::Succeeded, "{first:?}");
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    let gap = at(&second.started_at) - at(&first.started_at);
    assert!(gap >= chrono::Duration::from_std(every).unwrap(), "{gap}");
    for _ in 0..600 {
        if state.jobs().running().iter().all(|(_, n)| *n == 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A restarted service reads the latest start from the crawl state: with a period of an
    // hour it does not crawl again now.
    let restarted = state_of();
    let schedule = query::schedule_crawls(&restarted, Some(Duration::from_secs(3600))).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    schedule.abort();
    assert!(restarted.jobs().list().is_empty(), "crawled again early");
}
