//! Post-correction of Vietnamese OCR output: each recognised syllable is replaced by the most
//! probable valid syllable that differs from it only in its marks (tone, vowel marks, `đ`,
//! `ư/ơ`), chosen in context by the archive's syllable bigram statistics (the [`Restorer`]
//! model that restores diacritics in queries). Tesseract mostly loses or confuses marks on
//! Vietnamese (`Nghi quyêt`, `Uy ban`), which this repairs; words it cannot judge are kept.

use crate::restore::{Restorer, is_word};
use crate::syllable::is_valid_syllable;

/// At most this many spellings per syllable are weighed.
const MAX_CANDIDATES: usize = 12;

/// Corrects OCR text with a syllable model.
#[derive(Debug, Clone, Copy)]
pub struct OcrCorrector<'a> {
    model: &'a Restorer,
    /// Log-probability cost of each character changed from what the OCR read.
    pub change_cost: f64,
    /// Log-probability cost of keeping a token that is not a valid Vietnamese syllable.
    pub invalid_cost: f64,
}

/// What a correction changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The corrected text (same layout as the input; only syllables are replaced).
    pub text: String,
    /// Syllables replaced.
    pub changed: usize,
    /// Syllables weighed.
    pub syllables: usize,
}

impl<'a> OcrCorrector<'a> {
    /// A corrector using `model` (built from the archive's own text).
    pub fn new(model: &'a Restorer) -> Self {
        Self {
            model,
            change_cost: 3.0,
            invalid_cost: 12.0,
        }
    }

    /// The corrected text.
    pub fn correct(&self, text: &str) -> String {
        self.correct_detailed(text).text
    }

    /// The corrected text with counts of what changed.
    pub fn correct_detailed(&self, text: &str) -> Correction {
        let tokens = crate::tokenize(text);
        let mut out = String::with_capacity(text.len());
        let mut done = 0usize;
        let (mut changed, mut syllables) = (0, 0);
        let mut i = 0;
        while i < tokens.len() {
            if !is_word(&tokens[i].text) {
                i += 1;
                continue;
            }
            // A run of words separated by white space only.
            let mut j = i + 1;
            while j < tokens.len()
                && is_word(&tokens[j].text)
                && text[tokens[j - 1].end..tokens[j].start]
                    .chars()
                    .all(char::is_whitespace)
            {
                j += 1;
            }
            let run = &tokens[i..j];
            let chosen = self.best_reading(run.iter().map(|t| t.text.as_str()));
            for (t, c) in run.iter().zip(chosen) {
                out.push_str(&text[done..t.start]);
                let source = &text[t.start..t.end];
                syllables += 1;
                if c == t.text {
                    out.push_str(source);
                } else {
                    changed += 1;
                    out.push_str(&with_case_of(source, &c));
                }
                done = t.end;
            }
            i = j;
        }
        out.push_str(&text[done..]);
        Correction {
            text: out,
            changed,
            syllables,
        }
    }

    /// The spellings weighed for one syllable (exact form), with their emission scores.
    fn candidates(&self, exact: &str) -> Vec<(String, f64)> {
        let mut list: Vec<(String, f64)> = self
            .model
            .candidates(exact)
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|c| {
                (
                    c.to_string(),
                    -self.change_cost * char_changes(exact, c) as f64,
                )
            })
            .collect();
        if !list.iter().any(|(c, _)| c == exact) {
            let keep = if is_valid_syllable(exact) {
                0.0
            } else {
                -self.invalid_cost
            };
            list.push((exact.to_string(), keep));
        }
        list
    }

    /// Viterbi over the candidates of a run of syllables.
    fn best_reading<'t>(&self, run: impl Iterator<Item = &'t str>) -> Vec<String> {
        let cands: Vec<Vec<(String, f64)>> = run.map(|s| self.candidates(s)).collect();
        let Some(first) = cands.first() else {
            return Vec::new();
        };
        let mut score: Vec<f64> = first
            .iter()
            .map(|(c, e)| e + self.model.unigram_logp(c))
            .collect();
        let mut back: Vec<Vec<usize>> = vec![vec![0; first.len()]];
        for i in 1..cands.len() {
            let mut next = Vec::with_capacity(cands[i].len());
            let mut ptr = Vec::with_capacity(cands[i].len());
            for (c, e) in &cands[i] {
                let (best_j, best) = cands[i - 1]
                    .iter()
                    .enumerate()
                    .map(|(j, (p, _))| (j, score[j] + self.model.transition_logp(p, c)))
                    .fold((0, f64::NEG_INFINITY), |a, x| if x.1 > a.1 { x } else { a });
                next.push(best + e);
                ptr.push(best_j);
            }
            score = next;
            back.push(ptr);
        }
        let mut k = score
            .iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |a, (j, &s)| {
                    if s > a.1 { (j, s) } else { a }
                },
            )
            .0;
        let mut out = vec![String::new(); cands.len()];
        for i in (0..cands.len()).rev() {
            out[i] = cands[i][k].0.clone();
            k = back[i][k];
        }
        out
    }
}

