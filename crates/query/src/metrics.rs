//! Prometheus metrics: request counts and latency histograms per route, plus the service gauges
//! (documents indexed, last crawl and reindex), rendered as Prometheus text by `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use crawler::sites::SiteSummary;

use crate::cache::CacheStats;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Debug, Default)]
struct Tables {
    /// (route, method, status) -> count.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route -> latency histogram.
    latency: BTreeMap<String, Histogram>,
}

/// The service's metrics registry (cheap to update from every request).
#[derive(Debug)]
pub struct Metrics {
    tables: Mutex<Tables>,
    last_crawl: AtomicI64,
    last_reindex: AtomicI64,
    /// Pages of search results answered (API, web page, RSS).
    searches: AtomicU64,
    /// Of those, the ones that found nothing.
    zero_results: AtomicU64,
    /// Search permits granted, by the path that asked ([`PermitUse`] order).
    permits_granted: [AtomicU64; PermitUse::ALL.len()],
    /// Of those, the ones that had to wait for a busy permit.
    permits_waited: [AtomicU64; PermitUse::ALL.len()],
}

/// The paths that search the index and so must hold a search permit while they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PermitUse {
    /// A page of results: API, web page or RSS.
    Search,
    /// One batch of a CSV/JSONL export.
    Export,
    /// The link searches of a document (API or page).
    Document,
}

impl PermitUse {
    const ALL: [Self; 3] = [Self::Search, Self::Export, Self::Document];

    fn as_str(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::Export => "export",
            Self::Document => "document",
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            tables: Mutex::default(),
            last_crawl: AtomicI64::new(0),
            last_reindex: AtomicI64::new(0),
            searches: AtomicU64::new(0),
            zero_results: AtomicU64::new(0),
            permits_granted: Default::default(),
            permits_waited: Default::default(),
        }
    }
}

