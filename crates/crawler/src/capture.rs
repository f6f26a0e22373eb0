//! The capture stage, run on the blocking pool while the next request is in flight: archives
//! each answer (response or revisit record, outlinks), reads the payload once (flood page,
//! record, links, sitemap entries), updates the frontier and the captures in the state
//! database, and makes both durable together at checkpoints (WARC sync, then commit).
//!
//! On start it reconciles the state from the archive: WARC files left open by a kill are cut
//! back to their last whole record, and every record past the length the database knows is
//! added to it (its URL is done and not fetched again). The archive, not the state database,
//! is the source of truth.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use url::Url;

use crate::canon;
use crate::config::CrawlerConfig;
use crate::error::{Error, Result};
use crate::fetch::{FetchError, Fetched};
use crate::page::{Page, decode_text};
use crate::report::CrawlReport;
use crate::robots::Robots;
use crate::scheduler::{Policy, retry_after};
use crate::scope::{Discovery, Scope};
use crate::state::{CaptureRow, PriorCapture, QueuedUrl, State, UrlKind, UrlState};
use crate::warc::{self, Exchange, PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, RefersTo, WarcWriter};

/// Captures between two checkpoints at most.
const CHECKPOINT_CAPTURES: u32 = 256;
/// Time between two checkpoints at most.
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// Why a URL failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No HTTP answer.
    Fetch(FetchError),
    /// An error status.
    Http(u16),
    /// Too many redirect hops, or a redirect to itself.
    RedirectLoop,
    /// A redirect without `Location`.
    RedirectWithoutLocation,
    /// The frontier URL does not parse.
    BadUrl,
    /// The flood page (served with 200) until the retries ran out.
    FloodPage,
}

impl Failure {
    /// The reason as stored in the state database and counted in the report.
    pub(crate) fn reason(self) -> String {
        match self {
            Failure::Fetch(e) => e.as_str().to_string(),
            Failure::Http(s) => format!("http {s}"),
            Failure::RedirectLoop => "redirect loop".into(),
            Failure::RedirectWithoutLocation => "redirect without location".into(),
            Failure::BadUrl => "bad url".into(),
            Failure::FloodPage => "flood page".into(),
        }
    }

    /// Reasons other than `http 5xx`/`http 429` that the next call tries again.
    pub(crate) fn retryable_reasons() -> Vec<String> {
        let mut out: Vec<String> = FetchError::ALL
            .iter()
            .map(|e| e.as_str().to_string())
            .collect();
        out.push(Failure::FloodPage.reason());
        out
    }
}

/// What handling an answer decided for its URL.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Archived and final.
    Done,
    /// Try again later, not before the host's `Retry-After` when it gave one.
    Retry(Failure, Option<Duration>),
    /// Final failure.
    Failed(Failure),
}

/// A frontier URL ready to fetch.
#[derive(Debug, Clone)]
pub(crate) struct Ready {
    /// The frontier entry.
    pub(crate) item: QueuedUrl,
    /// Its parsed URL.
    pub(crate) url: Url,
    /// The capture a conditional GET may refer to.
    pub(crate) prior: Option<PriorCapture>,
}

/// A batch of URLs to fetch, and what is left.
#[derive(Debug, Default)]
pub(crate) struct Refill {
    /// URLs due now, in frontier order.
    pub(crate) ready: Vec<Ready>,
    /// URLs still queued (due or not).
    pub(crate) queued: u64,
    /// The earliest retry time (Unix ms) of the queued URLs.
    pub(crate) earliest_ms: Option<i64>,
}

/// What the crawl loop learns from the capture stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Processed {
    /// The answer was the flood page (with status 200), with the wait it asked for.
    pub(crate) flood: Option<Option<Duration>>,
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The capture stage's state. Field order matters: the WARC writer is closed before the
/// database connection (and its write lock) goes.
pub(crate) struct Sink {
    warc: WarcWriter,
    /// The state database.
    pub(crate) state: State,
    dir: PathBuf,
    /// The crawl's scope (the public origin is learnt from the home page).
    pub(crate) scope: Scope,
    /// robots.txt rules in force.
    pub(crate) robots: Robots,
    policy: Policy,
    max_retries: u32,
    max_redirects: u32,
    use_sitemaps: bool,
    trust_sitemap_lastmod: bool,
    /// The run.
    pub(crate) run_id: i64,
    /// The report so far.
    pub(crate) report: CrawlReport,
    unsynced: u32,
    last_checkpoint: Instant,
}

