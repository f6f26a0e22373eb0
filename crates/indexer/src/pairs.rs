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

use tantivy::query::{BooleanQuery, Occur, Query, Weight};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::collector::{
    Candidate, Gathered, docs_by_segment, flat_weights, kth_best, top_by_sum_of, with_sums,
};
use crate::flat::WeightedTerm;
use crate::schema::names;
use crate::seeking::seeking;
use crate::terms::{TermWeight, Terms};

/// How far an upper bound or a bar is widened against rounding: partial sums are added in
/// another order than the final ones (at most a few units in the last place apart).
const MARGIN: f64 = 1e-4;

/// An upper bound `b` widened by [`MARGIN`].
fn widened(b: f64) -> f64 {
    b * (1.0 + MARGIN)
}

/// A bar `b` lowered by [`MARGIN`].
fn lowered(b: f32) -> f64 {
    f64::from(b) * (1.0 - MARGIN)
}

/// Below this many documents the pairs' postings are short: reading them all costs less than
/// the pruned pass's bookkeeping (unseen bench, pasted sentences at 5,549 records: p50
/// 1.05-1.09 ms pruned, 0.93-0.94 read in full).
const PRUNED_FROM_DOCS: u64 = 20_000;

/// The best `k` documents of `flat` (a flat union of weighted terms) by the sum of their
/// terms' scores, as [`crate::collector::top_by_sum`] finds them, and the number of documents it matches up to
/// `cap`: when the terms' document counts prove more than `cap` matches (and no segment has
/// deleted documents), the total is `cap`, flagged capped, and only the documents that can
/// enter the top `k` are scored in full; otherwise [`crate::collector::top_by_sum`]'s full pass counts them all.
/// `None` when `flat` is no such union. Pruned only from [`PRUNED_FROM_DOCS`] documents.
pub(crate) fn top_by_sum_up_to(
    terms: &Terms<'_>,
    flat: &dyn Query,
    k: usize,
    cap: usize,
) -> tantivy::Result<Option<Gathered>> {
    top_by_sum_pruned_from(terms, flat, (k, cap), PRUNED_FROM_DOCS)
}

/// [`top_by_sum_up_to`], pruned from `from_docs` documents.
pub(crate) fn top_by_sum_pruned_from(
    terms: &Terms<'_>,
    flat: &dyn Query,
    (k, cap): (usize, usize),
    from_docs: u64,
) -> tantivy::Result<Option<Gathered>> {
    let Some(weights) = flat_weights(terms, flat)? else {
        return Ok(None);
    };
    let searcher = terms.searcher();
    if k == 0
        || searcher.num_docs() < from_docs
        || !prunable(&weights, searcher.segment_readers(), cap)
    {
        return top_by_sum_of(terms, &weights, k, false).map(Some);
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

/// One segment of [`top_by_sum_up_to`]'s pruned pass: pushes onto `top` a superset of the
/// segment's best `k` by exact sum, with their exact sums.
fn top_in_segment(
    weights: &[TermWeight],
    (ord, reader): (SegmentOrdinal, &SegmentReader),
    k: usize,
    top: &mut Vec<Candidate>,
) -> tantivy::Result<()> {
    with_sums(reader.max_doc() as usize, |sums, matched| {
        summed(weights, (ord, reader), k, sums, matched, top)
    })
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

    // The terms left, read at the records that can still enter the pool (most cannot: they
    // go before sorting, by a fresh bar), their scores kept as (record, term) for the exact
    // sums.
    if read < order.len() && since_bar > 0 && matched.len() >= k {
        scratch.clear();
        scratch.extend(matched.iter().map(|&doc| sums[doc as usize]));
        bar = kth_best(&mut scratch, k);
    }
    let can_enter = |sum: f32, p: usize, bar: Option<f32>| match bar {
        Some(bar) => widened(f64::from(sum) + left[p]) >= lowered(bar),
        None => true,
    };
    let mut docs: Vec<DocId> = matched
        .iter()
        .copied()
        .filter(|&doc| can_enter(sums[doc as usize], read, bar))
        .collect();
    docs.sort_unstable();
    let mut kept: Vec<(DocId, u32, Score)> = Vec::new();
    #[cfg(test)]
    SEEKING.set(SEEKING.get() + order.len() - read);
    for (p, &term) in order.iter().enumerate().skip(read) {
        if p > read {
            docs.retain(|&doc| can_enter(sums[doc as usize], p, bar));
        }
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
        Candidate::by_score((ord, doc), score, &id_keys)
    }));
    Ok(())
}

