//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// tracuu: search and archive of the Than Uyên district portal.
#[derive(Debug, Parser)]
#[command(name = "tracuu", version, about)]
pub struct Cli {
    /// The configuration file (default: `config.toml` in the current folder, if present).
    #[arg(long, global = true, env = "TRACUU_CONFIG")]
    pub config: Option<PathBuf>,
    /// More logging (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the search API and web page (builds the index from the archive first if it is empty).
    Serve(ServeArgs),
    /// Crawl the portal into the WARC archive, then rebuild the index.
    Crawl(CrawlArgs),
    /// Rebuild the index from the archive alone (no network).
    Reindex(ReindexArgs),
    /// Read the text of archived attachments that lack it (OCR of scans), then reindex.
    Ocr(OcrArgs),
    /// Search the index and print ranked results.
    Search(SearchArgs),
    /// Index documents given as JSON lines (id, kind, title, lead, body, doc_number, …).
    Import(ImportArgs),
    /// Check every WARC record's digest and each CDXJ index against its WARC; changes nothing.
    Verify(VerifyArgs),
    /// Package the web archive for other archives and tools (WACZ 1.1.1).
    Export(ExportArgs),
    /// List the configured sites with their captures, last crawl and status.
    Sites(SitesArgs),
}

/// `tracuu sites`.
#[derive(Debug, Args)]
pub struct SitesArgs {
    /// Read the archive from here instead of the configured folders.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `tracuu export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write a WACZ package (WARC files, CDXJ index, pages, datapackage.json) to this file.
    #[arg(long, value_name = "FILE")]
    pub wacz: PathBuf,
    /// Read the archive from here instead of the configured folders.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
    /// Title of the package (default: the portal's archive).
    #[arg(long)]
    pub title: Option<String>,
}

/// `tracuu serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (overrides config and TRACUU_BIND).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
}

/// `tracuu crawl`.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Crawl only this configured site (repeatable; default: every site).
    #[arg(long = "site", value_name = "NAME")]
    pub site: Vec<String>,
    /// Crawl this address alone as the one site (default: the configured sites).
    #[arg(long)]
    pub base_url: Option<String>,
    /// The portal's public address, when `--base-url` is a mirror of it.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Minimum delay between two requests, in milliseconds (a local mirror can take 0).
    #[arg(long)]
    pub delay_ms: Option<u64>,
    /// Stop after this many pages (0: no limit).
    #[arg(long)]
    pub max_pages: Option<u64>,
    /// Write the archive here instead of `paths.archive_dir`.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
    /// Keep crawl state here instead of `paths.state_db`.
    #[arg(long)]
    pub state_db: Option<PathBuf>,
    /// Archive only; do not rebuild the index afterwards.
    #[arg(long)]
    pub no_index: bool,
    /// Fetch robots.txt again even when the one fetched less than a day ago is cached.
    #[arg(long)]
    pub refresh_robots: bool,
}

/// `tracuu reindex`.
#[derive(Debug, Args)]
pub struct ReindexArgs {
    /// Read the archive from here instead of the configured folders.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
}

/// `tracuu ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// Read and write the archive here instead of `paths.archive_dir`.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
    /// Read again the files that already have text (adds newer conversion records).
    #[arg(long)]
    pub redo: bool,
    /// Stop after this many files (the next run goes on).
    #[arg(long)]
    pub max_files: Option<usize>,
    /// Pages OCRed at once (default: `crawler.ocr_threads`).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not rebuild the index afterwards.
    #[arg(long)]
    pub no_index: bool,
}

/// `tracuu search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, as a citizen would type it.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Only `news` or `legal`.
    #[arg(long)]
    pub kind: Option<String>,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `tracuu import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The JSON-lines file to import.
    #[arg(long)]
    pub jsonl: PathBuf,
}

/// `tracuu verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Check the archive here instead of the configured folders.
    #[arg(long)]
    pub archive_dir: Option<PathBuf>,
}
