//! A flaky portal (random transient 503s, latency), a URL retried while the host serves
//! others, a host that goes down, and the flood limits under polite settings: all read from
//! the fixture server's request log.

use std::time::Duration;

use crawler::{CrawlerConfig, crawl, replay_archive};
use testkit::{FixtureServer, FloodStyle, LoggedRequest, Options};

use crate::{Workspace, fast_config};

/// What `tracuu crawl --delay-ms 0` runs: the defaults with no minimum delay and no
/// adaptive factor (back-off, retries and AIMD bounds as configured by default).
fn zero_delay(base: &str) -> CrawlerConfig {
    CrawlerConfig {
        base_url: base.to_string(),
        min_delay_ms: 0,
        delay_factor: 0.0,
        ..CrawlerConfig::default()
    }
}

/// From the first request's start to the last one's end.
fn span(log: &[LoggedRequest]) -> Duration {
    let first = log.iter().map(|r| r.started).min().unwrap();
    let last = log.iter().map(|r| r.finished).max().unwrap();
    last.duration_since(first)
}

/// The idle time after each 503 answer until the next request started.
fn wait_after_503s(log: &[LoggedRequest]) -> Duration {
    let mut sorted: Vec<&LoggedRequest> = log.iter().collect();
    sorted.sort_by_key(|r| r.started);
    sorted
        .windows(2)
        .filter(|w| w[0].status == 503)
        .map(|w| w[1].started.saturating_duration_since(w[0].finished))
        .sum()
}

fn record_ids(ws: &Workspace) -> Vec<String> {
    let mut ids: Vec<String> = replay_archive(&[ws.archive()])
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_percent_503s_cost_little_more_than_a_clean_crawl() {
    let latency = Duration::from_millis(20);
    let clean = FixtureServer::start_with(testkit::portal_root(), Options::new().latency(latency))
        .await
        .unwrap();
    let ws_clean = Workspace::new();
    let clean_report = crawl(
        &zero_delay(&clean.base_url()),
        &ws_clean.archive(),
        &ws_clean.state(),
        None,
    )
    .await
    .unwrap();
    assert!(
        clean_report.finished && clean_report.failed.is_empty(),
        "{clean_report}"
    );
    let clean_log = clean.request_log();

    let flaky = FixtureServer::start_with(
        testkit::portal_root(),
        Options::new().latency(latency).random_503(0.10, 12),
    )
    .await
    .unwrap();
    let ws = Workspace::new();
    let report = crawl(
        &zero_delay(&flaky.base_url()),
        &ws.archive(),
        &ws.state(),
        None,
    )
    .await
    .unwrap();
    let log = flaky.request_log();
    let faults = log.iter().filter(|r| r.status == 503).count();
    assert!(faults >= 5, "{faults} faults in {} requests", log.len());
    assert!(report.finished && report.failed.is_empty(), "{report}");
    assert_eq!(report.throttled as usize, faults, "{report}");
    // Every document archived, as without faults.
    assert_eq!(record_ids(&ws), record_ids(&ws_clean));
    // Time, read from the server's own timestamps.
    let (clean_span, flaky_span) = (span(&clean_log), span(&log));
    let waited = wait_after_503s(&log);
    println!(
        "clean: {} requests in {clean_span:?}; 10% 503s: {} requests ({faults} × 503) in \
         {flaky_span:?}, {waited:?} idle after 503s; ratio {:.2}",
        clean_log.len(),
        log.len(),
        flaky_span.as_secs_f64() / clean_span.as_secs_f64()
    );
    assert!(
        waited <= clean_span,
        "the 503s cost {waited:?} of waiting (clean crawl: {clean_span:?})"
    );
    assert!(
        flaky_span <= clean_span * 3,
        "{flaky_span:?} against {clean_span:?} without faults"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_url_waits_while_the_host_serves_others() {
    let opts = Options::new().fail_503_times("/kinh-te/", 2, None);
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        backoff_ms: 400,
        ..fast_config(&server.base_url())
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.finished && report.failed.is_empty(), "{report}");
    assert_eq!(report.retried, 2, "{report}");
    let log = server.request_log();
    let tries: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, r)| r.path == "/kinh-te/")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(tries.len(), 3, "two 503s, then the page");
    for pair in tries.windows(2) {
        let (a, b) = (&log[pair[0]], &log[pair[1]]);
        assert!(
            b.started.duration_since(a.finished) >= Duration::from_millis(395),
            "the URL waits its own back-off"
        );
        assert!(
            pair[1] - pair[0] > 3,
            "the host served other URLs meanwhile: {} requests",
            pair[1] - pair[0] - 1
        );
    }
    assert_eq!(log[tries[2]].status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_goes_down_ends_the_crawl_with_a_report_and_the_next_call_resumes() {
    let down = FixtureServer::start_with(testkit::portal_root(), Options::new().down_after(25))
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        host_down_failures: 6,
        host_down_after_ms: 300,
        max_retries: 2,
        ..fast_config(&down.base_url())
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.host_down && !report.finished, "{report}");
    assert!(
        report.to_string().contains("máy chủ không trả lời"),
        "{report}"
    );
    let requests = down.request_log().len();
    assert!(
        (25 + 6..25 + 40).contains(&requests),
        "{requests} requests: the crawl gave up soon after the host went down"
    );
    drop(down);
    // The portal is back (on another port): the same run resumes and finishes, failed URLs
    // included.
    let back = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let config = CrawlerConfig {
        base_url: back.base_url(),
        ..config
    };
    let resumed = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(resumed.resumed && resumed.finished, "{resumed}");
    assert!(resumed.failed.is_empty(), "{resumed}");
    let ws_clean = Workspace::new();
    let clean = FixtureServer::start(testkit::portal_root()).await.unwrap();
    crawl(
        &fast_config(&clean.base_url()),
        &ws_clean.archive(),
        &ws_clean.state(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(record_ids(&ws), record_ids(&ws_clean));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_host_ends_the_crawl_with_a_report() {
    // A port nothing listens on: connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let ws = Workspace::new();
    let config = CrawlerConfig {
        host_down_failures: 4,
        host_down_after_ms: 100,
        max_retries: 50,
        ..fast_config(&format!("http://{addr}/"))
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.host_down && !report.finished, "{report}");
    assert!(report.fetched >= 4, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polite_settings_never_meet_the_flood_limit() {
    // NukeViet blocks past 40 requests a minute; time scaled down 100 times: 40 requests per
    // 600 ms against a minimum delay of 25 ms (the default 2,500 ms / 100), so the polite
    // pace is 24 per window.
    let opts = Options::new().flood(40, Duration::from_millis(600), FloodStyle::Status429);
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let defaults = CrawlerConfig::default();
    let config = CrawlerConfig {
        base_url: server.base_url(),
        min_delay_ms: defaults.min_delay_ms / 100,
        max_delay_ms: defaults.max_delay_ms / 100,
        max_pages: 120,
        ..CrawlerConfig::default()
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    let log = server.request_log();
    assert_eq!(log.len(), 120);
    let blocked = log.iter().filter(|r| r.status == 429).count();
    assert_eq!(blocked, 0, "{report}");
    assert_eq!(report.throttled, 0, "{report}");
}
