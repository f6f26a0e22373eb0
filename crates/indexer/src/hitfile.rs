//! The shown-hit side file of a generation ([`HITS_FILE`]): what showing a record as a hit
//! needs ([`StoredHit`]: id, kind, title, url, date, number, issuer, type, site, the snippet
//! text with its [`Layout`], and the attached files that have text), one record after
//! another, read memory-mapped beside the index.
//!
//! Every document of the index holds the offset of its record in a fast field
//! (`hit_offset`, which survives merges; a record replaced by a later one with the same id
//! just leaves dead bytes). Showing a hit is then a fast-field lookup, a slice and a few
//! lengths: no doc-store block is decompressed and no JSON is parsed.
//!
//! Format: the 8 bytes of [`MAGIC`], then the records. A record is its byte length (LEB128)
//! followed by: the kind (1 byte), presence flags (1 byte: date, number, issuer, type, number
//! keys), the
//! date (4 bytes, little-endian days from the common era) when present, then strings, each its
//! byte length (LEB128) and its bytes: id, title, url, site, number, issuer and type (when
//! present), the number's three keys (when it parses; format 2), the snippet text and its
//! encoded layout; then the count of attachments and, for
//! each, its name, url, text, and a flag and string for its text source.
//!
//! The writer only writes Rust strings, so the file holds valid UTF-8; the reader still
//! checks each string it hands out (with `simdutf8`, a few GB/s), and every length against
//! the bytes there are: a damaged or truncated file gives a [`HitFileError`] (the search
//! then reads that hit from the doc store), never a panic or invalid text. The snippet text
//! (up to 6 kB) is handed out as bytes ([`ShownHit`]): the snippet checks only the part it
//! shows, and falls back the same way when that part is damaged.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use crawler::{Kind, Record};
use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};

use crate::error::{Error, Result};
use crate::schema::DocNumberKeys;
use crate::snippet::snippet_text;

/// The side file's name inside a generation folder.
pub(crate) const HITS_FILE: &str = "hits.bin";
/// The first bytes of a side file: its name and format version (2: records may hold their
/// document number's keys).
const MAGIC: &[u8; 8] = b"tracuuH2";
/// The first bytes of a side file of format 1 (no number keys), still read.
const MAGIC_1: &[u8; 8] = b"tracuuH1";

/// What a shown hit needs of a record: written to the side file at index time (and, in
/// generations built before it, stored as JSON in the doc store's `hit` field), so that
/// showing a hit never reads the whole record.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct StoredHit<'a> {
    #[serde(borrow)]
    pub(crate) id: Cow<'a, str>,
    pub(crate) kind: Kind,
    #[serde(borrow)]
    pub(crate) title: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) url: Cow<'a, str>,
    /// The [`snippet_text`] of the record (empty when read from a whole record).
    #[serde(default, borrow)]
    pub(crate) text: Cow<'a, str>,
    #[serde(default)]
    pub(crate) date: Option<NaiveDate>,
    #[serde(default, borrow)]
    pub(crate) doc_number: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) issuer: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) doc_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) site: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attachments: Vec<StoredAttachment<'a>>,
    /// The keys of the document number, when it parses ([`DocNumberKeys`]: full, number and
    /// type, number and issuer), so a hit's number is matched without parsing it again (only
    /// in the side file).
    #[serde(skip)]
    pub(crate) number_keys: Option<[Cow<'a, str>; 3]>,
}

/// The parts of an attached file a hit needs.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct StoredAttachment<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) url: Cow<'a, str>,
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) text_source: Option<Cow<'a, str>>,
}

