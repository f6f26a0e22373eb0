//! Crawl throughput: pages per second against the local fixture server with zero delay, to
//! show the crawler itself is not the bottleneck (median of 5 crawls, each into a fresh
//! archive). Run with `cargo bench -p crawler --bench crawl`.
//!
//! `TRACUU_BENCH_FLAKY=1` also crawls with 20 ms of latency per answer, without faults and with
//! 10 % random 503s (no `Retry-After`), at `--delay-ms 0` settings, and prints the ratio of
//! their medians (3 crawls each). Set `TRACUU_BENCH_KEEP=DIR` to keep the last archive (e.g.
//! to check it with `warcio check`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crawler::{CrawlReport, CrawlerConfig, crawl, replay_archive};
use testkit::{FixtureServer, Options};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// One crawl of `server` into a fresh folder: its report and wall time.
async fn once(server: &FixtureServer, config: CrawlerConfig, keep: bool) -> (CrawlReport, f64) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir: PathBuf = match std::env::var_os("TRACUU_BENCH_KEEP") {
        Some(d) if keep => PathBuf::from(d),
        _ => tmp.path().to_path_buf(),
    };
    let archive = dir.join("archive");
    let state = dir.join("state.db");
    let config = CrawlerConfig {
        base_url: server.base_url(),
        ..config
    };
    let start = Instant::now();
    let report = crawl(&config, &archive, &state, None).await.expect("crawl");
    (report, start.elapsed().as_secs_f64())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let server = FixtureServer::start(testkit::portal_root())
            .await
            .expect("fixture server");
        let zero = CrawlerConfig {
            min_delay_ms: 0,
            max_delay_ms: 0,
            delay_factor: 0.0,
            jitter: 0.0,
            ..CrawlerConfig::default()
        };
        let mut rates = Vec::new();
        let mut last = None;
        for i in 0..5 {
            let (report, secs) = once(&server, zero.clone(), i == 4).await;
            let rate = report.fetched as f64 / secs;
            println!(
                "crawl {}: {} requests in {secs:.2} s = {rate:.1} pages/s",
                i + 1,
                report.fetched
            );
            rates.push(rate);
            last = Some(report);
        }
        if let Some(report) = &last {
            println!("{report}");
        }
        println!(
            "crawl: median {:.1} pages/s over 5 crawls (zero delay, one request in flight)",
            median(rates)
        );

        let tmp = tempfile::tempdir().expect("temp dir");
        let archive = tmp.path().join("archive");
        crawl(
            &CrawlerConfig {
                base_url: server.base_url(),
                ..zero.clone()
            },
            &archive,
            &tmp.path().join("state.db"),
            None,
        )
        .await
        .expect("crawl");
        let start = Instant::now();
        let replay = replay_archive(std::slice::from_ref(&archive)).expect("replay");
        let secs = start.elapsed().as_secs_f64();
        println!(
            "replay: {} records from {} captures in {secs:.2} s = {:.1} captures/s",
            replay.records.len(),
            replay.captures.len(),
            replay.captures.len() as f64 / secs
        );

        if std::env::var_os("TRACUU_BENCH_FLAKY").is_none() {
            return;
        }
        // What `tracuu crawl --delay-ms 0` runs.
        let cli_zero = CrawlerConfig {
            min_delay_ms: 0,
            delay_factor: 0.0,
            ..CrawlerConfig::default()
        };
        let latency = Duration::from_millis(20);
        let clean =
            FixtureServer::start_with(testkit::portal_root(), Options::new().latency(latency))
                .await
                .expect("fixture server");
        let flaky = FixtureServer::start_with(
            testkit::portal_root(),
            Options::new().latency(latency).random_503(0.10, 12),
        )
        .await
        .expect("fixture server");
        let mut times = [Vec::new(), Vec::new()];
        for _ in 0..3 {
            for (i, server) in [&clean, &flaky].into_iter().enumerate() {
                let (report, secs) = once(server, cli_zero.clone(), false).await;
                println!(
                    "{}: {} requests, {} throttled, {} retried, {} failed in {secs:.2} s",
                    ["20 ms latency", "20 ms latency + 10% 503"][i],
                    report.fetched,
                    report.throttled,
                    report.retried,
                    report.failed_total()
                );
                times[i].push(secs);
            }
        }
        let (c, f) = (median(times[0].clone()), median(times[1].clone()));
        println!(
            "flaky portal: median {f:.2} s with 10% 503s against {c:.2} s without = {:.2}x",
            f / c
        );
    });
}
