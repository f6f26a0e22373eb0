//! CDXJ index (pywb flavour): one line per response, revisit or resource record, `SURT
//! timestamp {json}`, sorted, in a `.cdxj` file next to its WARC. The writer collects the
//! lines while it writes; [`write_cdxj`] rebuilds them from a WARC file (recovery, checks).

use std::fs;
use std::path::{Path, PathBuf};

use super::http::parse_http_head;
use super::reader::{WarcReader, WarcRecord};
use super::{io_err, media_type};
use crate::canon;
use crate::error::Result;

/// What a CDXJ line says about one record.
pub(super) struct CdxjRecord<'a> {
    /// `WARC-Type`.
    pub(super) warc_type: &'a str,
    /// `WARC-Target-URI` without angle brackets.
    pub(super) uri: &'a str,
    /// `WARC-Date`.
    pub(super) date: &'a str,
    /// The record's own `Content-Type` (used for resource records).
    pub(super) content_type: Option<&'a str>,
    /// `WARC-Payload-Digest`.
    pub(super) payload_digest: Option<&'a str>,
    /// The record's block.
    pub(super) block: &'a [u8],
    /// Offset of the record's gzip member.
    pub(super) offset: u64,
    /// Compressed length of the record.
    pub(super) length: u64,
}

/// Whether records of this type get a CDXJ line.
pub(super) fn is_indexed(warc_type: &str) -> bool {
    matches!(warc_type, "response" | "revisit" | "resource")
}

/// The CDXJ line of one record in file `filename`.
pub(super) fn cdxj_line(rec: &CdxjRecord<'_>, filename: &str) -> String {
    let ts: String = rec
        .date
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let mut obj = serde_json::Map::new();
    obj.insert("url".into(), rec.uri.into());
    let http = if rec.warc_type == "resource" {
        None
    } else {
        parse_http_head(rec.block)
    };
    let mime = if rec.warc_type == "revisit" {
        "warc/revisit".to_string()
    } else if let Some(h) = &http {
        media_type(h.header("Content-Type").unwrap_or("unk")).to_string()
    } else {
        rec.content_type.unwrap_or("unk").to_string()
    };
    obj.insert("mime".into(), mime.into());
    if let Some(h) = &http {
        obj.insert("status".into(), h.status.to_string().into());
    }
    if let Some(d) = rec.payload_digest {
        obj.insert("digest".into(), d.into());
    }
    obj.insert("length".into(), rec.length.to_string().into());
    obj.insert("offset".into(), rec.offset.to_string().into());
    obj.insert("filename".into(), filename.into());
    format!(
        "{} {} {}",
        canon::surt(rec.uri),
        ts,
        serde_json::Value::Object(obj)
    )
}

/// The CDXJ file name for a WARC: `X.warc.gz` -> `X.cdxj`.
pub fn cdxj_path(warc: &Path) -> PathBuf {
    let name = warc
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("archive");
    let stem = name
        .strip_suffix(".warc.gz")
        .or_else(|| name.strip_suffix(".warc"))
        .unwrap_or(name);
    warc.with_file_name(format!("{stem}.cdxj"))
}

/// The CDXJ line of an archived record, or `None` for records the index leaves out
/// (warcinfo, metadata, records without a target URI).
pub(super) fn record_line(rec: &WarcRecord, filename: &str) -> Option<String> {
    if !is_indexed(rec.warc_type()) {
        return None;
    }
    let uri = rec.target_uri()?;
    Some(cdxj_line(
        &CdxjRecord {
            warc_type: rec.warc_type(),
            uri,
            date: rec.date().unwrap_or(""),
            content_type: rec.header("Content-Type"),
            payload_digest: rec.header("WARC-Payload-Digest"),
            block: &rec.block,
            offset: rec.offset,
            length: rec.length,
        },
        filename,
    ))
}

/// The sorted CDXJ lines of a WARC file, read from the file; `filename` is the name the lines
/// give (the file's final name).
pub(crate) fn cdxj_lines(warc: &Path, filename: &str) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for rec in WarcReader::open(warc)? {
        lines.extend(record_line(&rec?, filename));
    }
    lines.sort();
    Ok(lines)
}

/// Writes sorted CDXJ lines into the `.cdxj` file of `warc`; returns its path.
pub(super) fn save_cdxj(warc: &Path, mut lines: Vec<String>) -> Result<PathBuf> {
    lines.sort();
    let out = cdxj_path(warc);
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    fs::write(&out, text).map_err(io_err(&out))?;
    Ok(out)
}

/// Writes a sorted pywb-style CDXJ index next to a WARC file (response, revisit and resource
/// records), reading the WARC, and returns its path.
pub fn write_cdxj(warc: &Path) -> Result<PathBuf> {
    let filename = warc.file_name().and_then(|n| n.to_str()).unwrap_or("");
    save_cdxj(warc, cdxj_lines(warc, filename)?)
}
