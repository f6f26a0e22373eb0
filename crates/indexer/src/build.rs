//! Writing records into a Tantivy index: one writer, duplicates replaced by the last record
//! with the same id, one commit, segments merged into one for fast searching.
//!
//! The writer has one indexing thread with the whole memory budget: measured with
//! `cargo bench -p indexer --bench import` on two cores, a second thread halves nothing (the
//! calling thread builds the documents meanwhile, and the machine's other core is shared) and
//! leaves two segments whose merge costs more CPU and wall time than the thread saved. A build
//! larger than the budget still flushes several segments, merged at the end.
//!
//! Each record's shown hit goes to the generation's side file ([`crate::hitfile`]) as its
//! document is made; the document keeps the offset.

use std::io::Write;
use std::path::Path;

use crawler::Record;
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexSettings, Term};

use crate::analyzer::register_analyzers;
use crate::document::RecordDocument;
use crate::error::{Error, Result};
use crate::hitfile::{HitWriter, StoredHit};
use crate::schema::{DocNumberKeys, Fields};
use crate::snippet::Layout;

/// Memory budget of the index writer (what its two threads had before): the import bench's
/// 10 MB of Vietnamese text (5,549 documents) fit in one segment; Tantivy takes the memory as
/// it needs it, up to this, then flushes a segment.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;
/// Indexing threads of the writer (see the module documentation).
const WRITER_THREADS: usize = 1;

/// Creates an empty index (in `dir`, or in RAM) with the schema and analyzers.
pub(crate) fn create_index(dir: Option<&Path>) -> Result<(Index, Fields)> {
    let fields = Fields::new();
    let index = match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            Index::builder()
                .schema(fields.schema.clone())
                .settings(IndexSettings::default())
                .create_in_dir(dir)?
        }
        None => Index::create_in_ram(fields.schema.clone()),
    };
    register_analyzers(&index);
    Ok((index, fields))
}

/// Writes every record (its shown hit to `hits`) and commits; returns how many records were
/// read.
///
/// `progress` is called with the running count every 1,000 records and at the end.
pub(crate) fn write_records(
    index: &Index,
    fields: &Fields,
    records: impl IntoIterator<Item = Record>,
    hits: &mut HitWriter<impl Write>,
    progress: &mut dyn FnMut(usize),
) -> Result<usize> {
    let mut writer =
        index.writer_with_num_threads::<RecordDocument>(WRITER_THREADS, WRITER_MEMORY)?;
    // No background merges: they would race with the explicit merge below (which then fails
    // with "segments that were merged could not be found" on large builds).
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut count = 0;
    for record in records {
        writer.delete_term(Term::from_field_text(fields.id, &record.id));
        // The number is parsed once, for the hit and the document's keyword fields.
        let number = DocNumberKeys::of_record(&record);
        let hit = StoredHit::of(&record, number.as_ref());
        let offset = hits.append(&hit, &Layout::of(&hit.text).encode())?;
        writer.add_document(fields.record_document(record, number.as_ref(), offset)?)?;
        count += 1;
        if count % 1000 == 0 {
            progress(count);
        }
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    progress(count);
    Ok(count)
}

/// An index built in RAM from `records`, with its side file in memory (for tests and small
/// tools).
pub(crate) fn in_memory(
    records: impl IntoIterator<Item = Record>,
) -> Result<(Index, crate::hitfile::HitFile)> {
    let (index, fields) = create_index(None)?;
    let mut hits = HitWriter::new(Vec::new(), crate::hitfile::HITS_FILE.into())?;
    write_records(&index, &fields, records, &mut hits, &mut |_| {})?;
    Ok((index, crate::hitfile::in_memory(hits.finish()?)?))
}
