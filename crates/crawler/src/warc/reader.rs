//! Reading WARC files back: iterates the records of a `.warc.gz` (one gzip member per record)
//! or plain `.warc` file with their offsets and compressed lengths. Bytes from disk are not
//! trusted: lengths are checked against a cap and against what the file really holds.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{find, io_err};
use crate::error::{Error, Result};

/// The largest record (uncompressed header + block) the reader accepts. The crawler caps
/// bodies far below this; anything larger is damage or hostile input, not a capture.
pub const MAX_RECORD_BYTES: u64 = 1 << 30;

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
    /// Whether the last record's gzip member was read whole, so the input stands at the next
    /// member even if the record inside was bad.
    member_read: bool,
}

impl WarcReader {
    /// Opens a WARC file.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_at(path, 0)
    }

    /// Opens a file and positions it at `offset` (a record start).
    pub fn open_at(path: &Path, offset: u64) -> Result<Self> {
        let mut file = File::open(path).map_err(io_err(path))?;
        let mut magic = [0u8; 2];
        let n = file.read(&mut magic).map_err(io_err(path))?;
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
            gzip: n == 2 && magic == [0x1f, 0x8b],
            done: false,
            member_read: false,
        })
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves to the first possible record start after `from`: the next gzip member header
    /// (`1f 8b 08`) of a `.warc.gz`, the next `WARC/1.` line of a plain WARC. Returns false at
    /// the end of the file. Used to read on past a damaged record.
    pub(super) fn resync(&mut self, from: u64) -> Result<bool> {
        let magic: &[u8] = if self.gzip {
            &[0x1f, 0x8b, 0x08]
        } else {
            b"\nWARC/1."
        };
        // Start one byte later than the damaged record, or at the newline before the next line.
        let mut pos = if self.gzip { from + 1 } else { from };
        let mut file = File::open(&self.path).map_err(io_err(&self.path))?;
        file.seek(SeekFrom::Start(pos))
            .map_err(io_err(&self.path))?;
        let mut input = BufReader::with_capacity(64 * 1024, file);
        let mut window: Vec<u8> = Vec::new();
        loop {
            let buf = input.fill_buf().map_err(io_err(&self.path))?;
            if buf.is_empty() {
                return Ok(false);
            }
            let n = buf.len();
            let base = pos - window.len() as u64;
            window.extend_from_slice(buf);
            input.consume(n);
            pos += n as u64;
            if let Some(i) = find(&window, magic) {
                let start = base + i as u64 + if self.gzip { 0 } else { 1 };
                let mut file = input.into_inner();
                file.seek(SeekFrom::Start(start))
                    .map_err(io_err(&self.path))?;
                self.input = BufReader::with_capacity(
                    64 * 1024,
                    Counting {
                        inner: file,
                        count: start,
                    },
                );
                self.done = false;
                return Ok(true);
            }
            let keep = window.len().saturating_sub(magic.len() - 1);
            window.drain(..keep);
        }
    }

    /// Whether the last record's gzip member was read whole (the input stands at the next).
    pub(super) fn member_read(&self) -> bool {
        self.member_read
    }

    /// The offset of the next record to read.
    pub(super) fn position(&self) -> u64 {
        self.offset_now()
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

    /// Reads the next record; `None` at the end of the file.
    pub(crate) fn next_record(&mut self) -> Result<Option<WarcRecord>> {
        let start = self.offset_now();
        let at_eof = self
            .input
            .fill_buf()
            .map_err(io_err(&self.path))?
            .is_empty();
        if at_eof {
            return Ok(None);
        }
        self.member_read = false;
        let raw = if self.gzip {
            let mut dec =
                flate2::bufread::GzDecoder::new(&mut self.input).take(MAX_RECORD_BYTES + 1);
            let mut raw = Vec::new();
            dec.read_to_end(&mut raw).map_err(|e| Error::Warc {
                path: self.path.clone(),
                message: format!("bad gzip member at {start}: {e}"),
            })?;
            if raw.len() as u64 > MAX_RECORD_BYTES {
                return Err(self.bad(format!(
                    "record at {start} is larger than {MAX_RECORD_BYTES} bytes"
                )));
            }
            self.member_read = true;
            raw
        } else {
            self.read_plain(start)?
        };
        let end = self.offset_now();
        let (headers, body_start) = parse_warc_head(&raw)
            .ok_or_else(|| self.bad(format!("bad record header at {start}")))?;
        let len = content_length(&headers)
            .ok_or_else(|| self.bad(format!("record at {start} has no Content-Length")))?;
        let block = body_start
            .checked_add(len)
            .and_then(|block_end| raw.get(body_start..block_end))
            .ok_or_else(|| self.bad(format!("record at {start} is truncated")))?
            .to_vec();
        Ok(Some(WarcRecord {
            headers,
            block,
            offset: start,
            length: end - start,
        }))
    }

    /// Plain WARC: reads the header, then the block by Content-Length, allocating only what
    /// the file really holds.
    fn read_plain(&mut self, start: u64) -> Result<Vec<u8>> {
        let mut raw = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = (&mut self.input)
                .take(MAX_RECORD_BYTES)
                .read_until(b'\n', &mut line)
                .map_err(io_err(&self.path))?;
            if n == 0 {
                return Err(self.bad(format!("truncated header at {start}")));
            }
            raw.extend_from_slice(&line);
            if raw.len() as u64 > MAX_RECORD_BYTES {
                return Err(self.bad(format!("header at {start} is too long")));
            }
            if line == b"\r\n" || line == b"\n" {
                break;
            }
        }
        let (headers, _) =
            parse_warc_head(&raw).ok_or_else(|| self.bad(format!("bad header at {start}")))?;
        let len = content_length(&headers)
            .ok_or_else(|| self.bad(format!("record at {start} has no Content-Length")))?;
        let wanted = (len as u64).saturating_add(4);
        if wanted > MAX_RECORD_BYTES {
            return Err(self.bad(format!(
                "record at {start} claims {len} bytes, more than {MAX_RECORD_BYTES}"
            )));
        }
        let got = (&mut self.input)
            .take(wanted)
            .read_to_end(&mut raw)
            .map_err(io_err(&self.path))?;
        if (got as u64) < wanted {
            return Err(self.bad(format!("record at {start} is truncated")));
        }
        Ok(raw)
    }
}

