//! The shown hits: the fields a hit needs of its record and a snippet from the first bytes
//! of its text, or from the page of an attached file when the matched words are only there
//! (then the hit names the file and page).
//!
//! A hit is read from the generation's side file ([`crate::hitfile`], memory-mapped: a
//! fast-field lookup and a slice); generations indexed before it, and records the file cannot
//! give (damaged), are read from the doc store: the stored `hit` JSON, or the whole record.
//!
//! The snippet of the record's own text is cut from the matched terms' positions, read from
//! the index's postings for the shown documents only, and the text's stored layout
//! ([`snippet_at`]); records indexed without a layout are scanned ([`snippet`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TantivyError, Term};

use crate::api::{Hit, HitSource};
use crate::error::{Error, Result};
use crate::hitfile::{HitFile, ShownHit, StoredAttachment, StoredHit};
use crate::schema::Fields;
use crate::snippet::{Layout, Matcher, snippet, snippet_at, snippet_text};
use crate::terms::Terms;
use crate::understand::NumberQuery;

/// Reads what [`ShownDoc`] read: the `hit` field, or (generations indexed before it) the
/// whole record.
fn read_stored(shown: &ShownDoc) -> Result<StoredHit<'_>> {
    let invalid = |json: &str, source| Error::StoredRecord {
        id: json.chars().take(80).collect(),
        source,
    };
    if let Some(hit) = &shown.hit {
        return serde_json::from_str(hit).map_err(|e| invalid(hit, e));
    }
    /// The text fields a whole record adds.
    #[derive(Deserialize)]
    struct LeadBody<'a> {
        #[serde(default, borrow)]
        lead: Cow<'a, str>,
        #[serde(default, borrow)]
        body: Cow<'a, str>,
    }
    let record = shown.record.as_deref().unwrap_or_default();
    let mut stored: StoredHit<'_> = serde_json::from_str(record).map_err(|e| invalid(record, e))?;
    let LeadBody { lead, body } = serde_json::from_str(record).map_err(|e| invalid(record, e))?;
    stored.text = Cow::Owned(snippet_text(&lead, &body).into_owned());
    // As the stored hit keeps them: the attached files that have text.
    stored.attachments.retain(|file| file.text.is_some());
    Ok(stored)
}

/// The stored fields a shown hit reads: the `hit` JSON and the snippet layout, which the
/// index stores ahead of the whole record, so reading stops before the record (the biggest
/// field: its text is neither copied nor checked). A generation indexed without `hit` gives
/// its record instead.
#[derive(Debug, Default)]
struct ShownDoc {
    hit: Option<String>,
    layout: Option<Vec<u8>>,
    record: Option<String>,
}

impl DocumentDeserialize for ShownDoc {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        mut deserializer: D,
    ) -> std::result::Result<Self, DeserializeError> {
        static FIELDS: OnceLock<Fields> = OnceLock::new();
        let fields = FIELDS.get_or_init(Fields::new);
        let mut shown = ShownDoc::default();
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            match value {
                OwnedValue::Str(text) if field == fields.hit => shown.hit = Some(text),
                OwnedValue::Bytes(bytes) if field == fields.snippet_layout => {
                    shown.layout = Some(bytes);
                }
                OwnedValue::Str(text) if field == fields.record => {
                    shown.record = Some(text);
                    break;
                }
                _ => {}
            }
            if shown.hit.is_some() && shown.layout.is_some() {
                break;
            }
        }
        Ok(shown)
    }
}

