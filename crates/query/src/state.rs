//! Shared state of the service: configuration, the live index (swapped atomically on reindex),
//! the job registry, metrics, the audit log, and the inputs the admin jobs need.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::{ArcSwap, ArcSwapOption};
use crawler::Capture;
use crawler::sites::SiteSummary;
use indexer::{IndexStore, SearchIndex};

use crate::audit::AuditLog;
use crate::cache::ResultCache;
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::jobs::JobRegistry;
use crate::metrics::{Metrics, PermitUse};
use crate::replay::CaptureIndex;

/// What the admin jobs work from: the archive to replay and how to crawl.
#[derive(Debug, Clone, Default)]
pub struct JobInputs {
    /// WARC folders replayed by a reindex, in order.
    pub archive_dirs: Vec<PathBuf>,
    /// Folder a crawl writes its WARC files into (it is replayed with `archive_dirs` after).
    pub crawl_archive_dir: Option<PathBuf>,
    /// The crawler's SQLite state (frontier, captures).
    pub state_db: Option<PathBuf>,
    /// The crawler's settings; without them `POST /api/admin/crawl` is refused.
    pub crawler: Option<crawler::CrawlerConfig>,
    /// The portals of the archive: records get their site on replay, and the service shows
    /// their titles.
    pub sites: Arc<crawler::Sites>,
}

struct Shared {
    config: ServerConfig,
    /// The on-disk generations. The store serialises builds and swaps its live generation
    /// atomically; a request keeps the [`SearchIndex`] it took, so a swap never disturbs it.
    store: Arc<IndexStore>,
    inputs: JobInputs,
    /// Archived captures by record id, oldest first (from the last replay of the archive).
    captures: ArcSwap<HashMap<String, Vec<Capture>>>,
    /// The CDXJ capture index replay reads (reopened when the archive's CDXJ files change).
    capture_index: ArcSwapOption<CaptureIndex>,
    jobs: JobRegistry,
    metrics: Metrics,
    audit: AuditLog,
    /// Pages of results already computed on the live generation.
    cache: ResultCache,
    /// Permits to search the index (`search_threads`).
    searches: Arc<tokio::sync::Semaphore>,
    /// Captures per site, with the CDXJ files (name, size, time) they were counted from.
    site_summaries: std::sync::Mutex<Option<(SummaryInputs, Arc<Vec<SiteSummary>>)>>,
}

/// Name, size and modification time of each file the site summaries are counted from: the
/// archive's CDXJ files and the crawl's state databases.
type SummaryInputs = Vec<(PathBuf, u64, Option<std::time::SystemTime>)>;

/// The service's shared state: small and cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.shared.config)
            .field("inputs", &self.shared.inputs)
            .field("ready", &self.is_ready())
            .finish_non_exhaustive()
    }
}

/// Builds an [`AppState`]: `AppState::builder(config, store).archive_dirs(..).build()`.
#[derive(Debug)]
pub struct AppStateBuilder {
    config: ServerConfig,
    store: Arc<IndexStore>,
    inputs: JobInputs,
    audit_log: Option<PathBuf>,
}

impl AppStateBuilder {
    /// WARC folders a reindex replays.
    #[must_use]
    pub fn archive_dirs(mut self, dirs: Vec<PathBuf>) -> Self {
        self.inputs.archive_dirs = dirs;
        self
    }

    /// Lets `POST /api/admin/crawl` run: the crawler's settings, the folder its WARC files go
    /// to, and its SQLite state file.
    #[must_use]
    pub fn crawl(
        mut self,
        crawler: crawler::CrawlerConfig,
        archive_dir: PathBuf,
        state_db: PathBuf,
    ) -> Self {
        self.inputs.crawler = Some(crawler);
        self.inputs.crawl_archive_dir = Some(archive_dir);
        self.inputs.state_db = Some(state_db);
        self
    }

    /// The portals of the archive (default: none, records keep the sites they were indexed
    /// with and titles are their names).
    #[must_use]
    pub fn sites(mut self, sites: crawler::Sites) -> Self {
        self.inputs.sites = Arc::new(sites);
        self
    }

    /// Where admin actions are appended as JSON lines (without it they go to the log only).
    #[must_use]
    pub fn audit_log(mut self, path: PathBuf) -> Self {
        self.audit_log = Some(path);
        self
    }

    /// Returns the state.
    pub fn build(self) -> AppState {
        AppState {
            shared: Arc::new(Shared {
                cache: ResultCache::new(self.config.search_cache_mb),
                searches: Arc::new(tokio::sync::Semaphore::new(self.config.search_permits())),
                config: self.config,
                store: self.store,
                inputs: self.inputs,
                captures: ArcSwap::default(),
                capture_index: ArcSwapOption::empty(),
                jobs: JobRegistry::default(),
                metrics: Metrics::default(),
                audit: AuditLog::new(self.audit_log),
                site_summaries: std::sync::Mutex::default(),
            }),
        }
    }
}

impl AppState {
    /// Starts building a state over an opened index store (owned or shared).
    pub fn builder(config: ServerConfig, store: impl Into<Arc<IndexStore>>) -> AppStateBuilder {
        AppStateBuilder {
            config,
            store: store.into(),
            inputs: JobInputs::default(),
            audit_log: None,
        }
    }

    /// The service settings.
    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    /// The portals of the archive.
    pub fn sites(&self) -> Arc<crawler::Sites> {
        Arc::clone(&self.shared.inputs.sites)
    }

    /// The inputs of the admin jobs.
    pub fn inputs(&self) -> &JobInputs {
        &self.shared.inputs
    }