/// The documents of `found` that `query` (a long query's scored union) matches, with the
/// score its seeking union ([`seeking`]) gives them, best first: at least the best `k` of
/// them, or all. The union's clauses are sought to the documents one clause at a time, each
/// clause's score kept and added in the union's order at the end (so the scores are the
/// seeking union's to the bit). Clauses whose scorer depends on the documents it was sought
/// to before (Tantivy's own unions, under a boost) go first, at every document; then the
/// clauses of weighted terms, rarest first, and a document drops out once its partial sum
/// and all the clauses left could add cannot reach the `k`-th best partial sum (so the
/// common words, read last, are read at few documents). `None` when `query` is no union.
pub(crate) fn rescore_union(
    terms: &Terms<'_>,
    query: &dyn Query,
    found: &[Candidate],
    k: usize,
) -> tantivy::Result<Option<Vec<Candidate>>> {
    // A single required or optional clause scores as the clause itself.
    let mut union = query;
    while let Some(only) = union
        .downcast_ref::<BooleanQuery>()
        .filter(|b| b.get_minimum_number_should_match() <= 1)
        .and_then(|b| match b.clauses() {
            [(Occur::Must | Occur::Should, only)] => Some(only.as_ref()),
            _ => None,
        })
    {
        union = only;
    }
    let Some(union) = union.downcast_ref::<BooleanQuery>().filter(|b| {
        b.get_minimum_number_should_match() <= 1
            && b.clauses().len() >= 2
            && b.clauses().iter().all(|(occur, _)| *occur == Occur::Should)
    }) else {
        return Ok(None);
    };
    let mut clauses = Vec::with_capacity(union.clauses().len());
    // The clauses some document holds, in the union's order (the order scores are added in).
    for (_, clause) in union.clauses() {
        let matches = terms.bound(clause.as_ref())?;
        if matches == 0 {
            // No document holds it: it adds nothing to any sum.
            continue;
        }
        let (scores, bound) = match clause.downcast_ref::<WeightedTerm>() {
            // A term is read a block at a time at the documents (no cursor to build).
            Some(term) => {
                let weight = terms.term_weight(term, true)?;
                let bound = weight.max_score().map(f64::from);
                (Scores::Term(weight), bound)
            }
            None => (
                Scores::Cursor(terms.weight(seeking(clause.as_ref()).as_ref(), true)?),
                score_bound(terms, clause.as_ref())?,
            ),
        };
        let bound = match bound {
            Some(bound) if bound.is_finite() && bound > 0.0 => Some(bound),
            Some(_) => return Ok(None),
            None => None,
        };
        clauses.push(Clause {
            scores,
            bound,
            matches,
        });
    }
    let searcher = terms.searcher();
    let by_segment = docs_by_segment(searcher.segment_readers().len(), found);
    let mut rescored = Vec::with_capacity(found.len());
    for (ord, mut docs) in by_segment.into_iter().enumerate() {
        if docs.is_empty() {
            continue;
        }
        docs.dedup();
        let reader = searcher.segment_reader(ord as SegmentOrdinal);
        rescore_segment(
            &clauses,
            (ord as SegmentOrdinal, reader),
            docs,
            k,
            &mut rescored,
        )?;
    }
    rescored.sort();
    Ok(Some(rescored))
}

/// How [`rescore_segment`] reads a clause's scores at its documents.
enum Scores {
    /// A weighted term: its postings a block at a time ([`TermWeight::scores_at`]), the
    /// blocks between the documents unread; the scores its scorer gives, to the bit.
    Term(TermWeight),
    /// Anything else: its scorer, sought to each document.
    Cursor(Box<dyn Weight>),
}

/// A clause of the union [`rescore_union`] rescores.
struct Clause {
    scores: Scores,
    /// The most it adds to a document's score, when its scorer does not depend on the
    /// documents it was sought to before (weighted terms and unions of them); `None` else.
    bound: Option<f64>,
    /// At most this many documents hold it.
    matches: u64,
}

