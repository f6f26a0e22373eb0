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
//! `--docs N` scales the setting to N documents (the records repeated with distinct ids, as
//! loadbench does; a copy of a target counts as found), e.g. `--docs 100000` to see what a
//! search costs at 100,000 records; `--index DIR` keeps that index in DIR between runs (it is
//! reused as long as it holds as many documents: empty DIR after changing how records are
//! indexed).
//!
//! Run: `cargo bench -p indexer --bench unseen -- [--runs N] [--corpus DIR] [--limit N]
//! [--modes "tracuu api,tantivy"] [--kind "long pasted"] [--docs N] [--index DIR]
//! [--dump FILE] [--dump-hits FILE]` (`--dump-hits`: every shown hit in full, snippets
//! included, to compare two builds' hits).
//! Without the corpus it says so and exits successfully.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use indexer::{IndexStore, SearchRequest};
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

/// The allocator of the `tracuu` binary (mimalloc), so that the bench measures what the
/// service runs; plain Tantivy, in the same process, runs on it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let records = scaled(records, flag(args, "--docs", 0));
    // `--kind "long pasted"` asks only the queries of one kind (e.g. to profile it).
    let kind: String = flag(args, "--kind", String::new());
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| kind.is_empty() || c.kind == kind)
        .take(limit)
        .collect();
    let bytes: usize = records
        .iter()
        .map(|r| r.title.len() + r.lead.len() + r.body.len())
        .sum();
    let dir = tempfile::tempdir()?;
    let root = match args.iter().position(|a| a == "--index") {
        Some(i) => std::path::PathBuf::from(args.get(i + 1).ok_or("--index needs a folder")?),
        None => dir.path().join("tracuu"),
    };
    let t = Instant::now();
    let store = IndexStore::open(&root)?;
    let kept = store
        .current()?
        .filter(|live| live.num_docs() == records.len() as u64);
    let tracuu = match kept {
        Some(live) => live,
        None => {
            store.build_generation(records.clone())?;
            store.current()?.ok_or("no generation after build")?
        }
    };
    let tracuu_build = t.elapsed().as_secs_f64();
    let (open_kept, open_learnt) = open_times(&root, &store)?;
    let t = Instant::now();
    // Not built when its mode is left out (profiling tracuu alone).
    let baseline = if modes.iter().any(|m| m == "tantivy") {
        Some(Baseline::build(&records)?)
    } else {
        None
    };
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
    // `--dump FILE`: each query's total and top hits (id and score) as the API gave them in
    // the first run, to check that a change keeps every result.
    let mut dump = String::new();
    // `--dump-hits FILE`: the same queries' shown hits in full (snippets included) as JSON
    // lines; only written when asked (it slows the first run).
    let dump_hits_to = args
        .iter()
        .position(|a| a == "--dump-hits")
        .map(|i| args.get(i + 1).ok_or("--dump-hits needs a file"))
        .transpose()?;
    let mut dump_hits = String::new();
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
                    "tantivy" => baseline
                        .as_ref()
                        .ok_or("no baseline")?
                        .top_counted(&case.query)?,
                    _ => {
                        let results = tracuu.search(&SearchRequest {
                            query: case.query.clone(),
                            limit: 10,
                            facets: mode == "tracuu page",
                            ..SearchRequest::default()
                        })?;
                        if run == 0 && mode == "tracuu api" {
                            use std::fmt::Write as _;
                            let _ = write!(dump, "{}\t{}", case.query, results.total);
                            for h in &results.hits {
                                let _ = write!(dump, "\t{} {}", h.id, h.score);
                            }
                            dump.push('\n');
                            if dump_hits_to.is_some() {
                                dump_hits.push_str(&serde_json::to_string(&results.hits)?);
                                dump_hits.push('\n');
                            }
                        }
                        results.hits.into_iter().map(|h| h.id).collect()
                    }
                };
                let us = t.elapsed().as_micros() as u64;
                // A copy (`id~2`) of a target is the target.
                let ids: Vec<&str> = ids
                    .iter()
                    .map(|id| id.rsplit_once('~').map_or(id.as_str(), |(base, _)| base))
                    .collect();
                for kind in [case.kind, "~all"] {
                    let lists = times.entry((mode, kind)).or_default();
                    lists.resize_with(runs, Vec::new);
                    lists[run].push(us);
                    if run == 0 && !case.target.is_empty() {
                        let slot = found.entry((mode, kind)).or_default();
                        slot.1 += 1;
                        slot.0 +=
                            usize::from(ids.iter().any(|id| case.target.iter().any(|t| t == id)));
                    }
                }
            }
        }
    }

    if let Some(i) = args.iter().position(|a| a == "--dump") {
        std::fs::write(args.get(i + 1).ok_or("--dump needs a file")?, &dump)?;
    }
    if let Some(file) = dump_hits_to {
        std::fs::write(file, &dump_hits)?;
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
                "| {} | {} | {mode} | {p50:.3} | {p95:.3} | {p99:.3} | {} | {} |",
                kind.trim_start_matches('~'),
                lists[0].len(),
                if base[0] > 0.0 {
                    format!("{:.1}x", p50 / base[0])
                } else {
                    "-".to_owned()
                },
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

/// `records` repeated with distinct ids (`id~2`, `id~3`…) up to `docs` documents; unchanged
/// when `docs` is not larger.
fn scaled(records: Vec<crawler::Record>, docs: usize) -> Vec<crawler::Record> {
    let len = records.len();
    if docs <= len {
        return records;
    }
    (0..docs)
        .map(|n| {
            let mut record = records[n % len].clone();
            let copy = n / len;
            if copy > 0 {
                record.id = format!("{}~{}", record.id, copy + 1);
                record.url = format!("{}~{}", record.url, copy + 1);
            }
            record
        })
        .collect()
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
