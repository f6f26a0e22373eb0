//! The Tantivy schema: text fields in three forms plus bigrams, keyword fields for document
//! numbers and filters, fast numeric fields for dates and sorting, and the stored record.
//!
//! [`Fields`] holds the field handles; [`Fields::record_document`] turns a [`Record`] into the
//! document the index writer reads.

use chrono::{Datelike, NaiveDate};
use crawler::Record;
#[cfg(test)]
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analyzer;
use crate::document::RecordDocument;
use crate::error::{Error, Result};

/// Handles of every field of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    /// The schema itself.
    pub(crate) schema: Schema,
    /// Record id, keyword, fast.
    pub(crate) id: Field,
    /// Stable 64-bit key of the id, used to break ties and in cursors.
    pub(crate) id_key: Field,
    /// `news` or `legal`.
    pub(crate) kind: Field,
    /// The site's name (`thanuyen`), keyword, fast (filter and facet).
    pub(crate) site: Field,
    /// Title, exact form.
    pub(crate) title_exact: Field,
    /// Title, i/y variant form.
    pub(crate) title_variant: Field,
    /// Title, folded form.
    pub(crate) title_folded: Field,
    /// Lead, body, attachment text and metadata, exact form.
    pub(crate) text_exact: Field,
    /// Same text, variant form.
    pub(crate) text_variant: Field,
    /// Same text, folded form.
    pub(crate) text_folded: Field,
    /// Exact-form syllable bigrams of title and text.
    pub(crate) bigram_exact: Field,
    /// Folded-form syllable bigrams of title and text.
    pub(crate) bigram_folded: Field,
    /// Full document-number key (`140/nq-hdnd`).
    pub(crate) docno: Field,
    /// Number and type (`140/nq`).
    pub(crate) docno_num_type: Field,
    /// Number and issuer (`140/hdnd`).
    pub(crate) docno_num_issuer: Field,
    /// Number alone (`140`).
    pub(crate) docno_num: Field,
    /// Year of the number, when it carries one.
    pub(crate) docno_year: Field,
    /// Document type as printed (facets).
    pub(crate) doc_type: Field,
    /// Document type, folded keyword (filters).
    pub(crate) doc_type_key: Field,
    /// Issuer as printed (facets).
    pub(crate) issuer: Field,
    /// Issuer, folded keyword (filters).
    pub(crate) issuer_key: Field,
    /// Signer, folded keyword (filters).
    pub(crate) signer_key: Field,
    /// Fields ("Lĩnh vực"), folded keywords (filters).
    pub(crate) field_key: Field,
    /// News category, folded keyword.
    pub(crate) category_key: Field,
    /// Main date as days since 1970-01-01.
    pub(crate) date_days: Field,
    /// Year of the main date.
    pub(crate) year: Field,
    /// Effective date as days since 1970-01-01.
    pub(crate) effective_days: Field,
    /// Expiry date as days since 1970-01-01, `i64::MAX` when there is none.
    pub(crate) expiry_days: Field,
    /// The whole record as JSON.
    pub(crate) record: Field,
    /// The [`crate::snippet::Layout`] of the record's snippet text (stored bytes).
    pub(crate) snippet_layout: Field,
    /// What a shown hit needs of the record, as JSON ([`crate::hitfile::StoredHit`]), stored
    /// ahead of the record so a hit stops reading before it: written by generations built
    /// before the shown-hit side file, read from them.
    pub(crate) hit: Field,
    /// Where the record's shown hit starts in the generation's side file
    /// ([`crate::hitfile`]), fast.
    pub(crate) hit_offset: Field,
}

/// Names of fields that filters and facets refer to.
pub(crate) mod names {
    pub(crate) const ID: &str = "id";
    pub(crate) const ID_KEY: &str = "id_key";
    pub(crate) const KIND: &str = "kind";
    pub(crate) const SITE: &str = "site";
    pub(crate) const DOC_TYPE: &str = "doc_type";
    pub(crate) const ISSUER: &str = "issuer";
    pub(crate) const DATE_DAYS: &str = "date_days";
    pub(crate) const YEAR: &str = "year";
}

