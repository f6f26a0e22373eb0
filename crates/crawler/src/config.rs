//! Crawler settings (the `[crawler]` table of `config.toml`). Every knob has a polite default
//! that stays under NukeViet's flood limits (40 requests/minute, 150 per five minutes).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// URL patterns never requested by default (NUKEVIET.md §11): side-effect endpoints, cron,
/// captcha, theme switches, print/save/send views, search, user and contact forms, PDF
/// viewer wrappers.
pub fn default_never_request() -> Vec<String> {
    [
        "second=cronjobs",
        "second=statimg",
        "scaptcha=",
        "nv=nv-choose-theme",
        "themever=",
        "/print/",
        "op=print",
        "/savefile/",
        "op=savefile",
        "/sendmail/",
        "op=sendmail",
        "/rating/",
        "op=rating",
        "postcomment",
        "/comment/",
        "op=comment",
        "/search/",
        "op=search",
        "/seek/",
        "nv=seek",
        "/users/",
        "nv=users",
        "/contact/",
        "nv=contact",
        "pdf=1",
        "/instant-rss/",
        "/admin/",
        "/login",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

/// Everything the crawler needs to know. Unknown keys are an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlerConfig {
    /// Where to fetch from: the portal itself, or a local mirror of it.
    pub base_url: String,
    /// The public portal's address when `base_url` is a mirror: absolute links on this origin
    /// are fetched from `base_url`, records keep the public URL. When unset it is detected
    /// from the home page's canonical link / `og:url` if their origin differs from `base_url`.
    pub public_base_url: Option<String>,
    /// User-Agent sent with every request: a desktop browser string that names tracuu and
    /// the contact URL (NukeViet serves a mobile theme to mobile agents).
    pub user_agent: String,
    /// Contact page for portal administrators, appended to the User-Agent when missing.
    pub contact_url: String,
    /// Minimum wait between two requests to the host, in milliseconds.
    pub min_delay_ms: u64,
    /// Upper bound of the adaptive wait (Crawl-delay still wins), in milliseconds.
    pub max_delay_ms: u64,
    /// The wait is at least this factor times the duration of the last fetch.
    pub delay_factor: f64,
    /// Random extra wait as a fraction of the computed wait (0.2 = up to +20 %).
    pub jitter: f64,
    /// Longest robots.txt `Crawl-delay` honoured, in seconds (longer values are capped).
    pub max_crawl_delay_secs: f64,
    /// Retries of a URL after 429/503/5xx/timeouts before it is marked failed (it is tried
    /// again by the next crawl).
    pub max_retries: u32,
    /// Wait before retrying a URL that got a 5xx, 429 or timeout without `Retry-After`, doubled
    /// at each attempt (the host serves other URLs meanwhile); also the first pause of the
    /// whole host after three throttling answers in a row, doubled at each further one (ms).
    pub backoff_ms: u64,
    /// Longest back-off or `Retry-After` honoured, in milliseconds.
    pub max_backoff_ms: u64,
    /// The host counts as down after this many failed requests in a row (connection errors,
    /// timeouts, 5xx)...
    pub host_down_failures: u32,
    /// ...spanning at least this long (ms): the crawl then stops with a report, and the next
    /// call resumes it.
    pub host_down_after_ms: u64,
    /// A robots.txt fetched less than this long ago (seconds) is reused from the state
    /// database instead of fetched again (RFC 9309 allows 24 hours); 0 always fetches it
    /// (`tracuu crawl --refresh-robots`).
    pub robots_max_age_secs: u64,
    /// With several sites (`[[sites]]`), how many hosts are crawled at the same time (each
    /// still one request at a time at its own pace).
    pub max_hosts_in_parallel: usize,
    /// Whole-request timeout (headers and body), in milliseconds.
    pub request_timeout_ms: u64,
    /// TCP connect timeout, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Bodies longer than this are cut and archived with `WARC-Truncated: length`.
    pub max_body_bytes: u64,
    /// Redirect hops followed from one URL before giving up (loops stop here).
    pub max_redirects: u32,
    /// WARC files are rotated once they reach this size, in bytes.
    pub warc_max_bytes: u64,
    /// Prefix of WARC file names.
    pub warc_prefix: String,
    /// When non-empty, only URLs matching one of these patterns are crawled (`*` wildcard,
    /// otherwise substring match).
    pub include: Vec<String>,
    /// URLs matching any of these patterns are not crawled.
    pub exclude: Vec<String>,
    /// URLs matching any of these patterns are never requested (defaults: NUKEVIET.md §11).
    pub never_request: Vec<String>,
    /// Stop after this many requests in one call (0 = no limit); the next call resumes.
    pub max_pages: u64,
    /// Fetch document attachments (`?download=1&id=N`, PDF/DOC files), each once.
    pub fetch_attachments: bool,
    /// Also seed `/sitemap.xml` when robots.txt names no sitemap.
    pub use_sitemaps: bool,
    /// On a recrawl, skip detail pages whose sitemap `<lastmod>` is older than their last
    /// capture (counted as unchanged). Off by default: NukeViet's lastmod is the publish or
    /// posting time, so edits made later would be missed.
    pub trust_sitemap_lastmod: bool,
    /// OCR scanned attachments with Tesseract after a crawl (when it is installed).
    pub ocr: bool,
    /// Time limit for the OCR of one page, in seconds.
    pub ocr_page_timeout_secs: u64,
    /// Pages OCRed at once (0: one per core).
    pub ocr_threads: usize,
}

impl Default for CrawlerConfig {
    fn default() -> Self {
        Self {
            base_url: "https://thanuyen.laichau.gov.vn/".into(),
            public_base_url: None,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 tracuu/0.1 (+https://github.com/tracuu/tracuu)".into(),
            contact_url: "https://github.com/tracuu/tracuu".into(),
            min_delay_ms: 2500,
            max_delay_ms: 30_000,
            delay_factor: 3.0,
            jitter: 0.2,
            max_crawl_delay_secs: 60.0,
            max_retries: 3,
            backoff_ms: 500,
            max_backoff_ms: 900_000,
            host_down_failures: 10,
            host_down_after_ms: 300_000,
            robots_max_age_secs: 86_400,
            max_hosts_in_parallel: 4,
            request_timeout_ms: 30_000,
            connect_timeout_ms: 10_000,
            max_body_bytes: 50 * 1024 * 1024,
            max_redirects: 5,
            warc_max_bytes: 1_000_000_000,
            warc_prefix: "tracuu".into(),
            include: Vec::new(),
            exclude: Vec::new(),
            never_request: default_never_request(),
            max_pages: 0,
            fetch_attachments: true,
            use_sitemaps: true,
            trust_sitemap_lastmod: false,
            ocr: true,
            ocr_page_timeout_secs: 120,
            ocr_threads: 0,
        }
    }
}

impl CrawlerConfig {
    /// Checks values; returns the parsed base URL.
    pub fn validate(&self) -> Result<url::Url> {
        let base = url::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base_url {:?}: {e}", self.base_url)))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base_url must be http(s): {}",
                self.base_url
            )));
        }
        if let Some(p) = &self.public_base_url {
            url::Url::parse(p).map_err(|e| Error::Config(format!("public_base_url {p:?}: {e}")))?;
        }
        if !(self.delay_factor.is_finite() && self.delay_factor >= 0.0) {
            return Err(Error::Config("delay_factor must be >= 0".into()));
        }
        if !(self.jitter.is_finite() && (0.0..=1.0).contains(&self.jitter)) {
            return Err(Error::Config("jitter must be between 0 and 1".into()));
        }
        if self.user_agent.trim().is_empty() {
            return Err(Error::Config("user_agent must not be empty".into()));
        }
        if self.request_timeout_ms == 0 || self.connect_timeout_ms == 0 {
            return Err(Error::Config("timeouts must be > 0".into()));
        }
        Ok(base)
    }

    /// The User-Agent actually sent: `user_agent`, plus `(+contact_url)` when it lacks it.
    pub fn effective_user_agent(&self) -> String {
        if self.contact_url.is_empty() || self.user_agent.contains(&self.contact_url) {
            self.user_agent.clone()
        } else {
            format!("{} (+{})", self.user_agent, self.contact_url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_polite_and_valid() {
        let c = CrawlerConfig::default();
        c.validate().unwrap();
        assert!(
            c.min_delay_ms >= 1500,
            "40 requests/minute is the flood limit"
        );
        assert!(c.effective_user_agent().contains("tracuu"));
        assert!(c.never_request.iter().any(|p| p.contains("cronjobs")));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err =
            serde_json::from_str::<CrawlerConfig>(r#"{"min_delay_ms": 5, "nope": 1}"#).unwrap_err();
        assert!(err.to_string().contains("nope"));
        let c: CrawlerConfig = serde_json::from_str(r#"{"min_delay_ms": 5}"#).unwrap();
        assert_eq!(c.min_delay_ms, 5);
        assert_eq!(c.max_retries, 3);
    }

    #[test]
    fn bad_values_are_errors() {
        let c = CrawlerConfig {
            base_url: "ftp://x".into(),
            ..Default::default()
        };
        assert!(c.validate().is_err());
        let c = CrawlerConfig {
            jitter: 3.0,
            ..Default::default()
        };
        assert!(c.validate().is_err());
    }
}
