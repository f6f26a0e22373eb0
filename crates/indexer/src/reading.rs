//! The reading of a query: Telex/VNI decoding (R8) and diacritic restoration (R9), learnt from
//! the index's own statistics.
//!
//! The restorer's counts come straight from the index: syllable document frequencies from the
//! exact-form text fields, syllable-pair document frequencies from the exact bigram field.
//! A generation learns them once, when it is built, and keeps them beside its index
//! ([`RESTORER_FILE`]), so opening it only reads them back.

use std::io::{BufReader, BufWriter};
use std::path::Path;

use tantivy::Searcher;
use tantivy::schema::Field;
use vietnamese::restore::Restorer;

use crate::analyzer::{Form, MAX_TOKEN_BYTES, analyze};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// Pairs seen in fewer documents than this are left out of the restorer (noise, memory).
const MIN_BIGRAM_DOCS: u32 = 2;

/// The file of a generation's folder holding its restorer's counts.
pub(crate) const RESTORER_FILE: &str = "restorer.tsv";

/// Writes `restorer` into a generation's folder (synced: the generation is complete after it).
pub(crate) fn save(dir: &Path, restorer: &Restorer) -> Result<()> {
    let path = dir.join(RESTORER_FILE);
    let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = BufWriter::new(file);
    restorer.write(&mut out).map_err(|e| Error::io(&path, e))?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io(&path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(&path, e))
}

/// The restorer a generation keeps in its folder; `None` when it has none (a generation built
/// before restorers were kept) or the file cannot be read (then it is learnt again).
pub(crate) fn load(dir: &Path) -> Option<Restorer> {
    let path = dir.join(RESTORER_FILE);
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "restorer unreadable; learning it again");
            return None;
        }
    };
    match Restorer::read(BufReader::new(file)) {
        Ok(restorer) => Some(restorer),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "restorer damaged; learning it again");
            None
        }
    }
}

/// Builds a restorer from the index's syllable and bigram document frequencies.
///
/// Terms are streamed straight into the restorer (which adds up repeated entries, so several
/// segments are fine): no intermediate map of millions of pairs.
pub(crate) fn learn(searcher: &Searcher, fields: &Fields) -> Result<Restorer> {
    // The terms are in exact form already; the restorer keeps only those made of letters.
    let mut restorer = Restorer::new();
    for field in [fields.title_exact, fields.text_exact] {
        for_each_term(searcher, field, 1, &mut |term, docs| {
            restorer.add_exact_unigram(term, u64::from(docs));
        })?;
    }
    for_each_term(
        searcher,
        fields.bigram_exact,
        MIN_BIGRAM_DOCS,
        &mut |term, docs| {
            if let Some((first, second)) = term.split_once('_') {
                restorer.add_exact_bigram(first, second, u64::from(docs));
            }
        },
    )?;
    restorer.finish();
    Ok(restorer)
}

fn for_each_term(
    searcher: &Searcher,
    field: Field,
    min_docs: u32,
    visit: &mut dyn FnMut(&str, u32),
) -> Result<()> {
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let docs = stream.value().doc_freq;
            if docs < min_docs {
                continue;
            }
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                visit(term, docs);
            }
        }
    }
    Ok(())
}

/// The reading of a run of query words: one exact-form syllable per syllable of
/// `analyze(text, Form::Exact)`, or `None` when it is the text itself or cannot be aligned.
///
/// The text is cut once: its tokens are the typed syllables (over-long ones left out, as
/// [`analyze`] does) and, when nothing is decoded, what the restorer reads; its reading is
/// the restorer's tokens without cutting their joined text again (a token of
/// [`vietnamese::tokenize`] is one token again).
#[cfg(test)]
pub(crate) fn read(restorer: Option<&Restorer>, text: &str) -> Option<Vec<String>> {
    let tokens: Vec<String> = vietnamese::tokenize(text)
        .into_iter()
        .map(|t| t.text)
        .collect();
    let folds: Vec<String> = tokens
        .iter()
        .filter(|t| t.len() < MAX_TOKEN_BYTES)
        .map(|t| Form::Folded.apply(t))
        .collect();
    read_tokens(restorer, text, &tokens, &folds)
}

