//! Durable crawl state in SQLite (WAL): runs, the frontier (`urls`, with per-URL attempts
//! and not-before times), captures (file, offset, length, digest, status, time), hosts
//! (robots.txt cache) and how far each WARC file is known (`warc_files`).
//!
//! Writes are batched: the crawl keeps one transaction open and commits it at checkpoints,
//! right after the WARC file is synced. A kill loses at most the last batch of state, never
//! archive records: on restart the crawl reconciles the state from the WARC files past their
//! known length (the archive is the source of truth).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// URL kinds in the frontier; they also set the fetch order (lower first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// The site's home page (used to detect the public origin).
    Home,
    /// Sitemap index or module sitemap.
    Sitemap,
    /// RSS/Atom feed.
    Feed,
    /// Listing or navigation page.
    Listing,
    /// News or laws detail page.
    Detail,
    /// Attachment download.
    Attachment,
    /// Page requisite: stylesheet, image, font or script a page needs to render.
    Requisite,
}

impl UrlKind {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            UrlKind::Home => "home",
            UrlKind::Sitemap => "sitemap",
            UrlKind::Feed => "feed",
            UrlKind::Listing => "listing",
            UrlKind::Detail => "detail",
            UrlKind::Attachment => "attachment",
            UrlKind::Requisite => "requisite",
        }
    }
    /// Parses a storage name.
    pub fn parse(s: &str) -> UrlKind {
        match s {
            "home" => UrlKind::Home,
            "sitemap" => UrlKind::Sitemap,
            "feed" => UrlKind::Feed,
            "detail" => UrlKind::Detail,
            "attachment" => UrlKind::Attachment,
            "requisite" => UrlKind::Requisite,
            _ => UrlKind::Listing,
        }
    }
    fn priority(self) -> i64 {
        match self {
            UrlKind::Home => 0,
            UrlKind::Sitemap => 1,
            UrlKind::Feed => 2,
            UrlKind::Listing => 3,
            UrlKind::Detail => 4,
            UrlKind::Attachment => 5,
            UrlKind::Requisite => 6,
        }
    }
}

/// Where a frontier URL stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlState {
    /// Waiting to be fetched (maybe not before a retry time).
    Queued,
    /// Fetched and archived.
    Done,
    /// Given up on, with a reason (retryable reasons are tried again by the next call).
    Failed,
    /// 404/410, or a laws detail redirected to the listing.
    Gone,
    /// Redirected off-site (recorded, not followed).
    External,
    /// Not fetched (robots.txt, out of scope).
    Skipped,
}

impl UrlState {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            UrlState::Queued => "queued",
            UrlState::Done => "done",
            UrlState::Failed => "failed",
            UrlState::Gone => "gone",
            UrlState::External => "external",
            UrlState::Skipped => "skipped",
        }
    }
}

/// A frontier entry due for fetching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedUrl {
    /// Identity key (see `canon::url_key`).
    pub key: String,
    /// URL to fetch.
    pub url: String,
    /// Kind.
    pub kind: UrlKind,
    /// Redirect hops that led here.
    pub hops: u32,
    /// Failed attempts so far in this run.
    pub attempts: u32,
    /// `<lastmod>` from the sitemap, if listed there.
    pub lastmod: Option<String>,
}

/// The latest capture of a key, for revisit and conditional-GET decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorCapture {
    /// Response record id.
    pub record_id: String,
    /// Target URI.
    pub url: String,
    /// `WARC-Date`.
    pub warc_date: String,
    /// Payload digest.
    pub digest: String,
    /// Content hash used for new/changed/unchanged.
    pub content_hash: Option<String>,
    /// `ETag` given by the server.
    pub etag: Option<String>,
    /// `Last-Modified` given by the server.
    pub last_modified: Option<String>,
}

/// Reads a [`PriorCapture`] from a row selected as `record_id, url, warc_date, digest,
/// content_hash, etag, last_modified`.
fn prior_capture(r: &rusqlite::Row<'_>) -> rusqlite::Result<PriorCapture> {
    Ok(PriorCapture {
        record_id: r.get(0)?,
        url: r.get(1)?,
        warc_date: r.get(2)?,
        digest: r.get(3)?,
        content_hash: r.get(4)?,
        etag: r.get(5)?,
        last_modified: r.get(6)?,
    })
}

