//! Import throughput (issue 11): `tracuu import --jsonl` of the unseen bench's 5,549 documents
//! (the 2,256 judged law articles of `legal-qa-dev`, 2,293 codified legal articles, 1,000 news
//! articles from ../shared/corpus, about 15 MB of JSON lines), against plain Tantivy (default
//! tokenizer, `title` and `body`, same documents read from the same file) in the same run.
//!
//! Both sides go from the JSON-lines file on disk to a committed index on disk: tracuu through
//! the same library calls as `tracuu import` (parse the lines, build a generation in a fresh
//! store: write, commit, merge, learn the restorer, open it), Tantivy by parsing each line and
//! adding a document. Each run reports wall time, CPU time of the process (all threads, from
//! `/proc/self/stat`), so the cores actually used, MB/s and MB/s per core; the table gives the
//! median of each over `--runs` runs, the sides interleaved.
//!
//! Run: `cargo bench -p indexer --bench import -- [--runs N] [--corpus DIR] [--only tracuu]`.
//! Without the corpus it says so and exits successfully.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use indexer::IndexStore;
use serde::Deserialize;

use tantivy::{Index, TantivyDocument};
#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/legalqa.rs"]
#[allow(dead_code)] // the questions serve the other benches
mod legalqa;
#[path = "support/setting.rs"]
#[allow(dead_code)] // the queries serve loadbench
mod setting;
#[path = "support/stats.rs"]
#[allow(dead_code)] // `percentile` serves the latency benches
mod stats;
#[path = "support/variants.rs"]
#[allow(dead_code)]
mod variants;
use stats::{flag, median};

/// The allocator of the `tracuu` binary (mimalloc), so that the bench measures what the
/// service runs; plain Tantivy, in the same process, runs on it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() || !corpus.join("legal-qa-dev").is_dir() {
        println!(
            "import bench: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    if let Err(e) = run(&args, &corpus) {
        eprintln!("import bench failed: {e}");
        std::process::exit(1);
    }
}

/// One timed import: wall and CPU seconds.
#[derive(Clone, Copy)]
struct Timing {
    wall: f64,
    cpu: f64,
}

fn run(args: &[String], corpus: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = flag(args, "--runs", 5).max(1);
    let only: String = flag(args, "--only", String::new());
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("unseen.jsonl");
    let (documents, bytes) = write_jsonl(corpus, &file)?;
    let mb = bytes as f64 / 1e6;
    println!(
        "import bench: {documents} documents, {mb:.1} MB of JSON lines, {runs} runs, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let sides: Vec<&str> = ["tracuu import", "plain tantivy"]
        .into_iter()
        .filter(|s| only.is_empty() || s.starts_with(only.as_str()))
        .collect();
    let mut timings: Vec<Vec<Timing>> = vec![Vec::new(); sides.len()];
    for run in 0..runs {
        for k in 0..sides.len() {
            // Alternate which side runs first.
            let s = (k + run) % sides.len();
            let out = dir.path().join(format!("run-{run}-{s}"));
            let (cpu0, t) = (cpu_seconds()?, Instant::now());
            let docs = match sides[s] {
                "tracuu import" => import_tracuu(&file, &out)?,
                _ => import_tantivy(&file, &out)?,
            };
            let timing = Timing {
                wall: t.elapsed().as_secs_f64(),
                cpu: cpu_seconds()? - cpu0,
            };
            if docs != documents {
                return Err(format!("{}: {docs} documents, expected {documents}", sides[s]).into());
            }
            println!(
                "run {run} {}: {:.2} s wall, {:.2} s CPU, {:.1} MB/s",
                sides[s],
                timing.wall,
                timing.cpu,
                mb / timing.wall
            );
            timings[s].push(timing);
            std::fs::remove_dir_all(&out)?;
        }
    }

    println!("\n| side | wall s | CPU s | cores used | MB/s | MB/s per core |");
    println!("|---|---|---|---|---|---|");
    for (side, list) in sides.iter().zip(&timings) {
        let wall = median(&mut list.iter().map(|t| t.wall).collect::<Vec<_>>());
        let cpu = median(&mut list.iter().map(|t| t.cpu).collect::<Vec<_>>());
        let rate = median(&mut list.iter().map(|t| mb / t.wall).collect::<Vec<_>>());
        let per_core = median(&mut list.iter().map(|t| mb / t.cpu).collect::<Vec<_>>());
        let cores = median(&mut list.iter().map(|t| t.cpu / t.wall).collect::<Vec<_>>());
        println!("| {side} | {wall:.2} | {cpu:.2} | {cores:.2} | {rate:.1} | {per_core:.1} |");
    }
    println!("\n(medians over {runs} runs; MB/s per core = MB per CPU second of the process)");
    Ok(())
}

/// What `tracuu import --jsonl FILE` does on an empty store.
fn import_tracuu(file: &Path, out: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let (records, errors) = indexer::import_jsonl(BufReader::new(std::fs::File::open(file)?));
    if let Some(e) = errors.first() {
        return Err(format!("import error: {e}").into());
    }
    let store = IndexStore::open(out)?;
    let stats = store.build_generation(records)?;
    Ok(usize::try_from(stats.documents)?)
}

/// The fields plain Tantivy indexes.
#[derive(Deserialize)]
struct Line {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    body: String,
    doc_number: Option<String>,
}

/// Plain Tantivy: default tokenizer on title and body (lead, body, number), on disk, with
/// the fields the other benches' baseline uses.
fn import_tantivy(file: &Path, out: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let (schema, fields) = baseline::Fields::schema();
    std::fs::create_dir_all(out)?;
    let index = Index::create_in_dir(out, schema)?;
    let mut writer = index.writer::<TantivyDocument>(128_000_000)?;
    for line in BufReader::new(std::fs::File::open(file)?).lines() {
        let l: Line = serde_json::from_str(&line?)?;
        writer.add_document(fields.document(
            &l.id,
            &l.title,
            &l.lead,
            &l.body,
            l.doc_number.as_deref(),
        ))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(usize::try_from(index.reader()?.searcher().num_docs())?)
}

/// CPU seconds (user + system, all threads) this process has used so far.
fn cpu_seconds() -> Result<f64, Box<dyn std::error::Error>> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').ok_or("bad /proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    // USER_HZ is 100 on Linux.
    Ok(ticks / 100.0)
}

/// Writes the unseen bench's documents as `tracuu import` JSON lines; returns the count and
/// the file size in bytes.
fn write_jsonl(corpus: &Path, file: &Path) -> Result<(usize, u64), Box<dyn std::error::Error>> {
    let (records, _) = setting::setting(corpus)?;
    let mut out = BufWriter::new(std::fs::File::create(file)?);
    for r in &records {
        let line = serde_json::json!({
            "id": r.id,
            "kind": r.kind.as_str(),
            "title": r.title,
            "lead": r.lead,
            "body": r.body,
            "doc_number": r.doc_number,
            "doc_type": r.doc_type,
            "url": r.url,
            "fields": r.fields,
        });
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok((records.len(), std::fs::metadata(file)?.len()))
}