impl<'a> StoredHit<'a> {
    /// The hit fields of `record`, borrowed (the snippet text too, unless lead and body are
    /// joined).
    pub(crate) fn of(record: &'a Record, number: Option<&'a DocNumberKeys>) -> Self {
        let borrowed = |value: &'a Option<String>| value.as_deref().map(Cow::Borrowed);
        Self {
            id: Cow::Borrowed(&record.id),
            kind: record.kind,
            title: Cow::Borrowed(&record.title),
            url: Cow::Borrowed(&record.url),
            text: snippet_text(&record.lead, &record.body),
            date: record.date,
            doc_number: borrowed(&record.doc_number),
            issuer: borrowed(&record.issuer),
            doc_type: borrowed(&record.doc_type),
            site: Cow::Borrowed(&record.site),
            attachments: record
                .attachments
                .iter()
                .filter(|file| file.text.is_some())
                .map(|file| StoredAttachment {
                    name: Cow::Borrowed(&file.name),
                    url: Cow::Borrowed(&file.url),
                    text: borrowed(&file.text),
                    text_source: borrowed(&file.text_source),
                })
                .collect(),
            number_keys: number.map(|keys| {
                [&keys.full, &keys.num_type, &keys.num_issuer].map(|k| Cow::Borrowed(k.as_str()))
            }),
        }
    }
}

/// A record read from the side file, and its encoded snippet layout.
#[cfg(test)]
pub(crate) type FileHit<'f> = (StoredHit<'f>, &'f [u8]);

/// A record read from the side file for showing it: its snippet text is left as bytes, not
/// yet checked to be UTF-8 (`hit.text` is empty), so that only the part a snippet shows is
/// checked ([`crate::snippet::snippet_at`]); every other string is checked.
#[derive(Debug)]
pub(crate) struct ShownHit<'f> {
    pub(crate) hit: StoredHit<'f>,
    /// The snippet text's bytes.
    pub(crate) text: &'f [u8],
    /// The encoded snippet layout.
    pub(crate) layout: &'f [u8],
}

/// Why a side file's record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HitFileError {
    /// The file does not start with [`MAGIC`] (another file, or another format version).
    #[error("not a shown-hit file of this format")]
    NotAHitFile,
    /// A record or one of its strings runs past the end of the file (a truncated file, or an
    /// offset from another generation).
    #[error("shown-hit record at byte {offset} runs past the end of the file")]
    Truncated {
        /// Where the record starts.
        offset: u64,
    },
    /// A record holds a value no writer writes.
    #[error("shown-hit record at byte {offset} is malformed: {what}")]
    Malformed {
        /// Where the record starts.
        offset: u64,
        /// What is wrong with it.
        what: &'static str,
    },
}

/// Presence flags of a record's optional fields.
const HAS_DATE: u8 = 1;
const HAS_NUMBER: u8 = 2;
const HAS_ISSUER: u8 = 4;
const HAS_TYPE: u8 = 8;
const HAS_NUMBER_KEYS: u8 = 16;
const HAS_TEXT_SOURCE: u8 = 1;

/// Writes a side file: [`MAGIC`], then one record per [`HitWriter::append`].
pub(crate) struct HitWriter<W: Write> {
    out: W,
    /// Where it is written (for errors).
    path: PathBuf,
    /// Bytes written so far: the offset of the next record.
    written: u64,
    /// The record being encoded (reused).
    buffer: Vec<u8>,
}

impl<W: Write> HitWriter<W> {
    /// Starts a side file on `out`, which writes to `path` (named in errors).
    pub(crate) fn new(mut out: W, path: PathBuf) -> Result<Self> {
        out.write_all(MAGIC).map_err(|e| Error::io(&path, e))?;
        Ok(Self {
            out,
            path,
            written: MAGIC.len() as u64,
            buffer: Vec::new(),
        })
    }

