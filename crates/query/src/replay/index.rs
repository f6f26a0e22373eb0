//! The capture index: every capture of a URL, found by binary search in the sorted CDXJ files
//! the crawler writes beside its WARC files, so replay needs no warm-up on an archive of any
//! size. It also knows which archived origins stand for the portal's public origin (a crawl of
//! a mirror), so readers address and see pages by their public URLs.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use url::Url;

use crate::error::Error;

/// Below this many bytes left between the bounds, the binary search reads lines in order.
const SCAN_BYTES: u64 = 8 * 1024;

/// One line of a CDXJ index: one capture (response or revisit) of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaptureEntry {
    /// The SURT key of the archived URL.
    pub(crate) urlkey: String,
    /// `YYYYMMDDhhmmss` (UTC).
    pub(crate) timestamp: String,
    /// The archived URL (`WARC-Target-URI`).
    pub(crate) url: String,
    /// MIME type of the payload, `warc/revisit` for revisits.
    pub(crate) mime: String,
    /// HTTP status of the capture.
    pub(crate) status: Option<u16>,
    /// Payload digest (`sha1:…`).
    pub(crate) digest: Option<String>,
    /// Length of the (compressed) WARC record.
    pub(crate) length: u64,
    /// Offset of the WARC record in its file.
    pub(crate) offset: u64,
    /// Name of the WARC file.
    pub(crate) filename: String,
    /// Full path of the WARC file.
    pub(crate) file: PathBuf,
}

impl CaptureEntry {
    /// Whether this is a revisit (its payload is in an earlier response).
    pub(crate) fn is_revisit(&self) -> bool {
        self.mime == "warc/revisit"
    }

    /// Whether the capture answered with an error status (4xx/5xx) or none.
    pub(crate) fn is_error(&self) -> bool {
        // A 304 revisit stands for the unchanged original, a success.
        self.status.is_none_or(|s| s >= 400)
    }

    /// The capture time.
    pub(crate) fn time(&self) -> Option<DateTime<Utc>> {
        NaiveDateTime::parse_from_str(&self.timestamp, "%Y%m%d%H%M%S")
            .ok()
            .map(|t| t.and_utc())
    }

    fn parse(line: &str, dir: &Path) -> Option<Self> {
        let mut parts = line.splitn(3, ' ');
        let urlkey = parts.next()?.to_owned();
        let timestamp = parts.next()?.to_owned();
        let json: serde_json::Value = serde_json::from_str(parts.next()?).ok()?;
        let text = |name: &str| -> Option<String> {
            match json.get(name)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let filename = text("filename")?;
        Some(Self {
            urlkey,
            timestamp,
            url: text("url")?,
            mime: text("mime").unwrap_or_else(|| "unk".to_owned()),
            status: text("status").and_then(|s| s.parse().ok()),
            digest: text("digest"),
            length: text("length").and_then(|s| s.parse().ok()).unwrap_or(0),
            offset: text("offset")?.parse().ok()?,
            file: dir.join(&filename),
            filename,
        })
    }
}

/// An archived origin that stands for the portal's public origin.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Alias {
    /// `http://127.0.0.1:43919`
    archived: Url,
    /// `1,0,0,127:43919)`
    archived_key: String,
    /// `https://thanuyen.laichau.gov.vn`
    public: Url,
    /// `vn,gov,laichau,thanuyen)`
    public_key: String,
}

/// The CDXJ files of an archive and the origins they alias.
#[derive(Debug, Default)]
pub(crate) struct CaptureIndex {
    cdxj: Vec<PathBuf>,
    signature: Vec<(PathBuf, u64)>,
    aliases: Vec<Alias>,
}

/// The SURT host part of a key (`vn,gov,laichau,thanuyen)`), with the `)`.
fn host_key(key: &str) -> &str {
    key.find(')').map_or(key, |at| &key[..=at])
}

/// What identifies the CDXJ files of `dirs` as they are now (names and sizes).
pub(crate) fn signature(dirs: &[PathBuf]) -> Vec<(PathBuf, u64)> {
    let mut files = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "cdxj") {
                let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
                files.push((path, len));
            }
        }
    }
    files.sort();
    files
}

