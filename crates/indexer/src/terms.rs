//! The terms of one search, each looked up once: [`Terms`] builds the weights of a search's
//! queries with one term-dictionary lookup per (field, term) and segment, shared by the BM25
//! statistics and the scorers' postings and by every pass of the search (count, pairs,
//! rescoring, the relaxed plan), where Tantivy's `TermQuery` looks a term up twice per pass
//! and builds its BM25 weight (a table of 256 norms, explanations) each time.
//!
//! The scores are Tantivy's to the bit: the same BM25 weight (`Bm25Weight::for_one_term`
//! over the searcher's statistics), boosted as `BoostQuery` boosts, and the same unions
//! summing them. [`Terms::weight`] serves the passes that seek each term to a few documents
//! (rescoring a long query's candidates) or read one term at a time (a long query's pairs);
//! passes that run unions over many documents (counting, ranking, checking what a flat union
//! keeps) keep Tantivy's own term scorers, whose unions run faster and prune with block-WAND
//! ([`Terms::tantivy_weight`]), with their statistics from the lookups here.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use tantivy::collector::Collector;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, BooleanWeight, EnableScoring, Explanation,
    Occur, Query, Scorer, SumCombiner, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocId, DocSet, InvertedIndexReader, Score, Searcher, SegmentReader, TERMINATED, TantivyError,
    Term,
};

use crate::flat::{Boosted, ConstTerm, Guard, WeightedPhrase, WeightedTerm};
use crate::known::KnownTerms;
use crate::seeking::{SeekingUnion, seeking_phrases};

/// One search's term lookups and weights (see the module doc). Lives for one search, on one
/// thread; the weights it builds share its lookups and may outlive it.
pub(crate) struct Terms<'s> {
    searcher: &'s Searcher,
    /// Documents in all segments (deleted ones included), as BM25 counts them.
    total_docs: u64,
    fields: RefCell<FxHashMap<Field, Arc<FieldStats>>>,
    terms: RefCell<FxHashMap<Term, Arc<TermStats>>>,
    /// The generation's listed syllables, when the search has them (see [`KnownTerms`]).
    known: Option<&'s KnownTerms>,
}

/// What every term of a field needs, per segment.
struct FieldStats {
    /// The searcher's segments, in order.
    segments: Vec<SegmentId>,
    inverted: Vec<Arc<InvertedIndexReader>>,
    /// The field's norms per segment (`None`: the segment holds none).
    norms: Vec<Option<FieldNormReader>>,
    /// Tokens in the field, over all segments.
    tokens: u64,
    /// Average tokens per document in the field, over all segments (BM25's `avgdl`).
    average_fieldnorm: Score,
}

/// One term's lookups.
pub(crate) struct TermStats {
    /// The term in each segment (`None`: absent there).
    infos: Vec<Option<TermInfo>>,
    /// Documents holding the term in all segments.
    doc_freq: u64,
    /// The term's BM25 weight, made on first scored use.
    bm25: OnceLock<Arc<Bm25Weight>>,
}

impl TermStats {
    /// The term's entry in segment `segment`.
    pub(crate) fn info(&self, segment: tantivy::SegmentOrdinal) -> Option<&TermInfo> {
        self.infos.get(segment as usize)?.as_ref()
    }

    /// Documents holding the term in all segments (what `Searcher::doc_freq` counts).
    #[cfg(test)]
    pub(crate) fn doc_freq(&self) -> u64 {
        self.doc_freq
    }
}

impl<'s> Terms<'s> {
    pub(crate) fn new(searcher: &'s Searcher) -> Self {
        let total_docs = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        Self {
            searcher,
            total_docs,
            fields: RefCell::default(),
            terms: RefCell::default(),
            known: None,
        }
    }

    /// These lookups, finding the listed syllables of `known` without the dictionaries.
    pub(crate) fn with_known(self, known: &'s KnownTerms) -> Self {
        Self {
            known: Some(known),
            ..self
        }
    }

