//! Running a plan: counting the matches (exactly, or up to a cap), facets, the top hits by
//! relevance (pruned, or a long query's candidates rescored by the full query) or by date,
//! and cursors for deep pages.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, Scorer};
use tantivy::{DocAddress, DocId, DocSet};

use super::SearchIndex;
use super::plan::{Candidates, Plan};
use crate::api::{EXACT_TOTAL_UP_TO, SearchRequest, Sort};
use crate::collector::{Candidate, Gather, Gathered, SortKey, count_up_to, top_by_sum, top_within};
use crate::error::{Error, Result};
use crate::flat::{flatten_required, is_flat};
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
    /// `pooled`: the best candidates when the caller already has them (see [`pool`]).
    #[allow(clippy::too_many_arguments)]
    fn rescored_candidates(
        &self,
        terms: &Terms<'_>,
        candidates: &Candidates,
        restricted: &dyn Query,
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
                    top_within(terms, candidates.scored.as_ref(), query.as_ref(), &gather)?.top
                }
            }
        };
        // Pruning only skips records once `pool` are kept: fewer means every record sharing
        // a pair (with the filters) was seen.
        let complete = found.len() < pool;
        let mut rescored = self.rescore(terms, restricted, &found, after)?;
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
        let mut by_segment: Vec<Vec<DocId>> = vec![Vec::new(); searcher.segment_readers().len()];
        for c in found {
            by_segment[c.address.segment_ord as usize].push(c.address.doc_id);
        }
        let mut rescored = Vec::with_capacity(found.len());
        for (ord, mut docs) in by_segment.into_iter().enumerate() {
            if docs.is_empty() {
                continue;
            }
            docs.sort_unstable();
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
                let score = scorer.score();
                let key = SortKey {
                    primary: f64::from(score),
                    id_key: id_keys.first(doc).unwrap_or(u64::MAX),
                };
                if after.is_some_and(|a| key.rank(&a) != std::cmp::Ordering::Less) {
                    continue;
                }
                rescored.push(Candidate {
                    key,
                    score,
                    address: DocAddress::new(ord as u32, doc),
                });
            }
        }
        rescored.sort();
        Ok(rescored)
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
                top_by_sum(terms, c.scored.as_ref(), pool(k), request.facets)?
            }
            _ => None,
        };
        // A query matching few records at most (by its terms' document counts), whose ranking
        // pass visits every match anyway (no block-WAND, which only a flat union has): that
        // pass counts them too, instead of a counting pass of its own. Its matches are the
        // matching set's (the plan's cheap query finds the same records).
        if pooled.is_none()
            && candidates.is_none()
            && terms.bound(matching.as_ref())? <= EXACT_TOTAL_UP_TO as u64
        {
            let query = self.with_filters(plan.query.box_clone(), request)?;
            if !is_flat(query.as_ref()) {
                let ranked = Gather {
                    k,
                    sort: request.sort,
                    after,
                    facets: request.facets,
                    prune: false,
                };
                return Ok(terms.search(query.as_ref(), &ranked)?);
            }
        }
        let mut gathered = if let Some(pooled) = &mut pooled {
            // Facets and exact totals count every match; otherwise up to the cap.
            let exact = request.exact_total || request.facets;
            let capped = !exact && pooled.total > EXACT_TOTAL_UP_TO;
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
                    (Occur::Must, Box::new(ConstScoreQuery::new(matching, 0.0))),
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
            gathered.top = match self.rescored_candidates(
                terms,
                candidates,
                restricted.as_ref(),
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
        // A query that requires its words (or a filtered one) cannot prune as it stands: over
        // many records, its flat union can, and the query checks and scores what the union
        // keeps. Over a few, scoring them all is cheaper.
        let many = gathered.capped || gathered.total > EXACT_TOTAL_UP_TO;
        let flat = if !many || is_flat(plan.query.as_ref()) && self.filters(request)?.is_empty() {
            None
        } else {
            flatten_required(plan.query.as_ref())
        };
        let query = self.with_filters(plan.query.box_clone(), request)?;
        gathered.top = match flat {
            Some(flat) => top_within(terms, flat.as_ref(), query.as_ref(), &top)?.top,
            None => terms.search(query.as_ref(), &top)?.top,
        };
        Ok(gathered)
    }
}
