//! A record as Tantivy's index writer reads it ([`RecordDocument`]): the document owns each
//! text once and every field value points at one of them, so the title and the text reach
//! the analyzers of the three forms and the bigrams without a copy per field (a
//! `TantivyDocument` copies every value into its own buffer).
//!
//! Tantivy reads the values through its [`Document`] and [`Value`] traits, for indexing and
//! for the doc store alike, so what is indexed and stored is what a `TantivyDocument` with the
//! same values in the same order gives ([`RecordDocument::to_tantivy`] makes that one; the
//! tests compare the two indexes).

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Document, Field, Value};

/// A text the document owns, added once and readable by several fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextId(usize);

/// One field value.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Text(TextId),
    U64(u64),
    I64(i64),
}

/// A document of the index, made by [`crate::schema::Fields::record_document`].
#[derive(Debug, Default)]
pub(crate) struct RecordDocument {
    texts: Vec<String>,
    values: Vec<(Field, Slot)>,
}

impl RecordDocument {
    /// An empty document with room for `values` field values.
    pub(crate) fn with_capacity(values: usize) -> Self {
        Self {
            texts: Vec::with_capacity(values),
            values: Vec::with_capacity(values),
        }
    }

    /// Keeps `text` in the document (without giving it to a field yet).
    pub(crate) fn keep(&mut self, text: String) -> TextId {
        self.texts.push(text);
        TextId(self.texts.len() - 1)
    }

    /// Gives a kept text to `field`.
    pub(crate) fn add_kept(&mut self, field: Field, text: TextId) {
        self.values.push((field, Slot::Text(text)));
    }

    /// Keeps `text` and gives it to `field`.
    pub(crate) fn add_text(&mut self, field: Field, text: impl Into<String>) {
        let id = self.keep(text.into());
        self.add_kept(field, id);
    }

    /// Adds an unsigned number to `field`.
    pub(crate) fn add_u64(&mut self, field: Field, value: u64) {
        self.values.push((field, Slot::U64(value)));
    }

    /// Adds a signed number to `field`.
    pub(crate) fn add_i64(&mut self, field: Field, value: i64) {
        self.values.push((field, Slot::I64(value)));
    }

    /// The same values as a `TantivyDocument` (copied), in the same order.
    #[cfg(test)]
    pub(crate) fn to_tantivy(&self) -> tantivy::TantivyDocument {
        let mut doc = tantivy::TantivyDocument::default();
        for (field, value) in self.iter_fields_and_values() {
            match value {
                Leaf::Str(text) => doc.add_text(field, text),
                Leaf::U64(n) => doc.add_u64(field, n),
                Leaf::I64(n) => doc.add_i64(field, n),
            }
        }
        doc
    }
}

/// A field value of a [`RecordDocument`], as Tantivy reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Leaf<'a> {
    /// A text.
    Str(&'a str),
    /// An unsigned number.
    U64(u64),
    /// A signed number.
    I64(i64),
}

impl<'a> Value<'a> for Leaf<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            Leaf::Str(text) => ReferenceValueLeaf::Str(text),
            Leaf::U64(n) => ReferenceValueLeaf::U64(n),
            Leaf::I64(n) => ReferenceValueLeaf::I64(n),
        })
    }
}

