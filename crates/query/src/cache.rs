//! The search result cache: an index generation never changes once built, so a page of results
//! is a pure function of (generation, request, today's date) and can be kept and served again
//! without searching. Entries are weighed by their approximate size in bytes; the cache is
//! emptied when another generation goes live (reindex or rollback).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use quick_cache::sync::{Cache, DefaultLifecycle, PlaceholderGuard};
use quick_cache::{DefaultHashBuilder, Weighter};

use crate::model::SearchResponse;
use crate::params::SearchParams;

/// The cached pages.
type Pages = Cache<CacheKey, Arc<SearchResponse>, ByteWeigher>;

/// The right to fill one page of [`Pages`].
type Guard<'a> = PlaceholderGuard<
    'a,
    CacheKey,
    Arc<SearchResponse>,
    ByteWeigher,
    DefaultHashBuilder,
    DefaultLifecycle<CacheKey, Arc<SearchResponse>>,
>;

/// What identifies one cached page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    /// The generation the page was computed on (`gen-000003`).
    pub(crate) generation: String,
    /// The day `status` filters were evaluated against.
    pub(crate) today: NaiveDate,
    /// The checked request (query, filters, order, page or cursor).
    pub(crate) params: SearchParams,
}

/// Weighs an entry by the bytes its strings hold, plus a fixed overhead per hit and facet.
#[derive(Debug, Clone, Copy)]
struct ByteWeigher;

impl Weighter<CacheKey, Arc<SearchResponse>> for ByteWeigher {
    fn weight(&self, key: &CacheKey, value: &Arc<SearchResponse>) -> u64 {
        let key_bytes = key.params.q.len() + key.params.cursor.as_ref().map_or(0, String::len);
        let hits: usize = value
            .hits
            .iter()
            .map(|h| {
                128 + h.id.len()
                    + h.title.len()
                    + h.url.len()
                    + h.snippet.len()
                    + h.doc_number.as_ref().map_or(0, String::len)
                    + h.issuer.as_ref().map_or(0, String::len)
                    + h.doc_type.as_ref().map_or(0, String::len)
            })
            .sum();
        let facets: usize = value
            .facets
            .values()
            .flat_map(|values| values.iter().map(|v| 48 + v.value.len()))
            .sum();
        (256 + key_bytes + hits + facets) as u64
    }
}

/// How the cache has been used since the service started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages served from the cache.
    pub hits: u64,
    /// Pages that had to be searched.
    pub misses: u64,
    /// Pages held now.
    pub entries: u64,
    /// Approximate bytes held now.
    pub bytes: u64,
}

/// Cached pages of results (disabled when its capacity is zero).
pub(crate) struct ResultCache {
    pages: Option<Pages>,
    /// The generation the cached pages belong to; another one empties the cache.
    generation: Mutex<String>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for ResultCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultCache")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// What a lookup found: the page, or the right to compute it (other requests for the same
/// page wait for it instead of searching too).
pub(crate) enum Lookup<'a> {
    /// The page was cached.
    Hit(Arc<SearchResponse>),
    /// Compute the page and [`Slot::fill`] it.
    Miss(Slot<'a>),
}

/// A page being computed by this request.
pub(crate) struct Slot<'a> {
    guard: Option<Guard<'a>>,
}

impl Slot<'_> {
    /// Stores a copy of the computed page for the next requests (errors are never stored:
    /// dropping the slot without filling it lets the next request try again). The page is
    /// copied only when the cache keeps it (not when the cache is disabled).
    pub(crate) fn fill(self, page: &SearchResponse) {
        if let Some(guard) = self.guard {
            let _ = guard.insert(Arc::new(page.clone()));
        }
    }
}

