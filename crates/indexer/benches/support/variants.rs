//! Typed variants of a query (toneless, old-style tone placement, Telex, partly accented),
//! shared by the evaluation and the unseen-query benchmarks.

use unicode_normalization::UnicodeNormalization;

/// One typed variant of a query: `accented` (as written), `toneless`, `old-tone`, `telex` or
/// `partial` (every other word folded).
pub(crate) fn make_variant(query: &str, variant: &str) -> String {
    match variant {
        "toneless" => vietnamese::fold(query),
        "old-tone" => query.split(' ').map(old_tone).collect::<Vec<_>>().join(" "),
        "telex" => query.split(' ').map(telex).collect::<Vec<_>>().join(" "),
        "partial" => query
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                if i % 2 == 1 {
                    vietnamese::fold(w)
                } else {
                    w.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => query.to_owned(),
    }
}

const TONES: [(char, char); 5] = [
    ('\u{301}', 's'),
    ('\u{300}', 'f'),
    ('\u{309}', 'r'),
    ('\u{303}', 'x'),
    ('\u{323}', 'j'),
];

/// Moves the tone of open `oa`, `oe`, `uy` syllables to the first vowel (`hoà` -> `hòa`).
fn old_tone(word: &str) -> String {
    let decomposed: Vec<char> = word.nfd().collect();
    let Some(tone_at) = decomposed
        .iter()
        .position(|c| TONES.iter().any(|(t, _)| t == c))
    else {
        return word.to_owned();
    };
    let tone = decomposed[tone_at];
    let mut base: Vec<char> = decomposed.clone();
    base.remove(tone_at);
    let lower: String = base.iter().collect::<String>().to_lowercase();
    for pair in ["oa", "oe", "uy"] {
        if lower.ends_with(pair) && !lower.starts_with("qu") {
            let first = base.len() - 2;
            base.insert(first + 1, tone);
            return base.into_iter().collect::<String>().nfc().collect();
        }
    }
    word.to_owned()
}

/// Types a word in Telex: marks become keys, the tone key goes last (`quyết` -> `quyeets`).
fn telex(word: &str) -> String {
    let mut out = String::new();
    let mut tone = None;
    for c in word.nfd() {
        match c {
            '\u{302}' => {
                if let Some(last) = out.pop() {
                    out.push(last);
                    out.push(last);
                }
            }
            '\u{31B}' | '\u{306}' => out.push('w'),
            c if TONES.iter().any(|(t, _)| *t == c) => {
                tone = TONES.iter().find(|(t, _)| *t == c).map(|(_, k)| *k);
            }
            'đ' => out.push_str("dd"),
            'Đ' => out.push_str("Dd"),
            other => out.push(other),
        }
    }
    if let Some(key) = tone {
        out.push(key);
    }
    out
}
