//! The plain Tantivy baseline the benchmarks compare with: the default tokenizer on title and
//! body (lead, body and document number), BM25, the default query parser with `title^2`.

use crawler::Record;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument};

pub(crate) struct Baseline {
    reader: IndexReader,
    parser: QueryParser,
    id: Field,
}

/// The baseline's fields: the id (stored), title and body with the default tokenizer.
pub(crate) struct Fields {
    id: Field,
    title: Field,
    body: Field,
}

impl Fields {
    /// The baseline's schema and its fields.
    pub(crate) fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        (b.build(), Self { id, title, body })
    }

    /// One document: the title, and lead, body and document number as its body.
    pub(crate) fn document(
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
}

impl Baseline {
    /// Indexes `records` in memory.
    pub(crate) fn build(records: &[Record]) -> tantivy::Result<Self> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let mut writer = index.writer::<TantivyDocument>(128_000_000)?;
        for r in records {
            writer.add_document(fields.document(
                &r.id,
                &r.title,
                &r.lead,
                &r.body,
                r.doc_number.as_deref(),
            ))?;
        }
        writer.commit()?;
        let mut parser = QueryParser::for_index(&index, vec![fields.title, fields.body]);
        parser.set_field_boost(fields.title, 2.0);
        Ok(Self {
            reader: index.reader()?,
            parser,
            id: fields.id,
        })
    }

    /// The ids of the top `limit` records.
    pub(crate) fn top(&self, text: &str, limit: usize) -> tantivy::Result<Vec<String>> {
        self.run(text, limit, false)
    }

    /// The ids of the top 10, with the total count as tracuu gives it.
    pub(crate) fn top_counted(&self, text: &str) -> tantivy::Result<Vec<String>> {
        self.run(text, 10, true)
    }

    fn run(&self, text: &str, limit: usize, count: bool) -> tantivy::Result<Vec<String>> {
        let (query, _) = self.parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let top = if count {
            let (top, total) = searcher.search(&query, &(TopDocs::with_limit(limit), Count))?;
            std::hint::black_box(total);
            top
        } else {
            searcher.search(&query, &TopDocs::with_limit(limit))?
        };
        let mut out = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(self.id).and_then(|v| v.as_str()) {
                out.push(id.to_owned());
            }
        }
        Ok(out)
    }
}
