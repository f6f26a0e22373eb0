//! `tracuu reindex`: rebuilds the index from the WARC archive alone, never the network.
//! Damaged records are skipped and listed; the command then exits with [`Damaged`]'s status.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::Damaged;
use crate::cli::ReindexArgs;
use crate::config::Config;

/// Runs `tracuu reindex`.
pub fn run(config: Config, args: ReindexArgs) -> Result<()> {
    let dirs = match args.archive_dir {
        Some(dir) => vec![dir],
        None => config.archive_dirs(),
    };
    let rebuilt = rebuild(&config, &dirs)?;
    for damage in &rebuilt.damage {
        eprintln!("skipped damaged record: {damage}");
    }
    eprintln!("{}", rebuilt.summary);
    if !rebuilt.damage.is_empty() {
        return Err(Damaged {
            records: rebuilt.damage.len(),
            what: "skipped; everything else is indexed",
        }
        .into());
    }
    Ok(())
}

/// What [`rebuild`] did.
pub(crate) struct Rebuilt {
    /// One line for the user.
    pub(crate) summary: String,
    /// Damaged records skipped.
    pub(crate) damage: Vec<crawler::warc::Damage>,
}

impl std::fmt::Display for Rebuilt {
    /// The damaged records skipped, one a line, then the summary.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for damage in &self.damage {
            writeln!(f, "skipped damaged record: {damage}")?;
        }
        f.write_str(&self.summary)
    }
}

/// Replays the archive folders and builds a new index generation from their records.
pub(crate) fn rebuild(config: &Config, dirs: &[PathBuf]) -> Result<Rebuilt> {
    let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    tracing::info!(archives = ?shown, "replaying archive");
    let replay = crawler::replay_sites(dirs, &config.sites)
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
    let skipped = match replay.damage.len() {
        0 => String::new(),
        n => format!(", {n} damaged records skipped"),
    };
    Ok(Rebuilt {
        summary: format!(
            "indexed {records} records from {} into {} as {} ({} documents, {} ms{skipped})",
            shown.join(", "),
            config.paths.index_dir.display(),
            stats.generation,
            stats.documents,
            stats.elapsed_ms
        ),
        damage: replay.damage,
    })
}
