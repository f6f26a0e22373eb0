//! The shown hits: the stored record's fields a hit needs (borrowed, the rest skipped) and a
//! snippet from the first bytes of its text, or from the page of an attached file when the
//! matched words are only there (then the hit names the file and page).

use std::borrow::Cow;

use chrono::NaiveDate;
use crawler::Kind;
use serde::Deserialize;

use crate::api::{Hit, HitSource};
use crate::error::{Error, Result};
use crate::snippet::{Matcher, SCAN_BYTES, prefix, snippet};
use crate::understand::NumberQuery;

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
    #[serde(default, borrow)]
    site: Cow<'a, str>,
    #[serde(default, borrow)]
    attachments: Vec<StoredAttachment<'a>>,
}

/// The parts of an attached file a hit needs.
#[derive(Deserialize)]
struct StoredAttachment<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    text_source: Option<Cow<'a, str>>,
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

pub(super) fn hit(
    json: &str,
    score: f32,
    highlight: &mut Matcher<'_>,
    numbers: &NumberQuery,
) -> Result<Hit> {
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
    let mut found = snippet(&text, highlight);
    let mut source = None;
    // An attached file's page that matches more of the query than the record's own text
    // gives the snippet (for a resolution whose page holds only its summary).
    if let Some((in_file, where_)) = attachment_snippet(
        &record.attachments,
        highlight,
        found.matches("<mark>").count(),
    ) {
        found = in_file;
        source = Some(where_);
    }
    Ok(Hit {
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
    })
}
