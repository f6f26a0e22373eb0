//! `tracuu crawl`: crawls every configured site (or `--site NAME`, or one `--base-url`) into
//! the WARC archive, different hosts at the same time (each at its own polite pace), then
//! rebuilds the index from the archive.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::CrawlArgs;
use crate::config::Config;

/// Runs `tracuu crawl`.
pub fn run(mut config: Config, args: CrawlArgs) -> Result<()> {
    // `--base-url` crawls that one address as the single site (a mirror, a new portal).
    let mut crawl_sites = if let Some(base_url) = &args.base_url {
        let mut one = config.crawler.clone();
        one.base_url.clone_from(base_url);
        one.public_base_url.clone_from(&args.public_url);
        crawler::Sites::resolve(&one, &config.site_tables.0, &[])?
    } else {
        if args.public_url.is_some() {
            bail!("--public-url goes with --base-url");
        }
        config.sites.clone()
    };
    crawl_sites.for_each_crawler(|c| {
        if let Some(delay) = args.delay_ms {
            c.min_delay_ms = delay;
            if delay == 0 {
                // A local mirror: no adaptive wait either.
                c.delay_factor = 0.0;
            }
        }
        if let Some(max_pages) = args.max_pages {
            c.max_pages = max_pages;
        }
        if args.refresh_robots {
            c.robots_max_age_secs = 0;
        }
    });
    let selected: Vec<&crawler::Site> = if args.site.is_empty() {
        crawl_sites.iter().collect()
    } else {
        let mut list = Vec::new();
        for name in &args.site {
            match crawl_sites.get(name) {
                Some(site) => list.push(site),
                None => bail!(
                    "no site named {name:?}; the configured sites are: {}",
                    crawl_sites
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        list
    };
    let archive_dir = args
        .archive_dir
        .clone()
        .unwrap_or_else(|| config.paths.archive_dir.clone());
    let state_db = args
        .state_db
        .clone()
        .unwrap_or_else(|| config.paths.state_db.clone());

    // One progress view for every site (drawn only when stderr is a terminal).
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let latest: Mutex<BTreeMap<String, crawler::Progress>> = Mutex::default();
    let show = |site: &str, p: crawler::Progress| {
        let mut latest = latest.lock().unwrap_or_else(|e| e.into_inner());
        let message = format!("{site}: {}", progress_message(&p));
        latest.insert(site.to_owned(), p);
        bar.set_length(latest.values().map(|p| p.fetched + p.queued).sum());
        bar.set_position(latest.values().map(|p| p.fetched).sum());
        bar.set_message(message);
    };
    let max_parallel = config.crawler.max_hosts_in_parallel;
    let outcomes = super::runtime()?.block_on(crawler::province::crawl_sites(
        &crawl_sites,
        &selected,
        &archive_dir,
        &state_db,
        max_parallel,
        Some(&show),
    ));
    bar.finish_and_clear();
    if let [only] = outcomes.as_slice()
        && let Ok(report) = &only.result
    {
        eprintln!("{report}");
    }
    eprintln!("Thu thập {} trang:", outcomes.len());
    for outcome in &outcomes {
        eprintln!("  {}", outcome.line());
    }
    let stopped: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.result.as_ref().map_or(true, |r| r.host_down))
        .map(|o| o.site.as_str())
        .collect();
    if !args.no_index && outcomes.iter().any(|o| o.ran()) {
        // Text of the new attachments (OCR of scans) before the index is rebuilt.
        for outcome in outcomes.iter().filter(|o| o.ran()) {
            let site = selected.iter().find(|s| s.name == outcome.site);
            if let Some(site) = site {
                let options = crawler::convert::ConvertOptions::from_config(&site.crawler);
                eprintln!("{}", super::ocr::convert(&outcome.archive_dir, &options)?);
            }
        }
        let dirs = crawler::province::archive_tree(&archive_dir);
        config.resolve_sites().context("invalid sites")?;
        let rebuilt = super::reindex::rebuild(&config, &dirs)?;
        for damage in &rebuilt.damage {
            eprintln!("skipped damaged record: {damage}");
        }
        eprintln!("{}", rebuilt.summary);
    }
    if !stopped.is_empty() {
        bail!(
            "{} did not answer or could not be crawled; the other sites were archived, and \
             `tracuu crawl` resumes the rest",
            stopped.join(", ")
        );
    }
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
