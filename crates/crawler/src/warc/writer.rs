//! Writing WARC files: one gzip member per record, request + response, revisit, metadata and
//! warcinfo records with SHA-1 digests, rotation by size, `.warc.gz.open` files renamed on
//! close with their CDXJ (collected while writing), and recovery of files a kill left open.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;

use super::cdxj::{self, CdxjRecord};
use super::http::http_response_head;
use super::reader::WarcReader;
use super::{io_err, sha1_digest};
use crate::error::Result;

fn new_record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

fn warc_date(d: &DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Where a record lives: file name (no folder), offset of its gzip member, compressed length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The WARC file's final name (`….warc.gz`).
    pub filename: String,
    /// Byte offset of the record's gzip member.
    pub offset: u64,
    /// Compressed length of the member.
    pub length: u64,
}

/// One HTTP exchange to archive.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// The requested URL.
    pub target_uri: &'a str,
    /// When the request was sent.
    pub date: DateTime<Utc>,
    /// The server's IP address.
    pub ip: Option<IpAddr>,
    /// The request as sent: method, path and headers (`GET /x HTTP/1.1\r\nHost: …\r\n\r\n`).
    pub request: Vec<u8>,
    /// Response status code.
    pub status: u16,
    /// Response reason phrase.
    pub reason: &'a str,
    /// Response headers in received order (names as received).
    pub headers: &'a [(String, String)],
    /// The entity body (de-chunked, not decompressed), possibly truncated.
    pub body: &'a [u8],
    /// Whether the body was cut at the size cap.
    pub truncated: bool,
}

/// What a written capture produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The response (or revisit) record's id.
    pub record_id: String,
    /// Its location.
    pub location: Location,
    /// Its payload digest (`sha1:…`).
    pub payload_digest: String,
    /// The `WARC-Date` written.
    pub date: String,
}

/// The original capture a revisit refers to.
#[derive(Debug, Clone)]
pub struct RefersTo<'a> {
    /// Original response record id.
    pub record_id: &'a str,
    /// Original target URI.
    pub target_uri: &'a str,
    /// Original `WARC-Date`.
    pub date: &'a str,
    /// Original payload digest.
    pub payload_digest: &'a str,
    /// `PROFILE_IDENTICAL` or `PROFILE_NOT_MODIFIED`.
    pub profile: &'a str,
}

/// The WARC file being written: records are appended to it only through this type, so a
/// record can never be written without an open file and its warcinfo.
struct OpenWarc {
    final_name: String,
    open_path: PathBuf,
    file: File,
    size: u64,
    warcinfo_id: String,
    /// CDXJ lines of the records written so far, unsorted.
    cdxj: Vec<String>,
}