    /// The live index generation, or `NotReady` (503) while there is none.
    pub fn index(&self) -> Result<SearchIndex, AppError> {
        self.shared.store.current()?.ok_or(AppError::NotReady)
    }

    /// Whether an index generation is live.
    pub fn is_ready(&self) -> bool {
        matches!(self.shared.store.current(), Ok(Some(_)))
    }

    /// The index store (builds and rollbacks block: call them from a blocking task).
    pub fn store(&self) -> &Arc<IndexStore> {
        &self.shared.store
    }

    /// Replaces the capture history with the captures of a replay.
    pub fn set_captures(&self, captures: &[Capture]) {
        let mut by_id: HashMap<String, Vec<Capture>> = HashMap::new();
        for capture in captures {
            if let Some(id) = &capture.record_id {
                by_id.entry(id.clone()).or_default().push(capture.clone());
            }
        }
        for list in by_id.values_mut() {
            list.sort_by(|a, b| a.date.cmp(&b.date));
        }
        self.shared.captures.store(Arc::new(by_id));
    }

    /// The archived captures of record `id`, oldest first.
    pub fn captures_of(&self, id: &str) -> Vec<Capture> {
        self.shared
            .captures
            .load()
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Replays the archive folders to learn every record's capture history (blocking: the CLI
    /// runs it in a background task at start; a reindex job refreshes it). Returns how many
    /// captures were found.
    pub fn load_captures(&self) -> Result<usize, crate::Error> {
        let dirs = self.reindex_dirs();
        if dirs.is_empty() {
            return Ok(0);
        }
        let replay = crawler::replay_sites(&dirs, &self.sites())?;
        self.set_captures(&replay.captures);
        Ok(replay.captures.len())
    }

    /// The folders a reindex replays: the crawl's archive once it holds WARC files, else the
    /// configured archive folders (the bundled sample on a fresh install).
    pub fn reindex_dirs(&self) -> Vec<PathBuf> {
        let inputs = self.inputs();
        if let Some(dir) = &inputs.crawl_archive_dir {
            // One sub-folder per site after the first.
            let tree = crawler::province::archive_tree(dir);
            if crawler::replay::warc_files(&tree).is_ok_and(|files| !files.is_empty()) {
                return tree;
            }
        }
        inputs.archive_dirs.clone()
    }

    /// The capture index over the archive (blocking: it lists the archive folder, and reads
    /// a few records when the CDXJ files changed since the last call).
    pub(crate) fn capture_index(&self) -> Arc<CaptureIndex> {
        let dirs = self.reindex_dirs();
        if let Some(index) = self.shared.capture_index.load_full()
            && index.is_current(&dirs)
        {
            return index;
        }
        let declared = self.inputs().crawler.as_ref().and_then(|c| {
            let public = url::Url::parse(c.public_base_url.as_deref()?).ok()?;
            Some((url::Url::parse(&c.base_url).ok()?, public))
        });
        let index = Arc::new(CaptureIndex::open(&dirs, declared));
        self.shared.capture_index.store(Some(Arc::clone(&index)));
        index
    }

    /// What the archive holds of each site (blocking: counted again from the CDXJ files and
    /// the crawl's state databases when they changed since the last call).
    pub fn site_summaries(&self) -> Result<Arc<Vec<SiteSummary>>, crate::Error> {
        let stamp = |path: PathBuf| {
            let meta = std::fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            (path, len, meta.and_then(|m| m.modified().ok()))
        };
        let dirs = self.reindex_dirs();
        let mut files: SummaryInputs = Vec::new();
        for dir in &dirs {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|x| x == "cdxj") {
                    files.push(stamp(path));
                }
            }
        }
        // A crawl that found its host down archives nothing, but its state database changes.
        let sites = self.sites();
        let state_db = self.inputs().state_db.as_deref();
        if let Some(state_db) = state_db {
            for site in sites.iter() {
                let (_, db) = crawler::province::site_paths(&sites, &site.name, state_db, state_db);
                files.push(stamp(PathBuf::from(format!("{}-wal", db.display()))));
                files.push(stamp(db));
            }
        }
        files.sort();
        let mut cached = self
            .shared
            .site_summaries
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((known, summaries)) = cached.as_ref()
            && *known == files
        {
            return Ok(Arc::clone(summaries));
        }
        let summaries = Arc::new(crawler::sites::summarize(&dirs, &sites, state_db)?);
        *cached = Some((files, Arc::clone(&summaries)));
        Ok(summaries)
    }

    /// The admin job registry.
    pub fn jobs(&self) -> &JobRegistry {
        &self.shared.jobs
    }

    /// The metrics registry.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.shared.audit
    }

    /// Waits for a permit to search the index for `use_` (held until the search ends), and
    /// counts it in the metrics.
    pub(crate) async fn search_permit(&self, use_: PermitUse) -> tokio::sync::OwnedSemaphorePermit {
        let searches = self.shared.searches.clone();
        let (permit, waited) = match searches.clone().try_acquire_owned() {
            Ok(permit) => (permit, false),
            Err(_) => (
                searches
                    .acquire_owned()
                    .await
                    .expect("the search semaphore is never closed"),
                true,
            ),
        };
        self.metrics().permit_granted(use_, waited);
        permit
    }

    /// Search permits held now.
    pub(crate) fn search_permits_in_use(&self) -> usize {
        self.shared
            .config
            .search_permits()
            .saturating_sub(self.shared.searches.available_permits())
    }

    /// The cache of search result pages.
    pub(crate) fn cache(&self) -> &ResultCache {
        &self.shared.cache
    }
}
