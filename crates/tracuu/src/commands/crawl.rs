//! `tracuu crawl`: crawls the portal (or a mirror) into the WARC archive, then rebuilds the
//! index from the archive.

use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::CrawlArgs;
use crate::config::Config;

/// Runs `tracuu crawl`.
pub fn run(config: Config, args: CrawlArgs) -> Result<()> {
    let mut crawler_config = config.crawler.clone();
    if let Some(base_url) = args.base_url {
        crawler_config.base_url = base_url;
    }
    if let Some(public_url) = args.public_url {
        crawler_config.public_base_url = Some(public_url);
    }
    if let Some(delay) = args.delay_ms {
        crawler_config.min_delay_ms = delay;
        if delay == 0 {
            // A local mirror: no adaptive wait either.
            crawler_config.delay_factor = 0.0;
        }
    }
    if let Some(max_pages) = args.max_pages {
        crawler_config.max_pages = max_pages;
    }
    if args.refresh_robots {
        crawler_config.robots_max_age_secs = 0;
    }
    let archive_dir = args
        .archive_dir
        .unwrap_or_else(|| config.paths.archive_dir.clone());
    let state_db = args
        .state_db
        .unwrap_or_else(|| config.paths.state_db.clone());
    if let Some(parent) = state_db.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }

    // Drawn only when stderr is a terminal.
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let show = |p: crawler::Progress| {
        bar.set_length(p.fetched + p.queued);
        bar.set_position(p.fetched);
        bar.set_message(progress_message(&p));
    };
    let report = super::runtime()?
        .block_on(crawler::crawl(
            &crawler_config,
            &archive_dir,
            &state_db,
            Some(&show),
        ))
        .with_context(|| format!("crawl of {} failed", crawler_config.base_url));
    bar.finish_and_clear();
    let report = report?;
    eprintln!("{report}");
    if report.host_down {
        anyhow::bail!(
            "{} does not answer; the crawl stopped and `tracuu crawl` resumes it",
            crawler_config.base_url
        );
    }
    if args.no_index {
        return Ok(());
    }
    // Text of the new attachments (OCR of scans) before the index is rebuilt.
    let options = crawler::convert::ConvertOptions::from_config(&crawler_config);
    eprintln!("{}", super::ocr::convert(&archive_dir, &options)?);
    let rebuilt = super::reindex::rebuild(&config, &[archive_dir])?;
    for damage in &rebuilt.damage {
        eprintln!("skipped damaged record: {damage}");
    }
    eprintln!("{}", rebuilt.summary);
    Ok(())
}

/// The progress bar's message: the host's delay, throttled and retried requests, failures,
/// the last URL.
fn progress_message(p: &crawler::Progress) -> String {
    format!(
        "trễ {} ms · chậm lại {} · thử lại {} · lỗi {} · {} {}",
        p.delay_ms, p.throttled, p.retried, p.failed, p.status, p.url
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_delay_throttles_and_retries() {
        let m = progress_message(&crawler::Progress {
            fetched: 10,
            queued: 5,
            failed: 1,
            url: "http://h/a".into(),
            status: 503,
            delay_ms: 40,
            throttled: 3,
            retried: 2,
        });
        assert!(m.contains("trễ 40 ms"), "{m}");
        assert!(
            m.contains("chậm lại 3") && m.contains("thử lại 2") && m.contains("lỗi 1"),
            "{m}"
        );
    }
}
