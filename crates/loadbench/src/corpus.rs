//! The benchmark corpus: the shared legal codification articles and news articles turned into
//! [`Record`]s, repeated with distinct ids until the wanted number of documents is reached.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use crawler::{Kind, Record};
use serde::Deserialize;

/// One line of `legal/phapdien-*.jsonl`.
#[derive(Debug, Deserialize)]
struct LegalLine {
    doc_id: String,
    #[serde(default)]
    demuc_title: String,
    #[serde(default)]
    heading: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    source_note: String,
    source_doc_type: Option<String>,
    source_doc_number: Option<String>,
}

/// One line of `news/vietnews_test-*.jsonl` (word-segmented text).
#[derive(Debug, Deserialize)]
struct NewsLine {
    id: String,
    #[serde(default)]
    title_tokenized: String,
    #[serde(default)]
    abstract_tokenized: String,
    #[serde(default)]
    body_tokenized: String,
}

/// The distinct records of the corpus (one copy), legal first.
#[derive(Debug, Clone)]
pub(crate) struct Corpus {
    /// Every record, in file order.
    pub(crate) records: Vec<Record>,
}

impl Corpus {
    /// Reads every `legal/*.jsonl` and `news/*.jsonl` file under `root`.
    pub(crate) fn load(root: &Path) -> Result<Self> {
        if !root.join("legal").is_dir() {
            bail!(
                "no corpus at {} (expected legal/ and news/ folders): pass --corpus or set TRACUU_CORPUS",
                root.display()
            );
        }
        let mut records = Vec::new();
        for file in jsonl_files(&root.join("legal"))? {
            for_each_line(&file, |line: LegalLine| records.push(legal_record(line)))?;
        }
        if root.join("news").is_dir() {
            for file in jsonl_files(&root.join("news"))? {
                for_each_line(&file, |line: NewsLine| records.push(news_record(line)))?;
            }
        }
        records.retain(|r| !(r.title.trim().is_empty() && r.body.trim().is_empty()));
        if records.is_empty() {
            bail!("the corpus at {} holds no record", root.display());
        }
        Ok(Self { records })
    }

    /// `count` records: the corpus repeated, each copy after the first with ids suffixed
    /// `~2`, `~3`… so every document is distinct.
    pub(crate) fn repeated(&self, count: usize) -> impl Iterator<Item = Record> + '_ {
        let len = self.records.len();
        (0..count).map(move |n| {
            let mut record = self.records[n % len].clone();
            let copy = n / len;
            if copy > 0 {
                record.id = format!("{}~{}", record.id, copy + 1);
                record.url = format!("{}~{}", record.url, copy + 1);
            }
            record
        })
    }
}

fn jsonl_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

fn for_each_line<T: for<'de> Deserialize<'de>>(file: &Path, mut each: impl FnMut(T)) -> Result<()> {
    let reader = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    for (number, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a corpus record", file.display(), number + 1))?;
        each(value);
    }
    Ok(())
}

fn legal_record(line: LegalLine) -> Record {
    let url = format!("https://phapdien.moj.gov.vn/bo-phap-dien#{}", line.doc_id);
    let mut record = Record::new(line.doc_id, Kind::Legal, url);
    record.title = line.heading;
    record.body = line.text;
    record.doc_number = line.source_doc_number.filter(|n| !n.trim().is_empty());
    record.doc_type = line.source_doc_type.filter(|t| !t.trim().is_empty());
    // "(Điều 1 Luật số 57/2020/QH14 Luật Thanh niên ngày 16/06/2020 của Quốc hội, có hiệu lực
    // thi hành kể từ ngày 01/01/2021)"
    let note = &line.source_note;
    record.effective_date = note
        .find("kể từ ngày ")
        .and_then(|at| vn_date(&note[at + "kể từ ngày ".len()..]));
    if let Some(at) = note.find(" ngày ") {
        let after = &note[at + " ngày ".len()..];
        record.date = vn_date(after);
        if let Some(issuer) = after.get(10..).and_then(|rest| rest.strip_prefix(" của ")) {
            let issuer = issuer.split([',', ')']).next().unwrap_or_default().trim();
            if !issuer.is_empty() {
                record.issuer = Some(issuer.to_owned());
            }
        }
    }
    if record.date.is_none() {
        record.date = record.effective_date;
    }
    if !line.demuc_title.is_empty() {
        record.fields = vec![line.demuc_title];
    }
    record
}

