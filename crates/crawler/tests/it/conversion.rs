//! Attachment text kept in the archive: a crawl of the fixture portal, then the conversion
//! step (born-digital text and OCR of the scanned resolutions) stopped after two files and
//! resumed, never reading a file twice; replay takes the text from the conversion records.

use std::collections::HashSet;

use crawler::convert::{ConvertOptions, ConvertReport, convert_archive};
use crawler::{crawl, replay_archive};
use testkit::FixtureServer;

use crate::{Workspace, fast_config};

fn conversions(ws: &Workspace) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in crawler::replay::warc_files(&[ws.archive()]).unwrap() {
        for r in crawler::warc::WarcReader::open(&f).unwrap() {
            let r = r.unwrap();
            if r.warc_type() == "conversion" {
                out.push((
                    r.header(crawler::convert::SOURCE_DIGEST)
                        .unwrap()
                        .to_string(),
                    r.header(crawler::convert::VARIANT)
                        .unwrap_or("")
                        .to_string(),
                ));
            }
        }
    }
    out
}

fn run(ws: &Workspace, options: &ConvertOptions) -> ConvertReport {
    convert_archive(&[ws.archive()], &ws.archive(), options, &mut |_| {}).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scans_are_ocred_once_resumably_and_replay_reads_the_records() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let report = crawl(
        &fast_config(&server.base_url()),
        &ws.archive(),
        &ws.state(),
        None,
    )
    .await
    .unwrap();
    assert!(report.finished, "{report}");

    // Before any conversion, replay reads born-digital text and marks scans as waiting.
    let before = replay_archive(&[ws.archive()]).unwrap();
    let scanned = before.records.iter().find(|r| r.id == "laws-121").unwrap();
    assert_eq!(
        scanned.attachments[0].text_source.as_deref(),
        Some("ocr-pending")
    );

    // A run stopped after two files (as if killed), then resumed.
    let options = ConvertOptions {
        ocr: true,
        max_files: Some(2),
        ..ConvertOptions::default()
    };
    let first = run(&ws, &options);
    assert_eq!(first.converted, 2, "{first}");
    let after_first: HashSet<String> = conversions(&ws).into_iter().map(|(d, _)| d).collect();
    let second = run(
        &ws,
        &ConvertOptions {
            max_files: None,
            ..options.clone()
        },
    );
    assert_eq!(second.already_done, 2, "{second}");
    assert_eq!(second.converted, second.files - 2, "{second}");
    assert_eq!(
        second.ocr_pages, 3,
        "three scanned resolutions of one page: {second}"
    );
    assert_eq!(second.pending, 0, "{second}");
    // Every payload has exactly one searchable text; the two first were not redone.
    let all = conversions(&ws);
    let corrected: Vec<&String> = all
        .iter()
        .filter(|(_, v)| v != "raw-ocr")
        .map(|(d, _)| d)
        .collect();
    let unique: HashSet<&String> = corrected.iter().copied().collect();
    assert_eq!(unique.len(), corrected.len());
    assert!(after_first.iter().all(|d| unique.contains(d)));
    // OCR output is kept raw beside the corrected text.
    assert_eq!(all.iter().filter(|(_, v)| v == "raw-ocr").count(), 3);
    // A third run has nothing to do.
    let third = run(&ws, &options);
    assert_eq!((third.converted, third.ocr_pages), (0, 0), "{third}");

    // Replay (what reindex does) takes the OCR text from the archive.
    let replay = replay_archive(&[ws.archive()]).unwrap();
    let r = replay.records.iter().find(|r| r.id == "laws-121").unwrap();
    assert!(r.body.is_empty(), "the page itself has no text");
    let a = &r.attachments[0];
    assert_eq!(a.text_source.as_deref(), Some("ocr"));
    assert_eq!(a.pages, Some(1));
    assert!(a.ocr_confidence.is_some_and(|c| c > 50));
    // Compared as search does: folded syllable tokens (punctuation is not a token).
    let tokens: Vec<String> = vietnamese::tokenize(a.text.as_deref().unwrap())
        .into_iter()
        .map(|t| vietnamese::fold(&t.text))
        .collect();
    let phrase = "ho tro xi mang lam duong giao thong nong thon";
    assert!(tokens.join(" ").contains(phrase), "{}", tokens.join(" "));
    let born = replay
        .records
        .iter()
        .flat_map(|r| &r.attachments)
        .find(|a| a.name == "140-NQ-HDND.pdf")
        .unwrap();
    assert_eq!(born.text_source.as_deref(), Some("pdf-text"));
    assert!(born.text.as_deref().unwrap().contains("Số: 140/NQ-HĐND"));
}