fn field<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl OpenWarc {
    /// Runs `write`; if it fails (a full disk, say), cuts the file back to where it was, so
    /// the file holds whole captures only and the next write starts at a record boundary.
    fn all_or_nothing<T>(&mut self, write: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let (size, lines) = (self.size, self.cdxj.len());
        let result = write(self);
        if result.is_err() {
            self.size = size;
            self.cdxj.truncate(lines);
            // Best effort: the write error is what the caller needs to see.
            let _ = self.file.set_len(size);
            let _ = self.file.seek(SeekFrom::Start(size));
        }
        result
    }

    /// The fields every record of this file starts with.
    fn common(&self, ty: &str, id: &str, date: &str, uri: &str) -> Vec<(String, String)> {
        vec![
            ("WARC-Type".to_string(), ty.to_string()),
            ("WARC-Record-ID".to_string(), id.to_string()),
            ("WARC-Date".to_string(), date.to_string()),
            ("WARC-Target-URI".to_string(), uri.to_string()),
            ("WARC-Warcinfo-ID".to_string(), self.warcinfo_id.clone()),
        ]
    }

    /// Appends one record as its own gzip member; returns its location.
    fn append(&mut self, mut headers: Vec<(String, String)>, block: &[u8]) -> Result<Location> {
        headers.push(("WARC-Block-Digest".to_string(), sha1_digest(block)));
        headers.push(("Content-Length".to_string(), block.len().to_string()));
        let mut raw = b"WARC/1.1\r\n".to_vec();
        for (k, v) in &headers {
            raw.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(block);
        raw.extend_from_slice(b"\r\n\r\n");
        let mut enc = GzEncoder::new(
            Vec::with_capacity(raw.len() / 3 + 64),
            Compression::default(),
        );
        enc.write_all(&raw).map_err(io_err(&self.open_path))?;
        let gz = enc.finish().map_err(io_err(&self.open_path))?;
        self.file.write_all(&gz).map_err(io_err(&self.open_path))?;
        let loc = Location {
            filename: self.final_name.clone(),
            offset: self.size,
            length: gz.len() as u64,
        };
        self.size += gz.len() as u64;
        let ty = field(&headers, "WARC-Type").unwrap_or("");
        if cdxj::is_indexed(ty)
            && let Some(uri) = field(&headers, "WARC-Target-URI")
        {
            let line = cdxj::cdxj_line(
                &CdxjRecord {
                    warc_type: ty,
                    uri: uri.trim_start_matches('<').trim_end_matches('>'),
                    date: field(&headers, "WARC-Date").unwrap_or(""),
                    content_type: field(&headers, "Content-Type"),
                    payload_digest: field(&headers, "WARC-Payload-Digest"),
                    block,
                    offset: loc.offset,
                    length: loc.length,
                },
                &self.final_name,
            );
            self.cdxj.push(line);
        }
        Ok(loc)
    }

    fn write_request(&mut self, ex: &Exchange<'_>, date: &str, concurrent_to: &str) -> Result<()> {
        let id = new_record_id();
        let mut h = self.common("request", &id, date, ex.target_uri);
        h.push(("WARC-Concurrent-To".to_string(), concurrent_to.to_string()));
        h.push((
            "Content-Type".to_string(),
            "application/http;msgtype=request".to_string(),
        ));
        // Requests we send are GETs without body: payload is empty.
        h.push(("WARC-Payload-Digest".to_string(), sha1_digest(b"")));
        self.append(h, &ex.request)?;
        Ok(())
    }
}

/// Writes captures into rotating `PREFIX-YYYYMMDDhhmmss-SERIAL-HOST.warc.gz` files.
pub struct WarcWriter {
    dir: PathBuf,
    prefix: String,
    host: String,
    max_bytes: u64,
    serial: u32,
    info_fields: Vec<(String, String)>,
    current: Option<OpenWarc>,
    closed: Vec<PathBuf>,
}

impl WarcWriter {
    /// A writer into `dir` (created if missing). `host` names the crawling machine or target
    /// in file names; `max_bytes` is the rotation size; `info_fields` go into each warcinfo.
    pub fn new(
        dir: &Path,
        prefix: &str,
        host: &str,
        max_bytes: u64,
        info_fields: Vec<(String, String)>,
    ) -> Result<Self> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            prefix: safe(prefix),
            host: safe(host),
            max_bytes: max_bytes.max(1),
            serial: 0,
            info_fields,
            current: None,
            closed: Vec::new(),
        })
    }

    /// Files closed so far (final names).
    pub fn closed_files(&self) -> &[PathBuf] {
        &self.closed
    }

    /// Creates the next file and writes its warcinfo record.
    fn open_new(&mut self) -> Result<OpenWarc> {
        let ts = Utc::now().format("%Y%m%d%H%M%S");
        let (final_name, open_path) = loop {
            self.serial += 1;
            let name = format!(
                "{}-{}-{:05}-{}.warc.gz",
                self.prefix, ts, self.serial, self.host
            );
            let open = self.dir.join(format!("{name}.open"));
            if !self.dir.join(&name).exists() && !open.exists() {
                break (name, open);
            }
        };
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&open_path)
            .map_err(io_err(&open_path))?;
        let warcinfo_id = new_record_id();
        let mut cur = OpenWarc {
            final_name: final_name.clone(),
            open_path,
            file,
            size: 0,
            warcinfo_id: warcinfo_id.clone(),
            cdxj: Vec::new(),
        };
        let mut block = String::new();
        for (k, v) in &self.info_fields {
            block.push_str(&format!("{k}: {v}\r\n"));
        }
        block.push_str("format: WARC File Format 1.1\r\n");
        block.push_str("conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n");
        let headers = vec![
            ("WARC-Type".to_string(), "warcinfo".to_string()),
            ("WARC-Record-ID".to_string(), warcinfo_id),
            ("WARC-Date".to_string(), warc_date(&Utc::now())),
            ("WARC-Filename".to_string(), final_name),
            (
                "Content-Type".to_string(),
                "application/warc-fields".to_string(),
            ),
        ];
        if let Err(e) = cur.append(headers, block.as_bytes()) {
            let _ = fs::remove_file(&cur.open_path);
            return Err(e);
        }
        Ok(cur)
    }

    /// The file to write into: the current one, or a new one after rotation.
    fn ensure_open(&mut self) -> Result<&mut OpenWarc> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.size >= self.max_bytes)
        {
            self.close_current()?;
        }
        let cur = match self.current.take() {
            Some(cur) => cur,
            None => self.open_new()?,
        };
        Ok(self.current.insert(cur))
    }

    /// Writes a request record and a full response record; returns the response's facts.
    pub fn write_response(&mut self, ex: &Exchange<'_>) -> Result<Written> {
        let cur = self.ensure_open()?;
        let date = warc_date(&ex.date);
        let resp_id = new_record_id();
        let mut block = http_response_head(ex.status, ex.reason, ex.headers, ex.body.len());
        block.extend_from_slice(ex.body);
        let payload_digest = sha1_digest(ex.body);
        let mut h = cur.common("response", &resp_id, &date, ex.target_uri);
        if let Some(ip) = ex.ip {
            h.push(("WARC-IP-Address".to_string(), ip.to_string()));
        }
        h.push((
            "Content-Type".to_string(),
            "application/http;msgtype=response".to_string(),
        ));
        h.push(("WARC-Payload-Digest".to_string(), payload_digest.clone()));
        if ex.truncated {
            h.push(("WARC-Truncated".to_string(), "length".to_string()));
        }
        let location = cur.all_or_nothing(|cur| {
            let location = cur.append(h, &block)?;
            cur.write_request(ex, &date, &resp_id)?;
            Ok(location)
        })?;
        Ok(Written {
            record_id: resp_id,
            location,
            payload_digest,
            date,
        })
    }

    /// Writes a request record and a revisit record (response headers only) referring to an
    /// earlier capture with the same payload (or a 304 answer).
    pub fn write_revisit(&mut self, ex: &Exchange<'_>, refers: &RefersTo<'_>) -> Result<Written> {
        let cur = self.ensure_open()?;
        let date = warc_date(&ex.date);
        let id = new_record_id();
        let block = http_response_head(ex.status, ex.reason, ex.headers, ex.body.len());
        let mut h = cur.common("revisit", &id, &date, ex.target_uri);
        if let Some(ip) = ex.ip {
            h.push(("WARC-IP-Address".to_string(), ip.to_string()));
        }
        h.push(("WARC-Profile".to_string(), refers.profile.to_string()));
        h.push(("WARC-Refers-To".to_string(), refers.record_id.to_string()));
        h.push((
            "WARC-Refers-To-Target-URI".to_string(),
            refers.target_uri.to_string(),
        ));
        h.push(("WARC-Refers-To-Date".to_string(), refers.date.to_string()));
        h.push((
            "WARC-Payload-Digest".to_string(),
            refers.payload_digest.to_string(),
        ));
        h.push(("WARC-Truncated".to_string(), "length".to_string()));
        h.push((
            "Content-Type".to_string(),
            "application/http;msgtype=response".to_string(),
        ));
        let location = cur.all_or_nothing(|cur| {
            let location = cur.append(h, &block)?;
            cur.write_request(ex, &date, &id)?;
            Ok(location)
        })?;
        Ok(Written {
            record_id: id,
            location,
            payload_digest: refers.payload_digest.to_string(),
            date,
        })
    }

    /// Writes a `metadata` record (warc-fields) about a capture, e.g. its outlinks.
    pub fn write_metadata(
        &mut self,
        target_uri: &str,
        concurrent_to: &str,
        date: &str,
        fields: &[(String, String)],
    ) -> Result<Location> {
        let cur = self.ensure_open()?;
        let id = new_record_id();
        let mut h = cur.common("metadata", &id, date, target_uri);
        h.push(("WARC-Concurrent-To".to_string(), concurrent_to.to_string()));
        h.push((
            "Content-Type".to_string(),
            "application/warc-fields".to_string(),
        ));
        let mut block = String::new();
        for (k, v) in fields {
            let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            block.push_str(&format!("{k}: {v}\r\n"));
        }
        cur.all_or_nothing(|cur| cur.append(h, block.as_bytes()))
    }

    /// Writes a `conversion` record: the text of the response `refers_to` (an attachment),
    /// with fields of our own saying how it was made (`X-Tracuu-…`).
    pub fn write_conversion(
        &mut self,
        target_uri: &str,
        refers_to: &str,
        fields: &[(String, String)],
        text: &str,
    ) -> Result<Location> {
        let cur = self.ensure_open()?;
        let id = new_record_id();
        let date = warc_date(&Utc::now());
        let mut h = cur.common("conversion", &id, &date, target_uri);
        h.push(("WARC-Refers-To".to_string(), refers_to.to_string()));
        h.push((
            "Content-Type".to_string(),
            "text/plain; charset=utf-8".to_string(),
        ));
        h.push((
            "WARC-Payload-Digest".to_string(),
            sha1_digest(text.as_bytes()),
        ));
        for (k, v) in fields {
            let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            h.push((k.clone(), v));
        }
        cur.all_or_nothing(|cur| cur.append(h, text.as_bytes()))
    }

    /// Flushes the current file to disk (data + metadata), so state may reference it.
    pub fn sync(&mut self) -> Result<()> {
        if let Some(cur) = self.current.as_mut() {
            cur.file.flush().map_err(io_err(&cur.open_path))?;
            cur.file.sync_data().map_err(io_err(&cur.open_path))?;
        }
        Ok(())
    }

    /// Name of the file currently open (final name), if any.
    pub fn current_file(&self) -> Option<&str> {
        self.current.as_ref().map(|c| c.final_name.as_str())
    }

    /// Syncs the file, writes its CDXJ, then renames it to its final name. If any step fails
    /// (a full disk, say) the file stays `.open` and [`recover_open_files`] finishes it later.
    fn close_current(&mut self) -> Result<()> {
        if let Some(mut cur) = self.current.take() {
            cur.file.flush().map_err(io_err(&cur.open_path))?;
            cur.file.sync_all().map_err(io_err(&cur.open_path))?;
            drop(cur.file);
            let final_path = self.dir.join(&cur.final_name);
            if let Err(e) = cdxj::save_cdxj(&final_path, cur.cdxj) {
                let _ = fs::remove_file(cdxj::cdxj_path(&final_path));
                return Err(e);
            }
            fs::rename(&cur.open_path, &final_path).map_err(io_err(&final_path))?;
            self.closed.push(final_path);
        }
        Ok(())
    }

    /// Closes the current file: renames `.warc.gz.open` to `.warc.gz` and writes its `.cdxj`.
    pub fn close(&mut self) -> Result<()> {
        self.close_current()
    }
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        let _ = self.close_current();
    }
}