fn news_record(line: NewsLine) -> Record {
    let url = format!("https://tintuc.example.vn/{}.html", line.id);
    // The news set has no dates: give each article a stable one between 2015 and 2023 so
    // date sorts, year facets and the timeline have something to work on.
    let day = line
        .id
        .bytes()
        .fold(17u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 3000;
    let mut record = Record::new(line.id, Kind::News, url);
    record.title = detokenize(&line.title_tokenized);
    record.lead = detokenize(&line.abstract_tokenized);
    record.body = detokenize(&line.body_tokenized);
    record.date = NaiveDate::from_ymd_opt(2015, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(day)));
    record.category = Some("Tin tức".to_owned());
    record
}

/// `dd/mm/yyyy` at the start of `text`.
fn vn_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%d/%m/%Y").ok()
}

/// Word-segmented text back to plain text: `_` between syllables becomes a space, and the
/// spaces the segmenter put around punctuation are removed.
pub(crate) fn detokenize(text: &str) -> String {
    let text = text.replace('_', " ");
    let mut out = String::with_capacity(text.len());
    let mut open_quote = false;
    for (index, token) in text.split(' ').filter(|t| !t.is_empty()).enumerate() {
        let attach_left = matches!(
            token,
            "," | "." | ";" | ":" | "!" | "?" | ")" | "”" | "…" | "%"
        ) || (token == "\"" && open_quote);
        let after_open = out.ends_with(['(', '“']) || (out.ends_with('"') && open_quote);
        if index > 0 && !attach_left && !after_open && !out.ends_with('\n') {
            out.push(' ');
        }
        if token == "\"" {
            open_quote = !open_quote;
        }
        out.push_str(token);
    }
    out.replace(" \n ", "\n").replace("\n ", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detokenize_joins_syllables_and_punctuation() {
        assert_eq!(
            detokenize("Ông Đặng_Lê_Nguyên_Vũ : “ Qua cười , qua mệt_mỏi rồi ” ."),
            "Ông Đặng Lê Nguyên Vũ: “Qua cười, qua mệt mỏi rồi”."
        );
    }

    #[test]
    fn legal_note_gives_dates_and_issuer() {
        let line: LegalLine = serde_json::from_str(
            r#"{"doc_id":"pd-1","heading":"Điều 1. Thanh niên","text":"x","source_doc_type":"Luật",
            "source_doc_number":"57/2020/QH14","source_note":"(Điều 1 Luật số 57/2020/QH14 Luật Thanh niên ngày 16/06/2020 của Quốc hội, có hiệu lực thi hành kể từ ngày 01/01/2021)"}"#,
        )
        .unwrap();
        let record = legal_record(line);
        assert_eq!(record.date, NaiveDate::from_ymd_opt(2020, 6, 16));
        assert_eq!(record.effective_date, NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!(record.issuer.as_deref(), Some("Quốc hội"));
        assert_eq!(record.doc_number.as_deref(), Some("57/2020/QH14"));
    }

    #[test]
    fn repeats_get_distinct_ids() {
        let corpus = Corpus {
            records: vec![
                Record::new("a", Kind::News, "u"),
                Record::new("b", Kind::News, "v"),
            ],
        };
        let ids: Vec<String> = corpus.repeated(5).map(|r| r.id).collect();
        assert_eq!(ids, ["a", "b", "a~2", "b~2", "a~3"]);
    }
}
