//! `tracuu crawl`: crawls the portal (or a mirror) into the WARC archive, then rebuilds the
//! index from the archive.

use std::io::IsTerminal;

use anyhow::{Context, Result};

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

    let interactive = std::io::stderr().is_terminal();
    let show = move |p: crawler::Progress| {
        if interactive {
            eprint!(
                "\r\x1b[2K{} fetched, {} queued, {} failed  {} {}",
                p.fetched, p.queued, p.failed, p.status, p.url
            );
        }
    };
    let report = super::runtime()?
        .block_on(crawler::crawl(
            &crawler_config,
            &archive_dir,
            &state_db,
            Some(&show),
        ))
        .with_context(|| format!("crawl of {} failed", crawler_config.base_url))?;
    if interactive {
        eprintln!();
    }
    eprintln!("{report}");
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
