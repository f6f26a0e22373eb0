//! Replay: rebuilds records from the WARC archive alone (no network). This is what
//! `tracuu reindex` calls. Revisits are resolved to their original payload; the latest capture
//! of each record id wins; attachments get their text from the archive's `conversion` records
//! (see [`crate::convert`]), or else from their born-digital text layer; replay never OCRs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::convert::{self, FileKind, FileText};
use crate::error::{Error, Result};
use crate::extract::{self, Extracted};
use crate::page::decode_text;
use crate::record::Record;
use crate::sites::Sites;
use crate::warc::{self, Damage, Scan};

/// One archived capture (response or revisit) of an HTTP URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The fetched URL (`WARC-Target-URI`).
    pub url: String,
    /// `WARC-Date`.
    pub date: String,
    /// HTTP status.
    pub status: u16,
    /// MIME type of the payload (from `Content-Type`).
    pub mime: String,
    /// `response` or `revisit`.
    pub warc_type: String,
    /// The WARC file holding this record.
    pub file: PathBuf,
    /// Offset of this record.
    pub offset: u64,
    /// Where the payload is: this record, or the original a revisit refers to.
    pub payload_file: PathBuf,
    /// Offset of the payload record.
    pub payload_offset: u64,
    /// Id of the record extracted from this capture, if any (`news-12`).
    pub record_id: Option<String>,
}

/// What the archive holds.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// One record per id (latest capture wins), sorted by id.
    pub records: Vec<Record>,
    /// Problems met (unreadable files, unresolved revisits); replay continues past them.
    pub warnings: Vec<String>,
    /// Damaged records skipped (bad gzip member, bad length, bad digest); replay reads on.
    pub damage: Vec<Damage>,
    /// Every HTTP capture, in archive order.
    pub captures: Vec<Capture>,
}

/// An archived HTTP response, read back by location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedResponse {
    /// The URL captured.
    pub url: String,
    /// `WARC-Date`.
    pub date: String,
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body with content-encoding removed.
    pub body: Vec<u8>,
}

/// Every `*.warc.gz` / `*.warc` file in the folders, sorted by name (names start with the
/// crawl time, so this is chronological).
pub fn warc_files(dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".warc.gz") || name.ends_with(".warc") {
                files.push(p);
            }
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Reads the HTTP response at `(file, offset)`, which must be a `response` record (use
/// [`Capture::payload_file`] / [`Capture::payload_offset`] for revisits).
pub fn read_capture(file: &Path, offset: u64) -> Result<ArchivedResponse> {
    let rec = warc::read_record_at(file, offset)?;
    let bad = |m: &str| Error::Warc {
        path: file.to_path_buf(),
        message: m.to_string(),
    };
    if rec.warc_type() != "response" {
        return Err(bad(&format!(
            "record at {offset} is a {} record, not a response",
            rec.warc_type()
        )));
    }
    let http = warc::parse_http_response(&rec.block)
        .ok_or_else(|| bad("record block is not an HTTP response"))?;
    Ok(ArchivedResponse {
        url: rec.target_uri().unwrap_or("").to_string(),
        date: rec.date().unwrap_or("").to_string(),
        status: http.status,
        headers: http.headers.clone(),
        body: http.decoded_body(),
    })
}

fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Where an attachment's payload is, and its digest (the key of its conversion records).
struct AttachmentSource {
    when: DateTime<Utc>,
    digest: Option<String>,
    file: PathBuf,
    offset: u64,
}

/// Path and query of a URL, used to match attachment links (public URLs) with archived
/// downloads (possibly fetched from a mirror).
fn path_key(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    })
}

/// Replays every WARC file in `dirs`: extracts records from HTML 200 responses (revisits
/// resolved to their original payload), keeps the latest capture per record id, and fills
/// attachment texts from archived downloads. Records keep the portal's ids and no site: use
/// [`replay_sites`] for an archive of several portals.
pub fn replay_archive(dirs: &[PathBuf]) -> Result<Replay> {
    replay_sites(dirs, &Sites::default())
}

