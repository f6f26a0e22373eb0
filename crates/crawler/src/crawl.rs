//! The polite crawl loop: robots.txt, discovery (home, sitemaps, RSS, listings with
//! `rel=next`, in-scope links), one request at a time with adaptive delays and back-off,
//! every response archived to WARC and committed to the state database in one step.
//!
//! Politeness (CRAWLING.md §0, NUKEVIET.md §11): exactly one request in flight (the loop is
//! sequential); wait = max(min delay, factor × last fetch time, Crawl-delay) + jitter; 429 and
//! 503 honour `Retry-After`, otherwise exponential back-off; the flood page is detected even
//! with status 200; one cookie jar per run; never-request list; redirects are not followed
//! automatically but scheduled (off-site ones recorded as external).

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use reqwest::cookie::{CookieStore, Jar};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::canon;
use crate::config::CrawlerConfig;
use crate::error::{Error, Result};
use crate::extract::{self, Extracted};
use crate::requisites;
use crate::robots::Robots;
use crate::state::{CaptureRow, State, UrlKind};
use crate::warc::{self, Exchange, PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, RefersTo, WarcWriter};

/// A progress snapshot, given to the caller's callback after every fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Requests made in this call.
    pub fetched: u64,
    /// URLs still queued.
    pub queued: u64,
    /// URLs failed so far in this call.
    pub failed: u64,
    /// The URL just fetched.
    pub url: String,
    /// Its HTTP status (0 when no response arrived).
    pub status: u16,
}

/// What a crawl call did. Also stored (as JSON) in the state database's `runs` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlReport {
    /// The run id in the state database.
    pub run_id: i64,
    /// Whether this call resumed an unfinished run.
    pub resumed: bool,
    /// Whether the run reached the end of its frontier (false when stopped by `max_pages`).
    pub finished: bool,
    /// HTTP requests made (every response, including errors and redirects).
    pub fetched: u64,
    /// Documents (news, legal) seen for the first time.
    pub new: u64,
    /// Documents whose extracted content changed since the last capture.
    pub changed: u64,
    /// Documents whose extracted content did not change.
    pub unchanged: u64,
    /// `response` records written.
    pub responses: u64,
    /// `revisit` records written.
    pub revisits: u64,
    /// URLs answered with 404/410 or redirected to the laws home ("gone").
    pub gone: u64,
    /// Redirects to another site, recorded and not followed.
    pub external: u64,
    /// URLs not fetched because robots.txt disallows them.
    pub robots_disallowed: u64,
    /// Times the host asked us to slow down (429, 503, flood page).
    pub throttled: u64,
    /// Detail pages not refetched because their sitemap lastmod predates the last capture.
    pub skipped_by_lastmod: u64,
    /// Page requisites fetched (stylesheets, images, fonts, scripts).
    #[serde(default)]
    pub requisites: u64,
    /// Failed URLs by reason (`timeout`, `http 503`, `redirect loop`, ...).
    pub failed: BTreeMap<String, u64>,
    /// Payload bytes received.
    pub bytes: u64,
    /// Wall time of this call, in milliseconds.
    pub elapsed_ms: u64,
    /// The public portal origin used for records (configured or detected).
    pub public_base_url: Option<String>,
    /// WARC files closed by this call.
    pub warc_files: Vec<String>,
}

impl CrawlReport {
    /// Total failed URLs.
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }
}

impl fmt::Display for CrawlReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Lượt thu thập #{}{}: {}",
            self.run_id,
            if self.resumed { " (tiếp tục)" } else { "" },
            if self.finished {
                "hoàn tất"
            } else {
                "tạm dừng, chạy lại để tiếp tục"
            }
        )?;
        writeln!(
            f,
            "  Đã tải: {} yêu cầu ({} tệp giao diện: CSS, ảnh, phông chữ, script), {} byte, {:.1} giây",
            self.fetched,
            self.requisites,
            self.bytes,
            self.elapsed_ms as f64 / 1000.0
        )?;
        writeln!(
            f,
            "  Tài liệu: {} mới, {} thay đổi, {} không đổi ({} bỏ qua theo lastmod của sitemap)",
            self.new, self.changed, self.unchanged, self.skipped_by_lastmod
        )?;
        writeln!(
            f,
            "  Bản ghi WARC: {} response, {} revisit",
            self.responses, self.revisits
        )?;
        writeln!(
            f,
            "  Không còn: {}, chuyển ra ngoài: {}, robots.txt chặn: {}, bị yêu cầu chậm lại: {}",
            self.gone, self.external, self.robots_disallowed, self.throttled
        )?;
        if self.failed.is_empty() {
            write!(f, "  Lỗi: 0")?;
        } else {
            let parts: Vec<String> = self
                .failed
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            write!(f, "  Lỗi: {} ({})", self.failed_total(), parts.join(", "))?;
        }
        Ok(())
    }
}

/// One HTTP answer, as received.
struct Fetched {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    truncated: bool,
    ip: Option<IpAddr>,
    request: Vec<u8>,
    date: chrono::DateTime<Utc>,
}

