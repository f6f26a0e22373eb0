//! `--baseline`: what the load mix's searches cost in process, tracuu against plain Tantivy
//! on the same records and the same query strings, one search at a time on one thread.
//!
//! The queries are the load's own sequence (the popular mix with one request in
//! `--unseen-every` from the long tail, as [`crate::load::Workload`] sends them). tracuu runs
//! each as `GET /api/search` would ask it ([`query::api_request`]: the same parameters, no
//! facets, the total capped at 1,000 as the API counts); plain Tantivy ([`baseline`]: default
//! tokenizer, BM25, `title^2 body`) takes the same text through its default query parser and
//! the filters it can express (kind, document type and issuer as typed keywords, the date
//! range, newest/oldest orders), top 10 with an exact count and the ids read from its doc
//! store (as the unseen bench's baseline), and again for the top 10 alone (no count, so its
//! block-max WAND skips what cannot enter: plain Tantivy at its cheapest). Not mapped to Tantivy: `status`, and tracuu's reading of the query (tone
//! restoration, Telex, document numbers, syllable pairs); tracuu's hits also carry snippets.
//!
//! Each side runs the whole sequence in turn, `rounds` times, the side that goes first
//! rotating. Per kind it reports the median and mean time of one search (one thread, no
//! I/O: its CPU time), and overall the mean CPU per search from the thread's CPU clock. With
//! `connections` closed-loop clients on `cores` cores that are busy searching, Little's law
//! puts a request's latency near `connections / cores × CPU per request`: the bound each side
//! implies for the HTTP load.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use baseline::Baseline;
use indexer::{SearchIndex, SearchRequest};

use crate::load::Workload;
use crate::mix::{Query, QueryKind};

/// The sides, in report order: tracuu, plain Tantivy with the count, plain Tantivy top 10 only.
const SIDES: usize = 3;

/// One request of the sequence, ready for both sides.
struct Prepared {
    kind: QueryKind,
    tracuu: SearchRequest,
    /// The same request's text and filters, for the baseline.
    kind_filter: Option<&'static str>,
}

/// What one side measured: every search's time by kind, and the thread's CPU time.
#[derive(Debug, Default)]
pub(crate) struct Side {
    /// Microseconds of each search, by kind.
    pub(crate) times: BTreeMap<QueryKind, Vec<f64>>,
    /// The searching thread's CPU time over all rounds.
    pub(crate) cpu: Duration,
    /// Searches run.
    pub(crate) searches: usize,
    /// Searches that found at least one record.
    pub(crate) found: usize,
}

impl Side {
    /// Mean CPU per search, in milliseconds, from the thread's CPU clock.
    pub(crate) fn cpu_ms_per_search(&self) -> f64 {
        self.cpu.as_secs_f64() * 1000.0 / self.searches.max(1) as f64
    }

    /// Median and mean time of one search of `kind` (or of all), in milliseconds.
    pub(crate) fn median_and_mean(&self, kind: Option<QueryKind>) -> (f64, f64) {
        let mut values: Vec<f64> = self
            .times
            .iter()
            .filter(|(k, _)| kind.is_none_or(|want| **k == want))
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        if values.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        (values[values.len() / 2] / 1000.0, mean / 1000.0)
    }
}

/// The load's request sequence: the first `count` requests a [`Workload`] of `popular` with
/// one in `every` from `tail` sends (the same order the load's connections draw from).
pub(crate) fn sequence(
    popular: &[Query],
    tail: &[Query],
    every: usize,
    count: usize,
) -> Vec<Query> {
    let workload = Workload::with_tail(popular, tail.to_vec(), every, Arc::default());
    (0..count).map(|_| workload.next().clone()).collect()
}