/// Finishes WARC files left open by a killed crawl: renames `*.warc.gz.open` to `*.warc.gz`
/// (dropping a trailing partial gzip member) and writes their CDXJ. Returns the files fixed.
pub fn recover_open_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut fixed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(fixed);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(final_name) = name.strip_suffix(".open") else {
            continue;
        };
        // Keep only whole records.
        let mut good_end = 0u64;
        if let Ok(reader) = WarcReader::open(&path) {
            for rec in reader {
                match rec {
                    Ok(r) => good_end = r.offset + r.length,
                    Err(_) => break,
                }
            }
        }
        let f = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        f.set_len(good_end).map_err(io_err(&path))?;
        drop(f);
        let final_path = dir.join(final_name);
        if good_end == 0 {
            fs::remove_file(&path).map_err(io_err(&path))?;
            continue;
        }
        let lines = cdxj::cdxj_lines(&path, final_name)?;
        if let Err(e) = cdxj::save_cdxj(&final_path, lines) {
            let _ = fs::remove_file(cdxj::cdxj_path(&final_path));
            return Err(e);
        }
        fs::rename(&path, &final_path).map_err(io_err(&final_path))?;
        fixed.push(final_path);
    }
    Ok(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warc::{
        PROFILE_IDENTICAL, WarcRecord, cdxj_path, parse_http_response, read_record_at,
    };

    fn exchange<'a>(uri: &'a str, headers: &'a [(String, String)], body: &'a [u8]) -> Exchange<'a> {
        Exchange {
            target_uri: uri,
            date: Utc::now(),
            ip: Some("127.0.0.1".parse().unwrap()),
            request: b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n".to_vec(),
            status: 200,
            reason: "OK",
            headers,
            body,
            truncated: false,
        }
    }

    #[test]
    fn writes_and_reads_back_with_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(
            dir.path(),
            "tracuu",
            "host",
            1 << 30,
            vec![("software".into(), "tracuu".into())],
        )
        .unwrap();
        let headers = vec![
            (
                "Content-Type".to_string(),
                "text/html; charset=utf-8".to_string(),
            ),
            ("Transfer-Encoding".to_string(), "chunked".to_string()),
        ];
        let body = "<html>Xin chào</html>".as_bytes();
        let a = w
            .write_response(&exchange("http://h/a", &headers, body))
            .unwrap();
        let b = w
            .write_revisit(
                &exchange("http://h/b", &headers, b""),
                &RefersTo {
                    record_id: &a.record_id,
                    target_uri: "http://h/a",
                    date: &a.date,
                    payload_digest: &a.payload_digest,
                    profile: PROFILE_IDENTICAL,
                },
            )
            .unwrap();
        assert_eq!(a.payload_digest, sha1_digest(body));
        assert!(w.current_file().unwrap().ends_with("-00001-host.warc.gz"));
        let name = w.current_file().unwrap().to_string();
        assert!(dir.path().join(format!("{name}.open")).exists());
        w.close().unwrap();
        let path = dir.path().join(&name);
        assert!(path.exists());
        let recs: Vec<WarcRecord> = WarcReader::open(&path)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let types: Vec<&str> = recs.iter().map(|r| r.warc_type()).collect();
        assert_eq!(
            types,
            ["warcinfo", "response", "request", "revisit", "request"]
        );
        let resp = &recs[1];
        assert_eq!(resp.offset, a.location.offset);
        assert_eq!(resp.length, a.location.length);
        assert_eq!(
            resp.header("WARC-Block-Digest").unwrap(),
            sha1_digest(&resp.block)
        );
        let http = parse_http_response(&resp.block).unwrap();
        assert_eq!(http.body, body);
        assert_eq!(http.header("X-Crawler-Transfer-Encoding"), Some("chunked"));
        assert_eq!(
            http.header("Content-Length"),
            Some(body.len().to_string().as_str())
        );
        assert_eq!(recs[2].header("WARC-Concurrent-To"), resp.record_id());
        assert_eq!(recs[3].header("WARC-Refers-To"), Some(a.record_id.as_str()));
        assert_eq!(recs[3].offset, b.location.offset);
        let again = read_record_at(&path, b.location.offset).unwrap();
        assert_eq!(again.warc_type(), "revisit");
        // CDXJ: sorted, with offsets.
        let cdxj = fs::read_to_string(cdxj_path(&path)).unwrap();
        let lines: Vec<&str> = cdxj.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("h)/a "));
        assert!(lines[1].contains("\"mime\":\"warc/revisit\""));
        assert!(lines[0].contains(&format!("\"offset\":\"{}\"", a.location.offset)));
    }

    #[test]
    fn rotates_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(dir.path(), "t", "h", 10, vec![]).unwrap();
        for i in 0..3 {
            w.write_response(&exchange(&format!("http://h/{i}"), &[], b"x"))
                .unwrap();
        }
        w.close().unwrap();
        assert_eq!(w.closed_files().len(), 3);
        for f in w.closed_files() {
            let n = WarcReader::open(f).unwrap().count();
            assert_eq!(n, 3, "warcinfo + response + request per file");
        }
    }

    #[test]
    fn recovers_open_file_with_partial_tail() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(dir.path(), "t", "h", 1 << 30, vec![]).unwrap();
        w.write_response(&exchange("http://h/a", &[], b"body"))
            .unwrap();
        w.sync().unwrap();
        let name = w.current_file().unwrap().to_string();
        std::mem::forget(w); // simulate a kill: no close, no rename
        let open = dir.path().join(format!("{name}.open"));
        let mut f = OpenOptions::new().append(true).open(&open).unwrap();
        f.write_all(&[0x1f, 0x8b, 8, 0, 1, 2]).unwrap();
        drop(f);
        let fixed = recover_open_files(dir.path()).unwrap();
        assert_eq!(fixed.len(), 1);
        assert_eq!(
            WarcReader::open(&fixed[0])
                .unwrap()
                .filter(|r| r.is_ok())
                .count(),
            3
        );
        assert!(WarcReader::open(&fixed[0]).unwrap().all(|r| r.is_ok()));
    }

    #[test]
    fn cdxj_collected_while_writing_equals_cdxj_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(dir.path(), "t", "h", 1 << 30, vec![]).unwrap();
        let html = vec![(
            "Content-Type".to_string(),
            "text/html; charset=utf-8".to_string(),
        )];
        let a = w
            .write_response(&exchange(
                "http://h/tin-tuc/b",
                &html,
                "Thông báo".as_bytes(),
            ))
            .unwrap();
        w.write_response(&exchange("http://h/a?x=1", &[], b"plain"))
            .unwrap();
        w.write_revisit(
            &exchange("http://h/c", &html, b""),
            &RefersTo {
                record_id: &a.record_id,
                target_uri: "http://h/tin-tuc/b",
                date: &a.date,
                payload_digest: &a.payload_digest,
                profile: PROFILE_IDENTICAL,
            },
        )
        .unwrap();
        w.write_metadata("http://h/a?x=1", &a.record_id, &a.date, &[])
            .unwrap();
        let name = w.current_file().unwrap().to_string();
        w.close().unwrap();
        let path = dir.path().join(name);
        let written = fs::read_to_string(cdxj_path(&path)).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let reread = crate::warc::cdxj::cdxj_lines(&path, name)
            .unwrap()
            .join("\n")
            + "\n";
        assert_eq!(written.lines().count(), 3);
        assert_eq!(written, reread);
    }
}
