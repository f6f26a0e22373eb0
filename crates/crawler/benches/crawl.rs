//! Crawl throughput: pages per second against the local fixture server with zero delay, to
//! show the crawler itself is not the bottleneck. Run with `cargo bench -p crawler --bench crawl`.
//! Set `TRACUU_BENCH_KEEP=DIR` to keep the archive (e.g. to check it with `warcio check`).

use std::path::PathBuf;
use std::time::Instant;

use crawler::{CrawlerConfig, crawl, replay_archive};
use testkit::FixtureServer;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let server = FixtureServer::start(testkit::portal_root())
            .await
            .expect("fixture server");
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir: PathBuf = std::env::var_os("TRACUU_BENCH_KEEP")
            .map(PathBuf::from)
            .unwrap_or_else(|| tmp.path().to_path_buf());
        let archive = dir.join("archive");
        let state = dir.join("state.db");
        let config = CrawlerConfig {
            base_url: server.base_url(),
            min_delay_ms: 0,
            max_delay_ms: 0,
            delay_factor: 0.0,
            jitter: 0.0,
            ..CrawlerConfig::default()
        };
        let start = Instant::now();
        let report = crawl(&config, &archive, &state, None).await.expect("crawl");
        let secs = start.elapsed().as_secs_f64();
        println!("{report}");
        println!(
            "crawl: {} requests in {secs:.2} s = {:.1} pages/s (zero delay, one request in flight)",
            report.fetched,
            report.fetched as f64 / secs
        );
        let start = Instant::now();
        let replay = replay_archive(std::slice::from_ref(&archive)).expect("replay");
        let secs = start.elapsed().as_secs_f64();
        println!(
            "replay: {} records from {} captures in {secs:.2} s = {:.1} captures/s",
            replay.records.len(),
            replay.captures.len(),
            replay.captures.len() as f64 / secs
        );
    });
}
