//! Admin endpoints and the job runners behind them: reindex (replay the archive, build a new
//! generation, swap it in), crawl (crawl, then reindex), rollback, and the job listing.
//!
//! Every accepted action is written to the audit log before it starts; a job's end is written
//! when it finishes.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::audit::AuditEntry;
use crate::error::{AppError, Error};
use crate::extract::ApiPath;
use crate::jobs::{JobHandle, JobKind, JobSnapshot};
use crate::state::AppState;

/// Most non-fatal warnings kept on a job.
const MAX_JOB_WARNINGS: usize = 100;

fn audit(state: &AppState, entry: &AuditEntry<'_>) -> Result<(), AppError> {
    state.audit().record(entry).map_err(AppError::from)
}

fn accepted(job: &JobHandle) -> Response {
    let id = job.id();
    (
        StatusCode::ACCEPTED,
        [(
            axum::http::header::LOCATION,
            format!("/api/admin/jobs/{id}"),
        )],
        Json(json!({ "job_id": id, "status_url": format!("/api/admin/jobs/{id}") })),
    )
        .into_response()
}

/// Starts a job of `kind`, auditing the start, and runs `work` in the background.
fn start_job<F>(
    state: &AppState,
    kind: JobKind,
    remote: Option<String>,
    work: F,
) -> Result<Response, AppError>
where
    F: AsyncJob,
{
    let job = match state.jobs().start(kind) {
        Ok(job) => job,
        Err(err) => {
            let mut entry = AuditEntry::now(kind.as_str(), "rejected");
            entry.remote = remote;
            entry.detail = Some("a job of this kind is already running".to_owned());
            audit(state, &entry)?;
            return Err(err);
        }
    };
    let mut entry = AuditEntry::now(kind.as_str(), "started");
    entry.job_id = Some(job.id());
    entry.remote = remote.clone();
    if let Err(err) = audit(state, &entry) {
        job.finish(Err("cannot write the audit log".to_owned()));
        return Err(err);
    }
    let response = accepted(&job);
    let state = state.clone();
    tokio::spawn(async move {
        let outcome = work.run(state.clone(), job.clone()).await;
        let mut entry = AuditEntry::now(
            kind.as_str(),
            if outcome.is_ok() {
                "succeeded"
            } else {
                "failed"
            },
        );
        entry.job_id = Some(job.id());
        entry.remote = remote;
        if let Err(err) = &outcome {
            tracing::error!(job = job.id(), kind = kind.as_str(), error = %err, "job failed");
            entry.detail = Some(err.to_string());
        }
        job.finish(outcome.map_err(|err| err.to_string()));
        if let Err(err) = state.audit().record(&entry) {
            tracing::error!(error = %err, "cannot write the audit log");
        }
    });
    Ok(response)
}

/// Work a job does, given the state and its reporting handle.
trait AsyncJob: Send + 'static {
    fn run(self, state: AppState, job: JobHandle)
    -> impl Future<Output = Result<(), Error>> + Send;
}

/// Rebuilds the whole index, or one site's records (`site`).
struct ReindexJob {
    site: Option<String>,
}

impl AsyncJob for ReindexJob {
    async fn run(self, state: AppState, job: JobHandle) -> Result<(), Error> {
        tokio::task::spawn_blocking(move || match self.site {
            Some(site) => reindex_site(&state, &job, &site),
            None => reindex_blocking(&state, &job),
        })
        .await?
    }
}

/// Crawls every site, or one (`site`), then reindexes.
struct CrawlJob {
    site: Option<String>,
}

impl AsyncJob for CrawlJob {
    async fn run(self, state: AppState, job: JobHandle) -> Result<(), Error> {
        crawl_then_reindex(state, job, self.site).await
    }
}

struct OcrJob;

impl AsyncJob for OcrJob {
    async fn run(self, state: AppState, job: JobHandle) -> Result<(), Error> {
        tokio::task::spawn_blocking(move || {
            read_attachments(&state, &job)?;
            reindex_blocking(&state, &job)
        })
        .await?
    }
}