fn text_options(analyzer: &str, positions: bool) -> TextOptions {
    let option = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(option),
    )
}

impl Fields {
    /// Builds the schema.
    pub(crate) fn new() -> Self {
        let mut b = Schema::builder();
        let id = b.add_text_field(names::ID, STRING | STORED | FAST);
        let id_key = b.add_u64_field(names::ID_KEY, FAST);
        let kind = b.add_text_field(names::KIND, STRING | FAST);
        let site = b.add_text_field(names::SITE, STRING | FAST);
        let title_exact = b.add_text_field("title_exact", text_options(analyzer::EXACT, true));
        // The variant tier is only ever scored term by term (phrases and snippets read the
        // exact and folded fields), so it keeps no positions (less to record and write), and
        // only the variants a search reads (`analyzer::variant_is_indexed`).
        let title_variant =
            b.add_text_field("title_variant", text_options(analyzer::VARIANT, false));
        let title_folded = b.add_text_field("title_folded", text_options(analyzer::FOLDED, true));
        let text_exact = b.add_text_field("text_exact", text_options(analyzer::EXACT, true));
        let text_variant = b.add_text_field("text_variant", text_options(analyzer::VARIANT, false));
        let text_folded = b.add_text_field("text_folded", text_options(analyzer::FOLDED, true));
        let bigram_exact =
            b.add_text_field("bigram_exact", text_options(analyzer::BIGRAM_EXACT, false));
        let bigram_folded = b.add_text_field(
            "bigram_folded",
            text_options(analyzer::BIGRAM_FOLDED, false),
        );
        let docno = b.add_text_field("docno", STRING);
        let docno_num_type = b.add_text_field("docno_num_type", STRING);
        let docno_num_issuer = b.add_text_field("docno_num_issuer", STRING);
        let docno_num = b.add_text_field("docno_num", STRING);
        let docno_year = b.add_u64_field("docno_year", INDEXED);
        let doc_type = b.add_text_field(names::DOC_TYPE, STRING | FAST);
        let doc_type_key = b.add_text_field("doc_type_key", STRING);
        let issuer = b.add_text_field(names::ISSUER, STRING | FAST);
        let issuer_key = b.add_text_field("issuer_key", STRING);
        let signer_key = b.add_text_field("signer_key", STRING);
        let field_key = b.add_text_field("field_key", STRING);
        let category_key = b.add_text_field("category_key", STRING);
        let date_days = b.add_i64_field(names::DATE_DAYS, INDEXED | FAST);
        let year = b.add_u64_field(names::YEAR, INDEXED | FAST);
        let effective_days = b.add_i64_field("effective_days", INDEXED | FAST);
        let expiry_days = b.add_i64_field("expiry_days", INDEXED | FAST);
        let record = b.add_text_field("record", STORED);
        let snippet_layout = b.add_bytes_field("snippet_layout", STORED);
        let hit = b.add_text_field("hit", STORED);
        let hit_offset = b.add_u64_field("hit_offset", FAST);
        Self {
            schema: b.build(),
            id,
            id_key,
            kind,
            site,
            title_exact,
            title_variant,
            title_folded,
            text_exact,
            text_variant,
            text_folded,
            bigram_exact,
            bigram_folded,
            docno,
            docno_num_type,
            docno_num_issuer,
            docno_num,
            docno_year,
            doc_type,
            doc_type_key,
            issuer,
            issuer_key,
            signer_key,
            field_key,
            category_key,
            date_days,
            year,
            effective_days,
            expiry_days,
            record,
            snippet_layout,
            hit,
            hit_offset,
        }
    }

