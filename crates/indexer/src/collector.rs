//! One pass over the matching documents: counts them, keeps the best `k` after an optional
//! cursor under the requested order, and counts facets.
//!
//! Order keys are `(primary, id_key)`: a larger primary is better (score, or the date with a
//! sign chosen by the sort), ties go to the smaller `id_key`. A cursor is such a key, so paging
//! with it is stable however deep it goes.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, Query, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use crate::api::{FacetCount, Facets, Sort};
use crate::flat::{WeightedTerm, is_flat};
use crate::schema::names;
use crate::terms::{TermWeight, Terms};

/// A position in the result order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SortKey {
    /// Larger is better.
    pub(crate) primary: f64,
    /// Smaller is better (tie-break).
    pub(crate) id_key: u64,
}

impl SortKey {
    /// `Greater` when `self` comes first.
    pub(crate) fn rank(&self, other: &Self) -> Ordering {
        self.primary
            .total_cmp(&other.primary)
            .then_with(|| other.id_key.cmp(&self.id_key))
    }

    /// Encodes the key as a cursor tagged with the sort.
    pub(crate) fn to_cursor(self, sort: Sort) -> String {
        let tag = match sort {
            Sort::Relevance => 'r',
            Sort::Newest => 'n',
            Sort::Oldest => 'o',
        };
        format!("{tag}{:016x}{:016x}", self.primary.to_bits(), self.id_key)
    }

    /// Decodes a cursor made by [`SortKey::to_cursor`] for the same sort.
    pub(crate) fn from_cursor(cursor: &str, sort: Sort) -> Option<Self> {
        let expected = match sort {
            Sort::Relevance => 'r',
            Sort::Newest => 'n',
            Sort::Oldest => 'o',
        };
        let mut chars = cursor.chars();
        if chars.next()? != expected || cursor.len() != 33 || !cursor.is_ascii() {
            return None;
        }
        let primary = u64::from_str_radix(&cursor[1..17], 16).ok()?;
        let id_key = u64::from_str_radix(&cursor[17..33], 16).ok()?;
        Some(Self {
            primary: f64::from_bits(primary),
            id_key,
        })
    }
}

/// A collected document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub(crate) key: SortKey,
    pub(crate) score: Score,
    pub(crate) address: DocAddress,
}

/// `found`'s documents segment by segment (indexed by segment ordinal), each in document order:
/// the order in which a rescoring pass seeks them.
pub(crate) fn docs_by_segment(segments: usize, found: &[Candidate]) -> Vec<Vec<DocId>> {
    let mut by_segment: Vec<Vec<DocId>> = vec![Vec::new(); segments];
    for c in found {
        by_segment[c.address.segment_ord as usize].push(c.address.doc_id);
    }
    for docs in &mut by_segment {
        docs.sort_unstable();
    }
    by_segment
}

impl Candidate {
    /// Document `doc` of segment `ord` ranked by relevance: by `score`, ties by its id key
    /// (read from `id_keys`; last when it has none).
    pub(crate) fn by_score(
        (ord, doc): (SegmentOrdinal, DocId),
        score: Score,
        id_keys: &Column<u64>,
    ) -> Self {
        Self {
            key: SortKey {
                primary: f64::from(score),
                id_key: id_keys.first(doc).unwrap_or(u64::MAX),
            },
            score,
            address: DocAddress::new(ord, doc),
        }
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// `Less` means better, so a max-heap keeps the worst kept candidate on top.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.rank(&self.key)
    }
}

/// What one search pass produced.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    /// Matching documents in all.
    pub(crate) total: usize,
    /// The best candidates after the cursor, best first (at most `k`).
    pub(crate) top: Vec<Candidate>,
    /// Facet counts, when requested.
    pub(crate) facets: Option<Facets>,
    /// True when counting stopped at a cap: `total` is then a lower bound.
    pub(crate) capped: bool,
}

/// Counts the documents `query` matches, stopping once more than `cap` are found: returns
/// `(cap, true)` then, else the exact count and `false`. No scoring, no facet columns.
pub(crate) fn count_up_to(
    terms: &Terms<'_>,
    query: &dyn Query,
    cap: usize,
) -> tantivy::Result<(usize, bool)> {
    let weight = terms.scan_weight(query, false)?;
    let mut total = 0;
    for reader in terms.searcher().segment_readers() {
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                total += 1;
                if total > cap {
                    return Ok((cap, true));
                }
            }
            doc = scorer.advance();
        }
    }
    Ok((total, false))
}

