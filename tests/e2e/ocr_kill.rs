//! `tracuu ocr` killed with SIGKILL in the middle of a run, then run again: every file is
//! read once (one conversion record per scan, none duplicated), and the second run redoes
//! none of the files the first one finished, counted from the WARC records and the logs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crawler::convert::{SOURCE_DIGEST, TEXT_SOURCE, VARIANT};

use crate::support::{Install, Portal};

/// The WARC files under `dir`, at any depth, those still being written (`.warc.gz.open`)
/// included.
fn warc_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().contains(".warc.gz") {
                files.push(p);
            }
        }
    }
    files
}

/// How many corrected OCR conversion records each source digest has (records being written
/// are read up to the first incomplete one).
fn ocr_records(dir: &Path) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for file in warc_files(dir) {
        let Ok(reader) = crawler::warc::WarcReader::open(&file) else {
            continue;
        };
        for record in reader {
            let Ok(record) = record else { break };
            if record.warc_type() == "conversion"
                && record.header(TEXT_SOURCE) == Some("ocr")
                && record.header(VARIANT) != Some("raw-ocr")
            {
                let digest = record.header(SOURCE_DIGEST).unwrap_or("-").to_owned();
                *counts.entry(digest).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// `(files, already read, read now)` from a run's summary line.
fn summary(stderr: &str) -> (usize, usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.contains("waiting for OCR"))
        .unwrap_or_else(|| panic!("no summary:\n{stderr}"));
    let (_, counts) = line.split_once("attachments:").expect("summary");
    let numbers: Vec<usize> = counts
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // "attachments: N in the archive, A already read, C read now (P scanned pages OCRed), W …"
    (numbers[0], numbers[1], numbers[2])
}

#[test]
fn killed_ocr_resumes_without_redoing_finished_files() {
    let portal = Portal::start(testkit::portal_root());
    let install = Install::new();
    install.run(&[
        "crawl",
        "--base-url",
        &portal.base_url(),
        "--delay-ms",
        "0",
        "--no-index",
    ]);
    let archive = install.path("archive");
    assert!(ocr_records(&archive).is_empty(), "the crawl ran no OCR");

    // One page at a time, killed as soon as the first scan's record is on disk.
    let mut child = install
        .tracuu()
        .args(["ocr", "--no-index", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(install.path("killed-ocr.log")).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let before_kill = loop {
        let counts = ocr_records(&archive);
        if !counts.is_empty() {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            break counts;
        }
        if child.try_wait().unwrap().is_some() {
            let files = warc_files(&archive);
            let log = std::fs::read_to_string(install.path("killed-ocr.log")).unwrap_or_default();
            panic!("tracuu ocr ended before any scan was read: {files:?}\n{log}");
        }
        assert!(start.elapsed() < Duration::from_secs(600), "no OCR record");
        std::thread::sleep(Duration::from_millis(50));
    };
    let killed_after = before_kill.values().sum::<usize>();

    let rerun = install.run(&["ocr", "--no-index", "--threads", "1"]);
    let log = String::from_utf8_lossy(&rerun.stderr);
    let (files, already, now) = summary(&log);
    let after = ocr_records(&archive);
    // The fixture portal has three scanned resolutions: each read once in all.
    assert_eq!(after.len(), 3, "{after:?}\n{log}");
    assert!(
        after.values().all(|&n| n == 1),
        "a scan was OCRed twice: {after:?}"
    );
    assert!(
        killed_after < 3,
        "the kill landed after every scan was read"
    );
    for digest in before_kill.keys() {
        assert_eq!(after[digest], 1, "{digest} redone after the kill");
    }
    // The log agrees: what the first run finished counts as already read, the rest is read
    // now, and the second run OCRed only the scans left.
    assert_eq!(already + now, files, "{log}");
    assert!(already >= killed_after, "{log}");
    assert!(log.contains(" 0 waiting for OCR"), "{log}");
    let third = install.run(&["ocr", "--no-index"]);
    let (files3, already3, now3) = summary(&String::from_utf8_lossy(&third.stderr));
    assert_eq!(
        (already3, now3),
        (files3, 0),
        "a finished archive is not read again"
    );
    assert_eq!(ocr_records(&archive), after);
}
