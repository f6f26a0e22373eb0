//! Search suggestions (`/api/suggest`): completions of a typed prefix into document numbers,
//! titles and frequent terms, built once per index generation.
//!
//! The table is a sorted list of keys (a key is a piece of text to complete: `nghị quyết
//! 140 nq hđnd`, `140 nq hđnd`, a title, a frequent phrase), each pointing at an entry (what is
//! suggested). Keys are kept in two aligned forms: *exact* (lowercase NFC, punctuation made
//! spaces) and *folded* (every letter without its marks, `đ`→`d`), one folded character per
//! exact character. A prefix is looked up by binary search on the folded keys, then each
//! candidate is checked letter by letter on the exact form: a letter typed without marks
//! matches the letter with any marks (`nghi` → `nghị`), a letter typed with marks matches only
//! letters carrying at least those marks (`quyê` → `quyết`, not `quyét`; `hồi` → `hồi`, not
//! `hội`). A query typed in Telex (`nghij quyeets 14`) is also looked up decoded.

use std::cmp::Reverse;
use std::collections::HashMap;

use chrono::Datelike;
use crawler::Record;
use serde::Serialize;
use unicode_normalization::char::decompose_canonical;

/// Longest key kept, in characters (longer prefixes are compared on their first part).
const KEY_CHARS: usize = 64;
/// Frequent phrases kept as term suggestions, at most.
const MAX_TERMS: usize = 20_000;
/// A phrase must start this many titles to be a term suggestion.
const MIN_TERM_TITLES: u32 = 2;
/// Longest frequent phrase, in syllables.
const MAX_TERM_WORDS: usize = 4;
/// Words a frequent phrase neither starts nor ends with.
const NOT_AT_TERM_EDGE: &[&str] = &[
    "và", "của", "các", "những", "là", "thì", "mà", "với", "cho", "đã", "đang", "sẽ", "được", "bị",
    "này", "đó", "về", "trong", "tại", "theo", "từ", "đến", "năm", "số", "ngày", "tháng", "thứ",
    "ở", "để", "có", "không", "một", "trên", "dưới",
];
/// Term suggestions shown before documents, at most.
const MAX_TERMS_SHOWN: usize = 3;

/// What a suggestion completes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    /// A document number (with its type): `Nghị quyết 140/NQ-HĐND về …`.
    Number,
    /// A frequent phrase of the titles: `kế hoạch đầu tư công`.
    Term,
    /// The title of a record.
    Title,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// What to show.
    pub text: String,
    /// What to search for when it is chosen.
    pub query: String,
    /// The record it leads to, when it names exactly one.
    pub id: Option<String>,
    /// What it completes to.
    pub kind: SuggestionKind,
}

#[derive(Debug)]
struct Entry {
    suggestion: Suggestion,
    /// Higher first among entries of the same kind (recency for records, title count for
    /// terms).
    weight: i64,
}

#[derive(Debug)]
struct Key {
    folded: Box<str>,
    /// The exact form, when it differs from the folded one.
    exact: Option<Box<str>>,
    entry: u32,
}

/// The completion table of one index generation.
#[derive(Debug, Default)]
pub struct Suggester {
    entries: Vec<Entry>,
    keys: Vec<Key>,
}