/// What [`rank_up_to`] found.
pub(crate) enum RankedUpTo {
    /// Every match ranked and counted (at most the cap).
    All(Gathered),
    /// More matches than the cap: the total is the cap, proven.
    Capped,
    /// The matches met so far are too dense for the cap (see [`DENSE_AFTER`]): most likely
    /// more than the cap match; nothing is proven.
    Dense,
}

/// [`rank_up_to`] gives up once it has met this many matches at a rate that, over all the
/// documents, would pass the cap ...
const DENSE_AFTER: usize = 32;
/// ... by this factor: ranking the first matches of a query matching many records costs
/// more than counting them, so the pass stops early where counting is likely to be capped.
const DENSE_FACTOR: u64 = 2;

/// `gather`'s hits of `query` (relevance order, no facets) and the number of documents it
/// matches, when that number is at most `cap`: every match scored, as [`Gather`] without
/// pruning finds them (the same scorers, moved forward document by document). Stops at the
/// cap ([`RankedUpTo::Capped`]: the caller then knows the total is capped without a counting
/// pass of its own, and ranks with pruning), or earlier when the matches come too densely
/// ([`RankedUpTo::Dense`]: the caller counts as usual).
pub(crate) fn rank_up_to(
    terms: &Terms<'_>,
    query: &dyn Query,
    gather: &Gather,
    cap: usize,
) -> tantivy::Result<RankedUpTo> {
    let weight = terms.scan_weight(query, gather.requires_scoring())?;
    let searcher = terms.searcher();
    let readers = searcher.segment_readers();
    let all: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
    let mut fruits = Vec::with_capacity(readers.len());
    let mut total = 0;
    // Documents in the segments before this one.
    let mut before = 0u64;
    for (ord, reader) in readers.iter().enumerate() {
        let mut segment = gather.for_segment(ord as SegmentOrdinal, reader)?;
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                total += 1;
                if total > cap {
                    #[cfg(test)]
                    RANKED_UP_TO.with(|r| r.set((r.get().0, r.get().1 + 1, r.get().2)));
                    return Ok(RankedUpTo::Capped);
                }
                let seen = before + u64::from(doc) + 1;
                if total >= DENSE_AFTER && total as u64 * all > DENSE_FACTOR * cap as u64 * seen {
                    #[cfg(test)]
                    RANKED_UP_TO.with(|r| r.set((r.get().0, r.get().1, r.get().2 + 1)));
                    return Ok(RankedUpTo::Dense);
                }
                segment.collect(doc, scorer.score());
            }
            doc = scorer.advance();
        }
        fruits.push(segment.harvest());
        before += u64::from(reader.max_doc());
    }
    #[cfg(test)]
    RANKED_UP_TO.with(|r| r.set((r.get().0 + 1, r.get().1, r.get().2)));
    gather.merge_fruits(fruits).map(RankedUpTo::All)
}

#[cfg(test)]
thread_local! {
    /// [`rank_up_to`]'s passes on this thread that ranked every match, that stopped at the
    /// cap and that gave up on dense matches: a test sees each at work.
    pub(crate) static RANKED_UP_TO: std::cell::Cell<(usize, usize, usize)> =
        const { std::cell::Cell::new((0, 0, 0)) };
}

/// How far below the worst kept score [`top_within`] still looks: a flat union sums the
/// same terms as the query in another order, so its score can miss the query's by a few
/// units in the last place.
const FLAT_MARGIN: f32 = 1e-4;

