//! Searching one index generation: query planning (tiers R14, document numbers R10, phrases,
//! exclusions, `OR`, long queries matched by their syllable pairs), filters, sorting, cursors,
//! facets, hits and snippets.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use crawler::{Kind, Record};
use serde::Deserialize;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query,
    RangeQuery, Scorer, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::analyzer::{Form, Syllable, analyze, bigram};
use crate::api::{Hit, SearchRequest, SearchResults, Sort, Status};
use crate::collector::{Candidate, Gather, Gathered, SortKey};
use crate::error::{Error, Result};
use crate::flat::{WeightedTerm, flatten};
use crate::reading;
use crate::schema::{Fields, days, keyword, names};
use crate::seeking::seeking;
use crate::snippet::{SCAN_BYTES, prefix, snippet};
use crate::suggest::{Suggester, Suggestion};
use crate::understand::{self, Item, NumberQuery};
use vietnamese::abbreviations::{Direction, expand};
use vietnamese::restore::Restorer;
use vietnamese::stopwords::is_function_word;

/// Extra weight of the exact tier (R14: exact > variant > folded).
const W_EXACT: f32 = 1.5;
/// Extra weight of the variant tier.
const W_VARIANT: f32 = 0.5;
/// Weight of a restored or decoded reading of a toneless syllable.
const W_RESTORED: f32 = 1.0;
/// Weight of the folded tier.
const W_FOLDED: f32 = 1.0;
/// Weight of the title relative to the text.
const W_TITLE: f32 = 2.0;
/// Weight of an adjacent pair of query syllables found adjacent in a record (R13).
const W_BIGRAM: f32 = 1.0;
/// Weight of a quoted phrase beyond its own words.
const W_PHRASE: f32 = 2.0;
/// Score added by a full document-number match: above any text score.
const S_NUMBER_FULL: f32 = 20_000.0;
/// Score added by a number + type or number + issuer match.
const S_NUMBER_PART: f32 = 10_000.0;
/// Long queries take their top hits from this many times the page's candidates by syllable
/// pairs ...
const CANDIDATE_FACTOR: usize = 4;
/// ... and at least this many.
const MIN_CANDIDATES: usize = 64;
/// Deeper pages than this run the full query instead.
const MAX_RESCORED_WINDOW: usize = 101;
/// The largest page window (`offset + limit`) served without a cursor.
const MAX_WINDOW: usize = 100_000;
/// Queries with at least this many syllables are treated as long (pasted) queries.
const LONG_QUERY: usize = 4;
/// Queries with at most this many syllables require every word (then relax if nothing has
/// them all).
const ALL_WORDS_MAX: usize = 6;
/// Weight of an abbreviation expansion relative to the literal words (R11).
const W_ABBREVIATION: f32 = 0.6;

/// A searchable, read-only index generation.
///
/// Cheap to clone (the reader is shared); every search takes a fresh searcher.
#[derive(Clone)]
pub struct SearchIndex {
    reader: IndexReader,
    fields: Arc<Fields>,
    generation: Option<String>,
    /// Diacritic restoration learnt from this generation's text (R9).
    restorer: Arc<Restorer>,
    /// The completion table of `/api/suggest`, built on first use.
    suggester: Arc<OnceLock<Suggester>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("generation", &self.generation)
            .field("num_docs", &self.num_docs())
            .finish()
    }
}

/// A planned query: the Tantivy query plus what snippets and hits need.
struct Plan {
    /// The scored query (every tier, bigrams, phrases on exact fields).
    query: Box<dyn Query>,
    /// The same set of documents with the cheapest query that finds them (folded forms only,
    /// no bigrams, no scoring bonuses): used for the total, facets and date orders (for a long
    /// query, only when no record shares a pair with it: see `candidates`).
    matching: Box<dyn Query>,
    /// For long queries: the records sharing a syllable pair with the query (see
    /// [`SearchIndex::gather`]).
    candidates: Option<Candidates>,
    /// True when the query required all its words and relaxing that could find more.
    relaxable: bool,
    highlight: HashSet<String>,
    numbers: NumberQuery,
    interpreted: Option<String>,
}

/// The candidates of a long query: the records sharing at least one adjacent pair of its
/// syllables. When there are any, they are the query's matching set (a pasted sentence's
/// records share pairs with it; the records that only share words are noise); otherwise the
/// plan's `matching` query is.
struct Candidates {
    /// The union of the pairs, scored (exact and folded bigrams): finds the best candidates
    /// for the top hits far faster than the full query.
    scored: Box<dyn Query>,
    /// The same records, restricted to those the full query finds (each OR alternative's
    /// phrases, the exclusions), with the cheapest query: folded bigram terms, meant to run
    /// without scoring. Used for the total, facets, date orders and deep pages.
    matching: Box<dyn Query>,
}

impl SearchIndex {
    /// Opens an index folder written by this crate.
    pub fn open(dir: &Path) -> Result<Self> {
        let index = Index::open_in_dir(dir)?;
        let generation = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Self::from_index(index, generation)
    }

