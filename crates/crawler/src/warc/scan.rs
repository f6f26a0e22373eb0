//! Reading a possibly damaged archive: [`Scan`] yields every readable record whose block
//! digest holds and reports each damaged one (file, offset, reason), then reads on from the
//! next record start. [`verify_file`] checks a WARC file and its CDXJ without changing them.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use super::cdxj;
use super::reader::{WarcReader, WarcRecord};
use super::sha1_digest;
use crate::error::Result;

/// A record that could not be read or does not match its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The WARC file.
    pub file: PathBuf,
    /// Offset where the damaged record starts.
    pub offset: u64,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at offset {}: {}",
            self.file.display(),
            self.offset,
            self.reason
        )
    }
}

/// Why a record's block does not match its `WARC-Block-Digest`, if it does not. Digests in
/// another algorithm than SHA-1 are not checked.
pub fn block_digest_problem(rec: &WarcRecord) -> Option<String> {
    let stated = rec.header("WARC-Block-Digest")?;
    if !stated.to_ascii_lowercase().starts_with("sha1:") {
        return None;
    }
    let actual = sha1_digest(&rec.block);
    (!actual[5..].eq_ignore_ascii_case(&stated[5..]))
        .then(|| format!("block digest mismatch: header says {stated}, block is {actual}"))
}

/// Iterates the good records of a WARC file and reports the damaged ones.
pub struct Scan {
    reader: WarcReader,
    finished: bool,
}

impl Scan {
    /// Opens a WARC file for a damage-tolerant read.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            reader: WarcReader::open(path)?,
            finished: false,
        })
    }

    fn damage(&self, offset: u64, reason: String) -> Damage {
        Damage {
            file: self.reader.path().to_path_buf(),
            offset,
            reason,
        }
    }
}

impl Iterator for Scan {
    type Item = std::result::Result<WarcRecord, Damage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let start = self.reader.position();
        match self.reader.next_record() {
            Ok(None) => {
                self.finished = true;
                None
            }
            Ok(Some(rec)) => match block_digest_problem(&rec) {
                None => Some(Ok(rec)),
                Some(reason) => Some(Err(self.damage(rec.offset, reason))),
            },
            Err(e) => {
                let reason = match &e {
                    crate::Error::Warc { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                let damage = self.damage(start, reason);
                if self.reader.member_read() {
                    return Some(Err(damage));
                }
                match self.reader.resync(start) {
                    Ok(true) => {}
                    Ok(false) | Err(_) => self.finished = true,
                }
                Some(Err(damage))
            }
        }
    }
}

/// What [`verify_file`] found in one WARC file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    /// Records read whole with a matching digest.
    pub records: u64,
    /// Damaged records.
    pub damage: Vec<Damage>,
    /// Problems of the CDXJ index (missing file, lines without record, records without line).
    pub cdxj_problems: Vec<String>,
}

impl FileCheck {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.damage.is_empty() && self.cdxj_problems.is_empty()
    }
}