impl Sink {
    /// A capture stage writing into `dir` with `state` (already in a batch).
    pub(crate) fn new(
        config: &CrawlerConfig,
        dir: &Path,
        warc: WarcWriter,
        state: State,
        scope: Scope,
        run_id: i64,
        report: CrawlReport,
    ) -> Self {
        Self {
            warc,
            state,
            dir: dir.to_path_buf(),
            scope,
            robots: Robots::allow_all(),
            policy: Policy::from_config(config),
            max_retries: config.max_retries,
            max_redirects: config.max_redirects,
            use_sitemaps: config.use_sitemaps,
            trust_sitemap_lastmod: config.trust_sitemap_lastmod,
            run_id,
            report,
            unsynced: 0,
            last_checkpoint: Instant::now(),
        }
    }

    /// Up to `limit` URLs due at `now_ms`. URLs that need no request (bad URL, disallowed by
    /// robots.txt, unchanged by sitemap lastmod) are settled here.
    pub(crate) fn refill(&mut self, now_ms: i64, limit: usize) -> Result<Refill> {
        let mut ready = Vec::new();
        loop {
            let due = self.state.due(now_ms, limit)?;
            if due.is_empty() {
                break;
            }
            for item in due {
                if let Some(r) = self.settle_or_ready(item)? {
                    ready.push(r);
                }
            }
            if !ready.is_empty() {
                break;
            }
        }
        Ok(Refill {
            ready,
            queued: self.state.queued_count()?,
            earliest_ms: self.state.earliest_not_before()?,
        })
    }

    fn settle_or_ready(&mut self, item: QueuedUrl) -> Result<Option<Ready>> {
        let Ok(url) = Url::parse(&item.url) else {
            self.fail(&item.key, Failure::BadUrl)?;
            return Ok(None);
        };
        if !self.robots.allowed(&crate::fetch::path_and_query(&url)) {
            self.state.mark(
                &item.key,
                UrlState::Skipped,
                Some("robots.txt"),
                self.run_id,
            )?;
            self.report.robots_disallowed += 1;
            return Ok(None);
        }
        let prior = self.state.prior_capture(&item.key)?;
        if self.trust_sitemap_lastmod
            && item.kind == UrlKind::Detail
            && let (Some(lastmod), Some(prior)) = (item.lastmod.as_deref(), prior.as_ref())
            && let (Ok(lm), Ok(captured)) = (
                chrono::DateTime::parse_from_rfc3339(lastmod),
                chrono::DateTime::parse_from_rfc3339(&prior.warc_date),
            )
            && lm < captured
        {
            self.state.mark(
                &item.key,
                UrlState::Done,
                Some("unchanged (sitemap lastmod)"),
                self.run_id,
            )?;
            self.report.unchanged += 1;
            self.report.skipped_by_lastmod += 1;
            return Ok(None);
        }
        // Detail pages are always fetched in full: their content hash decides "changed".
        let prior = prior.filter(|_| item.kind != UrlKind::Detail);
        Ok(Some(Ready { item, url, prior }))
    }

    fn fail(&mut self, key: &str, failure: Failure) -> Result<()> {
        let reason = failure.reason();
        self.state
            .mark(key, UrlState::Failed, Some(&reason), self.run_id)?;
        *self.report.failed.entry(reason).or_default() += 1;
        Ok(())
    }

    /// Handles the result of one request for `ready`.
    pub(crate) fn process(
        &mut self,
        ready: &Ready,
        result: std::result::Result<Fetched, FetchError>,
    ) -> Result<Processed> {
        self.report.fetched += 1;
        if ready.item.kind == UrlKind::Requisite {
            self.report.requisites += 1;
        }
        let mut processed = Processed::default();
        let outcome = match result {
            Err(e) => Outcome::Retry(Failure::Fetch(e), None),
            Ok(f) => {
                self.report.bytes += f.body.len() as u64;
                self.handle(&ready.item, &ready.url, &f, &mut processed)?
            }
        };
        match outcome {
            Outcome::Done => {}
            Outcome::Retry(failure, hint) => {
                let attempts = ready.item.attempts + 1;
                if attempts > self.max_retries {
                    self.fail(&ready.item.key, failure)?;
                } else {
                    let wait = self.policy.retry_wait(attempts, hint);
                    let not_before = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
                    self.state.retry_later(&ready.item.key, not_before)?;
                    self.report.retried += 1;
                }
            }
            Outcome::Failed(failure) => self.fail(&ready.item.key, failure)?,
        }
        self.unsynced += 1;
        if self.unsynced >= CHECKPOINT_CAPTURES
            || self.last_checkpoint.elapsed() >= CHECKPOINT_INTERVAL
        {
            self.checkpoint()?;
        }
        Ok(processed)
    }