    /// Builds an in-memory index of `records` (for tests and small tools).
    pub fn from_records(records: impl IntoIterator<Item = Record>) -> Result<Self> {
        let (index, fields) = crate::build::create_index(None)?;
        crate::build::write_records(&index, &fields, records, &mut |_| {})?;
        Self::from_index(index, None)
    }

    pub(crate) fn from_index(index: Index, generation: Option<String>) -> Result<Self> {
        crate::analyzer::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let fields = Fields::new();
        let restorer = reading::learn(&reader.searcher(), &fields)?;
        Ok(Self {
            reader,
            fields: Arc::new(fields),
            generation,
            restorer: Arc::new(restorer),
            suggester: Arc::default(),
        })
    }

    /// Up to `limit` completions of a typed prefix (document numbers, titles, frequent
    /// terms; see [`Suggester`]). The first call on a generation builds its table from every
    /// record.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        if let Some(suggester) = self.suggester.get() {
            return Ok(suggester.suggest(prefix, limit));
        }
        let started = std::time::Instant::now();
        let records = self.records()?;
        let suggester = self
            .suggester
            .get_or_init(|| Suggester::from_records(&records));
        tracing::info!(
            generation = ?self.generation,
            keys = suggester.len(),
            ms = started.elapsed().as_millis() as u64,
            "suggestion table built"
        );
        Ok(suggester.suggest(prefix, limit))
    }

    /// The generation's name (`gen-000003`), when it lives in an [`crate::IndexStore`].
    pub fn generation(&self) -> Option<&str> {
        self.generation.as_deref()
    }

    /// How many records the index holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The full record with this id, if indexed.
    pub fn document(&self, id: &str) -> Result<Option<Record>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&query, &tantivy::collector::TopDocs::with_limit(1))?;
        match found.first() {
            Some((_, address)) => Ok(Some(self.record(&searcher, *address)?)),
            None => Ok(None),
        }
    }

    /// Every record of the index, in index order (for re-exporting or rebuilding).
    pub fn records(&self) -> Result<Vec<Record>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let address = DocAddress::new(segment_ord as u32, doc);
                out.push(self.record(&searcher, address)?);
            }
        }
        Ok(out)
    }

    fn record(&self, searcher: &Searcher, address: DocAddress) -> Result<Record> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.record)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        serde_json::from_str(json).map_err(|source| Error::StoredRecord {
            id: format!("{address:?}"),
            source,
        })
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let mut plan = self.plan(request, true)?;
        let mut gathered = self.gather(&searcher, &plan, request)?;
        if gathered.total == 0 && plan.relaxable {
            // No record has every word: rank records by the words they do have.
            plan = self.plan(request, false)?;
            gathered = self.gather(&searcher, &plan, request)?;
        }
        let Plan {
            highlight,
            numbers,
            interpreted,
            ..
        } = plan;
        let window = self.window(request)?.1;
        let offset = if request.cursor.is_some() {
            0
        } else {
            request.offset
        };

        let more = gathered.top.len() > window;
        let page: Vec<_> = gathered
            .top
            .iter()
            .skip(offset)
            .take(request.limit)
            .collect();
        let next_cursor = if more {
            page.last().map(|c| c.key.to_cursor(request.sort))
        } else {
            None
        };
        let mut hits = Vec::with_capacity(page.len());
        for candidate in page {
            let doc: TantivyDocument = searcher.doc(candidate.address)?;
            let json = doc
                .get_first(self.fields.record)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            hits.push(hit(json, candidate.score, &highlight, &numbers)?);
        }
        Ok(SearchResults {
            total: gathered.total,
            hits,
            interpreted_query: interpreted,
            facets: gathered.facets,
            next_cursor,
        })
    }
}