/// Checks every record's block digest in a WARC file and compares its `.cdxj` with the records
/// really in the file. Reads only; changes nothing.
pub fn verify_file(warc: &Path) -> Result<FileCheck> {
    let filename = warc.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut check = FileCheck::default();
    let mut expected = BTreeSet::new();
    for item in Scan::open(warc)? {
        match item {
            Ok(rec) => {
                check.records += 1;
                expected.extend(cdxj::record_line(&rec, filename));
            }
            Err(d) => check.damage.push(d),
        }
    }
    let cdxj_file = cdxj::cdxj_path(warc);
    let text = match std::fs::read_to_string(&cdxj_file) {
        Ok(t) => t,
        Err(e) => {
            check
                .cdxj_problems
                .push(format!("{}: cannot read: {e}", cdxj_file.display()));
            return Ok(check);
        }
    };
    let mut listed = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        if !expected.contains(line) {
            check.cdxj_problems.push(format!(
                "{} line {}: no such record in the WARC: {line}",
                cdxj_file.display(),
                n + 1
            ));
        }
        listed.insert(line.to_string());
    }
    for line in expected.difference(&listed) {
        check.cdxj_problems.push(format!(
            "{}: record missing from the index: {line}",
            cdxj_file.display()
        ));
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warc::{Exchange, WarcWriter};
    use std::io::{Read, Write};

    /// A closed WARC with `n` responses; returns its path and each response's (offset, length).
    fn archive(dir: &Path, n: usize) -> (PathBuf, Vec<(u64, u64)>) {
        let mut w = WarcWriter::new(dir, "t", "h", 1 << 30, vec![]).unwrap();
        let headers = vec![("Content-Type".to_string(), "text/html".to_string())];
        let mut spots = Vec::new();
        for i in 0..n {
            let body = format!("<title>Quyết định số {i}/QĐ-UBND</title>");
            let written = w
                .write_response(&Exchange {
                    target_uri: &format!("http://h/{i}"),
                    date: chrono::Utc::now(),
                    ip: None,
                    request: b"GET / HTTP/1.1\r\n\r\n".to_vec(),
                    status: 200,
                    reason: "OK",
                    headers: &headers,
                    body: body.as_bytes(),
                    truncated: false,
                })
                .unwrap();
            spots.push((written.location.offset, written.location.length));
        }
        let name = w.current_file().unwrap().to_string();
        w.close().unwrap();
        (dir.join(name), spots)
    }

    fn regzip(member: &[u8], edit: impl FnOnce(String) -> String) -> Vec<u8> {
        let mut raw = String::new();
        flate2::read::GzDecoder::new(member)
            .read_to_string(&mut raw)
            .unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(edit(raw).as_bytes()).unwrap();
        enc.finish().unwrap()
    }

    fn uris(path: &Path) -> (Vec<String>, Vec<Damage>) {
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for item in Scan::open(path).unwrap() {
            match item {
                Ok(r) if r.warc_type() == "response" => {
                    good.push(r.target_uri().unwrap().to_string())
                }
                Ok(_) => {}
                Err(d) => bad.push(d),
            }
        }
        (good, bad)
    }

    #[test]
    fn scan_skips_each_kind_of_damage_and_reads_on() {
        let dir = tempfile::tempdir().unwrap();
        let (path, spots) = archive(dir.path(), 6);
        assert!(verify_file(&path).unwrap().is_clean());
        let mut bytes = std::fs::read(&path).unwrap();
        // From the end backwards: a lying digest (record 4), a lying length (record 2), and
        // overwritten compressed bytes (record 1).
        let member = |b: &Vec<u8>, (o, l): (u64, u64)| b[o as usize..(o + l) as usize].to_vec();
        let (o4, l4) = spots[4];
        let m = regzip(&member(&bytes, spots[4]), |s| s.replace("số 4", "số 9"));
        bytes.splice(o4 as usize..(o4 + l4) as usize, m);
        let (o2, l2) = spots[2];
        let m = regzip(&member(&bytes, spots[2]), |s| {
            s.replacen("Content-Length: ", "Content-Length: 9", 1)
        });
        bytes.splice(o2 as usize..(o2 + l2) as usize, m);
        let (o1, l1) = spots[1];
        let mid = (o1 + l1 / 2) as usize;
        bytes[mid..mid + 8].copy_from_slice(&[0xAA; 8]);
        std::fs::write(&path, &bytes).unwrap();

        let (good, bad) = uris(&path);
        assert_eq!(good, ["http://h/0", "http://h/3", "http://h/5"]);
        // Records 1 and 2 start where they did; record 4 moved by the new length of record 2.
        let offsets: Vec<u64> = bad.iter().map(|d| d.offset).collect();
        assert_eq!(offsets.len(), 3, "{bad:?}");
        assert_eq!(offsets[..2], [o1, o2], "{bad:?}");
        assert!(offsets[2] > o2, "{bad:?}");
        let _ = o4;
        assert!(bad[0].reason.contains("bad gzip member"), "{bad:?}");
        assert!(bad[1].reason.contains("truncated"), "{bad:?}");
        assert!(bad[2].reason.contains("block digest mismatch"), "{bad:?}");
        let check = verify_file(&path).unwrap();
        assert_eq!(check.damage, bad);
        assert!(
            !check.cdxj_problems.is_empty(),
            "offsets moved: CDXJ is stale"
        );
    }

    #[test]
    fn scan_reads_on_after_garbage_in_a_plain_warc() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.warc");
        let rec = |uri: &str, body: &str| {
            format!(
                "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: {uri}\r\n\
                 Content-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            )
        };
        let text = [
            rec("http://h/a", "một"),
            "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 99999\r\n\r\nngắn\r\n\r\n".into(),
            rec("http://h/b", "hai"),
        ]
        .concat();
        std::fs::write(&path, text).unwrap();
        let items: Vec<_> = Scan::open(&path).unwrap().collect();
        // The lying record is reported and the reader finds b's `WARC/1.1` line after it.
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().block, "một".as_bytes());
        assert!(items[1].as_ref().unwrap_err().reason.contains("truncated"));
        assert_eq!(items[2].as_ref().unwrap().target_uri(), Some("http://h/b"));
    }
}