impl Suggester {
    /// Builds the table from every record of a generation.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut builder = Builder::default();
        for record in records {
            builder.add(record);
        }
        builder.finish()
    }

    /// How many keys the table holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is nothing to suggest.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Up to `limit` completions of `prefix`: up to three frequent terms first, then document
    /// numbers and titles, newest first. Empty for a blank prefix.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        let mut found: Vec<u32> = Vec::new();
        let decoded = vietnamese::telex::decode(prefix);
        for typed in decoded.iter().map(String::as_str).chain([prefix]) {
            let Some(query) = Form::of_query(typed) else {
                continue;
            };
            self.collect(&query, &mut found);
        }
        found.sort_unstable();
        found.dedup();
        // Terms first, then the heaviest; ties in text order (140 before 141), whatever the
        // order the records were indexed in. Only the best few of each group are sorted.
        let rank = |e: u32| {
            let entry = &self.entries[e as usize];
            (Reverse(entry.weight), entry.suggestion.text.as_str())
        };
        let by_rank = |a: &u32, b: &u32| rank(*a).cmp(&rank(*b));
        let (mut terms, mut others): (Vec<u32>, Vec<u32>) = found
            .into_iter()
            .partition(|&e| self.entries[e as usize].suggestion.kind == SuggestionKind::Term);
        best(&mut terms, MAX_TERMS_SHOWN * 4, by_rank);
        best(&mut others, limit.saturating_mul(4), by_rank);
        let mut out: Vec<Suggestion> = Vec::with_capacity(limit);
        let mut shown_terms = 0;
        for e in terms.into_iter().chain(others) {
            let suggestion = &self.entries[e as usize].suggestion;
            if out.len() == limit {
                break;
            }
            if suggestion.kind == SuggestionKind::Term {
                if shown_terms == MAX_TERMS_SHOWN {
                    continue;
                }
                shown_terms += 1;
            }
            if out.iter().any(|s| s.text == suggestion.text) {
                continue;
            }
            out.push(suggestion.clone());
        }
        out
    }

    /// Adds the entries of every key matching `query` to `found`.
    fn collect(&self, query: &Form, found: &mut Vec<u32>) {
        let start = self
            .keys
            .partition_point(|k| &*k.folded < query.folded.as_str());
        let marked = query.exact != query.folded;
        for key in &self.keys[start..] {
            if !key.folded.starts_with(query.folded.as_str()) {
                break;
            }
            if marked {
                let exact = key.exact.as_deref().unwrap_or(&key.folded);
                if !marks_agree(&query.exact, exact) {
                    continue;
                }
            }
            found.push(key.entry);
        }
    }
}

/// Keeps the `n` best of `items` by `order`, sorted.
fn best(items: &mut Vec<u32>, n: usize, order: impl Fn(&u32, &u32) -> std::cmp::Ordering) {
    if n == 0 {
        items.clear();
        return;
    }
    if items.len() > n {
        items.select_nth_unstable_by(n - 1, &order);
        items.truncate(n);
    }
    items.sort_by(order);
}

/// A text in the two aligned forms of keys.
#[derive(Debug, PartialEq, Eq)]
struct Form {
    exact: String,
    folded: String,
}

impl Form {
    /// The key form of a text: the i/y variant form (lowercase NFC, canonical tone placement,
    /// `lý`→`lí`, `quí`→`quý`: R6, as the folded search field), every run of characters other
    /// than letters and digits made one space, trimmed, at most [`KEY_CHARS`] characters.
    fn of(text: &str) -> Self {
        let normal = vietnamese::variant(text);
        let mut exact = String::with_capacity(normal.len());
        let mut folded = String::with_capacity(normal.len());
        let mut chars = 0;
        let mut space = true;
        for c in normal.chars() {
            if chars == KEY_CHARS {
                break;
            }
            if c.is_alphanumeric() {
                exact.push(c);
                folded.push(fold_char(c));
                space = false;
            } else if !space {
                exact.push(' ');
                folded.push(' ');
                space = true;
            } else {
                continue;
            }
            chars += 1;
        }
        Self { exact, folded }
    }

    /// The key form of a typed prefix: as [`Form::of`], keeping one trailing space when the
    /// last word was finished (so `nghị ` does not complete to `nghịch`). `None` when blank.
    fn of_query(text: &str) -> Option<Self> {
        let mut form = Self::of(text);
        if form.exact.trim().is_empty() {
            return None;
        }
        let finished = text.ends_with(|c: char| !c.is_alphanumeric());
        if !finished && form.exact.ends_with(' ') {
            form.exact.pop();
            form.folded.pop();
        }
        Some(form)
    }
}

