//! The bundled sample archive (`fixtures/archive/`) is what the crawler makes of the fixture
//! portal: a fresh crawl must give the same records, apart from dates, record ids and the
//! server's port. `TRACUU_BLESS=1` replaces the bundled archive with the fresh one. The
//! bundled archive carries the text of the attachments as `conversion` records (OCR of the
//! scans included), so a fresh clone serves a scan's words without Tesseract.

use std::path::Path;

use crate::support::{Install, Portal, repo_root, warc_files};

#[test]
fn bundled_archive_matches_a_fresh_crawl_of_the_fixture_portal() {
    let portal = Portal::start(testkit::portal_root());
    let install = Install::new();
    let fresh = install.path("fresh-archive");
    install.run(&[
        "crawl",
        "--base-url",
        &portal.base_url(),
        "--delay-ms",
        "0",
        "--no-index",
        "--archive-dir",
        fresh.to_str().unwrap(),
    ]);
    // The text of every attachment, scans OCRed, as the crawl writes it before indexing.
    install.run(&[
        "ocr",
        "--no-index",
        "--archive-dir",
        fresh.to_str().unwrap(),
    ]);
    let bundled = repo_root().join("fixtures/archive");
    if std::env::var_os("TRACUU_BLESS").is_some() {
        bless(&fresh, &bundled);
    }
    let (want, got) = (signature(&bundled), signature(&fresh));
    assert!(!got.is_empty(), "the fresh crawl archived nothing");
    let missing: Vec<&String> = got.iter().filter(|s| !want.contains(s)).take(10).collect();
    let extra: Vec<&String> = want.iter().filter(|s| !got.contains(s)).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && want.len() == got.len(),
        "the bundled archive is stale ({} vs {} records); regenerate it with \
         `TRACUU_BLESS=1 cargo test -p tracuu --test e2e bundled_archive`.\n\
         only in a fresh crawl: {missing:#?}\nonly in the bundled archive: {extra:#?}",
        want.len(),
        got.len()
    );
}

/// One line per record, with what must not change: type, URI (port removed), payload digest
/// (responses), refers-to digest (revisits), the block of metadata records.
fn signature(dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for file in warc_files(dir) {
        for record in crawler::warc::WarcReader::open(&file).unwrap() {
            let record = record.unwrap();
            let uri = without_port(record.target_uri().unwrap_or_default());
            let line = match record.warc_type() {
                "warcinfo" => continue,
                "response" | "revisit" | "resource" => format!(
                    "{} {uri} {}",
                    record.warc_type(),
                    record.header("WARC-Payload-Digest").unwrap_or("-")
                ),
                "metadata" => {
                    format!(
                        "metadata {uri} {}",
                        without_port(&String::from_utf8_lossy(&record.block))
                    )
                }
                "conversion" => format!(
                    "conversion {uri} {} {}",
                    record.header("X-Tracuu-Text-Source").unwrap_or("-"),
                    record.header("X-Tracuu-Text-Variant").unwrap_or("-")
                ),
                other => format!("{other} {uri}"),
            };
            lines.push(line);
        }
    }
    lines.sort();
    lines
}

/// Replaces every `127.0.0.1:PORT` with `127.0.0.1:PORT` spelled out, so two crawls compare.
fn without_port(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (before, after) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(before);
        out.push_str("PORT");
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn bless(fresh: &Path, bundled: &Path) {
    std::fs::create_dir_all(bundled).unwrap();
    for entry in std::fs::read_dir(bundled).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy();
        if name.ends_with(".warc.gz") || name.ends_with(".cdxj") {
            std::fs::remove_file(&path).unwrap();
        }
    }
    for entry in std::fs::read_dir(fresh).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".warc.gz") || name.ends_with(".cdxj") {
            std::fs::copy(&path, bundled.join(name)).unwrap();
        }
    }
}

/// A fresh clone's `tracuu serve` (the bundled sample archive, no crawl) finds a phrase that
/// exists only in a scanned attachment, on a machine without Tesseract or poppler: the text
/// comes from the archive's conversion records.
#[test]
fn the_bundled_archive_serves_the_words_of_a_scan_without_tesseract() {
    let install = Install::new();
    let zcat = |pattern: &str| -> usize {
        let mut n = 0;
        for file in warc_files(&repo_root().join("fixtures/archive")) {
            for record in crawler::warc::WarcReader::open(&file).unwrap() {
                let record = record.unwrap();
                n += usize::from(
                    record.warc_type() == "conversion"
                        && record.header("X-Tracuu-Text-Source") == Some(pattern),
                );
            }
        }
        n
    };
    assert!(zcat("ocr") > 0, "the bundled archive holds no OCR text");
    // No program at all on the PATH: no tesseract, no pdftoppm, no pdftotext.
    let empty = tempfile::tempdir().unwrap();
    let mut command = install.tracuu();
    command.env("PATH", empty.path());
    let service = install.serve_with(command);
    // "hỗ trợ xi măng làm đường", only in the scan of resolution 121.
    let (status, body) = service.get_json(
        "/api/search?q=%22h%E1%BB%97%20tr%E1%BB%A3%20xi%20m%C4%83ng%20l%C3%A0m%20%C4%91%C6%B0%E1%BB%9Dng%22",
    );
    assert_eq!(status, 200, "{body:#}");
    let hit = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "laws-121")
        .unwrap_or_else(|| panic!("the scanned resolution is not found: {body:#}"));
    assert_eq!(hit["source"]["text_source"], "ocr", "{hit:#}");
}
