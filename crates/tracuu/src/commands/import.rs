//! `tracuu import --jsonl FILE`: indexes documents that come from elsewhere, as JSON lines.

use anyhow::{Context, Result};

use crate::cli::ImportArgs;
use crate::config::Config;

/// Runs `tracuu import`: the imported records join the current index's records in a new
/// generation (a record with the same id replaces the old one). Bad lines are reported with
/// their line number and skipped.
pub fn run(config: Config, args: ImportArgs) -> Result<()> {
    let file = std::fs::File::open(&args.jsonl)
        .with_context(|| format!("cannot open {}", args.jsonl.display()))?;
    let (records, errors) = indexer::import_jsonl(std::io::BufReader::new(file));
    for error in &errors {
        eprintln!(
            "{}:{}: skipped: {}",
            args.jsonl.display(),
            error.line,
            error.message
        );
    }
    let imported = records.len();
    let store = indexer::IndexStore::open(&config.paths.index_dir)?;
    let mut all = match store.current()? {
        Some(index) => index.records()?,
        None => Vec::new(),
    };
    let new_ids: std::collections::HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
    all.retain(|r| !new_ids.contains(&r.id));
    all.extend(records);
    let stats = store
        .build_generation(all)
        .context("cannot build the index")?;
    eprintln!(
        "imported {imported} records ({} lines skipped); {} now holds {} documents",
        errors.len(),
        stats.generation,
        stats.documents
    );
    Ok(())
}