impl SearchIndex {
    /// The cursor position and the number of hits to keep (`offset + limit`).
    fn window(&self, request: &SearchRequest) -> Result<(Option<SortKey>, usize)> {
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
    fn rescored_candidates(
        &self,
        searcher: &Searcher,
        candidates: &Candidates,
        restricted: &dyn Query,
        request: &SearchRequest,
        after: Option<SortKey>,
        k: usize,
    ) -> Result<Option<Vec<Candidate>>> {
        if k > MAX_RESCORED_WINDOW {
            return Ok(None);
        }
        let pool = (k * CANDIDATE_FACTOR).max(MIN_CANDIDATES);
        let query = self.with_filters(candidates.scored.box_clone(), request)?;
        let found = searcher
            .search(
                query.as_ref(),
                &Gather {
                    k: pool,
                    sort: Sort::Relevance,
                    after: None,
                    facets: false,
                    prune: true,
                },
            )?
            .top;
        // Pruning only skips records once `pool` are kept: fewer means every record sharing
        // a pair (with the filters) was seen.
        let complete = found.len() < pool;
        let mut rescored = self.rescore(searcher, restricted, &found, after)?;
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
        searcher: &Searcher,
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
            let found = searcher
                .search(
                    scan,
                    &Gather {
                        k: k + slack,
                        sort: Sort::Relevance,
                        after: before,
                        facets: false,
                        prune: true,
                    },
                )?
                .top;
            let mut rescored = self.rescore(searcher, restricted, &found, after)?;
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
        searcher: &Searcher,
        restricted: &dyn Query,
        found: &[Candidate],
        after: Option<SortKey>,
    ) -> Result<Vec<Candidate>> {
        // Segment by segment, in document order.
        let weight = restricted.weight(EnableScoring::enabled_from_searcher(searcher))?;
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
    fn gather(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        request: &SearchRequest,
    ) -> Result<Gathered> {
        if let Some(candidates) = &plan.candidates {
            let matching = self.with_filters(candidates.matching.box_clone(), request)?;
            let gathered = self.gather_in(searcher, plan, request, matching, Some(candidates))?;
            if gathered.total > 0 {
                return Ok(gathered);
            }
            // No record shares a pair: the sentence's words still find records.
        }
        let matching = self.with_filters(plan.matching.box_clone(), request)?;
        self.gather_in(searcher, plan, request, matching, None)
    }

    /// [`Self::gather`] with one matching set (`matching`, filters applied): `candidates` when
    /// it is a long query's candidates.
    fn gather_in(
        &self,
        searcher: &Searcher,
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
            return Ok(searcher.search(matching.as_ref(), &collector)?);
        }
        let counted = Gather {
            k: 0,
            sort: request.sort,
            after: None,
            facets: request.facets,
            prune: false,
        };
        let mut gathered = searcher.search(matching.as_ref(), &counted)?;
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
            let restricted = within(seeking(plan.query.as_ref()), seeking(matching.as_ref()));
            gathered.top = match self.rescored_candidates(
                searcher,
                candidates,
                restricted.as_ref(),
                request,
                after,
                k,
            )? {
                Some(top) => top,
                None => {
                    let scan = within(plan.query.box_clone(), matching);
                    self.rescanned(searcher, scan.as_ref(), restricted.as_ref(), after, k)?
                }
            };
            return Ok(gathered);
        }
        let query = self.with_filters(plan.query.box_clone(), request)?;
        let top = Gather {
            k,
            sort: request.sort,
            after,
            facets: false,
            prune: true,
        };
        gathered.top = searcher.search(query.as_ref(), &top)?.top;
        Ok(gathered)
    }
}

/// The parts of a stored record a hit needs, borrowed from the stored JSON where possible (the
/// rest of the record is skipped, not decoded).
#[derive(Deserialize)]
struct StoredHit<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    kind: Kind,
    #[serde(borrow)]
    title: Cow<'a, str>,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(default, borrow)]
    lead: Cow<'a, str>,
    #[serde(default, borrow)]
    body: Cow<'a, str>,
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default, borrow)]
    doc_number: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    issuer: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    doc_type: Option<Cow<'a, str>>,
}

fn hit(json: &str, score: f32, highlight: &HashSet<String>, numbers: &NumberQuery) -> Result<Hit> {
    let record: StoredHit<'_> =
        serde_json::from_str(json).map_err(|source| Error::StoredRecord {
            id: json.chars().take(80).collect(),
            source,
        })?;
    // The snippet only ever looks at the first SCAN_BYTES bytes of lead + body.
    let lead = record.lead.trim();
    let body = record.body.trim();
    let text: Cow<'_, str> = if lead.is_empty() {
        Cow::Borrowed(prefix(&record.body, SCAN_BYTES))
    } else if body.is_empty() || record.lead.len() >= SCAN_BYTES {
        Cow::Borrowed(prefix(&record.lead, SCAN_BYTES))
    } else {
        let rest = SCAN_BYTES - record.lead.len();
        Cow::Owned(format!(
            "{}\n\n{}",
            record.lead,
            prefix(&record.body, rest.saturating_sub(2))
        ))
    };
    let number_match = record
        .doc_number
        .as_deref()
        .is_some_and(|n| numbers.matches(n));
    Ok(Hit {
        snippet: snippet(&text, highlight),
        id: record.id.into_owned(),
        kind: record.kind,
        title: record.title.into_owned(),
        url: record.url.into_owned(),
        date: record.date,
        doc_number: record.doc_number.map(Cow::into_owned),
        score,
        issuer: record.issuer.map(Cow::into_owned),
        doc_type: record.doc_type.map(Cow::into_owned),
        number_match,
    })
}

