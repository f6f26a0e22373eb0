//! Fetching: one GET without redirects or decompression (the archive keeps the bytes as
//! received), the request as sent for the WARC request record, the body capped at
//! `max_body_bytes`, and typed fetch errors.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::cookie::{CookieStore, Jar};
use url::Url;

use crate::config::CrawlerConfig;
use crate::error::{Error, Result};
use crate::state::PriorCapture;

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FetchError {
    /// The request (or its body) took longer than `request_timeout_ms`.
    Timeout,
    /// The TCP/TLS connection could not be made (refused, unreachable, connect timeout).
    Connect,
    /// The body was cut off or malformed.
    Body,
    /// Any other transport error.
    Network,
}

impl FetchError {
    /// Every variant (their names are the failure reasons stored in the state database).
    pub(crate) const ALL: [FetchError; 4] = [
        FetchError::Timeout,
        FetchError::Connect,
        FetchError::Body,
        FetchError::Network,
    ];

    fn classify(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            FetchError::Timeout
        } else if e.is_connect() {
            FetchError::Connect
        } else if e.is_body() || e.is_decode() {
            FetchError::Body
        } else {
            FetchError::Network
        }
    }

    /// Whether `reason` (as stored in the state database) names one of these failures.
    pub(crate) fn is_reason(reason: &str) -> bool {
        Self::ALL.iter().any(|e| e.as_str() == reason)
    }

    /// The reason as stored and reported.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FetchError::Timeout => "timeout",
            FetchError::Connect => "connection failed",
            FetchError::Body => "body error",
            FetchError::Network => "network error",
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP answer, as received.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    /// Status code.
    pub(crate) status: u16,
    /// Reason phrase.
    pub(crate) reason: String,
    /// Headers in received order, names in HTTP/1.1 case.
    pub(crate) headers: Vec<(String, String)>,
    /// The entity body (de-chunked, not decompressed), possibly truncated.
    pub(crate) body: Vec<u8>,
    /// Whether the body was cut at the cap.
    pub(crate) truncated: bool,
    /// The server's address.
    pub(crate) ip: Option<IpAddr>,
    /// The request as sent.
    pub(crate) request: Vec<u8>,
    /// When the request was sent.
    pub(crate) date: DateTime<Utc>,
}

impl Fetched {
    /// A header (case-insensitive), first occurrence.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The HTTP client of a crawl: one cookie jar per run, no redirects, no decompression.
pub(crate) struct Fetcher {
    client: reqwest::Client,
    jar: Arc<Jar>,
    ua: String,
    cap: usize,
}

impl Fetcher {
    /// A client for `config`.
    pub(crate) fn new(config: &CrawlerConfig) -> Result<Self> {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(config.request_timeout_ms))
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
            .cookie_provider(Arc::clone(&jar))
            .http1_only()
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .build()
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(Self {
            client,
            jar,
            ua: config.effective_user_agent(),
            cap: usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX),
        })
    }

    /// Sends one GET (conditional when `prior` has validators) and reads the body up to the
    /// cap.
    pub(crate) async fn get(
        &self,
        url: &Url,
        prior: Option<&PriorCapture>,
    ) -> std::result::Result<Fetched, FetchError> {
        let date = Utc::now();
        let mut headers: Vec<(&str, String)> = vec![
            ("User-Agent", self.ua.clone()),
            (
                "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".into(),
            ),
            ("Accept-Language", "vi-VN,vi;q=0.9,en;q=0.5".into()),
            ("Accept-Encoding", "gzip".into()),
        ];
        if let Some(p) = prior {
            if let Some(etag) = &p.etag {
                headers.push(("If-None-Match", etag.clone()));
            }
            if let Some(lm) = &p.last_modified {
                headers.push(("If-Modified-Since", lm.clone()));
            }
        }
        let mut req = self.client.get(url.clone());
        for (k, v) in &headers {
            req = req.header(*k, v.as_str());
        }
        let cookie = self
            .jar
            .cookies(url)
            .and_then(|v| v.to_str().ok().map(String::from));
        let mut request = format!("GET {} HTTP/1.1\r\n", path_and_query(url));
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        request.push_str(&format!("Host: {host}\r\n"));
        for (k, v) in &headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(c) = &cookie {
            request.push_str(&format!("Cookie: {c}\r\n"));
        }
        request.push_str("\r\n");
        let mut resp = req.send().await.map_err(|e| FetchError::classify(&e))?;
        let status = resp.status();
        let ip = resp.remote_addr().map(|a| a.ip());
        let resp_headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    canonical_header_name(k.as_str()),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(|e| FetchError::classify(&e))? {
            let room = self.cap.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers: resp_headers,
            body,
            truncated,
            ip,
            request: request.into_bytes(),
            date,
        })
    }
}

/// The path and query of a URL, as in a request line.
pub(crate) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// `content-type` -> `Content-Type` (HTTP/1.1 presentation in the archive).
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        assert_eq!(canonical_header_name("content-type"), "Content-Type");
        assert_eq!(canonical_header_name("etag"), "Etag");
    }

    #[test]
    fn request_line_keeps_the_query() {
        let u = Url::parse("http://h/index.php?nv=news&op=x").unwrap();
        assert_eq!(path_and_query(&u), "/index.php?nv=news&op=x");
    }
}