    /// Turns a record into the document the index writer reads, its shown hit at `hit_offset`
    /// in the generation's side file ([`crate::hitfile::HitWriter::append`]). The record's
    /// texts move into the document; each is kept once however many fields read it.
    pub(crate) fn record_document(
        &self,
        mut record: Record,
        number: Option<&DocNumberKeys>,
        hit_offset: u64,
    ) -> Result<RecordDocument> {
        let text = searchable_text(&record);
        let json = serde_json::to_string(&record).map_err(|source| Error::EncodeRecord {
            id: record.id.clone(),
            source,
        })?;
        let all = format!("{}\n{}", record.title, text);
        let mut doc = RecordDocument::with_capacity(32);
        let key = id_key(&record.id);
        doc.add_text(self.id, std::mem::take(&mut record.id));
        doc.add_u64(self.id_key, key);
        doc.add_text(self.kind, record.kind.as_str());
        if !record.site.is_empty() {
            doc.add_text(self.site, std::mem::take(&mut record.site));
        }

        let title = doc.keep(std::mem::take(&mut record.title));
        for field in [self.title_exact, self.title_variant, self.title_folded] {
            doc.add_kept(field, title);
        }
        let text = doc.keep(text);
        for field in [self.text_exact, self.text_variant, self.text_folded] {
            doc.add_kept(field, text);
        }
        let all = doc.keep(all);
        doc.add_kept(self.bigram_exact, all);
        doc.add_kept(self.bigram_folded, all);

        if let Some(keys) = number {
            doc.add_text(self.docno, keys.full.as_str());
            doc.add_text(self.docno_num_type, keys.num_type.as_str());
            doc.add_text(self.docno_num_issuer, keys.num_issuer.as_str());
            doc.add_text(self.docno_num, keys.num.as_str());
            if let Some(year) = keys.year {
                doc.add_u64(self.docno_year, u64::from(year));
            }
        }

        if let Some(doc_type) = non_empty(record.doc_type.as_deref()) {
            doc.add_text(self.doc_type, doc_type.trim());
            doc.add_text(self.doc_type_key, keyword(doc_type));
        }
        if let Some(issuer) = non_empty(record.issuer.as_deref()) {
            doc.add_text(self.issuer, issuer.trim());
            doc.add_text(self.issuer_key, keyword(issuer));
        }
        if let Some(signer) = non_empty(record.signer.as_deref()) {
            doc.add_text(self.signer_key, keyword(signer));
        }
        for field in &record.fields {
            if let Some(field) = non_empty(Some(field)) {
                doc.add_text(self.field_key, keyword(field));
            }
        }
        if let Some(category) = non_empty(record.category.as_deref()) {
            doc.add_text(self.category_key, keyword(category));
        }
        if let Some(date) = record.date {
            doc.add_i64(self.date_days, days(date));
            doc.add_u64(self.year, u64::try_from(date.year()).unwrap_or(0));
        }
        if let Some(date) = record.effective_date {
            doc.add_i64(self.effective_days, days(date));
        }
        doc.add_i64(self.expiry_days, record.expiry_date.map_or(i64::MAX, days));

        doc.add_u64(self.hit_offset, hit_offset);
        doc.add_text(self.record, json);
        Ok(doc)
    }

    /// [`Fields::record_document`] as a `TantivyDocument` (for tests that write indexes by
    /// hand).
    #[cfg(test)]
    pub(crate) fn document(
        &self,
        record: &Record,
        number: Option<&DocNumberKeys>,
        hit_offset: u64,
    ) -> Result<TantivyDocument> {
        Ok(self
            .record_document(record.clone(), number, hit_offset)?
            .to_tantivy())
    }