/// [`read`] of a text already cut: `tokens` are the texts of `vietnamese::tokenize(text)`,
/// and `folds` the folded forms of those [`analyze`] keeps (the query's plan folds them for
/// its own use: they tell which typed syllables are toneless without folding them again).
pub(crate) fn read_tokens(
    restorer: Option<&Restorer>,
    text: &str,
    tokens: &[String],
    folds: &[String],
) -> Option<Vec<String>> {
    let kept = |s: &&String| s.len() < MAX_TOKEN_BYTES;
    let typed: Vec<&String> = tokens.iter().filter(kept).collect();
    if typed.is_empty() {
        return None;
    }
    let decoded = vietnamese::telex::decode(text);
    // A syllable without marks (as it folds) is what restoration can add marks to.
    let toneless = |s: &str| s.chars().any(char::is_alphabetic) && is_folded(s);
    let syllables: Vec<String> = match &decoded {
        Some(decoded) => {
            let needs_restoring = analyze(decoded, Form::Exact)
                .iter()
                .any(|s| toneless(&s.text));
            let restored = if needs_restoring {
                restorer.and_then(|r| r.restore(decoded))
            } else {
                None
            };
            let reading = restored.as_deref().unwrap_or(decoded);
            analyze(reading, Form::Exact)
                .into_iter()
                .map(|s| s.text)
                .collect()
        }
        None => {
            // A syllable without marks is one equal to its folded form.
            let typed_toneless = typed
                .iter()
                .zip(folds)
                .any(|(s, folded)| *s == folded && s.chars().any(char::is_alphabetic));
            if !typed_toneless {
                return None;
            }
            restorer?
                .restore_tokens(tokens)?
                .into_iter()
                .filter(|s| kept(&s))
                .collect()
        }
    };
    (syllables.len() == typed.len() && syllables.iter().zip(&typed).any(|(s, t)| s != *t))
        .then_some(syllables)
}

