//! What a crawl reports: the progress snapshot given after every request, and the report of a
//! call (also stored as JSON in the state database).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// The host's current delay between requests, in milliseconds (adaptive: it grows when
    /// the host throttles and decays on successes).
    pub delay_ms: u64,
    /// Throttling answers so far (429, 503, flood page).
    pub throttled: u64,
    /// Retries scheduled so far.
    pub retried: u64,
}

/// What a crawl call did. Also stored (as JSON) in the state database's `runs` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Retries scheduled (a URL that got a 5xx, 429, flood page or no answer goes back into
    /// the frontier with its own not-before time).
    pub retried: u64,
    /// Whether the crawl stopped because the host looked down (every request failing for a
    /// while); the next call resumes.
    pub host_down: bool,
    /// Page requisites fetched (stylesheets, images, fonts, scripts).
    pub requisites: u64,
    /// Detail pages not refetched because their sitemap lastmod predates the last capture.
    pub skipped_by_lastmod: u64,
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

    /// Failed URLs the host never answered (timeouts, refused connections, broken bodies):
    /// failures that leave no record in the archive.
    pub fn unanswered(&self) -> u64 {
        self.failed
            .iter()
            .filter(|(reason, _)| crate::fetch::FetchError::is_reason(reason))
            .map(|(_, n)| n)
            .sum()
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
            } else if self.host_down {
                "dừng vì máy chủ không trả lời, chạy lại để tiếp tục"
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
            "  Không còn: {}, chuyển ra ngoài: {}, robots.txt chặn: {}",
            self.gone, self.external, self.robots_disallowed
        )?;
        writeln!(
            f,
            "  Bị yêu cầu chậm lại: {}, thử lại: {}",
            self.throttled, self.retried
        )?;
        if self.failed.is_empty() {
            write!(f, "  Lỗi: 0")?;
        } else {
            let parts: Vec<String> = self
                .failed
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            write!(
                f,
                "  Lỗi (thử lại ở lần thu thập sau): {} ({})",
                self.failed_total(),
                parts.join(", ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        r.failed.insert("http 503".into(), 2);
        r.retried = 7;
        let s = r.to_string();
        assert!(
            s.contains("#3") && s.contains("2 mới") && s.contains("http 503: 2, timeout: 1"),
            "{s}"
        );
        assert!(s.contains("thử lại: 7"), "{s}");
        r.finished = false;
        r.host_down = true;
        assert!(r.to_string().contains("máy chủ không trả lời"));
    }
}
