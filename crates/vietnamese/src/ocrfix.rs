//! Post-correction of Vietnamese OCR output: each recognised syllable is replaced by the most
//! probable valid syllable that differs from it only in its marks (tone, vowel marks, `đ`,
//! `ư/ơ`), chosen in context by the archive's syllable bigram statistics (the [`Restorer`]
//! model that restores diacritics in queries). Tesseract mostly loses or confuses marks on
//! Vietnamese (`Nghi quyêt`, `Uy ban`), which this repairs; words it cannot judge are kept.
//! Tesseract's word confidences weigh the evidence: a syllable read with high confidence is
//! kept as read, a low-confidence one is cheap to change, so the context decides it.

use crate::restore::{Restorer, is_word};
use crate::syllable::is_valid_syllable;

/// At most this many spellings per syllable are weighed.
const MAX_CANDIDATES: usize = 12;

/// Corrects OCR text with a syllable model.
#[derive(Debug, Clone, Copy)]
pub struct OcrCorrector<'a> {
    model: &'a Restorer,
    /// Log-probability cost of each character changed from what the OCR read, for a word
    /// without a known confidence.
    pub change_cost: f64,
    /// The same cost for a word Tesseract read with confidence 0 ...
    pub change_cost_unsure: f64,
    /// ... and with confidence 100 (linear in between).
    pub change_cost_sure: f64,
    /// Valid syllables read with at least this confidence (0-100) are changed only at
    /// [`Self::change_cost_kept`] per character: Tesseract is that sure of most words, right
    /// or wrong (`đâu tư` for `đầu tư`, `trọng giấy` for `trong giấy`), so only strong
    /// context overrides it.
    pub keep_above: f32,
    /// The cost of each character changed in such a sure, valid syllable.
    pub change_cost_kept: f64,
    /// Log-probability cost of keeping a token that is not a valid Vietnamese syllable.
    pub invalid_cost: f64,
}

/// Tesseract's confidence in one word of the text given to
/// [`OcrCorrector::correct_scored`]: the word's byte range and its confidence, 0-100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordConfidence {
    /// Byte offset of the word's start in the text.
    pub start: usize,
    /// Byte offset of the word's end.
    pub end: usize,
    /// Confidence, 0-100.
    pub confidence: f32,
}

/// What a correction changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The corrected text (same layout as the input; only syllables are replaced and years
    /// the OCR split, see [`join_split_years`], joined).
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
            change_cost_unsure: 1.0,
            change_cost_sure: 6.0,
            keep_above: 95.0,
            change_cost_kept: KEPT_COST,
            invalid_cost: 12.0,
        }
    }

    /// The corrected text.
    pub fn correct(&self, text: &str) -> String {
        self.correct_detailed(text).text
    }

    /// The corrected text with counts of what changed.
    pub fn correct_detailed(&self, text: &str) -> Correction {
        self.correct_scored(text, &[])
    }

    /// The corrected text, weighing each syllable by the confidence of the OCR word it lies
    /// in (`words` sorted by position; syllables outside them get [`Self::change_cost`]).
    ///
    /// Specks the OCR read as words go first ([`drop_noise`]): marks without letters or
    /// digits read with low confidence, stray `_ | ¬` around words, lone consonants.
    pub fn correct_scored(&self, text: &str, words: &[WordConfidence]) -> Correction {
        let cleaned;
        let (text, words) = if words.is_empty() {
            (text, words)
        } else {
            cleaned = drop_noise(text, words);
            (cleaned.0.as_str(), cleaned.1.as_slice())
        };
        let tokens = crate::tokenize(text);
        let mut next_word = 0usize;
        let mut confidence_at = |start: usize| -> Option<f32> {
            while words.get(next_word).is_some_and(|w| w.end <= start) {
                next_word += 1;
            }
            words
                .get(next_word)
                .filter(|w| w.start <= start)
                .map(|w| w.confidence)
        };
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
            let cands: Vec<Vec<(String, f64)>> = run
                .iter()
                .map(|t| self.candidates(&t.text, confidence_at(t.start)))
                .collect();
            let chosen: Vec<String> = self
                .model
                .viterbi(&cands)
                .into_iter()
                .zip(cands)
                .map(|(k, mut list)| list.swap_remove(k).0)
                .collect();
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
            text: join_split_years(&out),
            changed,
            syllables,
        }
    }

    /// The spellings weighed for one syllable (exact form) read with `confidence`, with
    /// their emission scores.
    fn candidates(&self, exact: &str, confidence: Option<f32>) -> Vec<(String, f64)> {
        let valid = printable_syllable(exact);
        let cost = match confidence {
            Some(c) if valid && c >= self.keep_above => self.change_cost_kept,
            Some(c) => {
                let q = f64::from(c.clamp(0.0, 100.0)) / 100.0;
                self.change_cost_unsure + (self.change_cost_sure - self.change_cost_unsure) * q
            }
            None => self.change_cost,
        };
        if !cost.is_finite() {
            return vec![(exact.to_string(), 0.0)];
        }
        let mut list: Vec<(String, f64)> = self
            .model
            .candidates(exact)
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|c| (c.to_string(), -cost * char_changes(exact, c) as f64))
            .collect();
        if !list.iter().any(|(c, _)| c == exact) {
            let keep = if valid { 0.0 } else { -self.invalid_cost };
            list.push((exact.to_string(), keep));
        }
        list
    }
}