/// A letter without its marks (`ế`→`e`, `đ`→`d`); other characters unchanged.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    if c == 'đ' {
        return 'd';
    }
    let mut base = None;
    decompose_canonical(c, |part| {
        base.get_or_insert(part);
    });
    match base {
        Some(b) if b.is_ascii() => b,
        _ => c,
    }
}

/// Tone marks (combining): grave, acute, tilde, hook above, dot below.
const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// The marks of a letter (`ế` → circumflex, acute), `đ` counting as `d` with a stroke.
fn marks(c: char) -> Vec<char> {
    if c == 'đ' {
        return vec!['\u{0335}'];
    }
    let mut out = Vec::new();
    decompose_canonical(c, |part| {
        if !part.is_ascii() {
            out.push(part);
        }
    });
    out
}

/// The tone of a word (its first tone mark), if any.
fn tone(word: &str) -> Option<char> {
    word.chars()
        .filter(|c| !c.is_ascii())
        .flat_map(marks)
        .find(|m| TONES.contains(m))
}

/// True when the typed prefix `typed` agrees with the key: word by word, every letter typed
/// with a vowel mark (`â ă ơ ư ê ô đ`) has it on the key's letter at the same place, and a word
/// typed with a tone has that tone on the key's word, on whichever vowel (old and new tone
/// placement, a syllable cut short: `ủ` → `uỷ`). Both are exact forms whose folded forms
/// already agree, so their words line up.
fn marks_agree(typed: &str, key: &str) -> bool {
    typed.split(' ').zip(key.split(' ')).all(|(t, k)| {
        let shapes = t.chars().zip(k.chars()).all(|(tc, kc)| {
            tc == kc || tc.is_ascii() || {
                let have = marks(kc);
                marks(tc)
                    .iter()
                    .all(|m| TONES.contains(m) || have.contains(m))
            }
        });
        shapes && tone(t).is_none_or(|wanted| tone(k) == Some(wanted))
    })
}

/// True when a frequent phrase may start or end with `word` (exact form).
fn is_term_edge(word: &str) -> bool {
    word.chars().any(char::is_alphabetic)
        && !word.chars().any(|c| c.is_ascii_digit())
        && !NOT_AT_TERM_EDGE.contains(&word)
}

/// Collects entries and keys, then sorts the keys.
#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    keys: Vec<Key>,
    /// Entry of each (type, number) already seen, with how many records carry it.
    numbers: HashMap<String, (u32, u32)>,
    /// Normalised titles already suggested.
    titles: HashMap<String, u32>,
    /// How many titles hold each phrase (2 to 4 syllables, in the exact form, not starting or
    /// ending with a function word or a number, not across punctuation).
    phrases: HashMap<String, u32>,
}

impl Builder {
    fn push(&mut self, suggestion: Suggestion, weight: i64, keys: &[&str]) -> u32 {
        let entry = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.entries.push(Entry { suggestion, weight });
        for text in keys {
            let form = Form::of(text);
            if form.folded.is_empty() {
                continue;
            }
            self.keys.push(Key {
                exact: (form.exact != form.folded).then(|| form.exact.into_boxed_str()),
                folded: form.folded.into_boxed_str(),
                entry,
            });
        }
        entry
    }