    /// Makes everything so far durable: syncs the WARC file, records how much of it the
    /// database reflects, commits the batch.
    pub(crate) fn checkpoint(&mut self) -> Result<()> {
        self.warc.sync()?;
        if let Some(name) = self.warc.current_file() {
            let open = self.dir.join(format!("{name}.open"));
            let len = std::fs::metadata(&open)
                .map_err(|source| Error::Io {
                    path: open.clone(),
                    source,
                })?
                .len();
            self.state.set_warc_known(name, len)?;
        }
        for closed in self.warc.closed_files() {
            if let (Some(name), Ok(meta)) = (
                closed.file_name().and_then(|n| n.to_str()),
                std::fs::metadata(closed),
            ) {
                self.state.set_warc_known(name, meta.len())?;
            }
        }
        self.state.checkpoint()?;
        self.unsynced = 0;
        self.last_checkpoint = Instant::now();
        Ok(())
    }

    /// Final checkpoint, then closes the WARC file (renamed, CDXJ written). Returns the
    /// names of the files this call closed.
    pub(crate) fn finish(&mut self) -> Result<Vec<String>> {
        self.checkpoint()?;
        self.warc.close()?;
        for closed in self.warc.closed_files() {
            if let (Some(name), Ok(meta)) = (
                closed.file_name().and_then(|n| n.to_str()),
                std::fs::metadata(closed),
            ) {
                self.state.set_warc_known(name, meta.len())?;
            }
        }
        Ok(self
            .warc
            .closed_files()
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(String::from))
            .collect())
    }

    fn handle(
        &mut self,
        item: &QueuedUrl,
        url: &Url,
        f: &Fetched,
        processed: &mut Processed,
    ) -> Result<Outcome> {
        let status = f.status;
        if status == 429 || status == 503 {
            self.archive(url, f, &item.key, None, &[])?;
            self.report.throttled += 1;
            let hint = retry_after(f.header("Retry-After"), chrono::Utc::now());
            return Ok(Outcome::Retry(Failure::Http(status), hint));
        }
        if status >= 500 {
            self.archive(url, f, &item.key, None, &[])?;
            return Ok(Outcome::Retry(Failure::Http(status), None));
        }
        if (300..400).contains(&status) && status != 304 {
            return self.handle_redirect(item, url, f);
        }
        if status == 404 || status == 410 {
            self.archive(url, f, &item.key, None, &[])?;
            self.state.mark(
                &item.key,
                UrlState::Gone,
                Some(&format!("http {status}")),
                self.run_id,
            )?;
            self.report.gone += 1;
            return Ok(Outcome::Done);
        }
        if status >= 400 {
            self.archive(url, f, &item.key, None, &[])?;
            return Ok(Outcome::Failed(Failure::Http(status)));
        }
        // 2xx or 304: read the payload once.
        let page = if status == 304 || item.kind == UrlKind::Attachment {
            Page::Other
        } else {
            let body = decoded_body(f);
            Page::read(
                url,
                f.header("Content-Type"),
                &body,
                matches!(item.kind, UrlKind::Sitemap | UrlKind::Feed),
            )
        };
        let mut found: Vec<Discovery> = Vec::new();
        let mut outlinks: Vec<String> = Vec::new();
        let mut content_hash: Option<String> = None;
        match page {
            Page::Flood(wait) => {
                // The flood page served with 200: a throttle, never a document.
                self.archive(url, f, &item.key, None, &[])?;
                self.report.throttled += 1;
                processed.flood = Some(wait);
                return Ok(Outcome::Retry(Failure::FloodPage, wait));
            }
            Page::Html {
                extracted,
                links,
                requisites,
            } => {
                for r in &requisites {
                    found.extend(self.scope.discover_requisite(r));
                }
                if item.kind == UrlKind::Home {
                    self.learn_public_origin(&links)?;
                    if self.use_sitemaps {
                        let mut sitemaps = self.robots.sitemaps.clone();
                        if sitemaps.is_empty()
                            && let Ok(s) = self.scope.base.join("/sitemap.xml")
                        {
                            sitemaps.push(s.to_string());
                        }
                        for s in sitemaps {
                            found.extend(self.scope.discover(&s, Some(UrlKind::Sitemap), None));
                        }
                    }
                }
                for r in &links.rss_alternates {
                    found.extend(self.scope.discover(r, Some(UrlKind::Feed), None));
                }
                if let Some(n) = &links.rel_next {
                    found.extend(self.scope.discover(n, Some(UrlKind::Listing), None));
                }
                for l in &links.links {
                    found.extend(self.scope.discover(l, None, None));
                }
                if let Some(rec) = extracted.record() {
                    let json = serde_json::to_vec(rec).unwrap_or_default();
                    let h = warc::sha1_digest(&json);
                    let prior = self.state.prior_capture(&item.key)?;
                    match prior.and_then(|p| p.content_hash) {
                        None => self.report.new += 1,
                        Some(old) if old == h => self.report.unchanged += 1,
                        Some(_) => self.report.changed += 1,
                    }
                    content_hash = Some(h);
                }
                outlinks = links.links;
            }
            Page::Css { requisites } => {
                for r in &requisites {
                    found.extend(self.scope.discover_requisite(r));
                }
            }
            Page::Xml {
                is_index,
                is_feed,
                entries,
            } => {
                for (loc, lastmod) in entries {
                    let hint = (is_index && !is_feed).then_some(UrlKind::Sitemap);
                    found.extend(self.scope.discover(&loc, hint, lastmod));
                }
            }
            Page::Other => {}
        }
        self.archive(url, f, &item.key, content_hash.as_deref(), &outlinks)?;
        self.state
            .mark(&item.key, UrlState::Done, None, self.run_id)?;
        for d in &found {
            self.state
                .enqueue(&d.key, &d.url, d.kind, 0, d.lastmod.as_deref())?;
        }
        Ok(Outcome::Done)
    }

    /// The home page's canonical link or `og:url` names the public origin of a mirror.
    fn learn_public_origin(&mut self, links: &crate::extract::Links) -> Result<()> {
        if self.scope.public.is_some() {
            return Ok(());
        }
        let detected = links
            .canonical
            .as_deref()
            .or(links.og_url.as_deref())
            .and_then(|c| Url::parse(c).ok())
            .filter(|d| canon::origin(d) != canon::origin(&self.scope.base));
        if let Some(o) = detected.and_then(|d| Url::parse(&canon::origin(&d)).ok()) {
            self.state.set_meta("public_base_url", o.as_str())?;
            self.scope.public = Some(o);
        }
        Ok(())
    }

    fn handle_redirect(&mut self, item: &QueuedUrl, url: &Url, f: &Fetched) -> Result<Outcome> {
        self.archive(url, f, &item.key, None, &[])?;
        let Some(target) = f.header("Location").and_then(|l| url.join(l.trim()).ok()) else {
            return Ok(Outcome::Failed(Failure::RedirectWithoutLocation));
        };
        let Some(fetch_target) = self.scope.to_fetch_url(&target) else {
            self.state.mark(
                &item.key,
                UrlState::External,
                Some(target.as_str()),
                self.run_id,
            )?;
            self.report.external += 1;
            return Ok(Outcome::Done);
        };
        // A laws detail redirected to a non-detail page (the module home) is gone.
        if canon::is_laws_detail(url) && !canon::is_laws_detail(&fetch_target) {
            self.state.mark(
                &item.key,
                UrlState::Gone,
                Some("redirected to listing"),
                self.run_id,
            )?;
            self.report.gone += 1;
            return Ok(Outcome::Done);
        }
        let hops = item.hops + 1;
        if hops > self.max_redirects {
            return Ok(Outcome::Failed(Failure::RedirectLoop));
        }
        let Some(d) = self.scope.discover(
            fetch_target.as_str(),
            Some(item.kind).filter(|k| *k != UrlKind::Home),
            None,
        ) else {
            self.state.mark(
                &item.key,
                UrlState::Skipped,
                Some("redirect out of scope"),
                self.run_id,
            )?;
            return Ok(Outcome::Done);
        };
        if d.key == item.key {
            if d.url == item.url {
                return Ok(Outcome::Failed(Failure::RedirectLoop));
            }
            self.state.requeue_redirect(&item.key, &d.url, hops)?;
            return Ok(Outcome::Done);
        }
        self.state
            .mark(&item.key, UrlState::Done, Some("redirect"), self.run_id)?;
        // An already known target ends the chain here (loops stop).
        self.state.enqueue(&d.key, &d.url, d.kind, hops, None)?;
        Ok(Outcome::Done)
    }

    /// Writes the capture (response or revisit, plus metadata with outlinks) and its row.
    pub(crate) fn archive(
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

    /// Brings the state up to date with the archive after a kill: repairs files left open
    /// (cut back to the last whole record, renamed, CDXJ written), writes missing CDXJ files,
    /// and adds every record past the length the database knows. Returns the records added.
    pub(crate) fn reconcile_archive(&mut self) -> Result<u64> {
        warc::recover_open_files(&self.dir)?;
        let mut added = 0;
        for file in crate::replay::warc_files(std::slice::from_ref(&self.dir))? {
            let Some(name) = file.file_name().and_then(|n| n.to_str()).map(String::from) else {
                continue;
            };
            if !warc::cdxj_path(&file).exists() {
                warc::write_cdxj(&file)?;
            }
            let len = std::fs::metadata(&file)
                .map_err(|source| Error::Io {
                    path: file.clone(),
                    source,
                })?
                .len();
            let known = self.state.warc_known(&name)?;
            if known >= len {
                continue;
            }
            added += self.reconcile_file(&file, &name, known)?;
            self.state.set_warc_known(&name, len)?;
        }
        Ok(added)
    }

    /// Adds the captures of `file` from `offset` on that the database does not know, marks
    /// their URLs done and enqueues their links.
    fn reconcile_file(&mut self, file: &Path, name: &str, offset: u64) -> Result<u64> {
        let mut added = 0;
        for rec in warc::WarcReader::open_at(file, offset)? {
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
            let discovered = self
                .scope
                .discover(&target, None, None)
                .or_else(|| self.scope.discover_requisite(&target));
            let kind = discovered.as_ref().map_or(UrlKind::Listing, |d| d.kind);
            let key = match self.state.key_for_url(&target)? {
                Some(k) => k,
                None => discovered.map_or_else(|| canon::url_key(&url), |d| d.key),
            };
            let http = warc::parse_http_response(&rec.block);
            let status = http.as_ref().map(|h| h.status).unwrap_or(0);
            let content_type = http
                .as_ref()
                .and_then(|h| h.header("Content-Type"))
                .map(String::from);
            let mime = warc::media_type(content_type.as_deref().unwrap_or("")).to_string();
            let digest = rec.header("WARC-Payload-Digest").unwrap_or("").to_string();
            let date = rec.date().unwrap_or("").to_string();
            let row = CaptureRow {
                key: &key,
                url: &target,
                file: name,
                offset: rec.offset,
                length: rec.length,
                digest: &digest,
                status,
                mime: &mime,
                record_id: &id,
                warc_date: &date,
                warc_type: &ty,
                ..Default::default()
            };
            if url.path() == "/robots.txt" && canon::origin(&url) == canon::origin(&self.scope.base)
            {
                // robots.txt is no frontier URL: its answer refills the robots.txt cache, so
                // the next call does not fetch it again.
                self.reconcile_robots(http.as_ref(), &date)?;
                self.state.add_capture(
                    self.run_id,
                    &CaptureRow {
                        key: "robots",
                        ..row
                    },
                )?;
                added += 1;
                continue;
            }
            let mut found = Vec::new();
            let mut settled = match status {
                200..=299 => Some((UrlState::Done, "recovered")),
                404 | 410 => Some((UrlState::Gone, "recovered")),
                _ => None,
            };
            let mut content_hash = None;
            let location = http
                .as_ref()
                .filter(|h| (300..400).contains(&h.status) && h.status != 304)
                .and_then(|h| h.header("Location"))
                .and_then(|l| url.join(l.trim()).ok());
            if let Some(to) = location {
                // A redirect: its target is the next step, as when it was fetched.
                match self.scope.discover(to.as_str(), None, None) {
                    Some(d) if d.key == key => {
                        self.state.requeue_redirect(&key, &d.url, 1)?;
                    }
                    Some(d) => {
                        settled = Some((UrlState::Done, "redirect"));
                        found.push(d);
                    }
                    None => settled = Some((UrlState::Skipped, "redirect out of scope")),
                }
            }
            if status == 200
                && ty == "response"
                && let Some(h) = &http
            {
                let body = h.decoded_body();
                match Page::read(&url, content_type.as_deref(), &body, false) {
                    Page::Flood(_) => settled = None,
                    Page::Html {
                        extracted,
                        links,
                        requisites,
                    } => {
                        for r in &requisites {
                            found.extend(self.scope.discover_requisite(r));
                        }
                        for l in &links.links {
                            found.extend(self.scope.discover(l, None, None));
                        }
                        if let Some(rec) = extracted.record() {
                            let json = serde_json::to_vec(rec).unwrap_or_default();
                            content_hash = Some(warc::sha1_digest(&json));
                        }
                    }
                    Page::Css { requisites } => {
                        for r in &requisites {
                            found.extend(self.scope.discover_requisite(r));
                        }
                    }
                    Page::Xml { entries, .. } => {
                        for (loc, lastmod) in entries {
                            found.extend(self.scope.discover(&loc, None, lastmod));
                        }
                    }
                    Page::Other => {}
                }
            }
            self.state.add_capture(
                self.run_id,
                &CaptureRow {
                    content_hash: content_hash.as_deref(),
                    ..row
                },
            )?;
            if let Some((state, reason)) = settled {
                self.state
                    .settle(&key, &target, kind, state, Some(reason), self.run_id)?;
            }
            for d in &found {
                self.state
                    .enqueue(&d.key, &d.url, d.kind, 0, d.lastmod.as_deref())?;
            }
            added += 1;
        }
        Ok(added)
    }

    /// Caches a robots.txt answer found in the archive (2xx text, or a 4xx meaning "allow
    /// all"), as fetched at its WARC date.
    fn reconcile_robots(&mut self, http: Option<&warc::HttpResponse>, date: &str) -> Result<()> {
        let (Some(h), Ok(fetched)) = (http, chrono::DateTime::parse_from_rfc3339(date)) else {
            return Ok(());
        };
        let fetched = fetched.with_timezone(&chrono::Utc);
        let origin = canon::origin(&self.scope.base);
        if (200..300).contains(&h.status) {
            let text = decode_text(&h.decoded_body(), h.header("Content-Type"));
            self.state
                .save_robots(&origin, Some(&text), h.status, fetched)?;
        } else if (400..500).contains(&h.status) && h.status != 429 {
            self.state.save_robots(&origin, None, h.status, fetched)?;
        }
        Ok(())
    }

    /// Reads robots.txt from an answer: 2xx parse (and cache), 4xx allow all. `None` for
    /// answers that leave it unknown (5xx, 429, redirects).
    pub(crate) fn robots_from_answer(&mut self, f: &Fetched) -> Result<Option<Robots>> {
        let origin = canon::origin(&self.scope.base);
        if (200..300).contains(&f.status) {
            let text = decode_text(&decoded_body(f), f.header("Content-Type"));
            self.state
                .save_robots(&origin, Some(&text), f.status, chrono::Utc::now())?;
            return Ok(Some(Robots::parse(&text, "tracuu")));
        }
        if (400..500).contains(&f.status) && f.status != 429 {
            self.state
                .save_robots(&origin, None, f.status, chrono::Utc::now())?;
            return Ok(Some(Robots::allow_all()));
        }
        Ok(None)
    }
}

/// The body with content-encoding removed.
fn decoded_body(f: &Fetched) -> Vec<u8> {
    let encoded = f.header("Content-Encoding").is_some() || f.header("Transfer-Encoding").is_some();
    if !encoded {
        return f.body.clone();
    }
    warc::HttpResponse {
        status: f.status,
        headers: f
            .headers
            .iter()
            .filter(|(k, _)| {
                k.eq_ignore_ascii_case("Content-Encoding")
                    || k.eq_ignore_ascii_case("Transfer-Encoding")
            })
            .cloned()
            .collect(),
        body: f.body.clone(),
    }
    .decoded_body()
}
