//! Search latency micro-benchmark (issue 5): the in-process cost of one `SearchIndex::search`
//! on an index of at least 100,000 records built from ../shared/corpus (repeated with distinct
//! ids), over a fixed query mix: short accented, toneless, quoted phrase, filtered, document
//! numbers in several shapes, long pasted sentences, and Telex.
//!
//! Every query runs as the web service asks it (`limit: 10`, facets on) and, separately,
//! without facets. Every answer is checked (non-empty, document number first, pasted sentence's
//! source in the top 10, snippets highlighted), so a wrong answer cannot look fast. The table
//! shows p50/p90/p99 per query type, each the median over `--runs` repeated runs (the machine
//! is shared and noisy).
//!
//! Run: `cargo bench -p indexer --bench search -- [--index DIR] [--docs N] [--runs N]
//! [--rounds N] [--corpus DIR] [--only TYPE] [--show QUERY]`. `--index DIR` (or `TRACUU_SEARCH_INDEX`) keeps the built index
//! store in DIR and reuses it on the next run when it is complete and large enough. Without the
//! corpus it says so and exits successfully.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crawler::Kind;
use indexer::analyzer::{Form, analyze};
use indexer::{IndexStore, SearchIndex, SearchRequest, SearchResults};
use serde::Deserialize;

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/stats.rs"]
mod stats;
use stats::{flag, median, percentile};

/// One query of the mix and what its answer must satisfy.
struct Case {
    kind: &'static str,
    request: SearchRequest,
    check: Check,
}