/// The best `gather.k` documents of `query` (its filters included), found by `flat`, the
/// union of its terms, and among the documents of `listed` (see
/// [`crate::flat::bounding_union`]): the listed documents are checked and scored first, then
/// block-WAND skips the documents whose union score cannot reach the kept ones, and `query`
/// itself, moved forward to each document left, tells whether it matches and gives its exact
/// score. So the hits and their order are `query`'s own, at a fraction of scoring every
/// match. `total` counts only the documents seen.
pub(crate) fn top_within(
    terms: &Terms<'_>,
    flat: &dyn Query,
    listed: &[Term],
    query: &dyn Query,
    gather: &Gather,
) -> tantivy::Result<Gathered> {
    let searcher = terms.searcher();
    let flat = terms.tantivy_weight(flat, true)?;
    // Moved forward to documents far apart, its unions refill a window of each term's
    // postings at each move: Tantivy's own term scorers do that fastest. Phrases are checked
    // at the documents kept only.
    let query = terms.scan_weight(query, true)?;
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let mut listed_docs: Vec<DocId> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = gather.for_segment(ord as SegmentOrdinal, reader)?;
        let alive = reader.alive_bitset();
        let is_alive = |doc| alive.is_none_or(|a| a.is_alive(doc));
        // The listed documents (a document number's few records) first: their constant
        // scores raise the bar at once.
        listed_docs.clear();
        for term in listed {
            let index = reader.inverted_index(term.field())?;
            if let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    listed_docs.push(doc);
                    doc = postings.advance();
                }
            }
        }
        listed_docs.sort_unstable();
        listed_docs.dedup();
        if !listed_docs.is_empty() {
            let mut exact = query.scorer(reader, 1.0)?;
            for &doc in &listed_docs {
                let mut at = exact.doc();
                if at < doc {
                    at = exact.seek(doc);
                }
                if at == doc && is_alive(doc) {
                    segment.collect(doc, exact.score());
                }
            }
        }
        let bar = |segment: &GatherSegment| match segment.threshold() {
            Score::MIN => Score::MIN,
            worst => worst - worst.abs() * FLAT_MARGIN,
        };
        let mut exact = query.scorer(reader, 1.0)?;
        flat.for_each_pruning(bar(&segment), reader, &mut |doc, _| {
            // Documents come in order: the query only moves forward.
            let mut at = exact.doc();
            if at < doc {
                at = exact.seek(doc);
            }
            if at == doc && is_alive(doc) && listed_docs.binary_search(&doc).is_err() {
                segment.collect(doc, exact.score());
            }
            bar(&segment)
        })?;
        fruits.push(segment.harvest());
    }
    gather.merge_fruits(fruits)
}

/// The number of documents `flat` (a flat union of weighted terms) matches and its best `k`,
/// in relevance order: each term's postings are read once and added into one score per
/// document. Where block-WAND must keep many documents (a long query's pool of candidates),
/// this costs less than pruning, and it counts at the same time. `None` when `flat` is no
/// such union. With `facets`, the documents matched are counted by facet too.
pub(crate) fn top_by_sum(
    terms: &Terms<'_>,
    flat: &dyn Query,
    k: usize,
    facets: bool,
) -> tantivy::Result<Option<Gathered>> {
    match flat_weights(terms, flat)? {
        Some(weights) => top_by_sum_of(terms, &weights, k, facets).map(Some),
        None => Ok(None),
    }
}

/// The scoring weights of `flat`'s terms in the union's order, `None` when `flat` is no flat
/// union of weighted terms ([`is_flat`]).
pub(crate) fn flat_weights(
    terms: &Terms<'_>,
    flat: &dyn Query,
) -> tantivy::Result<Option<Vec<TermWeight>>> {
    let Some(union) = flat
        .downcast_ref::<BooleanQuery>()
        .filter(|_| is_flat(flat))
    else {
        return Ok(None);
    };
    union
        .clauses()
        .iter()
        .filter_map(|(_, term)| term.downcast_ref::<WeightedTerm>())
        .map(|term| terms.term_weight(term, true))
        .collect::<tantivy::Result<Vec<_>>>()
        .map(Some)
}

