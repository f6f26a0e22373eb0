//! The plain Tantivy baseline the benchmarks compare tracuu with: the default tokenizer on
//! title and body (lead, body and document number), BM25, the default query parser with
//! `title^2`, top 10 with the count, ids read from the doc store.
//!
//! [`Baseline::build`] indexes the text fields only (the unseen and eval benches);
//! [`Baseline::build_with_filters`] adds the fields the load mix filters and sorts on (kind,
//! document type, issuer, date), as plain Tantivy offers them: keywords matched as typed and
//! a fast date field ([`Request`] says what is mapped).

use std::borrow::Borrow;

use chrono::{Datelike, NaiveDate};
use crawler::Record;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT, Value,
};
use tantivy::{DocAddress, Index, IndexReader, Order, TantivyDocument, Term};

/// Memory budget of the baseline's index writer.
const WRITER_MEMORY: usize = 128_000_000;

/// The baseline's fields.
pub struct Fields {
    id: Field,
    title: Field,
    body: Field,
    /// The filter fields (only in [`Baseline::build_with_filters`]).
    filters: Option<FilterFields>,
}

/// Keyword and date fields for filters and date orders.
#[derive(Clone, Copy)]
struct FilterFields {
    kind: Field,
    doc_type: Field,
    issuer: Field,
    date_days: Field,
}

impl Fields {
    /// The text-only schema (id stored, title and body with the default tokenizer).
    pub fn schema() -> (Schema, Self) {
        Self::make(false)
    }

    fn make(filters: bool) -> (Schema, Self) {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        let filters = filters.then(|| FilterFields {
            kind: b.add_text_field("kind", STRING),
            doc_type: b.add_text_field("doc_type", STRING),
            issuer: b.add_text_field("issuer", STRING),
            date_days: b.add_i64_field("date_days", INDEXED | FAST),
        });
        (
            b.build(),
            Self {
                id,
                title,
                body,
                filters,
            },
        )
    }

    /// One document: the title, and lead, body and document number as its body.
    pub fn document(
        &self,
        id: &str,
        title: &str,
        lead: &str,
        body: &str,
        number: Option<&str>,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, id);
        doc.add_text(self.title, title);
        doc.add_text(
            self.body,
            format!("{lead}\n{body}\n{}", number.unwrap_or("")),
        );
        doc
    }

    /// The document of `record`, with its filter fields when the schema has them.
    fn record_document(&self, r: &Record) -> TantivyDocument {
        let mut doc = self.document(&r.id, &r.title, &r.lead, &r.body, r.doc_number.as_deref());
        if let Some(f) = self.filters {
            doc.add_text(f.kind, r.kind.as_str());
            if let Some(doc_type) = r.doc_type.as_deref() {
                doc.add_text(f.doc_type, doc_type.trim());
            }
            if let Some(issuer) = r.issuer.as_deref() {
                doc.add_text(f.issuer, issuer.trim());
            }
            if let Some(date) = r.date {
                doc.add_i64(f.date_days, days(date));
            }
        }
        doc
    }
}

/// Days since 1970-01-01.
fn days(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// Result order of a [`Request`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// BM25, best first.
    #[default]
    Relevance,
    /// Latest date first (a fast-field order).
    Newest,
    /// Earliest date first.
    Oldest,
}

/// A search as plain Tantivy can ask it. The text goes through the default query parser
/// (any word may match, `"phrases"`, `-exclusions` and `OR` as its grammar has them); kind,
/// document type and issuer are keywords matched as typed (tracuu folds case and diacritics);
/// the date range and orders use the date field. Not mapped: status (in force or not),
/// signer, field, site, cursors, facets, and tracuu's reading of the query (tone restoration,
/// Telex, document numbers, syllable pairs).
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// The query text.
    pub text: &'a str,
    /// `legal` or `news`.
    pub kind: Option<&'a str>,
    /// Document type, as stored.
    pub doc_type: Option<&'a str>,
    /// Issuer, as stored.
    pub issuer: Option<&'a str>,
    /// First day included.
    pub date_from: Option<NaiveDate>,
    /// Last day included.
    pub date_to: Option<NaiveDate>,
    /// Result order.
    pub sort: Sort,
    /// Hits to return.
    pub limit: usize,
}

