//! A long query's best candidates by syllable pairs without reading every pair's postings:
//! when the count is capped (no facets, no exact total) and the pairs' own document counts
//! prove more matches than the cap, only the pool of best candidates is needed, so the common
//! pairs (long postings, low scores) are read only at the records that can still enter it.
//!
//! Per segment, MaxScore-style: the pairs are summed rarest first, a whole postings list at
//! a time, until the pool's worst partial sum beats what all the pairs left could still add
//! (a record none of the pairs read so far holds cannot enter the pool); the pairs left are
//! then read at the records that can still enter it only (their blocks of postings between
//! them skipped), dropping records as the bar rises. The records left get their sums again,
//! pair by pair in the query's order as [`crate::collector::top_by_sum`] adds them, so the
//! pool, its scores and its order are the same to the bit.

use tantivy::query::{BooleanQuery, Query};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::collector::{Candidate, Gathered, SUMS, SortKey, top_by_sum};
use crate::flat::{WeightedTerm, is_flat};
use crate::schema::names;
use crate::terms::{TermWeight, Terms};

/// How far an upper bound or a bar is widened against rounding: partial sums are added in
/// another order than the final ones (at most a few units in the last place apart).
const MARGIN: f64 = 1e-4;

/// The best `k` documents of `flat` (a flat union of weighted terms) by the sum of their
/// terms' scores, as [`top_by_sum`] finds them, and the number of documents it matches up to
/// `cap`: when the terms' document counts prove more than `cap` matches (and no segment has
/// deleted documents), the total is `cap`, flagged capped, and only the documents that can
/// enter the top `k` are scored in full; otherwise [`top_by_sum`]'s full pass counts them all.
/// `None` when `flat` is no such union.
pub(crate) fn top_by_sum_up_to(
    terms: &Terms<'_>,
    flat: &dyn Query,
    k: usize,
    cap: usize,
) -> tantivy::Result<Option<Gathered>> {
    let Some(union) = flat
        .downcast_ref::<BooleanQuery>()
        .filter(|_| is_flat(flat))
    else {
        return Ok(None);
    };
    let searcher = terms.searcher();
    let weights = union
        .clauses()
        .iter()
        .map(|(_, term)| match term.downcast_ref::<WeightedTerm>() {
            Some(term) => terms.term_weight(term, true).map(Some),
            None => Ok(None),
        })
        .collect::<tantivy::Result<Option<Vec<_>>>>()?;
    let Some(weights) = weights else {
        return top_by_sum(terms, flat, k, false);
    };
    if k == 0 || !prunable(&weights, searcher.segment_readers(), cap) {
        return top_by_sum(terms, flat, k, false);
    }
    let mut top = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        top_in_segment(&weights, (ord as SegmentOrdinal, reader), k, &mut top)?;
    }
    top.sort();
    top.truncate(k);
    Ok(Some(Gathered {
        total: cap,
        top,
        facets: None,
        capped: true,
    }))
}

/// Whether the pruned pass applies: positive, finite bounds for every term, no deleted
/// documents, and more than `cap` matches proven by the most common term of each segment.
fn prunable(weights: &[TermWeight], readers: &[SegmentReader], cap: usize) -> bool {
    let bounded = weights
        .iter()
        .all(|w| w.max_score().is_some_and(|s| s.is_finite() && s > 0.0));
    if !bounded || readers.iter().any(SegmentReader::has_deletes) {
        return false;
    }
    let mut proven = 0usize;
    for reader in readers {
        let most = weights
            .iter()
            .map(|w| w.segment_doc_freq(reader))
            .try_fold(0u32, |most, df| df.map(|df| most.max(df)));
        match most {
            Some(most) => proven += most as usize,
            None => return false,
        }
    }
    proven > cap
}

#[cfg(test)]
thread_local! {
    /// Terms read at the records that can still enter the pool only, on this thread: a test
    /// sees the pruned pass at work.
    pub(crate) static SEEKING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The `k`-th largest of `scores` (which it reorders), `None` when there are fewer.
fn kth_best(scores: &mut [f32], k: usize) -> Option<f32> {
    if k == 0 || scores.len() < k {
        return None;
    }
    Some(
        *scores
            .select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a))
            .1,
    )
}

/// One segment of [`top_by_sum_up_to`]'s pruned pass: pushes onto `top` a superset of the
/// segment's best `k` by exact sum, with their exact sums.
fn top_in_segment(
    weights: &[TermWeight],
    (ord, reader): (SegmentOrdinal, &SegmentReader),
    k: usize,
    top: &mut Vec<Candidate>,
) -> tantivy::Result<()> {
    // Taken out while in use (see `SUMS`), left all zero.
    let mut sums = SUMS.take();
    let max_doc = reader.max_doc() as usize;
    if sums.len() < max_doc {
        sums.resize(max_doc, 0.0);
    }
    let mut matched: Vec<DocId> = Vec::new();
    let result = summed(weights, (ord, reader), k, &mut sums, &mut matched, top);
    for &doc in &matched {
        sums[doc as usize] = 0.0;
    }
    SUMS.set(sums);
    result
}