/// [`top_by_sum`] of the union of `weights` (from [`flat_weights`]).
pub(crate) fn top_by_sum_of(
    terms: &Terms<'_>,
    weights: &[TermWeight],
    k: usize,
    facets: bool,
) -> tantivy::Result<Gathered> {
    let searcher = terms.searcher();
    let counter = Gather {
        k: 0,
        sort: Sort::Relevance,
        after: None,
        facets,
        prune: false,
    };
    let mut counted = Vec::new();
    let mut top: Vec<Candidate> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        with_sums(reader.max_doc() as usize, |sums, matched| {
            weights.iter().try_for_each(|weight| {
                weight.for_each_scored(reader, |doc, score| {
                    // BM25 scores are positive: a zero sum is a document no term matched yet.
                    let sum = &mut sums[doc as usize];
                    if *sum == 0.0 {
                        matched.push(doc);
                    }
                    *sum += score;
                })
            })?;
            let alive: Option<Vec<DocId>> = reader.alive_bitset().map(|alive| {
                let alive = |doc: &&DocId| alive.is_alive(**doc);
                matched.iter().filter(alive).copied().collect()
            });
            keep_summed(
                &counter,
                (ord as SegmentOrdinal, reader),
                alive.as_deref().unwrap_or(matched),
                sums,
                k,
                (&mut counted, &mut top),
            )
        })?;
    }
    top.sort();
    top.truncate(k);
    let mut gathered = counter.merge_fruits(counted)?;
    gathered.top = top;
    Ok(gathered)
}

/// Runs `f` with this thread's sums (see [`SUMS`]: all zero, at least `max_doc` long) and an
/// empty list onto which `f` pushes every document whose sum it makes non-zero; those sums
/// are zeroed again afterwards, whatever `f` returns.
pub(crate) fn with_sums<T>(max_doc: usize, f: impl FnOnce(&mut [f32], &mut Vec<DocId>) -> T) -> T {
    // Taken out while in use: a search that panics (caught by the service, which goes on
    // serving on this thread) drops it instead of leaving stale sums for the next one.
    let mut sums = SUMS.take();
    if sums.len() < max_doc {
        sums.resize(max_doc, 0.0);
    }
    let mut matched: Vec<DocId> = Vec::new();
    let result = f(&mut sums, &mut matched);
    // Left all zero for the next search.
    for &doc in &matched {
        sums[doc as usize] = 0.0;
    }
    SUMS.set(sums);
    result
}

/// The `k`-th largest of `scores` (which it reorders), `None` when there are fewer.
pub(crate) fn kth_best(scores: &mut [f32], k: usize) -> Option<f32> {
    if k == 0 || scores.len() < k {
        return None;
    }
    Some(
        *scores
            .select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a))
            .1,
    )
}

thread_local! {
    /// One sum per document of the largest segment searched on this thread, all zero between
    /// searches (and absent while one uses it, see [`with_sums`]): the sums of [`top_by_sum`] and
    /// [`crate::pairs`] (allocating and zeroing one per search cost a page fault per 4 kB,
    /// 400 kB at 100,000 records).
    static SUMS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What [`top_by_sum`] keeps of one segment's sums: its `matched` documents (alive) counted
/// (with their facets) into `counted`, and those scoring at least its `k`-th best into
/// `top`.
fn keep_summed(
    counter: &Gather,
    (ord, reader): (SegmentOrdinal, &SegmentReader),
    matched: &[DocId],
    sums: &[f32],
    k: usize,
    (counted, top): (&mut Vec<SegmentFruit>, &mut Vec<Candidate>),
) -> tantivy::Result<()> {
    let mut segment = counter.for_segment(ord, reader)?;
    for &doc in matched {
        segment.collect(doc, 0.0);
    }
    counted.push(segment.harvest());
    // Only the documents scoring at least the k-th best need their tie-break key.
    let mut scores: Vec<Score> = matched.iter().map(|&doc| sums[doc as usize]).collect();
    if k == 0 {
        return Ok(());
    }
    let floor = kth_best(&mut scores, k).unwrap_or(Score::MIN);
    let id_keys = reader.fast_fields().u64(names::ID_KEY)?;
    top.extend(matched.iter().filter_map(|&doc| {
        let score = sums[doc as usize];
        (score >= floor).then(|| Candidate::by_score((ord, doc), score, &id_keys))
    }));
    Ok(())
}

/// The collector.
pub(crate) struct Gather {
    pub(crate) k: usize,
    pub(crate) sort: Sort,
    pub(crate) after: Option<SortKey>,
    pub(crate) facets: bool,
    /// Relevance order only: let the query skip documents that cannot enter the top `k`
    /// (block-WAND on pure term unions). `total` and facets then count only what was seen.
    pub(crate) prune: bool,
}

impl Gather {
    /// The top `k` by relevance from the start, without facets, pruned (block-WAND where the
    /// query allows it).
    pub(crate) fn pruned_top(k: usize) -> Self {
        Self {
            k,
            sort: Sort::Relevance,
            after: None,
            facets: false,
            prune: true,
        }
    }
}

/// Per-segment facet counters (by term ordinal, resolved to strings at harvest).
struct FacetCounter {
    column: StrColumn,
    counts: Vec<u64>,
}

impl FacetCounter {
    fn new(column: StrColumn) -> Self {
        let terms = column.num_terms();
        Self {
            column,
            counts: vec![0; terms],
        }
    }

    fn collect(&mut self, doc: DocId) {
        for ord in self.column.term_ords(doc) {
            if let Some(count) = usize::try_from(ord)
                .ok()
                .and_then(|o| self.counts.get_mut(o))
            {
                *count += 1;
            }
        }
    }

    fn harvest(self, into: &mut HashMap<String, u64>) {
        let mut value = String::new();
        for (ord, count) in self.counts.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            value.clear();
            if self
                .column
                .ord_to_str(ord as u64, &mut value)
                .unwrap_or(false)
            {
                *into.entry(value.clone()).or_default() += count;
            }
        }
    }
}

