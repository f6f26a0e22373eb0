//! Query planning: the query text becomes the scored Tantivy query (every tier of every
//! syllable, bigrams, phrases, abbreviations, document numbers), the cheapest query finding
//! the same records (for counting), and a long query's syllable-pair candidates.

use std::collections::HashSet;

use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query};
use tantivy::schema::Field;
use vietnamese::abbreviations::{Direction, expand_exact};
use vietnamese::stopwords::is_function_word_exact;

use super::SearchIndex;
use crate::analyzer::{Form, MAX_TOKEN_BYTES, Syllable, analyze, bigram, variant_is_indexed};
use crate::api::SearchRequest;
use crate::error::Result;
use crate::flat::{Boosted, ConstTerm, Guard, WeightedPhrase, WeightedTerm, flatten};
use crate::reading;
use crate::understand::{self, Item, NumberQuery};

/// Extra weight of the exact tier (R14: exact > variant > folded).
const W_EXACT: f32 = 1.5;
/// Extra weight of the variant tier.
const W_VARIANT: f32 = 0.5;
/// Weight of a restored or decoded reading of a toneless syllable.
const W_RESTORED: f32 = 1.0;
/// Weight of the folded tier.
const W_FOLDED: f32 = 1.0;
/// Weight of the title relative to the text.
const W_TITLE: f32 = 2.0;
/// Weight of an adjacent pair of query syllables found adjacent in a record (R13).
const W_BIGRAM: f32 = 1.0;
/// Weight of a pair in a long query: the pairs of a pasted question say more about what it
/// asks than its single words (tuned on the legal-qa-dev statements, see the eval bench).
const W_LONG_BIGRAM: f32 = 4.0;
/// Extra weight of the pairs of a run typed with its marks (no other reading): its syllables
/// score on three tiers (exact, variant, folded) where a toneless run's score on two (restored,
/// folded), so its pairs weigh that much more too, and an accented question leans on its
/// pairs as much as its toneless twin does.
const W_ACCENTED_PAIRS: f32 = (W_EXACT + W_VARIANT + W_FOLDED) / (W_RESTORED + W_FOLDED);
/// Weight of a quoted phrase beyond its own words.
const W_PHRASE: f32 = 2.0;
/// Score added by a full document-number match: above any text score.
const S_NUMBER_FULL: f32 = 20_000.0;
/// Score added by a number + type or number + issuer match.
const S_NUMBER_PART: f32 = 10_000.0;
/// Queries with at least this many syllables are treated as long (pasted) queries.
const LONG_QUERY: usize = 4;
/// Queries with at most this many syllables require every word (then relax if nothing has
/// them all).
const ALL_WORDS_MAX: usize = 6;
/// Weight of an abbreviation expansion relative to the literal words (R11).
const W_ABBREVIATION: f32 = 0.6;

/// A planned query: the Tantivy query plus what snippets and hits need.
pub(super) struct Plan {
    /// The scored query (every tier, bigrams, phrases on exact fields).
    pub(super) query: Box<dyn Query>,
    /// The same set of documents with the cheapest query that finds them (folded forms only,
    /// no bigrams, no scoring bonuses): used for the total, facets and date orders (for a long
    /// query, only when no record shares a pair with it: see `candidates`).
    pub(super) matching: Box<dyn Query>,
    /// For long queries: the records sharing a syllable pair with the query (see
    /// [`SearchIndex::gather`]).
    pub(super) candidates: Option<Candidates>,
    /// True when the query required all its words and relaxing that could find more.
    pub(super) relaxable: bool,
    pub(super) highlight: HashSet<String>,
    pub(super) numbers: NumberQuery,
    pub(super) interpreted: Option<String>,
}

/// The candidates of a long query: the records sharing at least one adjacent pair of its
/// syllables. When there are any, they are the query's matching set (a pasted sentence's
/// records share pairs with it; the records that only share words are noise); otherwise the
/// plan's `matching` query is.
pub(super) struct Candidates {
    /// The union of the pairs, scored (exact and folded bigrams): finds the best candidates
    /// for the top hits far faster than the full query.
    pub(super) scored: Box<dyn Query>,
    /// The same records, restricted to those the full query finds (each OR alternative's
    /// phrases, the exclusions), with the cheapest query: folded bigram terms, meant to run
    /// without scoring. Used for the total, facets, date orders and deep pages.
    pub(super) matching: Box<dyn Query>,
    /// True when the query has no phrase and no exclusion: every record sharing a pair is then
    /// a record the full query finds, so the full query rescores the best candidates without
    /// being restricted to `matching`.
    pub(super) found_by_full: bool,
}