/// Runs `queries` `rounds` times on each side; returns the figures of tracuu, of plain Tantivy
/// with the count, and of plain Tantivy asked for the top 10 only.
pub(crate) fn compare(
    tracuu: &SearchIndex,
    tantivy: &Baseline,
    queries: &[Query],
    rounds: usize,
) -> Result<[Side; SIDES]> {
    let config = query::ServerConfig::default();
    let today = chrono::Local::now().date_naive();
    let mut prepared = Vec::with_capacity(queries.len());
    for q in queries {
        let query_string = q
            .path
            .split_once('?')
            .map_or("", |(_, query_string)| query_string);
        let mut request = query::api_request(query_string, &config)
            .map_err(|e| anyhow::anyhow!("{}: {e}", q.path))?;
        request.today = Some(today);
        prepared.push(Prepared {
            kind: q.kind,
            kind_filter: request.kind.map(|k| k.as_str()),
            tracuu: request,
        });
    }
    let mut sides = [Side::default(), Side::default(), Side::default()];
    for round in 0..rounds {
        for k in 0..SIDES {
            let s = (k + round) % SIDES;
            let side = &mut sides[s];
            let cpu_before = thread_cpu()?;
            for p in &prepared {
                let started = Instant::now();
                let found = match s {
                    0 => {
                        let results = tracuu
                            .search(&p.tracuu)
                            .with_context(|| format!("tracuu: {:?}", p.tracuu.query))?;
                        results.total > 0
                    }
                    1 => tantivy.search(&baseline_request(p))?.total > 0,
                    _ => !tantivy.search_top(&baseline_request(p))?.ids.is_empty(),
                };
                let micros = started.elapsed().as_secs_f64() * 1e6;
                side.times.entry(p.kind).or_default().push(micros);
                side.searches += 1;
                side.found += usize::from(found);
            }
            side.cpu += thread_cpu()?.saturating_sub(cpu_before);
        }
    }
    Ok(sides)
}

/// The baseline's reading of a prepared request.
fn baseline_request(p: &Prepared) -> baseline::Request<'_> {
    let r = &p.tracuu;
    baseline::Request {
        text: &r.query,
        kind: p.kind_filter,
        doc_type: r.doc_type.as_deref(),
        issuer: r.issuer.as_deref(),
        date_from: r.date_from,
        date_to: r.date_to,
        sort: match r.sort {
            indexer::Sort::Relevance => baseline::Sort::Relevance,
            indexer::Sort::Newest => baseline::Sort::Newest,
            indexer::Sort::Oldest => baseline::Sort::Oldest,
        },
        limit: r.limit,
    }
}

/// CPU time (user + system) of the calling thread so far, from `/proc/thread-self/stat`
/// (Linux; clock ticks of 1/100 s, so a side's total over thousands of searches is exact to
/// well under 1%).
fn thread_cpu() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")
        .context("reading /proc/thread-self/stat (the comparison needs Linux)")?;
    let Some(rest) = stat.rfind(')').and_then(|i| stat.get(i + 1..)) else {
        bail!("unexpected /proc/thread-self/stat");
    };
    let mut fields = rest.split_whitespace();
    let utime: u64 = fields.nth(11).context("utime")?.parse()?;
    let stime: u64 = fields.next().context("stime")?.parse()?;
    Ok(Duration::from_millis((utime + stime) * 10))
}