impl CaptureIndex {
    /// Opens the CDXJ files of `dirs`. `declared` is a configured (crawled origin, public
    /// origin) pair; other crawled origins are learnt from each WARC file's `warcinfo` and the
    /// `canonical`/`og:url` link of their archived home page, as the crawler does.
    pub(crate) fn open(dirs: &[PathBuf], declared: Option<(Url, Url)>) -> Self {
        let signature = signature(dirs);
        let mut index = Self {
            cdxj: signature.iter().map(|(p, _)| p.clone()).collect(),
            signature,
            aliases: Vec::new(),
        };
        if let Some((crawled, public)) = declared {
            index.add_alias(&crawled, &public);
        }
        let mut bases: Vec<Url> = Vec::new();
        for cdxj in &index.cdxj {
            if let Some(base) = warc_of(cdxj).and_then(|warc| crawled_base(&warc))
                && !bases.contains(&base)
            {
                bases.push(base);
            }
        }
        for base in bases {
            if let Some(public) = index.detect_public(&base) {
                index.add_alias(&base, &public);
            }
        }
        index
    }

    /// Whether `dirs` still hold the files this index was opened on.
    pub(crate) fn is_current(&self, dirs: &[PathBuf]) -> bool {
        signature(dirs) == self.signature
    }

    fn add_alias(&mut self, archived: &Url, public: &Url) {
        let (Ok(archived), Ok(public)) = (
            Url::parse(&archived.origin().ascii_serialization()),
            Url::parse(&public.origin().ascii_serialization()),
        ) else {
            return;
        };
        let archived_key = host_key(&crawler::canon::surt(archived.as_str())).to_owned();
        let public_key = host_key(&crawler::canon::surt(public.as_str())).to_owned();
        if archived_key == public_key || self.aliases.iter().any(|a| a.archived_key == archived_key)
        {
            return;
        }
        self.aliases.push(Alias {
            archived,
            archived_key,
            public,
            public_key,
        });
    }

    /// The public origin named by the archived home page of `base`, when it differs.
    fn detect_public(&self, base: &Url) -> Option<Url> {
        let home = base.join("/").ok()?;
        let captures = self
            .lookup_keys(&[crawler::canon::surt(home.as_str())])
            .ok()?;
        let page = captures
            .iter()
            .rev()
            .find(|c| !c.is_revisit() && c.status == Some(200) && c.mime.contains("html"))?;
        let response = crawler::read_capture(&page.file, page.offset).ok()?;
        let html =
            crawler::crawl::decode_text(&response.body, header(&response.headers, "content-type"));
        let links = crawler::extract_links(&page.url, &html);
        let public = Url::parse(links.canonical.as_deref().or(links.og_url.as_deref())?).ok()?;
        (public.origin() != base.origin()).then_some(public)
    }

    /// The URL a reader knows: an archived mirror URL with the public origin put back.
    pub(crate) fn public_url(&self, archived: &str) -> String {
        public_url(&self.aliases, archived)
    }

    /// The origin map alone, to use after the index is released.
    pub(crate) fn public_urls(&self) -> PublicUrls {
        PublicUrls(self.aliases.clone())
    }

    /// The CDXJ keys a URL may be archived under (its own, and the mirror's for a public URL).
    pub(crate) fn keys_of(&self, url: &str) -> Vec<String> {
        let key = crawler::canon::surt(url);
        let mut keys = vec![key.clone()];
        for alias in &self.aliases {
            if host_key(&key) == alias.public_key {
                keys.push(format!(
                    "{}{}",
                    alias.archived_key,
                    &key[alias.public_key.len()..]
                ));
            }
        }
        keys
    }

    /// Every capture of `url`, oldest first.
    pub(crate) fn captures(&self, url: &str) -> Result<Vec<CaptureEntry>, Error> {
        self.lookup_keys(&self.keys_of(url))
    }

    fn lookup_keys(&self, keys: &[String]) -> Result<Vec<CaptureEntry>, Error> {
        let mut found = Vec::new();
        for cdxj in &self.cdxj {
            let dir = cdxj.parent().unwrap_or(Path::new("."));
            for key in keys {
                let prefix = format!("{key} ");
                for line in matching_lines(cdxj, &prefix).map_err(io(cdxj))? {
                    found.extend(CaptureEntry::parse(&line, dir));
                }
            }
        }
        found.sort_by(|a, b| {
            (&a.timestamp, &a.filename, a.offset).cmp(&(&b.timestamp, &b.filename, b.offset))
        });
        found.dedup_by(|a, b| a.file == b.file && a.offset == b.offset);
        Ok(found)
    }