impl SearchIndex {
    /// Turns the query text into a Tantivy query.
    ///
    /// With `all_words`, a short query requires every word of each `OR` alternative; long
    /// queries are always a scored disjunction.
    fn plan(&self, request: &SearchRequest, all_words: bool) -> Result<Plan> {
        let parsed = understand::parse(&request.query);
        let numbers = understand::document_numbers(&request.query);
        let mut highlight = HashSet::new();
        let f = &self.fields;

        let syllable_count: usize = parsed
            .items()
            .map(|item| match item {
                Item::Word(w) | Item::Phrase(w) => analyze(w, Form::Exact).len(),
            })
            .sum();
        let long = syllable_count >= LONG_QUERY;
        let word_occur = if all_words && syllable_count <= ALL_WORDS_MAX {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut relaxable = false;
        let mut interpreted = false;
        let mut shown: Vec<String> = Vec::new();

        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut match_alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut pair_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The records sharing a pair with the query that the full query finds: per `OR`
        // alternative, any of its pairs and all of its phrases.
        let mut candidate_alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            // The same group for counting: folded forms only. Optional clauses are left out
            // when a clause is required (they change scores, not the matching set), and
            // bigrams always (a bigram match implies both syllables match).
            let mut match_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut group_pairs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut group_phrases: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            // Consecutive bare words form one run (for bigrams, Telex and restoration).
            let mut run: Vec<&str> = Vec::new();
            let mut runs: Vec<String> = Vec::new();
            for item in group {
                match item {
                    Item::Word(word) => run.push(word),
                    Item::Phrase(phrase) => {
                        if !run.is_empty() {
                            runs.push(std::mem::take(&mut run).join(" "));
                        }
                        let syllables = analyze(phrase, Form::Exact);
                        for s in &syllables {
                            highlight.insert(Form::Folded.apply(&s.text));
                        }
                        shown.push(format!("\"{phrase}\""));
                        if let Some(query) = self.phrase_query(&syllables) {
                            clauses.push((Occur::Must, query));
                        }
                        if let Some(query) = self.phrase_match(&syllables) {
                            group_phrases.push((Occur::Must, query.box_clone()));
                            match_clauses.push((Occur::Must, query));
                        }
                    }
                }
            }
            if !run.is_empty() {
                runs.push(run.join(" "));
            }
            for text in &runs {
                let syllables = analyze(text, Form::Exact);
                let read = reading::read(Some(&self.restorer), text);
                match &read {
                    Some(read) => {
                        interpreted = true;
                        shown.push(read.join(" "));
                    }
                    None => shown.push(text.clone()),
                }
                let expansions = expand(text);
                for (i, s) in syllables.iter().enumerate() {
                    let alternative = read.as_ref().map(|r| r[i].as_str());
                    highlight.insert(Form::Folded.apply(&s.text));
                    if let Some(alt) = alternative {
                        highlight.insert(Form::Folded.apply(alt));
                    }
                    let weight = if long && is_function_word(&s.text) {
                        vietnamese::stopwords::FUNCTION_WORD_WEIGHT
                    } else {
                        1.0
                    };
                    // An acronym's expansions are alternatives of the acronym itself, so a
                    // query that requires every word still finds the spelled-out form.
                    let folded = Form::Folded.apply(&s.text);
                    let own_expansions: Vec<&str> = expansions
                        .iter()
                        .filter(|e| {
                            e.direction == Direction::AcronymToPhrase && e.matched == folded
                        })
                        .map(|e| e.replacement.as_str())
                        .collect();
                    let own: Vec<Box<dyn Query>> = expansions
                        .iter()
                        .filter(|e| {
                            e.direction == Direction::AcronymToPhrase && e.matched == folded
                        })
                        .filter_map(|e| self.expansion_query(&e.replacement, e.weight))
                        .collect();
                    let own_match: Vec<Box<dyn Query>> = own_expansions
                        .iter()
                        .filter_map(|r| self.expansion_match(r))
                        .collect();
                    clauses.push((
                        word_occur,
                        if word_occur == Occur::Should
                            && weight < 1.0
                            && alternative.is_none_or(|a| a == s.text)
                            && own.is_empty()
                        {
                            // A function word of a long query: its tiers (one huge posting
                            // list each) collapse into the folded one, carrying their weight.
                            self.folded_only_query(&s.text, weight)
                        } else {
                            self.syllable_query(&s.text, weight, alternative, own)
                        },
                    ));
                    match_clauses.push((
                        word_occur,
                        self.syllable_match(&s.text, alternative, own_match),
                    ));
                    relaxable |= word_occur == Occur::Must;
                }
                for e in &expansions {
                    if e.direction == Direction::AcronymToPhrase && !e.matched.contains(' ') {
                        continue;
                    }
                    if let Some(query) = self.expansion_query(&e.replacement, e.weight) {
                        clauses.push((Occur::Should, query));
                    }
                    if word_occur == Occur::Should
                        && let Some(query) = self.expansion_match(&e.replacement)
                    {
                        match_clauses.push((Occur::Should, query));
                    }
                }
                for (i, pair) in syllables.windows(2).enumerate() {
                    let query = self.bigram_query(&pair[0].text, &pair[1].text);
                    pair_clauses.push((Occur::Should, query.box_clone()));
                    clauses.push((Occur::Should, query));
                    group_pairs.push((
                        Occur::Should,
                        self.bigram_match(&pair[0].text, &pair[1].text),
                    ));
                    if let Some(read) = &read
                        && (read[i] != pair[0].text || read[i + 1] != pair[1].text)
                    {
                        let query = self.bigram_query(&read[i], &read[i + 1]);
                        pair_clauses.push((Occur::Should, query.box_clone()));
                        clauses.push((Occur::Should, query));
                        group_pairs
                            .push((Occur::Should, self.bigram_match(&read[i], &read[i + 1])));
                    }
                }
            }
            shown.push("OR".to_owned());
            if !group_pairs.is_empty() {
                let pairs: Box<dyn Query> = Box::new(BooleanQuery::new(group_pairs));
                candidate_alternatives.push((
                    Occur::Should,
                    if group_phrases.is_empty() {
                        pairs
                    } else {
                        group_phrases.push((Occur::Must, pairs));
                        Box::new(BooleanQuery::new(group_phrases))
                    },
                ));
            }
            if !clauses.is_empty() {
                alternatives.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
            }
            if match_clauses.iter().any(|(o, _)| *o == Occur::Must) {
                match_clauses.retain(|(o, _)| *o == Occur::Must);
            }
            if !match_clauses.is_empty() {
                match_alternatives
                    .push((Occur::Should, Box::new(BooleanQuery::new(match_clauses))));
            }
        }

        for (field, keys, score) in [
            (f.docno, &numbers.full, S_NUMBER_FULL),
            (f.docno_num_type, &numbers.num_type, S_NUMBER_PART),
            (f.docno_num_issuer, &numbers.num_issuer, S_NUMBER_PART),
        ] {
            for key in keys {
                alternatives.push((Occur::Should, number_clause(field, key, score)));
                match_alternatives.push((
                    Occur::Should,
                    Box::new(WeightedTerm::matching(Term::from_field_text(field, key))),
                ));
            }
        }

        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut match_top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if alternatives.is_empty() {
            top.push((Occur::Must, Box::new(AllQuery)));
        } else {
            top.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        if match_alternatives.is_empty() {
            match_top.push((Occur::Must, Box::new(AllQuery)));
        } else {
            match_top.push((Occur::Must, Box::new(BooleanQuery::new(match_alternatives))));
        }
        let mut candidate_top: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::new(candidate_alternatives)),
        )];
        for item in &parsed.excluded {
            let text = match item {
                Item::Word(w) | Item::Phrase(w) => w,
            };
            let syllables = analyze(text, Form::Exact);
            if let Some(query) = self.exclusion_query(&syllables) {
                match_top.push((Occur::MustNot, query.box_clone()));
                candidate_top.push((Occur::MustNot, query.box_clone()));
                top.push((Occur::MustNot, query));
            }
        }
        // A pure union (long queries without phrases, numbers or exclusions) becomes one flat
        // union of terms: same scores and documents, but block-WAND for the top hits.
        let finish = |top: Vec<(Occur, Box<dyn Query>)>| -> Box<dyn Query> {
            if let [(Occur::Must, only)] = top.as_slice()
                && let Some(flat) = flatten(only.as_ref())
            {
                return flat;
            }
            Box::new(BooleanQuery::new(top))
        };
        let candidates = (word_occur == Occur::Should
            && syllable_count > ALL_WORDS_MAX
            && numbers.full.is_empty()
            && numbers.num_type.is_empty()
            && numbers.num_issuer.is_empty()
            && pair_clauses.len() >= 3)
            .then(|| Candidates {
                scored: finish(vec![(
                    Occur::Must,
                    Box::new(BooleanQuery::new(pair_clauses)),
                )]),
                matching: finish(candidate_top),
            });
        Ok(Plan {
            candidates,
            query: finish(top),
            matching: finish(match_top),
            relaxable: relaxable && syllable_count > 1,
            highlight,
            interpreted: interpreted.then(|| {
                shown.pop();
                shown.join(" ")
            }),
            numbers,
        })
    }

    /// The tiers of one syllable (R14): exact > variant > restored > folded, title above text.
    /// `reading` is the Telex-decoded or restored reading of a syllable; `expansions` are
    /// extra alternatives (abbreviations).
    fn syllable_query(
        &self,
        exact: &str,
        weight: f32,
        reading: Option<&str>,
        expansions: Vec<Box<dyn Query>>,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let folded = Form::Folded.apply(exact);
        let toneless = folded == exact;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The syllable's weight goes into each term (the same score as boosting the union), so
        // a long query stays a flat union of terms (see `flat`).
        let mut add = |field: Field, text: &str, boost: f32| {
            clauses.push((Occur::Should, term_query(field, text, boost * weight)));
        };
        if !toneless {
            let variant = Form::Variant.apply(exact);
            // Without a distinct variant clause, the exact clause carries both tiers' weight.
            let exact_weight = if variant == exact {
                W_EXACT + W_VARIANT
            } else {
                W_EXACT
            };
            add(f.title_exact, exact, exact_weight * W_TITLE);
            add(f.text_exact, exact, exact_weight);
            // When the variant is the exact form, the folded tier already covers the other
            // spellings (folding starts from the variant), so the clause would only cost time.
            if variant != exact {
                add(f.title_variant, &variant, W_VARIANT * W_TITLE);
                add(f.text_variant, &variant, W_VARIANT);
            }
        }
        if let Some(reading) = reading.filter(|r| *r != exact) {
            add(f.title_exact, reading, W_RESTORED * W_TITLE);
            add(f.text_exact, reading, W_RESTORED);
            let reading_folded = Form::Folded.apply(reading);
            if reading_folded != folded {
                add(f.title_folded, &reading_folded, W_FOLDED * W_TITLE);
                add(f.text_folded, &reading_folded, W_FOLDED);
            }
        }
        add(f.title_folded, &folded, W_FOLDED * W_TITLE);
        add(f.text_folded, &folded, W_FOLDED);
        clauses.extend(expansions.into_iter().map(|q| {
            let q: Box<dyn Query> = if (weight - 1.0).abs() > f32::EPSILON {
                Box::new(BoostQuery::new(q, weight))
            } else {
                q
            };
            (Occur::Should, q)
        }));
        Box::new(BooleanQuery::new(clauses))
    }

    /// A syllable scored on its folded form alone, with the weight every tier would give an
    /// exact match: for function words of long queries, whose folded and exact spellings
    /// are the same words in practice.
    fn folded_only_query(&self, exact: &str, weight: f32) -> Box<dyn Query> {
        let f = &self.fields;
        let folded = Form::Folded.apply(exact);
        let tiers = if folded == exact {
            W_FOLDED
        } else {
            W_EXACT + W_VARIANT + W_FOLDED
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                term_query(f.title_folded, &folded, tiers * W_TITLE * weight),
            ),
            (
                Occur::Should,
                term_query(f.text_folded, &folded, tiers * weight),
            ),
        ]))
    }

    /// The documents [`Self::syllable_query`] finds, with the fewest clauses: every tier's term
    /// folds to the folded term, so the folded fields (and the reading's folded form) suffice.
    fn syllable_match(
        &self,
        exact: &str,
        reading: Option<&str>,
        expansions: Vec<Box<dyn Query>>,
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let folded = Form::Folded.apply(exact);
        let mut terms = vec![folded.clone()];
        if let Some(reading) = reading.filter(|r| *r != exact) {
            let reading_folded = Form::Folded.apply(reading);
            if reading_folded != folded {
                terms.push(reading_folded);
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in &terms {
            for field in [f.title_folded, f.text_folded] {
                clauses.push((
                    Occur::Should,
                    Box::new(WeightedTerm::matching(Term::from_field_text(field, term))),
                ));
            }
        }
        clauses.extend(expansions.into_iter().map(|q| (Occur::Should, q)));
        Box::new(BooleanQuery::new(clauses))
    }

    /// A phrase of several syllables on the folded title and text fields, guarded by its
    /// bigram terms so that positions are read only for likely documents.
    fn folded_phrase(&self, syllables: &[Syllable]) -> Box<dyn Query> {
        let f = &self.fields;
        let folded: Vec<String> = syllables
            .iter()
            .map(|s| Form::Folded.apply(&s.text))
            .collect();
        let phrase = |field: Field| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(
                folded
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect(),
            ))
        };
        self.guarded(
            &folded,
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, phrase(f.title_folded)),
                (Occur::Should, phrase(f.text_folded)),
            ])),
        )
    }

    /// The documents [`Self::phrase_query`] finds: the folded phrase (an exact-form phrase
    /// match is also a folded one).
    fn phrase_match(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        match syllables {
            [] => None,
            [single] => Some(self.syllable_match(&single.text, None, Vec::new())),
            many => Some(self.folded_phrase(many)),
        }
    }

    /// An abbreviation's other form (R11), searched as a phrase with a lower weight.
    fn expansion_query(&self, replacement: &str, weight: f32) -> Option<Box<dyn Query>> {
        let syllables = analyze(replacement, Form::Exact);
        let weight = weight * W_ABBREVIATION;
        if syllables.len() < 2 {
            let query = self.phrase_query(&syllables)?;
            return Some(Box::new(BoostQuery::new(query, weight)));
        }
        // Adjacent pairs instead of positions: each pair's folded bigram is required, its
        // exact bigram adds to the score. Much cheaper than a phrase on common expansions
        // (`nghị định`, `chính phủ`), and a single pair stays a plain union of terms.
        let f = &self.fields;
        let pairs: Vec<(Occur, Box<dyn Query>)> = syllables
            .windows(2)
            .map(|w| {
                let exact = bigram(&w[0].text, &w[1].text);
                let folded = bigram(
                    &Form::Folded.apply(&w[0].text),
                    &Form::Folded.apply(&w[1].text),
                );
                let mut either = vec![(
                    Occur::Should,
                    term_query(f.bigram_folded, &folded, W_PHRASE * weight),
                )];
                if exact != folded {
                    either.push((
                        Occur::Should,
                        term_query(f.bigram_exact, &exact, W_PHRASE * weight),
                    ));
                }
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(either)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(match <[_; 1]>::try_from(pairs) {
            Ok([(_, only)]) => only,
            Err(pairs) => Box::new(BooleanQuery::new(pairs)),
        })
    }

    /// The documents [`Self::expansion_query`] finds.
    fn expansion_match(&self, replacement: &str) -> Option<Box<dyn Query>> {
        let syllables = analyze(replacement, Form::Exact);
        if syllables.len() < 2 {
            return self.phrase_match(&syllables);
        }
        let mut pairs: Vec<(Occur, Box<dyn Query>)> = syllables
            .windows(2)
            .map(|w| {
                let folded = bigram(
                    &Form::Folded.apply(&w[0].text),
                    &Form::Folded.apply(&w[1].text),
                );
                let term = Term::from_field_text(self.fields.bigram_folded, &folded);
                (
                    Occur::Must,
                    Box::new(WeightedTerm::matching(term)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(if pairs.len() == 1 {
            pairs.remove(0).1
        } else {
            Box::new(BooleanQuery::new(pairs))
        })
    }

    /// The records [`Self::bigram_query`] finds: the folded bigram alone (an exact bigram
    /// folds to it).
    fn bigram_match(&self, first: &str, second: &str) -> Box<dyn Query> {
        let folded = bigram(&Form::Folded.apply(first), &Form::Folded.apply(second));
        Box::new(WeightedTerm::matching(Term::from_field_text(
            self.fields.bigram_folded,
            &folded,
        )))
    }

    fn bigram_query(&self, first: &str, second: &str) -> Box<dyn Query> {
        let f = &self.fields;
        let folded = bigram(&Form::Folded.apply(first), &Form::Folded.apply(second));
        let exact = bigram(first, second);
        if folded == exact {
            term_query(f.bigram_folded, &folded, W_BIGRAM)
        } else {
            Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    term_query(f.bigram_folded, &folded, W_BIGRAM),
                ),
                (Occur::Should, term_query(f.bigram_exact, &exact, W_BIGRAM)),
            ]))
        }
    }

    /// A quoted phrase: exact positions on the folded fields (required), plus the exact fields
    /// as a bonus when the phrase carries marks.
    fn phrase_query(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        if syllables.is_empty() {
            return None;
        }
        if syllables.len() == 1 {
            return Some(self.syllable_query(&syllables[0].text, W_PHRASE, None, Vec::new()));
        }
        let exact: Vec<String> = syllables.iter().map(|s| s.text.clone()).collect();
        let folded: Vec<String> = exact.iter().map(|s| Form::Folded.apply(s)).collect();
        let phrase = |field: Field, words: &[String], boost: f32| -> Box<dyn Query> {
            let terms = words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost))
        };
        let mut clauses = vec![
            (
                Occur::Should,
                phrase(f.title_folded, &folded, W_PHRASE * W_TITLE),
            ),
            (Occur::Should, phrase(f.text_folded, &folded, W_PHRASE)),
        ];
        if exact != folded {
            clauses.push((
                Occur::Should,
                phrase(f.title_exact, &exact, W_PHRASE * W_TITLE),
            ));
            clauses.push((Occur::Should, phrase(f.text_exact, &exact, W_PHRASE)));
        }
        Some(self.guarded(&folded, Box::new(BooleanQuery::new(clauses))))
    }

    /// Requires, before a phrase is checked, that the record holds each adjacent pair of the
    /// phrase's folded syllables (one short bigram posting list each, no positions): the
    /// phrase's positions are then read only for records that can match. Scores unchanged.
    fn guarded(&self, folded: &[String], phrase: Box<dyn Query>) -> Box<dyn Query> {
        let mut pairs: Vec<String> = folded.windows(2).map(|w| bigram(&w[0], &w[1])).collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return phrase;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = pairs
            .iter()
            .map(|p| {
                let term = Term::from_field_text(self.fields.bigram_folded, p);
                let guard: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                    Box::new(WeightedTerm::matching(term)),
                    0.0,
                ));
                (Occur::Must, guard)
            })
            .collect();
        clauses.push((Occur::Must, phrase));
        Box::new(BooleanQuery::new(clauses))
    }

    /// What `-word` / `-"phrase"` excludes: a toneless word excludes every accented reading,
    /// an accented one only its own spelling variants.
    fn exclusion_query(&self, syllables: &[Syllable]) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        match syllables {
            [] => None,
            [single] => {
                let folded = Form::Folded.apply(&single.text);
                let (title, text, term) = if folded == single.text {
                    (f.title_folded, f.text_folded, folded)
                } else {
                    (
                        f.title_variant,
                        f.text_variant,
                        Form::Variant.apply(&single.text),
                    )
                };
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term_query(title, &term, 1.0)),
                    (Occur::Should, term_query(text, &term, 1.0)),
                ])))
            }
            many => Some(self.folded_phrase(many)),
        }
    }

    /// Adds the request's filters (scoreless) to a query.
    fn with_filters(
        &self,
        query: Box<dyn Query>,
        request: &SearchRequest,
    ) -> Result<Box<dyn Query>> {
        let f = &self.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let mut kind = request.kind;
        if let Some(status) = request.status {
            if kind == Some(Kind::News) {
                return Err(Error::InvalidRequest(
                    "status applies to legal documents only".to_owned(),
                ));
            }
            kind = Some(Kind::Legal);
            let today = days(
                request
                    .today
                    .unwrap_or_else(|| chrono::Local::now().date_naive()),
            );
            let range = match status {
                Status::ConHieuLuc => (Bound::Excluded(today), Bound::Unbounded),
                Status::HetHieuLuc => (Bound::Unbounded, Bound::Included(today)),
            };
            filters.push(i64_range(f.expiry_days, range));
        }
        if let Some(kind) = kind {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_text(f.kind, kind.as_str()),
                IndexRecordOption::Basic,
            )));
        }
        for (field, value) in [
            (f.doc_type_key, &request.doc_type),
            (f.issuer_key, &request.issuer),
            (f.signer_key, &request.signer),
            (f.field_key, &request.field),
        ] {
            if let Some(value) = value.as_deref().map(keyword).filter(|v| !v.is_empty()) {
                filters.push(Box::new(TermQuery::new(
                    Term::from_field_text(field, &value),
                    IndexRecordOption::Basic,
                )));
            }
        }
        if let (Some(from), Some(to)) = (request.date_from, request.date_to)
            && from > to
        {
            return Err(Error::InvalidRequest(format!(
                "date_from {from} is after date_to {to}"
            )));
        }
        if request.date_from.is_some() || request.date_to.is_some() {
            let lower = request
                .date_from
                .map_or(Bound::Unbounded, |d| Bound::Included(days(d)));
            let upper = request
                .date_to
                .map_or(Bound::Unbounded, |d| Bound::Included(days(d)));
            filters.push(i64_range(f.date_days, (lower, upper)));
        }
        if filters.is_empty() {
            return Ok(query);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        clauses.extend(filters.into_iter().map(|q| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
            )
        }));
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(WeightedTerm::scored(
        Term::from_field_text(field, text),
        boost,
    ))
}