impl Fetched {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A URL found on a page, ready for the frontier.
struct Discovery {
    key: String,
    url: String,
    kind: UrlKind,
    lastmod: Option<String>,
}

/// Decodes an HTML/XML payload (content-encoding removed) to NFC text, honouring the HTTP
/// charset, then a `<meta charset>` prescan, then detection.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    let has_charset = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("charset="));
    if has_charset {
        return vietnamese::decode(body, content_type).text;
    }
    let head = &body[..body.len().min(2048)];
    let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(pos) = head_text.find("charset=") {
        let rest = &head_text[pos + 8..];
        let label: String = rest
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !label.is_empty() && encoding_is_known(&label) {
            return vietnamese::decode(body, Some(&format!("text/html; charset={label}"))).text;
        }
    }
    vietnamese::decode(body, content_type).text
}

fn encoding_is_known(label: &str) -> bool {
    // vietnamese::decode resolves labels with encoding_rs; the common ones suffice here.
    matches!(
        label,
        "utf-8"
            | "utf8"
            | "windows-1258"
            | "cp1258"
            | "windows-1252"
            | "iso-8859-1"
            | "latin1"
            | "us-ascii"
            | "ascii"
            | "utf-16"
            | "utf-16le"
            | "utf-16be"
            | "x-cp1258"
    )
}

/// Reads `<loc>`/`<lastmod>` pairs from a sitemap or sitemap index, and `<link>`/`<guid>`
/// from RSS/Atom. Returns `(is_sitemap_index, entries)`.
pub fn parse_xml_links(xml: &str) -> (bool, Vec<(String, Option<String>)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut is_index = false;
    let mut out = Vec::new();
    let mut loc: Option<String> = None;
    let mut lastmod: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "sitemapindex" {
                    is_index = true;
                }
                stack.push(name);
                text.clear();
            }
            Ok(Event::Empty(e)) => {
                // Atom: <link href="..."/>
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "link" {
                    let rel = e
                        .try_get_attribute("rel")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if rel.as_deref().is_none_or(|r| r == "alternate")
                        && let Ok(Some(h)) = e.try_get_attribute("href")
                    {
                        out.push((String::from_utf8_lossy(&h.value).into_owned(), None));
                    }
                }
            }
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::CData(t)) => text.push_str(&String::from_utf8_lossy(&t.into_inner())),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = String::from_utf8_lossy(&r.into_inner()).into_owned();
                    text.push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(_)) => {
                let name = stack.pop().unwrap_or_default();
                let value = text.trim().to_string();
                match name.as_str() {
                    "loc" => loc = Some(value),
                    "lastmod" => lastmod = Some(value),
                    "link" if stack.iter().any(|s| s == "item" || s == "entry") => {
                        out.push((value, None))
                    }
                    "url" | "sitemap" => {
                        if let Some(l) = loc.take() {
                            out.push((l, lastmod.take()));
                        }
                        lastmod = None;
                    }
                    _ => {}
                }
                text.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (is_index, out)
}

/// Parses `Retry-After` (seconds or an HTTP date) into a duration from now.
fn retry_after(value: Option<&str>) -> Option<Duration> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (when.with_timezone(&Utc) - Utc::now()).num_milliseconds();
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// "Hãy đợi N giây" on the flood page.
fn flood_wait(html: &str) -> Option<Duration> {
    let pos = html.find("Hãy đợi")?;
    let rest = &html[pos + "Hãy đợi".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(Duration::from_secs)
}

fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || (ct.starts_with("text/plain") && body.starts_with(b"<"))
        }
        None => {
            let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            head.contains("<html") || head.contains("<!doctype html")
        }
    }
}

fn is_xml(content_type: Option<&str>, url: &Url, body: &[u8]) -> bool {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    ct.contains("xml")
        || url.path().ends_with(".xml")
        || url.path().ends_with(".xml.gz")
        || body.starts_with(b"<?xml")
}

const SKIP_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "css", "js", "woff", "woff2", "ttf",
    "eot", "mp3", "mp4", "avi", "mov", "wmv", "flv", "swf", "map",
];
const DOC_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "rtf", "zip", "rar", "7z",
];