    /// Appends the record of `hit` with its encoded snippet `layout`; returns its offset (the
    /// document's `hit_offset`).
    pub(crate) fn append(&mut self, hit: &StoredHit<'_>, layout: &[u8]) -> Result<u64> {
        let b = &mut self.buffer;
        b.clear();
        b.push(match hit.kind {
            Kind::News => 0,
            Kind::Legal => 1,
        });
        let mut flags = 0;
        for (present, flag) in [
            (hit.date.is_some(), HAS_DATE),
            (hit.doc_number.is_some(), HAS_NUMBER),
            (hit.issuer.is_some(), HAS_ISSUER),
            (hit.doc_type.is_some(), HAS_TYPE),
            (hit.number_keys.is_some(), HAS_NUMBER_KEYS),
        ] {
            if present {
                flags |= flag;
            }
        }
        b.push(flags);
        if let Some(date) = hit.date {
            b.extend_from_slice(&date.num_days_from_ce().to_le_bytes());
        }
        for text in [&hit.id, &hit.title, &hit.url, &hit.site] {
            push_bytes(b, text.as_bytes());
        }
        for text in [&hit.doc_number, &hit.issuer, &hit.doc_type]
            .into_iter()
            .flatten()
        {
            push_bytes(b, text.as_bytes());
        }
        for key in hit.number_keys.iter().flatten() {
            push_bytes(b, key.as_bytes());
        }
        push_bytes(b, hit.text.as_bytes());
        push_bytes(b, layout);
        push_varint(b, hit.attachments.len() as u64);
        for file in &hit.attachments {
            push_bytes(b, file.name.as_bytes());
            push_bytes(b, file.url.as_bytes());
            push_bytes(b, file.text.as_deref().unwrap_or_default().as_bytes());
            match &file.text_source {
                Some(source) => {
                    b.push(HAS_TEXT_SOURCE);
                    push_bytes(b, source.as_bytes());
                }
                None => b.push(0),
            }
        }
        let offset = self.written;
        let mut length = Vec::with_capacity(4);
        push_varint(&mut length, b.len() as u64);
        let path = &self.path;
        self.out
            .write_all(&length)
            .and_then(|()| self.out.write_all(b))
            .map_err(|e| Error::io(path, e))?;
        self.written += (length.len() + b.len()) as u64;
        Ok(offset)
    }

    /// The finished output, flushed.
    pub(crate) fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.out)
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    push_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A generation's side file, memory-mapped (or in memory, for an index built in RAM).
/// Cheap to clone.
#[derive(Clone)]
pub(crate) struct HitFile {
    bytes: OwnedBytes,
}

