//! Loading ../shared/corpus (legal articles and news) as crawler records, shared by the
//! evaluation and search benchmarks.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crawler::{Kind, Record};
use serde::Deserialize;

/// The corpus folder: `--corpus DIR`, else `TRACUU_CORPUS`, else `../shared/corpus` beside the
/// repository.
pub(crate) fn corpus_dir(args: &[String]) -> PathBuf {
    args.iter()
        .position(|a| a == "--corpus")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRACUU_CORPUS").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
}

#[derive(Debug, Deserialize)]
struct LegalLine {
    doc_id: String,
    heading: Option<String>,
    text: Option<String>,
    demuc_title: Option<String>,
    source_doc_type: Option<String>,
    source_doc_number: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NewsLine {
    id: String,
    title_tokenized: String,
    abstract_tokenized: String,
    body_tokenized: String,
}

/// Every legal article and news article of the corpus, in file order.
pub(crate) fn load_corpus(corpus: &Path) -> Result<Vec<Record>, Box<dyn std::error::Error>> {
    let mut records = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("legal"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for file in files {
        for line in BufReader::new(std::fs::File::open(&file)?).lines() {
            let l: LegalLine = serde_json::from_str(&line?)?;
            let mut r = Record::new(
                &l.doc_id,
                Kind::Legal,
                format!("https://phapdien.moj.gov.vn/{}", l.doc_id),
            );
            r.title = strip_article_prefix(l.heading.as_deref().unwrap_or(""));
            r.body = l.text.unwrap_or_default();
            r.doc_number = l.source_doc_number;
            r.doc_type = l.source_doc_type;
            r.fields = l.demuc_title.into_iter().collect();
            records.push(r);
        }
    }
    let news_dir = corpus.join("news");
    if news_dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&news_dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        for file in files {
            for line in BufReader::new(std::fs::File::open(&file)?).lines() {
                let n: NewsLine = serde_json::from_str(&line?)?;
                let mut r =
                    Record::new(&n.id, Kind::News, format!("https://news.example/{}", n.id));
                r.title = detokenize(&n.title_tokenized);
                r.lead = detokenize(&n.abstract_tokenized);
                r.body = detokenize(&n.body_tokenized);
                records.push(r);
            }
        }
    }
    Ok(records)
}

/// `Điều 36.3.LQ.1. Thanh niên` -> `Thanh niên`.
fn strip_article_prefix(heading: &str) -> String {
    match heading.strip_prefix("Điều ") {
        Some(rest) => rest
            .split_once(". ")
            .map_or(rest, |(_, title)| title)
            .trim()
            .to_owned(),
        None => heading.trim().to_owned(),
    }
}

/// Undo the news set's word segmentation: `_` -> space, punctuation re-attached.
fn detokenize(text: &str) -> String {
    let mut out = text.replace('_', " ");
    for (from, to) in [
        (" ,", ","),
        (" .", "."),
        (" :", ":"),
        (" ;", ";"),
        (" ?", "?"),
        (" !", "!"),
        ("( ", "("),
        (" )", ")"),
    ] {
        out = out.replace(from, to);
    }
    out
}