/// What a [`Request`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Ids of the top hits, best first.
    pub ids: Vec<String>,
    /// Every matching document, counted.
    pub total: usize,
}

/// A plain Tantivy index with its reader and query parser.
pub struct Baseline {
    index: Index,
    reader: IndexReader,
    parser: QueryParser,
    fields: Fields,
}

impl Baseline {
    /// Indexes `records` in memory, text fields only.
    pub fn build(records: &[Record]) -> tantivy::Result<Self> {
        let (schema, fields) = Fields::make(false);
        Self::index_into(Index::create_in_ram(schema), fields, records.iter())
    }

    /// Indexes `records` with the filter fields too, in `dir` when given (large sets), else in
    /// memory.
    pub fn build_with_filters<R: Borrow<Record>>(
        records: impl IntoIterator<Item = R>,
        dir: Option<&std::path::Path>,
    ) -> tantivy::Result<Self> {
        let (schema, fields) = Fields::make(true);
        let index = match dir {
            Some(dir) => Index::create_in_dir(dir, schema)?,
            None => Index::create_in_ram(schema),
        };
        Self::index_into(index, fields, records)
    }

    fn index_into<R: Borrow<Record>>(
        index: Index,
        fields: Fields,
        records: impl IntoIterator<Item = R>,
    ) -> tantivy::Result<Self> {
        let mut writer = index.writer::<TantivyDocument>(WRITER_MEMORY)?;
        for r in records {
            writer.add_document(fields.record_document(r.borrow()))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let mut parser = QueryParser::for_index(&index, vec![fields.title, fields.body]);
        parser.set_field_boost(fields.title, 2.0);
        Ok(Self {
            reader: index.reader()?,
            index,
            parser,
            fields,
        })
    }

    /// Documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index (for tests).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The ids of the top `limit` records.
    pub fn top(&self, text: &str, limit: usize) -> tantivy::Result<Vec<String>> {
        Ok(self
            .run(
                &Request {
                    text,
                    limit,
                    ..Request::default()
                },
                false,
            )?
            .ids)
    }

    /// The ids of the top 10, with the total count as tracuu gives it.
    pub fn top_counted(&self, text: &str) -> tantivy::Result<Vec<String>> {
        Ok(self
            .run(
                &Request {
                    text,
                    limit: 10,
                    ..Request::default()
                },
                true,
            )?
            .ids)
    }

    /// Runs `request`: its top hits and the count of every match.
    pub fn search(&self, request: &Request<'_>) -> tantivy::Result<Answer> {
        self.run(request, true)
    }

    /// Runs `request` for its top hits only (`total` 0 for a relevance order): without the
    /// count, Tantivy skips blocks that cannot reach the top (block-max WAND).
    pub fn search_top(&self, request: &Request<'_>) -> tantivy::Result<Answer> {
        self.run(request, false)
    }

    fn run(&self, request: &Request<'_>, count: bool) -> tantivy::Result<Answer> {
        let query = self.query(request);
        let searcher = self.reader.searcher();
        let limit = request.limit.max(1);
        let date_field = "date_days";
        let (addresses, total): (Vec<DocAddress>, usize) = match request.sort {
            Sort::Relevance if count => {
                let (top, total) = searcher.search(&query, &(TopDocs::with_limit(limit), Count))?;
                (top.into_iter().map(|(_, a)| a).collect(), total)
            }
            Sort::Relevance => {
                let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
                (top.into_iter().map(|(_, a)| a).collect(), 0)
            }
            Sort::Newest | Sort::Oldest => {
                let order = if request.sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let by_date =
                    TopDocs::with_limit(limit).order_by_fast_field::<i64>(date_field, order);
                let (top, total) = searcher.search(&query, &(by_date, Count))?;
                (top.into_iter().map(|(_, a)| a).collect(), total)
            }
        };
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
        if count {
            std::hint::black_box(total);
        }
        Ok(Answer { ids, total })
    }

    /// The text query, with the filters the schema has as required clauses.
    fn query(&self, request: &Request<'_>) -> Box<dyn Query> {
        let (text, _) = self.parser.parse_query_lenient(request.text);
        let Some(f) = self.fields.filters else {
            return text;
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        let keyword = |field: Field, value: &str| -> (Occur, Box<dyn Query>) {
            let term = Term::from_field_text(field, value.trim());
            (
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            )
        };
        if let Some(kind) = request.kind {
            clauses.push(keyword(f.kind, kind));
        }
        if let Some(doc_type) = request.doc_type {
            clauses.push(keyword(f.doc_type, doc_type));
        }
        if let Some(issuer) = request.issuer {
            clauses.push(keyword(f.issuer, issuer));
        }
        if request.date_from.is_some() || request.date_to.is_some() {
            use std::ops::Bound;
            let bound = |date: Option<NaiveDate>, make: fn(Term) -> Bound<Term>| {
                date.map_or(Bound::Unbounded, |d| {
                    make(Term::from_field_i64(f.date_days, days(d)))
                })
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(request.date_from, Bound::Included),
                    bound(request.date_to, Bound::Included),
                )),
            ));
        }
        if clauses.len() == 1 {
            return clauses.pop().map(|(_, q)| q).expect("one clause");
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crawler::Kind;

    fn records() -> Vec<Record> {
        let mut out = Vec::new();
        for (i, (title, kind, doc_type, year)) in [
            ("Luật Đất đai", Kind::Legal, Some("Luật"), 2013),
            (
                "Nghị định về thuế tài nguyên",
                Kind::Legal,
                Some("Nghị định"),
                2016,
            ),
            (
                "Thông tư hướng dẫn thuế",
                Kind::Legal,
                Some("Thông tư"),
                2020,
            ),
            ("Than Uyên thu thuế vượt dự toán", Kind::News, None, 2021),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = Record::new(format!("r-{i}"), kind, "http://x");
            r.title = title.to_owned();
            r.body = format!("{title}: nội dung về thuế và đất đai năm {year}.");
            r.doc_type = doc_type.map(str::to_owned);
            r.date = NaiveDate::from_ymd_opt(year, 6, 1);
            out.push(r);
        }
        out
    }

    #[test]
    fn filters_and_date_orders_apply() {
        let records = records();
        let baseline = Baseline::build_with_filters(&records, None).expect("index");
        assert_eq!(baseline.num_docs(), 4);
        let search = |request: Request<'_>| baseline.search(&request).expect("search");
        let all = search(Request {
            text: "thuế",
            limit: 10,
            ..Request::default()
        });
        assert_eq!(all.total, 4);
        let legal_newest = search(Request {
            text: "thuế",
            kind: Some("legal"),
            sort: Sort::Newest,
            limit: 10,
            ..Request::default()
        });
        assert_eq!(legal_newest.ids, ["r-2", "r-1", "r-0"]);
        assert_eq!(legal_newest.total, 3);
        let typed = search(Request {
            text: "thuế",
            doc_type: Some("Thông tư"),
            limit: 10,
            ..Request::default()
        });
        assert_eq!(typed.ids, ["r-2"]);
        let ranged = search(Request {
            text: "thuế",
            date_from: NaiveDate::from_ymd_opt(2015, 1, 1),
            date_to: NaiveDate::from_ymd_opt(2020, 12, 31),
            sort: Sort::Oldest,
            limit: 10,
            ..Request::default()
        });
        assert_eq!(ranged.ids, ["r-1", "r-2"]);
        // The text-only baseline ranks by BM25 with the title boosted.
        let plain = Baseline::build(&records).expect("index");
        assert_eq!(plain.top("luật đất đai", 1).expect("search"), ["r-0"]);
    }
}
