//! R9: diacritic restoration for toneless and partly accented queries, learnt from syllable
//! unigram and bigram counts (the indexer feeds the archive's own statistics; tests feed text
//! from the corpus).
//!
//! Every folded syllable maps to the accented syllables seen with that fold (`nghi` →
//! `nghị`, `nghĩ`, `nghỉ`, `nghi` …). A Viterbi search over those candidates picks the most
//! probable reading of the whole query under an interpolated bigram model. Syllables the user
//! typed with marks are constraints (R9.5): their candidates are restricted to spellings
//! with the same marks (same R6 variant), so `nghi quyết` can only become `… quyết`.

use std::borrow::Cow;
use std::io::{BufRead, Write};

use rustc_hash::FxHashMap as HashMap;

use crate::normalize::{forms, strip_marks, variant_of_exact};

/// At most this many candidates per syllable enter the Viterbi search (most frequent first).
const MAX_CANDIDATES: usize = 12;
/// Weight of the bigram estimate in the interpolation with the unigram estimate.
const LAMBDA: f64 = 0.8;

/// A diacritic restorer built from syllable counts.
///
/// Every syllable met gets a small integer id, so the Viterbi search compares and looks up
/// numbers: the counts are indexed by id and the pairs keyed by two ids.
#[derive(Debug, Clone, Default)]
pub struct Restorer {
    /// Syllable → its id (the index of its entry in `syllables`, `counts` and `variants`).
    ids: HashMap<String, u32>,
    /// The syllables by id.
    syllables: Vec<String>,
    /// How often each syllable was seen (0 for one met only in a pair).
    counts: Vec<u64>,
    /// The R6 variant of each syllable, when it differs from the syllable.
    variants: Vec<Option<Box<str>>>,
    /// The syllables seen (count above 0): the vocabulary.
    known: usize,
    /// (First syllable, second syllable) ids → how often the pair was seen.
    bigrams: HashMap<(u32, u32), u64>,
    /// Folded syllable → ids of the exact syllables seen with that fold, most frequent first
    /// once [`Restorer::finish`] has run (it runs lazily on first use otherwise).
    by_fold: HashMap<String, Vec<u32>>,
    total: u64,
    sorted: bool,
}

/// The reading chosen for a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restoration {
    /// The restored query, syllables in exact form joined by spaces (`nghị quyết`).
    pub text: String,
    /// The query's syllables in exact form, as typed.
    pub input: Vec<String>,
    /// The chosen syllable for each input syllable.
    pub output: Vec<String>,
}

impl Restoration {
    /// True if at least one syllable was changed.
    pub fn changed(&self) -> bool {
        self.input != self.output
    }
}

/// True if the token can take diacritics (letters only).
pub(crate) fn is_word(token: &str) -> bool {
    !token.is_empty() && token.chars().all(crate::normalize::is_letter)
}

impl Restorer {
    /// An empty restorer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A restorer from syllable counts: unigrams `(syllable, count)` and bigrams
    /// `((first, second), count)`. Syllables may be in any form; they are normalised.
    pub fn from_counts<U, B, S>(unigrams: U, bigrams: B) -> Self
    where
        U: IntoIterator<Item = (S, u64)>,
        B: IntoIterator<Item = ((S, S), u64)>,
        S: AsRef<str>,
    {
        let mut r = Self::new();
        for (s, n) in unigrams {
            r.add_unigram(s.as_ref(), n);
        }
        for ((a, b), n) in bigrams {
            r.add_bigram(a.as_ref(), b.as_ref(), n);
        }
        r.finish();
        r
    }

    /// Adds `count` occurrences of a syllable.
    pub fn add_unigram(&mut self, syllable: &str, count: u64) {
        self.add_exact_unigram(&crate::normalize(syllable), count);
    }

