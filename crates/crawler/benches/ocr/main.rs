//! OCR quality and throughput on generated scans of Vietnamese legal text: plain
//! `tesseract -l vie` against tracuu's pipeline, character error rate with and without
//! diacritics, and the share of 6-word phrases from the scans that a search finds.
//!
//! `cargo bench -p crawler --bench ocr -- --docs 20` (about 10 minutes on 2 cores).
//!
//! Two sets of documents, both printed: a **development** set (the one the correction's
//! thresholds were tuned on) and a **held-out** set of other texts from another file of the
//! corpus, scanned with other seeds, that no tuning looked at. `--seed S` moves both sets to
//! other articles and other scan styles; `--set dev|heldout` runs one of them only.
//! `--dump DIR` saves each document's truth, outputs and word confidences (`DIR/dev`,
//! `DIR/heldout`); `--rescore DIR` scores such a dump again with the current post-correction,
//! running no OCR; `--model large` learns the correction model from every other legal file
//! (11 instead of 3). Texts come from `../shared/corpus/legal` (or `$TRACUU_CORPUS/legal`)
//! when present (the correction model learns from other files of the same corpus, never from
//! the benchmarked ones), otherwise from the repository's `crates/testkit/data/scan-texts.jsonl`.

mod eval;

use std::path::{Path, PathBuf};

use vietnamese::restore::Restorer;

#[derive(serde::Deserialize)]
struct Article {
    #[serde(default)]
    heading: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    source_doc_type: Option<String>,
}

fn read_articles(path: &Path) -> Vec<Article> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn as_doc(a: &Article) -> (String, Vec<String>) {
    let heading = a
        .source_doc_type
        .clone()
        .unwrap_or_else(|| "VĂN BẢN".into())
        .to_uppercase();
    let mut paragraphs = vec![a.heading.clone()];
    paragraphs.extend(
        a.text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from),
    );
    (heading, paragraphs)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let text_arg = |name: &str| -> Option<&str> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
    };
    let n_docs = arg("--docs", 20);
    let seed = arg("--seed", 1) as u64;
    let threads = arg(
        "--threads",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let only = text_arg("--set");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = std::env::var_os("TRACUU_CORPUS")
        .map_or_else(|| root.join("../shared/corpus"), PathBuf::from)
        .join("legal");
    let (sets, model) = if corpus.is_dir() {
        // Articles of one page or so, spread over the file, from an offset set by the seed.
        let pick = |file: &str| -> Vec<(String, Vec<String>)> {
            read_articles(&corpus.join(file))
                .iter()
                .filter(|a| (500..1400).contains(&a.text.chars().count()))
                .skip(((seed - 1) % 23) as usize)
                .step_by(23)
                .take(n_docs)
                .map(as_doc)
                .collect()
        };
        let mut model = Restorer::new();
        // `--model large`: every other legal file of the corpus (never 001 or 005), to
        // measure what a larger syllable model gives the correction.
        let large = text_arg("--model") == Some("large");
        let files: Vec<String> = if large {
            (2..=14)
                .filter(|n| *n != 5)
                .map(|n| format!("phapdien-{n:03}.jsonl"))
                .collect()
        } else {
            (2..=4).map(|n| format!("phapdien-{n:03}.jsonl")).collect()
        };
        for f in &files {
            for a in read_articles(&corpus.join(f)) {
                model.add_text(&a.heading);
                model.add_text(&a.text);
            }
        }
        model.finish();
        println!(
            "corpus: development set from phapdien-001, held-out set from phapdien-005 \
             (500-1400 chars, every 23rd, seed {seed}); model: {} ({} syllables)",
            if large {
                "phapdien-002..014 without 005"
            } else {
                "phapdien-002..004"
            },
            model.vocabulary()
        );
        (
            [pick("phapdien-001.jsonl"), pick("phapdien-005.jsonl")],
            model,
        )
    } else {
        let all: Vec<_> = read_articles(&root.join("crates/testkit/data/scan-texts.jsonl"))
            .iter()
            .map(as_doc)
            .collect();
        // Six texts: two for each set, the model from the other two.
        let mut model = Restorer::new();
        for (heading, paragraphs) in all.iter().skip(4) {
            model.add_text(heading);
            paragraphs.iter().for_each(|p| model.add_text(p));
        }
        model.finish();
        println!("../shared/corpus absent: repository texts, model from the others");
        (
            [
                all.iter().take(2).cloned().collect(),
                all.iter().skip(2).take(2).cloned().collect(),
            ],
            model,
        )
    };
    let names = ["dev", "heldout"];
    // Held-out scans get other styles too: their seeds are far from the development ones.
    let scan_seeds = [seed, seed + 10_000];
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    if let Some(dir) = text_arg("--rescore") {
        for name in names.into_iter().filter(|n| wanted(n)) {
            print_report(name, &eval::rescore(&Path::new(dir).join(name), &model));
        }
        return;
    }
    let dump = text_arg("--dump").map(PathBuf::from);
    for ((name, texts), scan_seed) in names.into_iter().zip(&sets).zip(scan_seeds) {
        if !wanted(name) {
            continue;
        }
        let docs = eval::make_docs(texts, scan_seed);
        let pages: usize = docs.iter().map(|d| d.pages).sum();
        println!(
            "\n{name}: {} scanned documents, {pages} pages, {threads} threads",
            docs.len()
        );
        let dir = dump.as_ref().map(|d| d.join(name));
        if let Some(d) = &dir {
            std::fs::create_dir_all(d).expect("dump directory");
        }
        let r = eval::run(&docs, &model, threads, dir.as_deref());
        print_report(name, &r);
    }
}

fn print_report(set: &str, r: &eval::Report) {
    let set = if set == "dev" {
        "development set (tuned on)"
    } else {
        "held-out set (never tuned on)"
    };
    println!("\n{set}:");
    println!(
        "\n| system | CER | CER without diacritics | 6-word phrases found, accented (exact form) | accented, as the search matches | toneless | pages/min |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, s) in [
        ("plain `tesseract -l vie` (pdftoppm -r 300)", &r.plain),
        ("tracuu: preprocessing + psm 4, raw", &r.pipeline_raw),
        ("tracuu: + Vietnamese post-correction", &r.pipeline),
    ] {
        let share = |n: usize| 100.0 * n as f64 / s.phrases.max(1) as f64;
        println!(
            "| {name} | {:.2}% | {:.2}% | {:.1}% | {:.1}% | {:.1}% | {} |",
            s.cer(),
            s.cer_folded(),
            share(s.found_accented),
            share(s.found_searched),
            share(s.found_toneless),
            if s.seconds > 0.0 {
                format!("{:.1}", r.pages as f64 / (s.seconds / 60.0))
            } else {
                "-".to_owned()
            },
        );
    }
    println!(
        "\nCER ratio tracuu / plain: {:.2} (target at most 0.50); {} phrases",
        r.pipeline.cer() / r.plain.cer().max(1e-9),
        r.pipeline.phrases
    );
}
