//! One record with everything around it: its legal status, archived captures, citation, and the
//! links between records found through document numbers (★): the documents an article cites,
//! and the articles that cite a document.

use std::collections::BTreeSet;

use crawler::{Capture, Kind, Record};
use indexer::SearchIndex;
use vietnamese::{DocNumber, find_doc_numbers};

use crate::error::AppError;
use crate::html;
use crate::model::{CaptureView, DocumentResponse, LinkView};
use crate::search;
use crate::state::AppState;

/// Most document numbers resolved for one record's `cites`.
const MAX_CITED_NUMBERS: usize = 30;
/// Most candidates checked for `cited_by`.
const MAX_CITING_CANDIDATES: usize = 50;

/// Loads record `id` with its links, or 404.
pub(crate) async fn load(state: &AppState, id: String) -> Result<DocumentResponse, AppError> {
    let index = state.index()?;
    let captures = state.captures_of(&id);
    let document = tokio::task::spawn_blocking(move || assemble(&index, &id, &captures)).await??;
    Ok(document)
}

/// Describes a capture, reading its payload digest from the WARC record header.
fn capture_view(capture: &Capture) -> CaptureView {
    let digest = crawler::warc::read_record_at(&capture.file, capture.offset)
        .ok()
        .and_then(|record| record.header("WARC-Payload-Digest").map(str::to_owned));
    CaptureView {
        time: capture.date.clone(),
        status: capture.status,
        warc_type: capture.warc_type.clone(),
        digest,
        warc_file: capture
            .file
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        offset: capture.offset,
    }
}

fn assemble(
    index: &SearchIndex,
    id: &str,
    captures: &[Capture],
) -> Result<DocumentResponse, AppError> {
    let record = index.document(id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Không có văn bản hay tin tức mã “{}”.",
            id.chars().take(60).collect::<String>()
        ))
    })?;
    let captures: Vec<CaptureView> = captures.iter().map(capture_view).collect();
    let archived_on = captures
        .last()
        .and_then(|c| chrono::DateTime::parse_from_rfc3339(&c.time).ok())
        .map(|t| t.date_naive());
    let cites = cites(index, &record)?;
    let cited_by = cited_by(index, &record)?;
    let today = chrono::Utc::now().date_naive();
    Ok(DocumentResponse {
        status: html::legal_status(&record, today),
        citation: html::citation(&record, archived_on),
        captures,
        cites,
        cited_by,
        record,
    })
}

/// The full text in which a record may cite document numbers.
fn text_of(record: &Record) -> String {
    format!("{}\n{}\n{}", record.title, record.lead, record.body)
}

fn key_of(number: Option<&str>) -> Option<String> {
    number.and_then(DocNumber::parse).map(|n| n.key())
}

/// Documents cited by number in the record's text, resolved against the index; a number that
/// several documents share lists them all, a number not in the index is listed unresolved.
fn cites(index: &SearchIndex, record: &Record) -> Result<Vec<LinkView>, AppError> {
    let own = key_of(record.doc_number.as_deref());
    let mut seen = BTreeSet::new();
    let mut links = Vec::new();
    for number in find_doc_numbers(&text_of(record)) {
        let key = number.key();
        if Some(&key) == own.as_ref() || !seen.insert(key.clone()) {
            continue;
        }
        if seen.len() > MAX_CITED_NUMBERS {
            break;
        }
        let found: Vec<_> = search::by_doc_number(index, &key, Some(Kind::Legal), 20)?
            .into_iter()
            .filter(|hit| key_of(hit.doc_number.as_deref()).as_ref() == Some(&key))
            .collect();
        if found.is_empty() {
            links.push(LinkView {
                id: None,
                doc_number: key.clone(),
                title: None,
                issuer: None,
                date: None,
                url: None,
            });
        }
        for hit in found {
            let issuer = match hit.issuer {
                Some(issuer) => Some(issuer),
                None => index.document(&hit.id)?.and_then(|r| r.issuer),
            };
            links.push(LinkView {
                id: Some(hit.id),
                doc_number: hit.doc_number.unwrap_or_else(|| key.clone()),
                title: Some(hit.title),
                issuer,
                date: hit.date,
                url: Some(hit.url),
            });
        }
    }
    Ok(links)
}

/// Other records whose text cites this record's document number (checked in their text, not
/// only trusted from the search).
fn cited_by(index: &SearchIndex, record: &Record) -> Result<Vec<LinkView>, AppError> {
    let Some(number) = record.doc_number.as_deref() else {
        return Ok(Vec::new());
    };
    let Some(key) = key_of(Some(number)) else {
        return Ok(Vec::new());
    };
    let mut links = Vec::new();
    for hit in search::by_doc_number(index, &key, None, MAX_CITING_CANDIDATES)? {
        if hit.id == record.id {
            continue;
        }
        let Some(other) = index.document(&hit.id)? else {
            continue;
        };
        if find_doc_numbers(&text_of(&other))
            .iter()
            .any(|n| n.key() == key)
        {
            links.push(LinkView {
                id: Some(other.id),
                doc_number: number.to_owned(),
                title: Some(other.title),
                issuer: other.issuer,
                date: other.date,
                url: Some(other.url),
            });
        }
    }
    Ok(links)
}
