//! The shown hits: the stored record's fields a hit needs (borrowed, the rest skipped) and a
//! snippet from the first bytes of its text.

use std::borrow::Cow;

use chrono::NaiveDate;
use crawler::Kind;
use serde::Deserialize;

use crate::api::Hit;
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
    Ok(Hit {
        snippet: snippet(&text, highlight),
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
    })
}
