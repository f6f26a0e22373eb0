//! Calling `tesseract` on one preprocessed page and reading its TSV output: the words with
//! their confidences, grouped back into lines.

use std::time::Duration;

use vietnamese::ocrfix::WordConfidence;

use crate::tool::{self, ToolError};

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word as read.
    pub text: String,
    /// Tesseract's confidence, 0-100.
    pub confidence: f32,
    /// `(block, paragraph, line)` the word belongs to.
    pub line: (u32, u32, u32),
}

/// Runs tesseract on an image (any format Leptonica reads, given on stdin) and returns its
/// words in reading order.
pub fn recognise(
    image: &[u8],
    language: &str,
    psm: u8,
    dpi: u32,
    limit: Duration,
) -> Result<Vec<Word>, ToolError> {
    let psm = psm.to_string();
    let dpi = dpi.to_string();
    let out = tool::run_with_env(
        "tesseract",
        &[
            "stdin", "stdout", "-l", language, "--psm", &psm, "--dpi", &dpi, "tsv",
        ],
        // One page per core: tesseract's own threads would only compete.
        &[("OMP_THREAD_LIMIT", "1")],
        Some(image),
        limit,
    )?;
    Ok(parse_tsv(&String::from_utf8_lossy(&out)))
}

/// The words (level 5 rows with a confidence) of tesseract's TSV output.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let text = cols[11].trim();
            let confidence: f32 = cols[10].parse().ok()?;
            if text.is_empty() || confidence < 0.0 {
                return None;
            }
            let n = |i: usize| cols[i].parse::<u32>().unwrap_or(0);
            Some(Word {
                text: text.to_string(),
                confidence,
                line: (n(2), n(3), n(4)),
            })
        })
        .collect()
}

/// The words joined into lines (one per tesseract line, a blank line between paragraphs),
/// with each word's place in that text and its confidence.
pub fn words_to_text(words: &[Word]) -> (String, Vec<WordConfidence>) {
    let mut out = String::new();
    let mut spans = Vec::with_capacity(words.len());
    let mut last: Option<(u32, u32, u32)> = None;
    for w in words {
        match last {
            Some(l) if l == w.line => out.push(' '),
            Some(l) if (l.0, l.1) == (w.line.0, w.line.1) => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
            None => {}
        }
        let start = out.len();
        out.push_str(&w.text);
        spans.push(WordConfidence {
            start,
            end: out.len(),
            confidence: w.confidence,
        });
        last = Some(w.line);
    }
    (out, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_and_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
1\t1\t0\t0\t0\t0\t0\t0\t827\t1170\t-1\t\n\
4\t1\t1\t1\t1\t0\t44\t41\t116\t20\t-1\t\n\
5\t1\t1\t1\t1\t1\t44\t41\t80\t20\t96.5\tNGHỊ\n\
5\t1\t1\t1\t1\t2\t130\t41\t80\t20\t91.0\tQUYẾT\n\
5\t1\t1\t1\t2\t1\t44\t71\t80\t20\t60.25\tĐiều\n\
5\t1\t2\t1\t1\t1\t44\t171\t80\t20\t88\t1.\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 4);
        assert_eq!(words[2].confidence, 60.25);
        let (text, spans) = words_to_text(&words);
        assert_eq!(text, "NGHỊ QUYẾT\nĐiều\n\n1.");
        assert_eq!(&text[spans[2].start..spans[2].end], "Điều");
        assert_eq!(spans[2].confidence, 60.25);
    }
}