    /// A document as generations built before the side file stored it: no `hit_offset`, the
    /// shown hit as JSON and its snippet layout ahead of the record.
    #[cfg(test)]
    pub(crate) fn document_with_stored_hit(&self, record: &Record) -> Result<TantivyDocument> {
        use crate::hitfile::StoredHit;
        use crate::snippet::Layout;
        let mut doc = TantivyDocument::default();
        let number = DocNumberKeys::of_record(record);
        for (field, value) in self.document(record, number.as_ref(), 0)?.field_values() {
            if field != self.hit_offset && field != self.record {
                doc.add_field_value(field, value);
            }
        }
        let hit = StoredHit::of(record, number.as_ref());
        doc.add_bytes(self.snippet_layout, &Layout::format_1(&hit.text).encode());
        doc.add_text(self.hit, serde_json::to_string(&hit).expect("json"));
        doc.add_text(self.record, serde_json::to_string(record).expect("json"));
        Ok(doc)
    }
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}

/// The text indexed beside the title: lead, body, attachment text and the metadata a user may
/// type (number, type, issuer, signer, category, tags, fields).
fn searchable_text(record: &Record) -> String {
    let mut parts: Vec<&str> = vec![&record.lead, &record.body];
    parts.extend(record.attachments.iter().filter_map(|a| a.text.as_deref()));
    parts.extend(
        [
            &record.doc_number,
            &record.doc_type,
            &record.issuer,
            &record.signer,
            &record.category,
        ]
        .into_iter()
        .filter_map(|o| o.as_deref()),
    );
    parts.extend(record.tags.iter().map(String::as_str));
    parts.extend(record.fields.iter().map(String::as_str));
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n")
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// The keyword form of a filter value: folded, words joined by single spaces.
pub fn keyword(value: &str) -> String {
    vietnamese::fold(&vietnamese::variant(&vietnamese::normalize(value)))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Days since 1970-01-01.
pub(crate) fn days(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// The date of a day count made by [`days`].
#[cfg(test)]
fn date_of_days(value: i64) -> Option<NaiveDate> {
    i32::try_from(value + 719_163)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// A stable 64-bit key of a record id (FNV-1a), used for tie-breaking and cursors.
pub(crate) fn id_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The keyword keys of one document number, all lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocNumberKeys {
    pub(crate) full: String,
    pub(crate) num_type: String,
    pub(crate) num_issuer: String,
    pub(crate) num: String,
    /// The number's year, when it has one.
    pub(crate) year: Option<u16>,
}

impl DocNumberKeys {
    pub(crate) fn of(number: &vietnamese::DocNumber) -> Self {
        let num = number.number.to_lowercase();
        Self {
            full: number.key().to_lowercase(),
            num_type: format!("{num}/{}", number.doc_type.to_lowercase()),
            num_issuer: format!("{num}/{}", number.issuer.to_lowercase()),
            num,
            year: number.year,
        }
    }

    /// The keys of `record`'s document number, when it parses: computed once per record at
    /// build time, for its keyword fields ([`Fields::document`]) and its shown hit.
    pub(crate) fn of_record(record: &Record) -> Option<Self> {
        record
            .doc_number
            .as_deref()
            .and_then(vietnamese::DocNumber::parse)
            .map(|number| Self::of(&number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid date");
        assert_eq!(days(NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")), 0);
        assert_eq!(date_of_days(days(date)), Some(date));
    }

    #[test]
    fn keyword_folds_and_collapses_separators() {
        assert_eq!(keyword("  HĐND  huyện Than-Uyên "), "hdnd huyen than uyen");
    }

    #[test]
    fn doc_number_keys_are_lowercase() {
        let number = vietnamese::DocNumber::parse("140/NQ-HĐND").expect("a number");
        let keys = DocNumberKeys::of(&number);
        assert_eq!(keys.full, "140/nq-hdnd");
        assert_eq!(keys.num_type, "140/nq");
        assert_eq!(keys.num_issuer, "140/hdnd");
        assert_eq!(keys.num, "140");
    }

    #[test]
    fn id_key_is_stable_and_distinguishes_ids() {
        assert_eq!(id_key("laws-1"), id_key("laws-1"));
        assert_ne!(id_key("laws-1"), id_key("laws-2"));
    }
}
