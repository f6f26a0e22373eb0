//! Running a plan: counting the matches (exactly, or up to a cap), facets, the top hits by
//! relevance (pruned, or a long query's candidates rescored by the full query) or by date,
//! and cursors for deep pages.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::SegmentPostings;
use tantivy::query::{BooleanQuery, Occur, Query, Scorer};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentOrdinal, SegmentReader, TERMINATED};

use super::SearchIndex;
use super::plan::{Candidates, Plan};
use crate::api::{EXACT_TOTAL_UP_TO, SearchRequest, Sort};
use crate::collector::{
    Candidate, Gather, Gathered, RankedUpTo, SortKey, count_up_to, docs_by_segment, rank_up_to,
    top_by_sum, top_within,
};
use crate::error::{Error, Result};
use crate::flat::{Boosted, Bounding, ConstTerm, Guard, WeightedTerm, bounding_union, is_flat};
use crate::pairs::{rescore_union, score_bound, top_by_sum_up_to};
use crate::schema::names;
use crate::seeking::seeking;
use crate::terms::Terms;

/// Long queries take their top hits from this many times the page's candidates by syllable
/// pairs ...
const CANDIDATE_FACTOR: usize = 4;
/// ... and at least this many.
const MIN_CANDIDATES: usize = 64;
/// Deeper pages than this run the full query instead.
const MAX_RESCORED_WINDOW: usize = 101;
/// The largest page window (`offset + limit`) served without a cursor.
const MAX_WINDOW: usize = 100_000;

/// How many candidates by syllable pairs a long query rescores for `k` hits.
fn pool(k: usize) -> usize {
    (k * CANDIDATE_FACTOR).max(MIN_CANDIDATES)
}

impl SearchIndex {
    /// The cursor position and the number of hits to keep (`offset + limit`).
    pub(super) fn window(&self, request: &SearchRequest) -> Result<(Option<SortKey>, usize)> {
        let after = match &request.cursor {
            Some(cursor) => Some(
                SortKey::from_cursor(cursor, request.sort)
                    .ok_or_else(|| Error::InvalidCursor(cursor.clone()))?,
            ),
            None => None,
        };
        let offset = if after.is_some() { 0 } else { request.offset };
        let window = offset.saturating_add(request.limit);
        if window > MAX_WINDOW {
            return Err(Error::InvalidRequest(format!(
                "offset + limit must not exceed {MAX_WINDOW}; use the cursor for deep paging"
            )));
        }
        Ok((after, window))
    }

    /// The top `k` hits of a long query after `after`, found among the best candidates by
    /// syllable pairs (a pasted sentence shares many pairs with the records worth showing) and
    /// ordered by their full score (`restricted`: the full query within the counted
    /// candidates). When the best candidates are all the candidates, they are the whole
    /// result set. `None` when the page is deep, or the candidates looked at are too few to
    /// be sure (the caller then uses [`Self::rescanned`]).
    /// `pooled`: the best candidates when the caller already has them (see [`pool`]);
    /// `full`: the full query when it finds every candidate (rescored then without reading
    /// the common words at candidates that cannot make the page, see [`rescore_union`]).
    #[allow(clippy::too_many_arguments)]
    fn rescored_candidates(
        &self,
        terms: &Terms<'_>,
        candidates: &Candidates,
        (restricted, full): (&dyn Query, Option<&dyn Query>),
        request: &SearchRequest,
        after: Option<SortKey>,
        k: usize,
        pooled: Option<Vec<Candidate>>,
    ) -> Result<Option<Vec<Candidate>>> {
        if k > MAX_RESCORED_WINDOW {
            return Ok(None);
        }
        let pool = pool(k);
        let found = match pooled {
            Some(found) => found,
            None => {
                let gather = Gather::pruned_top(pool);
                let query = self.with_filters(candidates.scored.box_clone(), request)?;
                if self.filters(request)?.is_empty() {
                    terms.search(query.as_ref(), &gather)?.top
                } else {
                    // Filtered, the pairs' union cannot prune: run it unfiltered, kept to
                    // the filtered records.
                    let union = candidates.scored.as_ref();
                    top_within(terms, union, &[], query.as_ref(), &gather)?.top
                }
            }
        };
        // Pruning only skips records once `pool` are kept: fewer means every record sharing
        // a pair (with the filters) was seen.
        let complete = found.len() < pool;
        let pruned = match full {
            Some(full) if after.is_none() => rescore_union(terms, full, &found, k)?,
            _ => None,
        };
        let mut rescored = match pruned {
            Some(rescored) => rescored,
            None => self.rescore(terms, restricted, &found, after)?,
        };
        if rescored.len() < k && !complete {
            // Fewer candidates than the page needs after the cursor, and more beyond the
            // ones looked at: let the full query within the candidates decide.
            return Ok(None);
        }
        rescored.truncate(k);
        Ok(Some(rescored))
    }

