//! Killing and resuming a crawl; recrawling an unchanged site.

use std::collections::HashSet;
use std::time::Duration;

use crawler::{CrawlerConfig, crawl, replay_archive};
use testkit::{FixtureServer, Options};

use crate::{Workspace, fast_config};

fn key_set(records: &[(String, String, u16)], ty: &str) -> Vec<String> {
    records
        .iter()
        .filter(|(t, _, _)| t == ty)
        .map(|(_, u, _)| u.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_crawl_resumes_without_duplicate_captures() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        min_delay_ms: 5,
        ..fast_config(&server.base_url())
    };
    // Kill the crawl (drop its future) in the middle.
    let archive = ws.archive();
    let state = ws.state();
    let cfg = config.clone();
    let task = tokio::spawn(async move { crawl(&cfg, &archive, &state, None).await });
    while server.request_log().len() < 60 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    let before = server.request_log().len();
    assert!(before < 250, "killed before the end ({before})");
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.resumed && report.finished, "{report}");
    let records = ws.records();
    let responses = key_set(&records, "response");
    let mut unique: HashSet<&String> = HashSet::new();
    let twice: Vec<&String> = responses.iter().filter(|u| !unique.insert(*u)).collect();
    assert!(twice.is_empty(), "archived twice: {twice:?}");
    // Nothing fetched twice: every request path appears once, apart from robots.txt and the
    // requests in flight when the crawl was killed (the server had seen them, the crawl had not
    // kept their answers yet): those are fetched once more, and only once more.
    let log = server.request_log();
    let paths = |log: &[testkit::LoggedRequest]| -> Vec<String> {
        log.iter()
            .filter(|r| r.path != "/robots.txt")
            .map(|r| r.path.clone())
            .collect()
    };
    let first_crawl = paths(&log[..before]);
    let in_flight: HashSet<&String> = first_crawl.iter().rev().take(2).collect();
    let mut seen = HashSet::new();
    let mut again = HashSet::new();
    for path in paths(&log) {
        if !seen.insert(path.clone()) {
            assert!(
                in_flight.contains(&path) && again.insert(path.clone()),
                "fetched twice: {path}"
            );
        }
    }
    let replay = replay_archive(&[ws.archive()]).unwrap();
    assert!(replay.records.len() >= 80, "{}", replay.records.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_of_unchanged_site_writes_only_revisits() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let config = fast_config(&server.base_url());
    let first = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(first.finished && first.new >= 80, "{first}");
    let records_after_first = ws.records().len();
    server.clear_log();
    let second = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(!second.resumed && second.finished, "{second}");
    assert_eq!(second.new, 0, "{second}");
    assert_eq!(second.changed, 0, "{second}");
    assert_eq!(second.unchanged, first.new, "{second}");
    let all = ws.records();
    let new_records = &all[records_after_first..];
    // Every 200 answer is a revisit; only bodiless answers (redirects) stay responses.
    let responses: Vec<_> = new_records
        .iter()
        .filter(|(t, _, status)| t == "response" && *status == 200)
        .collect();
    assert!(responses.is_empty(), "{responses:?}");
    let revisits = new_records
        .iter()
        .filter(|(t, _, _)| t == "revisit")
        .count();
    assert!(revisits >= 80, "{revisits}");
    // Attachments were fetched once only.
    assert!(
        !server
            .request_log()
            .iter()
            .any(|r| r.path.contains("download=1") || r.path.ends_with(".pdf"))
    );
    // Replay still gives every record, now resolved through revisits.
    let replay = replay_archive(&[ws.archive()]).unwrap();
    assert!(replay.records.len() >= 80);
    assert!(replay.warnings.is_empty(), "{:?}", replay.warnings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_are_not_changes() {
    let ws = Workspace::new();
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let config = CrawlerConfig {
        include: vec!["/chinh-tri/".into(), "/laws/".into()],
        ..fast_config(&server.base_url())
    };
    let first = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    drop(server);
    // Same site, counters bumped: the listings change, the documents do not.

    let server2 = FixtureServer::start_with(testkit::portal_root(), Options::new().generation(3))
        .await
        .unwrap();
    let config2 = CrawlerConfig {
        base_url: server2.base_url(),
        ..config.clone()
    };
    let second = crawl(&config2, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert_eq!(second.new, 0, "{second}");
    assert_eq!(second.changed, 0, "{second}");
    assert_eq!(second.unchanged, first.new, "{second}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sitemap_lastmod_skips_unchanged_details_when_trusted() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        trust_sitemap_lastmod: true,
        ..fast_config(&server.base_url())
    };
    let first = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert_eq!(first.skipped_by_lastmod, 0);
    server.clear_log();
    let second = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(second.skipped_by_lastmod >= 40, "{second}");
    assert_eq!(second.new + second.changed, 0, "{second}");
    assert_eq!(second.unchanged, first.new, "{second}");
    let detail_requests = server
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with(".html") || r.path.contains("/detail/"))
        .count();
    assert!(
        (detail_requests as u64) + second.skipped_by_lastmod >= first.new,
        "{detail_requests} detail requests"
    );
    assert!(
        (detail_requests as u64) < first.new,
        "{detail_requests} detail requests"
    );
}