/// Reads the text of archived attachments that have none yet, OCRing scans (WARC conversion
/// records beside the crawl's files); a job's progress counts scanned pages.
fn read_attachments(state: &AppState, job: &JobHandle) -> Result<(), Error> {
    let inputs = state.inputs().clone();
    let (Some(config), Some(archive_dir)) = (inputs.crawler, inputs.crawl_archive_dir) else {
        return Err(Error::NotConfigured("reading attachments"));
    };
    job.phase("reading attachments");
    let mut options = crawler::convert::ConvertOptions::from_config(&config);
    options.ocr = true;
    let (mut read, mut ocred, mut waiting) = (0, 0, 0);
    // Every site's folder: each keeps its own conversion records.
    for dir in crawler::province::archive_tree(&archive_dir) {
        let report = crawler::convert::convert_archive(
            std::slice::from_ref(&dir),
            &dir,
            &options,
            &mut |p| {
                job.progress(p.pages_done as u64, Some(p.pages_total as u64));
                job.set_count("files_done", p.files_done as u64);
            },
        )?;
        read += report.converted as u64;
        ocred += report.ocr_pages as u64;
        waiting += report.pending as u64;
        job.set_count("attachments_read", read);
        job.set_count("pages_ocred", ocred);
        job.set_count("waiting_for_ocr", waiting);
        if let Some(why) = report.ocr_unavailable {
            job.error(format!(
                "OCR unavailable: {why}; {}",
                crawler::ocr::INSTALL_HINT
            ));
            break;
        }
    }
    Ok(())
}

/// Replays the archive and builds a new generation beside the live one; the store swaps it in
/// atomically for readers.
pub(crate) fn reindex_blocking(state: &AppState, job: &JobHandle) -> Result<(), Error> {
    let replay = replay(state, job)?;
    let records = replay.records;
    build(state, job, records, &replay.captures)
}

/// One site's reindex: its records are rebuilt from the archive, every other site's records
/// are carried over unchanged from the live generation, into a new generation swapped in as a
/// whole (readers never see the site missing).
fn reindex_site(state: &AppState, job: &JobHandle, site: &str) -> Result<(), Error> {
    let replay = replay(state, job)?;
    let mut records: Vec<crawler::Record> = replay
        .records
        .into_iter()
        .filter(|r| r.site == site)
        .collect();
    job.set_count("site_records", records.len() as u64);
    if let Some(live) = state.store().current()? {
        let kept: Vec<crawler::Record> = live
            .records()?
            .into_iter()
            .filter(|r| r.site != site)
            .collect();
        job.set_count("other_sites_records", kept.len() as u64);
        records.extend(kept);
    }
    build(state, job, records, &replay.captures)
}

/// Replays the archive folders, reporting warnings and damage on the job.
fn replay(state: &AppState, job: &JobHandle) -> Result<crawler::Replay, Error> {
    let dirs = state.reindex_dirs();
    job.phase("replaying archive");
    let replay = crawler::replay_sites(&dirs, &state.sites())?;
    for warning in replay.warnings.iter().take(MAX_JOB_WARNINGS) {
        job.error(warning.clone());
    }
    job.set_count("warnings", replay.warnings.len() as u64);
    for damage in replay.damage.iter().take(MAX_JOB_WARNINGS) {
        job.error(format!("damaged record skipped: {damage}"));
    }
    job.set_count("damaged", replay.damage.len() as u64);
    job.set_count("captures", replay.captures.len() as u64);
    Ok(replay)
}

/// Builds a generation of `records` and makes it live, with the replay's capture history.
fn build(
    state: &AppState,
    job: &JobHandle,
    records: Vec<crawler::Record>,
    captures: &[crawler::Capture],
) -> Result<(), Error> {
    let count = records.len() as u64;
    job.set_count("records", count);
    job.phase("building index");
    job.progress(0, Some(count));
    let stats = state
        .store()
        .build_generation_with_progress(records, &mut |done| {
            job.progress(done as u64, Some(count))
        })?;
    state.set_captures(captures);
    job.set_count("documents", stats.documents);
    tracing::info!(job = job.id(), generation = %stats.generation, documents = stats.documents, "new index generation is live");
    state.metrics().reindex_finished();
    Ok(())
}

