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

impl Baseline {
    /// Indexes `records` in memory.
    pub(crate) fn build(records: &[Record]) -> tantivy::Result<Self> {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer = index.writer::<TantivyDocument>(128_000_000)?;
        for r in records {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, &r.id);
            doc.add_text(title, &r.title);
            doc.add_text(
                body,
                format!(
                    "{}\n{}\n{}",
                    r.lead,
                    r.body,
                    r.doc_number.as_deref().unwrap_or("")
                ),
            );
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let mut parser = QueryParser::for_index(&index, vec![title, body]);
        parser.set_field_boost(title, 2.0);
        Ok(Self {
            reader: index.reader()?,
            parser,
            id,
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
