//! Flattening scored queries into one union of weighted terms, so Tantivy can run block-WAND
//! (skipping documents that cannot enter the top hits) and count with a single union.
//!
//! A tree of `Should` boolean queries over weighted terms scores a document with the sum of
//! its matching terms' scores, however it is nested; one flat union of the same terms (a term
//! met twice carries the sum of its weights) scores every document the same and matches the
//! same documents. Tantivy only uses block-WAND when the top query is such a flat union.
//!
//! A query that requires its words (`Must` clauses over such trees) scores each document it
//! finds with the same sum, so its flat union ranks them the same: [`flatten_required`] gives
//! that union, which finds more documents (those missing a word) and is run within the
//! query's matching set.

use rustc_hash::FxHashMap;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
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

/// Collects the weighted terms of a tree that may also require clauses: every document the
/// tree finds matches each `Must` clause, and scores the sum of all its matching terms when
/// each `Should` clause beside a required one is a pure `Should` tree (a lone clause is
/// required). Exclusions change the documents, not the scores: they are left to the matching
/// set. False for anything else (phrases, constant scores, `OR` alternatives that require
/// words, whose partial matches would score in the union but not in the tree).
fn collect_required<'a>(query: &'a dyn Query, out: &mut Vec<Met<'a>>) -> bool {
    if query.downcast_ref::<WeightedTerm>().is_some() {
        return collect(query, 1.0, out);
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    if boolean.get_minimum_number_should_match() > 1 {
        return false;
    }
    let positive: Vec<_> = boolean
        .clauses()
        .iter()
        .filter(|(occur, _)| *occur != Occur::MustNot)
        .collect();
    if let [(_, only)] = positive.as_slice() {
        return collect_required(only.as_ref(), out);
    }
    positive.iter().all(|(occur, sub)| match occur {
        Occur::Must => collect_required(sub.as_ref(), out),
        _ => collect(sub.as_ref(), 1.0, out),
    })
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

/// The flat union of the terms of a `query` that requires some of them (see
/// [`collect_required`]): every document `query` finds, it finds with the same score, but it
/// also finds documents `query` does not, so it is meant to run within `query`'s matching set.
/// `None` when `query` is no such tree, or holds fewer than two distinct terms.
pub(crate) fn flatten_required(query: &dyn Query) -> Option<Box<dyn Query>> {
    // Room for a long query's terms without growing the list step by step.
    let mut terms = Vec::with_capacity(256);
    if !collect_required(query, &mut terms) {
        return None;
    }
    merged(terms)
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
