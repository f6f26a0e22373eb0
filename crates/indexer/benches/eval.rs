//! Search-quality evaluation (issue 3): tracuu against a plain Tantivy default-tokenizer
//! baseline on the same documents, over the shared corpus (legal articles and news).
//!
//! Every judged query of `eval/queries.jsonl` runs as five variants (accented, toneless,
//! old-style tone placement, Telex-typed, partly accented); the table shows MRR@10, nDCG@10
//! and recall@10 (relevant documents found in the top 10 over min(relevant, 10)) per variant
//! and engine, the share of document-number queries answered at rank 1, and search latency.
//!
//! A second table evaluates the human-judged legal statements of `legal-qa-dev` (all 216 as
//! queries, accented and toneless; one record per article) with MRR@10 and recall@10.
//!
//! Run: `cargo bench -p indexer --bench eval`. Options: `--corpus DIR` (default
//! `../shared/corpus` beside the repository, or `TRACUU_CORPUS`), `--generate` to rebuild the
//! query set from the corpus (semi-automatic judgments, see `eval/README.md`), `--legal-qa`
//! to run the legal-qa-dev table alone.
//! Without the corpus it says so and exits successfully.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::Instant;

use crawler::{Kind, Record};
use indexer::{IndexStore, SearchRequest};
use serde::{Deserialize, Serialize};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/legalqa.rs"]
mod legalqa;
#[path = "support/stats.rs"]
#[allow(dead_code)] // `flag` and `median` serve the other benches
mod stats;
#[path = "support/variants.rs"]
mod variants;
use baseline::Baseline;
use corpus::load_corpus;
use stats::percentile;
use variants::make_variant;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Judged {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    query: String,
    relevant: Vec<String>,
}