    pub(crate) fn searcher(&self) -> &'s Searcher {
        self.searcher
    }

    fn field(&self, field: Field) -> tantivy::Result<Arc<FieldStats>> {
        if let Some(stats) = self.fields.borrow().get(&field) {
            return Ok(Arc::clone(stats));
        }
        let mut inverted = Vec::new();
        let mut norms = Vec::new();
        let mut tokens = 0u64;
        for reader in self.searcher.segment_readers() {
            let index = reader.inverted_index(field)?;
            tokens += index.total_num_tokens();
            inverted.push(index);
            norms.push(reader.fieldnorms_readers().get_field(field)?);
        }
        let stats = Arc::new(FieldStats {
            segments: self
                .searcher
                .segment_readers()
                .iter()
                .map(SegmentReader::segment_id)
                .collect(),
            inverted,
            norms,
            tokens,
            // As `Bm25Weight::for_terms` computes it.
            average_fieldnorm: tokens as Score / self.total_docs as Score,
        });
        self.fields.borrow_mut().insert(field, Arc::clone(&stats));
        Ok(stats)
    }

    /// The lookups of `term`, made on first use.
    pub(crate) fn term(&self, term: &Term) -> tantivy::Result<Arc<TermStats>> {
        if let Some(stats) = self.terms.borrow().get(term) {
            return Ok(Arc::clone(stats));
        }
        let field = self.field(term.field())?;
        let infos = match self.known.and_then(|k| k.infos(term, &field.segments)) {
            Some(infos) => infos,
            None => field
                .inverted
                .iter()
                .map(|index| index.get_term_info(term))
                .collect::<std::io::Result<Vec<_>>>()?,
        };
        let doc_freq = infos.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
        let stats = Arc::new(TermStats {
            infos,
            doc_freq,
            bm25: OnceLock::new(),
        });
        self.terms
            .borrow_mut()
            .insert(term.clone(), Arc::clone(&stats));
        Ok(stats)
    }

    /// The weight of `query`, scoring or not: boolean queries, seeking unions and weighted
    /// terms are built here from the shared lookups (the same scorers, scores and documents
    /// as Tantivy's own weights); any other query builds its own weight.
    pub(crate) fn weight(
        &self,
        query: &dyn Query,
        scoring: bool,
    ) -> tantivy::Result<Box<dyn Weight>> {
        if let Some(term) = query.downcast_ref::<WeightedTerm>() {
            return Ok(Box::new(self.term_weight(term, scoring)?));
        }
        if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
            // As `BooleanQuery::weight` builds it.
            let clauses = boolean
                .clauses()
                .iter()
                .map(|(occur, sub)| Ok((*occur, self.weight(sub.as_ref(), scoring)?)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            return Ok(Box::new(BooleanWeight::with_minimum_number_should_match(
                clauses,
                boolean.get_minimum_number_should_match(),
                scoring,
                Box::new(SumCombiner::default),
            )));
        }
        if let Some(union) = query.downcast_ref::<SeekingUnion>() {
            return union.weight_with(|clause| self.weight(clause, scoring));
        }
        query.weight(self.scoring(scoring))
    }

    /// An upper bound of the documents `query` matches, from its terms' document counts: a
    /// term's count (constant-score or not), a phrase's rarest term's, a guard's or boosted query's, the smallest of the required
    /// clauses', the sum of alternatives'; all the documents for any other query.
    pub(crate) fn bound(&self, query: &dyn Query) -> tantivy::Result<u64> {
        if let Some(term) = query.downcast_ref::<WeightedTerm>() {
            return Ok(self.term(term.term())?.doc_freq);
        }
        if let Some(phrase) = query.downcast_ref::<WeightedPhrase>() {
            let mut bound = self.total_docs;
            for term in phrase.terms() {
                bound = bound.min(self.term(term)?.doc_freq);
            }
            return Ok(bound);
        }
        if let Some(constant) = query.downcast_ref::<ConstTerm>() {
            return Ok(self.term(constant.term())?.doc_freq);
        }
        if let Some(guard) = query.downcast_ref::<Guard>() {
            return self.bound(guard.query());
        }
        if let Some(boosted) = query.downcast_ref::<Boosted>() {
            return self.bound(boosted.query());
        }
        let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
            return Ok(self.total_docs);
        };
        let mut required: Option<u64> = None;
        let mut alternatives = 0u64;
        for (occur, sub) in boolean.clauses() {
            match occur {
                Occur::Must => {
                    let bound = self.bound(sub.as_ref())?;
                    required = Some(required.map_or(bound, |r| r.min(bound)));
                }
                Occur::Should => {
                    alternatives = alternatives.saturating_add(self.bound(sub.as_ref())?)
                }
                Occur::MustNot => {}
            }
        }
        Ok(required.unwrap_or(alternatives).min(self.total_docs))
    }

    /// A guess at how many documents `query` matches, from its terms' document counts as if
    /// the words of a record were independent: a term's count, a phrase's terms' shares of
    /// the documents multiplied, the required clauses' shares multiplied, the sum of
    /// alternatives'; all the documents for any other query. Words that go together (a
    /// phrase, a name) match more than the guess: it only chooses which pass to try first
    /// (see [`crate::collector::rank_up_to`]), never what a search finds.
    pub(crate) fn estimate(&self, query: &dyn Query) -> tantivy::Result<f64> {
        let all = self.total_docs.max(1) as f64;
        if let Some(term) = query.downcast_ref::<WeightedTerm>() {
            return Ok(self.term(term.term())?.doc_freq as f64);
        }
        if let Some(phrase) = query.downcast_ref::<WeightedPhrase>() {
            let mut share = 1.0;
            for term in phrase.terms() {
                share *= self.term(term)?.doc_freq as f64 / all;
            }
            return Ok(share * all);
        }
        if let Some(constant) = query.downcast_ref::<ConstTerm>() {
            return Ok(self.term(constant.term())?.doc_freq as f64);
        }
        if let Some(guard) = query.downcast_ref::<Guard>() {
            return self.estimate(guard.query());
        }
        if let Some(boosted) = query.downcast_ref::<Boosted>() {
            return self.estimate(boosted.query());
        }
        let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
            return Ok(all);
        };
        let mut required: Option<f64> = None;
        let mut alternatives = 0.0;
        for (occur, sub) in boolean.clauses() {
            match occur {
                Occur::Must => {
                    let share = self.estimate(sub.as_ref())? / all;
                    required = Some(required.unwrap_or(1.0) * share);
                }
                Occur::Should => alternatives += self.estimate(sub.as_ref())?,
                Occur::MustNot => {}
            }
        }
        Ok(required.map_or(alternatives, |share| share * all).min(all))
    }

    /// Tantivy's own weight of `query`, with the statistics of the lookups here: for passes
    /// over many documents, where Tantivy's unions of its own term scorers run faster (one
    /// type, no dynamic calls) and a flat union prunes with block-WAND (which only works on
    /// them). Each scorer then looks its term up again, once per segment.
    pub(crate) fn tantivy_weight(
        &self,
        query: &dyn Query,
        scoring: bool,
    ) -> tantivy::Result<Box<dyn Weight>> {
        query.weight(self.scoring(scoring))
    }

    /// [`Self::tantivy_weight`] of `query` with its unions of phrases seeking (see
    /// [`seeking_phrases`]): for the passes that run a query over many documents (counting,
    /// ranking, checking what a flat union keeps).
    pub(crate) fn scan_weight(
        &self,
        query: &dyn Query,
        scoring: bool,
    ) -> tantivy::Result<Box<dyn Weight>> {
        let phrases = seeking_phrases(query);
        self.tantivy_weight(phrases.as_deref().unwrap_or(query), scoring)
    }

    fn scoring(&self, scoring: bool) -> EnableScoring<'_> {
        if scoring {
            EnableScoring::enabled_from_statistics_provider(self, self.searcher)
        } else {
            EnableScoring::disabled_from_searcher(self.searcher)
        }
    }

    /// The weight of one weighted term: what `BoostQuery(TermQuery)` (or the bare
    /// `TermQuery` for a weight of one) builds, from the shared lookups.
    pub(crate) fn term_weight(
        &self,
        term: &WeightedTerm,
        scoring: bool,
    ) -> tantivy::Result<TermWeight> {
        let schema = self.searcher.schema();
        let entry = schema.get_field_entry(term.term().field());
        if !entry.is_indexed() {
            return Err(TantivyError::SchemaError(format!(
                "Field {:?} is not indexed.",
                entry.name()
            )));
        }
        let stats = self.term(term.term())?;
        let field = self.field(term.term().field())?;
        let bm25 = if scoring {
            let bm25 = stats.bm25.get_or_init(|| {
                Arc::new(Bm25Weight::for_one_term_without_explain(
                    stats.doc_freq,
                    self.total_docs,
                    field.average_fieldnorm,
                ))
            });
            // As `BoostWeight` passes its boost down: the enclosing boost (one) times the
            // term's weight, into BM25's weight (unchanged by a weight of one: shared).
            Some(match term.boost() {
                Some(weight) => Arc::new(bm25.boost_by(1.0 * weight)),
                None => Arc::clone(bm25),
            })
        } else {
            None
        };
        Ok(TermWeight {
            term: term.term().clone(),
            stats,
            field,
            boost: term.boost(),
            option: if scoring {
                term.option()
            } else {
                IndexRecordOption::Basic
            },
            bm25,
        })
    }

    /// Runs `collector` over `query` in every segment, as `Searcher::search` does (scoring when
    /// the collector needs scores), with Tantivy's weights over the lookups' statistics (see
    /// [`Self::scan_weight`]).
    pub(crate) fn search<C: Collector>(
        &self,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        let weight = self.scan_weight(query, collector.requires_scoring())?;
        let fruits = self
            .searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(ord, reader)| collector.collect_segment(weight.as_ref(), ord as u32, reader))
            .collect::<tantivy::Result<Vec<_>>>()?;
        collector.merge_fruits(fruits)
    }
}

