//! Flattening scored queries into one union of weighted terms, so Tantivy can run block-WAND
//! (skipping documents that cannot enter the top hits) and count with a single union.
//!
//! A tree of `Should` boolean queries over weighted terms scores a document with the sum of
//! its matching terms' scores, however it is nested; one flat union of the same terms (a term
//! met twice carries the sum of its weights) scores every document the same and matches the
//! same documents. Tantivy only uses block-WAND when the top query is such a flat union.
//!
//! Any other query built of weighted terms, weighted phrases, zero-scoring guards,
//! constant-score terms and boosted queries (one that requires its words, has phrases, `OR` alternatives,
//! exclusions, filters or document numbers) has a bounding union ([`bounding_union`]): the
//! union of all its terms, which finds every document the query finds (with the documents of
//! its constant-score terms, listed apart) and scores each at least as high (the same score
//! when the query requires plain terms). Block-WAND over it skips the documents that cannot
//! enter the top hits, and the query itself checks and scores the rest (a phrase's positions
//! are then read for those only).

use rustc_hash::FxHashMap;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery,
    Weight,
};
use tantivy::schema::IndexRecordOption;

/// A term query with a weight, which [`flatten`] can see through (Tantivy's `BoostQuery`
/// does not expose what it wraps).
#[derive(Debug, Clone)]
pub(crate) struct WeightedTerm {
    term: Term,
    weight: f32,
    option: IndexRecordOption,
}

impl WeightedTerm {
    /// A term scored with frequencies (BM25), multiplied by `weight`.
    pub(crate) fn scored(term: Term, weight: f32) -> Self {
        Self {
            term,
            weight,
            option: IndexRecordOption::WithFreqs,
        }
    }

    /// A term used only to match documents.
    pub(crate) fn matching(term: Term) -> Self {
        Self {
            term,
            weight: 1.0,
            option: IndexRecordOption::Basic,
        }
    }

    pub(crate) fn term(&self) -> &Term {
        &self.term
    }

    pub(crate) fn option(&self) -> IndexRecordOption {
        self.option
    }

    /// The weight when it is not one: the boost applied to the term's score.
    pub(crate) fn boost(&self) -> Option<f32> {
        ((self.weight - 1.0).abs() > f32::EPSILON).then_some(self.weight)
    }

    /// The Tantivy query scoring as this term: the term query, boosted by the weight.
    fn query(&self) -> Box<dyn Query> {
        let query = Box::new(TermQuery::new(self.term.clone(), self.option));
        match self.boost() {
            Some(boost) => Box::new(BoostQuery::new(query, boost)),
            None => query,
        }
    }
}

impl Query for WeightedTerm {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.query().weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// A phrase query with a weight (Tantivy's `BoostQuery` over its `PhraseQuery`, whose weight
/// and scores it has), which [`bounding_union`] can see through: its score never exceeds the
/// sum of its terms' BM25 scores with the same weight (the phrase's idf is the sum of its
/// terms' idfs, and each term occurs at least as often as the phrase, with the same norm).
#[derive(Debug, Clone)]
pub(crate) struct WeightedPhrase {
    /// The phrase's terms in order, each scored with the phrase's weight.
    terms: Vec<WeightedTerm>,
    weight: f32,
}

impl WeightedPhrase {
    /// The phrase of `terms` (one field, at least two terms), its score multiplied by
    /// `weight`.
    pub(crate) fn new(terms: Vec<Term>, weight: f32) -> Self {
        Self {
            terms: terms
                .into_iter()
                .map(|term| WeightedTerm::scored(term, weight))
                .collect(),
            weight,
        }
    }

    /// The phrase's terms, in order.
    pub(crate) fn terms(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().map(WeightedTerm::term)
    }
}

impl Query for WeightedPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let phrase = PhraseQuery::new(self.terms().cloned().collect());
        BoostQuery::new(Box::new(phrase), self.weight).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(&term.term, true);
        }
    }
}

/// A required clause that only filters: Tantivy's `ConstScoreQuery` of zero over `query` (the
/// same documents and scores), which [`bounding_union`] and the match bounds of
/// [`crate::terms::Terms::bound`] can see through.
#[derive(Debug)]
pub(crate) struct Guard {
    query: Box<dyn Query>,
}

impl Guard {
    pub(crate) fn new(query: Box<dyn Query>) -> Self {
        Self { query }
    }

    /// The query whose documents pass.
    pub(crate) fn query(&self) -> &dyn Query {
        self.query.as_ref()
    }
}

impl Clone for Guard {
    fn clone(&self) -> Self {
        Self::new(self.query.box_clone())
    }
}

impl Query for Guard {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        ConstScoreQuery::new(self.query.box_clone(), 0.0).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// A weighted term met in a tree (borrowed: only the terms kept are copied) and its weight
/// there.
type Met<'a> = (&'a WeightedTerm, f32);

