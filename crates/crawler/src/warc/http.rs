//! HTTP messages inside WARC blocks: the response head the writer stores, and the parser that
//! reads a stored response back (status, headers, body with its encodings removed on demand).

use std::io::Read;

use super::find;

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

/// The head of an HTTP response: status, headers, and where the body starts in the block.
pub(super) struct HttpHead {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body_start: usize,
}

impl HttpHead {
    /// A header (case-insensitive).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl HttpResponse {
    /// A header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
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
        out.extend_from_slice(body.get(pos..pos.checked_add(size)?)?);
        pos += size + 2;
        if pos > body.len() {
            return None;
        }
    }
}

/// The media type of a `Content-Type` value, without its parameters:
/// `text/html; charset=utf-8` gives `text/html`.
pub(crate) fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// Parses the head of an `application/http;msgtype=response` block.
pub(super) fn parse_http_head(block: &[u8]) -> Option<HttpHead> {
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
    Some(HttpHead {
        status,
        headers,
        body_start: end.1,
    })
}

/// Parses an `application/http;msgtype=response` block.
pub fn parse_http_response(block: &[u8]) -> Option<HttpResponse> {
    let head = parse_http_head(block)?;
    Some(HttpResponse {
        status: head.status,
        headers: head.headers,
        body: block[head.body_start..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

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
    fn hostile_chunk_sizes_do_not_panic() {
        let r = HttpResponse {
            status: 200,
            headers: vec![("Transfer-Encoding".into(), "chunked".into())],
            body: b"ffffffffffffffff\r\nhello\r\n0\r\n\r\n".to_vec(),
        };
        // Undecodable chunking leaves the body as stored.
        assert_eq!(r.decoded_body(), r.body);
        let r = HttpResponse {
            body: b"5\r\nhello".to_vec(),
            ..r
        };
        assert_eq!(r.decoded_body(), r.body);
    }
}
