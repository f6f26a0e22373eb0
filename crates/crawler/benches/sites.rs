//! A whole province in one crawl: generated district portals (`testkit::districts`, each
//! served by its own `FixtureServer` on a loopback port) crawled with a per-host delay, all at
//! once vs one portal alone, in the same run. Prints both wall times, their ratio, requests per
//! portal and the peak memory (VmHWM, reset before each crawl) of the process, which also
//! serves the portals.
//!
//! `cargo bench -p crawler --bench sites` (20 portals of 100 legal documents and the fixture's
//! 41 articles, 100 ms per host, attachments off); `-- --portals 3 --docs 20 --delay-ms 20`
//! for a quick run.

use std::path::Path;
use std::time::Instant;

use crawler::province::crawl_sites;
use crawler::{CrawlerConfig, DefaultSite, Site, SiteEntry, Sites};
use testkit::FixtureServer;
use testkit::districts::{self, District};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process since the last reset, in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Resets the peak resident memory (Linux: `5` into `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Crawls `selected` at once into `dir`; returns seconds and requests per site.
async fn crawl_all(sites: &Sites, selected: &[&Site], dir: &Path) -> (f64, Vec<u64>) {
    let start = Instant::now();
    let outcomes = crawl_sites(
        sites,
        selected,
        &dir.join("archive"),
        &dir.join("state.sqlite"),
        selected.len(),
        None,
    )
    .await;
    let secs = start.elapsed().as_secs_f64();
    let fetched = outcomes
        .into_iter()
        .map(|o| {
            let report = o.result.expect("crawl");
            assert!(report.finished, "{}: {report}", o.site);
            report.fetched
        })
        .collect();
    (secs, fetched)
}

fn main() {
    let portals = arg("--portals", 20) as usize;
    let docs = arg("--docs", 100) as usize;
    let delay = arg("--delay-ms", 100);
    let work = tempfile::tempdir().expect("temp dir");
    let generated = Instant::now();
    let roots: Vec<(District, std::path::PathBuf)> = District::many(portals)
        .into_iter()
        .map(|d| {
            let root = districts::generate(&work.path().join("portals"), &d, Some(docs))
                .expect("generate");
            (d, root)
        })
        .collect();
    println!(
        "generated {portals} portals of {docs} legal documents in {:.1} s",
        generated.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut servers = Vec::new();
        for (_, root) in &roots {
            servers.push(FixtureServer::start(root).await.expect("fixture server"));
        }
        let defaults = CrawlerConfig {
            min_delay_ms: delay,
            max_delay_ms: delay.max(1) * 10,
            delay_factor: 0.0,
            jitter: 0.0,
            fetch_attachments: false,
            ocr: false,
            ..CrawlerConfig::default()
        };
        let entries: Vec<SiteEntry> = roots
            .iter()
            .zip(&servers)
            .map(|((d, _), server)| SiteEntry {
                name: d.slug.clone(),
                title: format!("Huyện {}", d.name),
                base_url: server.base_url(),
                public_base_url: None,
                ended: None,
                ended_note: None,
                overrides: serde_json::Map::new(),
            })
            .collect();
        let sites =
            Sites::resolve(&defaults, &DefaultSite::default(), &entries).expect("sites");
        let all: Vec<&Site> = sites.iter().collect();

        reset_peak();
        let alone = tempfile::tempdir().expect("temp dir");
        let (one_secs, one_fetched) = crawl_all(&sites, &all[..1], alone.path()).await;
        let one_peak = peak_mib();
        println!(
            "1 portal alone: {one_secs:.1} s, {} requests, peak memory {one_peak:.0} MiB",
            one_fetched[0]
        );

        reset_peak();
        let together = tempfile::tempdir().expect("temp dir");
        let (all_secs, fetched) = crawl_all(&sites, &all, together.path()).await;
        let all_peak = peak_mib();
        let total: u64 = fetched.iter().sum();
        println!(
            "{portals} portals in one crawl: {all_secs:.1} s, {total} requests ({:.0} per portal), peak memory {all_peak:.0} MiB",
            total as f64 / portals as f64
        );
        println!(
            "ratio: {:.2}x the time of one portal alone ({portals} portals one after another would be ~{portals}x); {:.0} requests/s in all",
            all_secs / one_secs,
            total as f64 / all_secs
        );
    });
}