/// Default of [`OcrCorrector::change_cost_kept`] (tuned on the OCR bench's development set).
const KEPT_COST: f64 = 8.0;

/// Years the OCR split in two at a narrow gap between digits (`201 1` for `2011`, in
/// `12/201 1/NĐ-CP` or `ngày 30/1/201 1`) joined again: three digits starting `19` or `20`,
/// one space, one digit, each group standing alone (no digit around it).
pub fn join_split_years(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut i = 0;
    while i + 5 <= b.len() {
        // Checked in this order, so `i` and `i + 5` are char boundaries when sliced.
        let split_year = ((b[i] == b'1' && b[i + 1] == b'9') || (b[i] == b'2' && b[i + 1] == b'0'))
            && b[i + 2].is_ascii_digit()
            && b[i + 3] == b' '
            && b[i + 4].is_ascii_digit()
            && text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
            && text[i + 5..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if split_year {
            out.push_str(&text[done..i + 3]);
            out.push_str(&text[i + 4..i + 5]);
            done = i + 5;
            i += 5;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[done..]);
    out
}

/// Characters that are never part of a word of Vietnamese official text: when the OCR reads
/// them at the edge of a word or alone, they are specks of the photocopy.
const SPECK_CHARS: &[char] = &[
    '_', '|', '¬', '‹', '›', '`', 'ˆ', '¡', '~', '^', '•', '¦', '«', '»',
];
/// A word without letters or digits (`-`, `(%)`) is kept only when read at least this sure.
const KEEP_MARKS_ABOVE: f32 = 85.0;
/// A lone lowercase letter that is no syllable (`c`, `v`, `n`) is almost always a speck or
/// a broken glyph: kept only when read at least this sure ...
const KEEP_LONE_CONSONANT_ABOVE: f32 = 95.0;
/// ... a capital one (`V` of a chapter number) from this confidence ...
const KEEP_LONE_CAPITAL_ABOVE: f32 = 60.0;
/// ... and a lone vowel that is a syllable (`ở`, `y`) from this one.
const KEEP_LONE_SYLLABLE_ABOVE: f32 = 40.0;
/// A final `.` or `:` glued to a word read less sure than this is a speck.
const KEEP_FINAL_DOT_ABOVE: f32 = 80.0;

/// What is left of one OCR word read with `confidence` once specks are dropped; `None` when
/// nothing is.
fn clean_word(word: &str, confidence: f32) -> Option<&str> {
    let word = word.trim_matches(SPECK_CHARS);
    let mut chars = word.chars();
    let first = chars.next()?;
    if !word.chars().any(char::is_alphanumeric) {
        return (confidence >= KEEP_MARKS_ABOVE && !word.contains(SPECK_CHARS)).then_some(word);
    }
    if chars.next().is_none() && first.is_alphabetic() {
        let keep_above = if is_valid_syllable(word) {
            KEEP_LONE_SYLLABLE_ABOVE
        } else if first.is_uppercase() {
            KEEP_LONE_CAPITAL_ABOVE
        } else {
            KEEP_LONE_CONSONANT_ABOVE
        };
        if confidence < keep_above {
            return None;
        }
    }
    let mut rev = word.chars().rev();
    if confidence < KEEP_FINAL_DOT_ABOVE
        && word.chars().count() > 2
        && matches!(rev.next(), Some('.' | ':'))
        && rev.next().is_some_and(char::is_alphabetic)
    {
        return Some(&word[..word.len() - 1]);
    }
    Some(word)
}

/// The OCR text without the specks Tesseract read as words (see [`clean_word`]), line breaks
/// kept, with the confidences of the words left at their new places.
pub fn drop_noise(text: &str, words: &[WordConfidence]) -> (String, Vec<WordConfidence>) {
    let mut out = String::with_capacity(text.len());
    let mut kept = Vec::with_capacity(words.len());
    let mut at = 0usize;
    // Line breaks owed since the last word written.
    let mut breaks = 0usize;
    for w in words {
        let (Some(gap), Some(word)) = (text.get(at..w.start), text.get(w.start..w.end)) else {
            continue;
        };
        breaks = breaks.max(gap.matches('\n').count());
        at = w.end;
        let Some(word) = clean_word(word, w.confidence) else {
            continue;
        };
        if !out.is_empty() {
            if breaks > 0 {
                out.extend(std::iter::repeat_n('\n', breaks));
            } else {
                out.push(' ');
            }
        }
        breaks = 0;
        let start = out.len();
        out.push_str(word);
        kept.push(WordConfidence {
            start,
            end: out.len(),
            confidence: w.confidence,
        });
    }
    if let Some(rest) = text.get(at..) {
        out.push_str(rest);
    }
    (out, kept)
}

/// True if `word` can be a syllable of printed text: a valid syllable that, when it ends in a
/// stop (`c ch p t`), carries its tone (sắc or nặng). Toneless `quyêt`, `viêc` are valid in
/// toneless typing but in print they are a tone mark the OCR lost.
fn printable_syllable(word: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    if !is_valid_syllable(word) {
        return false;
    }
    let lower = word.to_lowercase();
    let stop = ["c", "p", "t", "ch"].iter().any(|f| lower.ends_with(f));
    !stop || lower.nfd().any(|c| matches!(c, '\u{301}' | '\u{323}'))
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
    fn word_confidences_decide_what_may_change() {
        let m = model();
        let fix = OcrCorrector::new(&m);
        let text = "Nghi quyêt này";
        let word = |start: usize, end: usize, confidence: f32| WordConfidence {
            start,
            end,
            confidence,
        };
        // `Nghi` is a valid syllable (nghi ngờ): read with high confidence it costs
        // `change_cost_kept` per changed character; where that outweighs the context, it
        // stays...
        let sure = [word(0, 4, 97.0), word(5, 12, 40.0), word(13, 17, 96.0)];
        let firm = OcrCorrector {
            change_cost_kept: 30.0,
            ..fix
        };
        assert_eq!(firm.correct_scored(text, &sure).text, "Nghi quyết này");
        // (with the default cost, this model's `nghị quyết` is strong enough to change it)
        assert_eq!(fix.correct_scored(text, &sure).text, "Nghị quyết này");
        // ... read with low confidence, the context (`nghị quyết`) corrects it.
        let unsure = [word(0, 4, 35.0), word(5, 12, 40.0), word(13, 17, 96.0)];
        assert_eq!(fix.correct_scored(text, &unsure).text, "Nghị quyết này");
        // A syllable that is no valid Vietnamese is reconsidered whatever the confidence.
        let invalid = [word(0, 4, 35.0), word(5, 12, 99.0), word(13, 17, 96.0)];
        assert_eq!(fix.correct_scored(text, &invalid).text, "Nghị quyết này");
    }

    /// The words of `text` (split at white space) with the given confidences.
    fn scored(text: &str, confidences: &[f32]) -> Vec<WordConfidence> {
        let mut at = 0;
        let words: Vec<WordConfidence> = text
            .split_whitespace()
            .zip(confidences)
            .map(|(w, &confidence)| {
                let start = at + text[at..].find(w).expect("word");
                at = start + w.len();
                WordConfidence {
                    start,
                    end: at,
                    confidence,
                }
            })
            .collect();
        assert_eq!(words.len(), confidences.len());
        words
    }

    #[test]
    fn specks_read_as_words_are_dropped() {
        // Tesseract on a photocopied resolution: specks read as `_`, `|`, `:` and a lone `c`,
        // a `_` glued to `b)`, a speck after `theo` read as a full stop.
        let text = "Điều 2. _ Tổ chức | thực hiện\n: c _b) theo. quy định -\n\n1. Ủy ban nhân dân";
        let conf = [
            96.0, 95.0, 12.0, 96.0, 95.0, 40.0, 96.0, 96.0, 30.0, 35.0, 70.0, 60.0, 96.0, 97.0,
            92.0, 96.0, 95.0, 96.0, 96.0, 96.0,
        ];
        let (clean, kept) = drop_noise(text, &scored(text, &conf));
        assert_eq!(
            clean,
            "Điều 2. Tổ chức thực hiện\nb) theo quy định -\n\n1. Ủy ban nhân dân"
        );
        for w in &kept {
            assert!(!clean[w.start..w.end].contains(' '));
        }
        assert_eq!(&clean[kept[5].start..kept[5].end], "hiện");
        // Sure marks and sure sentence ends stay; so do lone vowels that are syllables (`ở`).
        let text = "(%) ở xã. Ý kiến: c Chương V";
        let conf = [93.0, 45.0, 96.0, 50.0, 90.0, 96.0, 96.0, 93.0];
        let (clean, _) = drop_noise(text, &scored(text, &conf));
        assert_eq!(clean, "(%) ở xã. Ý kiến: c Chương V");
        // A lone consonant read less than nearly sure is a speck, however sure Tesseract is
        // of it by its own standards; a lone vowel read unsure too.
        let text = "sử dụng v và ó các";
        let (clean, _) = drop_noise(text, &scored(text, &[96.0, 96.0, 93.0, 96.0, 31.0, 96.0]));
        assert_eq!(clean, "sử dụng và các");
        // Through the corrector: noise gone, marks restored.
        let m = model();
        let text = "Nghi quyêt | này";
        let fixed =
            OcrCorrector::new(&m).correct_scored(text, &scored(text, &[40.0, 40.0, 30.0, 96.0]));
        assert_eq!(fixed.text, "Nghị quyết này");
    }

    #[test]
    fn a_sure_but_wrong_syllable_yields_to_strong_context_only() {
        // Tesseract reads `đầu tư` as `đâu tư` and `trong giấy` as `trọng giấy` at 97%
        // confidence: valid syllables, so only context can tell.
        let mut m = Restorer::new();
        for _ in 0..20 {
            m.add_text("Nhà nước đầu tư và hỗ trợ đầu tư; ghi trong giấy chứng nhận.");
        }
        m.add_text("Anh đi đâu? Coi trọng việc học.");
        m.finish();
        let fix = OcrCorrector::new(&m);
        let text = "Nhà nước đâu tư và ghi trọng giấy chứng nhận";
        let sure = scored(text, &[97.0; 10]);
        assert_eq!(
            fix.correct_scored(text, &sure).text,
            "Nhà nước đầu tư và ghi trong giấy chứng nhận"
        );
        // Where context says nothing (a lone word), the sure reading stands.
        let text = "đâu";
        assert_eq!(fix.correct_scored(text, &scored(text, &[97.0])).text, "đâu");
        // Infinite cost: sure valid syllables are never changed.
        let fix = OcrCorrector {
            change_cost_kept: f64::INFINITY,
            ..fix
        };
        let text = "Nhà nước đâu tư";
        assert_eq!(
            fix.correct_scored(text, &scored(text, &[97.0; 4])).text,
            "Nhà nước đâu tư"
        );
    }

    #[test]
    fn years_split_by_the_ocr_are_joined() {
        // Read from `Nghị định số 12/2011/NĐ-CP ngày 30/1/2011`.
        assert_eq!(
            join_split_years("Nghị định số 12/201 1/NĐ-CP ngày 30/1/201 1."),
            "Nghị định số 12/2011/NĐ-CP ngày 30/1/2011."
        );
        assert_eq!(join_split_years("năm 199 8 và"), "năm 1998 và");
        // Other numbers and groups that belong to something else stay apart.
        for kept in [
            "Điều 36 3 khoản",
            "khoản 201 12",
            "mã 1201 1",
            "201 1a",
            "số 305 1",
            "Điều 201 Luật",
        ] {
            assert_eq!(join_split_years(kept), kept);
        }
    }

    #[test]
    fn a_stop_final_without_its_tone_is_not_printed_vietnamese() {
        for lost in ["quyêt", "viêc", "Nghiêp", "thưc", "sach"] {
            assert!(is_valid_syllable(lost), "{lost}: valid typed toneless");
            assert!(!printable_syllable(lost), "{lost}");
        }
        for kept in [
            "quyết", "việc", "nghiệp", "thực", "sách", "nghi", "Than", "uyên",
        ] {
            assert!(printable_syllable(kept), "{kept}");
        }
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