/// Collects the weighted terms of a pure `Should` tree; false when the tree holds anything
/// else (a required clause, a phrase, a constant score).
fn collect<'a>(query: &'a dyn Query, scale: f32, out: &mut Vec<Met<'a>>) -> bool {
    if let Some(term) = query.downcast_ref::<WeightedTerm>() {
        out.push((term, term.weight * scale));
        return true;
    }
    if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
        return boolean.get_minimum_number_should_match() <= 1
            && boolean
                .clauses()
                .iter()
                .all(|(occur, sub)| *occur == Occur::Should && collect(sub.as_ref(), scale, out));
    }
    false
}

/// True when `query` is already a flat union of weighted terms (what [`flatten`] makes).
pub(crate) fn is_flat(query: &dyn Query) -> bool {
    query.downcast_ref::<BooleanQuery>().is_some_and(|b| {
        b.clauses()
            .iter()
            .all(|(occur, q)| *occur == Occur::Should && q.downcast_ref::<WeightedTerm>().is_some())
    })
}

/// The flat union equivalent to `query`, when `query` is a pure `Should` tree of weighted
/// terms (at least two distinct ones).
pub(crate) fn flatten(query: &dyn Query) -> Option<Box<dyn Query>> {
    // Room for a long query's terms without growing the list step by step.
    let mut terms = Vec::with_capacity(256);
    if !collect(query, 1.0, &mut terms) {
        return None;
    }
    merged(terms)
}

/// A term scoring a constant (a document number's key): Tantivy's `ConstScoreQuery` over the
/// unscored `TermQuery` (the same documents and scores), which [`bounding_union`] and the
/// match bounds of [`crate::terms::Terms::bound`] can see through.
#[derive(Debug, Clone)]
pub(crate) struct ConstTerm {
    term: Term,
    score: f32,
}

impl ConstTerm {
    pub(crate) fn new(term: Term, score: f32) -> Self {
        Self { term, score }
    }

    pub(crate) fn term(&self) -> &Term {
        &self.term
    }
}

impl Query for ConstTerm {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let term = TermQuery::new(self.term.clone(), IndexRecordOption::Basic);
        ConstScoreQuery::new(Box::new(term), self.score).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// A query with a weight: Tantivy's `BoostQuery` (the same weight and scores), which
/// [`bounding_union`] can see through.
#[derive(Debug)]
pub(crate) struct Boosted {
    query: Box<dyn Query>,
    boost: f32,
}

impl Boosted {
    pub(crate) fn new(query: Box<dyn Query>, boost: f32) -> Self {
        Self { query, boost }
    }

    /// The query boosted.
    pub(crate) fn query(&self) -> &dyn Query {
        self.query.as_ref()
    }
}

impl Clone for Boosted {
    fn clone(&self) -> Self {
        Self::new(self.query.box_clone(), self.boost)
    }
}

impl Query for Boosted {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        BoostQuery::new(self.query.box_clone(), self.boost).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// How a query's terms bound it (see [`bounding_union`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bounded {
    /// Its terms find every document it finds (with the listed ones) and score each
    /// document not listed at least as high.
    Covered,
    /// A constant-score term: its documents are listed, and it scores nothing elsewhere.
    Listed,
    /// A guard: it scores nothing, and finds documents only beside a covered clause.
    Zero,
    /// Something else (a query of every document).
    Not,
}

/// Collects the terms bounding `query` (its score multiplied by `scale`) into `out`, and its
/// constant-score terms into `listed` (see [`bounding_union`]).
fn collect_bounding<'a>(
    query: &'a dyn Query,
    scale: f32,
    out: &mut Vec<Met<'a>>,
    listed: &mut Vec<&'a Term>,
) -> Bounded {
    if let Some(term) = query.downcast_ref::<WeightedTerm>() {
        out.push((term, term.weight * scale));
        return Bounded::Covered;
    }
    if let Some(phrase) = query.downcast_ref::<WeightedPhrase>() {
        out.extend(phrase.terms.iter().map(|t| (t, phrase.weight * scale)));
        return Bounded::Covered;
    }
    if let Some(boosted) = query.downcast_ref::<Boosted>() {
        return collect_bounding(boosted.query.as_ref(), scale * boosted.boost, out, listed);
    }
    if let Some(constant) = query.downcast_ref::<ConstTerm>() {
        listed.push(&constant.term);
        return Bounded::Listed;
    }
    if query.downcast_ref::<Guard>().is_some() {
        return Bounded::Zero;
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return Bounded::Not;
    };
    // Every document the query finds matches each required clause (when there is one), else
    // one of the alternatives; its score sums the clauses it matches. Exclusions only remove
    // documents.
    let (mut required, mut covered, mut alternatives) = (false, false, false);
    for (occur, sub) in boolean.clauses() {
        let bounded = match occur {
            Occur::MustNot => continue,
            Occur::Must => {
                required = true;
                collect_bounding(sub.as_ref(), scale, out, listed)
            }
            Occur::Should => {
                alternatives = true;
                match collect_bounding(sub.as_ref(), scale, out, listed) {
                    // A guard as an alternative finds documents no term does.
                    Bounded::Zero => Bounded::Not,
                    bounded => bounded,
                }
            }
        };
        match bounded {
            Bounded::Not => return Bounded::Not,
            Bounded::Covered | Bounded::Listed => covered |= *occur == Occur::Must,
            Bounded::Zero => {}
        }
    }
    if covered || !required && alternatives {
        Bounded::Covered
    } else {
        Bounded::Not
    }
}