/// One capture row.
#[derive(Debug, Clone, Default)]
pub struct CaptureRow<'a> {
    /// Frontier key.
    pub key: &'a str,
    /// Target URI.
    pub url: &'a str,
    /// WARC file name.
    pub file: &'a str,
    /// Offset of the record.
    pub offset: u64,
    /// Compressed length.
    pub length: u64,
    /// Payload digest.
    pub digest: &'a str,
    /// HTTP status.
    pub status: u16,
    /// MIME type.
    pub mime: &'a str,
    /// Record id.
    pub record_id: &'a str,
    /// `WARC-Date`.
    pub warc_date: &'a str,
    /// `response` or `revisit`.
    pub warc_type: &'a str,
    /// Content hash (None for non-200).
    pub content_hash: Option<&'a str>,
    /// `ETag`.
    pub etag: Option<&'a str>,
    /// `Last-Modified`.
    pub last_modified: Option<&'a str>,
}

/// A cached robots.txt: body (when it was a 2xx), status, when it was fetched.
pub type CachedRobots = (Option<String>, u16, chrono::DateTime<chrono::Utc>);

/// The state database.
pub struct State {
    conn: Connection,
    /// The next discovery order number (kept here: `MAX(seq)` per insert scans the table).
    next_seq: i64,
    /// Whether a batch transaction is open.
    in_batch: bool,
}

