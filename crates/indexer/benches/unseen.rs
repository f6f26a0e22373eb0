//! Unseen-query latency (issue 11): the in-process cost of a search nobody asked before, on a
//! 5,549-document Vietnamese corpus built from ../shared/corpus (the 2,256 judged law articles
//! of `legal-qa-dev`, 2,293 codified legal articles, 1,000 news articles), with about 3,000
//! distinct queries (long legal questions accented, toneless and with old-style tones, pasted
//! sentences, titles, short citizen queries, document numbers), one at a time, against plain
//! Tantivy (default tokenizer, BM25, `title^2 body`) measured in the same run.
//!
//! There is no result cache in the indexer, so every search does the full work. Each query is
//! asked once per mode and run, the modes interleaved query by query (they share the
//! machine's noise): tracuu as the web page asks (`facets`), as the API asks by default (no
//! facets), and the baseline (top 10 with the count and the stored ids). Found@10 counts the
//! queries whose target record is in the top 10, so a wrong answer cannot look fast. Each
//! percentile is the median over `--runs` runs.
//!
//! Run: `cargo bench -p indexer --bench unseen -- [--runs N] [--corpus DIR] [--limit N]
//! [--modes "tracuu api,tantivy"]`.
//! Without the corpus it says so and exits successfully.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use indexer::{IndexStore, SearchRequest};
#[path = "support/baseline.rs"]
#[allow(dead_code)] // `top` serves the eval bench
mod baseline;
#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/legalqa.rs"]
mod legalqa;
#[path = "support/setting.rs"]
mod setting;
#[path = "support/stats.rs"]
mod stats;
#[path = "support/variants.rs"]
mod variants;
use baseline::Baseline;
use setting::{Case, setting};
use stats::{flag, median, percentile};

/// What is measured: tracuu as the web page asks, as the API asks, and plain Tantivy.
const MODES: [&str; 3] = ["tracuu page", "tracuu api", "tantivy"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() || !corpus.join("legal-qa-dev").is_dir() {
        println!(
            "unseen bench: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    if let Err(e) = run(&args, &corpus) {
        eprintln!("unseen bench failed: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String], corpus: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = flag(args, "--runs", 3).max(1);
    let limit: usize = flag(args, "--limit", usize::MAX);
    // `--modes "tracuu api"` runs only the listed modes (comma-separated), e.g. to profile.
    let modes: Vec<String> = flag(args, "--modes", MODES.join(","))
        .split(',')
        .map(str::to_owned)
        .collect();
    let (records, cases) = setting(corpus)?;
    let cases: Vec<Case> = cases.into_iter().take(limit).collect();
    let bytes: usize = records
        .iter()
        .map(|r| r.title.len() + r.lead.len() + r.body.len())
        .sum();
    let dir = tempfile::tempdir()?;
    let t = Instant::now();
    let store = IndexStore::open(dir.path().join("tracuu"))?;
    store.build_generation(records.clone())?;
    let tracuu = store.current()?.ok_or("no generation after build")?;
    let tracuu_build = t.elapsed().as_secs_f64();
    let (open_kept, open_learnt) = open_times(&dir.path().join("tracuu"), &store)?;
    let t = Instant::now();
    let baseline = Baseline::build(&records)?;
    let baseline_build = t.elapsed().as_secs_f64();
    println!(
        "unseen bench: {} records ({:.1} MB of text); index built in {tracuu_build:.2}s \
         (tracuu) and {baseline_build:.2}s (plain Tantivy); {} distinct queries, {runs} runs",
        records.len(),
        bytes as f64 / 1e6,
        cases.len()
    );
    println!(
        "opening the generation (median of 5): {open_kept:.1} ms with its kept restorer, \
         {open_learnt:.1} ms learning the restorer again from the index (as before issue 11)"
    );

    // Per mode, per kind: one list of latencies (µs) per run; found@10 from the first run.
    let mut times: BTreeMap<(&str, &str), Vec<Vec<u64>>> = BTreeMap::new();
    let mut found: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for run in 0..runs {
        for (n, case) in cases.iter().enumerate() {
            for m in 0..MODES.len() {
                // Rotate the order so no mode always runs first.
                let mode = MODES[(m + n + run) % MODES.len()];
                if !modes.iter().any(|wanted| wanted == mode) {
                    continue;
                }
                let t = Instant::now();
                let ids: Vec<String> = match mode {
                    "tantivy" => baseline.top_counted(&case.query)?,
                    _ => tracuu
                        .search(&SearchRequest {
                            query: case.query.clone(),
                            limit: 10,
                            facets: mode == "tracuu page",
                            ..SearchRequest::default()
                        })?
                        .hits
                        .into_iter()
                        .map(|h| h.id)
                        .collect(),
                };
                let us = t.elapsed().as_micros() as u64;
                for kind in [case.kind, "~all"] {
                    let lists = times.entry((mode, kind)).or_default();
                    lists.resize_with(runs, Vec::new);
                    lists[run].push(us);
                    if run == 0 && !case.target.is_empty() {
                        let slot = found.entry((mode, kind)).or_default();
                        slot.1 += 1;
                        slot.0 += usize::from(ids.iter().any(|id| case.target.contains(id)));
                    }
                }
            }
        }
    }

    let kinds: Vec<&str> = {
        let mut k: Vec<&str> = times.keys().map(|(_, kind)| *kind).collect();
        k.dedup();
        k.sort();
        k.dedup();
        k
    };
    println!(
        "\n| query kind | queries | mode | p50 ms | p95 ms | p99 ms | p50 / tantivy | found@10 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for kind in kinds {
        let base = times.get(&("tantivy", kind)).map_or([0.0; 3], |t| row(t));
        for mode in MODES {
            let Some(lists) = times.get(&(mode, kind)) else {
                continue;
            };
            let [p50, p95, p99] = row(lists);
            let (hit, of) = found.get(&(mode, kind)).copied().unwrap_or_default();
            println!(
                "| {} | {} | {mode} | {p50:.3} | {p95:.3} | {p99:.3} | {:.1}x | {} |",
                kind.trim_start_matches('~'),
                lists[0].len(),
                p50 / base[0].max(1e-3),
                if of == 0 {
                    "-".to_owned()
                } else {
                    format!("{hit}/{of}")
                }
            );
        }
    }
    println!(
        "\n(each percentile is the median over {runs} runs; every query once per run and mode)"
    );
    Ok(())
}

/// Median milliseconds to open the live generation of `root`: as built (the restorer read
/// back from the generation's folder), then with that file moved away (learnt from the index
/// again, as every open did before). The file is put back.
fn open_times(root: &Path, store: &IndexStore) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let name = store.current_generation()?.ok_or("no generation")?;
    let kept = root.join(&name).join("restorer.tsv");
    let aside = root.join("restorer.tsv.aside");
    let measure = || -> Result<f64, Box<dyn std::error::Error>> {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let opened = IndexStore::open(root)?;
            std::hint::black_box(opened.current()?.ok_or("no generation")?);
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        Ok(median(&mut times))
    };
    let with_kept = measure()?;
    std::fs::rename(&kept, &aside)?;
    let learnt = measure();
    std::fs::rename(&aside, &kept)?;
    Ok((with_kept, learnt?))
}

/// p50, p95, p99 in ms, each the median over the runs.
fn row(lists: &[Vec<u64>]) -> [f64; 3] {
    [0.50, 0.95, 0.99].map(|p| {
        let mut per_run: Vec<f64> = lists.iter().map(|l| percentile(l, p)).collect();
        median(&mut per_run)
    })
}
