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
