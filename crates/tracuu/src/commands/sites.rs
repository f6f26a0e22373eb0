//! `tracuu sites`: the configured sites (portals) with what the archive holds of each:
//! captures, failed captures, URLs the host never answered, the last crawl and a status.

use anyhow::{Context, Result};

use crate::cli::SitesArgs;
use crate::config::Config;

/// Runs `tracuu sites`.
pub fn run(config: &Config, args: SitesArgs) -> Result<()> {
    let dirs = match args.archive_dir {
        Some(dir) => vec![dir],
        None => config.archive_dirs(),
    };
    let summaries = crawler::sites::summarize(&dirs, &config.sites, Some(&config.paths.state_db))
        .context("cannot read the archive's CDXJ indexes")?;
    if args.json {
        let rows: Vec<serde_json::Value> = summaries
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name,
                    "title": s.title,
                    "base_url": config.sites.get(&s.name).map(|c| c.crawler.base_url.clone()),
                    "captures": s.captures,
                    "failures": s.failures,
                    "unanswered": s.unanswered,
                    "last_crawl": s.last_capture.as_deref().map(when),
                    "status": s.status(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{:<16} {:<24} {:>9} {:>8} {:>10}  {:<20} {:<14} base_url",
        "site", "title", "captures", "failures", "unanswered", "last crawl (UTC)", "status"
    );
    for s in summaries.iter() {
        let base = config
            .sites
            .get(&s.name)
            .map_or("(not configured)", |c| c.crawler.base_url.as_str());
        println!(
            "{:<16} {:<24} {:>9} {:>8} {:>10}  {:<20} {:<14} {base}",
            s.name,
            s.title,
            s.captures,
            s.failures,
            s.unanswered,
            s.last_capture.as_deref().map(when).unwrap_or_default(),
            s.status()
        );
    }
    Ok(())
}

/// `20250630100000` as `2025-06-30 10:00:00`.
fn when(timestamp: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(timestamp, "%Y%m%d%H%M%S")
        .map_or_else(|_| timestamp.to_owned(), |t| t.to_string())
}