    fn add(&mut self, record: &Record) {
        let weight = record.date.map_or(0, |d| i64::from(d.num_days_from_ce()));
        let title = record
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(number) = record
            .doc_number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            self.add_number(record, number, &title, weight);
        }
        if !title.is_empty() {
            let normal = Form::of(&title).exact;
            if !self.titles.contains_key(&normal) {
                let entry = self.push(
                    Suggestion {
                        text: title.clone(),
                        query: title.clone(),
                        id: Some(record.id.clone()),
                        kind: SuggestionKind::Title,
                    },
                    weight,
                    &[title.as_str()],
                );
                self.titles.insert(normal, entry);
            }
            self.count_phrases(&title);
        }
    }

    fn add_number(&mut self, record: &Record, number: &str, title: &str, weight: i64) {
        let doc_type = record
            .doc_type
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let typed = match doc_type {
            Some(t) => format!("{t} {number}"),
            None => number.to_owned(),
        };
        let key = Form::of(&typed).exact;
        if let Some((entry, count)) = self.numbers.get_mut(&key) {
            // A number several records share: suggest the number, not one of them.
            *count += 1;
            let entry = &mut self.entries[*entry as usize];
            entry.suggestion.text = format!("{typed} ({count} văn bản)");
            entry.suggestion.id = None;
            entry.weight = entry.weight.max(weight);
            return;
        }
        let text = match doc_type {
            Some(t) if !title.is_empty() => {
                // "Nghị quyết về X" -> "Nghị quyết 140/NQ-HĐND về X".
                let rest = strip_type(title, t);
                match rest {
                    Some(rest) => format!("{typed} {rest}"),
                    None => format!("{typed} – {title}"),
                }
            }
            _ if !title.is_empty() => format!("{typed} – {title}"),
            _ => typed.clone(),
        };
        let entry = self.push(
            Suggestion {
                text,
                query: number.to_owned(),
                id: Some(record.id.clone()),
                kind: SuggestionKind::Number,
            },
            weight,
            &[typed.as_str(), number],
        );
        self.numbers.insert(key, (entry, 1));
    }

    fn count_phrases(&mut self, title: &str) {
        let mut seen: Vec<String> = Vec::new();
        for clause in title.split([',', ';', ':', '(', ')', '–', '-', '"', '“', '”', '.']) {
            let words: Vec<String> = vietnamese::tokenize(clause)
                .into_iter()
                .map(|t| t.text)
                .collect();
            for start in 0..words.len() {
                if !is_term_edge(&words[start]) {
                    continue;
                }
                for end in start + 2..=(start + MAX_TERM_WORDS).min(words.len()) {
                    if is_term_edge(&words[end - 1]) {
                        let phrase = words[start..end].join(" ");
                        if !seen.contains(&phrase) {
                            seen.push(phrase);
                        }
                    }
                }
            }
        }
        for phrase in seen {
            *self.phrases.entry(phrase).or_default() += 1;
        }
    }

    fn finish(mut self) -> Suggester {
        let counts = std::mem::take(&mut self.phrases);
        // A phrase always continued the same way is left to its continuation ("kế hoạch đầu"
        // to "kế hoạch đầu tư công" when every title that has one has the other).
        let mut continued: HashMap<&str, u32> = HashMap::new();
        for (phrase, count) in &counts {
            let mut at = phrase.len();
            while let Some(space) = phrase[..at].rfind(' ') {
                let shorter = &phrase[..space];
                if shorter.contains(' ') {
                    let best = continued.entry(shorter).or_default();
                    *best = (*best).max(*count);
                }
                at = space;
            }
        }
        let mut phrases: Vec<(String, u32)> = counts
            .iter()
            .filter(|(phrase, count)| {
                **count >= MIN_TERM_TITLES
                    && continued.get(phrase.as_str()).is_none_or(|c| c < *count)
            })
            .map(|(phrase, count)| (phrase.clone(), *count))
            .collect();
        phrases.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        phrases.truncate(MAX_TERMS);
        for (phrase, count) in phrases {
            self.push(
                Suggestion {
                    text: phrase.clone(),
                    query: phrase.clone(),
                    id: None,
                    kind: SuggestionKind::Term,
                },
                i64::from(count),
                &[phrase.as_str()],
            );
        }
        let mut keys = self.keys;
        keys.sort_unstable_by(|a, b| a.folded.cmp(&b.folded).then(a.entry.cmp(&b.entry)));
        Suggester {
            entries: self.entries,
            keys,
        }
    }
}

