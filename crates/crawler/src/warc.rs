//! WARC 1.1 archive: an in-house writer (one gzip member per record, request + response,
//! revisit and metadata records, SHA-1 block and payload digests, size rotation with
//! `.warc.gz.open` files renamed on close), a reader that iterates records with their
//! compressed offsets, and a CDXJ writer (pywb flavour: SURT key, timestamp, JSON).
//!
//! See CRAWLING.md §2. The payload digest covers the entity body as received on the wire with
//! transfer-encoding removed but content-encoding kept (the HTTP client never decompresses).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha1::{Digest, Sha1};

use crate::canon;
use crate::error::{Error, Result};

/// WARC revisit profile for identical payload digests.
pub const PROFILE_IDENTICAL: &str =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
/// WARC revisit profile for 304 Not Modified answers.
pub const PROFILE_NOT_MODIFIED: &str =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

/// `sha1:` + base32 SHA-1 of the bytes, as used in WARC digests.
pub fn sha1_digest(bytes: &[u8]) -> String {
    let hash = Sha1::digest(bytes);
    format!("sha1:{}", data_encoding::BASE32.encode(&hash))
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

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

struct OpenWarc {
    final_name: String,
    open_path: PathBuf,
    file: File,
    size: u64,
    warcinfo_id: String,
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

/// Builds an HTTP response head for the archive: status line plus headers, with
/// `Transfer-Encoding` renamed (the body is stored de-chunked) and a correct `Content-Length`.
pub fn http_response_head(
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body_len: usize,
) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n").into_bytes();
    let mut has_len = false;
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        let (n, v) = if lower == "transfer-encoding" {
            (format!("X-Crawler-{name}"), value.clone())
        } else if lower == "content-length" {
            if value.trim().parse::<usize>().ok() == Some(body_len) {
                has_len = true;
                (name.clone(), value.clone())
            } else {
                (format!("X-Crawler-{name}"), value.clone())
            }
        } else {
            (name.clone(), value.clone())
        };
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    if !has_len {
        out.extend_from_slice(format!("Content-Length: {body_len}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
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

    fn open_new(&mut self) -> Result<()> {
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
        self.current = Some(OpenWarc {
            final_name: final_name.clone(),
            open_path,
            file,
            size: 0,
            warcinfo_id: warcinfo_id.clone(),
        });
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
        self.append(headers, block.as_bytes())?;
        Ok(())
    }

    fn ensure_open(&mut self) -> Result<()> {
        let rotate = self
            .current
            .as_ref()
            .is_some_and(|c| c.size >= self.max_bytes);
        if rotate {
            self.close_current()?;
        }
        if self.current.is_none() {
            self.open_new()?;
        }
        Ok(())
    }

    /// Appends one record as its own gzip member; returns its location.
    fn append(&mut self, mut headers: Vec<(String, String)>, block: &[u8]) -> Result<Location> {
        let cur = self.current.as_mut().expect("a file is open");
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
        enc.write_all(&raw).map_err(io_err(&cur.open_path))?;
        let gz = enc.finish().map_err(io_err(&cur.open_path))?;
        cur.file.write_all(&gz).map_err(io_err(&cur.open_path))?;
        let loc = Location {
            filename: cur.final_name.clone(),
            offset: cur.size,
            length: gz.len() as u64,
        };
        cur.size += gz.len() as u64;
        Ok(loc)
    }

    fn common(&self, ty: &str, id: &str, date: &str, uri: &str) -> Vec<(String, String)> {
        let cur = self.current.as_ref().expect("a file is open");
        vec![
            ("WARC-Type".to_string(), ty.to_string()),
            ("WARC-Record-ID".to_string(), id.to_string()),
            ("WARC-Date".to_string(), date.to_string()),
            ("WARC-Target-URI".to_string(), uri.to_string()),
            ("WARC-Warcinfo-ID".to_string(), cur.warcinfo_id.clone()),
        ]
    }

    fn write_request(
        &mut self,
        ex: &Exchange<'_>,
        date: &str,
        concurrent_to: &str,
    ) -> Result<String> {
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
        Ok(id)
    }

    /// Writes a request record and a full response record; returns the response's facts.
    pub fn write_response(&mut self, ex: &Exchange<'_>) -> Result<Written> {
        self.ensure_open()?;
        let date = warc_date(&ex.date);
        let resp_id = new_record_id();
        let mut block = http_response_head(ex.status, ex.reason, ex.headers, ex.body.len());
        block.extend_from_slice(ex.body);
        let payload_digest = sha1_digest(ex.body);
        let mut h = self.common("response", &resp_id, &date, ex.target_uri);
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
        let location = self.append(h, &block)?;
        let req_id = self.write_request(ex, &date, &resp_id)?;
        let _ = req_id;
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
        self.ensure_open()?;
        let date = warc_date(&ex.date);
        let id = new_record_id();
        let block = http_response_head(ex.status, ex.reason, ex.headers, ex.body.len());
        let mut h = self.common("revisit", &id, &date, ex.target_uri);
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
        let location = self.append(h, &block)?;
        self.write_request(ex, &date, &id)?;
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
        self.ensure_open()?;
        let id = new_record_id();
        let mut h = self.common("metadata", &id, date, target_uri);
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
        self.append(h, block.as_bytes())
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

    fn close_current(&mut self) -> Result<()> {
        if let Some(mut cur) = self.current.take() {
            cur.file.flush().map_err(io_err(&cur.open_path))?;
            cur.file.sync_all().map_err(io_err(&cur.open_path))?;
            drop(cur.file);
            let final_path = self.dir.join(&cur.final_name);
            fs::rename(&cur.open_path, &final_path).map_err(io_err(&final_path))?;
            write_cdxj(&final_path)?;
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
        fs::rename(&path, &final_path).map_err(io_err(&final_path))?;
        write_cdxj(&final_path)?;
        fixed.push(final_path);
    }
    Ok(fixed)
}

/// One record read back from a WARC file.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// Named fields in order.
    pub headers: Vec<(String, String)>,
    /// The block.
    pub block: Vec<u8>,
    /// Offset of the record (its gzip member) in the file.
    pub offset: u64,
    /// Compressed length of the record.
    pub length: u64,
}

impl WarcRecord {
    /// A named field (case-insensitive), first occurrence.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// `WARC-Type`.
    pub fn warc_type(&self) -> &str {
        self.header("WARC-Type").unwrap_or("")
    }
    /// `WARC-Target-URI`, angle brackets removed.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
            .map(|u| u.trim_start_matches('<').trim_end_matches('>'))
    }
    /// `WARC-Record-ID`.
    pub fn record_id(&self) -> Option<&str> {
        self.header("WARC-Record-ID")
    }
    /// `WARC-Date`.
    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date")
    }
}

struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// Iterates the records of a `.warc.gz` (one gzip member per record) or plain `.warc` file.
pub struct WarcReader {
    path: PathBuf,
    input: BufReader<Counting<File>>,
    gzip: bool,
    done: bool,
}

impl WarcReader {
    /// Opens a WARC file.
    pub fn open(path: &Path) -> Result<Self> {
        let mut file = File::open(path).map_err(io_err(path))?;
        let mut magic = [0u8; 2];
        let n = file.read(&mut magic).map_err(io_err(path))?;
        file.seek(SeekFrom::Start(0)).map_err(io_err(path))?;
        Ok(Self {
            path: path.to_path_buf(),
            input: BufReader::with_capacity(
                64 * 1024,
                Counting {
                    inner: file,
                    count: 0,
                },
            ),
            gzip: n == 2 && magic == [0x1f, 0x8b],
            done: false,
        })
    }

    /// Opens a file and positions it at `offset` (a record start).
    pub fn open_at(path: &Path, offset: u64) -> Result<Self> {
        let r = Self::open(path)?;
        let mut file = r.input.into_inner().inner;
        file.seek(SeekFrom::Start(offset)).map_err(io_err(path))?;
        Ok(Self {
            path: path.to_path_buf(),
            input: BufReader::with_capacity(
                64 * 1024,
                Counting {
                    inner: file,
                    count: offset,
                },
            ),
            gzip: r.gzip,
            done: false,
        })
    }

    fn offset_now(&self) -> u64 {
        self.input.get_ref().count - self.input.buffer().len() as u64
    }

    fn bad(&self, msg: impl Into<String>) -> Error {
        Error::Warc {
            path: self.path.clone(),
            message: msg.into(),
        }
    }

    fn next_record(&mut self) -> Result<Option<WarcRecord>> {
        let start = self.offset_now();
        let at_eof = self
            .input
            .fill_buf()
            .map_err(io_err(&self.path))?
            .is_empty();
        if at_eof {
            return Ok(None);
        }
        let raw = if self.gzip {
            let mut dec = flate2::bufread::GzDecoder::new(&mut self.input);
            let mut raw = Vec::new();
            dec.read_to_end(&mut raw).map_err(|e| Error::Warc {
                path: self.path.clone(),
                message: format!("bad gzip member at {start}: {e}"),
            })?;
            raw
        } else {
            // Plain WARC: read the header, then the block by Content-Length.
            let mut raw = Vec::new();
            loop {
                let mut line = Vec::new();
                let n = self
                    .input
                    .read_until(b'\n', &mut line)
                    .map_err(io_err(&self.path))?;
                if n == 0 {
                    return Err(self.bad("truncated header"));
                }
                raw.extend_from_slice(&line);
                if line == b"\r\n" || line == b"\n" {
                    break;
                }
            }
            let (headers, _) = parse_warc_head(&raw).ok_or_else(|| self.bad("bad header"))?;
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
                .and_then(|(_, v)| v.trim().parse().ok())
                .ok_or_else(|| self.bad("no Content-Length"))?;
            let mut block = vec![0u8; len + 4];
            self.input
                .read_exact(&mut block)
                .map_err(io_err(&self.path))?;
            raw.extend_from_slice(&block);
            raw
        };
        let end = self.offset_now();
        let (headers, body_start) = parse_warc_head(&raw)
            .ok_or_else(|| self.bad(format!("bad record header at {start}")))?;
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .ok_or_else(|| self.bad(format!("record at {start} has no Content-Length")))?;
        let block = raw
            .get(body_start..body_start + len)
            .ok_or_else(|| self.bad(format!("record at {start} is truncated")))?
            .to_vec();
        Ok(Some(WarcRecord {
            headers,
            block,
            offset: start,
            length: end - start,
        }))
    }
}

impl Iterator for WarcReader {
    type Item = Result<WarcRecord>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Parses `WARC/1.x` + fields + blank line; returns fields and the block's start.
fn parse_warc_head(raw: &[u8]) -> Option<(Vec<(String, String)>, usize)> {
    let end = find(raw, b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| find(raw, b"\n\n").map(|p| p + 2))?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.lines();
    if !lines.next()?.starts_with("WARC/") {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    Some((headers, end))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads the record at `offset` of a WARC file.
pub fn read_record_at(path: &Path, offset: u64) -> Result<WarcRecord> {
    let mut r = WarcReader::open_at(path, offset)?;
    r.next_record()?.ok_or_else(|| Error::Warc {
        path: path.to_path_buf(),
        message: format!("no record at offset {offset}"),
    })
}

/// A parsed HTTP response from a WARC block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body as stored (content-encoding still applied).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body with content-encoding (gzip, deflate) and any leftover chunking removed.
    pub fn decoded_body(&self) -> Vec<u8> {
        let mut body = self.body.clone();
        if self
            .header("Transfer-Encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
            && let Some(d) = dechunk(&body)
        {
            body = d;
        }
        match self
            .header("Content-Encoding")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            Some(enc) if enc == "gzip" || enc == "x-gzip" => {
                let mut out = Vec::new();
                if flate2::read::MultiGzDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    return out;
                }
                body
            }
            Some(enc) if enc == "deflate" => {
                let mut out = Vec::new();
                if flate2::read::ZlibDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    return out;
                }
                let mut out = Vec::new();
                if flate2::read::DeflateDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    return out;
                }
                body
            }
            _ => body,
        }
    }
}

fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = find(&body[pos..], b"\r\n")? + pos;
        let size_str = std::str::from_utf8(&body[pos..line_end]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        pos = line_end + 2;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(pos..pos + size)?);
        pos += size + 2;
    }
}