/// Characters that differ between two spellings of the same fold (same length in chars).
fn char_changes(a: &str, b: &str) -> usize {
    let (ca, cb) = (a.chars().count(), b.chars().count());
    a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() + ca.abs_diff(cb)
}

/// `word` (lowercase) written with the case pattern of `source`: `NGHỊ`, `Nghị`, `nghị`.
fn with_case_of(source: &str, word: &str) -> String {
    let letters: Vec<char> = source.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() > 1 && upper == letters.len() {
        word.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut cs = word.chars();
        cs.next()
            .map(|f| f.to_uppercase().chain(cs).collect())
            .unwrap_or_default()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small model from administrative text (phapdien and portal phrasing).
    fn model() -> Restorer {
        let mut r = Restorer::new();
        for text in [
            "Nghị quyết về việc phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024.",
            "Ủy ban nhân dân huyện tổ chức thực hiện Nghị quyết này.",
            "Thường trực Hội đồng nhân dân huyện giám sát việc thực hiện nghị quyết.",
            "Điều 1. Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.",
            "Nghị quyết có hiệu lực kể từ ngày ký. Quyết định này có hiệu lực thi hành.",
            "chính sách của Nhà nước đối với thanh niên; quản lý nhà nước về thanh niên",
            "Hội đồng nhân dân xã; Ủy ban nhân dân tỉnh Lai Châu; ngân sách nhà nước",
            "văn bản quy phạm pháp luật; đường giao thông nông thôn đến bản",
        ] {
            r.add_text(text);
        }
        r.finish();
        r
    }

    #[test]
    fn lost_and_confused_marks_are_restored() {
        let m = model();
        let fix = OcrCorrector::new(&m);
        // Errors of `tesseract -l vie` on photocopied resolutions: dropped dot below,
        // dropped horn, wrong tone, lost hook above.
        assert_eq!(
            fix.correct("Nghi quyêt vê viêc phê chuân dư toán ngân sach huyên Than Uyên"),
            "Nghị quyết về việc phê chuẩn dự toán ngân sách huyện Than Uyên"
        );
        assert_eq!(
            fix.correct("Uy ban nhân dân huyên tô chức thưc hiên"),
            // The model's spelling: canonical (old-style) tone placement, as search uses.
            "Uỷ ban nhân dân huyện tổ chức thực hiện"
        );
        // Case is kept: headings are in capitals.
        assert_eq!(fix.correct("NGHI QUYÊT"), "NGHỊ QUYẾT");
    }

    #[test]
    fn correct_text_numbers_and_unknown_words_are_kept() {
        let m = model();
        let fix = OcrCorrector::new(&m);
        let good = "Điều 1. Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.";
        let c = fix.correct_detailed(good);
        assert_eq!(c.text, good);
        assert_eq!(c.changed, 0);
        // Names the model never saw (no spelling of theirs to choose from) stay as read.
        assert_eq!(
            fix.correct("xã Mường Kim, bản Nà Ún, 140/NQ-HĐND"),
            "xã Mường Kim, bản Nà Ún, 140/NQ-HĐND"
        );
    }
}
