//! The crawl loop: robots.txt, then URLs from the frontier, one request in flight, each sent
//! when the host scheduler says so, each answer handed to the capture stage on the blocking
//! pool while the next request goes out.
//!
//! Politeness (CRAWLING.md §0, NUKEVIET.md §11) lives in [`crate::scheduler`]: exactly one
//! request in flight; wait = max(adaptive delay, factor × last fetch time, Crawl-delay) +
//! jitter; 429/503/flood page raise the delay (AIMD) and `Retry-After` pauses the host
//! exactly; a failed URL is retried later on its own while the host serves other URLs; a
//! host that fails every request for a while ends the call with a report. With `min_delay_ms`
//! and `delay_factor` at 0 (a local mirror) requests follow each other without any timer.
//! Archiving, extraction and the state database are in [`crate::capture`].

use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::task::JoinHandle;
use url::Url;

use crate::canon;
use crate::capture::{Processed, Ready, Refill, Sink, now_ms};
use crate::config::CrawlerConfig;
use crate::error::{Error, Result};
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::report::{CrawlReport, Progress};
use crate::robots::Robots;
use crate::scheduler::{HostScheduler, Policy, Signal, retry_after};
use crate::scope::Scope;
use crate::state::{State, UrlKind};
use crate::warc::WarcWriter;

/// URLs read from the frontier at once.
const REFILL: usize = 16;

pub use crate::page::decode_text;

/// Runs (or resumes) a crawl. `archive_dir` receives WARC + CDXJ files, `state_db` is the
/// SQLite state. `progress` is called after every request.
///
/// A run that ends (empty frontier) is marked finished; the next call starts a new run that
/// revisits every page (unchanged payloads become `revisit` records) but never re-downloads an
/// archived attachment. A call stopped by `max_pages`, a host that is down, an error or a kill
/// is resumed by the next call without fetching again what was archived.
pub async fn crawl(
    config: &CrawlerConfig,
    archive_dir: &Path,
    state_db: &Path,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<CrawlReport> {
    let base = config.validate()?;
    let started = Instant::now();
    std::fs::create_dir_all(archive_dir).map_err(|source| Error::Io {
        path: archive_dir.to_path_buf(),
        source,
    })?;
    let sink = {
        let config = config.clone();
        let dir = archive_dir.to_path_buf();
        let db = state_db.to_path_buf();
        let base = base.clone();
        blocking(move || open_sink(&config, &dir, &db, base)).await??
    };
    let fetcher = Fetcher::new(config)?;
    let mut c = Crawler {
        cfg: config,
        fetcher,
        host: HostScheduler::new(Policy::from_config(config)),
        sink: Some(sink),
        pending: None,
        progress,
        fetched_this_call: 0,
        queued: 0,
    };
    let outcome = c.run().await;
    // Whatever happened, finish what was fetched: the capture in flight, a checkpoint, the
    // WARC file closed.
    let joined = c.join().await;
    let mut sink = c
        .sink
        .take()
        .ok_or_else(|| Error::Aborted("capture stage lost".into()))?;
    let (finished, report) = blocking(move || {
        let closed = sink.finish();
        sink.report.elapsed_ms = started.elapsed().as_millis() as u64;
        sink.report.public_base_url = sink.scope.public.as_ref().map(|p| p.to_string());
        let result = closed.and_then(|files| {
            sink.report.warc_files = files;
            let json = serde_json::to_string(&sink.report).unwrap_or_default();
            if sink.report.finished {
                sink.state.finish_run(sink.run_id, &json)?;
            } else {
                sink.state.save_report(sink.run_id, &json)?;
            }
            sink.state.end_batch()
        });
        let report = sink.report.clone();
        (result, report)
    })
    .await?;
    outcome?;
    joined?;
    finished?;
    Ok(report)
}

/// Opens the state database in a batch, repairs and reconciles the archive, begins or
/// resumes the run.
fn open_sink(config: &CrawlerConfig, dir: &Path, db: &Path, base: Url) -> Result<Box<Sink>> {
    let mut state = State::open(db)?;
    // The write lock first: a previous crawl of the same database still closing keeps it.
    state.begin_batch()?;
    let (run_id, resumed) = state.begin_run(base.as_str())?;
    let origin = canon::origin(&base);
    if let Some(previous) = state.get_meta("base_origin")?.filter(|p| *p != origin) {
        state.move_origin(&previous, &origin)?;
    }
    state.set_meta("base_origin", &origin)?;
    state.requeue_retryable(&crate::capture::Failure::retryable_reasons())?;
    let public = match &config.public_base_url {
        Some(p) => Some(Url::parse(p).map_err(|e| Error::Config(e.to_string()))?),
        None => state
            .get_meta("public_base_url")?
            .and_then(|p| Url::parse(&p).ok()),
    };
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
    let writer = WarcWriter::new(dir, &config.warc_prefix, &host, config.warc_max_bytes, info)?;
    let scope = Scope::new(config, base, public);
    let report = CrawlReport {
        run_id,
        resumed,
        ..Default::default()
    };
    let mut sink = Box::new(Sink::new(config, dir, writer, state, scope, run_id, report));
    sink.reconcile_archive()?;
    let home = sink.scope.base.clone();
    sink.state.enqueue(
        &canon::url_key(&home),
        home.as_str(),
        UrlKind::Home,
        0,
        None,
    )?;
    sink.checkpoint()?;
    Ok(sink)
}

/// Runs `f` on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Aborted(format!("capture stage failed: {e}")))
}