/// The origin (`host[:port]`) a capture was fetched from: records and the attachments they
/// link are matched within one origin, so that portals sharing paths never mix.
fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| match u.port() {
            Some(port) => format!("{}:{port}", u.host_str().unwrap_or("")),
            None => u.host_str().unwrap_or("").to_owned(),
        })
        .unwrap_or_default()
}

/// Like [`replay_archive`], giving every record its site among `sites` (from the URL it was
/// captured at, or its own URL) and an id unique across sites ([`Sites::assign`]).
pub fn replay_sites(dirs: &[PathBuf], sites: &Sites) -> Result<Replay> {
    let files = warc_files(dirs)?;
    let mut out = Replay::default();
    // Originals by record id and by payload digest, for revisits.
    let mut by_id: HashMap<String, (PathBuf, u64)> = HashMap::new();
    let mut by_digest: HashMap<String, (PathBuf, u64)> = HashMap::new();
    let mut latest: HashMap<String, (DateTime<Utc>, Record, String)> = HashMap::new();
    // Archived downloads by (origin, path and query).
    let mut attachments: HashMap<(String, String), AttachmentSource> = HashMap::new();
    let mut conversions: HashMap<String, (DateTime<Utc>, FileText)> = HashMap::new();
    for file in &files {
        let scan = match Scan::open(file) {
            Ok(r) => r,
            Err(e) => {
                out.warnings.push(e.to_string());
                continue;
            }
        };
        for rec in scan {
            let rec = match rec {
                Ok(r) => r,
                Err(damage) => {
                    out.damage.push(damage);
                    continue;
                }
            };
            let ty = rec.warc_type().to_string();
            if let Some((digest, text)) = convert::parse_conversion(&rec) {
                let when = parse_date(rec.date().unwrap_or("")).unwrap_or_default();
                let newer = conversions.get(&digest).is_none_or(|(d, _)| *d <= when);
                if newer {
                    conversions.insert(digest, (when, text));
                }
                continue;
            }
            if ty != "response" && ty != "revisit" {
                continue;
            }
            let Some(url) = rec.target_uri().map(String::from) else {
                continue;
            };
            let date = rec.date().unwrap_or("").to_string();
            let when = parse_date(&date).unwrap_or_default();
            let Some(http) = warc::parse_http_response(&rec.block) else {
                out.warnings.push(format!(
                    "{}: record at {} has no HTTP response",
                    file.display(),
                    rec.offset
                ));
                continue;
            };
            let mut capture = Capture {
                url: url.clone(),
                date: date.clone(),
                status: http.status,
                mime: crate::warc::media_type(http.header("Content-Type").unwrap_or(""))
                    .to_string(),
                warc_type: ty.clone(),
                file: file.clone(),
                offset: rec.offset,
                payload_file: file.clone(),
                payload_offset: rec.offset,
                record_id: None,
            };
            // The payload: this record's body, or the original's for a revisit.
            let (headers, body) = if ty == "response" {
                if let Some(id) = rec.record_id() {
                    by_id.insert(id.to_string(), (file.clone(), rec.offset));
                }
                if let Some(d) = rec.header("WARC-Payload-Digest") {
                    by_digest
                        .entry(d.to_string())
                        .or_insert((file.clone(), rec.offset));
                }
                if rec.header("WARC-Truncated").is_some() {
                    out.warnings
                        .push(format!("{url}: truncated capture, not extracted"));
                    out.captures.push(capture);
                    continue;
                }
                (http.headers.clone(), http.decoded_body())
            } else {
                let original = rec
                    .header("WARC-Refers-To")
                    .and_then(|id| by_id.get(id))
                    .or_else(|| {
                        rec.header("WARC-Payload-Digest")
                            .and_then(|d| by_digest.get(d))
                    })
                    .cloned();
                let Some((ofile, ooffset)) = original else {
                    out.warnings.push(format!(
                        "{url}: revisit at {} refers to a record not in the archive",
                        rec.offset
                    ));
                    out.captures.push(capture);
                    continue;
                };
                capture.payload_file = ofile.clone();
                capture.payload_offset = ooffset;
                match read_capture(&ofile, ooffset) {
                    Ok(orig) => (orig.headers, orig.body),
                    Err(e) => {
                        out.warnings.push(e.to_string());
                        out.captures.push(capture);
                        continue;
                    }
                }
            };
            let status = if ty == "revisit" && http.status == 304 {
                200
            } else {
                http.status
            };
            if status == 200 {
                let ct = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("Content-Type"))
                    .map(|(_, v)| v.as_str());
                let ct_lower = ct.unwrap_or("").to_ascii_lowercase();
                let kind = convert::file_kind(&body);
                let is_download = url.contains("download=1");
                if kind != FileKind::Other && (is_download || kind != FileKind::Image) {
                    if let Some(key) = path_key(&url).map(|k| (origin_of(&url), k)) {
                        let newer = attachments.get(&key).is_none_or(|s| s.when <= when);
                        if newer {
                            attachments.insert(
                                key,
                                AttachmentSource {
                                    when,
                                    digest: rec.header("WARC-Payload-Digest").map(String::from),
                                    file: capture.payload_file.clone(),
                                    offset: capture.payload_offset,
                                },
                            );
                        }
                    }
                } else if ct_lower.contains("html") || ct.is_none() {
                    let html = decode_text(&body, ct);
                    if let Some(mut record) = match extract::extract(&url, &html) {
                        Extracted::FloodPage => None,
                        e => e.into_record(),
                    } {
                        sites.assign(&mut record, &url);
                        capture.record_id = Some(record.id.clone());
                        let newer = latest.get(&record.id).is_none_or(|(d, ..)| *d <= when);
                        if newer {
                            latest.insert(record.id.clone(), (when, record, origin_of(&url)));
                        }
                    }
                }
            }
            out.captures.push(capture);
        }
    }
    let mut records: Vec<(Record, String)> = latest
        .into_values()
        .map(|(_, r, origin)| (r, origin))
        .collect();
    // Attachment text: the archive's conversion record for the payload, or else the
    // born-digital text read now (scans wait for `tracuu ocr`; replay never runs OCR).
    let mut read: HashMap<String, Option<FileText>> = HashMap::new();
    for (r, origin) in &mut records {
        for a in &mut r.attachments {
            let Some(src) = path_key(&a.url).and_then(|k| attachments.get(&(origin.clone(), k)))
            else {
                continue;
            };
            let key = src
                .digest
                .clone()
                .unwrap_or_else(|| format!("{}@{}", src.file.display(), src.offset));
            let text = read.entry(key.clone()).or_insert_with(|| {
                if let Some((_, t)) = conversions.get(&key) {
                    return Some(t.clone());
                }
                let body = match read_capture(&src.file, src.offset) {
                    Ok(c) => c.body,
                    Err(e) => {
                        out.warnings.push(e.to_string());
                        return None;
                    }
                };
                match convert::read_born_digital(&body) {
                    Some(Ok(t)) => Some(t),
                    Some(Err(e)) => {
                        out.warnings.push(format!("{}: {e}", a.url));
                        None
                    }
                    None => None,
                }
            });
            if let Some(t) = text {
                a.text = Some(t.text.clone());
                a.text_source = Some(t.source.clone());
                a.pages = t.pages;
                a.ocr_confidence = t.ocr_confidence.map(|c| c.round().clamp(0.0, 100.0) as u8);
            }
        }
    }
    let mut records: Vec<Record> = records.into_iter().map(|(r, _)| r).collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    out.records = records;
    Ok(out)
}