const VARIANTS: [&str; 5] = ["accented", "toneless", "old-tone", "telex", "partial"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() {
        println!(
            "eval: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    let result = if args.iter().any(|a| a == "--legal-qa") {
        legal_qa(&corpus)
    } else {
        run(&corpus, args.iter().any(|a| a == "--generate")).and_then(|()| legal_qa(&corpus))
    };
    if let Err(e) = result {
        eprintln!("eval failed: {e}");
        std::process::exit(1);
    }
}

fn run(corpus: &Path, generate: bool) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let records = load_corpus(corpus)?;
    println!(
        "eval: {} records loaded in {:.1}s",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    let queries_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/queries.jsonl");
    if generate {
        let queries = generate_queries(&records);
        let mut file = std::fs::File::create(&queries_path)?;
        for q in &queries {
            writeln!(file, "{}", serde_json::to_string(q)?)?;
        }
        println!(
            "eval: wrote {} queries to {}",
            queries.len(),
            queries_path.display()
        );
    }
    let queries: Vec<Judged> = BufReader::new(std::fs::File::open(&queries_path)?)
        .lines()
        .map(|l| Ok::<_, Box<dyn std::error::Error>>(serde_json::from_str(&l?)?))
        .collect::<Result<_, _>>()?;

    let dir = tempfile::tempdir()?;
    let t = Instant::now();
    let store = IndexStore::open(dir.path().join("tracuu"))?;
    store.build_generation(records.clone())?;
    let tracuu = store.current()?.ok_or("no generation after build")?;
    println!(
        "eval: tracuu index built in {:.1}s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let baseline = Baseline::build(&records)?;
    println!(
        "eval: baseline index built in {:.1}s",
        t.elapsed().as_secs_f64()
    );

    let mut table = Vec::new();
    for variant in VARIANTS {
        for engine in ["tracuu", "baseline"] {
            let mut totals = Totals::default();
            for q in &queries {
                let text = make_variant(&q.query, variant);
                let t = Instant::now();
                let ranked: Vec<String> = if engine == "tracuu" {
                    tracuu
                        .search(&SearchRequest {
                            query: text.clone(),
                            limit: 10,
                            ..SearchRequest::default()
                        })?
                        .hits
                        .into_iter()
                        .map(|h| h.id)
                        .collect()
                } else {
                    baseline.top(&text, 10)?
                };
                totals.latencies_us.push(t.elapsed().as_micros() as u64);
                totals.add(q, &ranked);
                if engine == "tracuu" {
                    // The same search without hits and snippets: the index work alone.
                    let t = Instant::now();
                    tracuu.search(&SearchRequest {
                        query: text.clone(),
                        limit: 0,
                        ..SearchRequest::default()
                    })?;
                    totals.core_us.push(t.elapsed().as_micros() as u64);
                }
            }
            table.push((variant, engine, totals));
        }
    }
    print_table(&queries, &table);
    Ok(())
}

#[derive(Default)]
struct Totals {
    mrr: f64,
    ndcg: f64,
    recall: f64,
    count: usize,
    number_queries: usize,
    number_first: usize,
    latencies_us: Vec<u64>,
    core_us: Vec<u64>,
}

impl Totals {
    fn add(&mut self, query: &Judged, ranked: &[String]) {
        let relevant: HashSet<&str> = query.relevant.iter().map(String::as_str).collect();
        let first = ranked.iter().position(|id| relevant.contains(id.as_str()));
        self.mrr += first.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
        let dcg: f64 = ranked
            .iter()
            .enumerate()
            .filter(|(_, id)| relevant.contains(String::as_str(id)))
            .map(|(i, _)| 1.0 / ((i as f64) + 2.0).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(10))
            .map(|i| 1.0 / ((i as f64) + 2.0).log2())
            .sum();
        self.ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
        let found = ranked
            .iter()
            .filter(|id| relevant.contains(String::as_str(id)))
            .count();
        self.recall += found as f64 / relevant.len().clamp(1, 10) as f64;
        self.count += 1;
        if query.kind == "docno" {
            self.number_queries += 1;
            self.number_first += usize::from(first == Some(0));
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        percentile(&self.latencies_us, p)
    }
}

fn print_table(queries: &[Judged], table: &[(&str, &str, Totals)]) {
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for q in queries {
        *kinds.entry(q.kind.as_str()).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort();
    println!("\nqueries: {} ({kinds:?})\n", queries.len());
    println!(
        "| variant | engine | MRR@10 | nDCG@10 | recall@10 | doc-number @1 | p50 ms | p99 ms | index-only p50 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let accented_mrr = table
        .iter()
        .find(|(v, e, _)| *v == "accented" && *e == "tracuu")
        .map_or(0.0, |(_, _, t)| t.mrr / t.count.max(1) as f64);
    for (variant, engine, t) in table {
        let n = t.count.max(1) as f64;
        println!(
            "| {variant} | {engine} | {:.3} | {:.3} | {:.3} | {}/{} | {:.2} | {:.2} | {} |",
            t.mrr / n,
            t.ndcg / n,
            t.recall / n,
            t.number_first,
            t.number_queries,
            t.percentile(0.5),
            t.percentile(0.99),
            if t.core_us.is_empty() {
                "-".to_owned()
            } else {
                format!("{:.2}", percentile(&t.core_us, 0.5))
            },
        );
    }
    println!();
    for (variant, engine, t) in table {
        if *engine != "tracuu" {
            continue;
        }
        let mrr = t.mrr / t.count.max(1) as f64;
        let base = table
            .iter()
            .find(|(v, e, _)| v == variant && *e == "baseline")
            .map_or(0.0, |(_, _, b)| b.mrr / b.count.max(1) as f64);
        println!(
            "{variant}: tracuu MRR {:.3} = {:+.1}% vs accented; {} baseline ({:.3})",
            mrr,
            (mrr / accented_mrr - 1.0) * 100.0,
            if mrr > base {
                "ahead of"
            } else {
                "NOT ahead of"
            },
            base
        );
    }
}

/// Builds the judged query set from the corpus: deterministic picks, judgments derived from
/// the documents themselves (see eval/README.md).
fn generate_queries(records: &[Record]) -> Vec<Judged> {
    let mut out = Vec::new();
    let legal: Vec<&Record> = records.iter().filter(|r| r.kind == Kind::Legal).collect();
    let news: Vec<&Record> = records.iter().filter(|r| r.kind == Kind::News).collect();
    let exact_title = |r: &Record| vietnamese::normalize(&r.title);
    let mut by_title: HashMap<String, Vec<String>> = HashMap::new();
    for r in records {
        by_title
            .entry(exact_title(r))
            .or_default()
            .push(r.id.clone());
    }
    let syllables = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let mut push = |kind: &str, query: String, relevant: Vec<String>| {
        if query.trim().is_empty() || relevant.is_empty() {
            return;
        }
        if out.iter().any(|q: &Judged| q.query == query) {
            return;
        }
        out.push(Judged {
            id: format!("q{:03}", out.len() + 1),
            kind: kind.to_owned(),
            query,
            relevant,
        });
    };
    // Known items: a legal article's title (4-12 syllables), and a news headline's first words.
    let step = (legal.len() / 70).max(1);
    for r in legal.iter().step_by(step).take(70) {
        let words = syllables(&r.title);
        if (3..=12).contains(&words.len()) {
            push(
                "known-item",
                words.join(" "),
                by_title[&exact_title(r)].clone(),
            );
        }
    }
    let step = (news.len() / 30).max(1);
    for r in news.iter().step_by(step).take(30) {
        let words = syllables(&r.title);
        if words.len() >= 4 {
            push(
                "known-item",
                words[..words.len().min(10)].join(" "),
                vec![r.id.clone()],
            );
        }
    }
    // Short search-box queries: two or three syllables of a title; relevant = every record
    // whose title contains them as a phrase (exact form).
    let step = (legal.len() / 40).max(2);
    for (n, r) in legal.iter().skip(7).step_by(step / 2).take(80).enumerate() {
        let words = syllables(&r.title);
        let len = 2 + n % 2;
        if words.len() < len + 1 {
            continue;
        }
        let start = n % (words.len() - len + 1);
        let phrase = words[start..start + len].join(" ");
        let needle = vietnamese::normalize(&phrase);
        let relevant: Vec<String> = records
            .iter()
            .filter(|x| syllables(&exact_title(x)).join(" ").contains(&needle))
            .map(|x| x.id.clone())
            .collect();
        if relevant.len() <= 50 {
            push("short", phrase, relevant);
        }
    }
    // Long questions: a sentence of 20-40 syllables pasted from a record's text.
    let step = (legal.len() / 40).max(1);
    for r in legal.iter().skip(3).step_by(step).take(40) {
        let sentence = r
            .body
            .split(['.', '\n', ';'])
            .map(syllables)
            .find(|w| (20..=40).contains(&w.len()));
        if let Some(words) = sentence {
            push("long", words.join(" "), vec![r.id.clone()]);
        }
    }
    // Document numbers: every article taken from that document is relevant.
    let mut by_number: HashMap<String, Vec<String>> = HashMap::new();
    for r in &legal {
        if let Some(n) = r.doc_number.as_deref() {
            by_number
                .entry(n.to_owned())
                .or_default()
                .push(r.id.clone());
        }
    }
    let mut numbers: Vec<_> = by_number.into_iter().collect();
    numbers.sort();
    let step = (numbers.len() / 25).max(1);
    for (number, ids) in numbers.into_iter().step_by(step).take(25) {
        push("docno", number, ids);
    }
    out
}

/// The legal-qa-dev table: every statement as a query (accented and toneless), MRR@10 and
/// recall@10 for tracuu and the baseline.
fn legal_qa(corpus: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let Some(legalqa::LegalQa { records, questions }) = legalqa::load(corpus)? else {
        println!(
            "eval: legal-qa-dev not found under {}; skipping",
            corpus.display()
        );
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let store = IndexStore::open(dir.path().join("legal-qa"))?;
    store.build_generation(records.clone())?;
    let tracuu = store.current()?.ok_or("no generation after build")?;
    let baseline = Baseline::build(&records)?;
    println!(
        "\nlegal-qa-dev: {} articles, {} statements\n",
        records.len(),
        questions.len()
    );
    println!("| variant | engine | MRR@10 | recall@10 | p50 ms |");
    println!("|---|---|---|---|---|");
    for variant in ["accented", "toneless"] {
        for engine in ["tracuu", "baseline"] {
            let (mut mrr, mut recall) = (0.0, 0.0);
            let mut latencies = Vec::new();
            for q in &questions {
                let text = make_variant(&q.query, variant);
                let t = Instant::now();
                let ranked: Vec<String> = if engine == "tracuu" {
                    tracuu
                        .search(&SearchRequest {
                            query: text,
                            limit: 10,
                            ..SearchRequest::default()
                        })?
                        .hits
                        .into_iter()
                        .map(|h| h.id)
                        .collect()
                } else {
                    baseline.top(&text, 10)?
                };
                latencies.push(t.elapsed().as_micros() as u64);
                let first = ranked.iter().position(|id| q.relevant.contains(id));
                mrr += first.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
                let found = ranked.iter().filter(|id| q.relevant.contains(id)).count();
                recall += found as f64 / q.relevant.len().clamp(1, 10) as f64;
            }
            let n = questions.len().max(1) as f64;
            println!(
                "| {variant} | {engine} | {:.3} | {:.3} | {:.2} |",
                mrr / n,
                recall / n,
                percentile(&latencies, 0.5)
            );
        }
    }
    Ok(())
}