/// Tantivy's BM25 statistics, from the lookups (for the term queries it builds itself).
impl Bm25StatisticsProvider for Terms<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self.field(field)?.tokens)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.total_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Ok(self.term(term)?.doc_freq)
    }
}

/// A weighted term's weight over shared lookups: Tantivy's `TermWeight` (boosted as
/// `BoostWeight` boosts) without its lookups.
pub(crate) struct TermWeight {
    /// For a segment the lookups did not see.
    term: Term,
    stats: Arc<TermStats>,
    field: Arc<FieldStats>,
    /// The term's weight when not one.
    boost: Option<Score>,
    option: IndexRecordOption,
    /// The BM25 weight with the term's weight (an enclosing boost of one); `None` when not
    /// scoring.
    bm25: Option<Arc<Bm25Weight>>,
}

impl TermWeight {
    /// The term's scorer in `reader`'s segment, `boost` coming from the enclosing queries.
    fn term_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<TermScorer> {
        let segment = self
            .field
            .segments
            .iter()
            .position(|id| *id == reader.segment_id());
        let bm25 = match &self.bm25 {
            None => None,
            Some(bm25) if boost == 1.0 => Some(Arc::clone(bm25)),
            Some(_) => {
                // Never met here (boosts above terms build Tantivy's weights), kept exact.
                let unboosted = self.stats.bm25.get().ok_or_else(|| {
                    TantivyError::InternalError("a scored term without BM25".to_owned())
                })?;
                Some(Arc::new(
                    unboosted.boost_by(boost * self.boost.unwrap_or(1.0)),
                ))
            }
        };
        let norms = match (&bm25, segment) {
            (None, _) => None,
            (Some(_), Some(segment)) => self.field.norms[segment].clone(),
            (Some(_), None) => reader.fieldnorms_readers().get_field(self.term.field())?,
        };
        let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let postings = match segment {
            Some(segment) => match &self.stats.infos[segment] {
                Some(info) => {
                    self.field.inverted[segment].read_postings_from_terminfo(info, self.option)?
                }
                None => SegmentPostings::empty(),
            },
            // A segment the lookups did not see (not expected): looked up on its own.
            None => reader
                .inverted_index(self.term.field())?
                .read_postings(&self.term, self.option)?
                .unwrap_or_else(SegmentPostings::empty),
        };
        Ok(TermScorer {
            postings,
            norms,
            bm25,
        })
    }
}