    /// The top `k` hits of `restricted` after `after`, for pages beyond
    /// [`Self::rescored_candidates`]: found by `scan` (the same query with Tantivy's union
    /// scorers, fast over many records), then rescored by `restricted`, so that every page of
    /// the query ranks by the same scores. The two can differ in a score's last bits (sums in
    /// another order): the scan starts a little before the cursor and keeps a few more.
    fn rescanned(
        &self,
        terms: &Terms<'_>,
        scan: &dyn Query,
        restricted: &dyn Query,
        after: Option<SortKey>,
        k: usize,
    ) -> Result<Vec<Candidate>> {
        let before = after.map(|a| SortKey {
            primary: a.primary + a.primary.abs() * 1e-5,
            id_key: 0,
        });
        let mut slack = 16;
        loop {
            let gather = Gather {
                after: before,
                ..Gather::pruned_top(k + slack)
            };
            let found = terms.search(scan, &gather)?.top;
            let mut rescored = self.rescore(terms, restricted, &found, after)?;
            if rescored.len() >= k || found.len() < k + slack {
                rescored.truncate(k);
                return Ok(rescored);
            }
            // Many records tie with the cursor: look further.
            slack *= 4;
        }
    }

    /// The records of `found` that `restricted` finds, with its scores, after `after`, best
    /// first. A record outside the counted set (an alternative's phrase missing, an exclusion)
    /// is dropped.
    fn rescore(
        &self,
        terms: &Terms<'_>,
        restricted: &dyn Query,
        found: &[Candidate],
        after: Option<SortKey>,
    ) -> Result<Vec<Candidate>> {
        // Segment by segment, in document order.
        let searcher = terms.searcher();
        let weight = terms.weight(restricted, true)?;
        let by_segment = docs_by_segment(searcher.segment_readers().len(), found);
        let mut rescored = Vec::with_capacity(found.len());
        for (ord, docs) in by_segment.into_iter().enumerate() {
            if docs.is_empty() {
                continue;
            }
            let reader = searcher.segment_reader(ord as u32);
            let id_keys = reader.fast_fields().u64(names::ID_KEY)?;
            let mut scorer = weight.scorer(reader, 1.0)?;
            for doc in docs {
                let mut at = scorer.doc();
                if at < doc {
                    at = scorer.seek(doc);
                }
                if at != doc {
                    continue;
                }
                let candidate = Candidate::by_score((ord as u32, doc), scorer.score(), &id_keys);
                if after.is_some_and(|a| candidate.key.rank(&a) != std::cmp::Ordering::Less) {
                    continue;
                }
                rescored.push(candidate);
            }
        }
        rescored.sort();
        Ok(rescored)
    }

    /// The bounding union of a plan naming a document number (see [`bounding_union`]) when
    /// the number's keys hold at least `k` records: their constant scores then outrank every
    /// record found by its words alone, so the page's hits are found among them first.
    fn numbered(&self, terms: &Terms<'_>, plan: &Plan, k: usize) -> Result<Option<Bounding>> {
        let numbers = &plan.numbers;
        if numbers.full.is_empty() && numbers.num_type.is_empty() && numbers.num_issuer.is_empty() {
            return Ok(None);
        }
        let Some(flat) = bounding_union(plan.query.as_ref()) else {
            return Ok(None);
        };
        let mut records = 0u64;
        for term in &flat.listed {
            records = records.saturating_add(terms.bound(&WeightedTerm::matching(term.clone()))?);
        }
        Ok((records >= k as u64).then_some(flat))
    }

    /// Runs one plan with the request's filters, order, cursor and facets. The matching set is
    /// a long query's candidates when there are any (counted without scoring, then the top
    /// hits rescored from the best of them, or the full query within them for deep pages),
    /// else the plan's cheap matching query (total and facets), with the top hits by
    /// relevance from the scored query with pruning. Date orders take everything in the one
    /// cheap pass.
    pub(super) fn gather(
        &self,
        terms: &Terms<'_>,
        plan: &Plan,
        request: &SearchRequest,
    ) -> Result<Gathered> {
        if let Some(candidates) = &plan.candidates {
            let matching = self.with_filters(candidates.matching.box_clone(), request)?;
            let gathered = self.gather_in(terms, plan, request, matching, Some(candidates))?;
            if gathered.total > 0 {
                return Ok(gathered);
            }
            // No record shares a pair: the sentence's words still find records.
        }
        let matching = self.with_filters(plan.matching.box_clone(), request)?;
        self.gather_in(terms, plan, request, matching, None)
    }