/// What bounds a query's scores (see [`bounding_union`]).
pub(crate) struct Bounding {
    /// The union of the query's terms.
    pub(crate) union: Box<dyn Query>,
    /// Terms whose documents the query may find and score beyond the union (constant-score
    /// terms: a document number's keys): they are to be checked one by one.
    pub(crate) listed: Vec<Term>,
}

/// The union of the terms of `query` (weighted terms, weighted phrases, guards, constant-score
/// terms, in boolean queries of any shape), each with the sum of its weights: with the
/// documents of its constant-score terms (`listed`), it finds every document `query` finds,
/// and it scores every other document at least as high (BM25 scores are positive; a union
/// sums all the terms a document holds, the query only those of the clauses it matches, and
/// a phrase scores at most its terms). So the top hits of `query` are among the listed
/// documents and those whose union score reaches the kept ones' (see
/// [`crate::collector::top_within`]). `None` when `query` holds anything else, or fewer than
/// two distinct terms.
pub(crate) fn bounding_union(query: &dyn Query) -> Option<Bounding> {
    // Room for a long query's terms without growing the list step by step.
    let mut terms = Vec::with_capacity(256);
    let mut listed = Vec::new();
    if collect_bounding(query, 1.0, &mut terms, &mut listed) != Bounded::Covered {
        return None;
    }
    Some(Bounding {
        union: merged(terms)?,
        listed: listed.into_iter().cloned().collect(),
    })
}

/// One union of `terms`, a term met twice carrying the sum of its weights (added in the
/// order met) at its first place.
fn merged(mut terms: Vec<Met<'_>>) -> Option<Box<dyn Query>> {
    // Each term's first place, found by one pass over the terms (no copies of them).
    let first: Vec<usize> = {
        let mut seen: FxHashMap<(bool, &[u8]), usize> = FxHashMap::default();
        seen.reserve(terms.len());
        terms
            .iter()
            .enumerate()
            .map(|(at, (t, _))| {
                let key = (
                    t.option == IndexRecordOption::Basic,
                    t.term.serialized_term(),
                );
                *seen.entry(key).or_insert(at)
            })
            .collect()
    };
    for at in 0..terms.len() {
        if first[at] != at {
            let weight = terms[at].1;
            terms[first[at]].1 += weight;
        }
    }
    let merged: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .enumerate()
        .filter(|(at, _)| first[*at] == *at)
        .map(|(_, (t, weight))| {
            let term = WeightedTerm {
                weight,
                ..t.clone()
            };
            (Occur::Should, Box::new(term) as Box<dyn Query>)
        })
        .collect();
    (merged.len() >= 2).then(|| Box::new(BooleanQuery::new(merged)) as Box<dyn Query>)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    #[test]
    fn nested_should_trees_flatten_and_merge_repeated_terms() {
        let mut b = Schema::builder();
        let field = b.add_text_field("f", TEXT);
        let term = |t: &str, w: f32| -> Box<dyn Query> {
            Box::new(WeightedTerm::scored(Term::from_field_text(field, t), w))
        };
        let nested = BooleanQuery::new(vec![
            (Occur::Should, term("a", 1.0)),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term("b", 2.0)),
                    (Occur::Should, term("a", 0.5)),
                ])),
            ),
        ]);
        let flat = flatten(&nested).expect("a pure should tree");
        let flat = flat.downcast_ref::<BooleanQuery>().expect("a union");
        let weights: Vec<f32> = flat
            .clauses()
            .iter()
            .map(|(_, q)| q.downcast_ref::<WeightedTerm>().expect("a term").weight)
            .collect();
        assert_eq!(weights, [1.5, 2.0]);

        let required = BooleanQuery::new(vec![
            (Occur::Must, term("a", 1.0)),
            (Occur::Should, term("b", 1.0)),
        ]);
        assert!(flatten(&required).is_none());
    }
}