impl SearchIndex {
    /// Turns the query text into a Tantivy query.
    ///
    /// With `all_words`, a short query requires every word of each `OR` alternative; long
    /// queries are always a scored disjunction.
    pub(super) fn plan(&self, request: &SearchRequest, all_words: bool) -> Result<Plan> {
        let parsed = understand::parse(&request.query);
        let numbers = understand::document_numbers(&request.query);
        let mut highlight = HashSet::new();
        let f = &self.fields;

        // Each bare word is cut once: its tokens count its syllables, and a run of words is
        // the concatenation of theirs (a token never spans white space).
        let mut word_tokens: Vec<Vec<String>> = Vec::new();
        let mut syllable_count = 0;
        for item in parsed.items() {
            match item {
                Item::Word(w) => {
                    let tokens = exact_tokens(w);
                    syllable_count += tokens.iter().filter(|t| kept(t)).count();
                    word_tokens.push(tokens);
                }
                Item::Phrase(w) => syllable_count += analyze(w, Form::Exact).len(),
            }
        }
        let mut word_tokens = word_tokens.into_iter();
        let long = syllable_count >= LONG_QUERY;
        let word_occur = if all_words && syllable_count <= ALL_WORDS_MAX {
            Occur::Must
        } else {
            Occur::Should
        };
        // Whether the query can have candidates (see `Candidates`): only then are its pairs
        // gathered for them.
        let may_have_candidates = word_occur == Occur::Should
            && syllable_count > ALL_WORDS_MAX
            && numbers.full.is_empty()
            && numbers.num_type.is_empty()
            && numbers.num_issuer.is_empty();
        let mut relaxable = false;
        let mut interpreted = false;
        let mut shown: Vec<String> = Vec::new();

        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut match_alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut pair_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The records sharing a pair with the query that the full query finds: per `OR`
        // alternative, any of its pairs and all of its phrases.
        let mut candidate_alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(4 * syllable_count);
            // The same group for counting: folded forms only. Optional clauses are left out
            // when a clause is required (they change scores, not the matching set), and
            // bigrams always (a bigram match implies both syllables match).
            let mut match_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut group_pairs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut group_phrases: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            // Consecutive bare words form one run (for bigrams, Telex and restoration), with
            // the exact-form tokens of its words.
            let mut run: Vec<&str> = Vec::new();
            let mut run_tokens: Vec<String> = Vec::new();
            let mut runs: Vec<(String, Vec<String>)> = Vec::new();
            for item in group {
                match item {
                    Item::Word(word) => {
                        run.push(word);
                        run_tokens.extend(word_tokens.next().unwrap_or_default());
                    }
                    Item::Phrase(phrase) => {
                        if !run.is_empty() {
                            runs.push((
                                std::mem::take(&mut run).join(" "),
                                std::mem::take(&mut run_tokens),
                            ));
                        }
                        let syllables = analyze(phrase, Form::Exact);
                        for s in &syllables {
                            highlight.insert(Form::Folded.apply(&s.text));
                        }
                        shown.push(format!("\"{phrase}\""));
                        if let Some(query) = self.phrase_query(&syllables) {
                            clauses.push((Occur::Must, query));
                        }
                        if let Some(query) = self.phrase_match(&syllables) {
                            if may_have_candidates {
                                group_phrases.push((Occur::Must, query.box_clone()));
                            }
                            match_clauses.push((Occur::Must, query));
                        }
                    }
                }
            }
            if !run.is_empty() {
                runs.push((run.join(" "), run_tokens));
            }
            for (text, tokens) in &runs {
                // The syllables: what `analyze(text, Form::Exact)` keeps.
                let syllables: Vec<&str> = tokens
                    .iter()
                    .filter(|t| kept(t))
                    .map(String::as_str)
                    .collect();
                // Each syllable (and its reading) is folded once for every clause using it.
                let folds: Vec<String> = syllables.iter().map(|s| Form::Folded.apply(s)).collect();
                let read = reading::read_tokens(Some(&self.restorer), text, tokens, &folds);
                let read_folds: Option<Vec<String>> = read
                    .as_ref()
                    .map(|r| r.iter().map(|s| Form::Folded.apply(s)).collect());
                match &read {
                    Some(read) => {
                        interpreted = true;
                        shown.push(read.join(" "));
                    }
                    None => shown.push(text.clone()),
                }
                let expansions = expand_exact(tokens);
                for (i, &s) in syllables.iter().enumerate() {
                    let folded = &folds[i];
                    let alternative = read
                        .as_ref()
                        .zip(read_folds.as_ref())
                        .map(|(r, f)| (r[i].as_str(), f[i].as_str()));
                    highlight.insert(folded.clone());
                    if let Some((_, alt_folded)) = alternative {
                        highlight.insert(alt_folded.to_owned());
                    }
                    let weight = if long && is_function_word_exact(s) {
                        vietnamese::stopwords::FUNCTION_WORD_WEIGHT
                    } else {
                        1.0
                    };
                    // An acronym's expansions are alternatives of the acronym itself, so a
                    // query that requires every word still finds the spelled-out form.
                    let own_expansions: Vec<&str> = expansions
                        .iter()
                        .filter(|e| {
                            e.direction == Direction::AcronymToPhrase && e.matched == *folded
                        })
                        .map(|e| e.replacement.as_str())
                        .collect();
                    let own: Vec<Box<dyn Query>> = expansions
                        .iter()
                        .filter(|e| {
                            e.direction == Direction::AcronymToPhrase && e.matched == *folded
                        })
                        .filter_map(|e| self.expansion_query(&e.replacement, e.weight))
                        .collect();
                    let own_match: Vec<Box<dyn Query>> = own_expansions
                        .iter()
                        .filter_map(|r| self.expansion_match(r))
                        .collect();
                    clauses.push((
                        word_occur,
                        if word_occur == Occur::Should
                            && weight < 1.0
                            && alternative.is_none_or(|(a, _)| a == s)
                            && own.is_empty()
                        {
                            // A function word of a long query: its tiers (one huge posting
                            // list each) collapse into the folded one, carrying their weight.
                            self.folded_only_query(s, folded, weight)
                        } else {
                            self.syllable_query(s, folded, weight, alternative, own)
                        },
                    ));
                    match_clauses.push((
                        word_occur,
                        self.syllable_match(s, folded, alternative, own_match),
                    ));
                    relaxable |= word_occur == Occur::Must;
                }
                for e in &expansions {
                    if e.direction == Direction::AcronymToPhrase && !e.matched.contains(' ') {
                        continue;
                    }
                    if let Some(query) = self.expansion_query(&e.replacement, e.weight) {
                        clauses.push((Occur::Should, query));
                    }
                    if word_occur == Occur::Should
                        && let Some(query) = self.expansion_match(&e.replacement)
                    {
                        match_clauses.push((Occur::Should, query));
                    }
                }
                let pair_weight = match (long, &read) {
                    (false, _) => W_BIGRAM,
                    (true, Some(_)) => W_LONG_BIGRAM,
                    (true, None) => W_LONG_BIGRAM * W_ACCENTED_PAIRS,
                };
                for (i, pair) in syllables.windows(2).enumerate() {
                    let typed = (pair[0], pair[1]);
                    let typed_folded = (folds[i].as_str(), folds[i + 1].as_str());
                    let query = self.bigram_query(typed, typed_folded, pair_weight);
                    if may_have_candidates {
                        pair_clauses.push((Occur::Should, query.box_clone()));
                        group_pairs.push((Occur::Should, self.bigram_match(typed_folded)));
                    }
                    clauses.push((Occur::Should, query));
                    if let (Some(read), Some(read_folds)) = (&read, &read_folds)
                        && (read[i] != pair[0] || read[i + 1] != pair[1])
                    {
                        // The reading's folded pair is usually the typed one, already
                        // scored: then only its exact pair is added.
                        let read_folded = (read_folds[i].as_str(), read_folds[i + 1].as_str());
                        let query = self.reading_bigram_query(
                            typed_folded,
                            (&read[i], &read[i + 1]),
                            read_folded,
                            pair_weight,
                        );
                        if may_have_candidates {
                            pair_clauses.push((Occur::Should, query.box_clone()));
                            group_pairs.push((Occur::Should, self.bigram_match(read_folded)));
                        }
                        clauses.push((Occur::Should, query));
                    }
                }
            }
            shown.push("OR".to_owned());
            if !group_pairs.is_empty() {
                let pairs: Box<dyn Query> = Box::new(BooleanQuery::new(group_pairs));
                candidate_alternatives.push((
                    Occur::Should,
                    if group_phrases.is_empty() {
                        pairs
                    } else {
                        group_phrases.push((Occur::Must, pairs));
                        Box::new(BooleanQuery::new(group_phrases))
                    },
                ));
            }
            if !clauses.is_empty() {
                alternatives.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
            }
            if match_clauses.iter().any(|(o, _)| *o == Occur::Must) {
                match_clauses.retain(|(o, _)| *o == Occur::Must);
            }
            if !match_clauses.is_empty() {
                match_alternatives
                    .push((Occur::Should, Box::new(BooleanQuery::new(match_clauses))));
            }
        }

