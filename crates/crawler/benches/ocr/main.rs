//! OCR quality and throughput on generated scans of Vietnamese legal text: plain
//! `tesseract -l vie` against tracuu's pipeline, character error rate with and without
//! diacritics, and the share of 6-word phrases from the scans that a search finds.
//!
//! `cargo bench -p crawler --bench ocr -- --docs 20` (about 5 minutes on 2 cores).
//! `--dump DIR` saves each document's truth, outputs and word confidences; `--rescore DIR`
//! scores such a dump again with the current post-correction, running no OCR. Texts come
//! from `../shared/corpus/legal` (or `$TRACUU_CORPUS/legal`) when present (the correction model learns from other articles
//! of the same corpus, never from the benchmarked ones), otherwise from the repository's
//! `crates/testkit/data/scan-texts.jsonl`.

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
    let n_docs = arg("--docs", 20);
    let threads = arg(
        "--threads",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = std::env::var_os("TRACUU_CORPUS")
        .map_or_else(|| root.join("../shared/corpus"), PathBuf::from)
        .join("legal");
    let (texts, model) = if corpus.is_dir() {
        let bench = read_articles(&corpus.join("phapdien-001.jsonl"));
        // Articles of one page or so, spread over the file.
        let picked: Vec<&Article> = bench
            .iter()
            .filter(|a| (500..1400).contains(&a.text.chars().count()))
            .step_by(23)
            .take(n_docs)
            .collect();
        let mut model = Restorer::new();
        for f in [
            "phapdien-002.jsonl",
            "phapdien-003.jsonl",
            "phapdien-004.jsonl",
        ] {
            for a in read_articles(&corpus.join(f)) {
                model.add_text(&a.heading);
                model.add_text(&a.text);
            }
        }
        model.finish();
        println!(
            "corpus: {} articles of phapdien-001 (500-1400 chars, every 23rd); model: phapdien-002..004 ({} syllables)",
            picked.len(),
            model.vocabulary()
        );
        (picked.into_iter().map(as_doc).collect::<Vec<_>>(), model)
    } else {
        let all = read_articles(&root.join("crates/testkit/data/scan-texts.jsonl"));
        let mut model = Restorer::new();
        for a in all.iter().skip(n_docs) {
            model.add_text(&a.heading);
            model.add_text(&a.text);
        }
        model.finish();
        println!("../shared/corpus absent: repository texts, model from the others");
        (all.iter().take(n_docs).map(as_doc).collect(), model)
    };
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--rescore")
        .and_then(|i| args.get(i + 1))
    {
        print_report(&eval::rescore(Path::new(dir), &model));
        return;
    }
    let docs = eval::make_docs(&texts);
    let pages: usize = docs.iter().map(|d| d.pages).sum();
    println!(
        "{} scanned documents, {pages} pages, {threads} threads",
        docs.len()
    );
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).expect("dump directory");
    }
    let r = eval::run(&docs, &model, threads, dump.as_deref());
    print_report(&r);
}

fn print_report(r: &eval::Report) {
    println!(
        "\n| system | CER | CER without diacritics | 6-word phrases found, accented | toneless | pages/min |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, s) in [
        ("plain `tesseract -l vie` (pdftoppm -r 300)", &r.plain),
        ("tracuu: preprocessing + psm 4, raw", &r.pipeline_raw),
        ("tracuu: + Vietnamese post-correction", &r.pipeline),
    ] {
        println!(
            "| {name} | {:.2}% | {:.2}% | {:.1}% | {:.1}% | {} |",
            s.cer(),
            s.cer_folded(),
            100.0 * s.found_accented as f64 / s.phrases.max(1) as f64,
            100.0 * s.found_toneless as f64 / s.phrases.max(1) as f64,
            if s.seconds > 0.0 {
                format!("{:.1}", r.pages as f64 / (s.seconds / 60.0))
            } else {
                "-".to_owned()
            },
        );
    }
    println!(
        "\nCER ratio tracuu / plain: {:.2} (target at most 0.50)",
        r.pipeline.cer() / r.plain.cer().max(1e-9)
    );
}