/// Prints the comparison: per kind the median and mean (ms) of each side and tracuu's ratio
/// to each baseline, the mean CPU per search, and the closed-loop latency each side implies.
pub(crate) fn report(
    sides: &[Side; SIDES],
    documents: u64,
    rounds: usize,
    connections: usize,
    cores: usize,
) {
    let [tracuu, counted, top] = sides;
    println!();
    println!(
        "== in process, one search at a time: tracuu vs plain Tantivy (top 10 with the count; \
         top 10 only), {documents} documents, the load's request sequence × {rounds} rounds \
         (ms; ratio = tracuu / plain Tantivy) =="
    );
    println!(
        "{:<14} {:>17} {:>17} {:>17} {:>13} {:>13}",
        "kind", "tracuu p50/mean", "counted p50/mean", "top10 p50/mean", "÷ counted", "÷ top10"
    );
    let kinds = [None]
        .into_iter()
        .chain(QueryKind::ALL.into_iter().map(Some));
    for kind in kinds {
        let [t, c, o] = [tracuu, counted, top].map(|side| side.median_and_mean(kind));
        if t.0.is_nan() {
            continue;
        }
        println!(
            "{:<14} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>5.1}x {:>5.1}x {:>5.1}x {:>5.1}x",
            kind.map_or("all", QueryKind::name),
            t.0,
            t.1,
            c.0,
            c.1,
            o.0,
            o.1,
            t.0 / c.0,
            t.1 / c.1,
            t.0 / o.0,
            t.1 / o.1
        );
    }
    let per = Side::cpu_ms_per_search;
    let bound = |side: &Side| connections as f64 / cores.max(1) as f64 * per(side);
    println!(
        "CPU per search (thread clock): tracuu {:.3} ms, plain Tantivy {:.3} ms counted \
         ({:.1}x), {:.3} ms top 10 only ({:.1}x); found something: tracuu {}/{}, plain Tantivy \
         {}/{}",
        per(tracuu),
        per(counted),
        per(tracuu) / per(counted),
        per(top),
        per(tracuu) / per(top),
        tracuu.found,
        tracuu.searches,
        counted.found,
        counted.searches
    );
    println!(
        "closed-loop latency implied with {connections} connections on {cores} cores \
         ({connections} / {cores} × CPU per search, the cores only searching): tracuu {:.2} ms, \
         plain Tantivy {:.2} ms counted, {:.2} ms top 10 only",
        bound(tracuu),
        bound(counted),
        bound(top)
    );
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use crawler::{Kind, Record};

    use super::*;
    use crate::mix;

    /// A few hundred records in the corpus's shape: legal documents with numbers, types and
    /// dates, news articles, bodies with the mix's words and 25-40 syllable sentences.
    fn records() -> Vec<Record> {
        let topics = [
            "đất đai",
            "thuế",
            "giáo dục",
            "bảo hiểm xã hội",
            "môi trường",
            "xây dựng",
            "giao thông",
            "y tế",
            "hộ tịch",
            "khiếu nại",
            "tài sản",
            "trẻ em",
        ];
        let types = ["Nghị định", "Luật", "Thông tư", "Nghị quyết"];
        (0..300)
            .map(|i| {
                let topic = topics[i % topics.len()];
                let other = topics[(i * 7 + 3) % topics.len()];
                let legal = i % 3 != 0;
                let id = if legal {
                    format!("pd-{i:06}")
                } else {
                    format!("news-{i}")
                };
                let kind = if legal { Kind::Legal } else { Kind::News };
                let mut r = Record::new(id, kind, format!("http://x/{i}"));
                r.title = format!("Quy định về {topic} và {other} số {i}");
                r.body = format!(
                    "Ủy ban nhân dân huyện Than Uyên hướng dẫn thủ tục hành chính về {topic}, \
                     giấy phép xây dựng và quyền sử dụng đất cho hộ gia đình trong năm {}. Các xã \
                     Mường Kim, Tà Hừa, Pha Mu; Hội đồng nhân dân quyết định ngân sách về {other}; \
                     phòng cháy, chữa cháy và bảo vệ môi trường.",
                    2010 + i % 14
                );
                r.date = NaiveDate::from_ymd_opt(2010 + (i % 14) as i32, 1 + (i % 12) as u32, 1);
                if legal {
                    r.doc_number = Some(format!("{}/{}/NĐ-CP", 10 + i, 2010 + i % 14));
                    r.doc_type = Some(types[i % types.len()].to_owned());
                    r.issuer = Some("Quốc hội".to_owned());
                }
                r
            })
            .collect()
    }

    #[test]
    fn both_sides_run_the_load_sequence_on_the_same_records() {
        let records = records();
        let dir = tempfile::tempdir().expect("temp dir");
        let store = indexer::IndexStore::open(dir.path().join("index")).expect("store");
        store.build_generation(records.clone()).expect("build");
        let tracuu = store.current().expect("current").expect("live");
        let tantivy = Baseline::build_with_filters(&records, None).expect("baseline");
        assert_eq!(tantivy.num_docs(), tracuu.num_docs());

        let popular = mix::build(&records);
        let tail = mix::long_tail(&records, &popular, 200);
        let queries = sequence(&popular, &tail, 4, 240);
        assert_eq!(queries.len(), 240);
        assert_eq!(
            queries.iter().filter(|q| q.unseen).count(),
            60,
            "one in four from the tail"
        );

        let sides = compare(&tracuu, &tantivy, &queries, 2).expect("compare");
        let [ours, plain, top] = &sides;
        for side in [ours, plain, top] {
            assert_eq!(side.searches, 480);
            for kind in QueryKind::ALL {
                let (median, mean) = side.median_and_mean(Some(kind));
                assert!(median > 0.0 && mean > 0.0, "{kind:?}");
            }
        }
        // Both found records for most requests (the mix's words are in every body, and the
        // numbers and sentences come from the records); plain Tantivy's typed keywords and
        // its any-word matching differ from tracuu's, so not for the same ones.
        assert!(ours.found > 400, "{}", ours.found);
        assert!(plain.found > 300, "{}", plain.found);
        // The top 10 alone finds what the counted search finds.
        assert_eq!(top.found, plain.found);
        report(&sides, tracuu.num_docs(), 2, 16, 2);
    }
}