    /// [`Self::add_unigram`] of a syllable already in exact form (a term of the index's exact
    /// fields): the same, without normalising it again.
    pub fn add_exact_unigram(&mut self, exact: &str, count: u64) {
        if !is_word(exact) || count == 0 {
            return;
        }
        self.total += count;
        let id = self.id_of(exact);
        let seen = &mut self.counts[id as usize];
        if *seen == 0 {
            self.known += 1;
            self.by_fold
                .entry(crate::fold_exact(exact))
                .or_default()
                .push(id);
        }
        *seen += count;
        self.sorted = false;
    }

    /// The id of a syllable (in exact form), given now if it has none.
    fn id_of(&mut self, exact: &str) -> u32 {
        if let Some(&id) = self.ids.get(exact) {
            return id;
        }
        let id = u32::try_from(self.syllables.len()).expect("fewer than 2^32 syllables");
        self.ids.insert(exact.to_owned(), id);
        self.syllables.push(exact.to_owned());
        self.counts.push(0);
        let variant = variant_of_exact(exact);
        self.variants
            .push((variant != exact).then(|| variant.into_owned().into_boxed_str()));
        id
    }

    /// Adds `count` occurrences of the syllable pair `first second`.
    pub fn add_bigram(&mut self, first: &str, second: &str, count: u64) {
        self.add_exact_bigram(&crate::normalize(first), &crate::normalize(second), count);
    }

    /// [`Self::add_bigram`] of syllables already in exact form: the same, without normalising
    /// them again.
    pub fn add_exact_bigram(&mut self, first: &str, second: &str, count: u64) {
        if !(is_word(first) && is_word(second) && count > 0) {
            return;
        }
        let pair = (self.id_of(first), self.id_of(second));
        *self.bigrams.entry(pair).or_insert(0) += count;
    }

    /// Counts the syllables and syllable pairs of a text (pairs do not cross punctuation).
    pub fn add_text(&mut self, text: &str) {
        let tokens = crate::tokenize(text);
        let mut prev: Option<(&str, usize)> = None;
        for t in &tokens {
            if !is_word(&t.text) {
                prev = None;
                continue;
            }
            self.add_unigram(&t.text, 1);
            if let Some((p, end)) = prev
                && text[end..t.start].chars().all(char::is_whitespace)
            {
                self.add_exact_bigram(p, &t.text, 1);
            }
            prev = Some((&t.text, t.end));
        }
    }