impl std::fmt::Debug for HitFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HitFile")
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl HitFile {
    /// The side file of the generation in `dir`: `None` when it has none (built before side
    /// files), or it cannot be mapped or is not one (then hits are read from the doc store,
    /// which holds every record too, with a warning).
    pub(crate) fn open(dir: &Path) -> Option<Self> {
        let path = dir.join(HITS_FILE);
        if !path.is_file() {
            return None;
        }
        let opened = MmapDirectory::open(dir)
            .map_err(|e| e.to_string())
            .and_then(|mapped| {
                mapped
                    .open_read(Path::new(HITS_FILE))
                    .map_err(|e| e.to_string())
            })
            .and_then(|slice| slice.read_bytes().map_err(|e| e.to_string()))
            .and_then(|bytes| Self::from_bytes(bytes).map_err(|e| e.to_string()));
        match opened {
            Ok(file) => Some(file),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "shown-hit file unusable; reading hits from the doc store");
                None
            }
        }
    }

    /// The whole file.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// A side file from its bytes; fails when they do not start with [`MAGIC`] (or
    /// [`MAGIC_1`]).
    pub(crate) fn from_bytes(bytes: OwnedBytes) -> Result<Self, HitFileError> {
        let head = bytes.as_slice().get(..MAGIC.len());
        if head != Some(MAGIC) && head != Some(MAGIC_1) {
            return Err(HitFileError::NotAHitFile);
        }
        Ok(Self { bytes })
    }

    /// The record at `offset` (a document's `hit_offset`) and its encoded snippet layout,
    /// borrowed from the file.
    #[cfg(test)]
    pub(crate) fn get(&self, offset: u64) -> Result<FileHit<'_>, HitFileError> {
        let ShownHit {
            mut hit,
            text,
            layout,
        } = self.get_shown(offset)?;
        hit.text = Cow::Borrowed(simdutf8::basic::from_utf8(text).map_err(|_| {
            HitFileError::Malformed {
                offset,
                what: "text is not UTF-8",
            }
        })?);
        Ok((hit, layout))
    }

    /// The record at `offset` (a document's `hit_offset`), its snippet text left unchecked
    /// (see [`ShownHit`]), borrowed from the file.
    pub(crate) fn get_shown(&self, offset: u64) -> Result<ShownHit<'_>, HitFileError> {
        let truncated = HitFileError::Truncated { offset };
        let malformed = |what| HitFileError::Malformed { offset, what };
        let start = usize::try_from(offset).map_err(|_| truncated.clone())?;
        if start < MAGIC.len() {
            return Err(malformed("offset inside the file header"));
        }
        let mut rest = self
            .bytes
            .as_slice()
            .get(start..)
            .ok_or(truncated.clone())?;
        let length = read_varint(&mut rest).ok_or(truncated.clone())?;
        let length = usize::try_from(length).map_err(|_| truncated.clone())?;
        let record = rest.get(..length).ok_or(truncated.clone())?;
        let mut r = Reader {
            rest: record,
            offset,
        };
        let kind = match r.byte()? {
            0 => Kind::News,
            1 => Kind::Legal,
            _ => return Err(malformed("unknown kind")),
        };
        let flags = r.byte()?;
        let date = if flags & HAS_DATE != 0 {
            let days = i32::from_le_bytes(r.array()?);
            Some(NaiveDate::from_num_days_from_ce_opt(days).ok_or(malformed("date out of range"))?)
        } else {
            None
        };
        let id = r.str()?;
        let title = r.str()?;
        let url = r.str()?;
        let site = r.str()?;
        let mut optional = |flag: u8| -> Result<Option<Cow<'_, str>>, HitFileError> {
            Ok(if flags & flag != 0 {
                Some(r.str()?)
            } else {
                None
            })
        };
        let doc_number = optional(HAS_NUMBER)?;
        let issuer = optional(HAS_ISSUER)?;
        let doc_type = optional(HAS_TYPE)?;
        let number_keys = if flags & HAS_NUMBER_KEYS != 0 {
            Some([r.str()?, r.str()?, r.str()?])
        } else {
            None
        };
        let text = r.bytes()?;
        let layout = r.bytes()?;
        let count = r.varint()?;
        // Each attachment takes at least 4 bytes: a count beyond that is damage.
        if count > r.rest.len() as u64 / 4 {
            return Err(malformed("attachment count"));
        }
        let mut attachments = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let name = r.str()?;
            let url = r.str()?;
            let text = Some(r.str()?);
            let text_source = match r.byte()? {
                0 => None,
                HAS_TEXT_SOURCE => Some(r.str()?),
                _ => return Err(malformed("text source flag")),
            };
            attachments.push(StoredAttachment {
                name,
                url,
                text,
                text_source,
            });
        }
        if !r.rest.is_empty() {
            return Err(malformed("bytes after the record"));
        }
        Ok(ShownHit {
            hit: StoredHit {
                id,
                kind,
                title,
                url,
                text: Cow::Borrowed(""),
                date,
                doc_number,
                issuer,
                doc_type,
                site,
                attachments,
                number_keys,
            },
            text,
            layout,
        })
    }
}

/// Reads one record's fields in order.
struct Reader<'a> {
    rest: &'a [u8],
    /// Where the record starts (for errors).
    offset: u64,
}

impl<'a> Reader<'a> {
    fn truncated(&self) -> HitFileError {
        HitFileError::Truncated {
            offset: self.offset,
        }
    }

