//! `tracuu serve`: the search API and web page over the live index.

use anyhow::{Context, Result};

use crate::cli::ServeArgs;
use crate::config::Config;

/// Runs `tracuu serve`: builds the index from the archive first if it is empty, then serves
/// until interrupted.
pub fn run(mut config: Config, args: ServeArgs) -> Result<()> {
    if let Some(bind) = args.bind {
        config.server.bind = bind;
    }
    let store = indexer::IndexStore::open(&config.paths.index_dir).with_context(|| {
        format!(
            "cannot open the index in {}",
            config.paths.index_dir.display()
        )
    })?;
    if store.is_empty()? {
        let dirs = config.archive_dirs();
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        tracing::info!(
            "the index is empty: building it from the archive in {} first",
            shown.join(", ")
        );
        let rebuilt = super::reindex::rebuild(&config, &dirs)?;
        for damage in &rebuilt.damage {
            tracing::warn!("skipped damaged record: {damage}");
        }
        tracing::info!("{}", rebuilt.summary);
        store.reload().context("cannot open the new index")?;
    }
    serve(config, store)
}

fn serve(config: Config, store: indexer::IndexStore) -> Result<()> {
    let state = query::AppState::builder(config.server.clone(), store)
        .archive_dirs(vec![config.paths.sample_archive_dir.clone()])
        .crawl(
            config.crawler.clone(),
            config.paths.archive_dir.clone(),
            config.paths.state_db.clone(),
        )
        .audit_log(config.paths.audit_log.clone())
        .sites(config.sites.clone())
        .build();
    super::runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.server.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.server.bind))?;
        let address = listener.local_addr()?;
        tracing::info!("listening on http://{address}");
        if config.server.admin_token.is_none() {
            tracing::info!("admin endpoints are disabled: set TRACUU_ADMIN_TOKEN to enable them");
        }
        let _schedule = query::schedule_crawls(&state, None);
        let captures = state.clone();
        tokio::task::spawn_blocking(move || match captures.load_captures() {
            Ok(count) => tracing::debug!(count, "capture history loaded"),
            Err(error) => tracing::warn!("cannot load the capture history: {error}"),
        });
        query::serve(listener, state)
            .await
            .context("the service stopped with an error")
    })
}