impl TermWeight {
    /// The position of `reader`'s segment among the lookups' segments.
    fn segment_of(&self, reader: &SegmentReader) -> Option<usize> {
        self.field
            .segments
            .iter()
            .position(|id| *id == reader.segment_id())
    }

    /// Documents holding the term in `reader`'s segment, deleted ones included (`None`: a
    /// segment the lookups did not see).
    pub(crate) fn segment_doc_freq(&self, reader: &SegmentReader) -> Option<u32> {
        let segment = self.segment_of(reader)?;
        Some(self.stats.infos[segment].as_ref().map_or(0, |i| i.doc_freq))
    }

    /// The largest score the term can give a document (BM25's weight: its frequency factor
    /// stays below one), `None` when not scoring.
    pub(crate) fn max_score(&self) -> Option<Score> {
        self.bm25.as_ref().map(|bm25| bm25.max_score())
    }

    /// Calls `f(i, score)` for each `docs[i]` the term holds in `reader`'s segment, with the
    /// score [`Self::for_each_scored`] gives it; `docs` ascending. Skips the blocks of
    /// postings between them unread (a few scattered documents of a common term).
    pub(crate) fn scores_at(
        &self,
        reader: &SegmentReader,
        docs: &[DocId],
        mut f: impl FnMut(usize, Score),
    ) -> tantivy::Result<()> {
        let (Some(segment), Some(bm25)) = (self.segment_of(reader), &self.bm25) else {
            // Not scoring, or a segment the lookups did not see: with a cursor.
            let mut scorer = self.term_scorer(reader, 1.0)?;
            for (i, &doc) in docs.iter().enumerate() {
                let mut at = scorer.doc();
                if at < doc {
                    at = scorer.seek(doc);
                }
                if at == doc {
                    f(i, scorer.score());
                }
            }
            return Ok(());
        };
        let Some(info) = &self.stats.infos[segment] else {
            return Ok(());
        };
        let norms = self.field.norms[segment]
            .clone()
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let mut block =
            self.field.inverted[segment].read_block_postings_from_terminfo(info, self.option)?;
        for (i, &doc) in docs.iter().enumerate() {
            if block.docs().last().is_none_or(|&last| last < doc) {
                // To the block that may hold `doc`, the ones before left unread.
                block.seek(doc);
                if block.docs().is_empty() {
                    return Ok(());
                }
            }
            if let Ok(at) = block.docs().binary_search(&doc) {
                f(i, bm25.score(norms.fieldnorm_id(doc), block.freq(at)));
            }
        }
        Ok(())
    }

