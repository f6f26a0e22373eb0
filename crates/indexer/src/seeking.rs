//! Rewriting a query's unions into [`SeekingUnion`]s, which find and score a few scattered
//! documents by seeking each clause to them (rescoring a long query's candidates), where
//! Tantivy's union scorer would refill a window of 4,096 documents at every seek.

use tantivy::query::{
    BooleanQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::flat::WeightedPhrase;

/// `query` with its unions (the `Should` clauses of each boolean query) turned into
/// [`SeekingUnion`]s: the same documents and scores, cheap to seek.
pub(crate) fn seeking(query: &dyn Query) -> Box<dyn Query> {
    rewrite(query, false)
}

/// `query` with its unions of phrases (the `Should` clauses of a boolean query, when one of
/// them is a phrase) turned into [`SeekingUnion`]s, `None` when it has none: seeking one to a
/// document reads the phrases' positions at that document alone, where Tantivy's union
/// scorer checks each phrase over a window of 4,096 documents at every seek (so a phrase
/// guarded by its rare pairs was checked far beyond them). Other unions are left as they are.
pub(crate) fn seeking_phrases(query: &dyn Query) -> Option<Box<dyn Query>> {
    has_phrase_union(query).then(|| rewrite(query, true))
}

/// Whether a union of `query` (at any depth) has a phrase among its alternatives.
fn has_phrase_union(query: &dyn Query) -> bool {
    query.downcast_ref::<BooleanQuery>().is_some_and(|boolean| {
        boolean.get_minimum_number_should_match() <= 1
            && boolean.clauses().iter().any(|(occur, clause)| {
                *occur == Occur::Should && is_phrase(clause.as_ref())
                    || has_phrase_union(clause.as_ref())
            })
    })
}

fn is_phrase(query: &dyn Query) -> bool {
    query.downcast_ref::<WeightedPhrase>().is_some()
        || query.downcast_ref::<PhraseQuery>().is_some()
}

/// [`seeking`], or [`seeking_phrases`] with `phrases_only`.
fn rewrite(query: &dyn Query, phrases_only: bool) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query.box_clone();
    };
    let minimum = boolean.get_minimum_number_should_match();
    if minimum > 1 {
        return query.box_clone();
    }
    let seeks = !phrases_only
        || boolean
            .clauses()
            .iter()
            .any(|(occur, clause)| *occur == Occur::Should && is_phrase(clause.as_ref()));
    if !seeks {
        let clauses = boolean
            .clauses()
            .iter()
            .map(|(occur, clause)| (*occur, rewrite(clause.as_ref(), phrases_only)))
            .collect();
        return Box::new(BooleanQuery::with_minimum_required_clauses(
            clauses, minimum,
        ));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut should: Vec<Box<dyn Query>> = Vec::new();
    for (occur, clause) in boolean.clauses() {
        match occur {
            Occur::Should => should.push(rewrite(clause.as_ref(), phrases_only)),
            _ => clauses.push((*occur, rewrite(clause.as_ref(), phrases_only))),
        }
    }
    let union: Option<Box<dyn Query>> = match should.len() {
        0 => None,
        1 => should.pop(),
        _ => Some(Box::new(SeekingUnion { clauses: should })),
    };
    match union {
        Some(union) if clauses.is_empty() => union,
        union => {
            clauses.extend(union.map(|u| (Occur::Should, u)));
            Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses, minimum,
            ))
        }
    }
}

/// A union that finds and scores a document by seeking each clause to it: the same documents
/// and scores as the `Should` boolean query of its clauses (summed in clause order), for
/// checking a few scattered documents. Tantivy's union scorer reads every clause's postings
/// over a window of 4,096 documents at each seek, which for a long query's common words costs
/// nearly a full pass.
#[derive(Debug)]
pub(crate) struct SeekingUnion {
    clauses: Vec<Box<dyn Query>>,
}

impl Clone for SeekingUnion {
    fn clone(&self) -> Self {
        Self {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl SeekingUnion {
    /// The union's weight, each clause's weight made by `weight`.
    pub(crate) fn weight_with(
        &self,
        mut weight: impl FnMut(&dyn Query) -> tantivy::Result<Box<dyn Weight>>,
    ) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(SeekingUnionWeight {
            weights: self
                .clauses
                .iter()
                .map(|q| weight(q.as_ref()))
                .collect::<tantivy::Result<_>>()?,
        }))
    }
}

impl Query for SeekingUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.weight_with(|q| q.weight(enable_scoring))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct SeekingUnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for SeekingUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers: Vec<Box<dyn Scorer>> = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<_>>()?;
        let doc = scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        Ok(Box::new(SeekingUnionScorer { scorers, doc }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "sum of the matching clauses",
            scorer.score(),
        ))
    }
}

struct SeekingUnionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl SeekingUnionScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for SeekingUnionScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for scorer in &mut self.scorers {
            if scorer.doc() == doc {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .fold(0u32, |sum, s| sum.saturating_add(s.size_hint()))
    }
}

impl Scorer for SeekingUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers
            .iter_mut()
            .filter(|s| s.doc() == doc)
            .map(|s| s.score())
            .sum()
    }
}
