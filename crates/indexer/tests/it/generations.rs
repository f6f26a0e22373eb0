//! Generations: atomic swap, rollback, and safety when a build fails half-way.

use crawler::Record;
use indexer::{Error, IndexStore, SearchRequest};

use crate::fixtures::records;

fn ids(store: &IndexStore, query: &str) -> Vec<String> {
    let index = store.current().expect("current").expect("live generation");
    index
        .search(&SearchRequest {
            query: query.into(),
            limit: 50,
            ..SearchRequest::default()
        })
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn empty_store_has_no_generation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    assert!(store.current().expect("current").is_none());
    assert!(store.is_empty().expect("is_empty"));
    assert!(matches!(store.rollback(), Err(Error::NoPreviousGeneration)));
}

#[test]
fn build_swaps_and_rollback_restores_the_previous_generation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    let first = store.build_generation(records()).expect("first build");
    assert_eq!(first.generation, "gen-000001");
    assert_eq!(first.documents, records().len() as u64);
    assert!(!store.is_empty().expect("is_empty"));

    let fewer: Vec<Record> = records()
        .into_iter()
        .filter(|r| r.id != "laws-140")
        .collect();
    let second = store.build_generation(fewer).expect("second build");
    assert_eq!(second.generation, "gen-000002");
    assert!(!ids(&store, "140/NQ-HĐND").contains(&"laws-140".to_owned()));

    // Another process opening the same root sees the same live generation.
    let reopened = IndexStore::open(dir.path()).expect("reopen");
    assert_eq!(
        reopened.current_generation().expect("pointer").as_deref(),
        Some("gen-000002")
    );

    let rollback = store.rollback().expect("rollback");
    assert_eq!(rollback.live, "gen-000001");
    assert_eq!(rollback.replaced, "gen-000002");
    assert_eq!(ids(&store, "140/NQ-HĐND")[0], "laws-140");
    assert!(matches!(store.rollback(), Err(Error::NoPreviousGeneration)));

    // The next build replaces the rolled-back generation and keeps the live one as previous.
    let third = store.build_generation(records()).expect("third build");
    assert_eq!(third.generation, "gen-000003");
    assert_eq!(
        store.previous_generation().expect("previous").as_deref(),
        Some("gen-000001")
    );
    assert!(!dir.path().join("gen-000002").exists());
}

#[test]
fn duplicate_ids_keep_the_last_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    let mut list = records();
    let mut changed = list[0].clone();
    changed.title = "Tiêu đề đã sửa".into();
    list.push(changed);
    let stats = store.build_generation(list).expect("build");
    assert_eq!(stats.documents, records().len() as u64);
    let index = store.current().expect("current").expect("live");
    let record = index.document("laws-140").expect("lookup").expect("found");
    assert_eq!(record.title, "Tiêu đề đã sửa");
}

/// A record source that fails half-way, as a crash during a build would.
struct Exploding {
    inner: std::vec::IntoIter<Record>,
    left: usize,
}

impl Iterator for Exploding {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        if self.left == 0 {
            panic!("simulated crash in the middle of a build");
        }
        self.left -= 1;
        self.inner.next()
    }
}

#[test]
fn crash_mid_build_leaves_the_live_generation_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    store.build_generation(records()).expect("first build");
    let before = ids(&store, "nghị quyết");

    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.build_generation(Exploding {
            inner: records().into_iter(),
            left: 3,
        })
    }));
    assert!(crashed.is_err(), "the build should have crashed");
    assert!(
        dir.path().join("gen-000002").exists(),
        "half-built folder left behind"
    );

    // Both this store and a fresh process still serve generation 1.
    assert_eq!(ids(&store, "nghị quyết"), before);
    let reopened = IndexStore::open(dir.path()).expect("reopen after crash");
    assert_eq!(
        reopened.current_generation().expect("pointer").as_deref(),
        Some("gen-000001")
    );
    assert_eq!(ids(&reopened, "nghị quyết"), before);
    assert!(
        !dir.path().join("gen-000002").exists(),
        "opening the store removes the half-built folder"
    );

    // The next build succeeds, under a name never used before.
    let stats = reopened
        .build_generation(records())
        .expect("build after crash");
    assert_eq!(stats.generation, "gen-000003");
    assert!(!dir.path().join("gen-000002").exists());
}

fn interpreted(store: &IndexStore, query: &str) -> Option<String> {
    let index = store.current().expect("current").expect("live generation");
    index
        .search(&SearchRequest {
            query: query.into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .expect("search")
        .interpreted_query
}

#[test]
fn a_generation_keeps_its_restorer_and_opening_reads_it_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    store.build_generation(records()).expect("build");
    let kept = dir.path().join("gen-000001").join("restorer.tsv");
    assert!(kept.is_file(), "the build keeps the restorer it learnt");
    assert_eq!(
        interpreted(&store, "nong thon moi").as_deref(),
        Some("nông thôn mới")
    );

    // Opening reads the kept counts instead of learning them again: counts that no record
    // supports change the reading.
    let other = vietnamese::restore::Restorer::from_counts(
        [("nóng", 50), ("thơn", 50), ("mời", 50)],
        [(("nóng", "thơn"), 50), (("thơn", "mời"), 50)],
    );
    let mut bytes = Vec::new();
    other.write(&mut bytes).expect("write");
    std::fs::write(&kept, bytes).expect("replace the kept restorer");
    let reopened = IndexStore::open(dir.path()).expect("reopen");
    assert_eq!(
        interpreted(&reopened, "nong thon moi").as_deref(),
        Some("nóng thơn mời")
    );

    // A damaged file is not trusted: the generation learns its restorer again.
    std::fs::write(&kept, "u\tnóng\n").expect("damage the kept restorer");
    let reopened = IndexStore::open(dir.path()).expect("reopen");
    assert_eq!(
        interpreted(&reopened, "nong thon moi").as_deref(),
        Some("nông thôn mới")
    );
}

/// Every hit of a few searches, as JSON (snippets included).
fn shown(store: &IndexStore) -> String {
    let index = store.current().expect("current").expect("live generation");
    let mut hits = Vec::new();
    for query in ["140/NQ-HĐND", "nghị quyết", "nong thon moi", "Than Uyên"] {
        let request = SearchRequest {
            query: query.into(),
            limit: 20,
            ..SearchRequest::default()
        };
        hits.extend(index.search(&request).expect("search").hits);
    }
    assert!(hits.len() > 4, "{}", hits.len());
    serde_json::to_string(&hits).expect("json")
}

#[test]
fn shown_hits_come_from_the_side_file_and_survive_losing_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open");
    store.build_generation(records()).expect("build");
    let side = dir.path().join("gen-000001").join("hits.bin");
    let bytes = std::fs::read(&side).expect("the build writes the shown-hit side file");
    let expected = shown(&store);
    assert_eq!(
        shown(&IndexStore::open(dir.path()).expect("reopen")),
        expected
    );
    // Cut short, another file, or gone (a generation built before side files): the hits are
    // read from the doc store instead, the same.
    for damaged in [&bytes[..bytes.len() / 2], b"not a side file", &[]] {
        std::fs::write(&side, damaged).expect("damage");
        assert_eq!(
            shown(&IndexStore::open(dir.path()).expect("reopen")),
            expected
        );
    }
    std::fs::remove_file(&side).expect("remove");
    assert_eq!(
        shown(&IndexStore::open(dir.path()).expect("reopen")),
        expected
    );
}
