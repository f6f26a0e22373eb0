//! The admin job registry: which reindex/crawl jobs exist, their state, progress, counts and
//! errors. At most one job of each kind runs at a time.
//!
//! The runners themselves (what a reindex or crawl does) live in [`crate::admin`]; they report
//! through a [`JobHandle`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::error::AppError;

/// How many finished jobs are remembered.
const KEEP_FINISHED: usize = 50;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// Rebuild the index from the archive and swap it in.
    Reindex,
    /// Crawl the portal into the archive, then reindex.
    Crawl,
    /// Read the text of archived attachments that lack it (OCR of scans), then reindex.
    Ocr,
}

impl JobKind {
    /// The lowercase name (`reindex`, `crawl`, `ocr`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reindex => "reindex",
            Self::Crawl => "crawl",
            Self::Ocr => "ocr",
        }
    }
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Working.
    Running,
    /// Finished without error.
    Succeeded,
    /// Stopped by an error (see `errors`).
    Failed,
}

/// Progress of the current phase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Units done so far.
    pub done: u64,
    /// Units in all, when known.
    pub total: Option<u64>,
}

/// A point-in-time view of a job, as `/api/admin/jobs` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct JobSnapshot {
    /// Job id (increasing from 1).
    pub id: u64,
    /// What the job does.
    pub kind: JobKind,
    /// Running, succeeded or failed.
    pub state: JobState,
    /// The current phase (`replaying archive`, `building index`, `crawling`, ...).
    pub phase: String,
    /// Progress of the current phase.
    pub progress: Progress,
    /// Named counters (`records`, `documents`, `pages`, ...).
    pub counts: BTreeMap<String, u64>,
    /// Error messages, the fatal one last.
    pub errors: Vec<String>,
    /// Start time (RFC 3339, UTC).
    pub started_at: String,
    /// End time (RFC 3339, UTC), once finished.
    pub finished_at: Option<String>,
}

/// A running job's reporting handle.
#[derive(Debug, Clone)]
pub struct JobHandle {
    job: Arc<Mutex<JobSnapshot>>,
}