/// The field values of a [`RecordDocument`], in the order they were added.
pub(crate) struct Values<'a> {
    doc: &'a RecordDocument,
    next: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = (Field, Leaf<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let &(field, slot) = self.doc.values.get(self.next)?;
        self.next += 1;
        let value = match slot {
            Slot::Text(TextId(i)) => Leaf::Str(&self.doc.texts[i]),
            Slot::U64(n) => Leaf::U64(n),
            Slot::I64(n) => Leaf::I64(n),
        };
        Some((field, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.doc.values.len() - self.next;
        (left, Some(left))
    }
}

impl Document for RecordDocument {
    type Value<'a> = Leaf<'a>;
    type FieldsValuesIter<'a> = Values<'a>;

    fn iter_fields_and_values(&self) -> Values<'_> {
        Values { doc: self, next: 0 }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use crawler::{Kind, Record};
    use tantivy::postings::Postings;
    use tantivy::schema::{Document, FieldType, IndexRecordOption};
    use tantivy::{DocAddress, DocSet, Index, IndexWriter, TERMINATED, TantivyDocument};

    use super::RecordDocument;
    use crate::build::create_index;
    use crate::schema::{DocNumberKeys, Fields};

    fn records() -> Vec<Record> {
        let mut law = Record::new(
            "laws-140",
            Kind::Legal,
            "http://thanuyen.laichau.gov.vn/140",
        );
        law.title = "Nghị quyết về hỗ trợ phát triển nông thôn mới".to_owned();
        law.lead = "Hội đồng nhân dân huyện Than Uyên".to_owned();
        law.body = "Điều 1. Kỹ thuật, kĩ năng; quý, quí, Mỹ.\n\nĐiều 2. Ủy ban nhân dân huyện \
                    tổ chức thực hiện."
            .to_owned();
        law.doc_number = Some("140/NQ-HĐND".to_owned());
        law.doc_type = Some(" Nghị quyết ".to_owned());
        law.issuer = Some("HĐND huyện Than Uyên".to_owned());
        law.signer = Some("Lò Văn Hương".to_owned());
        law.fields = vec!["Nông nghiệp".to_owned(), "Ngân sách".to_owned()];
        law.date = NaiveDate::from_ymd_opt(2023, 8, 29);
        law.effective_date = NaiveDate::from_ymd_opt(2023, 9, 8);
        law.site = "thanuyen".to_owned();
        let mut news = Record::new("news-7", Kind::News, "http://thanuyen.laichau.gov.vn/tin/7");
        news.title = "Than Uyên: ra quân phòng chống thiên tai".to_owned();
        news.body = "Mường Kim, Tà Hừa, Pha Mu… hoà, hòa, thủy, thuỷ.".to_owned();
        news.category = Some("Tin tức".to_owned());
        news.tags = vec!["thiên tai".to_owned()];
        vec![law, news]
    }

    /// Every term of every indexed field with its document frequency and postings, every
    /// field's token total, and every stored document.
    fn contents(index: &Index, fields: &Fields) -> Vec<String> {
        let searcher = index.reader().expect("reader").searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            for (field, entry) in fields.schema.fields() {
                if !entry.is_indexed() || matches!(entry.field_type(), FieldType::Bytes(_)) {
                    continue;
                }
                let inverted = segment.inverted_index(field).expect("inverted index");
                out.push(format!(
                    "{} tokens {}",
                    entry.name(),
                    inverted.total_num_tokens()
                ));
                let mut terms = inverted.terms().stream().expect("terms");
                while terms.advance() {
                    let info = terms.value().clone();
                    let mut postings = inverted
                        .read_postings_from_terminfo(
                            &info,
                            IndexRecordOption::WithFreqsAndPositions,
                        )
                        .expect("postings");
                    let mut docs = Vec::new();
                    while postings.doc() != TERMINATED {
                        let mut positions = Vec::new();
                        postings.positions(&mut positions);
                        docs.push((postings.doc(), postings.term_freq(), positions));
                        postings.advance();
                    }
                    out.push(format!("{} {:?} {docs:?}", entry.name(), terms.key()));
                }
            }
            for doc in 0..segment.max_doc() {
                let stored: TantivyDocument =
                    searcher.doc(DocAddress::new(0, doc)).expect("stored");
                out.push(stored.to_json(&fields.schema));
            }
        }
        out
    }

    #[test]
    fn a_record_document_indexes_and_stores_what_a_tantivy_document_does() {
        let (direct, fields) = create_index(None).expect("index");
        let (copied, _) = create_index(None).expect("index");
        let mut writer: IndexWriter<RecordDocument> = direct
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let mut copy: IndexWriter<TantivyDocument> = copied
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for (offset, record) in records().into_iter().enumerate() {
            let number = DocNumberKeys::of_record(&record);
            let doc = fields
                .record_document(record, number.as_ref(), offset as u64 * 100)
                .expect("document");
            copy.add_document(doc.to_tantivy()).expect("add");
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        copy.commit().expect("commit");
        let got = contents(&direct, &fields);
        assert_eq!(got, contents(&copied, &fields));
        // The comparison saw the records: terms of every form, and both stored records.
        for wanted in [
            "title_exact [110, 103, 104, 225, 187, 139]",
            "bigram_folded",
            "laws-140",
            "news-7",
        ] {
            assert!(got.iter().any(|line| line.contains(wanted)), "{wanted}");
        }
    }
}