/// The media type of a `Content-Type` value, without its parameters:
/// `text/html; charset=utf-8` gives `text/html`.
pub(crate) fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// Parses an `application/http;msgtype=response` block.
pub fn parse_http_response(block: &[u8]) -> Option<HttpResponse> {
    let end = find(block, b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| find(block, b"\n\n").map(|p| (p, p + 2)))?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(HttpResponse {
        status,
        headers,
        body: block[end.1..].to_vec(),
    })
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

/// Writes a sorted pywb-style CDXJ index next to a WARC file (response, revisit and resource
/// records) and returns its path.
pub fn write_cdxj(warc: &Path) -> Result<PathBuf> {
    let filename = warc
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    let mut lines = Vec::new();
    for rec in WarcReader::open(warc)? {
        let rec = rec?;
        let ty = rec.warc_type().to_string();
        if !matches!(ty.as_str(), "response" | "revisit" | "resource") {
            continue;
        }
        let Some(uri) = rec.target_uri() else {
            continue;
        };
        let ts: String = rec
            .date()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect();
        let mut obj = serde_json::Map::new();
        obj.insert("url".into(), uri.into());
        let http = if ty == "resource" {
            None
        } else {
            parse_http_response(&rec.block)
        };
        let mime = if ty == "revisit" {
            "warc/revisit".to_string()
        } else if let Some(h) = &http {
            media_type(h.header("Content-Type").unwrap_or("unk")).to_string()
        } else {
            rec.header("Content-Type").unwrap_or("unk").to_string()
        };
        obj.insert("mime".into(), mime.into());
        if let Some(h) = &http {
            obj.insert("status".into(), h.status.to_string().into());
        }
        if let Some(d) = rec.header("WARC-Payload-Digest") {
            obj.insert("digest".into(), d.into());
        }
        obj.insert("length".into(), rec.length.to_string().into());
        obj.insert("offset".into(), rec.offset.to_string().into());
        obj.insert("filename".into(), filename.clone().into());
        lines.push(format!(
            "{} {} {}",
            canon::surt(uri),
            ts,
            serde_json::Value::Object(obj)
        ));
    }
    lines.sort();
    let out = cdxj_path(warc);
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    fs::write(&out, text).map_err(io_err(&out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn decodes_gzip_and_chunked_bodies() {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(b"hello").unwrap();
        let gz = enc.finish().unwrap();
        let r = HttpResponse {
            status: 200,
            headers: vec![("Content-Encoding".into(), "gzip".into())],
            body: gz,
        };
        assert_eq!(r.decoded_body(), b"hello");
        let r = HttpResponse {
            status: 200,
            headers: vec![("Transfer-Encoding".into(), "chunked".into())],
            body: b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
        };
        assert_eq!(r.decoded_body(), b"hello");
    }

    #[test]
    fn digest_format() {
        // SHA-1 of the empty string, base32.
        assert_eq!(sha1_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }
}