enum Check {
    /// At least one hit, and the first hit's snippet or title highlights something.
    Hits,
    /// At least one hit; every hit satisfies the filter.
    Filtered { doc_type: Option<&'static str> },
    /// The first hit carries this document number (canonical keys compared) and is marked as
    /// the number asked for.
    Number(&'static str),
    /// The record the sentence was pasted from (or one of its copies) is in the top 10, or
    /// the first hit holds at least 80% of the sentence's syllable pairs.
    Pasted(String),
    /// At least one hit and the query was reinterpreted (Telex decoded).
    Interpreted,
}

#[derive(Deserialize)]
struct Judged {
    #[serde(rename = "type")]
    kind: String,
    query: String,
    relevant: Vec<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() {
        println!(
            "search bench: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    if let Err(e) = run(&args, &corpus) {
        eprintln!("search bench failed: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String], corpus: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let docs: usize = flag(args, "--docs", 100_000);
    let runs: usize = flag(args, "--runs", 5).max(1);
    let rounds: usize = flag(args, "--rounds", 20).max(1);
    let index_dir = args
        .iter()
        .position(|a| a == "--index")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRACUU_SEARCH_INDEX").map(PathBuf::from));
    let temp = tempfile::tempdir()?;
    let root = index_dir.unwrap_or_else(|| temp.path().join("store"));

    let index = open_or_build(&root, corpus, docs)?;
    println!(
        "search bench: {} documents in {} ({})",
        index.num_docs(),
        root.display(),
        index.generation().unwrap_or("?")
    );

    if let Some(query) = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
    {
        // Print one query's answer and stop (for looking into a failed check).
        let t = Instant::now();
        let results = index.search(&SearchRequest {
            query: query.clone(),
            limit: 10,
            facets: true,
            ..SearchRequest::default()
        })?;
        println!(
            "{:.3} ms, total {}, read as {:?}",
            t.elapsed().as_secs_f64() * 1e3,
            results.total,
            results.interpreted_query
        );
        for hit in &results.hits {
            println!(
                "{:>10.3} {} {:?} | {}",
                hit.score, hit.id, hit.title, hit.snippet
            );
        }
        return Ok(());
    }
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let cases: Vec<Case> = cases()?
        .into_iter()
        .filter(|c| only.is_none_or(|o| c.kind.starts_with(o.as_str())))
        .collect();
    // Check every answer once (and warm the caches).
    for case in &cases {
        for facets in [true, false] {
            let results = index.search(&SearchRequest {
                facets,
                ..case.request.clone()
            })?;
            verify(&index, case, &results, facets)?;
        }
    }
    println!(
        "search bench: {} queries checked; {runs} runs x {rounds} rounds",
        cases.len()
    );

    // Per run: latencies (µs) per query type, with and without facets.
    let mut per_run: Vec<BTreeMap<String, Vec<u64>>> = Vec::new();
    for _ in 0..runs {
        let mut times: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for _ in 0..rounds {
            for case in &cases {
                for facets in [true, false] {
                    let request = SearchRequest {
                        facets,
                        ..case.request.clone()
                    };
                    let t = Instant::now();
                    let results = index.search(&request)?;
                    let us = t.elapsed().as_micros() as u64;
                    std::hint::black_box(&results);
                    let suffix = if facets { "" } else { " (no facets)" };
                    times
                        .entry(format!("{}{suffix}", case.kind))
                        .or_default()
                        .push(us);
                    times
                        .entry(format!("~overall{suffix}"))
                        .or_default()
                        .push(us);
                }
            }
        }
        per_run.push(times);
    }

    println!("\n| query type | searches/run | p50 ms | p90 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for key in per_run[0].keys() {
        let mut row = [Vec::new(), Vec::new(), Vec::new()];
        let mut count = 0;
        for times in &per_run {
            let list = &times[key];
            count = list.len();
            for (slot, p) in row.iter_mut().zip([0.50, 0.90, 0.99]) {
                slot.push(percentile(list, p));
            }
        }
        let [p50, p90, p99] = row.map(|mut v| median(&mut v));
        println!(
            "| {} | {count} | {p50:.3} | {p90:.3} | {p99:.3} |",
            key.trim_start_matches('~')
        );
    }
    println!("\n(each percentile is the median over {runs} runs; facets on unless noted)");
    Ok(())
}

/// Opens the store at `root` when it holds at least `docs` documents, else builds it.
fn open_or_build(
    root: &Path,
    corpus: &Path,
    docs: usize,
) -> Result<SearchIndex, Box<dyn std::error::Error>> {
    let opened = Instant::now();
    let store = match IndexStore::open(root) {
        Ok(store) => {
            println!(
                "search bench: opening the store took {:.2}s",
                opened.elapsed().as_secs_f64()
            );
            store
        }
        Err(e) => {
            println!("search bench: existing store unusable ({e}); rebuilding");
            std::fs::remove_dir_all(root)?;
            IndexStore::open(root)?
        }
    };
    if let Some(index) = store.current()?
        && index.num_docs() >= docs as u64
    {
        return Ok(index);
    }
    let started = Instant::now();
    let base = corpus::load_corpus(corpus)?;
    if base.is_empty() {
        return Err("the corpus holds no record".into());
    }
    let copies = docs.div_ceil(base.len());
    let records = (0..copies).flat_map(|copy| {
        base.iter().map(move |r| {
            let mut r = r.clone();
            if copy > 0 {
                r.id = format!("{}-c{copy}", r.id);
                r.url = format!("{}?c={copy}", r.url);
            }
            r
        })
    });
    let stats = store.build_generation(records)?;
    println!(
        "search bench: built {} documents ({copies} copies of {}) in {:.1}s",
        stats.documents,
        base.len(),
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    drop(IndexStore::open(root)?);
    println!(
        "search bench: reopening the store takes {:.2}s",
        t.elapsed().as_secs_f64()
    );
    Ok(store.current()?.ok_or("no generation after the build")?)
}

fn cases() -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let q = |query: &str| SearchRequest {
        query: query.to_owned(),
        limit: 10,
        ..SearchRequest::default()
    };
    let mut cases = Vec::new();
    let mut add = |kind: &'static str, request: SearchRequest, check: Check| {
        cases.push(Case {
            kind,
            request,
            check,
        });
    };
    for text in [
        "giấy phép xây dựng",
        "thanh niên xung phong",
        "hộ kinh doanh",
        "bảo hiểm xã hội",
        "trẻ em",
    ] {
        add("short accented", q(text), Check::Hits);
    }
    for text in [
        "giay phep xay dung",
        "thanh nien xung phong",
        "ho kinh doanh",
        "bao hiem xa hoi",
        "tre em",
    ] {
        add("toneless", q(text), Check::Hits);
    }
    for text in [
        "\"giấy phép\" xây dựng",
        "\"thanh niên xung phong\"",
        "\"bảo hiểm y tế\"",
        "\"an toàn thực phẩm\" -rượu",
    ] {
        add("phrase", q(text), Check::Hits);
    }
    add(
        "filtered",
        SearchRequest {
            doc_type: Some("Nghị định".to_owned()),
            ..q("thuế")
        },
        Check::Filtered {
            doc_type: Some("Nghị định"),
        },
    );
    add(
        "filtered",
        SearchRequest {
            doc_type: Some("luat".to_owned()),
            ..q("đất đai")
        },
        Check::Filtered {
            doc_type: Some("Luật"),
        },
    );
    add(
        "filtered",
        SearchRequest {
            kind: Some(Kind::News),
            ..q("giao thông")
        },
        Check::Filtered { doc_type: None },
    );
    add(
        "filtered",
        SearchRequest {
            doc_type: Some("Thông tư".to_owned()),
            ..q("")
        },
        Check::Filtered {
            doc_type: Some("Thông tư"),
        },
    );
    for (text, key) in [
        ("57/2020/QH14", "57/2020/QH14"),
        ("57 2020 qh14", "57/2020/QH14"),
        ("luật số 57/2020/QH14", "57/2020/QH14"),
        ("02/2013/TT-BNNPTNT", "02/2013/TT-BNNPTNT"),
        ("02-2013-tt-bnnptnt", "02/2013/TT-BNNPTNT"),
        ("113/2013/NĐ-CP", "113/2013/NĐ-CP"),
    ] {
        add("document number", q(text), Check::Number(key));
    }
    let judged = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/queries.jsonl");
    let mut long = 0;
    for line in BufReader::new(std::fs::File::open(judged)?).lines() {
        let j: Judged = serde_json::from_str(&line?)?;
        if j.kind == "long" && long < 6 {
            long += 1;
            let relevant = j
                .relevant
                .first()
                .cloned()
                .ok_or("long query without judgment")?;
            add("long pasted", q(&j.query), Check::Pasted(relevant));
        }
    }
    for text in [
        "giaasy pheps xaay duwngj",
        "thanh nieen xung phong",
        "baro hieerm xax hooji",
        "hooj kinh doanh",
    ] {
        add("telex", q(text), Check::Interpreted);
    }
    Ok(cases)
}

fn verify(
    index: &SearchIndex,
    case: &Case,
    results: &SearchResults,
    facets: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let query = &case.request.query;
    let fail = |what: &str| -> Box<dyn std::error::Error> {
        format!("query {query:?} ({}): {what}", case.kind).into()
    };
    if results.hits.is_empty() || results.total < results.hits.len() {
        return Err(fail("no hits"));
    }
    if facets != results.facets.is_some() {
        return Err(fail("facets missing or unrequested"));
    }
    if let Some(f) = &results.facets {
        let counted: u64 = f.kind.iter().map(|c| c.count).sum();
        if counted != results.total as u64 {
            return Err(fail(&format!(
                "kind facet counts {counted} != total {}",
                results.total
            )));
        }
    }
    match &case.check {
        Check::Hits => {
            let first = &results.hits[0];
            if !first.snippet.contains("<mark>") && !first.title.is_empty() && !query.contains('"')
            {
                return Err(fail(&format!("no highlight in {:?}", first.snippet)));
            }
        }
        Check::Filtered { doc_type } => {
            for hit in &results.hits {
                if let (Some(want), got) = (doc_type, hit.doc_type.as_deref())
                    && got != Some(*want)
                {
                    return Err(fail(&format!("hit {} has doc_type {got:?}", hit.id)));
                }
                if case.request.kind.is_some_and(|k| k != hit.kind) {
                    return Err(fail(&format!("hit {} has the wrong kind", hit.id)));
                }
            }
        }
        Check::Number(key) => {
            let first = &results.hits[0];
            let printed = first.doc_number.as_deref().unwrap_or("");
            let canonical = |n: &str| vietnamese::DocNumber::parse(n).map(|n| n.key());
            if canonical(printed).is_none() || canonical(printed) != canonical(key) {
                return Err(fail(&format!("first hit has number {printed:?}")));
            }
            if !first.number_match {
                return Err(fail(&format!(
                    "first hit {printed:?} not marked as the number"
                )));
            }
        }
        Check::Pasted(id) => {
            // The source (or a copy) in the top 10, or else a first hit that holds most of
            // the sentence's syllable pairs (boilerplate sentences occur in many records).
            let copy = format!("{id}-c");
            let found = results
                .hits
                .iter()
                .any(|h| h.id == *id || h.id.starts_with(&copy));
            let pairs = |text: &str| -> HashSet<String> {
                let syllables = analyze(text, Form::Folded);
                syllables
                    .windows(2)
                    .map(|w| format!("{} {}", w[0].text, w[1].text))
                    .collect()
            };
            let wanted = pairs(query);
            let record = index
                .document(&results.hits[0].id)?
                .ok_or("hit not in the index")?;
            let have = pairs(&format!("{} {} {}", record.title, record.lead, record.body));
            let shared = wanted.iter().filter(|p| have.contains(*p)).count();
            if !found && shared * 10 < wanted.len() * 8 {
                return Err(fail(&format!(
                    "{id} not in the top 10 and the first hit holds {shared} of {} pairs",
                    wanted.len()
                )));
            }
        }
        Check::Interpreted => {
            if results.interpreted_query.is_none() {
                return Err(fail("Telex not decoded"));
            }
        }
    }
    Ok(())
}