/// The title without its leading document type (`Nghị quyết về X`, type `Nghị quyết` ->
/// `về X`), compared without marks or case; `None` when it does not start with it.
fn strip_type<'a>(title: &'a str, doc_type: &str) -> Option<&'a str> {
    let wanted = Form::of(doc_type).folded;
    let mut words = 0;
    for (i, c) in title.char_indices() {
        if c == ' ' {
            words += 1;
            if Form::of(&title[..i]).folded == wanted {
                let rest = title[i..].trim_start();
                return (!rest.is_empty()).then_some(rest);
            }
            if words > 4 {
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use crawler::Kind;

    fn legal(id: &str, number: &str, doc_type: &str, title: &str, year: i32) -> Record {
        let mut record = Record::new(id, Kind::Legal, format!("https://example.vn/{id}.html"));
        record.doc_number = Some(number.to_owned());
        record.doc_type = Some(doc_type.to_owned());
        record.title = title.to_owned();
        record.date = NaiveDate::from_ymd_opt(year, 6, 1);
        record
    }

    fn news(id: &str, title: &str, year: i32) -> Record {
        let mut record = Record::new(id, Kind::News, format!("https://example.vn/{id}.html"));
        record.title = title.to_owned();
        record.date = NaiveDate::from_ymd_opt(year, 3, 1);
        record
    }

    fn sample() -> Suggester {
        let records = [
            legal(
                "laws-140",
                "140/NQ-HĐND",
                "Nghị quyết",
                "Nghị quyết về kế hoạch đầu tư công năm 2024",
                2023,
            ),
            legal(
                "laws-141",
                "141/NQ-HĐND",
                "Nghị quyết",
                "Nghị quyết về dự toán ngân sách năm 2024",
                2023,
            ),
            legal(
                "laws-12",
                "12/2022/QĐ-UBND",
                "Quyết định",
                "Quyết định ban hành quy chế quản lý chợ",
                2022,
            ),
            legal(
                "laws-5a",
                "05-NQ/HU",
                "Nghị quyết",
                "Nghị quyết về nông nghiệp",
                2021,
            ),
            legal(
                "laws-5b",
                "05-NQ/HU",
                "Nghị quyết",
                "Nghị quyết về du lịch",
                2022,
            ),
            news("news-1", "Hội nghị triển khai kế hoạch đầu tư công", 2024),
            news("news-2", "Hồi ức về ngày giải phóng", 2023),
            news("news-3", "Kế hoạch đầu tư công được thông qua", 2024),
        ];
        Suggester::from_records(&records)
    }

    fn texts(found: &[Suggestion]) -> Vec<&str> {
        found.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn toneless_prefix_completes_a_document_number() {
        let found = sample().suggest("nghi quyet 14", 8);
        let shown = texts(&found);
        assert_eq!(
            shown[..2],
            [
                "Nghị quyết 140/NQ-HĐND về kế hoạch đầu tư công năm 2024",
                "Nghị quyết 141/NQ-HĐND về dự toán ngân sách năm 2024",
            ],
            "{shown:?}"
        );
        assert_eq!(found[0].query, "140/NQ-HĐND");
        assert_eq!(found[0].id.as_deref(), Some("laws-140"));
        assert_eq!(found[0].kind, SuggestionKind::Number);
    }

    #[test]
    fn accented_prefix_matches_only_its_marks() {
        let s = sample();
        // "hồi" is not "hội": typed marks must be there.
        let found = s.suggest("Hồi", 8);
        assert_eq!(texts(&found), ["Hồi ức về ngày giải phóng"]);
        let found = s.suggest("hội ng", 8);
        assert_eq!(texts(&found), ["Hội nghị triển khai kế hoạch đầu tư công"]);
        // Toneless matches both.
        let found = s.suggest("hoi", 8);
        assert_eq!(found.len(), 2, "{found:?}");
        // A letter typed with part of its marks (an input method mid-syllable) still matches.
        let found = s.suggest("nghị quyê", 8);
        assert!(
            texts(&found).contains(&"Nghị quyết 140/NQ-HĐND về kế hoạch đầu tư công năm 2024"),
            "{found:?}"
        );
        assert!(s.suggest("nghị quyẹt", 8).is_empty());
    }

    #[test]
    fn telex_prefix_is_decoded() {
        let found = sample().suggest("nghij quyeets 14", 8);
        assert_eq!(
            found.first().map(|s| s.id.as_deref()),
            Some(Some("laws-140"))
        );
        let found = sample().suggest("ddaauf tuw", 8);
        assert!(texts(&found).contains(&"đầu tư công"), "{found:?}");
    }

    #[test]
    fn document_number_prefixes_in_any_spelling() {
        let s = sample();
        for typed in ["140/NQ", "140/nq-hđnd", "140 nq hdnd", "14"] {
            let found = s.suggest(typed, 8);
            assert_eq!(
                found.first().and_then(|f| f.id.as_deref()),
                Some("laws-140"),
                "{typed}: {found:?}"
            );
        }
        let found = s.suggest("12/2022/Q", 8);
        assert_eq!(found[0].query, "12/2022/QĐ-UBND");
        // A number two documents share is suggested once, leading to the list.
        let found = s.suggest("05-NQ", 8);
        assert_eq!(texts(&found), ["Nghị quyết 05-NQ/HU (2 văn bản)"]);
        assert_eq!(found[0].id, None);
    }

    #[test]
    fn frequent_terms_come_first_then_newest_records() {
        let found = sample().suggest("ke hoach", 8);
        assert_eq!(found[0].kind, SuggestionKind::Term, "{found:?}");
        assert!(texts(&found).contains(&"kế hoạch đầu tư"), "{found:?}");
        // Its beginnings, always continued the same way, are not repeated.
        assert!(!texts(&found).contains(&"kế hoạch đầu"), "{found:?}");
        assert!(texts(&found).contains(&"Kế hoạch đầu tư công được thông qua"));
        assert!(found.len() <= 8);
        assert!(sample().suggest("ke hoach", 2).len() == 2);
    }

    #[test]
    fn i_and_y_spellings_meet() {
        let s = Suggester::from_records(&[news("n1", "Quản lý chợ", 2024)]);
        for typed in ["quan li", "quan ly", "quản lí", "Quản lý c"] {
            assert_eq!(texts(&s.suggest(typed, 8)), ["Quản lý chợ"], "{typed}");
        }
    }

    #[test]
    fn a_tone_typed_on_another_vowel_of_the_syllable_still_matches() {
        // Old and new tone placement ("uỷ" / "ủy"), and a syllable cut after its toned vowel.
        let s = Suggester::from_records(&[news("n1", "Người được uỷ quyền", 2024)]);
        for typed in ["Người được ủ", "người được ủy", "nguoi duoc uỷ q"] {
            assert_eq!(
                texts(&s.suggest(typed, 8)),
                ["Người được uỷ quyền"],
                "{typed}"
            );
        }
        assert!(s.suggest("người được ù", 8).is_empty());
    }

    #[test]
    fn finished_word_does_not_complete_further() {
        let s =
            Suggester::from_records(&[news("n1", "Nghịch lý", 2024), news("n2", "Nghị sự", 2024)]);
        assert_eq!(texts(&s.suggest("nghi ", 8)), ["Nghị sự"]);
        assert_eq!(s.suggest("nghi", 8).len(), 2);
    }

    #[test]
    fn blank_and_unknown_prefixes_suggest_nothing() {
        let s = sample();
        assert!(s.suggest("", 8).is_empty());
        assert!(s.suggest("  /- ", 8).is_empty());
        assert!(s.suggest("zzz", 8).is_empty());
        assert!(Suggester::default().suggest("nghi", 8).is_empty());
    }
}