    /// [`Self::gather`] with one matching set (`matching`, filters applied): `candidates` when
    /// it is a long query's candidates.
    fn gather_in(
        &self,
        terms: &Terms<'_>,
        plan: &Plan,
        request: &SearchRequest,
        matching: Box<dyn Query>,
        candidates: Option<&Candidates>,
    ) -> Result<Gathered> {
        let (after, window) = self.window(request)?;
        let k = if request.limit == 0 { 0 } else { window + 1 };
        if request.sort != Sort::Relevance {
            let collector = Gather {
                k,
                sort: request.sort,
                after,
                facets: request.facets,
                prune: false,
            };
            return Ok(terms.search(matching.as_ref(), &collector)?);
        }
        // A long query without phrases, exclusions or filters: one pass over its pairs counts
        // the records sharing one (the matching set, by facet when asked) and keeps the best
        // candidates.
        let mut pooled = match candidates {
            Some(c)
                if c.found_by_full
                    && (1..=MAX_RESCORED_WINDOW).contains(&k)
                    && self.filters(request)?.is_empty() =>
            {
                if request.facets || request.exact_total {
                    top_by_sum(terms, c.scored.as_ref(), pool(k), request.facets)?
                } else {
                    // Counted up to the cap only: the common pairs are read at the records
                    // that can still enter the pool.
                    top_by_sum_up_to(terms, c.scored.as_ref(), pool(k), EXACT_TOTAL_UP_TO)?
                }
            }
            _ => None,
        };
        // A document number's own records (its keys' few postings, scored above any text)
        // that fill the page by themselves are its top hits: they are scored alone, and the
        // matches only counted (the number's words are common: ranking every match would
        // walk the intersection of their postings over the whole corpus).
        if pooled.is_none()
            && candidates.is_none()
            && after.is_none()
            && k > 0
            && !request.facets
            && !request.exact_total
            && self.filters(request)?.is_empty()
            && let Some(flat) = self.numbered(terms, plan, k)?
            && let Some(top) = listed_top(terms, &flat, plan.query.as_ref(), k)?
        {
            let (total, capped) = count_up_to(terms, matching.as_ref(), EXACT_TOTAL_UP_TO)?;
            #[cfg(test)]
            LISTED.set(LISTED.get() + 1);
            return Ok(Gathered {
                total,
                capped,
                top,
                ..Gathered::default()
            });
        }
        // A query matching few records at most (by its terms' document counts), whose ranking
        // pass visits every match anyway (no block-WAND, which only a flat union has): that
        // pass counts them too, instead of a counting pass of its own. Its matches are the
        // matching set's (the plan's cheap query finds the same records).
        // A query whose terms only suggest few matches (its words rarely met together) tries
        // that pass first, stopping once the matches pass the cap (then the total is proven
        // capped without a counting pass, and the top hits are found with pruning below) or
        // once they come too densely (then it counts as any other).
        let mut proven_many = false;
        if pooled.is_none() && candidates.is_none() {
            let query = self.with_filters(plan.query.box_clone(), request)?;
            if !is_flat(query.as_ref()) {
                let ranked = Gather {
                    k,
                    sort: request.sort,
                    after,
                    facets: request.facets,
                    prune: false,
                };
                if terms.bound(matching.as_ref())? <= EXACT_TOTAL_UP_TO as u64 {
                    return Ok(terms.search(query.as_ref(), &ranked)?);
                }
                if k > 0
                    && !request.facets
                    && !request.exact_total
                    && terms.estimate(matching.as_ref())? <= EXACT_TOTAL_UP_TO as f64
                {
                    match rank_up_to(terms, query.as_ref(), &ranked, EXACT_TOTAL_UP_TO)? {
                        RankedUpTo::All(ranked) => return Ok(ranked),
                        RankedUpTo::Capped => proven_many = true,
                        RankedUpTo::Dense => {}
                    }
                }
            }
        }
        let mut gathered = if let Some(pooled) = &mut pooled {
            // Facets and exact totals count every match; otherwise up to the cap.
            let exact = request.exact_total || request.facets;
            let capped = !exact && (pooled.capped || pooled.total > EXACT_TOTAL_UP_TO);
            Gathered {
                total: if capped {
                    EXACT_TOTAL_UP_TO
                } else {
                    pooled.total
                },
                capped,
                facets: pooled.facets.take(),
                top: Vec::new(),
            }
        } else if request.facets || request.exact_total {
            let counted = Gather {
                k: 0,
                sort: request.sort,
                after: None,
                facets: request.facets,
                prune: false,
            };
            terms.search(matching.as_ref(), &counted)?
        } else if proven_many {
            Gathered {
                total: EXACT_TOTAL_UP_TO,
                capped: true,
                ..Gathered::default()
            }
        } else {
            let (total, capped) = count_up_to(terms, matching.as_ref(), EXACT_TOTAL_UP_TO)?;
            Gathered {
                total,
                capped,
                ..Gathered::default()
            }
        };
        if k == 0 || gathered.total == 0 {
            return Ok(gathered);
        }
        if let Some(candidates) = candidates {
            // The full scores, within the counted set (the constant adds nothing).
            let within = |full: Box<dyn Query>, matching: Box<dyn Query>| -> Box<dyn Query> {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, full),
                    (Occur::Must, Box::new(Guard::new(matching))),
                ]))
            };
            // Without phrases or exclusions the best candidates (records sharing a pair) are
            // all found by the full query: the restriction would only cost time (its
            // constant adds exactly nothing to the score).
            let restricted = if candidates.found_by_full {
                seeking(plan.query.as_ref())
            } else {
                within(seeking(plan.query.as_ref()), seeking(matching.as_ref()))
            };
            let full = candidates.found_by_full.then_some(plan.query.as_ref());
            gathered.top = match self.rescored_candidates(
                terms,
                candidates,
                (restricted.as_ref(), full),
                request,
                after,
                k,
                pooled.map(|pooled| pooled.top),
            )? {
                Some(top) => top,
                None => {
                    let scan = within(plan.query.box_clone(), matching);
                    self.rescanned(terms, scan.as_ref(), restricted.as_ref(), after, k)?
                }
            };
            return Ok(gathered);
        }
        let top = Gather {
            k,
            sort: request.sort,
            after,
            facets: false,
            prune: true,
        };
        // A query that requires its words, has phrases or `OR` alternatives (or a filtered
        // one) cannot prune as it stands: over many records, the union of its terms can (it
        // scores each record at least as high as the query), and the query checks and scores
        // what the union keeps (a phrase's positions are read for those only). Over a few,
        // scoring them all is cheaper.
        let many = gathered.capped || gathered.total > EXACT_TOTAL_UP_TO;
        let flat = if !many || is_flat(plan.query.as_ref()) && self.filters(request)?.is_empty() {
            None
        } else {
            bounding_union(plan.query.as_ref())
        };
        let query = self.with_filters(plan.query.box_clone(), request)?;
        gathered.top = match flat {
            Some(flat) => {
                top_within(
                    terms,
                    flat.union.as_ref(),
                    &flat.listed,
                    query.as_ref(),
                    &top,
                )?
                .top
            }
            None => terms.search(query.as_ref(), &top)?.top,
        };
        Ok(gathered)
    }
}

