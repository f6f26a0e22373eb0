//! The unseen-query setting of issue 11 built from ../shared/corpus: 5,549 documents (the
//! 2,256 judged law articles of `legal-qa-dev`, 2,293 codified legal articles, 1,000 news
//! articles) and about 3,000 distinct queries (long legal questions accented, toneless and with
//! old-style tones, pasted sentences, titles, short citizen queries, document numbers).
//!
//! Shared by the unseen bench, the import bench and `loadbench --setting unseen`. Include it beside `corpus.rs`, `legalqa.rs` and
//! `variants.rs` (it uses them as `super::…`).

use std::collections::HashSet;
use std::path::Path;

use crawler::{Kind, Record};

use super::corpus;
use super::legalqa;
use super::variants::make_variant;

/// Codified legal articles added to the judged ones.
const LEGAL: usize = 2_293;
/// News articles.
const NEWS: usize = 1_000;

/// One query and the records it should find (none for short queries).
pub(crate) struct Case {
    pub(crate) kind: &'static str,
    pub(crate) query: String,
    pub(crate) target: Vec<String>,
}

/// The records and the distinct queries of the setting (deterministic).
pub(crate) fn setting(
    corpus: &Path,
) -> Result<(Vec<Record>, Vec<Case>), Box<dyn std::error::Error>> {
    let legalqa::LegalQa {
        records: judged,
        questions,
    } = legalqa::load(corpus)?.ok_or_else(|| {
        format!(
            "no legal-qa-dev/legal_passages.json under {}: pass --corpus DIR or set TRACUU_CORPUS",
            corpus.display()
        )
    })?;
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