        for (field, keys, score) in [
            (f.docno, &numbers.full, S_NUMBER_FULL),
            (f.docno_num_type, &numbers.num_type, S_NUMBER_PART),
            (f.docno_num_issuer, &numbers.num_issuer, S_NUMBER_PART),
        ] {
            for key in keys {
                alternatives.push((Occur::Should, number_clause(field, key, score)));
                match_alternatives.push((
                    Occur::Should,
                    Box::new(WeightedTerm::matching(Term::from_field_text(field, key))),
                ));
            }
        }

        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut match_top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if alternatives.is_empty() {
            top.push((Occur::Must, Box::new(AllQuery)));
        } else {
            top.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        if match_alternatives.is_empty() {
            match_top.push((Occur::Must, Box::new(AllQuery)));
        } else {
            match_top.push((Occur::Must, Box::new(BooleanQuery::new(match_alternatives))));
        }
        let mut candidate_top: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::new(candidate_alternatives)),
        )];
        for item in &parsed.excluded {
            let text = match item {
                Item::Word(w) | Item::Phrase(w) => w,
            };
            let syllables = analyze(text, Form::Exact);
            if let Some(query) = self.exclusion_query(&syllables) {
                match_top.push((Occur::MustNot, query.box_clone()));
                if may_have_candidates {
                    candidate_top.push((Occur::MustNot, query.box_clone()));
                }
                top.push((Occur::MustNot, query));
            }
        }
        // A pure union (long queries without phrases, numbers or exclusions) becomes one flat
        // union of terms: same scores and documents, but block-WAND for the top hits.
        let finish = |top: Vec<(Occur, Box<dyn Query>)>| -> Box<dyn Query> {
            if let [(Occur::Must, only)] = top.as_slice()
                && let Some(flat) = flatten(only.as_ref())
            {
                return flat;
            }
            Box::new(BooleanQuery::new(top))
        };
        let candidates = (may_have_candidates && pair_clauses.len() >= 3).then(|| Candidates {
            scored: finish(vec![(
                Occur::Must,
                Box::new(BooleanQuery::new(pair_clauses)),
            )]),
            matching: finish(candidate_top),
            found_by_full: parsed.excluded.is_empty()
                && !parsed.items().any(|item| matches!(item, Item::Phrase(_))),
        });
        Ok(Plan {
            candidates,
            query: finish(top),
            matching: finish(match_top),
            relaxable: relaxable && syllable_count > 1,
            highlight,
            interpreted: interpreted.then(|| {
                shown.pop();
                shown.join(" ")
            }),
            numbers,
        })
    }

    /// The tiers of one syllable (R14): exact > variant > restored > folded, title above text.
    /// `reading` is the Telex-decoded or restored reading of a syllable; `expansions` are
    /// extra alternatives (abbreviations).
    /// `folded` is `exact` folded; `reading` is (exact, folded) too.
    fn syllable_query(
        &self,
        exact: &str,
        folded: &str,
        weight: f32,
        reading: Option<(&str, &str)>,
        expansions: Vec<Box<dyn Query>>,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let toneless = folded == exact;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(8 + expansions.len());
        // The syllable's weight goes into each term (the same score as boosting the union), so
        // a long query stays a flat union of terms (see `flat`).
        let mut add = |field: Field, text: &str, boost: f32| {
            clauses.push((Occur::Should, term_query(field, text, boost * weight)));
        };
        if !toneless {
            let variant = Form::Variant.apply(exact);
            // Without a distinct variant clause, the exact clause carries both tiers' weight.
            let exact_weight = if variant == exact {
                W_EXACT + W_VARIANT
            } else {
                W_EXACT
            };
            add(f.title_exact, exact, exact_weight * W_TITLE);
            add(f.text_exact, exact, exact_weight);
            // When the variant is the exact form, the folded tier already covers the other
            // spellings (folding starts from the variant), so the clause would only cost time.
            if variant != exact {
                add(f.title_variant, &variant, W_VARIANT * W_TITLE);
                add(f.text_variant, &variant, W_VARIANT);
            }
        }
        if let Some((reading, reading_folded)) = reading.filter(|(r, _)| *r != exact) {
            add(f.title_exact, reading, W_RESTORED * W_TITLE);
            add(f.text_exact, reading, W_RESTORED);
            if reading_folded != folded {
                add(f.title_folded, reading_folded, W_FOLDED * W_TITLE);
                add(f.text_folded, reading_folded, W_FOLDED);
            }
        }
        add(f.title_folded, folded, W_FOLDED * W_TITLE);
        add(f.text_folded, folded, W_FOLDED);
        clauses.extend(expansions.into_iter().map(|q| {
            let q: Box<dyn Query> = if (weight - 1.0).abs() > f32::EPSILON {
                Box::new(Boosted::new(q, weight))
            } else {
                q
            };
            (Occur::Should, q)
        }));
        Box::new(BooleanQuery::new(clauses))
    }

    /// A syllable scored on its folded form alone, with the weight every tier would give an
    /// exact match: for function words of long queries, whose folded and exact spellings
    /// are the same words in practice.
    fn folded_only_query(&self, exact: &str, folded: &str, weight: f32) -> Box<dyn Query> {
        let f = &self.fields;
        let tiers = if folded == exact {
            W_FOLDED
        } else {
            W_EXACT + W_VARIANT + W_FOLDED
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                term_query(f.title_folded, folded, tiers * W_TITLE * weight),
            ),
            (
                Occur::Should,
                term_query(f.text_folded, folded, tiers * weight),
            ),
        ]))
    }

    /// The documents [`Self::syllable_query`] finds, with the fewest clauses: every tier's term
    /// folds to the folded term, so the folded fields (and the reading's folded form) suffice.
    fn syllable_match(
        &self,
        exact: &str,
        folded: &str,
        reading: Option<(&str, &str)>,
        expansions: Vec<Box<dyn Query>>,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let mut terms = vec![folded];
        if let Some((_, reading_folded)) = reading.filter(|(r, _)| *r != exact)
            && reading_folded != folded
        {
            terms.push(reading_folded);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(4 + expansions.len());
        for term in terms {
            for field in [f.title_folded, f.text_folded] {
                clauses.push((
                    Occur::Should,
                    Box::new(WeightedTerm::matching(Term::from_field_text(field, term))),
                ));
            }
        }
        clauses.extend(expansions.into_iter().map(|q| (Occur::Should, q)));
        Box::new(BooleanQuery::new(clauses))
    }

    /// A phrase of several syllables on the folded title and text fields, guarded by its
    /// bigram terms so that positions are read only for likely documents.
    fn folded_phrase(&self, syllables: &[Syllable]) -> Box<dyn Query> {
        let f = &self.fields;
        let folded: Vec<String> = syllables
            .iter()
            .map(|s| Form::Folded.apply(&s.text))
            .collect();
        let phrase = |field: Field| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(
                folded
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect(),
            ))
        };
        self.guarded(
            &folded,
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, phrase(f.title_folded)),
                (Occur::Should, phrase(f.text_folded)),
            ])),
        )
    }

    /// The documents [`Self::phrase_query`] finds: the folded phrase (an exact-form phrase
    /// match is also a folded one).
    fn phrase_match(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        match syllables {
            [] => None,
            [single] => Some(self.syllable_match(
                &single.text,
                &Form::Folded.apply(&single.text),
                None,
                Vec::new(),
            )),
            many => Some(self.folded_phrase(many)),
        }
    }

    /// An abbreviation's other form (R11), searched as a phrase with a lower weight.
    fn expansion_query(&self, replacement: &str, weight: f32) -> Option<Box<dyn Query>> {
        let syllables = analyze(replacement, Form::Exact);
        let weight = weight * W_ABBREVIATION;
        if syllables.len() < 2 {
            let query = self.phrase_query(&syllables)?;
            return Some(Box::new(Boosted::new(query, weight)));
        }
        // Adjacent pairs instead of positions: each pair's folded bigram is required, its
        // exact bigram adds to the score. Much cheaper than a phrase on common expansions
        // (`nghị định`, `chính phủ`), and a single pair stays a plain union of terms.
        let f = &self.fields;
        let pairs: Vec<(Occur, Box<dyn Query>)> = syllables
            .windows(2)
            .map(|w| {
                let exact = bigram(&w[0].text, &w[1].text);
                let folded = bigram(
                    &Form::Folded.apply(&w[0].text),
                    &Form::Folded.apply(&w[1].text),
                );
                let mut either = vec![(
                    Occur::Should,
                    term_query(f.bigram_folded, &folded, W_PHRASE * weight),
                )];
                if exact != folded {
                    either.push((
                        Occur::Should,
                        term_query(f.bigram_exact, &exact, W_PHRASE * weight),
                    ));
                }
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(either)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(match <[_; 1]>::try_from(pairs) {
            Ok([(_, only)]) => only,
            Err(pairs) => Box::new(BooleanQuery::new(pairs)),
        })
    }

    /// The documents [`Self::expansion_query`] finds.
    fn expansion_match(&self, replacement: &str) -> Option<Box<dyn Query>> {
        let syllables = analyze(replacement, Form::Exact);
        if syllables.len() < 2 {
            return self.phrase_match(&syllables);
        }
        let mut pairs: Vec<(Occur, Box<dyn Query>)> = syllables
            .windows(2)
            .map(|w| {
                let folded = bigram(
                    &Form::Folded.apply(&w[0].text),
                    &Form::Folded.apply(&w[1].text),
                );
                let term = Term::from_field_text(self.fields.bigram_folded, &folded);
                (
                    Occur::Must,
                    Box::new(WeightedTerm::matching(term)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(if pairs.len() == 1 {
            pairs.remove(0).1
        } else {
            Box::new(BooleanQuery::new(pairs))
        })
    }

    /// The records [`Self::bigram_query`] finds: the folded bigram alone (an exact bigram
    /// folds to it), given the pair's folded syllables.
    fn bigram_match(&self, (first, second): (&str, &str)) -> Box<dyn Query> {
        let folded = bigram(first, second);
        Box::new(WeightedTerm::matching(Term::from_field_text(
            self.fields.bigram_folded,
            &folded,
        )))
    }

    /// An adjacent pair of syllables, on its folded and exact forms, with `weight` each:
    /// `exact` and `folded` are the pair's syllables in those forms.
    fn bigram_query(
        &self,
        (first, second): (&str, &str),
        folded: (&str, &str),
        weight: f32,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let folded = bigram(folded.0, folded.1);
        let exact = bigram(first, second);
        if folded == exact {
            term_query(f.bigram_folded, &folded, weight)
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term_query(f.bigram_folded, &folded, weight)),
                (Occur::Should, term_query(f.bigram_exact, &exact, weight)),
            ]))
        }
    }

    /// The pair of a restored or decoded reading beside the `typed` pair: its exact form, and
    /// its folded form only when that differs from the typed pair's (Telex), so a toneless
    /// query does not score its folded pairs twice.
    /// `typed_folded` and `read_folded` are the two pairs' folded syllables.
    fn reading_bigram_query(
        &self,
        typed_folded: (&str, &str),
        read: (&str, &str),
        read_folded: (&str, &str),
        weight: f32,
    ) -> Box<dyn Query> {
        if typed_folded != read_folded {
            return self.bigram_query(read, read_folded, weight);
        }
        term_query(self.fields.bigram_exact, &bigram(read.0, read.1), weight)
    }

    /// A quoted phrase: exact positions on the folded fields (required), plus the exact fields
    /// as a bonus when the phrase carries marks.
    fn phrase_query(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        if syllables.is_empty() {
            return None;
        }
        if syllables.len() == 1 {
            let exact = &syllables[0].text;
            let folded = Form::Folded.apply(exact);
            return Some(self.syllable_query(exact, &folded, W_PHRASE, None, Vec::new()));
        }
        let exact: Vec<String> = syllables.iter().map(|s| s.text.clone()).collect();
        let folded: Vec<String> = exact.iter().map(|s| Form::Folded.apply(s)).collect();
        let phrase = |field: Field, words: &[String], boost: f32| -> Box<dyn Query> {
            let terms = words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            Box::new(WeightedPhrase::new(terms, boost))
        };
        let mut clauses = vec![
            (
                Occur::Should,
                phrase(f.title_folded, &folded, W_PHRASE * W_TITLE),
            ),
            (Occur::Should, phrase(f.text_folded, &folded, W_PHRASE)),
        ];
        if exact != folded {
            clauses.push((
                Occur::Should,
                phrase(f.title_exact, &exact, W_PHRASE * W_TITLE),
            ));
            clauses.push((Occur::Should, phrase(f.text_exact, &exact, W_PHRASE)));
        }
        Some(self.guarded(&folded, Box::new(BooleanQuery::new(clauses))))
    }

    /// Requires, before a phrase is checked, that the record holds each adjacent pair of the
    /// phrase's folded syllables (one short bigram posting list each, no positions): the
    /// phrase's positions are then read only for records that can match. Scores unchanged.
    fn guarded(&self, folded: &[String], phrase: Box<dyn Query>) -> Box<dyn Query> {
        let mut pairs: Vec<String> = folded.windows(2).map(|w| bigram(&w[0], &w[1])).collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return phrase;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = pairs
            .iter()
            .map(|p| {
                let term = Term::from_field_text(self.fields.bigram_folded, p);
                let guard: Box<dyn Query> =
                    Box::new(Guard::new(Box::new(WeightedTerm::matching(term))));
                (Occur::Must, guard)
            })
            .collect();
        clauses.push((Occur::Must, phrase));
        Box::new(BooleanQuery::new(clauses))
    }

    /// What `-word` / `-"phrase"` excludes: a toneless word excludes every accented reading,
    /// an accented one only its own spelling variants.
    fn exclusion_query(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        match syllables {
            [] => None,
            [single] => {
                let folded = Form::Folded.apply(&single.text);
                let (title, text, term) = if folded == single.text {
                    (f.title_folded, f.text_folded, folded)
                } else if variant_is_indexed(&single.text) {
                    (
                        f.title_variant,
                        f.text_variant,
                        Form::Variant.apply(&single.text),
                    )
                } else {
                    // Its own spelling is its only one, and the variant fields do not hold it.
                    (f.title_exact, f.text_exact, single.text.clone())
                };
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term_query(title, &term, 1.0)),
                    (Occur::Should, term_query(text, &term, 1.0)),
                ])))
            }
            many => Some(self.folded_phrase(many)),
        }
    }
}

/// The exact-form texts of the tokens of `text` (over-long ones included).
fn exact_tokens(text: &str) -> Vec<String> {
    vietnamese::tokenize(text)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// Whether [`analyze`] keeps a token (it drops over-long ones).
fn kept(token: &str) -> bool {
    token.len() < MAX_TOKEN_BYTES
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(WeightedTerm::scored(
        Term::from_field_text(field, text),
        boost,
    ))
}

fn number_clause(field: Field, key: &str, score: f32) -> Box<dyn Query> {
    Box::new(ConstTerm::new(Term::from_field_text(field, key), score))
}