fn content_length(headers: &[(String, String)]) -> Option<usize> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.trim().parse().ok())
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

/// Reads the record at `offset` of a WARC file.
pub fn read_record_at(path: &Path, offset: u64) -> Result<WarcRecord> {
    let mut r = WarcReader::open_at(path, offset)?;
    r.next_record()?.ok_or_else(|| Error::Warc {
        path: path.to_path_buf(),
        message: format!("no record at offset {offset}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(dir: &Path, bytes: &[u8]) -> PathBuf {
        let path = dir.join("x.warc");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reads_plain_warc() {
        let dir = tempfile::tempdir().unwrap();
        let path = plain(
            dir.path(),
            b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n",
        );
        let recs: Vec<_> = WarcReader::open(&path).unwrap().collect();
        assert_eq!(recs.len(), 1);
        let r = recs[0].as_ref().unwrap();
        assert_eq!(r.block, b"hello");
        assert_eq!(r.length, 61);
    }

    #[test]
    fn plain_warc_with_huge_content_length_is_an_error_not_an_allocation() {
        let dir = tempfile::tempdir().unwrap();
        for len in ["18446744073709551615", "999999999999", "1000000"] {
            let path = plain(
                dir.path(),
                format!("WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: {len}\r\n\r\nhi")
                    .as_bytes(),
            );
            let recs: Vec<_> = WarcReader::open(&path).unwrap().collect();
            assert_eq!(recs.len(), 1, "{len}");
            let err = recs[0].as_ref().unwrap_err().to_string();
            assert!(
                err.contains("more than") || err.contains("truncated"),
                "{len}: {err}"
            );
        }
    }
}
