//! Suggestion latency benchmark (issue 14): the cost of one `Suggester::suggest` (what
//! `/api/suggest` runs) on the completion table of at least 100,000 records built from
//! ../shared/corpus (repeated with distinct ids), and the table's build time.
//!
//! The prefix mix: the first words of titles as typed with marks, the same without marks,
//! document numbers cut short (`57/2020/Q`), type and number without marks (`luat 57`), Telex,
//! and two-letter prefixes (the widest scans). Every answer must be non-empty and at most 8
//! long, so a wrong answer cannot look fast. The table shows p50/p90/p99 per prefix type, each
//! the median over `--runs` repeated runs (the machine is shared and noisy).
//!
//! Run: `cargo bench -p indexer --bench suggest -- [--docs N] [--runs N] [--corpus DIR]
//! [--show PREFIX]` (`--show` prints the completions of one prefix instead).
//! Without the corpus it says so and exits successfully.

use std::collections::BTreeMap;
use std::time::Instant;

use indexer::Suggester;

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/stats.rs"]
#[allow(dead_code)] // `percentile` and `median` serve the other benches
mod stats;
use stats::flag;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = corpus::corpus_dir(&args);
    if !corpus.join("legal").is_dir() {
        println!(
            "suggest bench: corpus not found at {} (set TRACUU_CORPUS or --corpus); skipping",
            corpus.display()
        );
        return;
    }
    if let Err(e) = run(&args, &corpus) {
        eprintln!("suggest bench failed: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String], corpus: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let docs: usize = flag(args, "--docs", 100_000);
    let runs: usize = flag(args, "--runs", 5).max(1);
    let base = corpus::load_corpus(corpus)?;
    if base.is_empty() {
        return Err("the corpus holds no record".into());
    }
    let copies = docs.div_ceil(base.len());
    let records: Vec<crawler::Record> = (0..copies)
        .flat_map(|copy| {
            base.iter().map(move |r| {
                let mut r = r.clone();
                if copy > 0 {
                    r.id = format!("{}-c{copy}", r.id);
                }
                r
            })
        })
        .take(docs.max(base.len()))
        .collect();
    let started = Instant::now();
    let suggester = Suggester::from_records(&records);
    println!(
        "suggest bench: table of {} records ({} keys) built in {:.2}s",
        records.len(),
        suggester.len(),
        started.elapsed().as_secs_f64()
    );

    if let Some(prefix) = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
    {
        println!("telex reading: {:?}", vietnamese::telex::decode(prefix));
        for found in suggester.suggest(prefix, 8) {
            println!("{:?} {} -> {}", found.kind, found.text, found.query);
        }
        return Ok(());
    }
    let cases = prefixes(&base);
    let mut by_kind: BTreeMap<&str, Vec<[f64; 3]>> = BTreeMap::new();
    for _ in 0..runs {
        let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (kind, prefix) in &cases {
            let t = Instant::now();
            let found = suggester.suggest(prefix, 8);
            let micros = t.elapsed().as_secs_f64() * 1e6;
            if found.is_empty() || found.len() > 8 {
                return Err(format!("{kind} {prefix:?}: {} suggestions", found.len()).into());
            }
            times.entry(kind).or_default().push(micros);
        }
        for (kind, mut t) in times {
            t.sort_by(f64::total_cmp);
            let at = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
            by_kind
                .entry(kind)
                .or_default()
                .push([at(0.5), at(0.9), at(0.99)]);
        }
    }
    println!(
        "\n{:<22} {:>8} {:>10} {:>10} {:>10}",
        "prefix type", "prefixes", "p50 µs", "p90 µs", "p99 µs"
    );
    let mut all_p99 = Vec::new();
    for (kind, mut rows) in by_kind {
        let count = cases.iter().filter(|(k, _)| *k == kind).count();
        let median = |rows: &mut Vec<[f64; 3]>, i: usize| {
            rows.sort_by(|a, b| a[i].total_cmp(&b[i]));
            rows[rows.len() / 2][i]
        };
        let (p50, p90, p99) = (
            median(&mut rows, 0),
            median(&mut rows, 1),
            median(&mut rows, 2),
        );
        all_p99.push(p99);
        println!("{kind:<22} {count:>8} {p50:>10.1} {p90:>10.1} {p99:>10.1}");
    }
    let worst = all_p99.iter().copied().fold(0.0, f64::max);
    println!(
        "\nworst p99 over prefix types: {:.2} ms (target < 2 ms): {}",
        worst / 1000.0,
        if worst < 2000.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

/// The prefix mix, taken from the corpus's own titles and numbers (every 97th record).
fn prefixes(records: &[crawler::Record]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for record in records.iter().step_by(97).take(200) {
        let words: Vec<&str> = record.title.split_whitespace().take(3).collect();
        if words.len() >= 2 {
            let typed = words.join(" ");
            // Cut inside the last word, as while typing.
            let cut: String = typed.chars().take(typed.chars().count() - 1).collect();
            out.push(("title, with marks", cut.clone()));
            out.push(("title, without marks", vietnamese::fold(&cut)));
        }
        if let Some(number) = record.doc_number.as_deref().filter(|n| n.len() > 4) {
            let cut: String = number.chars().take(number.chars().count() - 3).collect();
            out.push(("number, cut short", cut));
            if let Some(doc_type) = &record.doc_type {
                let head: String = number.chars().take(2).collect();
                out.push((
                    "type + number, no marks",
                    vietnamese::fold(&format!("{doc_type} {head}")),
                ));
            }
        }
    }
    for telex in [
        "nghij ddinhj",
        "quyeets ddinhj",
        "hooij ddoongf",
        "luaatj",
        "ngaan sachs",
        "chuwcs vuj",
        "trachs nhieemj",
        "ddieeuf kieenj",
    ] {
        out.push(("telex", telex.to_owned()));
    }
    for short in ["ng", "th", "qu", "ch", "tr", "lu", "ho", "ca"] {
        out.push(("two letters", short.to_owned()));
    }
    out
}