/// [`top_in_segment`] with its sums (all zero on entry) and the documents it made non-zero.
fn summed(
    weights: &[TermWeight],
    (ord, reader): (SegmentOrdinal, &SegmentReader),
    k: usize,
    sums: &mut [f32],
    matched: &mut Vec<DocId>,
    top: &mut Vec<Candidate>,
) -> tantivy::Result<()> {
    let doc_freq = |i: usize| weights[i].segment_doc_freq(reader).unwrap_or(u32::MAX);
    // Rarest first: short postings, high scores.
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (doc_freq(i), i));
    // `left[p]`: what the terms from `order[p]` on can add at most.
    let mut left = vec![0.0f64; order.len() + 1];
    for p in (0..order.len()).rev() {
        let bound = weights[order[p]].max_score().unwrap_or(Score::MAX);
        left[p] = left[p + 1] + f64::from(bound);
    }
    let widened = |b: f64| b * (1.0 + MARGIN);
    let lowered = |b: f32| f64::from(b) * (1.0 - MARGIN);

    // Whole postings lists, rarest first, while a record none of them holds could still
    // enter the pool. The bar (the pool's worst partial sum) only rises: a stale one is still
    // a bar, so it is taken again only once as many postings were read as it looked at.
    let mut scratch: Vec<f32> = Vec::new();
    let mut bar: Option<f32> = None;
    let mut since_bar = 0usize;
    let mut read = 0;
    while read < order.len() {
        if matched.len() >= k && since_bar >= matched.len() {
            scratch.clear();
            scratch.extend(matched.iter().map(|&doc| sums[doc as usize]));
            bar = kth_best(&mut scratch, k);
            since_bar = 0;
        }
        if bar.is_some_and(|bar| lowered(bar) > widened(left[read])) {
            break;
        }
        let weight = &weights[order[read]];
        weight.for_each_scored(reader, |doc, score| {
            let sum = &mut sums[doc as usize];
            if *sum == 0.0 {
                matched.push(doc);
            }
            *sum += score;
        })?;
        since_bar += doc_freq(order[read]) as usize;
        read += 1;
    }

    // The terms left, read at the records that can still enter the pool, their scores kept
    // as (record, term) for the exact sums.
    let mut docs: Vec<DocId> = matched.clone();
    docs.sort_unstable();
    let mut kept: Vec<(DocId, u32, Score)> = Vec::new();
    #[cfg(test)]
    SEEKING.set(SEEKING.get() + order.len() - read);
    for p in read..order.len() {
        if let Some(bar) = bar {
            docs.retain(|&doc| widened(f64::from(sums[doc as usize]) + left[p]) >= lowered(bar));
        }
        let term = order[p];
        let weight = &weights[term];
        if docs.len() as u64 * 32 >= u64::from(doc_freq(term)) {
            // Most blocks hold one: read them all.
            let mut next = 0;
            weight.for_each_scored(reader, |doc, score| {
                while next < docs.len() && docs[next] < doc {
                    next += 1;
                }
                if docs.get(next) == Some(&doc) {
                    sums[doc as usize] += score;
                    kept.push((doc, term as u32, score));
                }
            })?;
        } else {
            weight.scores_at(reader, &docs, |i, score| {
                sums[docs[i] as usize] += score;
                kept.push((docs[i], term as u32, score));
            })?;
        }
        scratch.clear();
        scratch.extend(docs.iter().map(|&doc| sums[doc as usize]));
        bar = kth_best(&mut scratch, k).or(bar);
    }

    // The records that can be among the best `k`, summed again as `top_by_sum` sums them:
    // term by term in the query's order, in `f32` from zero.
    if let Some(bar) = bar {
        docs.retain(|&doc| widened(f64::from(sums[doc as usize])) >= lowered(bar));
    }
    let mut scores: Vec<Vec<(u32, Score)>> = vec![Vec::new(); docs.len()];
    for &term in &order[..read] {
        weights[term].scores_at(reader, &docs, |i, score| {
            scores[i].push((term as u32, score))
        })?;
    }
    for (doc, term, score) in kept {
        if let Ok(i) = docs.binary_search(&doc) {
            scores[i].push((term, score));
        }
    }
    let id_keys = reader.fast_fields().u64(names::ID_KEY)?;
    top.extend(docs.iter().zip(&mut scores).map(|(&doc, scores)| {
        scores.sort_unstable_by_key(|&(term, _)| term);
        let score = scores.iter().fold(0.0 as Score, |sum, &(_, s)| sum + s);
        Candidate {
            key: SortKey {
                primary: f64::from(score),
                id_key: id_keys.first(doc).unwrap_or(u64::MAX),
            },
            score,
            address: DocAddress::new(ord, doc),
        }
    }));
    Ok(())
}