    /// Calls `f` with every document of the term in `reader`'s segment (deleted ones too) and
    /// its score, reading the postings a block at a time: the documents and scores of
    /// [`Weight::for_each`], without a cursor moved document by document.
    pub(crate) fn for_each_scored(
        &self,
        reader: &SegmentReader,
        mut f: impl FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let (Some(segment), Some(bm25)) = (self.segment_of(reader), &self.bm25) else {
            // Not scoring, or a segment the lookups did not see: document by document.
            return self.for_each(reader, &mut f);
        };
        let Some(info) = &self.stats.infos[segment] else {
            return Ok(());
        };
        let norms = self.field.norms[segment]
            .clone()
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        // Frequencies are read as the field has them (a field without: all one, as the
        // cursor reads them).
        let mut block =
            self.field.inverted[segment].read_block_postings_from_terminfo(info, self.option)?;
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                return Ok(());
            }
            for (i, &doc) in docs.iter().enumerate() {
                // As `TermScorer::score`: the document's norm and term frequency.
                f(doc, bm25.score(norms.fieldnorm_id(doc), block.freq(i)));
            }
            block.advance();
        }
    }
}

impl Weight for TermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.term_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.term_scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        Ok(match &scorer.bm25 {
            Some(bm25) => bm25.explain(scorer.norms.fieldnorm_id(doc), scorer.postings.term_freq()),
            None => Explanation::new("no score", 1.0),
        })
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let mut scorer = self.term_scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            callback(doc, scorer.score());
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// Tantivy's `TermScorer` over postings read from a looked-up term: the same documents and
/// the same BM25 score (`Bm25Weight::score` of the document's norm and term frequency).
struct TermScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    /// `None` when not scoring.
    bm25: Option<Arc<Bm25Weight>>,
}