/// Whether an exact-form syllable is its own folded form (`Form::Folded.apply(s) == s`),
/// without building the folded form when the answer is plain.
fn is_folded(s: &str) -> bool {
    if s.is_ascii() {
        // Only the i/y rule changes an ASCII syllable (`ky` folds to `ki`).
        return !s.bytes().any(|b| b == b'i' || b == b'y') || Form::Folded.apply(s) == s;
    }
    Form::Folded.apply(s) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restorer() -> Restorer {
        let mut r = Restorer::new();
        for _ in 0..3 {
            r.add_text("Nghị quyết của Hội đồng nhân dân huyện về nông thôn mới năm 2024.");
        }
        r.add_text("Ông nghi ngờ quyết tâm của đoàn.");
        r.finish();
        r
    }

    /// The restorer's counts as sorted lines (the written order follows the hash maps).
    fn lines(restorer: &Restorer) -> Vec<String> {
        let mut bytes = Vec::new();
        restorer.write(&mut bytes).expect("write");
        let mut lines: Vec<String> = String::from_utf8(bytes)
            .expect("utf-8")
            .lines()
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    }

    #[test]
    fn learning_from_exact_terms_equals_normalising_them_again() {
        let texts = [
            "Nghị quyết số 140/NQ-HĐND của Hội đồng nhân dân huyện Than Uyên về nông thôn mới",
            "Ủy ban nhân dân tỉnh Lai Châu: hoà bình, hòa giải, thủy lợi, thuỷ sản, kỹ thuật, kĩ năng",
            "Ông nghi ngờ quyết tâm của đoàn; người dân xã Mường Kim, 2024 × 3, naïve café",
        ];
        let records = texts.iter().enumerate().flat_map(|(i, t)| {
            (0..3).map(move |k| {
                let mut r = crawler::Record::new(
                    format!("news-{i}-{k}"),
                    crawler::Kind::News,
                    format!("https://x.test/{i}/{k}"),
                );
                r.title = t.split(':').next().unwrap_or_default().to_owned();
                r.body = (*t).to_owned();
                r
            })
        });
        let (index, _) = crate::build::in_memory(records).expect("index");
        let fields = Fields::new();
        let searcher = index.reader().expect("reader").searcher();
        let learnt = learn(&searcher, &fields).expect("learn");
        // As it was learnt before: every term normalised again, letters checked by Unicode.
        let mut reference = Restorer::new();
        for field in [fields.title_exact, fields.text_exact] {
            for_each_term(&searcher, field, 1, &mut |term, docs| {
                if term.chars().all(char::is_alphabetic) {
                    reference.add_unigram(term, u64::from(docs));
                }
            })
            .expect("terms");
        }
        for_each_term(
            &searcher,
            fields.bigram_exact,
            MIN_BIGRAM_DOCS,
            &mut |term, docs| {
                if let Some((first, second)) = term.split_once('_')
                    && first.chars().all(char::is_alphabetic)
                    && second.chars().all(char::is_alphabetic)
                {
                    reference.add_bigram(first, second, u64::from(docs));
                }
            },
        )
        .expect("bigrams");
        reference.finish();
        assert!(learnt.vocabulary() > 40, "{}", learnt.vocabulary());
        assert_eq!(lines(&learnt), lines(&reference));
    }

    /// The reading as it was made before the text was cut only once: the reference.
    fn reference_read(restorer: Option<&Restorer>, text: &str) -> Option<Vec<String>> {
        let typed: Vec<String> = analyze(text, Form::Exact)
            .into_iter()
            .map(|s| s.text)
            .collect();
        if typed.is_empty() {
            return None;
        }
        let decoded = vietnamese::telex::decode(text);
        let toneless = |s: &str| s.chars().any(char::is_alphabetic) && Form::Folded.apply(s) == s;
        let needs_restoring = match &decoded {
            Some(decoded) => analyze(decoded, Form::Exact)
                .iter()
                .any(|s| toneless(&s.text)),
            None => typed.iter().any(|s| toneless(s)),
        };
        let base = decoded.as_deref().unwrap_or(text);
        let restored = if needs_restoring {
            restorer.and_then(|r| r.restore(base))
        } else {
            None
        };
        let reading = restored.or(decoded)?;
        let syllables: Vec<String> = analyze(&reading, Form::Exact)
            .into_iter()
            .map(|s| s.text)
            .collect();
        (syllables.len() == typed.len() && syllables != typed).then_some(syllables)
    }

    #[test]
    fn reading_equals_the_reference() {
        let r = restorer();
        let long = "a".repeat(crate::analyzer::MAX_TOKEN_BYTES);
        for text in [
            "nghi quyet",
            "nghi quyết",
            "hoi dong nhan dan huyen ve nong thon moi nam 2024",
            "Nghị quyết của Hội đồng nhân dân huyện",
            "nghij quyeets hoi dong",
            "hooij ddoongf nhaan daan",
            "ky thuat qui dinh ly do",
            "140/NQ-HĐND nghi quyet",
            "Ông nghi ngờ quyết tâm",
            "ÔNG NGHI NGO",
            "xyzzy plugh",
            "2024",
            "",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([format!("nghi {long} quyet"), format!("{long} nghị")])
        {
            for restorer in [Some(&r), None] {
                assert_eq!(
                    read(restorer, &text),
                    reference_read(restorer, &text),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn toneless_text_is_restored() {
        let r = restorer();
        assert_eq!(
            read(Some(&r), "nghi quyet").expect("a reading"),
            ["nghị", "quyết"]
        );
    }

    #[test]
    fn telex_is_decoded_without_statistics() {
        assert_eq!(
            read(None, "nghij quyeets").expect("a reading"),
            ["nghị", "quyết"]
        );
    }

    #[test]
    fn accented_text_has_no_other_reading() {
        assert_eq!(read(Some(&restorer()), "nghị quyết"), None);
        assert_eq!(read(None, "nghi quyet"), None);
        assert_eq!(read(None, ""), None);
    }
}