impl ResultCache {
    /// A cache holding about `megabytes` MiB of pages (0 disables it).
    pub(crate) fn new(megabytes: usize) -> Self {
        let bytes = (megabytes as u64) * 1024 * 1024;
        let pages = (bytes > 0).then(|| {
            // A page of 20 hits weighs about 10 KiB.
            let estimated_items = (bytes / 10_240).max(16) as usize;
            Cache::with_weighter(estimated_items, bytes, ByteWeigher)
        });
        Self {
            pages,
            generation: Mutex::new(String::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Looks a page up; on a miss the caller computes it and fills the returned slot.
    pub(crate) async fn lookup(&self, key: &CacheKey) -> Lookup<'_> {
        let Some(pages) = &self.pages else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return Lookup::Miss(Slot { guard: None });
        };
        self.follow(pages, &key.generation);
        match pages.get_value_or_guard_async(key).await {
            Ok(page) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Lookup::Hit(page)
            }
            Err(guard) => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Lookup::Miss(Slot { guard: Some(guard) })
            }
        }
    }

    /// Empties the cache when the live generation is not the one its pages belong to.
    fn follow(&self, pages: &Pages, generation: &str) {
        let mut current = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if *current != generation {
            pages.clear();
            generation.clone_into(&mut current);
        }
    }

    /// Hits, misses and size.
    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.pages.as_ref().map_or(0, |p| p.len() as u64),
            bytes: self.pages.as_ref().map_or(0, Pages::weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HitView;
    use crawler::Kind;

    fn key(generation: &str, q: &str) -> CacheKey {
        CacheKey {
            generation: generation.to_owned(),
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            params: SearchParams {
                q: q.to_owned(),
                page: 1,
                per_page: 20,
                ..SearchParams::default()
            },
        }
    }

    fn page(id: &str) -> Arc<SearchResponse> {
        Arc::new(SearchResponse {
            total: 1,
            total_exact: true,
            took_ms: 1.0,
            interpreted_query: None,
            page: Some(1),
            per_page: 20,
            hits: vec![HitView {
                id: id.to_owned(),
                kind: Kind::Legal,
                title: "Nghị quyết về dự toán ngân sách năm 2024".to_owned(),
                url: "https://thanuyen.example.vn/van-ban/141.html".to_owned(),
                date: None,
                doc_number: Some("141/NQ-HĐND".to_owned()),
                snippet: "dự toán <mark>ngân sách</mark>".to_owned(),
                score: 1.0,
                issuer: None,
                doc_type: None,
                number_match: false,
                source: None,
                site: "thanuyen".to_owned(),
                site_title: "Huyện Than Uyên".to_owned(),
            }],
            facets: Default::default(),
            next_cursor: None,
            jump_to: None,
        })
    }

    async fn fill(cache: &ResultCache, key: &CacheKey, id: &str) {
        match cache.lookup(key).await {
            Lookup::Miss(slot) => slot.fill(&page(id)),
            Lookup::Hit(_) => panic!("{key:?} was cached already"),
        }
    }

    fn hit_id(lookup: Lookup<'_>) -> Option<String> {
        match lookup {
            Lookup::Hit(page) => Some(page.hits[0].id.clone()),
            Lookup::Miss(_) => None,
        }
    }

    #[tokio::test]
    async fn a_filled_page_is_served_until_another_generation_goes_live() {
        let cache = ResultCache::new(1);
        fill(&cache, &key("gen-000001", "ngân sách"), "laws-141").await;
        let again = cache.lookup(&key("gen-000001", "ngân sách")).await;
        assert_eq!(hit_id(again).as_deref(), Some("laws-141"));
        // Another query is another page.
        assert_eq!(
            hit_id(cache.lookup(&key("gen-000001", "ngan sach")).await),
            None
        );

        // A new generation empties the cache: nothing of the old one is served.
        assert_eq!(
            hit_id(cache.lookup(&key("gen-000002", "ngân sách")).await),
            None
        );
        assert_eq!(cache.stats().entries, 0);
        assert_eq!(
            hit_id(cache.lookup(&key("gen-000001", "ngân sách")).await),
            None
        );
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (1, 4));
    }

    #[tokio::test]
    async fn an_unfilled_slot_caches_nothing() {
        let cache = ResultCache::new(1);
        match cache.lookup(&key("gen-000001", "thuế")).await {
            Lookup::Miss(slot) => drop(slot), // the search failed
            Lookup::Hit(_) => panic!("empty cache hit"),
        }
        assert_eq!(hit_id(cache.lookup(&key("gen-000001", "thuế")).await), None);
    }

    #[tokio::test]
    async fn concurrent_requests_for_one_page_search_once() {
        let cache = Arc::new(ResultCache::new(1));
        let first = match cache.lookup(&key("gen-000001", "đất đai")).await {
            Lookup::Miss(slot) => slot,
            Lookup::Hit(_) => panic!("empty cache hit"),
        };
        let waiting = {
            let cache = cache.clone();
            tokio::spawn(async move { hit_id(cache.lookup(&key("gen-000001", "đất đai")).await) })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "the second request waits for the first"
        );
        first.fill(&page("laws-12"));
        assert_eq!(waiting.await.unwrap().as_deref(), Some("laws-12"));
        assert_eq!(cache.stats().misses, 1);
    }

    #[tokio::test]
    async fn weight_is_bounded_by_the_capacity() {
        let cache = ResultCache::new(1);
        for i in 0..2_000 {
            fill(
                &cache,
                &key("gen-000001", &format!("truy vấn {i}")),
                "laws-1",
            )
            .await;
        }
        let stats = cache.stats();
        assert!(stats.bytes <= 1024 * 1024, "{stats:?}");
        assert!(stats.entries < 2_000, "{stats:?}");
    }

    #[tokio::test]
    async fn a_disabled_cache_always_misses() {
        let cache = ResultCache::new(0);
        match cache.lookup(&key("gen-000001", "thuế")).await {
            Lookup::Miss(slot) => slot.fill(&page("laws-1")),
            Lookup::Hit(_) => panic!("disabled cache hit"),
        }
        assert_eq!(hit_id(cache.lookup(&key("gen-000001", "thuế")).await), None);
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 0,
                misses: 2,
                entries: 0,
                bytes: 0
            }
        );
    }
}
