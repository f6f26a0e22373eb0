//! `--setting unseen`: the unseen-query setting of issue 11 over HTTP. The 5,549 documents and
//! the ~3,000 distinct queries are those of `cargo bench -p indexer --bench unseen` (the same
//! selection code, included from the indexer's bench support), so the in-process and the HTTP
//! figures describe the same work.

use std::path::Path;

use anyhow::{Result, anyhow};
use crawler::Record;

use crate::mix::{Query, QueryKind};

#[path = "../../indexer/benches/support/corpus.rs"]
#[allow(dead_code)] // `corpus_dir` serves the indexer's benches
mod corpus;
#[path = "../../indexer/benches/support/legalqa.rs"]
mod legalqa;
#[path = "../../indexer/benches/support/setting.rs"]
#[allow(dead_code)] // the targets serve found@10 in the indexer benches
mod setting;
#[path = "../../indexer/benches/support/variants.rs"]
#[allow(dead_code)] // only some variants are used here
mod variants;

/// The setting's records and its distinct queries as `/api/search` requests (cache off, so
/// each is searched on the index whenever it is sent).
pub(crate) fn setting(corpus: &Path) -> Result<(Vec<Record>, Vec<Query>)> {
    let (records, cases) = setting::setting(corpus).map_err(|e| anyhow!("{e}"))?;
    let queries = cases
        .into_iter()
        .map(|case| Query {
            kind: match case.kind {
                "document number" => QueryKind::DocNumber,
                "long question" | "long pasted" => QueryKind::Long,
                _ => QueryKind::Short,
            },
            path: format!(
                "/api/search?q={}",
                url::form_urlencoded::byte_serialize(case.query.as_bytes()).collect::<String>()
            ),
            unseen: true,
        })
        .collect();
    Ok((records, queries))
}

/// The queries in the order independent users would send them: kinds mixed. The setting
/// lists them kind by kind, so sent in that order every connection asks the same kind at
/// once (16 pasted sentences together, then 16 document numbers), which no real traffic does.
/// A fixed permutation (by a hash of each request), the same on every run.
pub(crate) fn interleaved(mut queries: Vec<Query>) -> Vec<Query> {
    queries.sort_by_cached_key(|query| {
        let fnv = query
            .path
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
        // splitmix64's finaliser: FNV alone barely moves the high bits for the last bytes.
        let mut z = fnv.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    });
    queries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaving_mixes_the_kinds_and_keeps_every_query() {
        let query = |kind: QueryKind, n: usize| Query {
            kind,
            path: format!("/api/search?q={kind:?}+{n}"),
            unseen: true,
        };
        let by_kind: Vec<Query> = (0..300)
            .map(|n| query(QueryKind::Long, n))
            .chain((0..300).map(|n| query(QueryKind::DocNumber, n)))
            .collect();
        let mixed = interleaved(by_kind.clone());
        let mut paths: Vec<&str> = mixed.iter().map(|q| q.path.as_str()).collect();
        let mut before: Vec<&str> = by_kind.iter().map(|q| q.path.as_str()).collect();
        paths.sort_unstable();
        before.sort_unstable();
        assert_eq!(paths, before);
        // No 16 requests in a row (what 16 connections ask at once) are of one kind, and
        // every 100 in a row hold both about equally.
        for window in mixed.windows(16) {
            let long = window.iter().filter(|q| q.kind == QueryKind::Long).count();
            assert!((1..16).contains(&long), "{long} long of 16");
        }
        for window in mixed.windows(100) {
            let long = window.iter().filter(|q| q.kind == QueryKind::Long).count();
            assert!((30..=70).contains(&long), "{long} long of 100");
        }
        let again = interleaved(by_kind);
        assert!(again.iter().zip(&mixed).all(|(a, b)| a.path == b.path));
    }
}