/// The capture of one answer, running on the blocking pool with the sink.
struct Pending {
    task: JoinHandle<(Box<Sink>, Result<Processed>)>,
    url: Url,
    status: u16,
}

struct Crawler<'a> {
    cfg: &'a CrawlerConfig,
    fetcher: Fetcher,
    host: HostScheduler,
    /// The capture stage, when no capture is running.
    sink: Option<Box<Sink>>,
    pending: Option<Pending>,
    progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    fetched_this_call: u64,
    queued: u64,
}

impl Crawler<'_> {
    /// Waits for the running capture (if any) and takes its verdict into account.
    async fn join(&mut self) -> Result<()> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        let (sink, processed) = pending
            .task
            .await
            .map_err(|e| Error::Aborted(format!("capture stage failed: {e}")))?;
        self.sink = Some(sink);
        let processed = processed?;
        if let Some(cb) = self.progress
            && let Some(p) = self.snapshot(&pending.url, pending.status)
        {
            cb(p);
        }
        if let Some(wait) = processed.flood {
            // The flood page came with 200: only reading it tells it is a throttle.
            self.host.record(
                Instant::now(),
                Duration::ZERO,
                Signal::Throttled {
                    retry_after: wait,
                    server_error: false,
                },
            );
        }
        Ok(())
    }

    /// The sink, once the running capture is done.
    async fn sink(&mut self) -> Result<&mut Box<Sink>> {
        self.join().await?;
        self.sink
            .as_mut()
            .ok_or_else(|| Error::Aborted("capture stage lost".into()))
    }

    /// Runs `f` with the sink on the blocking pool and waits for it.
    async fn with_sink<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Sink) -> T + Send + 'static,
    ) -> Result<T> {
        self.join().await?;
        let mut sink = self
            .sink
            .take()
            .ok_or_else(|| Error::Aborted("capture stage lost".into()))?;
        let (sink, out) = blocking(move || {
            let out = f(&mut sink);
            (sink, out)
        })
        .await?;
        self.sink = Some(sink);
        Ok(out)
    }

    fn snapshot(&self, url: &Url, status: u16) -> Option<Progress> {
        let r = &self.sink.as_ref()?.report;
        Some(Progress {
            fetched: r.fetched,
            queued: self.queued,
            failed: r.failed_total(),
            url: url.to_string(),
            status,
            delay_ms: self.host.current_delay().as_millis() as u64,
            throttled: r.throttled,
            retried: r.retried,
        })
    }

    async fn run(&mut self) -> Result<()> {
        if !self.load_robots().await? {
            return Ok(());
        }
        let mut ready: VecDeque<Ready> = VecDeque::new();
        loop {
            if self.cfg.max_pages > 0 && self.fetched_this_call >= self.cfg.max_pages {
                return Ok(());
            }
            if self.host.is_down(Instant::now()) {
                self.join().await?;
                let failures = self.host.consecutive_failures();
                let sink = self.sink().await?;
                sink.report.host_down = true;
                tracing::warn!(
                    failures,
                    "the host looks down; stopping, the next call resumes"
                );
                return Ok(());
            }
            let Some(next) = ready.pop_front() else {
                let refill: Refill = self
                    .with_sink(move |s| s.refill(now_ms(), REFILL))
                    .await??;
                self.queued = refill.queued;
                if refill.ready.is_empty() {
                    match refill.earliest_ms {
                        // Only retries left: wait for the first one.
                        Some(t) if refill.queued > 0 => {
                            let wait = (t - now_ms()).max(1) as u64;
                            tokio::time::sleep(Duration::from_millis(wait)).await;
                            continue;
                        }
                        _ => {
                            self.sink().await?.report.finished = true;
                            return Ok(());
                        }
                    }
                }
                ready.extend(refill.ready);
                continue;
            };
            if !self.host.is_unthrottled() {
                // A polite wait, while the last capture runs; it may turn out to be a flood
                // page, which moves the due time.
                loop {
                    let due = self.host.next_due(Instant::now());
                    if due > Instant::now() {
                        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
                    }
                    if self.pending.is_none() {
                        break;
                    }
                    self.join().await?;
                }
            }
            let start = Instant::now();
            let result = self.fetcher.get(&next.url, next.prior.as_ref()).await;
            self.host
                .record(Instant::now(), start.elapsed(), signal(&result));
            self.fetched_this_call += 1;
            let status = result.as_ref().map_or(0, |f| f.status);
            // The previous capture ran while this request was in flight.
            self.join().await?;
            let mut sink = self
                .sink
                .take()
                .ok_or_else(|| Error::Aborted("capture stage lost".into()))?;
            let url = next.url.clone();
            let task = tokio::task::spawn_blocking(move || {
                let processed = sink.process(&next, result);
                (sink, processed)
            });
            self.pending = Some(Pending { task, url, status });
        }
    }

    /// robots.txt (RFC 9309): reused from the state database when younger than
    /// `robots_max_age_secs`; else fetched: 2xx parse, 4xx allow all, 5xx/unreachable retry
    /// with back-off, then abort (the host is deferred). Returns false when the host went
    /// down meanwhile.
    async fn load_robots(&mut self) -> Result<bool> {
        let max_age = chrono::Duration::seconds(
            i64::try_from(self.cfg.robots_max_age_secs).unwrap_or(i64::MAX / 1000),
        );
        let base = self.sink().await?.scope.base.clone();
        let origin = canon::origin(&base);
        let cached = {
            let origin = origin.clone();
            self.with_sink(move |s| s.state.cached_robots(&origin))
                .await??
        };
        if self.cfg.robots_max_age_secs > 0
            && let Some((body, status, fetched)) = cached
            && Utc::now() - fetched < max_age
        {
            let robots = match body {
                Some(text) if (200..300).contains(&status) => Robots::parse(&text, "tracuu"),
                _ => Robots::allow_all(),
            };
            self.use_robots(robots).await?;
            return Ok(true);
        }
        let mut target = base
            .join("/robots.txt")
            .map_err(|e| Error::Config(e.to_string()))?;
        let mut attempts = 0;
        let mut redirects = 0;
        let mut retry_hint;
        loop {
            let due = self.host.next_due(Instant::now());
            if due > Instant::now() {
                tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
            }
            let start = Instant::now();
            let result = self.fetcher.get(&target, None).await;
            self.host
                .record(Instant::now(), start.elapsed(), signal(&result));
            self.fetched_this_call += 1;
            let reason = match &result {
                Ok(f) => format!("http {}", f.status),
                Err(e) => e.as_str().to_owned(),
            };
            if let Ok(f) = result {
                let status = f.status;
                let next = f
                    .header("Location")
                    .and_then(|l| target.join(l).ok())
                    .filter(|n| canon::origin(n) == origin);
                let url = target.clone();
                let (robots, hint) = self
                    .with_sink(move |s| -> Result<(Option<Robots>, Option<Duration>)> {
                        s.report.fetched += 1;
                        s.report.bytes += f.body.len() as u64;
                        s.archive(&url, &f, "robots", None, &[])?;
                        let robots = s.robots_from_answer(&f)?;
                        Ok((robots, retry_after(f.header("Retry-After"), Utc::now())))
                    })
                    .await??;
                if (300..400).contains(&status) {
                    match next {
                        Some(n) if redirects < 5 => {
                            redirects += 1;
                            target = n;
                            continue;
                        }
                        _ => {
                            self.use_robots(Robots::allow_all()).await?;
                            return Ok(true);
                        }
                    }
                }
                if let Some(r) = robots {
                    self.use_robots(r).await?;
                    return Ok(true);
                }
                retry_hint = hint;
            } else {
                self.sink().await?.report.fetched += 1;
                retry_hint = None;
            }
            attempts += 1;
            let down = self.host.is_down(Instant::now());
            if down || attempts > self.cfg.max_retries {
                // robots.txt failed for good: counted like any failed URL.
                let report = &mut self.sink().await?.report;
                *report.failed.entry(reason).or_default() += 1;
                report.host_down |= down;
            }
            if down {
                return Ok(false);
            }
            if attempts > self.cfg.max_retries {
                return Err(Error::Aborted(format!(
                    "robots.txt of {base} is unavailable (server error); the host is deferred",
                )));
            }
            // Like any URL, robots.txt waits its own back-off before the next attempt.
            let wait = self.host.policy().retry_wait(attempts, retry_hint);
            tokio::time::sleep(wait).await;
        }
    }

    async fn use_robots(&mut self, robots: Robots) -> Result<()> {
        let policy = Policy::from_config(self.cfg)
            .with_crawl_delay(robots.crawl_delay, self.cfg.max_crawl_delay_secs);
        self.host.set_policy(policy);
        self.sink().await?.robots = robots;
        Ok(())
    }
}

/// What an answer tells the host scheduler (before its payload is read).
fn signal(result: &std::result::Result<Fetched, FetchError>) -> Signal {
    match result {
        Err(_) => Signal::Failed,
        Ok(f) if f.status == 429 || f.status == 503 => Signal::Throttled {
            retry_after: retry_after(f.header("Retry-After"), Utc::now()),
            server_error: f.status == 503,
        },
        Ok(f) if f.status >= 500 => Signal::Failed,
        Ok(_) => Signal::Success,
    }
}