impl DocSet for TermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for TermScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(
                self.norms.fieldnorm_id(self.postings.doc()),
                self.postings.term_freq(),
            ),
            // Not scoring: Tantivy's unscored term weight scores one.
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{BoostQuery, TermQuery};
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::schema::Fields;
    use crawler::{Kind, Record};

    /// A small Vietnamese index in two segments, its common words in more than one block of
    /// postings (128 documents).
    fn index() -> (Index, Fields) {
        let sentences = [
            "Ủy ban nhân dân huyện Than Uyên chỉ đạo các xã xây dựng nông thôn mới",
            "Hội đồng nhân dân huyện giám sát chương trình giảm nghèo bền vững",
            "các xã tổ chức tuyên truyền bảo vệ rừng mùa khô hanh",
            "Quyết định về việc phê duyệt kế hoạch sử dụng đất năm 2024",
        ];
        let (index, fields) = crate::build::create_index(None).expect("index");
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for i in 0..400 {
            let mut r = Record::new(
                format!("tin-{i}"),
                Kind::News,
                format!("https://x.test/{i}"),
            );
            r.title = format!("Tin {i} {}", sentences[(i + 1) % 4]);
            r.body = format!("{} {}", sentences[i % 4], "nội dung ".repeat(i % 7));
            // No side file in this test: the shown hits are not read.
            writer
                .add_document(fields.document(&r, None, 0).expect("document"))
                .expect("add");
            if i == 259 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        (index, fields)
    }

    fn searcher(index: &Index) -> Searcher {
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        searcher
    }

    /// Every (segment, document, score bits) a weight finds, in document order.
    fn all(weight: &dyn Weight, searcher: &Searcher) -> Vec<(usize, DocId, u32)> {
        let mut out = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            weight
                .for_each(reader, &mut |doc, score| {
                    out.push((ord, doc, score.to_bits()))
                })
                .expect("for_each");
        }
        out
    }

    fn words(fields: &Fields) -> Vec<Term> {
        let mut terms = Vec::new();
        for (field, text) in [
            (fields.text_exact, "huyện"),
            (fields.text_folded, "huyen"),
            (fields.title_exact, "nông"),
            (fields.title_folded, "xa"),
            (fields.text_variant, "rừng"),
            (fields.bigram_folded, "nhan dan"),
            // Absent from the index.
            (fields.text_exact, "sông"),
        ] {
            terms.push(Term::from_field_text(field, text));
        }
        terms
    }

    #[test]
    fn a_term_is_looked_up_once_with_what_a_fresh_lookup_finds() {
        let (index, fields) = index();
        let searcher = searcher(&index);
        let terms = Terms::new(&searcher);
        for term in words(&fields) {
            let first = terms.term(&term).expect("lookup");
            let again = terms.term(&term).expect("lookup");
            assert!(Arc::ptr_eq(&first, &again), "{term:?} looked up twice");
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let fresh = reader
                    .inverted_index(term.field())
                    .expect("inverted index")
                    .get_term_info(&term)
                    .expect("term info");
                assert_eq!(first.info(ord as u32), fresh.as_ref(), "{term:?}");
            }
            assert_eq!(
                first.doc_freq(),
                searcher.doc_freq(&term).expect("doc_freq")
            );
        }
        let present = Term::from_field_text(fields.text_folded, "huyen");
        assert!(terms.term(&present).expect("lookup").doc_freq() > 128);
    }

    #[test]
    fn term_scores_are_tantivys_to_the_bit() {
        let (index, fields) = index();
        let searcher = searcher(&index);
        let terms = Terms::new(&searcher);
        let tantivy = EnableScoring::enabled_from_searcher(&searcher);
        for term in words(&fields) {
            for weight in [1.0, 1.5, 0.3, 2.0 * 0.5] {
                let ours = terms
                    .weight(&WeightedTerm::scored(term.clone(), weight), true)
                    .expect("weight");
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
                let query = if weight == 1.0 {
                    query
                } else {
                    Box::new(BoostQuery::new(query, weight))
                };
                let theirs = query.weight(tantivy).expect("weight");
                let expected = all(theirs.as_ref(), &searcher);
                assert_eq!(
                    all(ours.as_ref(), &searcher),
                    expected,
                    "{term:?} x{weight}"
                );
                // Read a block at a time, the same.
                let blocks = terms
                    .term_weight(&WeightedTerm::scored(term.clone(), weight), true)
                    .expect("weight");
                let mut read = Vec::new();
                for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                    blocks
                        .for_each_scored(reader, |doc, score| {
                            read.push((ord, doc, score.to_bits()))
                        })
                        .expect("blocks");
                }
                assert_eq!(read, expected, "{term:?} x{weight}");
            }
            // Without scoring, the same documents.
            let docs = |weight: &dyn Weight| -> Vec<DocId> {
                all(weight, &searcher)
                    .into_iter()
                    .map(|(_, d, _)| d)
                    .collect()
            };
            let ours = terms
                .weight(&WeightedTerm::matching(term.clone()), false)
                .expect("weight");
            let theirs = TermQuery::new(term.clone(), IndexRecordOption::Basic)
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .expect("weight");
            assert_eq!(docs(ours.as_ref()), docs(theirs.as_ref()), "{term:?}");
        }
    }
}
