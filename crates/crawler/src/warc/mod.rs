//! WARC 1.1 archive: an in-house writer (one gzip member per record, request + response,
//! revisit and metadata records, SHA-1 block and payload digests, size rotation with
//! `.warc.gz.open` files renamed on close), a reader that iterates records with their
//! compressed offsets, HTTP message parsing for record blocks, and a CDXJ index (pywb flavour:
//! SURT key, timestamp, JSON) collected while writing.
//!
//! See CRAWLING.md §2. The payload digest covers the entity body as received on the wire with
//! transfer-encoding removed but content-encoding kept (the HTTP client never decompresses).

mod cdxj;
mod http;
mod reader;
mod scan;
mod writer;

use std::path::Path;

use sha1::{Digest, Sha1};

use crate::error::Error;

pub use cdxj::{cdxj_path, write_cdxj};
pub(crate) use http::media_type;
pub use http::{HttpResponse, http_response_head, parse_http_response};
pub use reader::{MAX_RECORD_BYTES, WarcReader, WarcRecord, read_record_at};
pub use scan::{Damage, FileCheck, Scan, block_digest_problem, verify_file};
pub use writer::{Exchange, Location, RefersTo, WarcWriter, Written, recover_open_files};

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

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_format() {
        // SHA-1 of the empty string, base32.
        assert_eq!(sha1_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }
}
