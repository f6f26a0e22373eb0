//! Searching one index generation: the entry point. Each cost has its own module:
//! [`plan`] turns the query text into Tantivy queries (tiers R14, document numbers R10,
//! phrases, exclusions, `OR`, long queries matched by their syllable pairs), [`filters`] adds
//! the request's filters, [`gather`] counts, scores and pages (cursors), and [`hits`] reads the
//! shown hits and their snippets; [`similar`] finds the records closest to one record.

mod filters;
mod gather;
mod hits;
mod plan;
mod similar;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crawler::Record;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::api::{SearchRequest, SearchResults};
use crate::error::{Error, Result};
use crate::hitfile::HitFile;
use crate::known::KnownTerms;
use crate::reading;
use crate::schema::Fields;
use crate::suggest::{Suggester, Suggestion};
use crate::terms::Terms;
use vietnamese::restore::Restorer;

use self::hits::{SideFile, hits};
use self::plan::Plan;

/// A searchable, read-only index generation.
///
/// Cheap to clone (the reader is shared); every search takes a fresh searcher.
#[derive(Clone)]
pub struct SearchIndex {
    reader: IndexReader,
    fields: Arc<Fields>,
    generation: Option<String>,
    /// The shown hits' side file, when the generation has one.
    hit_file: Option<SideFile>,
    /// Diacritic restoration learnt from this generation's text (R9).
    restorer: Arc<Restorer>,
    /// The generation's syllables with their dictionary entries, listed when it is opened.
    known: Arc<KnownTerms>,
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

impl SearchIndex {
    /// Opens an index folder written by this crate.
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_with(dir, reading::load(dir))
    }

    /// Opens an index folder just built, with the restorer learnt from it (what
    /// [`Self::open`] would read back from the folder).
    pub(crate) fn open_built(dir: &Path, restorer: Restorer) -> Result<Self> {
        Self::open_with(dir, Some(restorer))
    }

    fn open_with(dir: &Path, restorer: Option<Restorer>) -> Result<Self> {
        let index = Index::open_in_dir(dir)?;
        let generation = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Self::with_restorer(index, generation, HitFile::open(dir), restorer)
    }

    /// Builds an in-memory index of `records` (for tests and small tools).
    pub fn from_records(records: impl IntoIterator<Item = Record>) -> Result<Self> {
        let (index, hit_file) = crate::build::in_memory(records)?;
        Self::with_restorer(index, None, Some(hit_file), None)
    }