#[derive(Default)]
pub(crate) struct SegmentFacets {
    kind: HashMap<String, u64>,
    doc_type: HashMap<String, u64>,
    issuer: HashMap<String, u64>,
    year: HashMap<String, u64>,
    site: HashMap<String, u64>,
}

pub(crate) struct GatherSegment {
    segment: SegmentOrdinal,
    k: usize,
    sort: Sort,
    after: Option<SortKey>,
    id_keys: Column<u64>,
    dates: Column<i64>,
    heap: BinaryHeap<Candidate>,
    total: usize,
    facet_columns: Option<[Option<FacetCounter>; 4]>,
    years: Option<(Column<u64>, HashMap<u64, u64>)>,
}

pub(crate) struct SegmentFruit {
    total: usize,
    top: Vec<Candidate>,
    facets: Option<SegmentFacets>,
}

impl Collector for Gather {
    type Fruit = Gathered;
    type Child = GatherSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GatherSegment> {
        let fast = reader.fast_fields();
        let (facet_columns, years) = if self.facets {
            let column = |name: &str| -> tantivy::Result<Option<FacetCounter>> {
                Ok(fast.str(name)?.map(FacetCounter::new))
            };
            (
                Some([
                    column(names::KIND)?,
                    column(names::DOC_TYPE)?,
                    column(names::ISSUER)?,
                    column(names::SITE)?,
                ]),
                Some((fast.u64(names::YEAR)?, HashMap::new())),
            )
        } else {
            (None, None)
        };
        Ok(GatherSegment {
            segment,
            k: self.k,
            sort: self.sort,
            after: self.after,
            id_keys: fast.u64(names::ID_KEY)?,
            dates: fast.i64(names::DATE_DAYS)?,
            heap: BinaryHeap::with_capacity(self.k + 1),
            total: 0,
            facet_columns,
            years,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance && self.k > 0
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        let mut segment = self.for_segment(segment_ord, reader)?;
        let alive = reader.alive_bitset();
        if self.prune && self.requires_scoring() {
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    segment.collect(doc, score);
                }
                segment.threshold()
            })?;
        } else if self.requires_scoring() {
            weight.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    segment.collect(doc, score);
                }
            })?;
        } else {
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        segment.collect(doc, 0.0);
                    }
                }
            })?;
        }
        Ok(segment.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Gathered> {
        let mut total = 0;
        let mut all: Vec<Candidate> = Vec::new();
        let mut facets: Option<SegmentFacets> = None;
        for fruit in fruits {
            total += fruit.total;
            all.extend(fruit.top);
            if let Some(segment) = fruit.facets {
                let merged = facets.get_or_insert_with(SegmentFacets::default);
                for (from, into) in [
                    (segment.kind, &mut merged.kind),
                    (segment.doc_type, &mut merged.doc_type),
                    (segment.issuer, &mut merged.issuer),
                    (segment.year, &mut merged.year),
                    (segment.site, &mut merged.site),
                ] {
                    for (value, count) in from {
                        *into.entry(value).or_default() += count;
                    }
                }
            }
        }
        all.sort();
        all.truncate(self.k);
        let facets = if self.facets {
            let merged = facets.unwrap_or_default();
            Some(Facets {
                kind: sorted(merged.kind),
                doc_type: sorted(merged.doc_type),
                issuer: sorted(merged.issuer),
                year: sorted(merged.year),
                site: sorted(merged.site),
            })
        } else {
            None
        };
        Ok(Gathered {
            total,
            top: all,
            facets,
            capped: false,
        })
    }
}

