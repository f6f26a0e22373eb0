//! Politeness and robustness against the fixture server's faults, checked from its request log.

use std::time::Duration;

use crawler::{CrawlerConfig, crawl, replay_archive};
use testkit::server::LegacyLabel;
use testkit::{FixtureServer, Options};

use crate::{Workspace, fast_config};

/// Only the home page and one category's pages, to keep fault tests short.
fn narrow(base: &str, include: &str) -> CrawlerConfig {
    CrawlerConfig {
        include: vec![include.to_string()],
        use_sitemaps: false,
        ..fast_config(base)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_rules_are_obeyed() {
    let opts =
        Options::new().robots_txt("User-agent: *\nDisallow: /laws/\nDisallow: /chinh-tri/\n");
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let report = crawl(
        &fast_config(&server.base_url()),
        &ws.archive(),
        &ws.state(),
        None,
    )
    .await
    .unwrap();
    assert!(report.robots_disallowed > 0, "{report}");
    let log = server.request_log();
    assert_eq!(log[0].path, "/robots.txt", "robots.txt comes first");
    for r in &log {
        assert!(
            !r.path.starts_with("/laws/") && !r.path.starts_with("/chinh-tri/"),
            "fetched disallowed {}",
            r.path
        );
    }
    assert!(log.iter().any(|r| r.path.starts_with("/kinh-te/")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delays_and_one_request_in_flight() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        min_delay_ms: 120,
        max_pages: 8,
        ..fast_config(&server.base_url())
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(!report.finished, "stopped by max_pages");
    let log = server.request_log();
    assert_eq!(log.len(), 8);
    assert_eq!(server.max_in_flight(), 1);
    for pair in log.windows(2) {
        let gap = pair[1].started.duration_since(pair[0].finished);
        assert!(
            gap >= Duration::from_millis(115),
            "gap {gap:?} before {}",
            pair[1].path
        );
    }
    // One cookie jar: after the first response, requests carry the session cookie.
    assert!(
        log[2..].iter().all(|r| r.cookie.is_some()),
        "{:?}",
        log.iter().map(|r| &r.cookie).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_503_backs_off() {
    let opts = Options::new()
        .fail_503_times("/", 2, Some(1))
        .fail_503_times("/kinh-te/", 3, None);
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        backoff_ms: 150,
        ..narrow(&server.base_url(), "/kinh-te/")
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.finished && report.failed.is_empty(), "{report}");
    assert_eq!(report.throttled, 5, "{report}");
    let log = server.request_log();
    let home: Vec<_> = log.iter().filter(|r| r.path == "/").collect();
    assert_eq!(home.len(), 3);
    for pair in home.windows(2) {
        assert!(
            pair[1].started.duration_since(pair[0].finished) >= Duration::from_millis(990),
            "Retry-After: 1"
        );
    }
    let cat: Vec<_> = log.iter().filter(|r| r.path == "/kinh-te/").collect();
    assert_eq!(cat.len(), 4, "3 failures then success");
    let gaps: Vec<Duration> = cat
        .windows(2)
        .map(|p| p[1].started.duration_since(p[0].finished))
        .collect();
    assert!(gaps[0] >= Duration::from_millis(145), "{gaps:?}");
    assert!(
        gaps[1] >= Duration::from_millis(295),
        "exponential: {gaps:?}"
    );
    assert!(
        gaps[2] >= Duration::from_millis(595),
        "exponential: {gaps:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_responses_time_out_and_redirect_loops_stop() {
    let opts = Options::new()
        .slow("/kinh-te/", Duration::from_secs(3))
        .redirect_loop("/vong-lap-a/", "/vong-lap-b/");
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        request_timeout_ms: 300,
        max_retries: 1,
        include: vec!["/kinh-te/".into(), "/vong-lap".into()],
        use_sitemaps: false,
        ..fast_config(&server.base_url())
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.finished, "{report}");
    assert_eq!(report.failed.get("timeout"), Some(&1), "{report}");
    let log = server.request_log();
    let loops = log
        .iter()
        .filter(|r| r.path.starts_with("/vong-lap"))
        .count();
    assert!(
        (2..=2 * (config.max_redirects as usize + 1)).contains(&loops),
        "{loops} loop requests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_capped_and_marked_truncated() {
    let opts = Options::new().oversized("/danh-sach-lon/", 3_000_000);
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        max_body_bytes: 100_000,
        ..narrow(&server.base_url(), "/danh-sach-lon/")
    };
    crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    let mut found = false;
    for f in crawler::replay::warc_files(&[ws.archive()]).unwrap() {
        for r in crawler::warc::WarcReader::open(&f).unwrap() {
            let r = r.unwrap();
            if r.warc_type() == "response"
                && r.target_uri()
                    .is_some_and(|u| u.ends_with("/danh-sach-lon/"))
            {
                assert_eq!(r.header("WARC-Truncated"), Some("length"));
                let http = crawler::warc::parse_http_response(&r.block).unwrap();
                assert_eq!(http.body.len(), 100_000);
                found = true;
            }
        }
    }
    assert!(found, "the oversized page is archived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_legacy_pages_are_archived_and_extracted() {
    let opts = Options::new()
        .malformed_page("/kinh-te/xa-muong-kim-ra-quan-lam-thuy-loi-9001.html")
        .legacy_page(
            "/van-hoa-xa-hoi/thong-bao-lich-tiep-cong-dan-9002.html",
            LegacyLabel::MetaOnly,
        )
        .legacy_page(
            "/van-hoa-xa-hoi/thong-bao-cu-9003.html",
            LegacyLabel::Undeclared,
        );
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = narrow(&server.base_url(), "-900");
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{report}");
    let replay = replay_archive(&[ws.archive()]).unwrap();
    let find = |id: &str| {
        replay
            .records
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| {
                panic!(
                    "{id} in {:?}",
                    replay.records.iter().map(|r| &r.id).collect::<Vec<_>>()
                )
            })
    };
    let m = find("news-9001");
    assert_eq!(m.title, testkit::server::MALFORMED_PAGE_TITLE);
    assert!(
        m.body.contains(testkit::server::MALFORMED_PAGE_SENTENCE),
        "{}",
        m.body
    );
    assert_eq!(
        m.published_at.unwrap().to_rfc3339(),
        "2024-02-12T08:05:00+07:00"
    );
    assert!(!m.body.contains("Bạn đã không sử dụng Site"));
    for id in ["news-9002", "news-9003"] {
        let l = find(id);
        assert_eq!(l.title, testkit::server::LEGACY_PAGE_TITLE, "{id}");
        assert!(
            l.body.contains(testkit::server::LEGACY_PAGE_SENTENCE),
            "{id}: {}",
            l.body
        );
        assert_eq!(l.date, chrono::NaiveDate::from_ymd_opt(2010, 1, 5));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_server_errors_defer_the_host() {
    let opts = Options::new().fail_503_times("/robots.txt", 100, None);
    let server = FixtureServer::start_with(testkit::portal_root(), opts)
        .await
        .unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        max_retries: 2,
        ..fast_config(&server.base_url())
    };
    let err = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, crawler::Error::Aborted(_)), "{err}");
    let log = server.request_log();
    assert_eq!(log.len(), 3, "robots.txt tried 1 + 2 times, nothing else");
    assert!(log.iter().all(|r| r.path == "/robots.txt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_robots_allows_all() {
    let dir = tempfile::tempdir().unwrap();
    // A site without robots.txt: the fixture site minus that file.
    let site = dir.path().join("site");
    copy_dir(&testkit::portal_root(), &site);
    std::fs::remove_file(site.join("robots.txt")).unwrap();
    let manifest = std::fs::read_to_string(site.join("_manifest.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    json["routes"]
        .as_object_mut()
        .unwrap()
        .remove("/robots.txt");
    std::fs::write(site.join("_manifest.json"), json.to_string()).unwrap();
    let server = FixtureServer::start(&site).await.unwrap();
    let ws = Workspace::new();
    let config = CrawlerConfig {
        max_pages: 10,
        ..fast_config(&server.base_url())
    };
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert_eq!(report.robots_disallowed, 0);
    let log = server.request_log();
    assert_eq!(log[0].path, "/robots.txt");
    assert_eq!(log[0].status, 404);
    assert_eq!(log.len(), 10, "the crawl went on");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_pages_slow_the_crawl_and_are_never_extracted() {
    use testkit::FloodStyle;
    // Reference: the same narrow crawl without the flood blocker.
    let clean = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws0 = Workspace::new();
    crawl(
        &narrow(&clean.base_url(), "/kinh-te/"),
        &ws0.archive(),
        &ws0.state(),
        None,
    )
    .await
    .unwrap();
    let expected: Vec<String> = replay_archive(&[ws0.archive()])
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(!expected.is_empty());
    for style in [FloodStyle::Status429, FloodStyle::Status200] {
        let opts = Options::new().flood(6, Duration::from_millis(700), style);
        let server = FixtureServer::start_with(testkit::portal_root(), opts)
            .await
            .unwrap();
        let ws = Workspace::new();
        let config = CrawlerConfig {
            max_retries: 8,
            ..narrow(&server.base_url(), "/kinh-te/")
        };
        let report = crawl(&config, &ws.archive(), &ws.state(), None)
            .await
            .unwrap();
        assert!(report.throttled > 0, "{style:?}: {report}");
        assert!(
            report.finished && report.failed.is_empty(),
            "{style:?}: {report}"
        );
        let replay = replay_archive(&[ws.archive()]).unwrap();
        let got: Vec<String> = replay.records.iter().map(|r| r.id.clone()).collect();
        assert_eq!(got, expected, "{style:?}");
        assert!(
            replay
                .records
                .iter()
                .all(|r| !r.title.starts_with("Hãy đợi"))
        );
    }
}
