//! The `[server]` configuration: bind address, admin token and the request limits.
//!
//! The CLI loads it from `config.toml` (unknown keys are an error) and applies environment and
//! command-line overrides before handing it to [`crate::AppState`]; this crate never reads the
//! environment itself.

use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

/// Settings of the HTTP service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:8080`).
    pub bind: SocketAddr,
    /// Bearer token for `/api/admin/*`. When unset, every admin endpoint answers 404 as if it
    /// did not exist.
    pub admin_token: Option<String>,
    /// Public base URL of the service (`https://tracuu.example.vn`), used for absolute links in
    /// RSS feeds and citations. When unset, links are built from the request's `Host` header.
    pub public_url: Option<String>,
    /// Longest accepted query, in characters; longer queries get a 400.
    pub max_query_len: usize,
    /// Largest accepted `per_page`; larger values get a 400.
    pub max_per_page: usize,
    /// `per_page` when the request does not say.
    pub default_per_page: usize,
    /// Deepest hit reachable with `page`/`per_page` (offset + per_page); deeper pages must
    /// use the `cursor`.
    pub max_offset: usize,
    /// Requests taking longer than this many milliseconds are answered with a 503.
    pub request_timeout_ms: u64,
    /// How many requests are handled at once; further requests wait (within the timeout).
    pub concurrency_limit: usize,
    /// How many items an RSS feed carries.
    pub rss_items: usize,
    /// Most rows a CSV / JSON-lines export streams before it stops.
    pub export_max_rows: usize,
    /// Memory for cached pages of search results, in MiB (0 disables the cache). A
    /// generation never changes once built, so a cached page stays right until the next
    /// reindex or rollback, which empties the cache.
    pub search_cache_mb: usize,
    /// How many searches run on the index at once (0: one per CPU core). Further searches
    /// wait their turn, so cached answers and other requests keep a share of the CPU.
    pub search_threads: usize,
    /// How many exports (CSV, JSON lines) and RSS feeds one client (IP address) may ask for
    /// per minute; more get a 429 with `Retry-After` (0: no limit).
    pub expensive_per_minute: u32,
    /// Reverse proxies in front of the service (their IP addresses). A request from one of
    /// them is counted against the client it names in `X-Forwarded-For` (the rightmost address
    /// that is not itself a trusted proxy) for the per-client limits; from any other peer the
    /// header is ignored, so clients cannot pick their own identity.
    pub trusted_proxies: Vec<IpAddr>,
    /// Crawl every site (then reindex) when the latest crawl started this many minutes ago
    /// (1440: daily); 0 never crawls by itself (`POST /api/admin/crawl` still does).
    pub crawl_every_minutes: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_token: None,
            public_url: None,
            max_query_len: 512,
            max_per_page: 100,
            default_per_page: 20,
            max_offset: 10_000,
            request_timeout_ms: 10_000,
            concurrency_limit: 256,
            rss_items: 50,
            export_max_rows: 100_000,
            search_cache_mb: 64,
            search_threads: 0,
            expensive_per_minute: 30,
            trusted_proxies: Vec::new(),
            crawl_every_minutes: 0,
        }
    }
}

impl ServerConfig {
    /// The period of scheduled crawls, if they are on.
    pub fn crawl_every(&self) -> Option<std::time::Duration> {
        (self.crawl_every_minutes > 0)
            .then(|| std::time::Duration::from_secs(self.crawl_every_minutes.saturating_mul(60)))
    }

    /// How many searches may run at once: `search_threads`, or the number of CPU cores.
    pub(crate) fn search_permits(&self) -> usize {
        match self.search_threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// The admin token, if one is set and not blank.
    pub(crate) fn admin_token(&self) -> Option<&str> {
        self.admin_token.as_deref().filter(|t| !t.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml_like(r#"{"bind": "127.0.0.1:9000", "colour": "blue"}"#).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn missing_keys_take_defaults() {
        let config = toml_like(r#"{"max_per_page": 50}"#).unwrap();
        assert_eq!(config.max_per_page, 50);
        assert_eq!(config.bind, ServerConfig::default().bind);
        assert_eq!(config.admin_token(), None);
    }

    #[test]
    fn blank_admin_token_counts_as_unset() {
        let config = toml_like(r#"{"admin_token": "  "}"#).unwrap();
        assert_eq!(config.admin_token(), None);
    }

    #[test]
    fn search_threads_default_to_one_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(ServerConfig::default().search_permits(), cores);
        let config = toml_like(r#"{"search_threads": 3}"#).unwrap();
        assert_eq!(config.search_permits(), 3);
    }

    fn toml_like(json: &str) -> serde_json::Result<ServerConfig> {
        serde_json::from_str(json)
    }
}