async fn crawl_then_reindex(
    state: AppState,
    job: JobHandle,
    only: Option<String>,
) -> Result<(), Error> {
    let inputs = state.inputs().clone();
    let (Some(config), Some(archive_dir), Some(state_db)) =
        (inputs.crawler, inputs.crawl_archive_dir, inputs.state_db)
    else {
        return Err(Error::NotConfigured("crawling"));
    };
    let sites = if inputs.sites.is_empty() {
        crawler::Sites::single(&config)?
    } else {
        crawler::Sites::clone(&inputs.sites)
    };
    job.phase("crawling");
    let reporter = job.clone();
    let totals: std::sync::Mutex<std::collections::BTreeMap<String, crawler::Progress>> =
        std::sync::Mutex::default();
    let progress = move |site: &str, p: crawler::Progress| {
        let mut totals = totals.lock().unwrap_or_else(|e| e.into_inner());
        totals.insert(site.to_owned(), p);
        let fetched = totals.values().map(|p| p.fetched).sum::<u64>();
        let queued = totals.values().map(|p| p.queued).sum::<u64>();
        reporter.progress(fetched, Some(fetched + queued));
        reporter.set_count("fetched", fetched);
        reporter.set_count("failed", totals.values().map(|p| p.failed).sum());
    };
    // The crawler keeps a SQLite connection across awaits, so its future is not `Send`: it
    // runs on a thread of its own with a single-threaded runtime (hosts still crawled at once).
    let outcomes = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let selected: Vec<&crawler::Site> = sites
            .iter()
            .filter(|s| only.as_ref().is_none_or(|name| s.name == *name))
            .collect();
        let outcomes = runtime.block_on(crawler::province::crawl_sites(
            &sites,
            &selected,
            &archive_dir,
            &state_db,
            config.max_hosts_in_parallel,
            Some(&progress),
        ));
        Ok::<_, Error>(
            outcomes
                .into_iter()
                .map(|o| (o.site.clone(), o.line(), o.result))
                .collect::<Vec<_>>(),
        )
    })
    .await??;
    let mut totals = [0u64; 4];
    let mut first_error = None;
    for (site, line, result) in outcomes {
        job.set_count(
            &format!("fetched:{site}"),
            result.as_ref().map_or(0, |r| r.fetched),
        );
        if result.as_ref().map_or(true, |r| !r.finished) {
            // A site that stopped (host down, error): its report line says why.
            job.error(line);
        }
        match result {
            Ok(report) => {
                for (total, n) in totals.iter_mut().zip([
                    report.fetched,
                    report.new,
                    report.changed,
                    report.failed_total(),
                ]) {
                    *total += n;
                }
                for (reason, count) in &report.failed {
                    job.error(format!("{count} × {reason}"));
                }
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    for (name, total) in ["fetched", "new", "changed", "failed"].iter().zip(totals) {
        job.set_count(name, total);
    }
    if let Some(error) = first_error {
        // The sites that ran are reindexed all the same.
        tracing::warn!("a site could not be crawled: {error}");
    }
    state.metrics().crawl_finished();
    tokio::task::spawn_blocking(move || {
        read_attachments(&state, &job)?;
        reindex_blocking(&state, &job)
    })
    .await?
}

/// Peer address of the request, for the audit log.
fn remote_of(request: &Request) -> Option<String> {
    crate::server::remote(request.extensions())
}

/// `POST /api/admin/reindex[?site=NAME]`: 202 with the job id, 409 if a reindex is running,
/// 400 for a site not configured.
pub(crate) async fn reindex(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    let site = site_param(&state, &request)?;
    start_job(
        &state,
        JobKind::Reindex,
        remote_of(&request),
        ReindexJob { site },
    )
}

/// The `site` parameter of an admin request: absent (every site) or a configured site's
/// name; anything else is a 400.
fn site_param(state: &AppState, request: &Request) -> Result<Option<String>, AppError> {
    let mut site = None;
    for (name, value) in url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
    {
        if name != "site" || site.is_some() {
            return Err(AppError::bad_request(
                "unknown_parameter",
                "Chỉ nhận một tham số “site” (tên một trang đã cấu hình).",
            ));
        }
        site = Some(value.into_owned());
    }
    match site {
        Some(name) if state.sites().get(&name).is_none() => {
            let known: Vec<String> = state.sites().iter().map(|s| s.name.clone()).collect();
            Err(AppError::bad_request(
                "unknown_site",
                format!(
                    "Không có trang “{}” trong cấu hình. Các trang: {}.",
                    name.chars().take(40).collect::<String>(),
                    known.join(", ")
                ),
            ))
        }
        site => Ok(site),
    }
}

/// `POST /api/admin/crawl`: 202 with the job id, 409 if a crawl is running, 400 when the
/// service was started without crawler settings.
pub(crate) async fn crawl(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    require_crawler(&state)?;
    let site = site_param(&state, &request)?;
    start_job(
        &state,
        JobKind::Crawl,
        remote_of(&request),
        CrawlJob { site },
    )
}

/// Starts the crawl job of the schedule ([`crate::schedule`]): every site, then a reindex;
/// refused (and audited so) while a crawl runs.
pub(crate) fn start_scheduled_crawl(state: &AppState) -> Result<(), AppError> {
    start_job(
        state,
        JobKind::Crawl,
        Some(crate::schedule::SCHEDULER.to_owned()),
        CrawlJob { site: None },
    )
    .map(drop)
}

/// `POST /api/admin/ocr`: 202 with the job id (reads attachments without text, OCRs scans,
/// then reindexes), 409 if one is running, 400 without crawler settings (the archive folder).
pub(crate) async fn ocr(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    require_crawler(&state)?;
    start_job(&state, JobKind::Ocr, remote_of(&request), OcrJob)
}

/// 400 when the service was started without crawler settings (crawl and OCR jobs need the
/// archive folder and the crawler's configuration).
fn require_crawler(state: &AppState) -> Result<(), AppError> {
    if state.inputs().crawler.is_none() {
        return Err(AppError::bad_request(
            "crawl_not_configured",
            "Máy chủ này không được cấu hình để thu thập dữ liệu.",
        ));
    }
    Ok(())
}

/// `POST /api/admin/rollback`: makes the previous generation live again.
pub(crate) async fn rollback(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    let mut entry = AuditEntry::now("rollback", "started");
    entry.remote = remote_of(&request);
    audit(&state, &entry)?;
    let worker = state.clone();
    let outcome = tokio::task::spawn_blocking(move || worker.store().rollback()).await?;
    let mut done = AuditEntry::now(
        "rollback",
        if outcome.is_ok() {
            "succeeded"
        } else {
            "failed"
        },
    );
    done.remote = entry.remote.clone();
    match outcome {
        Ok(rollback) => {
            done.detail = Some(format!("{} replaces {}", rollback.live, rollback.replaced));
            audit(&state, &done)?;
            Ok(
                Json(json!({ "live": rollback.live, "replaced": rollback.replaced }))
                    .into_response(),
            )
        }
        Err(err) => {
            done.detail = Some(err.to_string());
            audit(&state, &done)?;
            Err(AppError::from(err))
        }
    }
}

/// `GET /api/admin/jobs`: every remembered job, newest first.
pub(crate) async fn list_jobs(State(state): State<AppState>) -> Json<Vec<JobSnapshot>> {
    Json(state.jobs().list())
}

/// `GET /api/admin/jobs/{id}`.
pub(crate) async fn job(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<JobSnapshot>, AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "Không có tác vụ mã “{}”.",
            id.chars().take(40).collect::<String>()
        ))
    };
    let number: u64 = id.parse().map_err(|_| not_found())?;
    state.jobs().get(number).map(Json).ok_or_else(not_found)
}
