//! "More like this": the records closest to one record, by the rarer words and syllable pairs
//! they share (Tantivy's `MoreLikeThisQuery` over the folded title and folded syllable pairs,
//! so a scan's machine-read text and a text typed without diacritics count too).

use crawler::Record;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};

use super::SearchIndex;
use crate::error::Result;

/// The longest text read from a record to find its words (long bodies repeat their subject
/// early; reading all of a 100-page attachment would only cost time).
const MAX_TEXT_BYTES: usize = 30_000;

/// How many of the record's most telling terms make the query.
const MAX_QUERY_TERMS: usize = 30;

/// A word in more than this share of the records says nothing about a subject.
const MAX_DOC_SHARE: u64 = 10;

impl SearchIndex {
    /// Up to `limit` records closest to `record` (never itself), best first: the terms of
    /// its title (counted twice) and text that other records share and few records hold.
    pub fn similar(&self, record: &Record, limit: usize) -> Result<Vec<Record>> {
        let searcher = self.reader.searcher();
        let num_docs = searcher.num_docs();
        if limit == 0 || num_docs < 2 {
            return Ok(Vec::new());
        }
        let mut text = String::new();
        for part in [&record.lead, &record.body]
            .into_iter()
            .chain(record.attachments.iter().filter_map(|a| a.text.as_ref()))
        {
            if text.len() >= MAX_TEXT_BYTES {
                break;
            }
            text.push_str(part);
            text.push('\n');
        }
        let mut end = text.len().min(MAX_TEXT_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        let title = || OwnedValue::Str(record.title.clone());
        let fields = vec![
            (self.fields.title_folded, vec![title(), title()]),
            (
                self.fields.bigram_folded,
                vec![title(), OwnedValue::Str(text)],
            ),
        ];
        let like: Box<dyn Query> = Box::new(
            MoreLikeThisQuery::builder()
                .with_min_doc_frequency(2)
                .with_max_doc_frequency((num_docs / MAX_DOC_SHARE).max(2))
                .with_min_term_frequency(1)
                .with_max_query_terms(MAX_QUERY_TERMS)
                .with_document_fields(fields),
        );
        let itself: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(self.fields.id, &record.id),
            IndexRecordOption::Basic,
        ));
        let query = BooleanQuery::new(vec![(Occur::Must, like), (Occur::MustNot, itself)]);
        let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
        top.into_iter()
            .map(|(_, address)| self.record(&searcher, address))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crawler::{Kind, Record};

    use crate::IndexStore;

    fn record(id: &str, title: &str, body: &str) -> Record {
        let mut r = Record::new(
            id,
            Kind::News,
            format!("https://thanuyen.laichau.gov.vn/{id}"),
        );
        r.title = title.to_owned();
        r.body = body.to_owned();
        r
    }

    #[test]
    fn records_on_the_same_subject_come_first_and_never_the_record_itself() {
        let mut records = vec![
            record(
                "rice-1",
                "Than Uyên thu hoạch lúa vụ mùa",
                "Nông dân các xã thu hoạch lúa vụ mùa, năng suất lúa đạt cao nhờ giống lúa mới.",
            ),
            record(
                "rice-2",
                "Năng suất lúa vụ mùa tăng",
                "Giống lúa mới cho năng suất cao; nông dân phấn khởi thu hoạch lúa vụ mùa.",
            ),
            record(
                "tea-1",
                "Phát triển vùng chè Than Uyên",
                "Các hộ trồng chè được hỗ trợ giống chè mới và kỹ thuật chăm sóc chè.",
            ),
        ];
        for n in 0..30 {
            records.push(record(
                &format!("other-{n}"),
                &format!("Hội nghị số {n} của huyện"),
                "Huyện tổ chức hội nghị triển khai nhiệm vụ công tác năm.",
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open(dir.path()).unwrap();
        store.build_generation(records.clone()).unwrap();
        let index = store.current().unwrap().unwrap();

        let found = index.similar(&records[0], 3).unwrap();
        let ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&"rice-2"), "{ids:?}");
        assert!(!ids.contains(&"rice-1"), "{ids:?}");
        // Typed without diacritics, the same subject is found the same way.
        let toneless = record(
            "typed",
            "thu hoach lua vu mua",
            "nang suat lua giong lua moi",
        );
        let found = index.similar(&toneless, 2).unwrap();
        let mut ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["rice-1", "rice-2"]);
        assert!(index.similar(&records[0], 0).unwrap().is_empty());
    }
}