impl JobHandle {
    fn update(&self, change: impl FnOnce(&mut JobSnapshot)) {
        change(&mut self.job.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// The job id.
    pub fn id(&self) -> u64 {
        self.snapshot().id
    }

    /// A copy of the job's current state.
    pub fn snapshot(&self) -> JobSnapshot {
        self.job.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Enters a new phase; progress restarts from zero.
    pub fn phase(&self, phase: &str) {
        self.update(|job| {
            phase.clone_into(&mut job.phase);
            job.progress = Progress::default();
        });
    }

    /// Sets the progress of the current phase.
    pub fn progress(&self, done: u64, total: Option<u64>) {
        self.update(|job| job.progress = Progress { done, total });
    }

    /// Sets a named counter.
    pub fn set_count(&self, name: &str, value: u64) {
        self.update(|job| {
            job.counts.insert(name.to_owned(), value);
        });
    }

    /// Records a non-fatal error.
    pub fn error(&self, message: impl Into<String>) {
        let message = message.into();
        self.update(|job| job.errors.push(message));
    }

    /// Marks the job finished: succeeded, or failed with the given error.
    pub fn finish(&self, outcome: Result<(), String>) {
        self.update(|job| {
            job.state = match outcome {
                Ok(()) => JobState::Succeeded,
                Err(message) => {
                    job.errors.push(message);
                    JobState::Failed
                }
            };
            job.phase = "done".to_owned();
            job.finished_at = Some(now());
        });
    }
}

#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    jobs: Vec<JobHandle>,
}

/// All jobs the service knows about.
#[derive(Debug, Default)]
pub struct JobRegistry {
    inner: Mutex<Registry>,
}

impl JobRegistry {
    /// Registers a new running job of `kind`, or answers 409 if one is already running.
    pub fn start(&self, kind: JobKind) -> Result<JobHandle, AppError> {
        let mut registry = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = registry
            .jobs
            .iter()
            .map(JobHandle::snapshot)
            .find(|job| job.kind == kind && job.state == JobState::Running)
        {
            return Err(AppError::Conflict(format!(
                "Đang có một tác vụ {} chạy (mã {}); hãy đợi nó kết thúc.",
                kind.as_str(),
                running.id
            )));
        }
        registry.next_id += 1;
        let handle = JobHandle {
            job: Arc::new(Mutex::new(JobSnapshot {
                id: registry.next_id,
                kind,
                state: JobState::Running,
                phase: "starting".to_owned(),
                progress: Progress::default(),
                counts: BTreeMap::new(),
                errors: Vec::new(),
                started_at: now(),
                finished_at: None,
            })),
        };
        registry.jobs.push(handle.clone());
        let finished = registry
            .jobs
            .iter()
            .filter(|job| job.snapshot().state != JobState::Running)
            .count();
        if finished > KEEP_FINISHED {
            let mut to_drop = finished - KEEP_FINISHED;
            registry.jobs.retain(|job| {
                if to_drop > 0 && job.snapshot().state != JobState::Running {
                    to_drop -= 1;
                    false
                } else {
                    true
                }
            });
        }
        Ok(handle)
    }

    /// Every remembered job, newest first.
    pub fn list(&self) -> Vec<JobSnapshot> {
        let registry = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        registry
            .jobs
            .iter()
            .rev()
            .map(JobHandle::snapshot)
            .collect()
    }

    /// One job by id.
    pub fn get(&self, id: u64) -> Option<JobSnapshot> {
        let registry = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        registry
            .jobs
            .iter()
            .map(JobHandle::snapshot)
            .find(|job| job.id == id)
    }

    /// How many jobs of each kind are running.
    pub fn running(&self) -> Vec<(&'static str, u64)> {
        let jobs = self.list();
        [JobKind::Reindex, JobKind::Crawl, JobKind::Ocr]
            .into_iter()
            .map(|kind| {
                let count = jobs
                    .iter()
                    .filter(|job| job.kind == kind && job.state == JobState::Running)
                    .count();
                (kind.as_str(), count as u64)
            })
            .collect()
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_of_a_kind_at_a_time() {
        let registry = JobRegistry::default();
        let first = registry.start(JobKind::Reindex).unwrap();
        assert_eq!(first.id(), 1);
        let err = registry.start(JobKind::Reindex).unwrap_err();
        assert_eq!(err.status(), axum::http::StatusCode::CONFLICT);
        let crawl = registry.start(JobKind::Crawl).unwrap();
        assert_eq!(crawl.id(), 2);
        first.finish(Ok(()));
        let again = registry.start(JobKind::Reindex).unwrap();
        assert_eq!(again.id(), 3);
        assert_eq!(
            registry.running(),
            vec![("reindex", 1), ("crawl", 1), ("ocr", 0)]
        );
    }

    #[test]
    fn handle_reports_progress_and_errors() {
        let registry = JobRegistry::default();
        let job = registry.start(JobKind::Crawl).unwrap();
        job.phase("crawling");
        job.progress(3, Some(10));
        job.set_count("pages", 3);
        job.error("timeout on /a");
        job.finish(Err("portal unreachable".to_owned()));
        let seen = registry.get(job.id()).unwrap();
        assert_eq!(seen.state, JobState::Failed);
        assert_eq!(seen.counts["pages"], 3);
        assert_eq!(seen.errors, vec!["timeout on /a", "portal unreachable"]);
        assert!(seen.finished_at.is_some());
        assert!(registry.get(99).is_none());
    }

    #[test]
    fn old_finished_jobs_are_forgotten() {
        let registry = JobRegistry::default();
        for _ in 0..KEEP_FINISHED + 5 {
            registry.start(JobKind::Reindex).unwrap().finish(Ok(()));
        }
        assert!(registry.list().len() <= KEEP_FINISHED + 1);
        assert_eq!(registry.list()[0].id as usize, KEEP_FINISHED + 5);
    }
}