impl State {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| crate::Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, base_url TEXT, report TEXT);
             CREATE TABLE IF NOT EXISTS urls (
                key TEXT PRIMARY KEY, url TEXT NOT NULL, kind TEXT NOT NULL, priority INTEGER NOT NULL,
                state TEXT NOT NULL, reason TEXT, hops INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0, not_before_ms INTEGER NOT NULL DEFAULT 0,
                lastmod TEXT, run_id INTEGER, seq INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS urls_queue ON urls(state, priority, seq);
             CREATE TABLE IF NOT EXISTS captures (
                id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL,
                file TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, digest TEXT NOT NULL,
                status INTEGER NOT NULL, mime TEXT, record_id TEXT NOT NULL UNIQUE, warc_date TEXT NOT NULL,
                warc_type TEXT NOT NULL, content_hash TEXT, etag TEXT, last_modified TEXT);
             CREATE INDEX IF NOT EXISTS captures_key ON captures(key, id);
             CREATE INDEX IF NOT EXISTS captures_digest ON captures(digest);
             CREATE TABLE IF NOT EXISTS hosts (
                origin TEXT PRIMARY KEY, robots TEXT, robots_status INTEGER, robots_fetched TEXT,
                backoff_until TEXT, errors INTEGER NOT NULL DEFAULT 0);
             CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS warc_files (name TEXT PRIMARY KEY, known_len INTEGER NOT NULL);",
        )?;
        let next_seq: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM urls", [], |r| {
                r.get(0)
            })?;
        Ok(Self {
            conn,
            next_seq,
            in_batch: false,
        })
    }

    /// Opens a batch: every write until [`State::checkpoint`] commits together.
    pub fn begin_batch(&mut self) -> Result<()> {
        if !self.in_batch {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.in_batch = true;
        }
        Ok(())
    }

    /// Commits the open batch (if any) and opens the next one.
    pub fn checkpoint(&mut self) -> Result<()> {
        if self.in_batch {
            self.conn.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
        }
        Ok(())
    }

    /// Commits the open batch and leaves batch mode.
    pub fn end_batch(&mut self) -> Result<()> {
        if self.in_batch {
            self.conn.execute_batch("COMMIT")?;
            self.in_batch = false;
        }
        Ok(())
    }

    /// Records that the first `len` bytes of a WARC file are reflected in this database.
    pub fn set_warc_known(&self, name: &str, len: u64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO warc_files (name, known_len) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET known_len = MAX(known_len, ?2)",
            params![name, len as i64],
        )?;
        Ok(())
    }

    /// How many leading bytes of a WARC file this database reflects (0 when unknown).
    pub fn warc_known(&self, name: &str) -> Result<u64> {
        Ok(self
            .conn
            .query_row(
                "SELECT known_len FROM warc_files WHERE name = ?1",
                params![name],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0) as u64)
    }

    /// Queues again the URLs that failed for a reason worth retrying (server errors,
    /// throttling, timeouts, connection failures), with fresh attempt counts. Returns how many.
    pub fn requeue_retryable(&self, retryable_reasons: &[String]) -> Result<usize> {
        let mut n = self.conn.execute(
            "UPDATE urls SET state = 'queued', attempts = 0, not_before_ms = 0
             WHERE state = 'failed' AND (reason LIKE 'http 5%' OR reason = 'http 429')",
            [],
        )?;
        for r in retryable_reasons {
            n += self.conn.execute(
                "UPDATE urls SET state = 'queued', attempts = 0, not_before_ms = 0
                 WHERE state = 'failed' AND reason = ?1",
                params![r],
            )?;
        }
        Ok(n)
    }

    /// The cached robots.txt of an origin: `(body, status, fetched at)`.
    pub fn cached_robots(&self, origin: &str) -> Result<Option<CachedRobots>> {
        let row: Option<(Option<String>, Option<u16>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT robots, robots_status, robots_fetched FROM hosts WHERE origin = ?1",
                params![origin],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(body, status, fetched)| {
            let fetched = chrono::DateTime::parse_from_rfc3339(&fetched?).ok()?;
            Some((body, status?, fetched.with_timezone(&chrono::Utc)))
        }))
    }

    /// The unfinished run to resume, or a new run. Returns `(run_id, resumed)`.
    pub fn begin_run(&mut self, base_url: &str) -> Result<(i64, bool)> {
        let open: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE finished IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = open {
            return Ok((id, true));
        }
        // Plain statements: the caller's batch (if any) makes them atomic.
        self.conn.execute(
            "INSERT INTO runs (started, base_url) VALUES (?1, ?2)",
            params![chrono::Utc::now().to_rfc3339(), base_url],
        )?;
        let id = self.conn.last_insert_rowid();
        // A new run revisits everything except attachments already archived (fetched once).
        self.conn.execute(
            "UPDATE urls SET state = 'queued', reason = NULL, attempts = 0, hops = 0, not_before_ms = 0
             WHERE NOT (kind = 'attachment' AND state = 'done')",
            [],
        )?;
        Ok((id, false))
    }

    /// Marks a run finished and stores its report.
    pub fn finish_run(&self, run_id: i64, report_json: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished = ?1, report = ?2 WHERE id = ?3",
            params![chrono::Utc::now().to_rfc3339(), report_json, run_id],
        )?;
        Ok(())
    }

    /// Stores the report of an unfinished run (progress so far).
    pub fn save_report(&self, run_id: i64, report_json: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET report = ?1 WHERE id = ?2",
            params![report_json, run_id],
        )?;
        Ok(())
    }

    /// Adds a URL to the frontier unless its key is known. Returns whether it was added.
    pub fn enqueue(
        &mut self,
        key: &str,
        url: &str,
        kind: UrlKind,
        hops: u32,
        lastmod: Option<&str>,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO urls (key, url, kind, priority, state, hops, lastmod, seq)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7)",
            params![
                key,
                url,
                kind.as_str(),
                kind.priority(),
                hops,
                lastmod,
                self.next_seq
            ],
        )?;
        if n > 0 {
            self.next_seq += 1;
        }
        if n == 0
            && let Some(lm) = lastmod
        {
            self.conn.execute(
                "UPDATE urls SET lastmod = ?1 WHERE key = ?2",
                params![lm, key],
            )?;
        }
        Ok(n > 0)
    }

    /// Re-queues a known key with a new URL (redirect to the same identity).
    pub fn requeue_redirect(&self, key: &str, url: &str, hops: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE urls SET url = ?1, hops = ?2, state = 'queued', not_before_ms = 0 WHERE key = ?3",
            params![url, hops, key],
        )?;
        Ok(())
    }

    /// The next queued URL due at `now_ms` (Unix milliseconds), by kind priority, then
    /// discovery order.
    pub fn next_queued(&self, now_ms: i64) -> Result<Option<QueuedUrl>> {
        Ok(self.due(now_ms, 1)?.into_iter().next())
    }

    /// Up to `limit` queued URLs due at `now_ms`, by kind priority, then discovery order.
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<QueuedUrl>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, url, kind, hops, attempts, lastmod FROM urls
             WHERE state = 'queued' AND not_before_ms <= ?1
             ORDER BY priority, seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now_ms, limit as i64], |r| {
            Ok(QueuedUrl {
                key: r.get(0)?,
                url: r.get(1)?,
                kind: UrlKind::parse(&r.get::<_, String>(2)?),
                hops: r.get(3)?,
                attempts: r.get(4)?,
                lastmod: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The earliest retry time (Unix milliseconds) among queued URLs, if any is queued.
    pub fn earliest_not_before(&self) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MIN(not_before_ms) FROM urls WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Number of queued URLs.
    pub fn queued_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM urls WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Sets a URL's state (final ones: done, failed, gone, external, skipped) with a reason.
    pub fn mark(
        &self,
        key: &str,
        state: UrlState,
        reason: Option<&str>,
        run_id: i64,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE urls SET state = ?1, reason = ?2, run_id = ?3 WHERE key = ?4",
            params![state.as_str(), reason, run_id, key],
        )?;
        Ok(())
    }

    /// Sets a URL's state, adding it to the frontier when it is not there (a capture found
    /// in the archive whose discovery the database lost).
    pub fn settle(
        &mut self,
        key: &str,
        url: &str,
        kind: UrlKind,
        state: UrlState,
        reason: Option<&str>,
        run_id: i64,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO urls (key, url, kind, priority, state, reason, run_id, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(key) DO UPDATE SET state = ?5, reason = ?6, run_id = ?7",
            params![
                key,
                url,
                kind.as_str(),
                kind.priority(),
                state.as_str(),
                reason,
                run_id,
                self.next_seq
            ],
        )?;
        self.next_seq += 1;
        Ok(())
    }

    /// Records a failed attempt: the URL stays queued, not before `not_before_ms` (Unix
    /// milliseconds). Returns the attempts so far.
    pub fn retry_later(&mut self, key: &str, not_before_ms: i64) -> Result<u32> {
        self.conn.execute(
            "UPDATE urls SET attempts = attempts + 1, not_before_ms = ?2, seq = ?3 WHERE key = ?1",
            params![key, not_before_ms, self.next_seq],
        )?;
        self.next_seq += 1;
        Ok(self.conn.query_row(
            "SELECT attempts FROM urls WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )?)
    }

    /// The latest capture of a key with a full payload (response record or resolved revisit).
    pub fn prior_capture(&self, key: &str) -> Result<Option<PriorCapture>> {
        Ok(self
            .conn
            .query_row(
                "SELECT record_id, url, warc_date, digest, content_hash, etag, last_modified FROM captures
                 WHERE key = ?1 AND status = 200 ORDER BY id DESC LIMIT 1",
                params![key],
                prior_capture,
            )
            .optional()?)
    }

    /// The original response record holding a payload digest (for revisits).
    pub fn original_for_digest(&self, digest: &str) -> Result<Option<PriorCapture>> {
        Ok(self
            .conn
            .query_row(
                "SELECT record_id, url, warc_date, digest, content_hash, etag, last_modified FROM captures
                 WHERE digest = ?1 AND warc_type = 'response' ORDER BY id LIMIT 1",
                params![digest],
                prior_capture,
            )
            .optional()?)
    }

    /// Whether a record id is already stored.
    pub fn has_capture(&self, record_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM captures WHERE record_id = ?1",
                params![record_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Key of a frontier URL by its fetch URL.
    pub fn key_for_url(&self, url: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT key FROM urls WHERE url = ?1", params![url], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Inserts a capture.
    pub fn add_capture(&self, run_id: i64, c: &CaptureRow<'_>) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO captures (run_id, key, url, file, offset, length, digest, status, mime, record_id,
                warc_date, warc_type, content_hash, etag, last_modified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                run_id, c.key, c.url, c.file, c.offset as i64, c.length as i64, c.digest, c.status, c.mime,
                c.record_id, c.warc_date, c.warc_type, c.content_hash, c.etag, c.last_modified
            ],
        )?;
        Ok(())
    }

    /// Number of captures in a run.
    pub fn captures_in_run(&self, run_id: i64) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM captures WHERE run_id = ?1",
            params![run_id],
            |r| r.get(0),
        )?)
    }

    /// Stores the host's robots.txt outcome.
    pub fn save_robots(
        &self,
        origin: &str,
        body: Option<&str>,
        status: u16,
        fetched: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO hosts (origin, robots, robots_status, robots_fetched) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(origin) DO UPDATE SET robots = ?2, robots_status = ?3, robots_fetched = ?4",
            params![origin, body, status, fetched.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Moves frontier URLs from one origin to another (the mirror moved, e.g. a new port).
    pub fn move_origin(&self, from: &str, to: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE urls SET url = ?2 || substr(url, length(?1) + 1) WHERE substr(url, 1, length(?1) + 1) = ?1 || '/'",
            params![from, to],
        )?)
    }

    /// A stored setting (e.g. the detected public base URL).
    pub fn get_meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT v FROM meta WHERE k = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a setting.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = ?2",
            params![key, value],
        )?;
        Ok(())
    }

    /// The JSON report of the latest run, finished or not, from the database at `path`, read
    /// without creating or changing anything (`None` when there is no database or no report).
    pub fn latest_report_at(path: &Path) -> Result<Option<String>> {
        let Some(conn) = Self::runs_at(path)? else {
            return Ok(None);
        };
        Ok(conn
            .query_row(
                "SELECT report FROM runs WHERE report IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// When the latest run (crawl call) recorded in the database at `path` started, read
    /// without creating or changing anything (`None` when there is none).
    pub fn latest_run_started_at(path: &Path) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let Some(conn) = Self::runs_at(path)? else {
            return Ok(None);
        };
        let started: Option<String> = conn
            .query_row(
                "SELECT started FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(started
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&chrono::Utc)))
    }

    /// A read-only connection to the database at `path` when it exists and has runs.
    fn runs_at(path: &Path) -> Result<Option<Connection>> {
        if !path.is_file() {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let has_runs: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs')",
            [],
            |r| r.get(0),
        )?;
        Ok(has_runs.then_some(conn))
    }

    /// The JSON report of the latest finished run.
    pub fn last_report(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT report FROM runs WHERE finished IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontier_order_and_runs() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("s.db")).unwrap();
        let (run, resumed) = s.begin_run("http://h/").unwrap();
        assert!(!resumed);
        assert!(
            s.enqueue("news:1", "http://h/a-1.html", UrlKind::Detail, 0, None)
                .unwrap()
        );
        assert!(
            !s.enqueue("news:1", "http://h/b-1.html", UrlKind::Detail, 0, None)
                .unwrap()
        );
        s.enqueue("http://h/", "http://h/", UrlKind::Home, 0, None)
            .unwrap();
        assert_eq!(s.next_queued(0).unwrap().unwrap().kind, UrlKind::Home);
        s.mark("http://h/", UrlState::Done, None, run).unwrap();
        assert_eq!(s.next_queued(0).unwrap().unwrap().url, "http://h/a-1.html");
        // A retry waits for its time; the host serves the next URL meanwhile.
        s.enqueue("news:2", "http://h/b-2.html", UrlKind::Detail, 0, None)
            .unwrap();
        assert_eq!(s.retry_later("news:1", 1_000).unwrap(), 1);
        assert_eq!(s.next_queued(999).unwrap().unwrap().key, "news:2");
        assert_eq!(s.earliest_not_before().unwrap(), Some(0));
        s.mark("news:2", UrlState::Done, None, run).unwrap();
        assert_eq!(s.next_queued(999).unwrap(), None);
        assert_eq!(s.earliest_not_before().unwrap(), Some(1_000));
        assert_eq!(s.next_queued(1_000).unwrap().unwrap().key, "news:1");
        // Not finished: the same run resumes.
        assert_eq!(s.begin_run("http://h/").unwrap(), (run, true));
        s.mark("news:1", UrlState::Done, None, run).unwrap();
        s.finish_run(run, "{}").unwrap();
        let (run2, resumed) = s.begin_run("http://h/").unwrap();
        assert!(!resumed && run2 > run);
        assert_eq!(s.queued_count().unwrap(), 3);
    }

    #[test]
    fn batches_commit_at_checkpoints_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = State::open(&path).unwrap();
        s.begin_batch().unwrap();
        s.enqueue("a", "http://h/a", UrlKind::Listing, 0, None)
            .unwrap();
        s.checkpoint().unwrap();
        s.enqueue("b", "http://h/b", UrlKind::Listing, 0, None)
            .unwrap();
        s.set_warc_known("x.warc.gz", 10).unwrap();
        drop(s); // killed before the next checkpoint
        let s = State::open(&path).unwrap();
        assert_eq!(s.queued_count().unwrap(), 1);
        assert_eq!(s.warc_known("x.warc.gz").unwrap(), 0);
    }

    #[test]
    fn retryable_failures_are_queued_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("s.db")).unwrap();
        let (run, _) = s.begin_run("http://h/").unwrap();
        for (k, reason) in [("a", "http 503"), ("b", "timeout"), ("c", "http 403")] {
            s.enqueue(k, &format!("http://h/{k}"), UrlKind::Listing, 0, None)
                .unwrap();
            s.mark(k, UrlState::Failed, Some(reason), run).unwrap();
        }
        assert_eq!(s.requeue_retryable(&["timeout".to_string()]).unwrap(), 2);
        assert_eq!(s.queued_count().unwrap(), 2);
    }
}
