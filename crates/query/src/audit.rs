//! The append-only audit log of admin actions: one JSON object per line.
//!
//! Every admin request that passes authentication is written here before it takes effect, so
//! an action that cannot be audited is refused. Tokens are never written.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::{Error, Result};

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry<'a> {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// What was asked: `reindex`, `crawl`, `rollback`.
    pub action: &'a str,
    /// What happened: `started`, `rejected`, `succeeded`, `failed`.
    pub outcome: &'a str,
    /// The job concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<u64>,
    /// Who asked (peer address, when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// Free-form detail (an error message, a generation number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl<'a> AuditEntry<'a> {
    /// An entry stamped with the current time.
    pub fn now(action: &'a str, outcome: &'a str) -> Self {
        Self {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            action,
            outcome,
            job_id: None,
            remote: None,
            detail: None,
        }
    }
}

/// The audit log file (or, without a path, the tracing log only).
#[derive(Debug, Default)]
pub struct AuditLog {
    path: Option<PathBuf>,
    lock: Mutex<()>,
}

impl AuditLog {
    /// An audit log appending to `path` (created with its folder when missing).
    pub fn new(path: Option<PathBuf>) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Where the log is written, if anywhere.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends one entry (and mirrors it to the tracing log).
    pub fn record(&self, entry: &AuditEntry<'_>) -> Result<()> {
        let line = serde_json::to_string(entry)?;
        tracing::info!(target: "audit", action = entry.action, outcome = entry.outcome, job_id = ?entry.job_id, "admin action");
        let Some(path) = &self.path else {
            return Ok(());
        };
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        file.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_serialise_without_empty_fields() {
        let mut entry = AuditEntry::now("reindex", "started");
        entry.job_id = Some(3);
        let line = serde_json::to_string(&entry).unwrap();
        assert!(line.contains("\"action\":\"reindex\""));
        assert!(line.contains("\"job_id\":3"));
        assert!(!line.contains("remote"));
    }
}