fn number_clause(field: Field, key: &str, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, key),
            IndexRecordOption::Basic,
        )),
        score,
    ))
}

fn i64_range(field: Field, (lower, upper): (Bound<i64>, Bound<i64>)) -> Box<dyn Query> {
    let map = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(map(lower), map(upper)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;

    fn index() -> SearchIndex {
        let sentences = [
            "Ủy ban nhân dân huyện chỉ đạo các xã xây dựng nông thôn mới",
            "Hội đồng nhân dân huyện giám sát chương trình giảm nghèo",
            "các xã tổ chức tuyên truyền bảo vệ rừng mùa khô",
        ];
        SearchIndex::from_records((0..40).map(|i| {
            let mut r = Record::new(
                format!("news-{i}"),
                Kind::News,
                format!("https://x.test/{i}"),
            );
            r.title = format!("Tin {i} {}", sentences[(i + 1) % 3]);
            r.body = format!("{} {}", sentences[i % 3], "nội dung ".repeat(i % 6));
            r
        }))
        .expect("index")
    }

    /// Every document the query finds, with its score, in document order.
    fn run(searcher: &Searcher, query: &dyn Query) -> Vec<(DocAddress, f32)> {
        let mut found: Vec<(DocAddress, f32)> = searcher
            .search(query, &TopDocs::with_limit(1_000))
            .expect("search")
            .into_iter()
            .map(|(score, address)| (address, score))
            .collect();
        found.sort_by_key(|(address, _)| *address);
        found
    }

    #[test]
    fn seeking_unions_find_and_score_as_the_boolean_query() {
        let index = index();
        let searcher = index.reader.searcher();
        for text in [
            // A flat union, one with an exclusion and a phrase, and `OR` alternatives.
            "các xã tổ chức xây dựng nông thôn mới và giảm nghèo",
            "các xã tổ chức xây dựng \"nông thôn mới\" và giảm nghèo -rừng",
            "ủy ban nhân dân huyện chỉ đạo OR hội đồng nhân dân huyện giám sát",
        ] {
            let request = SearchRequest {
                query: text.into(),
                limit: 10,
                ..SearchRequest::default()
            };
            let plan = index.plan(&request, true).expect("plan");
            let expected = run(&searcher, plan.query.as_ref());
            let seeking = seeking(plan.query.as_ref());
            let got = run(&searcher, seeking.as_ref());
            assert!(!expected.is_empty(), "{text}");
            assert_eq!(got.len(), expected.len(), "{text}");
            for ((a, x), (b, y)) in expected.iter().zip(&got) {
                assert_eq!(a, b, "{text}");
                assert!(
                    (x - y).abs() <= 1e-4 * x.abs().max(1.0),
                    "{text}: {x} vs {y}"
                );
            }
            // Seeking straight to each document finds it with the same score.
            let weight = seeking
                .weight(EnableScoring::enabled_from_searcher(&searcher))
                .expect("weight");
            let reader = searcher.segment_reader(0);
            let mut scorer = weight.scorer(reader, 1.0).expect("scorer");
            let first = expected.iter().filter(|(a, _)| a.segment_ord == 0);
            for (address, score) in first.step_by(3) {
                assert_eq!(scorer.seek(address.doc_id), address.doc_id, "{text}");
                assert!((scorer.score() - score).abs() <= 1e-4 * score.abs().max(1.0));
            }
        }
    }
}
