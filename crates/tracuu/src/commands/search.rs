//! `tracuu search`: prints ranked results for a query.

use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::cli::SearchArgs;
use crate::config::Config;

/// Runs `tracuu search`.
pub fn run(config: Config, args: SearchArgs) -> Result<()> {
    let kind = match args.kind.as_deref() {
        None => None,
        Some("news") => Some(crawler::Kind::News),
        Some("legal") => Some(crawler::Kind::Legal),
        Some(other) => bail!("unknown kind {other:?}: use news or legal"),
    };
    let store = indexer::IndexStore::open(&config.paths.index_dir)?;
    let Some(index) = store.current()? else {
        bail!(
            "the index in {} is empty: run `tracuu reindex` first",
            config.paths.index_dir.display()
        );
    };
    let request = indexer::SearchRequest {
        query: args.query.join(" "),
        kind,
        limit: args.limit,
        ..Default::default()
    };
    let results = index.search(&request).context("search failed")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
        return Ok(());
    }
    if let Some(reading) = &results.interpreted_query {
        writeln!(out, "Đang hiển thị kết quả cho: {reading}")?;
    }
    writeln!(out, "{} kết quả", results.total)?;
    for (rank, hit) in results.hits.iter().enumerate() {
        let number = hit
            .doc_number
            .as_deref()
            .map(|n| format!("[{n}] "))
            .unwrap_or_default();
        let date = hit
            .date
            .map(|d| d.format(" (%d/%m/%Y)").to_string())
            .unwrap_or_default();
        writeln!(out, "{:>2}. {number}{}{date}", rank + 1, hit.title)?;
        writeln!(out, "    {}  {}", hit.id, hit.url)?;
    }
    Ok(())
}