    fn byte(&mut self) -> Result<u8, HitFileError> {
        let (&byte, rest) = self.rest.split_first().ok_or_else(|| self.truncated())?;
        self.rest = rest;
        Ok(byte)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], HitFileError> {
        let (head, rest) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or_else(|| self.truncated())?;
        self.rest = rest;
        Ok(*head)
    }

    fn varint(&mut self) -> Result<u64, HitFileError> {
        read_varint(&mut self.rest).ok_or_else(|| self.truncated())
    }

    fn bytes(&mut self) -> Result<&'a [u8], HitFileError> {
        let length = usize::try_from(self.varint()?).map_err(|_| self.truncated())?;
        if length > self.rest.len() {
            return Err(self.truncated());
        }
        let (bytes, rest) = self.rest.split_at(length);
        self.rest = rest;
        Ok(bytes)
    }

    fn str(&mut self) -> Result<Cow<'a, str>, HitFileError> {
        let bytes = self.bytes()?;
        simdutf8::basic::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| HitFileError::Malformed {
                offset: self.offset,
                what: "text is not UTF-8",
            })
    }
}

/// Reads a LEB128 number, advancing `bytes`; `None` when it runs out or overflows.
fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    // Most numbers (lengths of short fields, flags) take one byte.
    if let Some((&byte, rest)) = bytes.split_first()
        && byte < 0x80
    {
        *bytes = rest;
        return Some(u64::from(byte));
    }
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

