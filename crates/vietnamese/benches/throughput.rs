//! Throughput of `normalize`, `fold`, `tokenize` and `token_spans` on real legal text from the shared corpus
//! (`../shared/corpus/legal`, or the folder in `TRACUU_CORPUS`). Prints MB/s; asserts that the
//! output is correct so a fast-but-wrong change cannot pass. `token_spans` is measured beside
//! the character-by-character scan it replaced (same spans, checked).
//!
//! Run: `cargo bench -p vietnamese --bench throughput`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

/// How much corpus text to use (bytes).
const SAMPLE_BYTES: usize = 8 << 20;

fn corpus_dir() -> PathBuf {
    std::env::var_os("TRACUU_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

fn load_sample() -> Option<String> {
    let dir = corpus_dir().join("legal");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    names.sort();
    let mut text = String::new();
    for path in names {
        let data = std::fs::read_to_string(&path).ok()?;
        for line in data.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                text.push_str(t);
                text.push('\n');
            }
            if text.len() >= SAMPLE_BYTES {
                return Some(text);
            }
        }
    }
    (!text.is_empty()).then_some(text)
}

fn measure<T>(name: &str, bytes: usize, mut f: impl FnMut() -> T) -> T {
    // One warm-up run, then the best of three.
    let mut out = f();
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        out = black_box(f());
        best = best.min(start.elapsed().as_secs_f64());
    }
    // Byte counts are far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1e6;
    println!(
        "{name:<10} {:>8.1} MB/s  ({mb:.1} MB in {best:.3} s)",
        mb / best
    );
    out
}

fn main() {
    let Some(text) = load_sample() else {
        eprintln!(
            "corpus not found at {}: set TRACUU_CORPUS to the shared corpus folder; nothing measured",
            corpus_dir().display()
        );
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let n = text.len();

    let normalized: Vec<String> = measure("normalize", n, || {
        lines.iter().map(|l| vietnamese::normalize(l)).collect()
    });
    let folded: Vec<String> = measure("fold", n, || {
        lines.iter().map(|l| vietnamese::fold(l)).collect()
    });
    let tokens = measure("tokenize", n, || {
        lines
            .iter()
            .map(|l| vietnamese::tokenize(l))
            .collect::<Vec<_>>()
    });
    let spans = measure("spans", n, || {
        lines
            .iter()
            .map(|l| vietnamese::token_spans(l).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    });
    let by_char = measure("spans/char", n, || {
        lines
            .iter()
            .map(|l| vietnamese::token_spans_by_char(l).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    });
    assert_eq!(
        spans, by_char,
        "token_spans differs from the character scan"
    );

    // Correctness: idempotence, folding agreement, offsets, and known forms.
    for (i, line) in lines.iter().enumerate().step_by(97) {
        assert_eq!(
            vietnamese::normalize(&normalized[i]),
            normalized[i],
            "idempotent: {line}"
        );
        assert_eq!(
            vietnamese::fold(&normalized[i]),
            folded[i],
            "fold agreement: {line}"
        );
        assert!(folded[i].is_ascii() || !line.is_ascii() || folded[i] == line.to_lowercase());
        for t in &tokens[i] {
            assert_eq!(
                vietnamese::normalize(&line[t.start..t.end]),
                t.text,
                "offsets: {line}"
            );
        }
    }
    let all: usize = tokens.iter().map(Vec::len).sum();
    assert!(all > n / 10, "too few tokens: {all} for {n} bytes");
    assert_eq!(vietnamese::fold("Nghị quyết Ủy ban"), "nghi quyet uy ban");
    assert_eq!(vietnamese::normalize("Hòa bình"), "hoà bình");
    println!("checked: {} lines, {all} tokens", lines.len());
}