/// The page of an attached file whose snippet has the most matches, more than `to_beat` (the
/// first such page on ties): its snippet and where it is. Pages are separated by form feeds.
fn attachment_snippet(
    attachments: &[StoredAttachment<'_>],
    highlight: &mut Matcher<'_>,
    to_beat: usize,
) -> Option<(String, HitSource)> {
    let mut best: Option<(usize, String, HitSource)> = None;
    for file in attachments {
        let Some(text) = file.text.as_deref() else {
            continue;
        };
        let source = file.text_source.as_deref();
        let machine_read = source.is_some_and(|s| s.split('+').any(|p| p == "ocr"));
        for (i, page) in text.split('\u{c}').enumerate() {
            let found = snippet(page, highlight);
            let marks = found.matches("<mark>").count();
            if marks > best.as_ref().map_or(to_beat, |b| b.0) {
                let where_ = HitSource {
                    file: file.name.clone().into_owned(),
                    url: file.url.clone().into_owned(),
                    page: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    text_source: source.map(str::to_owned),
                    machine_read,
                };
                best = Some((marks, found, where_));
            }
        }
    }
    best.map(|(_, found, where_)| (found, where_))
}

/// The snippet of a record's own `text` (unchecked bytes from the side file, or the stored
/// text); `located` is the text's stored layout with the matched terms' positions, when the
/// index has them. `None` when the text is not UTF-8 where it is read (a damaged side file).
fn own_snippet(
    text: &[u8],
    located: Option<(&Layout, &[(usize, usize)])>,
    highlight: &mut Matcher<'_>,
) -> Option<String> {
    if let Some((layout, positions)) = located
        && let Some(found) = snippet_at(text, layout, positions, highlight)
    {
        return Some(found);
    }
    Some(snippet(simdutf8::basic::from_utf8(text).ok()?, highlight))
}

/// One shown hit from its stored fields and the snippet of its own text.
fn hit(
    record: StoredHit<'_>,
    mut found: String,
    score: f32,
    highlight: &mut Matcher<'_>,
    numbers: &NumberQuery,
) -> Hit {
    let number_match = match &record.number_keys {
        Some([full, num_type, num_issuer]) => numbers.matches_keys(full, num_type, num_issuer),
        None => record
            .doc_number
            .as_deref()
            .is_some_and(|n| numbers.matches(n)),
    };
    let mut source = None;
    // An attached file's page that matches more of the query than the record's own text
    // gives the snippet (for a resolution whose page holds only its summary).
    let has_text = record.attachments.iter().any(|file| file.text.is_some());
    if has_text
        && let Some((in_file, where_)) = attachment_snippet(
            &record.attachments,
            highlight,
            found.matches("<mark>").count(),
        )
    {
        found = in_file;
        source = Some(where_);
    }
    Hit {
        snippet: found,
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
        source,
        site: record.site.into_owned(),
    }
}

/// The hits of a page (`(address, score)` in the order shown), with snippets highlighting the
/// folded terms of `highlight`. Each is read from the generation's side `file` when it has one
/// (older generations, or a record the file cannot give, are read from the doc store).
pub(super) fn hits(
    terms: &Terms<'_>,
    fields: &Fields,
    file: Option<&SideFile>,
    page: &[(DocAddress, f32)],
    highlight: &HashSet<String>,
    numbers: &NumberQuery,
) -> Result<Vec<Hit>> {
    let searcher = terms.searcher();
    let mut matcher = Matcher::new(highlight);
    let in_file = match file {
        Some(file) => from_side_file(searcher, file, page)?,
        None => page.iter().map(|_| None).collect(),
    };
    let docs = page
        .iter()
        .zip(&in_file)
        .map(|((address, _), found)| match found {
            Some(_) => Ok(ShownDoc::default()),
            None => searcher.doc::<ShownDoc>(*address),
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    // Each hit's record, its unchecked text when it comes from the side file, and its layout.
    let mut stored = Vec::with_capacity(page.len());
    for (found, doc) in in_file.into_iter().zip(&docs) {
        stored.push(match found {
            Some(ShownHit { hit, text, layout }) => (hit, Some(text), Layout::decode(layout)),
            None => (
                read_stored(doc)?,
                None,
                doc.layout.as_deref().and_then(Layout::decode),
            ),
        });
    }
    // Positions are read in document order, so each term's postings only move forward.
    let mut order: Vec<usize> = (0..page.len()).filter(|&i| stored[i].2.is_some()).collect();
    order.sort_by_key(|&i| page[i].0);
    let mut positions = vec![Vec::new(); page.len()];
    let mut reader = TermPositions::new(terms, fields.text_folded, &matcher);
    for i in order {
        let tokens = stored[i].2.as_ref().map_or(0, Layout::tokens);
        positions[i] = reader.of(page[i].0, tokens)?;
    }
    let mut out = Vec::with_capacity(page.len());
    for (((address, score), (mut record, raw, layout)), positions) in
        page.iter().zip(stored).zip(&positions)
    {
        let located = layout.as_ref().map(|layout| (layout, positions.as_slice()));
        let own = std::mem::take(&mut record.text);
        let text = raw.unwrap_or(own.as_bytes());
        let doc;
        let (record, found) = match own_snippet(text, located, &mut matcher) {
            Some(found) => (record, found),
            None => {
                // Only a side file's text can be other than UTF-8.
                tracing::warn!(
                    ?address,
                    "shown hit's text damaged in the side file; reading it from the doc store"
                );
                doc = searcher.doc::<ShownDoc>(*address)?;
                let record = read_stored(&doc)?;
                let found = snippet(&record.text, &mut matcher);
                (record, found)
            }
        };
        let shown = hit(record, found, *score, &mut matcher, numbers);
        out.push(shown);
    }
    Ok(out)
}

/// The field holding a document's offset in the side file.
const HIT_OFFSET: &str = "hit_offset";

/// A generation's side file with each segment's offset column, read once when the generation
/// is opened. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct SideFile {
    file: HitFile,
    /// The offset column of each segment of the generation (none in a segment indexed before
    /// the side file).
    columns: Arc<Vec<(SegmentId, Option<Column<u64>>)>>,
}

impl SideFile {
    /// The side file of the generation `searcher` searches.
    pub(crate) fn new(file: HitFile, searcher: &Searcher) -> Result<Self> {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| Ok((segment.segment_id(), offsets(segment)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            file,
            columns: Arc::new(columns),
        })
    }

    /// The offset column of `segment` (read again for a segment the generation did not have
    /// when it was opened).
    fn column(&self, segment: &SegmentReader) -> Result<Option<Column<u64>>> {
        let id = segment.segment_id();
        match self.columns.iter().find(|(known, _)| *known == id) {
            Some((_, column)) => Ok(column.clone()),
            None => offsets(segment),
        }
    }
}

fn offsets(segment: &SegmentReader) -> Result<Option<Column<u64>>> {
    Ok(segment.fast_fields().column_opt::<u64>(HIT_OFFSET)?)
}

/// The records of the page's documents in the side file (and their encoded layouts); `None`
/// for a document without an offset (indexed before the side file) or whose record the file
/// cannot give (damaged: logged, then read from the doc store).
fn from_side_file<'f>(
    searcher: &Searcher,
    side: &'f SideFile,
    page: &[(DocAddress, f32)],
) -> Result<Vec<Option<ShownHit<'f>>>> {
    let mut columns: Vec<(u32, Option<Column<u64>>)> = Vec::new();
    let mut out = Vec::with_capacity(page.len());
    for (address, _) in page {
        let column = match columns.iter().find(|(s, _)| *s == address.segment_ord) {
            Some((_, column)) => column.clone(),
            None => {
                let column = side.column(searcher.segment_reader(address.segment_ord))?;
                columns.push((address.segment_ord, column.clone()));
                column
            }
        };
        let Some(offset) = column.and_then(|c| c.first(address.doc_id)) else {
            out.push(None);
            continue;
        };
        out.push(match side.file.get_shown(offset) {
            Ok(found) => Some(found),
            Err(e) => {
                tracing::warn!(error = %e, "shown hit unreadable in the side file; reading it from the doc store");
                None
            }
        });
    }
    Ok(out)
}