    /// Up to `limit` captures archived under keys next to `url`'s on the same host (for the
    /// archive's 404 page), in key order.
    pub(crate) fn neighbours(&self, url: &str, limit: usize) -> Result<Vec<CaptureEntry>, Error> {
        let mut found = Vec::new();
        for key in self.keys_of(url) {
            let host = host_key(&key).to_owned();
            for cdxj in &self.cdxj {
                let dir = cdxj.parent().unwrap_or(Path::new("."));
                for line in lines_around(cdxj, &key, limit).map_err(io(cdxj))? {
                    if line.starts_with(&host) {
                        found.extend(CaptureEntry::parse(&line, dir));
                    }
                }
            }
        }
        // One line per URL (its latest successful capture), in key order.
        found.sort_by(|a, b| {
            a.urlkey
                .cmp(&b.urlkey)
                .then(a.is_error().cmp(&b.is_error()))
                .then(b.timestamp.cmp(&a.timestamp))
        });
        found.dedup_by(|a, b| a.urlkey == b.urlkey);
        found.truncate(limit);
        Ok(found)
    }

    /// The original response a revisit stands for: a response of the same URL with the same
    /// payload digest (pywb resolves revisits the same way when no `WARC-Refers-To` is
    /// indexed), else the `WARC-Refers-To-Target-URI` of the revisit record.
    pub(crate) fn resolve_revisit(
        &self,
        revisit: &CaptureEntry,
        same_url: &[CaptureEntry],
    ) -> Result<Option<CaptureEntry>, Error> {
        let same_digest = |c: &&CaptureEntry| !c.is_revisit() && c.digest == revisit.digest;
        let earlier = same_url
            .iter()
            .filter(same_digest)
            .rfind(|c| c.timestamp <= revisit.timestamp)
            .or_else(|| same_url.iter().find(same_digest));
        if let Some(found) = earlier {
            return Ok(Some(found.clone()));
        }
        let record = crawler::warc::read_record_at(&revisit.file, revisit.offset)?;
        let Some(target) = record.header("WARC-Refers-To-Target-URI") else {
            return Ok(None);
        };
        let others = self.captures(target)?;
        Ok(others.iter().find(same_digest).cloned())
    }
}

/// Maps archived (mirror) URLs to public ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct PublicUrls(Vec<Alias>);

impl PublicUrls {
    /// The URL a reader knows for an archived URL.
    pub(crate) fn map(&self, archived: &str) -> String {
        public_url(&self.0, archived)
    }
}

fn public_url(aliases: &[Alias], archived: &str) -> String {
    let Ok(url) = Url::parse(archived) else {
        return archived.to_owned();
    };
    for alias in aliases {
        if url.origin() == alias.archived.origin()
            && let Some(mapped) = crawler::canon::map_origin(&url, &alias.archived, &alias.public)
        {
            return mapped.to_string();
        }
    }
    url.to_string()
}

/// The value of a header, by case-insensitive name.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The WARC file a CDXJ file indexes (`X.cdxj` -> `X.warc.gz` or `X.warc`).
fn warc_of(cdxj: &Path) -> Option<PathBuf> {
    let stem = cdxj.file_stem()?.to_str()?;
    [".warc.gz", ".warc"]
        .iter()
        .map(|ext| cdxj.with_file_name(format!("{stem}{ext}")))
        .find(|p| p.exists())
}

/// The URL a WARC file was crawled from, read from its `warcinfo` record (`base-url`, or the
/// `description: tracuu crawl of URL` the crawler writes).
fn crawled_base(warc: &Path) -> Option<Url> {
    let record = crawler::warc::read_record_at(warc, 0).ok()?;
    if record.warc_type() != "warcinfo" {
        return None;
    }
    let fields = String::from_utf8_lossy(&record.block).into_owned();
    fields.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        match name.trim() {
            "base-url" => Url::parse(value.trim()).ok(),
            "description" => value
                .split_whitespace()
                .last()
                .and_then(|word| Url::parse(word).ok()),
            _ => None,
        }
    })
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The line starting after position `at` (the first whole line that begins at or after it),
/// with its start.
fn line_after(reader: &mut BufReader<File>, at: u64) -> std::io::Result<Option<(u64, String)>> {
    let mut start = at;
    let mut buf = Vec::new();
    if at > 0 {
        reader.seek(SeekFrom::Start(at - 1))?;
        let skipped = reader.read_until(b'\n', &mut buf)?;
        start = at - 1 + skipped as u64;
        buf.clear();
    } else {
        reader.seek(SeekFrom::Start(0))?;
    }
    if reader.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    }
    Ok(Some((start, String::from_utf8_lossy(&buf).into_owned())))
}