    /// Sorts candidate lists by frequency. Called by [`Restorer::from_counts`]; call it after
    /// many `add_*` calls to avoid re-sorting on first use.
    pub fn finish(&mut self) {
        let (counts, syllables) = (&self.counts, &self.syllables);
        for list in self.by_fold.values_mut() {
            list.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                counts[b]
                    .cmp(&counts[a])
                    .then_with(|| syllables[a].cmp(&syllables[b]))
            });
        }
        self.sorted = true;
    }

    /// The number of distinct syllables seen.
    pub fn vocabulary(&self) -> usize {
        self.known
    }

    /// Writes the restorer's counts as text, one per line (`u syllable folded count`, then
    /// `b first second count`, tab-separated), so a generation can keep what it learnt and
    /// [`Restorer::read`] can load it without normalising anything again.
    pub fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        for (folded, ids) in &self.by_fold {
            for &id in ids {
                let id = id as usize;
                writeln!(
                    out,
                    "u\t{}\t{folded}\t{}",
                    self.syllables[id], self.counts[id]
                )?;
            }
        }
        for (&(first, second), count) in &self.bigrams {
            let (first, second) = (
                &self.syllables[first as usize],
                &self.syllables[second as usize],
            );
            writeln!(out, "b\t{first}\t{second}\t{count}")?;
        }
        Ok(())
    }

    /// Loads a restorer written by [`Restorer::write`]. A malformed line is an
    /// `InvalidData` error naming its line number.
    pub fn read(input: impl BufRead) -> std::io::Result<Self> {
        let mut r = Self::new();
        for (n, line) in input.lines().enumerate() {
            let line = line?;
            let bad = || {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("restorer line {}: {line:?}", n + 1),
                )
            };
            let mut parts = line.split('\t');
            let (kind, a, b, count) = (parts.next(), parts.next(), parts.next(), parts.next());
            let (Some(a), Some(b), Some(count), None) = (a, b, count, parts.next()) else {
                return Err(bad());
            };
            let count: u64 = count.parse().map_err(|_| bad())?;
            match kind {
                Some("u") if is_word(a) && count > 0 => {
                    let id = r.id_of(a);
                    if r.counts[id as usize] > 0 {
                        return Err(bad());
                    }
                    r.total += count;
                    r.counts[id as usize] = count;
                    r.known += 1;
                    r.by_fold.entry(b.to_owned()).or_default().push(id);
                }
                Some("b") if is_word(a) && is_word(b) && count > 0 => {
                    let pair = (r.id_of(a), r.id_of(b));
                    r.bigrams.insert(pair, count);
                }
                _ => return Err(bad()),
            }
        }
        r.finish();
        Ok(r)
    }

    /// The accented syllables seen with this fold, most frequent first.
    pub fn candidates(&self, folded: &str) -> Vec<&str> {
        self.candidate_ids(folded)
            .iter()
            .map(|&id| self.syllables[id as usize].as_str())
            .collect()
    }

    /// The ids of [`Self::candidates`] (borrowed once [`Self::finish`] has sorted them).
    fn candidate_ids(&self, folded: &str) -> Cow<'_, [u32]> {
        // Lowercase ASCII (what restoring a query asks for) is its own exact form and has no
        // marks: its fold is its i/y variant, found without building all three forms.
        let key: Cow<'_, str> = if folded
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            variant_of_exact(folded)
        } else {
            Cow::Owned(forms(folded).folded)
        };
        let Some(list) = self.by_fold.get(key.as_ref()) else {
            return Cow::Borrowed(&[]);
        };
        if self.sorted {
            return Cow::Borrowed(list);
        }
        let mut list = list.clone();
        let (counts, syllables) = (&self.counts, &self.syllables);
        list.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            counts[b]
                .cmp(&counts[a])
                .then_with(|| syllables[a].cmp(&syllables[b]))
        });
        Cow::Owned(list)
    }

    /// How often the syllable with this id was seen (0 for none).
    fn count(&self, id: Option<u32>) -> f64 {
        id.map_or(0, |id| self.counts[id as usize]) as f64
    }

    fn unigram_logp_of(&self, id: Option<u32>) -> f64 {
        let v = self.known as f64 + 1.0;
        let c = self.count(id);
        ((c + 0.1) / (self.total as f64 + 0.1 * v)).ln()
    }

    /// The smoothed unigram probability of the syllable with this id.
    fn unigram_p(&self, id: Option<u32>) -> f64 {
        let v = self.known as f64 + 1.0;
        (self.count(id) + 0.1) / (self.total as f64 + 0.1 * v)
    }

    /// The log of the bigram estimate (pair count `cb` over first-syllable count `cp`)
    /// interpolated with the unigram estimate `p_uni`.
    fn interpolate(cp: f64, cb: f64, p_uni: f64) -> f64 {
        let p_bi = if cp > 0.0 { cb / cp } else { 0.0 };
        (LAMBDA * p_bi + (1.0 - LAMBDA) * p_uni).ln()
    }

    /// The most probable path through a lattice of candidates, each with an emission
    /// log-score (0 when every candidate is equally plausible on its own), under the
    /// interpolated bigram model: the chosen index in each position's list. Shared by query
    /// restoration and OCR post-correction ([`crate::ocrfix`]). Every list must be non-empty.
    pub(crate) fn viterbi<S: AsRef<str>>(&self, cands: &[Vec<(S, f64)>]) -> Vec<usize> {
        let ids: Vec<Vec<(Option<u32>, f64)>> = cands
            .iter()
            .map(|list| {
                list.iter()
                    .map(|(c, e)| (self.ids.get(c.as_ref()).copied(), *e))
                    .collect()
            })
            .collect();
        self.viterbi_ids(&ids)
    }

    /// [`Self::viterbi`] over syllable ids (`None` for a syllable never seen).
    fn viterbi_ids(&self, cands: &[Vec<(Option<u32>, f64)>]) -> Vec<usize> {
        let Some(first) = cands.first() else {
            return Vec::new();
        };
        let mut score: Vec<f64> = first
            .iter()
            .map(|&(c, e)| e + self.unigram_logp_of(c))
            .collect();
        let mut back: Vec<Vec<usize>> = vec![vec![0; first.len()]];
        let mut next: Vec<f64> = Vec::new();
        for pair in cands.windows(2) {
            let (prev, here) = (&pair[0], &pair[1]);
            let mut ptr = Vec::with_capacity(here.len());
            next.clear();
            for &(c, e) in here {
                let p_uni = self.unigram_p(c);
                // Most pairs were never seen: their estimate is the unigram one, whatever the
                // previous candidate (the same value `interpolate` gives for a zero count).
                let unseen = Self::interpolate(0.0, 0.0, p_uni);
                let (best_j, best) = prev
                    .iter()
                    .enumerate()
                    .map(|(j, &(p, _))| {
                        let cb = match (p, c) {
                            (Some(p), Some(c)) => self.bigrams.get(&(p, c)).copied().unwrap_or(0),
                            _ => 0,
                        };
                        let transition = if cb == 0 {
                            unseen
                        } else {
                            Self::interpolate(self.count(p), cb as f64, p_uni)
                        };
                        (j, score[j] + transition)
                    })
                    .fold(
                        (0, f64::NEG_INFINITY),
                        |acc, x| if x.1 > acc.1 { x } else { acc },
                    );
                next.push(best + e);
                ptr.push(best_j);
            }
            std::mem::swap(&mut score, &mut next);
            back.push(ptr);
        }
        let mut k = score
            .iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |acc, (j, &s)| if s > acc.1 { (j, s) } else { acc },
            )
            .0;
        let mut chosen = vec![0; cands.len()];
        for i in (0..cands.len()).rev() {
            chosen[i] = k;
            k = back[i][k];
        }
        chosen
    }

    /// The candidates for one query token (in exact form), as ids (`None` for the token
    /// itself when it was never seen): accented input is a constraint (same R6 variant),
    /// toneless input ranges over everything seen with that fold.
    fn token_candidates(&self, exact: &str) -> Vec<Option<u32>> {
        let own = self.ids.get(exact).copied();
        if !is_word(exact) {
            return vec![own];
        }
        let variant = variant_of_exact(exact);
        let all = self.candidate_ids(&strip_marks(&variant));
        let accented = !exact.is_ascii() && strip_marks(exact) != exact;
        let mut list: Vec<Option<u32>> = if accented {
            // A syllable that is its own variant has the variant's spelling exactly when it
            // is the syllable of that spelling: its id is compared, not its text.
            let variant_id = self.ids.get(variant.as_ref()).copied();
            all.iter()
                .copied()
                .filter(|&id| match self.variants[id as usize].as_deref() {
                    None => Some(id) == variant_id,
                    Some(own) => own == variant,
                })
                .take(MAX_CANDIDATES)
                .map(Some)
                .collect()
        } else {
            all.iter().copied().take(MAX_CANDIDATES).map(Some).collect()
        };
        let listed = own.is_some_and(|id| list.contains(&Some(id)));
        if !listed && (accented || list.is_empty()) {
            list.push(own);
        }
        list
    }

    /// The most probable accented reading of a query, with the per-syllable choices.
    /// `None` for a query without words.
    pub fn restore_detailed(&self, query: &str) -> Option<Restoration> {
        let input: Vec<String> = crate::tokenize(query).into_iter().map(|t| t.text).collect();
        let output = self.choose(&input)?;
        Some(Restoration {
            text: output.join(" "),
            input,
            output,
        })
    }

    /// The chosen syllable for each token of a query already cut by [`crate::tokenize`]
    /// (`Restoration::output` of the query), or `None` when no token has words.
    fn choose<S: AsRef<str>>(&self, input: &[S]) -> Option<Vec<String>> {
        if !input.iter().any(|t| is_word(t.as_ref())) {
            return None;
        }
        let cands: Vec<Vec<(Option<u32>, f64)>> = input
            .iter()
            .map(|t| {
                self.token_candidates(t.as_ref())
                    .into_iter()
                    .map(|c| (c, 0.0))
                    .collect()
            })
            .collect();
        Some(
            self.viterbi_ids(&cands)
                .into_iter()
                .zip(&cands)
                .zip(input)
                .map(|((k, list), typed)| match list[k].0 {
                    Some(id) => self.syllables[id as usize].clone(),
                    None => typed.as_ref().to_owned(),
                })
                .collect(),
        )
    }

    /// [`Self::restore`] of a query already cut into its exact-form tokens (the texts of
    /// [`crate::tokenize`]), without cutting it again: the reading's tokens, or `None` if the
    /// query has no words or the reading is the query itself.
    pub fn restore_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Option<Vec<String>> {
        self.choose(tokens).filter(|output| {
            output
                .iter()
                .zip(tokens)
                .any(|(out, typed)| out != typed.as_ref())
        })
    }

    /// The most probable accented reading of a toneless or partly accented query
    /// (`nghi quyet` → `nghị quyết`, `nong thon mới` → `nông thôn mới`); `None` if the query
    /// has no words or the reading is the query itself.
    pub fn restore(&self, query: &str) -> Option<String> {
        self.restore_detailed(query)
            .filter(Restoration::changed)
            .map(|r| r.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small snippets of the legal corpus (phapdien) and typical portal text.
    const SNIPPETS: &[&str] = &[
        "Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.",
        "Luật này quy định về quyền, nghĩa vụ và trách nhiệm của thanh niên; chính sách của Nhà nước đối với thanh niên.",
        "Nghị quyết của Hội đồng nhân dân huyện về xây dựng nông thôn mới năm 2024.",
        "Quyết định của Ủy ban nhân dân tỉnh về việc ban hành kế hoạch thực hiện nghị quyết.",
        "Hội đồng nhân dân tỉnh quyết nghị thông qua nghị quyết về ngân sách nhà nước.",
        "Tôi nghĩ rằng người dân miền Nam và miền Bắc đều tham gia.",
        "Năm 2024 huyện Than Uyên hoàn thành chương trình nông thôn mới.",
        "Kỳ họp thứ năm Hội đồng nhân dân huyện khoá XXI.",
    ];

    fn restorer() -> Restorer {
        let mut r = Restorer::new();
        for s in SNIPPETS {
            r.add_text(s);
        }
        r.finish();
        r
    }

    #[test]
    fn toneless_queries() {
        let r = restorer();
        assert_eq!(r.restore("nghi quyet").as_deref(), Some("nghị quyết"));
        assert_eq!(
            r.restore("hoi dong nhan dan").as_deref(),
            Some("hội đồng nhân dân")
        );
        assert_eq!(r.restore("nong thon moi").as_deref(), Some("nông thôn mới"));
        assert_eq!(
            r.restore("uy ban nhan dan").as_deref(),
            Some("uỷ ban nhân dân")
        );
        assert_eq!(r.restore("nam 2024").as_deref(), Some("năm 2024"));
        assert_eq!(r.restore("mien nam").as_deref(), Some("miền nam"));
    }

    #[test]
    fn partly_accented_queries_keep_the_users_marks() {
        let r = restorer();
        assert_eq!(r.restore("nghi quyết").as_deref(), Some("nghị quyết"));
        assert_eq!(r.restore("nong thon mới").as_deref(), Some("nông thôn mới"));
        // The user's marks win even against the statistics.
        assert_eq!(r.restore("nghĩ quyet").as_deref(), Some("nghĩ quyết"));
    }

    #[test]
    fn nothing_to_restore() {
        let r = restorer();
        assert_eq!(r.restore("nghị quyết"), None);
        assert_eq!(r.restore("140/2024"), None);
        assert_eq!(r.restore(""), None);
        // Unknown words stay as typed.
        assert_eq!(r.restore("xyzzy").as_deref(), None);
    }

    #[test]
    fn written_and_read_back_it_restores_the_same() {
        let r = restorer();
        let mut bytes = Vec::new();
        r.write(&mut bytes).expect("write");
        let back = Restorer::read(bytes.as_slice()).expect("read");
        assert_eq!(back.vocabulary(), r.vocabulary());
        for q in [
            "nghi quyet",
            "hoi dong nhan dan huyen",
            "nghi rang",
            "nong thon moi",
        ] {
            assert_eq!(back.restore(q), r.restore(q), "{q}");
        }
        assert_eq!(back.candidates("nghi"), r.candidates("nghi"));
        for bad in [
            "u\tnghị\tnghi",
            "u\tnghị\tnghi\tmany",
            "x\ta\tb\t1",
            "b\tnghị\t140\t2",
        ] {
            let err = Restorer::read(bad.as_bytes()).expect_err(bad);
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{bad}");
        }
    }

    /// Restoration as it was before the candidate lists borrowed their text and unseen pairs
    /// skipped the logarithm: the reference the fast path must equal.
    fn reference_restore(r: &Restorer, query: &str) -> Option<Vec<String>> {
        let id = |w: &str| r.ids.get(w).copied();
        let input: Vec<String> = crate::tokenize(query).into_iter().map(|t| t.text).collect();
        if !input.iter().any(|t| is_word(t)) {
            return None;
        }
        let cands: Vec<Vec<String>> = input
            .iter()
            .map(|exact| {
                if !is_word(exact) {
                    return vec![exact.clone()];
                }
                let f = forms(exact);
                let accented = strip_marks(exact) != exact.as_str();
                let mut list: Vec<String> = r
                    .candidates(&f.folded)
                    .into_iter()
                    .filter(|c| !accented || variant_of_exact(c) == f.variant.as_str())
                    .take(MAX_CANDIDATES)
                    .map(str::to_owned)
                    .collect();
                if !list.iter().any(|c| c == exact) && (accented || list.is_empty()) {
                    list.push(exact.clone());
                }
                list
            })
            .collect();
        let mut score: Vec<f64> = cands[0].iter().map(|c| r.unigram_logp_of(id(c))).collect();
        let mut back: Vec<Vec<usize>> = vec![vec![0; cands[0].len()]];
        for pair in cands.windows(2) {
            let (mut next, mut ptr) = (Vec::new(), Vec::new());
            for c in &pair[1] {
                let p_uni = r.unigram_p(id(c));
                let (mut best_j, mut best) = (0, f64::NEG_INFINITY);
                for (j, p) in pair[0].iter().enumerate() {
                    let cb = match (id(p), id(c)) {
                        (Some(p), Some(c)) => r.bigrams.get(&(p, c)).copied().unwrap_or(0),
                        _ => 0,
                    };
                    let s = score[j] + Restorer::interpolate(r.count(id(p)), cb as f64, p_uni);
                    if s > best {
                        (best_j, best) = (j, s);
                    }
                }
                next.push(best);
                ptr.push(best_j);
            }
            score = next;
            back.push(ptr);
        }
        let (mut k, mut best) = (0, f64::NEG_INFINITY);
        for (j, &s) in score.iter().enumerate() {
            if s > best {
                (k, best) = (j, s);
            }
        }
        let mut output = vec![String::new(); cands.len()];
        for i in (0..cands.len()).rev() {
            output[i] = cands[i][k].clone();
            k = back[i][k];
        }
        Some(output)
    }

    /// Toneless and partly accented versions of every sentence, as queries.
    fn queries_from(texts: &[String]) -> Vec<String> {
        let mut queries = Vec::new();
        for text in texts {
            for sentence in text.split(['.', ';', '\n']) {
                let words: Vec<&str> = sentence.split_whitespace().take(30).collect();
                if words.is_empty() {
                    continue;
                }
                let accented = words.join(" ");
                let toneless = strip_marks(&crate::normalize(&accented)).into_owned();
                let mixed: Vec<String> = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        if i % 3 == 0 {
                            (*w).to_owned()
                        } else {
                            strip_marks(&crate::normalize(w)).into_owned()
                        }
                    })
                    .collect();
                queries.extend([accented, toneless, mixed.join(" ")]);
            }
        }
        queries
    }

    fn assert_restores_as_reference(r: &Restorer, queries: &[String]) {
        for q in queries {
            assert_eq!(
                r.restore_detailed(q).map(|d| d.output),
                reference_restore(r, q),
                "{q}"
            );
        }
    }

    #[test]
    fn restoring_equals_the_reference() {
        let r = restorer();
        let texts: Vec<String> = SNIPPETS.iter().map(|s| (*s).to_owned()).collect();
        let mut queries = queries_from(&texts);
        queries.extend(
            [
                "nghi quyet 140 ky thuat",
                "Ủy ban nhan dan",
                "ly do qui",
                "xyzzy ma",
            ]
            .map(str::to_owned),
        );
        assert_restores_as_reference(&r, &queries);
    }

    /// The same on real legal text (../shared/corpus, when present): a restorer learnt from
    /// 300 articles, restoring their sentences.
    #[test]
    fn restoring_equals_the_reference_on_the_corpus() {
        let dir = std::env::var_os("TRACUU_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let Ok(data) = std::fs::read_to_string(dir.join("legal/phapdien-001.jsonl")) else {
            eprintln!(
                "corpus not found at {}: only the built-in examples ran",
                dir.display()
            );
            return;
        };
        let texts: Vec<String> = data
            .lines()
            .take(300)
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|v| v.get("text")?.as_str().map(str::to_owned))
            .collect();
        let mut r = Restorer::new();
        for text in &texts {
            r.add_text(text);
        }
        r.finish();
        let queries = queries_from(&texts[..60]);
        assert!(queries.len() > 500, "{}", queries.len());
        assert_restores_as_reference(&r, &queries);
    }

    #[test]
    fn restoring_tokens_equals_restoring_the_text() {
        let r = restorer();
        for q in [
            "nghi quyet",
            "hoi dong nhan dan huyen Than Uyen",
            "nong thon mới 2024",
            "Ủy ban nhan dan tinh",
            "nghị quyết",
            "140/NQ-HĐND",
            "",
        ] {
            let tokens: Vec<String> = crate::tokenize(q).into_iter().map(|t| t.text).collect();
            let whole = r
                .restore(q)
                .map(|text| text.split(' ').map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(r.restore_tokens(&tokens), whole, "{q}");
        }
    }

    #[test]
    fn from_counts_equals_add_text() {
        let r = Restorer::from_counts(
            [("nghị", 10), ("nghĩ", 3), ("quyết", 10), ("rằng", 3)],
            [(("nghị", "quyết"), 10), (("nghĩ", "rằng"), 3)],
        );
        assert_eq!(r.candidates("nghi"), ["nghị", "nghĩ"]);
        assert_eq!(r.restore("nghi rang").as_deref(), Some("nghĩ rằng"));
        assert_eq!(r.restore("nghi quyet").as_deref(), Some("nghị quyết"));
        assert_eq!(r.vocabulary(), 4);
    }
}
