//! `tracuu reindex`: rebuilds the index from the WARC archive alone, never the network.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::ReindexArgs;
use crate::config::Config;

/// Runs `tracuu reindex`.
pub fn run(config: Config, args: ReindexArgs) -> Result<()> {
    let dirs = match args.archive_dir {
        Some(dir) => vec![dir],
        None => config.archive_dirs(),
    };
    let stats = rebuild(&config, &dirs)?;
    eprintln!("{stats}");
    Ok(())
}

/// Replays the archive folders and builds a new index generation from their records.
pub(crate) fn rebuild(config: &Config, dirs: &[PathBuf]) -> Result<String> {
    let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    tracing::info!(archives = ?shown, "replaying archive");
    let replay = crawler::replay_archive(dirs)
        .with_context(|| format!("cannot replay the archive in {}", shown.join(", ")))?;
    for warning in &replay.warnings {
        tracing::warn!("{warning}");
    }
    let records = replay.records.len();
    let store = indexer::IndexStore::open(&config.paths.index_dir).with_context(|| {
        format!(
            "cannot open the index in {}",
            config.paths.index_dir.display()
        )
    })?;
    let stats = store
        .build_generation(replay.records)
        .context("cannot build the index")?;
    Ok(format!(
        "indexed {records} records from {} into {} as {} ({} documents, {} ms)",
        shown.join(", "),
        config.paths.index_dir.display(),
        stats.generation,
        stats.documents,
        stats.elapsed_ms
    ))
}
