//! Scheduled crawls: with `[server] crawl_every_minutes`, the service starts the admin crawl
//! job (crawl every site, then reindex) itself whenever the latest crawl started that long
//! ago, audited like a crawl asked over the API. The latest start is read from the crawl
//! state databases, so a restart does not crawl again early; a crawl already running is left
//! to finish.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::admin;
use crate::jobs::JobKind;
use crate::state::AppState;

/// Who starts a scheduled crawl, as written in the audit log.
pub const SCHEDULER: &str = "schedule";

/// Starts the crawl schedule when the service is configured for it (crawler settings and a
/// `crawl_every_minutes` above 0); `every` overrides the configured period (tests).
pub fn schedule_crawls(state: &AppState, every: Option<Duration>) -> Option<JoinHandle<()>> {
    let every = every.or_else(|| state.config().crawl_every())?;
    state.inputs().crawler.as_ref()?;
    tracing::info!(
        every_minutes = every.as_secs() / 60,
        "scheduled crawls are on"
    );
    let state = state.clone();
    Some(tokio::spawn(async move { run(state, every).await }))
}

async fn run(state: AppState, every: Duration) {
    // Checked ten times per period (at most once a minute), so a start is late by a tenth of
    // the period at most.
    let tick = (every / 10).clamp(Duration::from_millis(20), Duration::from_secs(60));
    let every = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
    let mut started_here: Option<DateTime<Utc>> = None;
    loop {
        let recorded = {
            let state = state.clone();
            tokio::task::spawn_blocking(move || latest_crawl_start(&state))
                .await
                .unwrap_or(None)
        };
        // A crawl resumed after its host went down keeps its first start in the database:
        // the start made here counts too, so a dead host is not asked again at every tick.
        let latest = recorded.max(started_here);
        let due = latest.is_none_or(|at| Utc::now() - at >= every);
        let crawling = state
            .jobs()
            .running()
            .iter()
            .any(|(kind, count)| *kind == JobKind::Crawl.as_str() && *count > 0);
        if due && !crawling && admin::start_scheduled_crawl(&state).is_ok() {
            started_here = Some(Utc::now());
        }
        tokio::time::sleep(tick).await;
    }
}

/// When the latest crawl of any site started, from the sites' crawl state databases.
fn latest_crawl_start(state: &AppState) -> Option<DateTime<Utc>> {
    let state_db = state.inputs().state_db.clone()?;
    let sites = state.sites();
    let mut latest = None;
    // The first site's database is `state_db` itself (read once); the others sit beside it.
    let mut dbs = vec![state_db.clone()];
    dbs.extend(
        sites
            .iter()
            .skip(1)
            .map(|site| crawler::province::site_paths(&sites, &site.name, &state_db, &state_db).1),
    );
    for db in dbs {
        match crawler::state::State::latest_run_started_at(&db) {
            Ok(started) => latest = latest.max(started),
            Err(error) => tracing::warn!("cannot read the crawl state {}: {error}", db.display()),
        }
    }
    latest
}
