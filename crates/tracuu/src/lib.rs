//! The `tracuu` command line: the one place where crawler, indexer and query are wired together.
//!
//! Each subcommand lives in its own module under [`commands`]; configuration is loaded and
//! resolved once in [`config`] and passed down as typed values.

pub mod cli;
pub mod commands;
pub mod config;

pub use cli::{Cli, Command};

/// The exit status of a command that met damaged archive records (`reindex`, `verify`).
pub const EXIT_DAMAGED: u8 = 3;

/// The archive holds damaged records: the command did what it could and reports them.
/// `main` exits with [`EXIT_DAMAGED`] for it.
#[derive(Debug, thiserror::Error)]
#[error("{records} damaged archive record(s) {what}")]
pub struct Damaged {
    /// How many records are damaged.
    pub records: usize,
    /// What was done about them.
    pub what: &'static str,
}

use anyhow::Result;

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<()> {
    let config = config::load(cli.config.as_deref(), &config::Env::from_process())?;
    match cli.command {
        Command::Serve(args) => commands::serve::run(config, args),
        Command::Crawl(args) => commands::crawl::run(config, args),
        Command::Reindex(args) => commands::reindex::run(config, args),
        Command::Ocr(args) => commands::ocr::run(config, args),
        Command::Search(args) => commands::search::run(config, args),
        Command::Import(args) => commands::import::run(config, args),
        Command::Export(args) => commands::export::run(&config, args),
        Command::Verify(args) => commands::verify::run(config, args),
        Command::Sites(args) => commands::sites::run(&config, args),
    }
}

/// Sets up logging to stderr; `RUST_LOG` overrides the level chosen by `-v`.
pub fn init_tracing(verbose: u8) {
    // Tantivy reports every merge and file deletion at info: keep it to warnings by default.
    let default = match verbose {
        0 => "info,tantivy=warn",
        1 => "debug,tantivy=info",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