/// The most `query` adds to a document's score when it is a weighted term or a `Should`
/// union of them (which [`seeking`] makes a seeking union), `None` for anything else.
pub(crate) fn score_bound(terms: &Terms<'_>, query: &dyn Query) -> tantivy::Result<Option<f64>> {
    if let Some(term) = query.downcast_ref::<WeightedTerm>() {
        let weight = terms.term_weight(term, true)?;
        return Ok(weight.max_score().map(f64::from));
    }
    let Some(union) = query
        .downcast_ref::<BooleanQuery>()
        .filter(|b| b.get_minimum_number_should_match() <= 1)
    else {
        return Ok(None);
    };
    let mut sum = 0.0;
    for (occur, clause) in union.clauses() {
        if *occur != Occur::Should {
            return Ok(None);
        }
        match score_bound(terms, clause.as_ref())? {
            Some(bound) => sum += bound,
            None => return Ok(None),
        }
    }
    Ok(Some(sum))
}

/// A document [`rescore_segment`] rescores: its partial sum and its row in the table of
/// clause scores.
struct Row {
    doc: DocId,
    partial: f32,
    slot: usize,
}

/// One segment of [`rescore_union`]: `docs` ascending.
fn rescore_segment(
    clauses: &[Clause],
    (ord, reader): (SegmentOrdinal, &SegmentReader),
    mut docs: Vec<DocId>,
    k: usize,
    rescored: &mut Vec<Candidate>,
) -> tantivy::Result<()> {
    // The clauses without a bound first (at every document), then rarest first.
    let mut order: Vec<usize> = (0..clauses.len()).collect();
    order.sort_by_key(|&i| (clauses[i].bound.is_some(), clauses[i].matches, i));
    let mut left = vec![0.0f64; order.len() + 1];
    for p in (0..order.len()).rev() {
        left[p] = left[p + 1] + clauses[order[p]].bound.unwrap_or(f64::INFINITY);
    }
    // Each document's partial sum, and its clauses' scores in a table (a row of the
    // clauses per document, NaN where a clause does not match).
    let n = clauses.len();
    let mut table: Vec<Score> = vec![Score::NAN; docs.len() * n];
    let mut rows: Vec<Row> = docs
        .drain(..)
        .enumerate()
        .map(|(slot, doc)| Row {
            doc,
            partial: 0.0,
            slot,
        })
        .collect();
    let mut scratch: Vec<f32> = Vec::new();
    for (p, &clause) in order.iter().enumerate() {
        // No document drops while the clauses left could lift any to the best partial sum
        // (the bar is at most that): the bar is only taken once they cannot.
        // No more than `k` left: none can drop (the bar is at most the smallest).
        let best = rows.iter().map(|row| row.partial).fold(0.0, f32::max);
        if rows.len() > k && widened(left[p]) < f64::from(best) {
            scratch.clear();
            scratch.extend(rows.iter().map(|row| row.partial));
            if let Some(bar) = kth_best(&mut scratch, k) {
                rows.retain(|row| widened(f64::from(row.partial) + left[p]) >= lowered(bar));
            }
        }
        match &clauses[clause].scores {
            Scores::Term(term) => {
                // `rows` stay in document order: `docs` is ascending.
                docs.clear();
                docs.extend(rows.iter().map(|row| row.doc));
                term.scores_at(reader, &docs, |i, score| {
                    let row = &mut rows[i];
                    row.partial += score;
                    table[row.slot * n + clause] = score;
                })?;
            }
            Scores::Cursor(weight) => {
                let mut scorer = weight.scorer(reader, 1.0)?;
                for row in &mut rows {
                    let mut at = scorer.doc();
                    if at < row.doc {
                        at = scorer.seek(row.doc);
                    }
                    if at == row.doc {
                        let score = scorer.score();
                        row.partial += score;
                        table[row.slot * n + clause] = score;
                    }
                }
            }
        }
    }
    let id_keys = reader.fast_fields().u64(names::ID_KEY)?;
    for row in rows {
        let scores = &table[row.slot * n..(row.slot + 1) * n];
        if scores.iter().all(|s| s.is_nan()) {
            // Not a match.
            continue;
        }
        // As the seeking union adds them: the matching clauses in the union's order.
        let score: Score = scores.iter().filter(|s| !s.is_nan()).sum();
        rescored.push(Candidate::by_score((ord, row.doc), score, &id_keys));
    }
    Ok(())
}