fn extension(url: &Url) -> Option<String> {
    let last = url.path().rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// Runs (or resumes) a crawl. `archive_dir` receives WARC + CDXJ files, `state_db` is the
/// SQLite state. `progress` is called after every request.
///
/// A run that ends (empty frontier) is marked finished; the next call starts a new run that
/// revisits every page (unchanged payloads become `revisit` records) but never re-downloads an
/// archived attachment. A call stopped by `max_pages`, an error or a kill is resumed by the next
/// call without fetching again what was archived.
pub async fn crawl(
    config: &CrawlerConfig,
    archive_dir: &Path,
    state_db: &Path,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<CrawlReport> {
    let base = config.validate()?;
    let started = Instant::now();
    let mut state = State::open(state_db)?;
    std::fs::create_dir_all(archive_dir).map_err(|source| Error::Io {
        path: archive_dir.to_path_buf(),
        source,
    })?;
    let recovered = warc::recover_open_files(archive_dir)?;
    let (run_id, resumed) = state.begin_run(base.as_str())?;
    let origin = canon::origin(&base);
    if let Some(previous) = state.get_meta("base_origin")?.filter(|p| *p != origin) {
        state.move_origin(&previous, &origin)?;
    }
    state.set_meta("base_origin", &origin)?;
    let host = base.host_str().unwrap_or("host").to_string();
    let info = vec![
        (
            "software".to_string(),
            format!("tracuu-crawler/{}", env!("CARGO_PKG_VERSION")),
        ),
        ("format".to_string(), "WARC File Format 1.1".to_string()),
        (
            "http-header-user-agent".to_string(),
            config.effective_user_agent(),
        ),
        ("robots".to_string(), "obey".to_string()),
        ("isPartOf".to_string(), format!("run-{run_id}")),
        (
            "description".to_string(),
            format!("tracuu crawl of {}", base),
        ),
    ];
    let writer = WarcWriter::new(
        archive_dir,
        &config.warc_prefix,
        &host,
        config.warc_max_bytes,
        info,
    )?;
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
    let public = match &config.public_base_url {
        Some(p) => Some(Url::parse(p).map_err(|e| Error::Config(e.to_string()))?),
        None => state
            .get_meta("public_base_url")?
            .and_then(|p| Url::parse(&p).ok()),
    };
    let mut c = Crawler {
        cfg: config,
        base,
        public,
        client,
        jar,
        state,
        warc: writer,
        run_id,
        report: CrawlReport {
            run_id,
            resumed,
            ..Default::default()
        },
        robots: Robots::allow_all(),
        last_finish: None,
        last_duration: Duration::ZERO,
        backoff_until: None,
        backoff_errors: 0,
        ua: config.effective_user_agent(),
        fetched_this_call: 0,
    };
    for file in &recovered {
        c.reconcile(file)?;
    }
    let outcome = c.run(progress).await;
    let closed = c.warc.close();
    c.report.warc_files = c
        .warc
        .closed_files()
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect();
    c.report.elapsed_ms = started.elapsed().as_millis() as u64;
    c.report.public_base_url = c.public.as_ref().map(|p| p.to_string());
    let json = serde_json::to_string(&c.report).unwrap_or_default();
    outcome?;
    closed?;
    if c.report.finished {
        c.state.finish_run(run_id, &json)?;
    } else {
        c.state.save_report(run_id, &json)?;
    }
    Ok(c.report)
}

struct Crawler<'a> {
    cfg: &'a CrawlerConfig,
    base: Url,
    public: Option<Url>,
    client: reqwest::Client,
    jar: Arc<Jar>,
    state: State,
    warc: WarcWriter,
    run_id: i64,
    report: CrawlReport,
    robots: Robots,
    last_finish: Option<Instant>,
    last_duration: Duration,
    backoff_until: Option<Instant>,
    backoff_errors: u32,
    ua: String,
    fetched_this_call: u64,
}

enum Outcome {
    /// Archived and final.
    Done,
    /// Try again later (throttled or transient error).
    Retry(String),
    /// Final failure with a reason.
    Failed(String),
}

impl Crawler<'_> {
    async fn run(&mut self, progress: Option<&(dyn Fn(Progress) + Sync)>) -> Result<()> {
        self.load_robots().await?;
        let home = self.base.clone();
        self.state.enqueue(
            &canon::url_key(&home),
            home.as_str(),
            UrlKind::Home,
            0,
            None,
        )?;
        loop {
            if self.cfg.max_pages > 0 && self.fetched_this_call >= self.cfg.max_pages {
                return Ok(());
            }
            let Some(item) = self.state.next_queued()? else {
                self.report.finished = true;
                return Ok(());
            };
            let Ok(url) = Url::parse(&item.url) else {
                self.state
                    .mark(&item.key, "failed", Some("bad url"), self.run_id)?;
                *self.report.failed.entry("bad url".into()).or_default() += 1;
                continue;
            };
            if !self.robots.allowed(&path_and_query(&url)) {
                self.state
                    .mark(&item.key, "skipped", Some("robots.txt"), self.run_id)?;
                self.report.robots_disallowed += 1;
                continue;
            }
            let conditional = self.state.prior_capture(&item.key)?;
            if self.cfg.trust_sitemap_lastmod
                && item.kind == UrlKind::Detail
                && let (Some(lastmod), Some(prior)) =
                    (item.lastmod.as_deref(), conditional.as_ref())
                && let (Ok(lm), Ok(captured)) = (
                    chrono::DateTime::parse_from_rfc3339(lastmod),
                    chrono::DateTime::parse_from_rfc3339(&prior.warc_date),
                )
                && lm < captured
            {
                self.state.mark(
                    &item.key,
                    "done",
                    Some("unchanged (sitemap lastmod)"),
                    self.run_id,
                )?;
                self.report.unchanged += 1;
                self.report.skipped_by_lastmod += 1;
                continue;
            }
            let fetched = self
                .fetch(
                    &url,
                    conditional
                        .as_ref()
                        .filter(|_| item.kind != UrlKind::Detail),
                )
                .await;
            self.fetched_this_call += 1;
            let outcome = match fetched {
                Ok(f) => {
                    self.report.fetched += 1;
                    self.report.bytes += f.body.len() as u64;
                    let status = f.status;
                    let o = self.handle(&item, &url, f)?;
                    if let Some(cb) = progress {
                        cb(self.progress(&url, status)?);
                    }
                    o
                }
                Err(reason) => {
                    self.report.fetched += 1;
                    self.note_error(None)?;
                    if let Some(cb) = progress {
                        cb(self.progress(&url, 0)?);
                    }
                    Outcome::Retry(reason)
                }
            };
            match outcome {
                Outcome::Done => {}
                Outcome::Retry(reason) => {
                    let attempts = self.state.retry_later(&item.key)?;
                    if attempts > self.cfg.max_retries {
                        self.state
                            .mark(&item.key, "failed", Some(&reason), self.run_id)?;
                        *self.report.failed.entry(reason).or_default() += 1;
                    }
                }
                Outcome::Failed(reason) => {
                    self.state
                        .mark(&item.key, "failed", Some(&reason), self.run_id)?;
                    *self.report.failed.entry(reason).or_default() += 1;
                }
            }
        }
    }

    fn progress(&self, url: &Url, status: u16) -> Result<Progress> {
        Ok(Progress {
            fetched: self.report.fetched,
            queued: self.state.queued_count()?,
            failed: self.report.failed_total(),
            url: url.to_string(),
            status,
        })
    }

    /// Fetches robots.txt (RFC 9309: 2xx parse, 4xx allow all, 5xx/unreachable retry with
    /// back-off, then abort: the host is deferred).
    async fn load_robots(&mut self) -> Result<()> {
        let robots_url = self
            .base
            .join("/robots.txt")
            .map_err(|e| Error::Config(e.to_string()))?;
        let mut attempts = 0;
        let mut redirects = 0;
        let mut target = robots_url.clone();
        loop {
            let f = self.fetch(&target, None).await;
            self.fetched_this_call += 1;
            match f {
                Ok(f) => {
                    self.report.fetched += 1;
                    self.archive(&target, &f, "robots", None, &[])?;
                    let status = f.status;
                    if (300..400).contains(&status) && redirects < 5 {
                        if let Some(next) = f.header("Location").and_then(|l| target.join(l).ok())
                            && canon::origin(&next) == canon::origin(&self.base)
                        {
                            redirects += 1;
                            target = next;
                            continue;
                        }
                        self.robots = Robots::allow_all();
                        return Ok(());
                    }
                    if (200..300).contains(&status) {
                        let text = decode_text(&f.body, f.header("Content-Type"));
                        self.robots = Robots::parse(&text, "tracuu");
                        self.state
                            .save_robots(&canon::origin(&self.base), Some(&text), status)?;
                        return Ok(());
                    }
                    if (400..500).contains(&status) && status != 429 {
                        self.robots = Robots::allow_all();
                        self.state
                            .save_robots(&canon::origin(&self.base), None, status)?;
                        return Ok(());
                    }
                    self.note_error(retry_after(f.header("Retry-After")))?;
                }
                Err(_) => self.note_error(None)?,
            }
            attempts += 1;
            if attempts > self.cfg.max_retries {
                self.robots = Robots::disallow_all();
                return Err(Error::Aborted(format!(
                    "robots.txt of {} is unavailable (server error); the host is deferred",
                    self.base
                )));
            }
        }
    }

    /// Sets the host back-off after a throttle or error.
    fn note_error(&mut self, hint: Option<Duration>) -> Result<()> {
        let cap = Duration::from_millis(self.cfg.max_backoff_ms);
        let wait = match hint {
            Some(d) => d.min(cap),
            None => {
                let exp = self
                    .cfg
                    .backoff_ms
                    .saturating_mul(1u64 << self.backoff_errors.min(16));
                Duration::from_millis(exp).min(cap)
            }
        };
        self.backoff_errors += 1;
        let until = Instant::now() + wait;
        self.backoff_until = Some(self.backoff_until.map_or(until, |b| b.max(until)));
        let deadline = Utc::now() + chrono::Duration::milliseconds(wait.as_millis() as i64);
        self.state.save_backoff(
            &canon::origin(&self.base),
            &deadline.to_rfc3339(),
            self.backoff_errors,
        )
    }

    async fn wait_turn(&mut self) {
        let mut due = Instant::now();
        if let Some(last) = self.last_finish {
            let crawl_delay = self
                .robots
                .crawl_delay
                .map(|s| s.min(self.cfg.max_crawl_delay_secs))
                .unwrap_or(0.0);
            let crawl_delay = Duration::from_secs_f64(crawl_delay);
            let adaptive = self
                .last_duration
                .mul_f64(self.cfg.delay_factor)
                .min(Duration::from_millis(self.cfg.max_delay_ms));
            let mut wait = Duration::from_millis(self.cfg.min_delay_ms)
                .max(adaptive)
                .max(crawl_delay);
            if self.cfg.jitter > 0.0 {
                let extra: f64 = rand::rng().random_range(0.0..=self.cfg.jitter);
                wait += wait.mul_f64(extra);
            }
            due = due.max(last + wait);
        }
        if let Some(b) = self.backoff_until {
            due = due.max(b);
        }
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
    }

    async fn fetch(
        &mut self,
        url: &Url,
        prior: Option<&crate::state::PriorCapture>,
    ) -> std::result::Result<Fetched, String> {
        self.wait_turn().await;
        let date = Utc::now();
        let start = Instant::now();
        let http = HttpParts {
            client: self.client.clone(),
            jar: Arc::clone(&self.jar),
            ua: self.ua.clone(),
            cap: self.cfg.max_body_bytes as usize,
        };
        let result = fetch_http(&http, url, prior, date).await;
        self.last_duration = start.elapsed();
        self.last_finish = Some(Instant::now());
        result
    }

    /// Writes the capture (response or revisit, plus metadata with outlinks) and returns
    /// `(record id, location, digest, warc type, warc date)`.
    fn archive(
        &mut self,
        url: &Url,
        f: &Fetched,
        key: &str,
        content_hash: Option<&str>,
        outlinks: &[String],
    ) -> Result<warc::Written> {
        let ex = Exchange {
            target_uri: url.as_str(),
            date: f.date,
            ip: f.ip,
            request: f.request.clone(),
            status: f.status,
            reason: &f.reason,
            headers: &f.headers,
            body: &f.body,
            truncated: f.truncated,
        };
        let digest = warc::sha1_digest(&f.body);
        // A 304 revisits the capture the conditional request came from; an identical
        // payload revisits the first capture of that digest.
        let original = if f.status == 304 {
            self.state
                .prior_capture(key)?
                .and_then(|p| self.state.original_for_digest(&p.digest).ok().flatten())
                .map(|orig| (orig, PROFILE_NOT_MODIFIED))
        } else {
            self.state
                .original_for_digest(&digest)?
                .filter(|_| !f.truncated && !f.body.is_empty())
                .map(|orig| (orig, PROFILE_IDENTICAL))
        };
        let (written, ty) = match original {
            Some((orig, profile)) => (
                self.warc.write_revisit(
                    &ex,
                    &RefersTo {
                        record_id: &orig.record_id,
                        target_uri: &orig.url,
                        date: &orig.warc_date,
                        payload_digest: &orig.digest,
                        profile,
                    },
                )?,
                "revisit",
            ),
            None => (self.warc.write_response(&ex)?, "response"),
        };
        if ty == "revisit" {
            self.report.revisits += 1;
        } else {
            self.report.responses += 1;
        }
        if !outlinks.is_empty() {
            let fields: Vec<(String, String)> = outlinks
                .iter()
                .map(|l| ("outlink".to_string(), l.clone()))
                .collect();
            self.warc
                .write_metadata(url.as_str(), &written.record_id, &written.date, &fields)?;
        }
        self.warc.sync()?;
        let mime = warc::media_type(f.header("Content-Type").unwrap_or("")).to_string();
        let status = if f.status == 304 { 200 } else { f.status };
        self.state.add_capture(
            self.run_id,
            &CaptureRow {
                key,
                url: url.as_str(),
                file: &written.location.filename,
                offset: written.location.offset,
                length: written.location.length,
                digest: &written.payload_digest,
                status,
                mime: &mime,
                record_id: &written.record_id,
                warc_date: &written.date,
                warc_type: ty,
                content_hash,
                etag: f.header("ETag"),
                last_modified: f.header("Last-Modified"),
            },
        )?;
        Ok(written)
    }

    /// Maps a URL found on a page to the URL we fetch (public origin -> base), or `None` when
    /// it is off-site.
    fn to_fetch_url(&self, u: &Url) -> Option<Url> {
        if canon::origin(u) == canon::origin(&self.base) {
            return Some(u.clone());
        }
        let public = self.public.as_ref()?;
        canon::map_origin(u, public, &self.base)
    }

    fn in_scope(&self, u: &Url) -> bool {
        let s = u.as_str();
        if self
            .cfg
            .never_request
            .iter()
            .any(|p| canon::pattern_matches(p, s))
        {
            return false;
        }
        if self
            .cfg
            .exclude
            .iter()
            .any(|p| canon::pattern_matches(p, s))
        {
            return false;
        }
        if !self.cfg.include.is_empty()
            && !self
                .cfg
                .include
                .iter()
                .any(|p| canon::pattern_matches(p, s))
        {
            return false;
        }
        if !u.path().starts_with(self.base.path()) {
            return false;
        }
        true
    }

    /// Classifies and filters a discovered link.
    fn discover(
        &self,
        raw: &str,
        hint: Option<UrlKind>,
        lastmod: Option<String>,
    ) -> Option<Discovery> {
        let parsed = Url::parse(raw.trim()).ok()?;
        let mut u = self.to_fetch_url(&parsed)?;
        u.set_fragment(None);
        let u = canon::canonicalize(&u);
        if !self.in_scope(&u) {
            return None;
        }
        let ext = extension(&u);
        if ext.as_deref().is_some_and(|e| SKIP_EXTENSIONS.contains(&e)) {
            return None;
        }
        let kind = if canon::is_attachment(&u)
            || ext.as_deref().is_some_and(|e| DOC_EXTENSIONS.contains(&e))
        {
            if !self.cfg.fetch_attachments {
                return None;
            }
            UrlKind::Attachment
        } else if let Some(h) = hint {
            h
        } else if canon::is_news_detail(&u) || canon::is_laws_detail(&u) {
            UrlKind::Detail
        } else {
            UrlKind::Listing
        };
        Some(Discovery {
            key: canon::url_key(&u),
            url: u.to_string(),
            kind,
            lastmod,
        })
    }

    /// A page requisite (stylesheet, image, font, script): fetched once through the same
    /// queue whatever its extension, when it is on the site and in scope.
    fn discover_requisite(&self, raw: &str) -> Option<Discovery> {
        let u = canon::canonicalize(&self.to_fetch_url(&Url::parse(raw).ok()?)?);
        self.in_scope(&u).then(|| Discovery {
            key: canon::url_key(&u),
            url: u.to_string(),
            kind: UrlKind::Requisite,
            lastmod: None,
        })
    }

    fn handle(&mut self, item: &crate::state::QueuedUrl, url: &Url, f: Fetched) -> Result<Outcome> {
        if item.kind == UrlKind::Requisite {
            self.report.requisites += 1;
        }
        let status = f.status;
        // Throttling: 429, 503, and the flood page served with 200.
        let decoded_body = || {
            warc::HttpResponse {
                status,
                headers: f.headers.clone(),
                body: f.body.clone(),
            }
            .decoded_body()
        };
        let is_flood_200 = status == 200 && is_html(f.header("Content-Type"), &f.body) && {
            let text = decode_text(&decoded_body(), f.header("Content-Type"));
            extract::is_flood_page(&text)
        };
        if status == 429 || status == 503 || is_flood_200 {
            self.archive(url, &f, &item.key, None, &[])?;
            self.report.throttled += 1;
            let hint = retry_after(f.header("Retry-After")).or_else(|| {
                if is_flood_200 {
                    flood_wait(&decode_text(&decoded_body(), f.header("Content-Type")))
                } else {
                    None
                }
            });
            self.note_error(hint)?;
            return Ok(Outcome::Retry(format!("http {status}")));
        }
        if status >= 500 {
            self.archive(url, &f, &item.key, None, &[])?;
            self.note_error(None)?;
            return Ok(Outcome::Retry(format!("http {status}")));
        }
        self.backoff_errors = 0;
        if (300..400).contains(&status) && status != 304 {
            return self.handle_redirect(item, url, &f);
        }
        if status == 404 || status == 410 {
            self.archive(url, &f, &item.key, None, &[])?;
            self.state.mark(
                &item.key,
                "gone",
                Some(&format!("http {status}")),
                self.run_id,
            )?;
            self.report.gone += 1;
            return Ok(Outcome::Done);
        }
        if status >= 400 {
            self.archive(url, &f, &item.key, None, &[])?;
            return Ok(Outcome::Failed(format!("http {status}")));
        }
        // 2xx or 304.
        let mut found: Vec<Discovery> = Vec::new();
        let mut outlinks: Vec<String> = Vec::new();
        let mut content_hash: Option<String> = None;
        let ct = f.header("Content-Type").map(String::from);
        let body = if status == 304 {
            Vec::new()
        } else {
            decoded_body()
        };
        if status != 304 && item.kind != UrlKind::Attachment {
            if is_html(ct.as_deref(), &body) {
                let html = decode_text(&body, ct.as_deref());
                let links = extract::extract_links(url.as_str(), &html);
                for r in requisites::from_html(url.as_str(), &html) {
                    found.extend(self.discover_requisite(&r));
                }
                if item.kind == UrlKind::Home && self.public.is_none() {
                    let detected = links
                        .canonical
                        .as_deref()
                        .or(links.og_url.as_deref())
                        .and_then(|c| Url::parse(c).ok());
                    if let Some(d) =
                        detected.filter(|d| canon::origin(d) != canon::origin(&self.base))
                    {
                        let origin = Url::parse(&canon::origin(&d)).ok();
                        if let Some(o) = origin {
                            self.state.set_meta("public_base_url", o.as_str())?;
                            self.public = Some(o);
                        }
                    }
                }
                if item.kind == UrlKind::Home && self.cfg.use_sitemaps {
                    let mut sitemaps = self.robots.sitemaps.clone();
                    if sitemaps.is_empty()
                        && let Ok(s) = self.base.join("/sitemap.xml")
                    {
                        sitemaps.push(s.to_string());
                    }
                    for s in sitemaps {
                        found.extend(self.discover(&s, Some(UrlKind::Sitemap), None));
                    }
                }
                for r in &links.rss_alternates {
                    found.extend(self.discover(r, Some(UrlKind::Feed), None));
                }
                if let Some(n) = &links.rel_next {
                    found.extend(self.discover(n, Some(UrlKind::Listing), None));
                }
                for l in &links.links {
                    if let Some(d) = self.discover(l, None, None) {
                        found.push(d);
                    }
                }
                outlinks = links.links.clone();
                match extract::extract(url.as_str(), &html) {
                    Extracted::FloodPage => {}
                    ex => {
                        if let Some(rec) = ex.record() {
                            let json = serde_json::to_vec(rec).unwrap_or_default();
                            let h = warc::sha1_digest(&json);
                            let prior = self.state.prior_capture(&item.key)?;
                            match prior.and_then(|p| p.content_hash) {
                                None => self.report.new += 1,
                                Some(old) if old == h => {
                                    self.report.unchanged += 1;
                                }
                                Some(_) => self.report.changed += 1,
                            }
                            content_hash = Some(h);
                        }
                    }
                }
            } else if ct
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().contains("text/css"))
            {
                let css = decode_text(&body, ct.as_deref());
                for r in requisites::from_css(url.as_str(), &css) {
                    found.extend(self.discover_requisite(&r));
                }
            } else if is_xml(ct.as_deref(), url, &body)
                || item.kind == UrlKind::Sitemap
                || item.kind == UrlKind::Feed
            {
                let mut xml_bytes = body.clone();
                if xml_bytes.starts_with(&[0x1f, 0x8b]) {
                    let mut out = Vec::new();
                    use std::io::Read;
                    if flate2::read::MultiGzDecoder::new(&xml_bytes[..])
                        .read_to_end(&mut out)
                        .is_ok()
                    {
                        xml_bytes = out;
                    }
                }
                let text = decode_text(&xml_bytes, ct.as_deref());
                let (is_index, entries) = parse_xml_links(&text);
                let is_feed = text.contains("<rss") || text.contains("<feed");
                for (loc, lastmod) in entries {
                    let hint = (is_index && !is_feed).then_some(UrlKind::Sitemap);
                    found.extend(self.discover(&loc, hint, lastmod));
                }
            }
        }
        self.archive(url, &f, &item.key, content_hash.as_deref(), &outlinks)?;
        let run_id = self.run_id;

        self.state.transaction(|s| {
            s.mark(&item.key, "done", None, run_id)?;
            for d in &found {
                s.enqueue(&d.key, &d.url, d.kind, 0, d.lastmod.as_deref())?;
            }
            Ok(())
        })?;
        Ok(Outcome::Done)
    }

    fn handle_redirect(
        &mut self,
        item: &crate::state::QueuedUrl,
        url: &Url,
        f: &Fetched,
    ) -> Result<Outcome> {
        self.archive(url, f, &item.key, None, &[])?;
        let Some(target) = f.header("Location").and_then(|l| url.join(l.trim()).ok()) else {
            return Ok(Outcome::Failed("redirect without location".into()));
        };
        let Some(fetch_target) = self.to_fetch_url(&target) else {
            self.state
                .mark(&item.key, "external", Some(target.as_str()), self.run_id)?;
            self.report.external += 1;
            return Ok(Outcome::Done);
        };
        // A laws detail redirected to a non-detail page (the module home) is gone.
        if canon::is_laws_detail(url) && !canon::is_laws_detail(&fetch_target) {
            self.state.mark(
                &item.key,
                "gone",
                Some("redirected to listing"),
                self.run_id,
            )?;
            self.report.gone += 1;
            return Ok(Outcome::Done);
        }
        let hops = item.hops + 1;
        if hops > self.cfg.max_redirects {
            return Ok(Outcome::Failed("redirect loop".into()));
        }
        let Some(d) = self.discover(
            fetch_target.as_str(),
            Some(item.kind).filter(|k| *k != UrlKind::Home),
            None,
        ) else {
            self.state.mark(
                &item.key,
                "skipped",
                Some("redirect out of scope"),
                self.run_id,
            )?;
            return Ok(Outcome::Done);
        };
        if d.key == item.key {
            if d.url == item.url {
                return Ok(Outcome::Failed("redirect loop".into()));
            }
            self.state.requeue_redirect(&item.key, &d.url, hops)?;
            return Ok(Outcome::Done);
        }
        let run_id = self.run_id;
        self.state.transaction(|s| {
            s.mark(&item.key, "done", Some("redirect"), run_id)?;
            if !s.enqueue(&d.key, &d.url, d.kind, hops, None)? {
                // Already known: the chain ends here (loops stop).
            }
            Ok(())
        })?;
        Ok(Outcome::Done)
    }

    /// Adds captures of a WARC file recovered after a kill that the database does not know
    /// (written just before the kill), marks their URLs done and enqueues their links.
    fn reconcile(&mut self, file: &Path) -> Result<()> {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        for rec in warc::WarcReader::open(file)? {
            let Ok(rec) = rec else { break };
            let ty = rec.warc_type().to_string();
            if ty != "response" && ty != "revisit" {
                continue;
            }
            let (Some(id), Some(target)) = (
                rec.record_id().map(String::from),
                rec.target_uri().map(String::from),
            ) else {
                continue;
            };
            if self.state.has_capture(&id)? {
                continue;
            }
            let Ok(url) = Url::parse(&target) else {
                continue;
            };
            let key = match self.state.key_for_url(&target)? {
                Some(k) => k,
                None => canon::url_key(&url),
            };
            let http = warc::parse_http_response(&rec.block);
            let status = http.as_ref().map(|h| h.status).unwrap_or(0);
            let mime = warc::media_type(
                http.as_ref()
                    .and_then(|h| h.header("Content-Type"))
                    .unwrap_or(""),
            )
            .to_string();
            let digest = rec.header("WARC-Payload-Digest").unwrap_or("").to_string();
            let date = rec.date().unwrap_or("").to_string();
            let mut found = Vec::new();
            if status == 200
                && ty == "response"
                && let Some(h) = &http
            {
                let body = h.decoded_body();
                if is_html(h.header("Content-Type"), &body) {
                    let html = decode_text(&body, h.header("Content-Type"));
                    for l in extract::extract_links(&target, &html).links {
                        found.extend(self.discover(&l, None, None));
                    }
                }
            }
            let run_id = self.run_id;
            self.state.transaction(|s| {
                s.add_capture(
                    run_id,
                    &CaptureRow {
                        key: &key,
                        url: &target,
                        file: &name,
                        offset: rec.offset,
                        length: rec.length,
                        digest: &digest,
                        status,
                        mime: &mime,
                        record_id: &id,
                        warc_date: &date,
                        warc_type: &ty,
                        ..Default::default()
                    },
                )?;
                if (200..300).contains(&status) || status == 404 || status == 410 {
                    s.mark(&key, "done", Some("recovered"), run_id)?;
                }
                for d in &found {
                    s.enqueue(&d.key, &d.url, d.kind, 0, None)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// What a fetch needs from the crawler (all `Sync`, so the crawl future stays `Send`).
struct HttpParts {
    client: reqwest::Client,
    jar: Arc<Jar>,
    ua: String,
    cap: usize,
}

/// Sends one GET without redirects or decompression and reads the body up to the cap.
async fn fetch_http(
    h: &HttpParts,
    url: &Url,
    prior: Option<&crate::state::PriorCapture>,
    date: chrono::DateTime<Utc>,
) -> std::result::Result<Fetched, String> {
    let mut headers: Vec<(String, String)> = vec![
        ("User-Agent".into(), h.ua.clone()),
        (
            "Accept".into(),
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".into(),
        ),
        ("Accept-Language".into(), "vi-VN,vi;q=0.9,en;q=0.5".into()),
        ("Accept-Encoding".into(), "gzip".into()),
    ];
    if let Some(p) = prior {
        if let Some(etag) = &p.etag {
            headers.push(("If-None-Match".into(), etag.clone()));
        }
        if let Some(lm) = &p.last_modified {
            headers.push(("If-Modified-Since".into(), lm.clone()));
        }
    }
    let mut req = h.client.get(url.clone());
    for (k, v) in &headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let cookie = h
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
    let mut resp = req.send().await.map_err(classify_error)?;
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
    let cap = h.cap;
    while let Some(chunk) = resp.chunk().await.map_err(classify_error)? {
        let room = cap.saturating_sub(body.len());
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

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn classify_error(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else if e.is_body() || e.is_decode() {
        "body error".into()
    } else {
        "network error".into()
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
    fn sitemap_index_and_urlset() {
        let idx = r#"<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="/assets/css/sitemapindex.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://p.vn/sitemap-vi.news.xml</loc></sitemap>
<sitemap><loc>https://p.vn/sitemap-vi.laws.xml</loc></sitemap></sitemapindex>"#;
        let (is_index, e) = parse_xml_links(idx);
        assert!(is_index);
        assert_eq!(e.len(), 2);
        let set = r#"<urlset><url><loc>https://p.vn/news/a-1.html?x=1&amp;y=2</loc><lastmod>2023-08-29T09:18:00+07:00</lastmod></url></urlset>"#;
        let (is_index, e) = parse_xml_links(set);
        assert!(!is_index);
        assert_eq!(
            e,
            vec![(
                "https://p.vn/news/a-1.html?x=1&y=2".to_string(),
                Some("2023-08-29T09:18:00+07:00".to_string())
            )]
        );
    }

    #[test]
    fn rss_items() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title><link>https://p.vn/</link><item><title>[140&#x002F;NQ-HĐND] X</title><link>https://p.vn/laws/detail/X-57/</link><guid isPermaLink=\"false\"><![CDATA[ laws_57 ]]></guid></item></channel></rss>";
        let (_, e) = parse_xml_links(rss);
        assert_eq!(
            e,
            vec![("https://p.vn/laws/detail/X-57/".to_string(), None)]
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(None), None);
        assert_eq!(
            flood_wait("<p>Hãy đợi 30 giây</p>"),
            Some(Duration::from_secs(30))
        );
    }

    #[test]
    fn header_names() {
        assert_eq!(canonical_header_name("content-type"), "Content-Type");
        assert_eq!(canonical_header_name("etag"), "Etag");
    }

    #[test]
    fn meta_charset_prescan() {
        use unicode_normalization::UnicodeNormalization;
        let page: String = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body>Thủy</body></html>".nfd().collect();
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&page);
        assert!(!unmappable);
        let text = decode_text(&bytes, Some("text/html"));
        assert!(text.contains("Thủy"), "{text}");
    }

    #[test]
    fn report_display() {
        let mut r = CrawlReport {
            run_id: 3,
            fetched: 10,
            new: 2,
            finished: true,
            ..Default::default()
        };
        r.failed.insert("timeout".into(), 1);
        let s = r.to_string();
        assert!(
            s.contains("#3") && s.contains("2 mới") && s.contains("timeout: 1"),
            "{s}"
        );
    }
}