/// Reads where the highlighted terms occur in a field of the shown documents, from the
/// postings of the terms, each opened from the search's own lookup of the term (the
/// dictionary is not read again).
struct TermPositions<'t, 's> {
    terms: &'t Terms<'s>,
    field: Field,
    /// The highlighted terms, in the matcher's order.
    wanted: Vec<Term>,
    /// The segment whose postings are open, with the last document read in it.
    open: Option<(u32, DocId, Vec<Option<SegmentPostings>>)>,
    buffer: Vec<u32>,
    /// `position << 32 | term` of the document being read, sorted as one integer.
    packed: Vec<u64>,
}

impl<'t, 's> TermPositions<'t, 's> {
    fn new(terms: &'t Terms<'s>, field: Field, matcher: &Matcher<'_>) -> Self {
        Self {
            terms,
            field,
            wanted: matcher
                .terms()
                .map(|term| Term::from_field_text(field, term))
                .collect(),
            open: None,
            buffer: Vec::new(),
            packed: Vec::new(),
        }
    }

    /// The postings (with positions) of every wanted term in segment `segment`.
    fn open(&self, segment: u32) -> Result<Vec<Option<SegmentPostings>>> {
        let inverted = self
            .terms
            .searcher()
            .segment_reader(segment)
            .inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.wanted.len());
        for term in &self.wanted {
            let stats = self.terms.term(term)?;
            postings.push(match stats.info(segment) {
                Some(info) => Some(
                    inverted
                        .read_postings_from_terminfo(info, IndexRecordOption::WithFreqsAndPositions)
                        .map_err(TantivyError::from)?,
                ),
                None => None,
            });
        }
        Ok(postings)
    }

    /// `(position, term)` of every occurrence of a term in the document before position
    /// `before`, by position. Documents of a segment are best asked in ascending order (else
    /// the postings reopen).
    fn of(&mut self, address: DocAddress, before: usize) -> Result<Vec<(usize, usize)>> {
        let reusable = matches!(&self.open, Some((segment, last, _))
            if *segment == address.segment_ord && *last <= address.doc_id);
        if !reusable {
            let postings = self.open(address.segment_ord)?;
            self.open = Some((address.segment_ord, address.doc_id, postings));
        }
        let Some((_, last, postings)) = self.open.as_mut() else {
            return Ok(Vec::new());
        };
        *last = address.doc_id;
        let before = u64::try_from(before).unwrap_or(u64::MAX);
        self.packed.clear();
        for (term, postings) in postings.iter_mut().enumerate() {
            let Some(postings) = postings else {
                continue;
            };
            if postings.doc() < address.doc_id {
                postings.seek(address.doc_id);
            }
            if postings.doc() == address.doc_id {
                postings.positions(&mut self.buffer);
                // A position holds one token, so no two entries share a position: sorting
                // the packed integers sorts by position.
                self.packed.extend(
                    self.buffer
                        .iter()
                        .map(|&p| u64::from(p))
                        .take_while(|&p| p < before)
                        .map(|p| p << 32 | term as u64),
                );
            }
        }
        // No two entries are equal (one term per position): an unstable sort gives the
        // stable order, without the stable sort's scratch buffer.
        self.packed.sort_unstable();
        Ok(self
            .packed
            .iter()
            .map(|&p| ((p >> 32) as usize, (p & u64::from(u32::MAX)) as usize))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crawler::{Kind, Record};

    use tantivy::TantivyDocument;
    use tantivy::schema::Value;

    use super::*;
    use crate::SearchRequest;
    use crate::analyzer::{Form, analyze};
    use crate::search::SearchIndex;

    /// Records with the cases a layout must get right: lead and body, a blank lead, a lead
    /// longer than the scanned bytes, a body cut inside a word, an over-long token, decomposed
    /// marks and old-style tones.
    fn tricky_records() -> Vec<Record> {
        let sentence = "Ủy ban nhân dân huyện Than Uyên chỉ đạo các xã xây dựng nông thôn mới; ";
        let mut records = Vec::new();
        let mut add = |lead: String, body: String| {
            let mut r = Record::new(
                format!("news-{}", records.len()),
                Kind::News,
                format!("https://thanuyen.laichau.gov.vn/tin/{}", records.len()),
            );
            r.title = "Tin huyện".to_owned();
            r.lead = lead;
            r.body = body;
            records.push(r);
        };
        add(
            "Hội đồng nhân dân huyện họp kỳ thứ 12.".to_owned(),
            "Nghi\u{0323} quyết về hoà bình, kĩ thuật và nông thôn.".to_owned(),
        );
        add("   ".to_owned(), sentence.repeat(40));
        add(sentence.repeat(120), "thân bài không được quét".to_owned());
        // The scanned prefix ends inside `nghị`/`quyết` at one of these lengths.
        for pad in 0..6 {
            add(
                "Tóm tắt.".to_owned(),
                format!("{}{}", "a".repeat(pad), "nghị quyết ".repeat(700)),
            );
        }
        add(
            String::new(),
            format!(
                "mở đầu {} giữa bài nông thôn mới {} cuối bài",
                "x".repeat(45),
                "KHÔNG-DẤU_ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ nông ".repeat(30)
            ),
        );
        records
    }

    fn corpus_dir() -> PathBuf {
        std::env::var_os("TRACUU_CORPUS").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            PathBuf::from,
        )
    }

    /// A few real records of the shared corpus (legal articles, long news), or none (with a
    /// message) when it is absent.
    fn corpus_records() -> Vec<Record> {
        let dir = corpus_dir();
        let read = |path: PathBuf, max: usize| -> Vec<serde_json::Value> {
            match std::fs::read_to_string(&path) {
                Ok(data) => data
                    .lines()
                    .take(max)
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect(),
                Err(_) => {
                    eprintln!("corpus file {} absent: part skipped", path.display());
                    Vec::new()
                }
            }
        };
        let field = |v: &serde_json::Value, name: &str| {
            v.get(name)
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .replace('_', " ")
        };
        let mut records = Vec::new();
        for (i, v) in read(dir.join("legal/phapdien-001.jsonl"), 150)
            .iter()
            .enumerate()
        {
            let mut r = Record::new(
                format!("legal-{i}"),
                Kind::Legal,
                format!("https://x.vn/l/{i}"),
            );
            r.title = field(v, "heading");
            r.body = field(v, "text");
            records.push(r);
        }
        for (i, v) in read(dir.join("news/vietnews_test-001.jsonl"), 60)
            .iter()
            .enumerate()
        {
            let mut r = Record::new(
                format!("news-{i}"),
                Kind::News,
                format!("https://x.vn/n/{i}"),
            );
            r.title = field(v, "title_tokenized");
            r.lead = field(v, "abstract_tokenized");
            r.body = field(v, "body_tokenized");
            records.push(r);
        }
        records
    }

    /// For every record and several sets of terms (words of its own text, its cut last word,
    /// words of other records), the snippet cut from the layout and the postings is the one
    /// scanning the text gives.
    fn assert_same_snippets(records: Vec<Record>) -> usize {
        let index = SearchIndex::from_records(records).expect("index");
        let searcher = index.reader.searcher();
        let fields = &index.fields;
        let mut compared = 0;
        let mut other = String::from("huyen");
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in segment.doc_ids_alive() {
                let address = DocAddress::new(segment_ord as u32, doc_id);
                let doc: TantivyDocument = searcher.doc(address).expect("doc");
                let json = doc
                    .get_first(fields.record)
                    .and_then(|v| v.as_str())
                    .unwrap();
                let record: Record = serde_json::from_str(json).expect("record");
                let text = snippet_text(&record.lead, &record.body);
                let page = [(address, 0.0)];
                let file = index.hit_file.as_ref().expect("a side file");
                let [
                    Some(ShownHit {
                        text: raw, layout, ..
                    }),
                ] = &from_side_file(&searcher, file, &page).unwrap()[..]
                else {
                    panic!("{} is not in the side file", record.id);
                };
                assert_eq!(*raw, text.as_bytes());
                let layout = Layout::decode(layout).expect("a stored layout");
                assert_eq!(layout, Layout::of(&text));
                // As older generations stored it, too.
                let older = Layout::format_1(&text);
                assert_eq!(Layout::decode(&older.encode()).as_ref(), Some(&older));
                let words: Vec<String> = analyze(&text, Form::Folded)
                    .into_iter()
                    .map(|s| s.text)
                    .collect();
                let mut sets: Vec<HashSet<String>> = (1..4)
                    .map(|step| {
                        words
                            .iter()
                            .step_by(5 * step + 2)
                            .take(6)
                            .cloned()
                            .collect()
                    })
                    .collect();
                sets.push(words.last().into_iter().cloned().collect());
                // The cut last token's prefixes (`quy` of a cut `quyết`).
                if let Some(last) = words.last() {
                    sets.push((1..=last.len()).map(|n| last[..n].to_owned()).collect());
                }
                sets.push([other.clone(), "khong".to_owned()].into());
                if let Some(word) = words.get(words.len() / 2) {
                    other = word.clone();
                }
                for terms in sets {
                    let mut matcher = Matcher::new(&terms);
                    let lookups = Terms::new(&searcher);
                    let positions = TermPositions::new(&lookups, fields.text_folded, &matcher)
                        .of(address, layout.tokens())
                        .expect("positions");
                    let scanned = snippet(&text, &mut Matcher::new(&terms));
                    for layout in [&layout, &older] {
                        let cut = snippet_at(text.as_bytes(), layout, &positions, &mut matcher);
                        assert_eq!(
                            cut.as_deref(),
                            Some(scanned.as_str()),
                            "{terms:?} in {text}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        compared
    }

    #[test]
    fn snippets_from_the_layout_are_the_scanned_ones() {
        assert!(assert_same_snippets(tricky_records()) > 50);
    }

    #[test]
    fn snippets_from_the_layout_are_the_scanned_ones_on_real_text() {
        let records = corpus_records();
        if records.is_empty() {
            return;
        }
        assert!(assert_same_snippets(records) > 1000);
    }

    #[test]
    fn shown_hits_of_a_search_have_the_scanned_snippets() {
        let index = SearchIndex::from_records(tricky_records()).expect("index");
        for query in [
            "nông thôn mới",
            "nghi quyet",
            "hoà bình kỹ thuật",
            "than uyen xa",
        ] {
            let request = SearchRequest {
                query: query.to_owned(),
                limit: 20,
                ..SearchRequest::default()
            };
            let plan = index.plan(&request, true).expect("plan");
            let results = index.search(&request).expect("search");
            assert!(!results.hits.is_empty(), "{query}");
            for hit in &results.hits {
                let record = index.document(&hit.id).expect("read").expect("record");
                let text = snippet_text(&record.lead, &record.body);
                let scanned = snippet(&text, &mut Matcher::new(&plan.highlight));
                assert_eq!(hit.snippet, scanned, "{query}: {}", hit.id);
                assert!(hit.snippet.contains("<mark>"), "{query}: {}", hit.snippet);
            }
        }
    }

    /// A legal record with every field a hit shows, an attached file with text (two pages)
    /// and one without.
    fn full_record() -> Record {
        let mut record = tricky_records().remove(0);
        record.kind = Kind::Legal;
        record.doc_number = Some("140/NQ-HĐND".to_owned());
        record.issuer = Some("Hội đồng nhân dân huyện Than Uyên".to_owned());
        record.doc_type = Some("Nghị quyết".to_owned());
        record.date = chrono::NaiveDate::from_ymd_opt(2024, 12, 20);
        record.site = "thanuyen".to_owned();
        record.attachments.push(crawler::Attachment {
            name: "140-NQ-HĐND.pdf".to_owned(),
            url: "https://thanuyen.laichau.gov.vn/140.pdf".to_owned(),
            text: Some("Trang một\u{c}Trang hai: nghị quyết về thủy lợi".to_owned()),
            text_source: Some("pdf-text+ocr".to_owned()),
            ..crawler::Attachment::default()
        });
        record.attachments.push(crawler::Attachment {
            name: "phu-luc.docx".to_owned(),
            url: "https://thanuyen.laichau.gov.vn/pl.docx".to_owned(),
            ..crawler::Attachment::default()
        });
        record
    }

    #[test]
    fn older_generations_give_the_hit_the_side_file_gives() {
        let record = full_record();
        let mut file = crate::hitfile::HitWriter::new(Vec::new(), "hits.bin".into()).unwrap();
        let number = crate::schema::DocNumberKeys::of_record(&record);
        let hit = StoredHit::of(&record, number.as_ref());
        let layout = Layout::of(&hit.text).encode();
        let offset = file.append(&hit, &layout).unwrap();
        let file = crate::hitfile::in_memory(file.finish().unwrap()).unwrap();
        let (from_file, file_layout) = file.get(offset).unwrap();
        assert_eq!(file_layout, layout.as_slice());

        let (index, fields) = crate::build::create_index(None).unwrap();
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .unwrap();
        // As generations indexed before the side file stored it (the hit ahead of the record),
        // and before that (the record alone).
        writer
            .add_document(fields.document_with_stored_hit(&record).unwrap())
            .unwrap();
        let mut older = TantivyDocument::default();
        older.add_text(fields.id, &record.id);
        older.add_text(fields.record, serde_json::to_string(&record).unwrap());
        writer.add_document(older).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let new: ShownDoc = searcher.doc(DocAddress::new(0, 0)).unwrap();
        assert!(new.hit.is_some() && new.layout.is_some() && new.record.is_none());
        let older_layout = Layout::format_1(&hit.text).encode();
        assert_eq!(new.layout.as_deref(), Some(older_layout.as_slice()));
        let old: ShownDoc = searcher.doc(DocAddress::new(0, 1)).unwrap();
        assert!(old.hit.is_none() && old.layout.is_none() && old.record.is_some());
        // The doc store keeps no number keys (its hits parse the number).
        let keys = ["140/nq-hdnd", "140/nq", "140/hdnd"].map(Cow::Borrowed);
        assert_eq!(from_file.number_keys, Some(keys));
        let from_file = StoredHit {
            number_keys: None,
            ..from_file
        };
        assert_eq!(read_stored(&new).unwrap(), from_file);
        assert_eq!(read_stored(&old).unwrap(), from_file);
        assert_eq!(from_file.text, snippet_text(&record.lead, &record.body));
        assert_eq!(from_file.attachments.len(), 1);
        let broken = ShownDoc {
            hit: Some("{\"id\": 1}".to_owned()),
            ..ShownDoc::default()
        };
        assert!(read_stored(&broken).is_err());
    }

    /// The hits of `queries` on `index`, with their snippets.
    fn all_hits(index: &SearchIndex, queries: &[&str]) -> Vec<Hit> {
        let mut out = Vec::new();
        for query in queries {
            let request = SearchRequest {
                query: (*query).to_owned(),
                limit: 20,
                ..SearchRequest::default()
            };
            out.extend(index.search(&request).expect("search").hits);
        }
        out
    }

    #[test]
    fn hits_from_the_side_file_equal_the_doc_stores_and_survive_its_damage() {
        let mut records = tricky_records();
        records.push(full_record());
        // Replaced by id: the first version's bytes stay in the file, unread.
        let mut replaced = records[1].clone();
        replaced.title = "Tin huyện đã sửa: thủy lợi".to_owned();
        records.push(replaced);
        let index = SearchIndex::from_records(records).expect("index");
        let queries = [
            "nông thôn mới",
            "nghị quyết thủy lợi",
            "140/NQ-HĐND",
            "trang hai",
            "than uyen xa",
            "đã sửa",
        ];
        let from_file = all_hits(&index, &queries);
        assert!(from_file.len() > 5, "{}", from_file.len());
        assert!(from_file.iter().any(|h| h.source.is_some()));
        // The number matched from the keys in the side file, as parsing it matches.
        assert!(from_file.iter().any(|h| h.number_match && h.id == "news-0"));
        assert_eq!(
            from_file
                .iter()
                .filter(|h| h.id == "news-1")
                .map(|h| h.title.as_str())
                .collect::<HashSet<_>>(),
            HashSet::from(["Tin huyện đã sửa: thủy lợi"])
        );
        let to_json = |hits: &[Hit]| serde_json::to_string(hits).unwrap();
        // Without the side file (an older generation), every hit is read from the doc store.
        let without = SearchIndex {
            hit_file: None,
            ..index.clone()
        };
        assert_eq!(to_json(&all_hits(&without, &queries)), to_json(&from_file));
        // Damaged files: cut short, or with bytes overwritten; the hits they cannot give are
        // read from the doc store.
        let bytes = index.hit_file.as_ref().unwrap().file.bytes().to_vec();
        let mut damaged = Vec::new();
        for cut in [bytes.len() / 3, bytes.len() - 1] {
            damaged.push(bytes[..cut].to_vec());
        }
        let mut scribbled = bytes.clone();
        for i in (40..scribbled.len()).step_by(97) {
            scribbled[i] = 0xff;
        }
        damaged.push(scribbled);
        for bytes in damaged {
            let file = crate::hitfile::in_memory(bytes).unwrap();
            let damaged = SearchIndex {
                hit_file: Some(SideFile::new(file, &index.reader.searcher()).unwrap()),
                ..index.clone()
            };
            assert_eq!(to_json(&all_hits(&damaged, &queries)), to_json(&from_file));
        }
    }

    #[test]
    fn a_side_files_text_is_checked_only_where_the_snippet_reads_it() {
        let mut record = Record::new("news-1", Kind::News, "https://x.vn/n/1");
        record.title = "Tin huyện Than Uyên".to_owned();
        record.body = format!(
            "{}thủy lợi xã Mường Kim {}",
            "mở đầu câu chuyện ".repeat(60),
            "kết thúc ".repeat(40)
        );
        let index = SearchIndex::from_records(vec![record.clone()]).expect("index");
        let request = SearchRequest {
            query: "thủy lợi".to_owned(),
            limit: 5,
            ..SearchRequest::default()
        };
        let expected = index.search(&request).expect("search").hits;
        assert!(expected[0].snippet.contains("<mark>thủy</mark>"));
        let text = snippet_text(&record.lead, &record.body);
        let bytes = index.hit_file.as_ref().unwrap().file.bytes().to_vec();
        let start = bytes
            .windows(text.len())
            .position(|w| w == text.as_bytes())
            .expect("the text in the side file");
        let shown = text.find("thủy lợi").expect("the matched words");
        // A byte that is never UTF-8 in the text's first word (far before the window), then
        // in the shown words.
        for (at, read) in [(start + 1, false), (start + shown + 1, true)] {
            let mut damaged = bytes.clone();
            damaged[at] = 0xff;
            let file = crate::hitfile::in_memory(damaged).unwrap();
            let searcher = index.reader.searcher();
            let side = SideFile::new(file, &searcher).unwrap();
            let damaged_index = SearchIndex {
                hit_file: Some(side.clone()),
                ..index.clone()
            };
            // The same hit either way: from the file, or from the doc store.
            let got = damaged_index.search(&request).expect("search").hits;
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            // The file's text is not UTF-8 as a whole; its snippet is cut from it unless the
            // damage is in the part shown.
            let page = [(DocAddress::new(0, 0), 0.0)];
            let [
                Some(ShownHit {
                    text: raw, layout, ..
                }),
            ] = &from_side_file(&searcher, &side, &page).unwrap()[..]
            else {
                panic!("not in the side file");
            };
            assert!(simdutf8::basic::from_utf8(raw).is_err());
            let plan = index.plan(&request, true).expect("plan");
            let mut matcher = Matcher::new(&plan.highlight);
            let layout = Layout::decode(layout).expect("a layout");
            let terms = Terms::new(&searcher);
            let positions = TermPositions::new(&terms, index.fields.text_folded, &matcher)
                .of(page[0].0, layout.tokens())
                .expect("positions");
            let cut = own_snippet(raw, Some((&layout, &positions)), &mut matcher);
            if read {
                assert_eq!(cut, None);
            } else {
                assert_eq!(cut.as_deref(), Some(expected[0].snippet.as_str()));
            }
        }
    }

    #[test]
    fn a_layout_round_trips_and_rejects_garbage() {
        let text = format!("mở đầu {} nông thôn mới", "nghị quyết ".repeat(100));
        let layout = Layout::of(&text);
        assert_eq!(Layout::decode(&layout.encode()), Some(layout));
        let older = Layout::format_1(&text);
        assert_eq!(Layout::decode(&older.encode()), Some(older));
        assert_eq!(Layout::decode(&[]), None);
        // Format 2 without the last token's offset, or with one past the text.
        assert_eq!(Layout::decode(&[2, 5, 1, 0]), None);
        assert_eq!(Layout::decode(&[2, 5, 1, 0, 6]), None);
        assert!(Layout::decode(&[2, 5, 1, 0, 0]).is_some());
        assert_eq!(Layout::decode(&[9, 1, 2]), None);
        assert_eq!(Layout::decode(&[1, 0x80]), None);
    }
}
