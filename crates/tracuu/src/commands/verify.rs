//! `tracuu verify`: reads every WARC file of the archive, checks each record's block digest
//! and each `.cdxj` against the records really in its WARC, and reports damage. Read-only.

use anyhow::{Context, Result};

use crate::Damaged;
use crate::cli::VerifyArgs;
use crate::config::Config;

/// Runs `tracuu verify`.
pub fn run(config: Config, args: VerifyArgs) -> Result<()> {
    let dirs = match args.archive_dir {
        Some(dir) => vec![dir],
        None => config.archive_dirs(),
    };
    let files = crawler::replay::warc_files(&dirs).context("cannot list the archive")?;
    let (mut records, mut damaged, mut index_problems) = (0u64, 0usize, 0usize);
    for file in &files {
        let check = crawler::warc::verify_file(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for damage in &check.damage {
            println!("damaged record: {damage}");
        }
        for problem in &check.cdxj_problems {
            println!("index problem: {problem}");
        }
        records += check.records;
        damaged += check.damage.len();
        index_problems += check.cdxj_problems.len();
    }
    // Files a killed or failed crawl left open: their records are checked too; the next crawl
    // closes them and writes their CDXJ.
    let mut open = 0;
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".warc.gz.open"))
            .collect();
        paths.sort();
        for path in paths {
            open += 1;
            println!("open file (the next crawl finishes it): {}", path.display());
            for item in crawler::warc::Scan::open(&path)
                .with_context(|| format!("cannot read {}", path.display()))?
            {
                match item {
                    Ok(_) => records += 1,
                    Err(damage) => {
                        println!("damaged record: {damage}");
                        damaged += 1;
                    }
                }
            }
        }
    }
    println!(
        "checked {} WARC files ({open} still open): {records} good records, {damaged} damaged, {index_problems} CDXJ problems",
        files.len() + open
    );
    if damaged + index_problems > 0 {
        return Err(Damaged {
            records: damaged + index_problems,
            what: "or index lines found; nothing was changed",
        }
        .into());
    }
    Ok(())
}