/// The start of the first line not less than `target` (lines are sorted bytewise).
fn lower_bound(reader: &mut BufReader<File>, len: u64, target: &str) -> std::io::Result<u64> {
    let (mut lo, mut hi) = (0u64, len);
    // Every line starting before `lo` is less than `target`; `lo` starts a line.
    while hi - lo > SCAN_BYTES {
        let mid = lo + (hi - lo) / 2;
        match line_after(reader, mid)? {
            Some((start, line)) if start < hi => {
                if line.as_str().cmp(target) == Ordering::Less {
                    lo = start + line.len() as u64 + 1;
                } else {
                    hi = start;
                }
            }
            _ => hi = mid,
        }
    }
    reader.seek(SeekFrom::Start(lo))?;
    let mut pos = lo;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(pos);
        }
        let line = String::from_utf8_lossy(buf.strip_suffix(b"\n").unwrap_or(&buf));
        if line.as_ref() >= target {
            return Ok(pos);
        }
        pos += read as u64;
    }
}

/// The lines of a sorted CDXJ file that start with `prefix`.
fn matching_lines(path: &Path, prefix: &str) -> std::io::Result<Vec<String>> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::new(file);
    let start = lower_bound(&mut reader, len, prefix)?;
    reader.seek(SeekFrom::Start(start))?;
    let mut found = Vec::new();
    for line in reader.split(b'\n') {
        let line = String::from_utf8_lossy(&line?).into_owned();
        if !line.starts_with(prefix) {
            break;
        }
        found.push(line);
    }
    Ok(found)
}

/// Up to `n` lines before the place of `key` in a sorted CDXJ file, and up to `n` after.
fn lines_around(path: &Path, key: &str, n: usize) -> std::io::Result<Vec<String>> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::new(file);
    let at = lower_bound(&mut reader, len, key)?;
    let from = at.saturating_sub(SCAN_BYTES);
    let mut before = Vec::new();
    if let Some((start, _)) = line_after(&mut reader, from)? {
        reader.seek(SeekFrom::Start(start))?;
        let mut pos = start;
        let mut buf = Vec::new();
        while pos < at {
            buf.clear();
            let read = reader.read_until(b'\n', &mut buf)?;
            if read == 0 {
                break;
            }
            pos += read as u64;
            before.push(
                String::from_utf8_lossy(buf.strip_suffix(b"\n").unwrap_or(&buf)).into_owned(),
            );
        }
    }
    let mut lines: Vec<String> = before.split_off(before.len().saturating_sub(n));
    reader.seek(SeekFrom::Start(at))?;
    for line in reader.split(b'\n').take(n) {
        lines.push(String::from_utf8_lossy(&line?).into_owned());
    }
    Ok(lines)
}

/// A requested timestamp (14 digits or a prefix) as a time: missing digits take the end of
/// the period, like pywb (`2024` is the end of 2024).
pub(crate) fn requested_time(timestamp: &str) -> Option<DateTime<Utc>> {
    const END: &str = "29991231235959";
    if timestamp.is_empty()
        || timestamp.len() > 14
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut full = format!("{timestamp}{}", &END[timestamp.len()..]);
    // A padded day past the month's end (20240231…): step back to the last valid day.
    for _ in 0..4 {
        if let Ok(t) = NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S") {
            return Some(t.and_utc());
        }
        let day: u32 = full[6..8].parse().ok()?;
        full.replace_range(6..8, &format!("{:02}", day.saturating_sub(1)));
    }
    None
}

