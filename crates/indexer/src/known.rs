//! The syllables of a generation, listed once when it is opened: every term of the
//! single-syllable fields (title and text, exact, variant and folded) with its entry in each
//! segment, so that a search finds a syllable's entry (or that the generation has no such
//! syllable) by one hash lookup instead of a walk of the field's term dictionary. Nearly
//! every clause of a query is a syllable's tier; the pairs and document numbers, far more
//! numerous in the dictionaries than the syllables, are still looked up there.

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::schema::Field;
use tantivy::{Searcher, SegmentReader, Term};

use crate::schema::Fields;

/// The listed terms of one generation (see the module doc).
#[derive(Debug, Default)]
pub(crate) struct KnownTerms {
    /// The segments the entries are for, in the searcher's order.
    segments: Vec<SegmentId>,
    /// The fields whose every term is listed.
    fields: Vec<Field>,
    /// Each listed term's entry per segment (`None`: absent from that segment).
    terms: FxHashMap<Term, Vec<Option<TermInfo>>>,
}

impl KnownTerms {
    /// Lists the single-syllable fields' terms in every segment of `searcher`.
    pub(crate) fn read(searcher: &Searcher, fields: &Fields) -> tantivy::Result<Self> {
        let listed = vec![
            fields.title_exact,
            fields.title_variant,
            fields.title_folded,
            fields.text_exact,
            fields.text_variant,
            fields.text_folded,
        ];
        let readers = searcher.segment_readers();
        let mut terms: FxHashMap<Term, Vec<Option<TermInfo>>> = FxHashMap::default();
        for &field in &listed {
            for (ord, reader) in readers.iter().enumerate() {
                let inverted = reader.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    // A key that is no text is never asked for (queries are text).
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let term = Term::from_field_text(field, text);
                    let infos = terms
                        .entry(term)
                        .or_insert_with(|| vec![None; readers.len()]);
                    infos[ord] = Some(stream.value().clone());
                }
            }
        }
        Ok(Self {
            segments: readers.iter().map(SegmentReader::segment_id).collect(),
            fields: listed,
            terms,
        })
    }

    /// The entries of `term` in `segments` (the searcher's segments, in order): `Some` when
    /// the term's field is listed for exactly these segments (every entry `None` for a term
    /// the generation does not hold), `None` when the term must be looked up in the
    /// dictionaries.
    pub(crate) fn infos(
        &self,
        term: &Term,
        segments: &[SegmentId],
    ) -> Option<Vec<Option<TermInfo>>> {
        if segments != self.segments.as_slice() || !self.fields.contains(&term.field()) {
            return None;
        }
        Some(match self.terms.get(term) {
            Some(infos) => infos.clone(),
            None => vec![None; segments.len()],
        })
    }

    /// How many terms are listed.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::indexer::NoMergePolicy;
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::analyzer::{Form, analyze};
    use crawler::{Kind, Record};

    /// Vietnamese titles and texts in two segments, with old-style tones (`hoà`), i/y
    /// spellings (`kỹ`, `kĩ`), decomposed marks and a syllable only one segment holds.
    fn index() -> (Index, Fields, Vec<String>) {
        let texts = [
            "Ủy ban nhân dân huyện Than Uyên chỉ đạo các xã xây dựng nông thôn mới",
            "Hội đồng nhân dân huyện giám sát chương trình giảm nghèo bền vững",
            "Hoà giải ở cơ sở; bảo vệ rừng mùa khô hanh",
            "Quy chuẩn kỹ thuật quốc gia về nước sạch, kĩ thuật viên",
            "Nghe\u{301} tuyên truyền pháp luật cho đồng bào dân tộc Thái",
        ];
        let (index, fields) = crate::build::create_index(None).expect("index");
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for (i, text) in texts.iter().enumerate() {
            let mut r = Record::new(
                format!("tin-{i}"),
                Kind::News,
                format!("https://x.test/{i}"),
            );
            r.title = texts[(i + 1) % texts.len()].to_owned();
            r.body = (*text).to_owned();
            writer
                .add_document(fields.document(&r, None, 0).expect("document"))
                .expect("add");
            if i == 2 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        (index, fields, texts.iter().map(|t| t.to_string()).collect())
    }

    #[test]
    fn a_listed_syllable_has_the_dictionarys_entries_and_an_unlisted_one_is_absent() {
        let (index, fields, texts) = index();
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        let known = KnownTerms::read(&searcher, &fields).expect("list");
        assert!(known.len() > 50, "{}", known.len());
        // Every syllable of the texts in every form, and syllables the index does not hold
        // (another tone, a toneless reading, the new-style `hòa`, a word of no record).
        let mut asked: Vec<String> = Vec::new();
        for text in &texts {
            for form in [Form::Exact, Form::Variant, Form::Folded] {
                asked.extend(analyze(text, form).into_iter().map(|s| s.text));
            }
        }
        asked.extend(["huyên", "nhan", "hòa", "kỷ", "sông", "_"].map(str::to_owned));
        let (mut present, mut absent) = (0, 0);
        for text in &asked {
            for field in [
                fields.title_exact,
                fields.title_variant,
                fields.title_folded,
                fields.text_exact,
                fields.text_variant,
                fields.text_folded,
            ] {
                let term = Term::from_field_text(field, text);
                let infos = known.infos(&term, &segments).expect("a listed field");
                for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                    let fresh = reader
                        .inverted_index(field)
                        .expect("inverted index")
                        .get_term_info(&term)
                        .expect("term info");
                    assert_eq!(infos[ord], fresh, "{text} in {field:?}, segment {ord}");
                    if fresh.is_some() {
                        present += 1;
                    } else {
                        absent += 1;
                    }
                }
            }
        }
        assert!(present > 100 && absent > 100, "{present} {absent}");
        // Pairs and document numbers are left to the dictionaries, as are other segments.
        let pair = Term::from_field_text(fields.bigram_folded, "nhan dan");
        assert!(known.infos(&pair, &segments).is_none());
        let word = Term::from_field_text(fields.text_exact, "huyện");
        assert!(known.infos(&word, &segments[..1]).is_none());
    }
}
