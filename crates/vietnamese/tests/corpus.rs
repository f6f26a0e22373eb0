//! Tests on real text from the shared corpus (`../shared/corpus`, or the folder in
//! `TRACUU_CORPUS`). When the corpus is absent each test says so on stderr and checks nothing.

use std::path::PathBuf;

use vietnamese::restore::Restorer;
use vietnamese::{DocNumber, find_doc_numbers, fold, normalize, tokenize};

fn corpus_dir() -> PathBuf {
    std::env::var_os("TRACUU_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

/// Up to `max` records of one legal corpus file, or `None` (with a message) if absent.
fn legal(file: &str, max: usize) -> Option<Vec<serde_json::Value>> {
    let path = corpus_dir().join("legal").join(file);
    let Ok(data) = std::fs::read_to_string(&path) else {
        eprintln!("corpus file {} absent: test skipped", path.display());
        return None;
    };
    Some(
        data.lines()
            .take(max)
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    )
}

fn field<'a>(v: &'a serde_json::Value, name: &str) -> &'a str {
    v.get(name).and_then(|t| t.as_str()).unwrap_or("")
}

#[test]
fn normalisation_holds_on_legal_text() {
    let Some(records) = legal("phapdien-001.jsonl", 3000) else {
        return;
    };
    assert!(records.len() > 100);
    for r in &records {
        let text = field(r, "text");
        let n = normalize(text);
        assert_eq!(normalize(&n), n);
        assert_eq!(fold(&n), fold(text));
        for t in tokenize(text) {
            assert_eq!(normalize(&text[t.start..t.end]), t.text);
        }
    }
}

#[test]
fn source_notes_contain_their_document_number() {
    let Some(records) = legal("phapdien-002.jsonl", 5000) else {
        return;
    };
    let (mut checked, mut found) = (0, 0);
    for r in &records {
        let number = field(r, "source_doc_number");
        let Some(doc) = DocNumber::parse(number) else {
            continue;
        };
        checked += 1;
        let keys: Vec<String> = find_doc_numbers(field(r, "source_note"))
            .iter()
            .map(DocNumber::key)
            .collect();
        if keys.contains(&doc.key()) {
            found += 1;
        } else {
            eprintln!("{number:?} not found in {:?}", field(r, "source_note"));
        }
    }
    assert!(checked > 100, "only {checked} numbers parsed");
    // Every parsed number is found again in the citation it came from.
    assert!(found * 100 >= checked * 98, "{found}/{checked}");
}

#[test]
fn every_source_document_number_parses() {
    let Some(records) = legal("phapdien-003.jsonl", 5000) else {
        return;
    };
    let numbers: Vec<&str> = records
        .iter()
        .map(|r| field(r, "source_doc_number"))
        .filter(|n| !n.is_empty())
        .collect();
    let failed: Vec<&&str> = numbers
        .iter()
        .filter(|n| DocNumber::parse(n).is_none())
        .collect();
    assert!(
        failed.len() * 100 <= numbers.len(),
        "{} of {} failed: {:?}",
        failed.len(),
        numbers.len(),
        &failed[..failed.len().min(20)]
    );
    // The folded, hyphenated URL shape gives the same key.
    for n in numbers.iter().take(500) {
        if let Some(d) = DocNumber::parse(n) {
            let url_shape = fold(n).replace('/', "-");
            assert_eq!(
                DocNumber::parse(&url_shape).map(|x| x.key()),
                Some(d.key()),
                "{n}"
            );
        }
    }
}

#[test]
fn restoration_accuracy_on_held_out_legal_text() {
    let Some(train) = legal("phapdien-004.jsonl", 4000) else {
        return;
    };
    let Some(test) = legal("phapdien-005.jsonl", 1500) else {
        return;
    };
    let mut r = Restorer::new();
    for rec in &train {
        r.add_text(field(rec, "text"));
    }
    r.finish();
    let (mut total, mut right) = (0usize, 0usize);
    for rec in &test {
        // Short query-like pieces: the first clause of each article, up to 8 syllables.
        let text = field(rec, "text");
        let clause = text.split([',', '.', ';', ':', '\n']).next().unwrap_or("");
        let words: Vec<String> = tokenize(clause)
            .into_iter()
            .map(|t| t.text)
            .take(8)
            .collect();
        if words.len() < 2 || words.iter().any(|w| !w.chars().all(char::is_alphabetic)) {
            continue;
        }
        let query = fold(&words.join(" "));
        let Some(out) = r.restore_detailed(&query) else {
            continue;
        };
        for (got, want) in out.output.iter().zip(&words) {
            total += 1;
            // Compare in the variant form: `kỹ`/`kĩ` are the same reading.
            if vietnamese::variant(got) == vietnamese::variant(want) {
                right += 1;
            }
        }
    }
    assert!(total > 500, "only {total} syllables tested");
    #[allow(clippy::cast_precision_loss)]
    let acc = right as f64 / total as f64;
    eprintln!("restoration syllable accuracy: {acc:.3} on {total} syllables");
    assert!(acc > 0.85, "accuracy {acc:.3}");
}
