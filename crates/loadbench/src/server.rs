//! `loadbench serve`: the service under test, in a process of its own so its memory is
//! measured alone. It is the same service `tracuu serve` runs (`query::AppState` +
//! `query::serve_with_shutdown`); on its standard input it takes `rebuild` (build a new index
//! generation from the corpus beside the live one and swap it in, as an admin reindex does)
//! and stops when its standard input closes.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::corpus::Corpus;

/// The child's settings.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The index folder (generations + `CURRENT`).
    #[arg(long)]
    pub(crate) index: PathBuf,
    /// The corpus a `rebuild` reads.
    #[arg(long)]
    pub(crate) corpus: PathBuf,
    /// How many documents a `rebuild` indexes.
    #[arg(long)]
    pub(crate) docs: usize,
    /// The result cache's size in MiB (`search_cache_mb`; 0 disables it).
    #[arg(long)]
    pub(crate) cache_mb: usize,
    /// Searches run at once (`search_threads`; 0 = one per core).
    #[arg(long)]
    pub(crate) search_threads: usize,
}

/// Line printed once the service listens.
pub(crate) const LISTENING: &str = "listening on http://";
/// Line printed when a rebuild swapped in a new generation.
pub(crate) const REBUILT: &str = "rebuilt ";

/// Runs the service until standard input closes.
pub(crate) fn run(args: ServeArgs) -> Result<()> {
    let store = Arc::new(
        indexer::IndexStore::open(&args.index)
            .with_context(|| format!("cannot open the index in {}", args.index.display()))?,
    );
    let config = query::ServerConfig {
        search_cache_mb: args.cache_mb,
        search_threads: args.search_threads,
        ..query::ServerConfig::default()
    };
    let state = query::AppState::builder(config, store.clone()).build();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        say(&format!("{LISTENING}{}", listener.local_addr()?));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || control(&store, &args, stop));
        query::serve_with_shutdown(listener, state, async move {
            let _ = stopped.await;
        })
        .await
        .context("the service stopped with an error")
    })
}

/// Reads commands from standard input until it closes, then asks the service to stop.
fn control(store: &indexer::IndexStore, args: &ServeArgs, stop: tokio::sync::oneshot::Sender<()>) {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim() == "rebuild" {
            match rebuild(store, args) {
                Ok(stats) => say(&format!(
                    "{REBUILT}{} {} {}",
                    stats.generation, stats.documents, stats.elapsed_ms
                )),
                Err(err) => say(&format!("rebuild failed: {err:#}")),
            }
        }
    }
    let _ = stop.send(());
}

fn rebuild(store: &indexer::IndexStore, args: &ServeArgs) -> Result<indexer::BuildStats> {
    let corpus = Corpus::load(&args.corpus)?;
    Ok(store.build_generation(corpus.repeated(args.docs))?)
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
