//! One crawl of many portals (a whole province): every site is crawled by its own
//! [`crate::crawl()`] — its own state database, fetcher and cookie jar, robots.txt and host
//! scheduler, so one request in flight per host with that host's delay, AIMD and back-off —
//! while different sites run concurrently, at most `max_hosts_in_parallel` at once. All of
//! them are polled by one task and do their blocking work on the blocking pool, so a slow or
//! dead host only holds up its own crawl.
//!
//! The first site writes into the archive folder and state database as a single-site crawl
//! does (an archive that grows from one portal to many keeps its history); every other site
//! has a folder `<archive_dir>/<name>/` and a state database `<state_db stem>-<name>.sqlite`,
//! so that concurrent crawls never touch each other's open WARC files.

use std::path::{Path, PathBuf};

use crate::crawl::crawl;
use crate::error::Result;
use crate::report::{CrawlReport, Progress};
use crate::sites::{Site, Sites};

/// Where one site's crawl writes: its WARC folder and its state database.
pub fn site_paths(
    sites: &Sites,
    site: &str,
    archive_dir: &Path,
    state_db: &Path,
) -> (PathBuf, PathBuf) {
    let first = sites.iter().next().is_none_or(|s| s.name == site);
    if first {
        return (archive_dir.to_path_buf(), state_db.to_path_buf());
    }
    let stem = state_db
        .file_stem()
        .map_or_else(|| "state".to_owned(), |s| s.to_string_lossy().into_owned());
    let name = match state_db.extension() {
        Some(ext) => format!("{stem}-{site}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{site}"),
    };
    (archive_dir.join(site), state_db.with_file_name(name))
}

/// The folders of an archive: `dir` itself and its sub-folders (one per site after the first),
/// sorted.
pub fn archive_tree(dir: &Path) -> Vec<PathBuf> {
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    std::iter::once(dir.to_path_buf()).chain(subdirs).collect()
}

/// Hears the progress of every site's crawl, with the site's name.
pub type SiteProgress<'a> = dyn Fn(&str, Progress) + Sync + 'a;

/// How one site's crawl ended.
#[derive(Debug)]
pub struct SiteOutcome {
    /// The site's name.
    pub site: String,
    /// The site's display name.
    pub title: String,
    /// Where its WARC files went.
    pub archive_dir: PathBuf,
    /// Its report, or why it could not run.
    pub result: Result<CrawlReport>,
}

impl SiteOutcome {
    /// One line of the crawl's report: the site, then how its crawl ended.
    pub fn line(&self) -> String {
        match &self.result {
            Ok(r) => format!(
                "{} ({}): {}; {} yêu cầu, {} mới, {} thay đổi, {} lỗi, {:.1} giây",
                self.site,
                self.title,
                if r.finished {
                    "hoàn tất"
                } else if r.host_down {
                    "dừng vì máy chủ không trả lời"
                } else {
                    "tạm dừng"
                },
                r.fetched,
                r.new,
                r.changed,
                r.failed_total(),
                r.elapsed_ms as f64 / 1000.0
            ),
            Err(e) => format!("{} ({}): không thu thập được: {e}", self.site, self.title),
        }
    }

    /// Whether the crawl ran to its end or stopped cleanly (a dead host counts: its report
    /// says so and the next call resumes).
    pub fn ran(&self) -> bool {
        self.result.is_ok()
    }
}

/// Crawls `selected` sites concurrently, at most `max_parallel` at once, each into its own
/// folder and state database ([`site_paths`]); `progress` hears every site's progress, by
/// name. Returns one outcome per site, in the order given.
pub async fn crawl_sites(
    sites: &Sites,
    selected: &[&Site],
    archive_dir: &Path,
    state_db: &Path,
    max_parallel: usize,
    progress: Option<&SiteProgress<'_>>,
) -> Vec<SiteOutcome> {
    let permits = tokio::sync::Semaphore::new(max_parallel.max(1));
    let crawls = selected.iter().map(|site| {
        let permits = &permits;
        async move {
            let (dir, db) = site_paths(sites, &site.name, archive_dir, state_db);
            let _permit = permits.acquire().await;
            let name = site.name.as_str();
            let report = move |p: Progress| {
                if let Some(progress) = progress {
                    progress(name, p);
                }
            };
            let result = match db.parent().map(std::fs::create_dir_all).transpose() {
                Ok(_) => crawl(&site.crawler, &dir, &db, Some(&report)).await,
                Err(source) => Err(crate::Error::Io {
                    path: db.clone(),
                    source,
                }),
            };
            SiteOutcome {
                site: site.name.clone(),
                title: site.title.clone(),
                archive_dir: dir,
                result,
            }
        }
    });
    futures_util::future::join_all(crawls).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CrawlerConfig;
    use crate::sites::{DefaultSite, SiteEntry};

    #[test]
    fn the_first_site_keeps_the_single_site_paths() {
        let entry = |name: &str, port: u16| SiteEntry {
            name: name.into(),
            title: name.into(),
            base_url: format!("http://127.0.0.1:{port}/"),
            public_base_url: None,
            ended: None,
            ended_note: None,
            overrides: serde_json::Map::new(),
        };
        let sites = Sites::resolve(
            &CrawlerConfig::default(),
            &DefaultSite::default(),
            &[entry("thanuyen", 1), entry("phongtho", 2)],
        )
        .unwrap();
        let (archive, db) = (
            Path::new("/srv/data/archive"),
            Path::new("/srv/data/state.sqlite"),
        );
        assert_eq!(
            site_paths(&sites, "thanuyen", archive, db),
            (archive.to_path_buf(), db.to_path_buf())
        );
        assert_eq!(
            site_paths(&sites, "phongtho", archive, db),
            (
                PathBuf::from("/srv/data/archive/phongtho"),
                PathBuf::from("/srv/data/state-phongtho.sqlite")
            )
        );
    }
}