impl Metrics {
    /// Records one answered request.
    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        *tables
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        tables
            .latency
            .entry(route.to_owned())
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// Notes one answered page of search results and whether it found nothing (admins watch
    /// the zero-result rate to find missing synonyms and spellings).
    pub fn search_answered(&self, found_nothing: bool) {
        self.searches.fetch_add(1, Ordering::Relaxed);
        if found_nothing {
            self.zero_results.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Notes a search permit granted to `use_`, and whether the caller had to wait for it.
    pub(crate) fn permit_granted(&self, use_: PermitUse, waited: bool) {
        self.permits_granted[use_ as usize].fetch_add(1, Ordering::Relaxed);
        if waited {
            self.permits_waited[use_ as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Notes that a crawl finished successfully now.
    pub fn crawl_finished(&self) {
        self.last_crawl
            .store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
    }

    /// Notes that a reindex (new generation swapped in) finished successfully now.
    pub fn reindex_finished(&self) {
        self.last_reindex
            .store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
    }

    /// Renders everything as Prometheus text exposition format.
    pub fn render(
        &self,
        documents: u64,
        generation: Option<u64>,
        jobs_running: &[(&str, u64)],
        cache: CacheStats,
        permits_in_use: usize,
    ) -> String {
        let tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP tracuu_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE tracuu_http_requests_total counter\n");
        for ((route, method, status), count) in &tables.requests {
            let _ = writeln!(
                out,
                "tracuu_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                label(route),
                label(method)
            );
        }
        out.push_str(
            "# HELP tracuu_http_request_duration_seconds Time to answer HTTP requests, by route.\n",
        );
        out.push_str("# TYPE tracuu_http_request_duration_seconds histogram\n");
        for (route, histogram) in &tables.latency {
            let route = label(route);
            for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter()) {
                let _ = writeln!(
                    out,
                    "tracuu_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "tracuu_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "tracuu_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "tracuu_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
        let searches = self.searches.load(Ordering::Relaxed);
        let zero_results = self.zero_results.load(Ordering::Relaxed);
        let last_crawl = self.last_crawl.load(Ordering::Relaxed);
        let last_reindex = self.last_reindex.load(Ordering::Relaxed);
        let scalars: [(&str, &str, &str, Option<&dyn std::fmt::Display>); 10] = [
            (
                "tracuu_documents_indexed",
                "gauge",
                "Records in the live index generation.",
                Some(&documents),
            ),
            (
                "tracuu_index_generation",
                "gauge",
                "The live index generation.",
                generation.as_ref().map(|g| g as &dyn std::fmt::Display),
            ),
            (
                "tracuu_last_crawl_timestamp_seconds",
                "gauge",
                "End of the last successful crawl (0 = none since start).",
                Some(&last_crawl),
            ),
            (
                "tracuu_last_reindex_timestamp_seconds",
                "gauge",
                "End of the last successful reindex (0 = none since start).",
                Some(&last_reindex),
            ),
            (
                "tracuu_searches_total",
                "counter",
                "Pages of search results answered.",
                Some(&searches),
            ),
            (
                "tracuu_search_zero_results_total",
                "counter",
                "Searches that found nothing.",
                Some(&zero_results),
            ),
            (
                "tracuu_search_cache_hits_total",
                "counter",
                "Search pages served from the result cache.",
                Some(&cache.hits),
            ),
            (
                "tracuu_search_cache_misses_total",
                "counter",
                "Search pages computed on the index.",
                Some(&cache.misses),
            ),
            (
                "tracuu_search_cache_entries",
                "gauge",
                "Search pages held by the result cache.",
                Some(&cache.entries),
            ),
            (
                "tracuu_search_cache_bytes",
                "gauge",
                "Approximate memory held by the result cache.",
                Some(&cache.bytes),
            ),
        ];
        for (name, kind, help, value) in scalars {
            if let Some(value) = value {
                let _ = writeln!(
                    out,
                    "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
                );
            }
        }
        out.push_str("# HELP tracuu_jobs_running Admin jobs running now, by kind.\n");
        out.push_str("# TYPE tracuu_jobs_running gauge\n");
        for (kind, running) in jobs_running {
            let _ = writeln!(out, "tracuu_jobs_running{{kind=\"{kind}\"}} {running}");
        }
        out.push_str("# HELP tracuu_search_permits_granted_total Search permits granted, by the path that searched.\n");
        out.push_str("# TYPE tracuu_search_permits_granted_total counter\n");
        for (use_, granted) in PermitUse::ALL.iter().zip(&self.permits_granted) {
            let _ = writeln!(
                out,
                "tracuu_search_permits_granted_total{{use=\"{}\"}} {}",
                use_.as_str(),
                granted.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP tracuu_search_permit_waits_total Search permits that were busy when asked for, by the path that searched.\n");
        out.push_str("# TYPE tracuu_search_permit_waits_total counter\n");
        for (use_, waited) in PermitUse::ALL.iter().zip(&self.permits_waited) {
            let _ = writeln!(
                out,
                "tracuu_search_permit_waits_total{{use=\"{}\"}} {}",
                use_.as_str(),
                waited.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP tracuu_search_permits_in_use Search permits held now.\n# TYPE tracuu_search_permits_in_use gauge\ntracuu_search_permits_in_use {permits_in_use}"
        );
        out
    }
}

/// Escapes a Prometheus label value.
/// How one per-site gauge reads its value.
type SiteGauge = fn(&SiteSummary) -> i64;

/// The per-site gauges: captures, failed captures and the time of the latest capture of every
/// site, from the archive's CDXJ indexes; unanswered URLs and whether the host was up, from
/// the latest crawl's report.
pub(crate) fn render_sites(sites: &[SiteSummary]) -> String {
    let mut out = String::new();
    let gauges: [(&str, &str, SiteGauge); 5] = [
        (
            "tracuu_site_captures",
            "HTTP captures archived, per site.",
            |s| i64::try_from(s.captures).unwrap_or(i64::MAX),
        ),
        (
            "tracuu_site_failures",
            "Archived captures with an error status (400 and above), per site.",
            |s| i64::try_from(s.failures).unwrap_or(i64::MAX),
        ),
        (
            "tracuu_site_unanswered_urls",
            "URLs the host never answered in its latest crawl (timeouts, refused connections), per site.",
            |s| i64::try_from(s.unanswered).unwrap_or(i64::MAX),
        ),
        (
            "tracuu_site_up",
            "0 when the latest crawl of the site stopped because its host did not answer, else 1.",
            |s| i64::from(!s.host_down),
        ),
        (
            "tracuu_site_last_crawl_timestamp_seconds",
            "Time of the latest archived capture, per site (0 = never crawled).",
            |s| {
                s.last_capture
                    .as_deref()
                    .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y%m%d%H%M%S").ok())
                    .map_or(0, |t| t.and_utc().timestamp())
            },
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for site in sites {
            let _ = writeln!(
                out,
                "{name}{{site=\"{}\",title=\"{}\"}} {}",
                label(&site.name),
                label(&site.title),
                value(site)
            );
        }
    }
    out
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::default();
        metrics.search_answered(false);
        metrics.search_answered(true);
        metrics.observe("/api/search", "GET", 200, Duration::from_micros(700));
        metrics.observe("/api/search", "GET", 200, Duration::from_millis(30));
        metrics.observe("/api/search", "GET", 400, Duration::from_millis(30));
        let cache = CacheStats {
            hits: 5,
            misses: 3,
            entries: 2,
            bytes: 4096,
        };
        metrics.permit_granted(PermitUse::Export, true);
        metrics.permit_granted(PermitUse::Export, false);
        let text = metrics.render(7, Some(2), &[("reindex", 1)], cache, 1);
        assert!(text.contains("tracuu_search_permits_granted_total{use=\"export\"} 2"));
        assert!(text.contains("tracuu_search_permits_granted_total{use=\"document\"} 0"));
        assert!(text.contains("tracuu_search_permit_waits_total{use=\"export\"} 1"));
        assert!(text.contains("tracuu_search_permits_in_use 1"));
        assert!(text.contains(
            "tracuu_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "tracuu_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.001\"} 1"
        ));
        assert!(text.contains(
            "tracuu_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.05\"} 3"
        ));
        assert!(
            text.contains("tracuu_http_request_duration_seconds_count{route=\"/api/search\"} 3")
        );
        assert!(text.contains("tracuu_documents_indexed 7"));
        assert!(text.contains("tracuu_index_generation 2"));
        assert!(text.contains("tracuu_jobs_running{kind=\"reindex\"} 1"));
        assert!(text.contains("tracuu_search_cache_hits_total 5"));
        assert!(text.contains("tracuu_searches_total 2"));
        assert!(text.contains("tracuu_search_zero_results_total 1"));
        assert!(text.contains("tracuu_search_cache_misses_total 3"));
        assert!(text.contains("tracuu_search_cache_entries 2"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    }
}