    /// Opens `index` (with the shown hits' side file its generation has, if any) with the
    /// restorer its generation kept, or learns one from the index.
    fn with_restorer(
        index: Index,
        generation: Option<String>,
        hit_file: Option<HitFile>,
        restorer: Option<Restorer>,
    ) -> Result<Self> {
        crate::analyzer::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let fields = Fields::new();
        let hit_file = hit_file
            .map(|file| SideFile::new(file, &reader.searcher()))
            .transpose()?;
        let restorer = match restorer {
            Some(restorer) => restorer,
            None => reading::learn(&reader.searcher(), &fields)?,
        };
        let known = KnownTerms::read(&reader.searcher(), &fields)?;
        Ok(Self {
            reader,
            fields: Arc::new(fields),
            generation,
            hit_file,
            restorer: Arc::new(restorer),
            known: Arc::new(known),
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

    /// Plans `request` as [`Self::search`] does first, without running it: the plan bench
    /// (`cargo bench -p indexer --bench plan`) measures query understanding with it. With
    /// `describe`, also returns every planned query (strict and relaxed) as debug text, so a
    /// change to understanding can show that it leaves each plan identical.
    #[doc(hidden)]
    pub fn plan_only(&self, request: &SearchRequest, describe: bool) -> Result<Option<String>> {
        let plan = self.plan(request, true)?;
        if !describe {
            return Ok(None);
        }
        let mut text = String::new();
        for plan in [plan, self.plan(request, false)?] {
            let mut highlight: Vec<&String> = plan.highlight.iter().collect();
            highlight.sort();
            let candidates = plan.candidates.as_ref().map(|c| {
                format!(
                    "scored {:?} matching {:?} found_by_full {}",
                    c.scored, c.matching, c.found_by_full
                )
            });
            text.push_str(&format!(
                "query {:?}\nmatching {:?}\ncandidates {candidates:?}\nrelaxable {} \
                 highlight {highlight:?} numbers {:?} interpreted {:?}\n",
                plan.query, plan.matching, plan.relaxable, plan.numbers, plan.interpreted
            ));
        }
        Ok(Some(text))
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        // Every term is looked up once for all the passes below.
        let terms = Terms::new(&searcher).with_known(&self.known);
        let mut plan = self.plan(request, true)?;
        let mut gathered = self.gather(&terms, &plan, request)?;
        if gathered.total == 0 && plan.relaxable {
            // No record has every word: rank records by the words they do have.
            plan = self.plan(request, false)?;
            gathered = self.gather(&terms, &plan, request)?;
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
        let page: Vec<_> = page.iter().map(|c| (c.address, c.score)).collect();
        let hits = hits(
            &terms,
            &self.fields,
            self.hit_file.as_ref(),
            &page,
            &highlight,
            &numbers,
        )?;
        Ok(SearchResults {
            total: gathered.total,
            total_exact: !gathered.capped,
            hits,
            interpreted_query: interpreted,
            facets: gathered.facets,
            next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeking::seeking;
    use crawler::Kind;
    use tantivy::DocId;
    use tantivy::DocSet;
    use tantivy::collector::TopDocs;
    use tantivy::query::{EnableScoring, Query, Scorer, Weight};

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
    fn queries_pruned_by_the_union_of_their_terms_keep_their_hits_and_scores() {
        use crate::collector::{Gather, top_within};
        use crate::flat::bounding_union;
        let index = index();
        let searcher = index.reader.searcher();
        let news = SearchRequest {
            kind: Some(Kind::News),
            ..SearchRequest::default()
        };
        for (text, filters) in [
            // Every word required, toneless (restored readings), an exclusion, a filter on a
            // query that requires its words and on a long one (a flat union already).
            ("các xã", &SearchRequest::default()),
            ("to chuc tuyen truyen", &SearchRequest::default()),
            ("nhân dân huyện -rừng", &SearchRequest::default()),
            ("nhân dân huyện", &news),
            ("các xã tổ chức tuyên truyền bảo vệ rừng mùa khô", &news),
            // Alternatives that require their words, phrases (scored at most as their words).
            ("nhân dân huyện OR các xã", &SearchRequest::default()),
            ("\"nhân dân huyện\"", &SearchRequest::default()),
            ("\"nong thon moi\" xã", &news),
            (
                "\"bảo vệ rừng\" OR \"giảm nghèo\" -chỉ",
                &SearchRequest::default(),
            ),
        ] {
            let request = SearchRequest {
                query: text.into(),
                ..filters.clone()
            };
            let plan = index.plan(&request, true).expect("plan");
            let query = index
                .with_filters(plan.query.box_clone(), &request)
                .expect("filters");
            let flat = bounding_union(plan.query.as_ref())
                .unwrap_or_else(|| panic!("{text}: {:?}", plan.query));
            // A phrase's score is summed in another order when it is checked by seeking.
            let exact = !text.contains('"');
            for k in [1, 3, 11, 100] {
                let gather = Gather::pruned_top(k);
                let expected = searcher.search(query.as_ref(), &gather).expect("search");
                let got = top_within(
                    &Terms::new(&searcher),
                    flat.union.as_ref(),
                    &flat.listed,
                    query.as_ref(),
                    &gather,
                )
                .expect("pruned");
                assert!(!expected.top.is_empty(), "{text}");
                assert_eq!(got.top.len(), expected.top.len(), "{text} k={k}");
                for (a, b) in got.top.iter().zip(&expected.top) {
                    assert_eq!(a.address, b.address, "{text} k={k}");
                    if exact {
                        assert_eq!(a.score.to_bits(), b.score.to_bits(), "{text} k={k}");
                    } else {
                        assert!((a.score - b.score).abs() <= 1e-6 * b.score, "{text} k={k}");
                    }
                }
            }
        }
        // A document number scores a constant no term bounds: its keys are listed apart.
        let request = SearchRequest {
            query: "quyết định 12/2024/QĐ-UBND".into(),
            ..SearchRequest::default()
        };
        let plan = index.plan(&request, true).expect("plan");
        let bounding =
            bounding_union(plan.query.as_ref()).unwrap_or_else(|| panic!("{:?}", plan.query));
        let keys =
            plan.numbers.full.len() + plan.numbers.num_type.len() + plan.numbers.num_issuer.len();
        assert_eq!(bounding.listed.len(), keys);
        assert!(!bounding.listed.is_empty());
        // An empty query finds every record: no union of terms does.
        let plan = index.plan(&SearchRequest::default(), true).expect("plan");
        assert!(bounding_union(plan.query.as_ref()).is_none());
    }

    #[test]
    fn summing_a_long_querys_pairs_keeps_and_counts_as_pruning_does() {
        use crate::collector::{Gather, count_up_to, top_by_sum};
        let index = index();
        let searcher = index.reader.searcher();
        let request = SearchRequest {
            query: "các xã tổ chức tuyên truyền bảo vệ rừng và xây dựng nông thôn mới".into(),
            ..SearchRequest::default()
        };
        let plan = index.plan(&request, true).expect("plan");
        let candidates = plan.candidates.expect("a long query has pair candidates");
        let (total, _) = count_up_to(
            &Terms::new(&searcher),
            candidates.matching.as_ref(),
            usize::MAX,
        )
        .expect("count");
        for k in [1, 5, 20, 64] {
            let gather = Gather::pruned_top(k);
            let expected = searcher
                .search(candidates.scored.as_ref(), &gather)
                .expect("search")
                .top;
            let summed = top_by_sum(&Terms::new(&searcher), candidates.scored.as_ref(), k, true)
                .expect("sum")
                .expect("a flat union");
            let counted = Gather {
                k: 0,
                facets: true,
                ..gather
            };
            let counted = searcher
                .search(candidates.matching.as_ref(), &counted)
                .expect("count");
            assert_eq!(summed.total, total);
            assert_eq!(summed.facets, counted.facets);
            assert!(summed.facets.is_some());
            let got = summed.top;
            assert!(total > 5 && !got.is_empty());
            assert_eq!(got.len(), expected.len(), "k={k}");
            for (a, b) in got.iter().zip(&expected) {
                assert_eq!(a.address, b.address, "k={k}");
                assert!((a.score - b.score).abs() <= 1e-5 * b.score, "k={k}");
            }
        }
        // Not a flat union: left to the caller.
        let short = SearchRequest {
            query: "các xã".into(),
            ..SearchRequest::default()
        };
        let plan = index.plan(&short, true).expect("plan");
        assert!(
            top_by_sum(&Terms::new(&searcher), plan.query.as_ref(), 10, false)
                .expect("sum")
                .is_none()
        );
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

    #[test]
    fn planned_queries_score_as_tantivys_own_weights() {
        let index = index();
        let searcher = index.reader.searcher();
        // Every (document, score bits) a weight finds.
        let all = |weight: &dyn Weight, searcher: &Searcher| -> Vec<(DocId, u32)> {
            let mut out = Vec::new();
            weight
                .for_each(searcher.segment_reader(0), &mut |doc, score| {
                    out.push((doc, score.to_bits()))
                })
                .expect("for_each");
            out
        };
        let tantivy = EnableScoring::enabled_from_searcher(&searcher);
        for text in [
            "nhân dân huyện",
            "nong thon moi",
            "các xã tổ chức tuyên truyền bảo vệ rừng và xây dựng nông thôn mới",
            "nhân dân huyện chỉ đạo -rừng",
            "\"giảm nghèo\" giám sát OR bảo vệ rừng",
        ] {
            let request = SearchRequest {
                query: text.into(),
                ..SearchRequest::default()
            };
            for all_words in [true, false] {
                let plan = index.plan(&request, all_words).expect("plan");
                // A fresh cache, and one already holding every term (a later pass).
                let terms = Terms::new(&searcher);
                for query in [plan.query.box_clone(), seeking(plan.query.as_ref())] {
                    let expected = all(query.weight(tantivy).expect("weight").as_ref(), &searcher);
                    assert!(!expected.is_empty(), "{text}");
                    for _ in 0..2 {
                        let ours = terms.weight(query.as_ref(), true).expect("weight");
                        assert_eq!(all(ours.as_ref(), &searcher), expected, "{text}");
                        let theirs = terms.tantivy_weight(query.as_ref(), true).expect("weight");
                        assert_eq!(all(theirs.as_ref(), &searcher), expected, "{text}");
                    }
                }
                // The counting query finds the same documents unscored.
                let docs = |weight: Box<dyn Weight>| -> Vec<DocId> {
                    all(weight.as_ref(), &searcher)
                        .into_iter()
                        .map(|(d, _)| d)
                        .collect()
                };
                let unscored = EnableScoring::disabled_from_searcher(&searcher);
                assert_eq!(
                    docs(terms.weight(plan.matching.as_ref(), false).expect("weight")),
                    docs(plan.matching.weight(unscored).expect("weight")),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn a_plan_ranks_exactly_its_matching_set_within_the_bound() {
        use crate::api::Sort;
        use crate::collector::{Gather, count_up_to};
        let index = index();
        let searcher = index.reader.searcher();
        let mut small = 0;
        for text in [
            "các xã",
            "to chuc tuyen truyen",
            "nhân dân huyện -rừng",
            "\"nông thôn mới\" xây dựng",
            "ủy ban nhân dân chỉ đạo OR hội đồng nhân dân giám sát",
            "UBND huyện",
            "HĐND giảm nghèo",
            "Tin 7",
            "bảo vệ rừng -\"mùa khô\"",
        ] {
            let request = SearchRequest {
                query: text.into(),
                ..SearchRequest::default()
            };
            for all_words in [true, false] {
                let plan = index.plan(&request, all_words).expect("plan");
                let terms = Terms::new(&searcher);
                let (counted, _) =
                    count_up_to(&terms, plan.matching.as_ref(), usize::MAX).expect("count");
                let ranked = Gather {
                    k: 5,
                    sort: Sort::Relevance,
                    after: None,
                    facets: false,
                    prune: false,
                };
                let ranked = terms.search(plan.query.as_ref(), &ranked).expect("rank");
                assert_eq!(ranked.total, counted, "{text} (all words: {all_words})");
                let bound = terms.bound(plan.matching.as_ref()).expect("bound");
                assert!(bound >= counted as u64, "{text}: {bound} < {counted}");
                small += usize::from(bound < searcher.num_docs());
            }
        }
        // Some bounds say more than "every record".
        assert!(small > 5, "{small}");
    }
}
