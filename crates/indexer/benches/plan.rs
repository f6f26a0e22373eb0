//! Query-planning cost (issue 11): what understanding an unseen query costs before any posting
//! list is read (Telex, diacritic restoration, abbreviations, document numbers, tokenising and
//! folding, building the Tantivy query), over the unseen bench's ~3,000 distinct queries on its
//! 5,549-document index, with the full search (as the API asks) measured in the same run.
//!
//! Each query is planned and searched once per run, the two interleaved; each percentile is
//! the median over `--runs` runs. The plan fingerprint is a hash of every planned query (strict
//! and relaxed, with the highlight terms, the document numbers and the interpretation), the
//! results fingerprint one of every answer (ids, scores, snippets, totals): a change that
//! should leave planning or results identical must print the same fingerprint.
//!
//! Run: `cargo bench -p indexer --bench plan -- [--runs N] [--corpus DIR] [--limit N]`.
//! Without the corpus it says so and exits successfully.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::Instant;

use indexer::{IndexStore, SearchRequest};
#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/legalqa.rs"]
mod legalqa;
#[path = "support/setting.rs"]
#[allow(dead_code)] // targets serve the unseen bench
mod setting;
#[path = "support/stats.rs"]
mod stats;
#[path = "support/variants.rs"]
mod variants;
use setting::{Case, setting};
use stats::{flag, percentile};

/// The allocator of the `tracuu` binary (mimalloc), so that the bench measures what the
/// service runs; plain Tantivy, in the same process, runs on it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() || !corpus.join("legal-qa-dev").is_dir() {
        println!(
            "plan bench: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    if let Err(e) = run(&args, &corpus) {
        eprintln!("plan bench failed: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String], corpus: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = flag(args, "--runs", 3).max(1);
    let limit: usize = flag(args, "--limit", usize::MAX);
    let (records, cases) = setting(corpus)?;
    let cases: Vec<Case> = cases.into_iter().take(limit).collect();
    let dir = tempfile::tempdir()?;
    let store = IndexStore::open(dir.path().join("tracuu"))?;
    store.build_generation(records)?;
    let index = store.current()?.ok_or("no generation after build")?;
    let requests: Vec<SearchRequest> = cases
        .iter()
        .map(|case| SearchRequest {
            query: case.query.clone(),
            limit: 10,
            ..SearchRequest::default()
        })
        .collect();

    let mut plans = DefaultHasher::new();
    let mut results = DefaultHasher::new();
    for request in &requests {
        index.plan_only(request, true)?.hash(&mut plans);
        let found = index.search(request)?;
        (found.total, found.total_exact, &found.interpreted_query).hash(&mut results);
        for hit in &found.hits {
            (&hit.id, hit.score.to_bits(), &hit.snippet).hash(&mut results);
        }
    }
    println!(
        "plan bench: {} distinct queries, {runs} runs; plan fingerprint {:016x}, results \
         fingerprint {:016x} (ids, scores, snippets, totals)",
        cases.len(),
        plans.finish(),
        results.finish()
    );

    // Per (stage, kind): one list of latencies (µs) per run.
    let mut times: BTreeMap<(&str, &str), Vec<Vec<u64>>> = BTreeMap::new();
    for run in 0..runs {
        for (n, (case, request)) in cases.iter().zip(&requests).enumerate() {
            for m in 0..2 {
                let stage = if (m + n + run) % 2 == 0 {
                    "plan"
                } else {
                    "search"
                };
                let t = Instant::now();
                if stage == "plan" {
                    std::hint::black_box(index.plan_only(request, false)?);
                } else {
                    std::hint::black_box(index.search(request)?);
                }
                let us = t.elapsed().as_nanos() as u64;
                for kind in [case.kind, "~all"] {
                    let lists = times.entry((stage, kind)).or_default();
                    lists.resize_with(runs, Vec::new);
                    lists[run].push(us);
                }
            }
        }
    }

    println!(
        "\n| query kind | queries | plan p50 µs | plan p99 µs | search p50 µs | plan / search (p50) |"
    );
    println!("|---|---|---|---|---|---|");
    let mut kinds: Vec<&str> = times.keys().map(|(_, kind)| *kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let plan = &times[&("plan", kind)];
        let search = &times[&("search", kind)];
        let (p50, p99, s50) = (
            median_of(plan, 0.5),
            median_of(plan, 0.99),
            median_of(search, 0.5),
        );
        println!(
            "| {} | {} | {p50:.1} | {p99:.1} | {s50:.1} | {:.0}% |",
            kind.trim_start_matches('~'),
            plan[0].len(),
            100.0 * p50 / s50.max(1e-3)
        );
    }
    println!("\n(each percentile is the median over {runs} runs; every query once per run)");
    // `--slowest N` lists the N queries slowest to plan (median over the runs).
    let slowest: usize = flag(args, "--slowest", 0);
    if slowest > 0 {
        let plan = &times[&("plan", "~all")];
        let mut by_query: Vec<(f64, &str)> = (0..cases.len())
            .map(|i| {
                let mut runs: Vec<f64> = plan.iter().map(|run| run[i] as f64 / 1e3).collect();
                (stats::median(&mut runs), cases[i].query.as_str())
            })
            .collect();
        by_query.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (us, query) in by_query.into_iter().take(slowest) {
            println!("{us:9.1} µs  {query}");
        }
    }
    Ok(())
}

/// The `p` percentile of each run's latencies (ns), in µs, then the median over the runs.
fn median_of(lists: &[Vec<u64>], p: f64) -> f64 {
    let mut per_run: Vec<f64> = lists.iter().map(|l| percentile(l, p)).collect();
    stats::median(&mut per_run)
}
