//! Integration tests of the crawler against the testkit fixture portal (127.0.0.1 only).

mod conversion;
mod files;
mod flaky;
mod full;
mod politeness;
mod resume;

use std::path::PathBuf;

use crawler::CrawlerConfig;

/// A fast configuration for tests: tiny delays and back-offs.
pub fn fast_config(base_url: &str) -> CrawlerConfig {
    CrawlerConfig {
        base_url: base_url.to_string(),
        min_delay_ms: 0,
        max_delay_ms: 50,
        delay_factor: 0.0,
        jitter: 0.0,
        backoff_ms: 20,
        max_backoff_ms: 2_000,
        request_timeout_ms: 5_000,
        connect_timeout_ms: 2_000,
        ..CrawlerConfig::default()
    }
}

/// A temporary archive folder and state database.
pub struct Workspace {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

impl Workspace {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("archive")
    }
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state.db")
    }
    /// `(WARC type, target URI, HTTP status)` of every record in the archive.
    pub fn records(&self) -> Vec<(String, String, u16)> {
        let mut out = Vec::new();
        for f in crawler::replay::warc_files(&[self.archive()]).unwrap() {
            for r in crawler::warc::WarcReader::open(&f).unwrap() {
                let r = r.unwrap();
                let status = crawler::warc::parse_http_response(&r.block).map_or(0, |h| h.status);
                out.push((
                    r.warc_type().to_string(),
                    r.target_uri().unwrap_or("").to_string(),
                    status,
                ));
            }
        }
        out
    }
}