fn sorted(counts: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut list: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list
}

impl GatherSegment {
    /// The score a document must reach to still enter the top `k` (relevance order): just
    /// below the worst kept score, so ties (broken by id) still compete.
    fn threshold(&self) -> Score {
        if self.k == 0 || self.heap.len() < self.k {
            return Score::MIN;
        }
        match self.heap.peek() {
            Some(worst) => {
                let score = worst.key.primary as Score;
                if score > 0.0 {
                    f32::from_bits(score.to_bits() - 1)
                } else {
                    Score::MIN
                }
            }
            None => Score::MIN,
        }
    }
}

impl SegmentCollector for GatherSegment {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        if let Some(columns) = &mut self.facet_columns {
            for counter in columns.iter_mut().flatten() {
                counter.collect(doc);
            }
        }
        if let Some((column, counts)) = &mut self.years
            && let Some(year) = column.first(doc)
        {
            *counts.entry(year).or_default() += 1;
        }
        if self.k == 0 {
            return;
        }
        let primary = match self.sort {
            Sort::Relevance => f64::from(score),
            Sort::Newest => self.dates.first(doc).map_or(f64::MIN, |d| d as f64),
            Sort::Oldest => self.dates.first(doc).map_or(f64::MIN, |d| -(d as f64)),
        };
        let key = SortKey {
            primary,
            id_key: self.id_keys.first(doc).unwrap_or(u64::MAX),
        };
        if let Some(after) = &self.after
            && key.rank(after) != Ordering::Less
        {
            return;
        }
        let candidate = Candidate {
            key,
            score,
            address: DocAddress::new(self.segment, doc),
        };
        if self.heap.len() < self.k {
            self.heap.push(candidate);
        } else if let Some(worst) = self.heap.peek()
            && candidate < *worst
        {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    fn harvest(self) -> SegmentFruit {
        let facets = self.facet_columns.map(|[kind, doc_type, issuer, site]| {
            let mut out = SegmentFacets::default();
            for (counter, into) in [
                (kind, &mut out.kind),
                (doc_type, &mut out.doc_type),
                (issuer, &mut out.issuer),
                (site, &mut out.site),
            ] {
                if let Some(counter) = counter {
                    counter.harvest(into);
                }
            }
            if let Some((_, years)) = self.years {
                out.year = years
                    .into_iter()
                    .map(|(year, count)| (year.to_string(), count))
                    .collect();
            }
            out
        });
        SegmentFruit {
            total: self.total,
            top: self.heap.into_vec(),
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_checks_the_sort() {
        let key = SortKey {
            primary: 12.5,
            id_key: 42,
        };
        let cursor = key.to_cursor(Sort::Newest);
        assert_eq!(SortKey::from_cursor(&cursor, Sort::Newest), Some(key));
        assert_eq!(SortKey::from_cursor(&cursor, Sort::Relevance), None);
        assert_eq!(SortKey::from_cursor("garbage", Sort::Newest), None);
        assert_eq!(SortKey::from_cursor("nÿÿÿ", Sort::Newest), None);
    }

    #[test]
    fn better_candidates_sort_first() {
        let make = |primary, id_key| Candidate {
            key: SortKey { primary, id_key },
            score: 0.0,
            address: DocAddress::new(0, 0),
        };
        let mut list = [make(1.0, 5), make(2.0, 9), make(1.0, 3)];
        list.sort();
        let keys: Vec<(f64, u64)> = list.iter().map(|c| (c.key.primary, c.key.id_key)).collect();
        assert_eq!(keys, [(2.0, 9), (1.0, 3), (1.0, 5)]);
    }
}
