//! `tracuu ocr`: reads the text of archived attachments that have none yet (born-digital
//! files, OCR of scans), stores it in the archive as WARC conversion records, then rebuilds
//! the index. Resumable: files already converted are never read again. `tracuu crawl` runs
//! the same step before it rebuilds the index.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use crawler::convert::{ConvertOptions, ConvertProgress, convert_archive};

use crate::cli::OcrArgs;
use crate::config::Config;

/// Runs `tracuu ocr`.
pub fn run(config: Config, args: OcrArgs) -> Result<()> {
    let explicit = args.archive_dir.is_some();
    let archive_dir = args
        .archive_dir
        .unwrap_or_else(|| config.paths.archive_dir.clone());
    let mut options = ConvertOptions::from_config(&config.crawler);
    options.ocr = true;
    options.redo = args.redo;
    options.max_files = args.max_files;
    if let Some(t) = args.threads {
        options.ocr_options.threads = t.max(1);
    }
    // Without `--archive-dir`, every site's folder (each keeps its own conversion records).
    let folders = if explicit {
        vec![archive_dir.clone()]
    } else {
        crawler::province::archive_tree(&archive_dir)
            .into_iter()
            .filter(|dir| crate::config::has_warc_files(dir))
            .collect()
    };
    for folder in &folders {
        eprintln!("{}: {}", folder.display(), convert(folder, &options)?);
    }
    if args.no_index {
        return Ok(());
    }
    let mut dirs = config.archive_dirs();
    if !dirs.contains(&archive_dir) {
        dirs = vec![archive_dir];
    }
    eprintln!("{}", super::reindex::rebuild(&config, &dirs)?);
    Ok(())
}

/// Converts the attachments of the archive in `dir` (conversion records go there too), with a
/// progress line on a terminal; returns the summary.
pub(crate) fn convert(dir: &Path, options: &ConvertOptions) -> Result<String> {
    let interactive = std::io::stderr().is_terminal();
    let mut show = |p: &ConvertProgress| {
        if interactive {
            eprint!(
                "\r\x1b[2Kattachments {}/{}, scanned pages {}/{} ({} left)",
                p.files_done,
                p.files_total,
                p.pages_done,
                p.pages_total,
                p.pages_total.saturating_sub(p.pages_done)
            );
        }
    };
    let dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
    let report = convert_archive(&dirs, dir, options, &mut show)
        .with_context(|| format!("cannot read the attachments in {}", dir.display()))?;
    if interactive {
        eprintln!();
    }
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    Ok(report.to_string())
}
