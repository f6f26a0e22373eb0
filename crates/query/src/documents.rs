//! One record with everything around it: its legal status, archived captures, citation, and the
//! links between records found through document numbers (★): the documents an article cites,
//! and the articles that cite a document.

use std::collections::BTreeSet;

use crawler::{Kind, Record, Sites};
use indexer::SearchIndex;
use vietnamese::{DocNumber, find_doc_numbers};

use crate::error::AppError;
use crate::html;
use crate::metrics::PermitUse;
use crate::model::{CaptureView, DocumentResponse, LinkView};
use crate::replay::{CaptureEntry, CaptureIndex, capture_href};
use crate::search;
use crate::state::AppState;

/// Most document numbers resolved for one record's `cites`.
const MAX_CITED_NUMBERS: usize = 30;
/// Most candidates checked for `cited_by`.
const MAX_CITING_CANDIDATES: usize = 50;

/// Loads record `id` with its links, or 404. The link searches hold a search permit, like a
/// search.
pub(crate) async fn load(state: &AppState, id: String) -> Result<DocumentResponse, AppError> {
    let index = state.index()?;
    let state = state.clone();
    let permit = state.search_permit(PermitUse::Document).await;
    let document = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let captures = state.capture_index();
        assemble(&index, &state.sites(), &captures, &id)
    })
    .await??;
    Ok(document)
}

/// Describes a capture from its CDXJ line.
fn capture_view(capture: &CaptureEntry, captures: &CaptureIndex) -> CaptureView {
    CaptureView {
        time: capture.time().map_or_else(
            || capture.timestamp.clone(),
            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        status: capture.status.unwrap_or(0),
        warc_type: if capture.is_revisit() {
            "revisit"
        } else {
            "response"
        }
        .to_owned(),
        digest: capture.digest.clone(),
        warc_file: capture.filename.clone(),
        offset: capture.offset,
        replay_url: capture_href(&capture.timestamp, "", &captures.public_url(&capture.url)),
    }
}

/// The `id_` address of the latest successful capture of `url`, if the archive holds one.
fn archived_url(captures: &CaptureIndex, url: &str) -> Result<Option<String>, AppError> {
    let found = captures.captures(url)?;
    Ok(found
        .iter()
        .rev()
        .find(|c| !c.is_error())
        .map(|c| capture_href(&c.timestamp, "id_", &captures.public_url(&c.url))))
}

fn assemble(
    index: &SearchIndex,
    sites: &Sites,
    capture_index: &CaptureIndex,
    id: &str,
) -> Result<DocumentResponse, AppError> {
    let mut record = index.document(id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Không có văn bản hay tin tức mã “{}”.",
            id.chars().take(60).collect::<String>()
        ))
    })?;
    for attachment in &mut record.attachments {
        attachment.archived_url = archived_url(capture_index, &attachment.url)?;
    }
    let captures: Vec<CaptureView> = capture_index
        .captures(&record.url)?
        .iter()
        .map(|c| capture_view(c, capture_index))
        .collect();
    let archived_on = captures
        .last()
        .and_then(|c| chrono::DateTime::parse_from_rfc3339(&c.time).ok())
        .map(|t| t.date_naive());
    let cites = cites(index, sites, &record)?;
    let cited_by = cited_by(index, sites, &record)?;
    let related = related(index, sites, &record, &cites, &cited_by)?;
    let today = chrono::Utc::now().date_naive();
    Ok(DocumentResponse {
        site_title: sites.title_of(&record.site).to_owned(),
        site_ended: sites.get(&record.site).and_then(|s| s.ended.clone()),
        status: html::legal_status(&record, today),
        citation: html::citation(&record, archived_on),
        captures,
        cites,
        cited_by,
        related,
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
fn cites(index: &SearchIndex, sites: &Sites, record: &Record) -> Result<Vec<LinkView>, AppError> {
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
        let found: Vec<_> = search::by_doc_number(index, sites, &key, Some(Kind::Legal), 20)?
            .into_iter()
            .filter(|hit| key_of(hit.doc_number.as_deref()).as_ref() == Some(&key))
            .collect();
        if found.is_empty() {
            links.push(LinkView {
                id: None,
                doc_number: key.clone(),
                title: None,
                issuer: None,
                site_title: None,
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
                site_title: Some(hit.site_title),
                date: hit.date,
                url: Some(hit.url),
            });
        }
    }
    Ok(links)
}

/// How many related records a document lists.
const RELATED: usize = 5;

/// Records on the same subject, closest first, leaving out those already listed as cited or
/// citing.
fn related(
    index: &SearchIndex,
    sites: &Sites,
    record: &Record,
    cites: &[LinkView],
    cited_by: &[LinkView],
) -> Result<Vec<LinkView>, AppError> {
    let listed = |id: &str| {
        cites
            .iter()
            .chain(cited_by)
            .any(|l| l.id.as_deref() == Some(id))
    };
    let found = index.similar(record, RELATED + cites.len() + cited_by.len())?;
    Ok(found
        .into_iter()
        .filter(|other| !listed(&other.id))
        .take(RELATED)
        .map(|other| LinkView {
            doc_number: other.doc_number.unwrap_or_default(),
            site_title: Some(sites.title_of(&other.site).to_owned()),
            id: Some(other.id),
            title: Some(other.title),
            issuer: other.issuer,
            date: other.date,
            url: Some(other.url),
        })
        .collect())
}

/// Other records whose text cites this record's document number (checked in their text, not
/// only trusted from the search).
fn cited_by(
    index: &SearchIndex,
    sites: &Sites,
    record: &Record,
) -> Result<Vec<LinkView>, AppError> {
    let Some(number) = record.doc_number.as_deref() else {
        return Ok(Vec::new());
    };
    let Some(key) = key_of(Some(number)) else {
        return Ok(Vec::new());
    };
    let mut links = Vec::new();
    for hit in search::by_doc_number(index, sites, &key, None, MAX_CITING_CANDIDATES)? {
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
                site_title: Some(sites.title_of(&other.site).to_owned()),
                date: other.date,
                url: Some(other.url),
            });
        }
    }
    Ok(links)
}
