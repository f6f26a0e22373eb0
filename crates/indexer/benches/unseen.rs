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

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use crawler::{Kind, Record};
use indexer::{IndexStore, SearchRequest};
#[path = "support/baseline.rs"]
#[allow(dead_code)] // `top` serves the eval bench
mod baseline;
#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/legalqa.rs"]
mod legalqa;
#[path = "support/stats.rs"]
mod stats;
#[path = "support/variants.rs"]
mod variants;
use baseline::Baseline;
use stats::{flag, median, percentile};
use variants::make_variant;

/// What is measured: tracuu as the web page asks, as the API asks, and plain Tantivy.
const MODES: [&str; 3] = ["tracuu page", "tracuu api", "tantivy"];

/// Codified legal articles added to the judged ones.
const LEGAL: usize = 2_293;
/// News articles.
const NEWS: usize = 1_000;

/// One query and the record it should find (when it has one).
struct Case {
    kind: &'static str,
    query: String,
    target: Vec<String>,
}

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

/// The records and the distinct queries of the setting (deterministic).
fn setting(corpus: &Path) -> Result<(Vec<Record>, Vec<Case>), Box<dyn std::error::Error>> {
    let legalqa::LegalQa {
        records: judged,
        questions,
    } = legalqa::load(corpus)?.ok_or("legal-qa-dev missing")?;
    let all = corpus::load_corpus(corpus)?;
    let legal: Vec<&Record> = all.iter().filter(|r| r.kind == Kind::Legal).collect();
    let news: Vec<&Record> = all.iter().filter(|r| r.kind == Kind::News).collect();
    let step = (legal.len() / LEGAL).max(1);
    let legal: Vec<Record> = legal
        .into_iter()
        .step_by(step)
        .take(LEGAL)
        .cloned()
        .collect();
    let news: Vec<Record> = news.into_iter().take(NEWS).cloned().collect();

    let mut cases = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |kind: &'static str, query: String, target: Vec<String>| {
        let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if !query.is_empty() && seen.insert(query.clone()) {
            cases.push(Case {
                kind,
                query,
                target,
            });
        }
    };
    let words = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            .filter(|w| !w.is_empty())
            .collect()
    };
    // Long legal questions, as written and as typed without marks or with old-style tones.
    for q in &questions {
        for variant in ["accented", "toneless", "old-tone"] {
            push(
                "long question",
                make_variant(&q.query, variant),
                q.relevant.clone(),
            );
        }
    }
    // Sentences pasted from an article (20-40 syllables).
    for r in legal.iter().step_by(5) {
        if let Some(sentence) = r
            .body
            .split(['.', '\n', ';'])
            .map(words)
            .find(|w| (20..=40).contains(&w.len()))
        {
            push("long pasted", sentence.join(" "), vec![r.id.clone()]);
        }
    }
    // Titles (known items): accented for every other article, toneless for the rest.
    for (n, r) in legal
        .iter()
        .step_by(2)
        .chain(judged.iter().step_by(6))
        .enumerate()
    {
        let w = words(&r.title);
        if (3..=14).contains(&w.len()) {
            let text = w.join(" ");
            let text = if n % 2 == 0 {
                text
            } else {
                make_variant(&text, "toneless")
            };
            push("title", text, vec![r.id.clone()]);
        }
    }
    for r in news.iter().step_by(5) {
        let w = words(&r.title);
        if w.len() >= 4 {
            push("title", w[..w.len().min(10)].join(" "), vec![r.id.clone()]);
        }
    }
    // Short citizen queries: two or three syllables of a title, every other one toneless.
    for (n, r) in legal.iter().chain(news.iter()).step_by(4).enumerate() {
        let w = words(&r.title.to_lowercase());
        let len = 2 + n % 2;
        if w.len() < len {
            continue;
        }
        let start = (n * 7) % (w.len() - len + 1);
        let text = w[start..start + len].join(" ");
        let text = if n % 2 == 0 {
            text
        } else {
            make_variant(&text, "toneless")
        };
        push("short", text, Vec::new());
    }
    // Document numbers as printed: about 300 of the distinct ones.
    let mut numbers: Vec<&String> = legal.iter().filter_map(|r| r.doc_number.as_ref()).collect();
    numbers.sort();
    numbers.dedup();
    for number in numbers.iter().step_by((numbers.len() / 300).max(1)) {
        let targets: Vec<String> = legal
            .iter()
            .filter(|x| x.doc_number.as_ref() == Some(*number))
            .map(|x| x.id.clone())
            .collect();
        push("document number", (*number).clone(), targets);
    }
    let mut records = judged;
    records.extend(legal);
    records.extend(news);
    Ok((records, cases))
}
