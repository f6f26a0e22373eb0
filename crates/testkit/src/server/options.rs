//! Server options: faults and mutations for crawler tests. Everything is off by default.

use std::time::Duration;

/// How the flood blocker answers once the limit is exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloodStyle {
    /// NukeViet 4.5: HTTP 429 with `Retry-After` and the "Hãy đợi..." page.
    Status429,
    /// NukeViet 4.3/4.4: the same "Hãy đợi..." page with HTTP 200 and no `Retry-After`.
    Status200,
}

/// NukeViet's flood blocker: at most `limit` counted requests per sliding `window`.
///
/// Every request counts except static files (`/uploads/`, `/assets/`, `/themes/`), as on a
/// real portal where those bypass PHP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flood {
    /// Requests allowed per window.
    pub limit: usize,
    /// Window length.
    pub window: Duration,
    /// 429 or 200 flavour.
    pub style: FloodStyle,
    /// Fixed `Retry-After` seconds; `None` computes the time until the window frees a slot.
    pub retry_after: Option<u64>,
}

/// How a legacy-encoded page declares its charset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyLabel {
    /// `Content-Type: text/html; charset=windows-1258` and a matching `<meta>`.
    Header,
    /// `Content-Type: text/html` without charset; only the `<meta http-equiv>` names it.
    MetaOnly,
    /// No declaration at all (needs detection).
    Undeclared,
}

/// Faults and mutations. Build with the chained methods, e.g.
/// `Options::default().fail_503_times("/laws/", 2, Some(1))`.
///
/// Paths are matched against the request path (percent-decoded) plus `?query` when the
/// option's path contains `?`, else against the path alone.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Flood blocker, `None` = unlimited.
    pub flood: Option<Flood>,
    /// `(path, times, retry_after)`: answer 503 the first `times` requests.
    pub fail_503: Vec<(String, u32, Option<u64>)>,
    /// `(path, delay)`: wait before answering.
    pub slow: Vec<(String, Duration)>,
    /// `(a, b)`: `a` redirects (302) to `b` and `b` back to `a`.
    pub redirect_loops: Vec<(String, String)>,
    /// `(path, bytes)`: an HTML page of about `bytes` bytes.
    pub oversized: Vec<(String, usize)>,
    /// `(path, label)`: a Vietnamese page in windows-1258 bytes.
    pub legacy_pages: Vec<(String, LegacyLabel)>,
    /// Paths answering a malformed but extractable news article.
    pub malformed_pages: Vec<String>,
    /// Replaces the site's robots.txt body.
    pub robots_txt: Option<String>,
    /// Counter generation: with `n > 0` every view/download/visit counter is increased by `n`
    /// (volatile metadata that must not count as a change).
    pub generation: u32,
    /// `(path, html)`: inserted at the start of that page's body text (a real content change).
    pub changed_bodies: Vec<(String, String)>,
    /// A flaky portal: this fraction of requests (robots.txt excepted) answers 503 without
    /// `Retry-After`. Which ones is decided from the seed, the request target and how often it
    /// was asked before, so the same crawl meets the same faults whatever the timing.
    pub random_503: Option<Random503>,
    /// Added to every response (a slow or distant portal).
    pub latency: Option<Duration>,
    /// A portal that goes down: after this many requests every request answers 503.
    pub down_after: Option<usize>,
}

/// Random transient 503s (see [`Options::random_503`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Random503 {
    /// Fraction of requests failed, 0..=1.
    pub rate: f64,
    /// Seed of the decisions.
    pub seed: u64,
}

impl Options {
    /// All faults off (same as `Default`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Enables the flood blocker with a computed `Retry-After`.
    pub fn flood(mut self, limit: usize, window: Duration, style: FloodStyle) -> Self {
        self.flood = Some(Flood {
            limit,
            window,
            style,
            retry_after: None,
        });
        self
    }

    /// Enables the flood blocker with a fixed `Retry-After` (seconds).
    pub fn flood_with_retry_after(
        mut self,
        limit: usize,
        window: Duration,
        style: FloodStyle,
        retry_after: u64,
    ) -> Self {
        self.flood = Some(Flood {
            limit,
            window,
            style,
            retry_after: Some(retry_after),
        });
        self
    }

    /// Answers 503 (with `Retry-After` when given) to the first `times` requests of `path`.
    pub fn fail_503_times(
        mut self,
        path: impl Into<String>,
        times: u32,
        retry_after: Option<u64>,
    ) -> Self {
        self.fail_503.push((path.into(), times, retry_after));
        self
    }

    /// Delays every response for `path`.
    pub fn slow(mut self, path: impl Into<String>, delay: Duration) -> Self {
        self.slow.push((path.into(), delay));
        self
    }

    /// Makes `a` and `b` redirect to each other forever.
    pub fn redirect_loop(mut self, a: impl Into<String>, b: impl Into<String>) -> Self {
        self.redirect_loops.push((a.into(), b.into()));
        self
    }

    /// Serves an HTML page of about `bytes` bytes at `path`.
    pub fn oversized(mut self, path: impl Into<String>, bytes: usize) -> Self {
        self.oversized.push((path.into(), bytes));
        self
    }

    /// Serves a windows-1258 encoded page at `path`.
    pub fn legacy_page(mut self, path: impl Into<String>, label: LegacyLabel) -> Self {
        self.legacy_pages.push((path.into(), label));
        self
    }

    /// Serves a malformed NukeViet-shaped article at `path`.
    pub fn malformed_page(mut self, path: impl Into<String>) -> Self {
        self.malformed_pages.push(path.into());
        self
    }

    /// Replaces robots.txt.
    pub fn robots_txt(mut self, body: impl Into<String>) -> Self {
        self.robots_txt = Some(body.into());
        self
    }

    /// Sets the counter generation (see [`Options::generation`]).
    pub fn generation(mut self, generation: u32) -> Self {
        self.generation = generation;
        self
    }

    /// Inserts `html` at the start of the body text of the page at `path`.
    pub fn change_body(mut self, path: impl Into<String>, html: impl Into<String>) -> Self {
        self.changed_bodies.push((path.into(), html.into()));
        self
    }

    /// Answers a fraction `rate` of requests with a transient 503 without `Retry-After`.
    pub fn random_503(mut self, rate: f64, seed: u64) -> Self {
        self.random_503 = Some(Random503 { rate, seed });
        self
    }

    /// Delays every response by `latency`.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }

    /// Answers 503 to every request after the first `requests`.
    pub fn down_after(mut self, requests: usize) -> Self {
        self.down_after = Some(requests);
        self
    }

    /// Extra paths this configuration serves that are not in the site (linked from the home
    /// page so that a crawl discovers them).
    pub(crate) fn extra_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::new();
        paths.extend(self.redirect_loops.iter().map(|(a, _)| a.clone()));
        paths.extend(self.oversized.iter().map(|(p, _)| p.clone()));
        paths.extend(self.legacy_pages.iter().map(|(p, _)| p.clone()));
        paths.extend(self.malformed_pages.iter().cloned());
        paths
    }
}