/// The bytes of an index built in RAM's side file, as [`HitFile`] reads them.
pub(crate) fn in_memory(bytes: Vec<u8>) -> Result<HitFile> {
    HitFile::from_bytes(OwnedBytes::new(bytes)).map_err(|e| {
        Error::io(
            HITS_FILE,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, number: Option<&str>) -> Record {
        let mut r = Record::new(
            id,
            Kind::Legal,
            format!("https://thanuyen.laichau.gov.vn/{id}"),
        );
        r.title = "Nghị quyết về phát triển nông thôn mới huyện Than Uyên".to_owned();
        r.lead = "Hội đồng nhân dân huyện khóa XXI, kỳ họp thứ 12.".to_owned();
        r.body = "Điều 1. Thông qua đề án thủy lợi xã Mường Kim.".to_owned();
        r.doc_number = number.map(str::to_owned);
        r.issuer = Some("HĐND huyện Than Uyên".to_owned());
        r.date = NaiveDate::from_ymd_opt(2024, 12, 20);
        r.site = "thanuyen".to_owned();
        r.attachments.push(crawler::Attachment {
            name: "nghị-quyết.pdf".to_owned(),
            url: "https://thanuyen.laichau.gov.vn/nq.pdf".to_owned(),
            text: Some("Trang một\u{c}Trang hai: kinh phí đầu tư".to_owned()),
            text_source: Some("ocr".to_owned()),
            ..crawler::Attachment::default()
        });
        r
    }

    /// A side file of `records` and their offsets.
    fn file_of(records: &[Record]) -> (Vec<u8>, Vec<u64>) {
        let mut writer = HitWriter::new(Vec::new(), HITS_FILE.into()).expect("writer");
        let offsets = records
            .iter()
            .map(|r| {
                let number = DocNumberKeys::of_record(r);
                let hit = StoredHit::of(r, number.as_ref());
                writer.append(&hit, &[2, 3, 4]).expect("append")
            })
            .collect();
        (writer.finish().expect("finish"), offsets)
    }

    #[test]
    fn records_round_trip_with_their_vietnamese_text() {
        let records = [
            record("laws-140", Some("140/NQ-HĐND")),
            record("laws-7", None),
            // The same id again (a replaced record): both stay readable at their offsets.
            record("laws-140", Some("141/NQ-HĐND")),
        ];
        let (bytes, offsets) = file_of(&records);
        let file = in_memory(bytes).expect("a side file");
        for (record, offset) in records.iter().zip(offsets) {
            let (hit, layout) = file.get(offset).expect("a record");
            let number = DocNumberKeys::of_record(record);
            assert_eq!(hit, StoredHit::of(record, number.as_ref()));
            assert_eq!(layout, [2, 3, 4]);
            assert_eq!(
                hit.text,
                "Hội đồng nhân dân huyện khóa XXI, kỳ họp thứ 12.\n\nĐiều 1. Thông qua đề án thủy lợi xã Mường Kim."
            );
            assert_eq!(
                hit.attachments[0].text.as_deref(),
                record.attachments[0].text.as_deref()
            );
        }
        let (hit, _) = file
            .get(offsets_of(&file, 2))
            .expect("the replacing record");
        assert_eq!(hit.doc_number.as_deref(), Some("141/NQ-HĐND"));
        assert_eq!(
            hit.number_keys
                .as_ref()
                .map(|k| k.each_ref().map(|k| k.as_ref())),
            Some(["141/nq-hdnd", "141/nq", "141/hdnd"])
        );
    }

    /// The offset of the `n`th record of `file`, read through the lengths.
    fn offsets_of(file: &HitFile, n: usize) -> u64 {
        let mut at = MAGIC.len();
        for _ in 0..n {
            let mut rest = &file.bytes()[at..];
            let before = rest.len();
            let length = read_varint(&mut rest).expect("a length") as usize;
            at += before - rest.len() + length;
        }
        at as u64
    }

    #[test]
    fn a_damaged_file_gives_typed_errors_not_panics() {
        let (bytes, offsets) = file_of(&[record("laws-140", Some("140/NQ-HĐND"))]);
        let other = OwnedBytes::new(b"tracuuH9 and more".to_vec());
        assert_eq!(
            HitFile::from_bytes(other).map(|_| ()),
            Err(HitFileError::NotAHitFile)
        );
        assert!(in_memory(b"tracuuH9".to_vec()).is_err());
        assert!(HitFile::from_bytes(OwnedBytes::new(Vec::new())).is_err());
        // Cut anywhere inside the record: truncated.
        for cut in [9, 12, 40, bytes.len() - 1] {
            let file = in_memory(bytes[..cut].to_vec()).expect("the header is intact");
            assert_eq!(
                file.get(offsets[0]).map(|_| ()),
                Err(HitFileError::Truncated { offset: offsets[0] }),
                "cut at {cut}"
            );
        }
        let file = in_memory(bytes.clone()).expect("a side file");
        assert!(matches!(file.get(3), Err(HitFileError::Malformed { .. })));
        assert!(matches!(
            file.get(u64::MAX),
            Err(HitFileError::Truncated { .. })
        ));
        // Every single byte overwritten: an error or a record, never a panic.
        for at in MAGIC.len()..bytes.len() {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = value;
                let _ = in_memory(damaged).expect("header intact").get(offsets[0]);
            }
        }
        // A title that is not UTF-8.
        let title = bytes
            .windows(3)
            .position(|w| w == "Ngh".as_bytes())
            .expect("the title");
        let mut damaged = bytes;
        damaged[title + 3] = 0xff;
        assert_eq!(
            in_memory(damaged)
                .expect("header intact")
                .get(offsets[0])
                .map(|_| ()),
            Err(HitFileError::Malformed {
                offset: offsets[0],
                what: "text is not UTF-8"
            })
        );
    }

    #[test]
    fn format_1_files_are_still_read() {
        // Format 1 had no number keys: a record without a parsable number is written alike.
        let (mut bytes, offsets) = file_of(&[record("laws-7", None)]);
        bytes[..MAGIC.len()].copy_from_slice(MAGIC_1);
        let file = in_memory(bytes).expect("a format 1 side file");
        let (hit, _) = file.get(offsets[0]).expect("a record");
        assert_eq!(hit.id, "laws-7");
        assert_eq!(hit.number_keys, None);
    }
}