/// The capture closest to `at` (the latest without a time), preferring successful captures.
pub(crate) fn closest(
    captures: &[CaptureEntry],
    at: Option<DateTime<Utc>>,
) -> Option<&CaptureEntry> {
    captures.iter().min_by_key(|c| {
        let distance = match (at, c.time()) {
            (Some(at), Some(t)) => (at - t).num_seconds().unsigned_abs(),
            // Without a time asked for, the latest wins.
            (None, Some(t)) => u64::MAX / 2 - t.timestamp().max(0) as u64,
            (_, None) => u64::MAX,
        };
        // Ties go to the later capture.
        (
            c.is_error(),
            distance,
            std::cmp::Reverse(c.timestamp.clone()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ts: &str, status: u16) -> CaptureEntry {
        CaptureEntry {
            urlkey: "vn,gov,laichau,thanuyen)/".into(),
            timestamp: ts.into(),
            url: "https://thanuyen.laichau.gov.vn/".into(),
            mime: "text/html".into(),
            status: Some(status),
            digest: None,
            length: 0,
            offset: 0,
            filename: "a.warc.gz".into(),
            file: PathBuf::from("a.warc.gz"),
        }
    }

    #[test]
    fn closest_capture_by_time_prefers_successes() {
        let captures = vec![
            entry("20240101000000", 200),
            entry("20240601000000", 200),
            entry("20240610000000", 503),
            entry("20250101000000", 200),
        ];
        let at = |ts| {
            closest(&captures, requested_time(ts))
                .unwrap()
                .timestamp
                .clone()
        };
        assert_eq!(at("20240102"), "20240101000000");
        assert_eq!(at("20240520"), "20240601000000");
        // The 503 is nearest in time, but a success is preferred.
        assert_eq!(at("20240610000000"), "20240601000000");
        // `2024` means the end of 2024: 1 January 2025 is nearer than June 2024.
        assert_eq!(at("2024"), "20250101000000");
        assert_eq!(
            closest(&captures, None).unwrap().timestamp,
            "20250101000000"
        );
    }

    #[test]
    fn timestamp_prefixes_take_the_end_of_the_period() {
        let t = |s| requested_time(s).map(|t| t.format("%Y%m%d%H%M%S").to_string());
        assert_eq!(t("2024").as_deref(), Some("20241231235959"));
        assert_eq!(t("202402").as_deref(), Some("20240229235959"));
        assert_eq!(t("202302").as_deref(), Some("20230228235959"));
        assert_eq!(t("20240615083000").as_deref(), Some("20240615083000"));
        assert_eq!(t("2024x"), None);
        assert_eq!(t(""), None);
        assert_eq!(t("202406150830001"), None);
    }

    #[test]
    fn binary_search_finds_every_capture_of_a_key_in_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.cdxj");
        let mut lines: Vec<String> = (0..5000)
            .flat_map(|i| {
                (0..3).map(move |c| {
                    format!(
                        "vn,gov,laichau,thanuyen)/news/tin-{i:05} 2024010{c}000000 {{\"url\":\"https://thanuyen.laichau.gov.vn/news/tin-{i:05}\",\"offset\":\"{}\",\"filename\":\"x.warc.gz\",\"status\":\"200\",\"mime\":\"text/html\"}}",
                        i * 3 + c
                    )
                })
            })
            .collect();
        lines.push("vn,gov,laichau,thanuyen)/news/tin-01234?a=1 20240101000000 {\"url\":\"u\",\"offset\":\"1\",\"filename\":\"x.warc.gz\"}".into());
        lines.sort();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        for i in [0, 1, 1234, 2500, 4999] {
            let key = format!("vn,gov,laichau,thanuyen)/news/tin-{i:05} ");
            let found = matching_lines(&path, &key).unwrap();
            assert_eq!(found.len(), 3, "{key}");
            assert!(found.iter().all(|l| l.starts_with(&key)));
        }
        assert!(
            matching_lines(&path, "vn,gov,laichau,thanuyen)/news/tin-05000 ")
                .unwrap()
                .is_empty()
        );
        assert!(matching_lines(&path, "a)/ ").unwrap().is_empty());
        assert!(matching_lines(&path, "zz)/ ").unwrap().is_empty());
        let around = lines_around(&path, "vn,gov,laichau,thanuyen)/news/tin-02000x", 2).unwrap();
        assert_eq!(around.len(), 4);
        assert!(around[1].contains("tin-02000 20240102"), "{around:?}");
        assert!(around[2].contains("tin-02001 20240100"), "{around:?}");
    }
}