#[cfg(test)]
thread_local! {
    /// Searches on this thread whose hits were their document number's records alone.
    static LISTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The best `k` records of `query` (naming a document number, see
/// [`SearchIndex::numbered`]) among the records of the number's keys (`flat.listed`), when
/// they are its best `k` of all: the `k`-th scores above anything the union of the query's
/// terms can give (the largest score of each term, summed), so no other record can reach the
/// page. `None` otherwise.
fn listed_top(
    terms: &Terms<'_>,
    flat: &Bounding,
    query: &dyn Query,
    k: usize,
) -> Result<Option<Vec<Candidate>>> {
    let Some(union) = flat.union.downcast_ref::<BooleanQuery>() else {
        return Ok(None);
    };
    let scored_terms = union.clauses().iter().all(|(_, clause)| {
        clause
            .downcast_ref::<WeightedTerm>()
            .is_some_and(|term| term.option() != IndexRecordOption::Basic)
    });
    if !scored_terms {
        return Ok(None);
    }
    let Some(bound) = score_bound(terms, union)? else {
        return Ok(None);
    };
    let Some((words, number_only)) = apart(query) else {
        return Ok(None);
    };
    let searcher = terms.searcher();
    // Its unions seek: Tantivy's would run their clauses (the abbreviations' pairs of the
    // number's words) over a window of 4,096 records at each of the scattered records.
    let weight = terms.scan_weight(seeking(query).as_ref(), true)?;
    let number_weight = terms.scan_weight(number_only.as_ref(), true)?;
    let gather = Gather::pruned_top(k);
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let mut docs: Vec<DocId> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = gather.for_segment(ord as SegmentOrdinal, reader)?;
        docs.clear();
        for term in &flat.listed {
            let index = reader.inverted_index(term.field())?;
            if let Some(mut postings) = index
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
            {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    docs.push(doc);
                    doc = postings.advance();
                }
            }
        }
        docs.sort_unstable();
        docs.dedup();
        let alive = reader.alive_bitset();
        let Some(mut check) = Check::new(words, reader)? else {
            return Ok(None);
        };
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut number_scorer = number_weight.scorer(reader, 1.0)?;
        for &doc in &docs {
            // Seeking the query to a record its words do not find would walk the
            // intersection of the words to their next common record.
            let scorer = if check.matches(doc) {
                &mut scorer
            } else {
                &mut number_scorer
            };
            let mut at = scorer.doc();
            if at < doc {
                at = scorer.seek(doc);
            }
            if at == doc && alive.is_none_or(|a| a.is_alive(doc)) {
                segment.collect(doc, scorer.score());
            }
        }
        fruits.push(segment.harvest());
    }
    let top = gather.merge_fruits(fruits)?.top;
    // A union sums the same terms in another order: a margin for the last bits.
    let full = top.len() == k
        && top
            .last()
            .is_some_and(|c| f64::from(c.score) > bound * (1.0 + 1e-4));
    Ok(full.then_some(top))
}

/// A plan's query naming a document number (its one required union of two alternatives: the
/// number's words and the number's key) taken apart: the words'
/// query, and the plan's query with the key alone in place of the union (the score of a
/// record the words do not find: a union sums the alternatives a record has).
fn apart(query: &dyn Query) -> Option<(&dyn Query, Box<dyn Query>)> {
    let boolean = query.downcast_ref::<BooleanQuery>()?;
    let (_, union) = boolean.clauses().iter().find(|(o, _)| *o == Occur::Must)?;
    let union = union.downcast_ref::<BooleanQuery>()?;
    let [(Occur::Should, a), (Occur::Should, b)] = union.clauses() else {
        return None;
    };
    let (words, number) = match (a.downcast_ref::<ConstTerm>(), b.downcast_ref::<ConstTerm>()) {
        (None, Some(_)) => (a, b),
        (Some(_), None) => (b, a),
        _ => return None,
    };
    let clauses = boolean
        .clauses()
        .iter()
        .map(|(occur, clause)| match occur {
            Occur::Must => (Occur::Must, number.box_clone()),
            _ => (*occur, clause.box_clone()),
        })
        .collect();
    Some((words.as_ref(), Box::new(BooleanQuery::new(clauses))))
}

/// Whether a query of terms (boolean queries of weighted and constant terms, guards, boosts)
/// finds a document, checked at a few documents in ascending order without scoring: each
/// term's postings are moved to the document, never walked.
enum Check {
    Term(Box<SegmentPostings>),
    Boolean {
        must: Vec<Check>,
        should: Vec<Check>,
        must_not: Vec<Check>,
    },
}

impl Check {
    /// The check of `query` in `reader`'s segment; `None` for a query holding anything else.
    fn new(query: &dyn Query, reader: &SegmentReader) -> Result<Option<Check>> {
        let term = if let Some(t) = query.downcast_ref::<WeightedTerm>() {
            Some(t.term())
        } else {
            query.downcast_ref::<ConstTerm>().map(ConstTerm::term)
        };
        if let Some(term) = term {
            let postings = reader
                .inverted_index(term.field())?
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
                .unwrap_or_else(SegmentPostings::empty);
            return Ok(Some(Check::Term(Box::new(postings))));
        }
        if let Some(guard) = query.downcast_ref::<Guard>() {
            return Check::new(guard.query(), reader);
        }
        if let Some(boosted) = query.downcast_ref::<Boosted>() {
            return Check::new(boosted.query(), reader);
        }
        let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
            return Ok(None);
        };
        if boolean.get_minimum_number_should_match() > 1 {
            return Ok(None);
        }
        let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
        for (occur, clause) in boolean.clauses() {
            let Some(check) = Check::new(clause.as_ref(), reader)? else {
                return Ok(None);
            };
            match occur {
                Occur::Must => must.push(check),
                Occur::Should => should.push(check),
                Occur::MustNot => must_not.push(check),
            }
        }
        Ok(Some(Check::Boolean {
            must,
            should,
            must_not,
        }))
    }

    /// Whether the query finds `doc` (documents asked in ascending order).
    fn matches(&mut self, doc: DocId) -> bool {
        match self {
            Check::Term(postings) => {
                if postings.doc() < doc {
                    postings.seek(doc);
                }
                postings.doc() == doc
            }
            Check::Boolean {
                must,
                should,
                must_not,
            } => {
                // A clause left behind is moved forward when next asked.
                let musts = must.iter_mut().all(|c| c.matches(doc));
                let shoulds =
                    !musts || !must.is_empty() || should.iter_mut().any(|c| c.matches(doc));
                let excluded = musts && must_not.iter_mut().any(|c| c.matches(doc));
                musts && (!must.is_empty() || shoulds) && !excluded
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use crawler::{Kind, Record};

    use tantivy::schema::Value;

    use super::*;
    use crate::IndexStore;
    use crate::api::SearchResults;
    use crate::collector::Candidate;

    /// An index on disk of 3,000 records, so that common words and phrases match far more
    /// than [`EXACT_TOTAL_UP_TO`] of them (the pruned paths), with document numbers repeated
    /// a few times.
    fn index() -> (tempfile::TempDir, SearchIndex) {
        let titles = [
            "Quyết định của Ủy ban nhân dân huyện về thủ tục hành chính",
            "Hội đồng nhân dân huyện giám sát chương trình giảm nghèo",
            "Kế hoạch bảo vệ môi trường và phòng cháy chữa cháy rừng",
            "Thông báo của ủy ban về quyền sử dụng đất",
            "Tin tức thanh niên xã tham gia xây dựng nông thôn mới",
        ];
        let bodies = [
            "Ủy ban nhân dân huyện Than Uyên chỉ đạo các xã thực hiện thủ tục hành chính",
            "các xã tổ chức tuyên truyền bảo vệ môi trường, phòng cháy và chữa cháy",
            "Hội đồng nhân dân quyết định ngân sách; thuế và phí được công khai",
            "người sử dụng đất có quyền chuyển nhượng quyền sử dụng đất theo giấy phép",
            "giấy phép xây dựng do ủy ban nhân dân cấp cho hộ gia đình",
        ];
        let records = (0..3_000).map(|i| {
            let legal = i % 3 != 0;
            let kind = if legal { Kind::Legal } else { Kind::News };
            let mut r = Record::new(format!("r-{i:05}"), kind, format!("https://x.test/{i}"));
            r.title = format!("{} {}", titles[i % 5], i % 97);
            r.body = format!(
                "{} {} {} {}",
                bodies[i % 5],
                bodies[(i / 5) % 5],
                bodies[(i / 25) % 5],
                "nội dung ".repeat(i % 9)
            );
            r.date = NaiveDate::from_ymd_opt(2010 + (i % 15) as i32, 1 + (i % 12) as u32, 1);
            if legal {
                r.doc_number = Some(format!("{}/{}/QĐ-UBND", i % 40, 2015 + i % 5));
                r.doc_type = Some("Quyết định".to_owned());
            }
            r
        });
        let dir = tempfile::tempdir().expect("tempdir");
        let store = IndexStore::open(dir.path()).expect("store");
        store.build_generation(records).expect("build");
        let index = store.current().expect("open").expect("a generation");
        (dir, index)
    }

    /// What `request` finds without any pruning: every match of the plan counted and scored
    /// by Tantivy's own weights, ranked by the collector (the plan relaxed as `search` would).
    /// Not for long queries, whose top hits come from their best candidates by pairs.
    fn unpruned(index: &SearchIndex, request: &SearchRequest) -> (usize, Vec<(String, f32)>) {
        let searcher = index.reader.searcher();
        let mut plan = index.plan(request, true).expect("plan");
        let count = |plan: &Plan| {
            let matching = index
                .with_filters(plan.matching.box_clone(), request)
                .expect("filters");
            // Counting only (no hit kept, so nothing to prune).
            let all = Gather {
                k: 0,
                sort: Sort::Relevance,
                after: None,
                facets: false,
                prune: false,
            };
            searcher
                .search(matching.as_ref(), &all)
                .expect("count")
                .total
        };
        let mut total = count(&plan);
        if total == 0 && plan.relaxable {
            plan = index.plan(request, false).expect("plan");
            total = count(&plan);
        }
        let ranked = Gather {
            k: request.limit,
            sort: request.sort,
            after: None,
            facets: false,
            prune: false,
        };
        let query = index
            .with_filters(plan.query.box_clone(), request)
            .expect("filters");
        let top = searcher.search(query.as_ref(), &ranked).expect("rank").top;
        let hits = top
            .iter()
            .map(|c| {
                let doc: tantivy::TantivyDocument = searcher.doc(c.address).expect("doc");
                let id = doc
                    .get_first(index.fields.id)
                    .and_then(|v| v.as_str())
                    .expect("id")
                    .to_owned();
                (id, c.score)
            })
            .collect();
        (total, hits)
    }

    #[test]
    fn a_long_querys_pool_read_pruned_is_the_pool_summed_from_every_pair() {
        use crate::collector::top_by_sum;
        use crate::pairs::{SEEKING, top_by_sum_pruned_from};
        let (_dir, index) = index();
        let searcher = index.reader.searcher();
        SEEKING.set(0);
        for text in [
            "Ủy ban nhân dân huyện Than Uyên chỉ đạo các xã thực hiện thủ tục hành chính về đất",
            "người sử dụng đất có quyền chuyển nhượng quyền sử dụng đất theo giấy phép xây dựng",
            "hoi dong nhan dan quyet dinh ngan sach thue va phi duoc cong khai cho ho gia dinh",
            "các xã tổ chức tuyên truyền bảo vệ môi trường phòng cháy và chữa cháy rừng",
        ] {
            let request = SearchRequest {
                query: text.into(),
                ..SearchRequest::default()
            };
            let plan = index.plan(&request, true).expect("plan");
            let pairs = plan.candidates.expect("a long query has pairs").scored;
            let key = |c: &Candidate| (c.address, c.score.to_bits(), c.key.id_key);
            for k in [1, 11, 64, 200] {
                let terms = Terms::new(&searcher);
                let all = top_by_sum(&terms, pairs.as_ref(), k, false)
                    .expect("sum")
                    .expect("a flat union");
                assert!(all.total > EXACT_TOTAL_UP_TO, "{text}: {}", all.total);
                // Pruned however few the records.
                let pruned =
                    top_by_sum_pruned_from(&terms, pairs.as_ref(), (k, EXACT_TOTAL_UP_TO), 0)
                        .expect("sum")
                        .expect("a flat union");
                assert_eq!((pruned.total, pruned.capped), (EXACT_TOTAL_UP_TO, true));
                let want: Vec<_> = all.top.iter().map(key).collect();
                let got: Vec<_> = pruned.top.iter().map(key).collect();
                assert_eq!(got.len(), k, "{text}");
                assert_eq!(got, want, "{text} k={k}");
                // A cap the terms cannot prove passed: every match counted.
                let counted = top_by_sum_pruned_from(&terms, pairs.as_ref(), (k, all.total), 0)
                    .expect("sum")
                    .expect("a flat union");
                assert_eq!((counted.total, counted.capped), (all.total, false));
                assert_eq!(counted.top.iter().map(key).collect::<Vec<_>>(), want);
            }
        }
        // The common pairs were read at the records that could enter the pool only.
        assert!(SEEKING.get() > 0);
    }

    #[test]
    fn a_long_querys_candidates_rescored_pruned_rank_as_the_full_query_scores_them() {
        use crate::collector::top_by_sum;
        let (_dir, index) = index();
        let searcher = index.reader.searcher();
        let mut dropped = 0;
        for text in [
            "các xã tổ chức tuyên truyền bảo vệ môi trường phòng cháy và chữa cháy rừng",
            "người có quyền chuyển nhượng quyền sử dụng đất theo giấy phép của hộ gia đình",
            "quyet dinh ngan sach thue va phi duoc cong khai cho ho gia dinh",
            "tin tức thanh niên xã tham gia xây dựng nông thôn mới và bảo vệ môi trường",
        ] {
            let request = SearchRequest {
                query: text.into(),
                ..SearchRequest::default()
            };
            let plan = index.plan(&request, true).expect("plan");
            let candidates = plan.candidates.expect("a long query has pairs");
            assert!(candidates.found_by_full);
            let key = |c: &Candidate| (c.address, c.score.to_bits(), c.key.id_key);
            for k in [1, 11, 40] {
                let terms = Terms::new(&searcher);
                let found = top_by_sum(&terms, candidates.scored.as_ref(), pool(k), false)
                    .expect("sum")
                    .expect("a flat union")
                    .top;
                // Every candidate scored by the full query's seeking union.
                let restricted = seeking(plan.query.as_ref());
                let all = index
                    .rescore(&terms, restricted.as_ref(), &found, None)
                    .expect("rescore");
                let pruned = rescore_union(&terms, plan.query.as_ref(), &found, k)
                    .expect("rescore")
                    .expect("a union");
                assert!(all.len() >= k && pruned.len() >= k, "{text}");
                let want: Vec<_> = all.iter().take(k).map(key).collect();
                let got: Vec<_> = pruned.iter().take(k).map(key).collect();
                assert_eq!(got, want, "{text} k={k}");
                dropped += all.len() - pruned.len();
            }
        }
        // Candidates that could not make the page were dropped before the common words.
        assert!(dropped > 0);
    }

    #[test]
    fn ranking_first_what_few_records_should_match_finds_what_counting_first_finds() {
        use crate::collector::RANKED_UP_TO;
        let (_dir, index) = index();
        RANKED_UP_TO.set((0, 0, 0));
        let legal = SearchRequest {
            kind: Some(Kind::Legal),
            ..SearchRequest::default()
        };
        for (text, base) in [
            // Words met together far more often than their counts suggest: the ranking
            // pass stops at the cap.
            ("ủy ban nhân dân huyện", &SearchRequest::default()),
            ("\"phòng cháy\" chữa cháy rừng", &SearchRequest::default()),
            ("sử dụng đất giấy phép", &SearchRequest::default()),
            // Met in most of the first records: the ranking pass gives up early.
            ("Than Uyên chỉ đạo", &SearchRequest::default()),
            // Words rarely met together: every match ranked and counted in one pass.
            ("thanh niên ngân sách", &SearchRequest::default()),
            ("\"nông thôn mới\" thuế", &SearchRequest::default()),
            ("thanh nien thu tuc", &SearchRequest::default()),
            (
                "quyết định 7/2019/QĐ-UBND thanh niên",
                &SearchRequest::default(),
            ),
            ("hội đồng giấy phép", &legal),
        ] {
            for limit in [1, 10] {
                let request = SearchRequest {
                    query: text.into(),
                    limit,
                    ..base.clone()
                };
                let (total, expected) = unpruned(&index, &request);
                let SearchResults {
                    total: got_total,
                    total_exact,
                    hits,
                    ..
                } = index.search(&request).expect("search");
                let capped = total > EXACT_TOTAL_UP_TO;
                let shown = if capped { EXACT_TOTAL_UP_TO } else { total };
                assert_eq!((got_total, total_exact), (shown, !capped), "{text}");
                let got: Vec<(&str, u32)> = hits
                    .iter()
                    .map(|h| (h.id.as_str(), h.score.to_bits()))
                    .collect();
                let want: Vec<(&str, u32)> = expected
                    .iter()
                    .map(|(id, score)| (id.as_str(), score.to_bits()))
                    .collect();
                if !capped {
                    // Ranked in the one pass: the same scores to the bit.
                    assert_eq!(got, want, "{text} limit {limit}");
                } else {
                    let ids =
                        |v: &[(&str, u32)]| v.iter().map(|h| h.0.to_owned()).collect::<Vec<_>>();
                    assert_eq!(ids(&got), ids(&want), "{text} limit {limit}");
                }
            }
        }
        let (ranked, stopped, dense) = RANKED_UP_TO.get();
        assert!(
            ranked > 0 && stopped > 0 && dense > 0,
            "ranked {ranked}, stopped {stopped}, gave up {dense}"
        );
    }

    #[test]
    fn a_document_numbers_own_records_rank_as_scoring_every_match_ranks_them() {
        let (_dir, index) = index();
        LISTED.set(0);
        for text in [
            // Each number is held by 50 records (and one nobody holds: not this path).
            "12/2017/QĐ-UBND",
            "quyết định 7/2017/QĐ-UBND",
            "số 21/2016/QĐ-UBND",
            "QĐ-UBND 33/2018",
            "quyết định 7/2017/QĐ-UBND -thuế",
            "12/2016/QĐ-UBND",
        ] {
            for limit in [1, 3, 5, 9] {
                let request = SearchRequest {
                    query: text.into(),
                    limit,
                    ..SearchRequest::default()
                };
                let (total, expected) = unpruned(&index, &request);
                let results = index.search(&request).expect("search");
                let capped = total > EXACT_TOTAL_UP_TO;
                let shown = if capped { EXACT_TOTAL_UP_TO } else { total };
                assert_eq!(
                    (results.total, results.total_exact),
                    (shown, !capped),
                    "{text}"
                );
                // The same records in the same order, with the same scores to the bit.
                let got: Vec<(&str, u32)> = results
                    .hits
                    .iter()
                    .map(|h| (h.id.as_str(), h.score.to_bits()))
                    .collect();
                let want: Vec<(&str, u32)> = expected
                    .iter()
                    .map(|(id, score)| (id.as_str(), score.to_bits()))
                    .collect();
                assert!(!got.is_empty(), "{text}");
                assert_eq!(got, want, "{text} limit {limit}");
            }
        }
        // The records of the number filled those pages by themselves.
        assert!(LISTED.get() >= 16, "{}", LISTED.get());
    }

    #[test]
    fn pruned_searches_over_many_records_find_what_scoring_every_match_finds() {
        let (_dir, index) = index();
        let legal = SearchRequest {
            kind: Some(Kind::Legal),
            ..SearchRequest::default()
        };
        let newest = SearchRequest {
            kind: Some(Kind::Legal),
            sort: Sort::Newest,
            ..SearchRequest::default()
        };
        let mut pruned = 0;
        for (text, base) in [
            ("\"ủy ban nhân dân\"", &SearchRequest::default()),
            ("\"thủ tục hành chính\"", &SearchRequest::default()),
            ("\"quyen su dung dat\"", &SearchRequest::default()),
            ("\"giấy phép\" -xây", &SearchRequest::default()),
            ("thuế OR phí", &SearchRequest::default()),
            ("\"phòng cháy\" OR \"chữa cháy\"", &SearchRequest::default()),
            ("\"hội đồng nhân dân\" ngân sách", &legal),
            ("ủy ban nhân dân", &legal),
            ("giay phep xay dung", &SearchRequest::default()),
            ("nhân dân", &newest),
            ("12/2016/QĐ-UBND", &SearchRequest::default()),
            ("quyết định 7/2019/QĐ-UBND", &SearchRequest::default()),
            ("số 21/2017/QĐ-UBND", &legal),
        ] {
            for limit in [1, 10, 20] {
                let request = SearchRequest {
                    query: text.into(),
                    limit,
                    ..base.clone()
                };
                let (total, expected) = unpruned(&index, &request);
                let SearchResults {
                    total: got_total,
                    total_exact,
                    hits,
                    ..
                } = index.search(&request).expect("search");
                // Date orders count every match in their one pass.
                let capped = request.sort == Sort::Relevance && total > EXACT_TOTAL_UP_TO;
                let shown = if capped { EXACT_TOTAL_UP_TO } else { total };
                assert_eq!((got_total, total_exact), (shown, !capped), "{text}");
                pruned += usize::from(capped);
                assert!(!hits.is_empty(), "{text}");
                let got: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
                let want: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
                assert_eq!(got, want, "{text} limit {limit}");
                for (hit, (_, score)) in hits.iter().zip(&expected) {
                    // Phrases and unions seeking sum their clauses in another order.
                    assert!((hit.score - score).abs() <= 1e-6 * score.abs(), "{text}");
                }
            }
        }
        // Most of them match more records than the exact count goes to.
        assert!(pruned >= 3 * 8, "{pruned}");
    }
}
