//! A crawl killed with SIGKILL at 20 random moments, then finished: every document archived
//! exactly once, every WARC whole (and `warcio check` clean when warcio is installed), each
//! CDXJ equal to the one the WARC gives, and the state database in line with the archive.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{Install, Portal, warc_files};

/// A small deterministic generator for the kill moments (printed, so a failure can be
/// replayed with `TRACUU_KILL_SEED`).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `(type, target, status, record id, file, offset)` of every response and revisit record.
fn captures(dir: &Path) -> Vec<(String, String, u16, String, String, u64)> {
    let mut out = Vec::new();
    for f in warc_files(dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for r in crawler::warc::WarcReader::open(&f).unwrap() {
            let r = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            let ty = r.warc_type().to_string();
            if ty != "response" && ty != "revisit" {
                continue;
            }
            let status = crawler::warc::parse_http_response(&r.block).map_or(0, |h| h.status);
            out.push((
                ty,
                r.target_uri().unwrap_or("").to_string(),
                status,
                r.record_id().unwrap_or("").to_string(),
                name.clone(),
                r.offset,
            ));
        }
    }
    out
}

/// Response and revisit records in the archive, the files a kill left open included (read
/// up to the record the kill cut).
fn answers_written(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy();
        if !(name.ends_with(".warc.gz") || name.ends_with(".warc.gz.open")) {
            continue;
        }
        let Ok(reader) = crawler::warc::WarcReader::open(&path) else {
            continue;
        };
        n += reader
            .map_while(Result::ok)
            .filter(|r| matches!(r.warc_type(), "response" | "revisit"))
            .count();
    }
    n
}

fn crawl_args(base: &str) -> Vec<String> {
    ["crawl", "--base-url", base, "--delay-ms", "0", "--no-index"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn crawl_killed_twenty_times_archives_every_document_once() {
    let seed: u64 = std::env::var("TRACUU_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7261_6375_7521);
    println!("kill seed {seed} (TRACUU_KILL_SEED)");
    let mut rng = XorShift(seed.max(1));
    // 10 ms per answer: the crawl of the fixture portal takes seconds, longer than the kills.
    let portal = Portal::start_with(
        testkit::portal_root(),
        testkit::Options::new().latency(Duration::from_millis(10)),
    );
    let args = crawl_args(&portal.base_url());
    let install = Install::new();
    let archive = install.path("archive");
    // Kills that landed while the crawl was archiving answers (more of them after the kill).
    let mut mid_crawl = 0;
    // A kill before the first answer (a slow start on a busy machine) makes the next ones later.
    let mut later = 0;
    for _ in 0..20 {
        let before = answers_written(&archive);
        let mut child = install
            .tracuu()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + later + rng.next() % 220));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if answers_written(&archive) > before {
            mid_crawl += 1;
        } else {
            later += 50;
        }
    }
    assert!(
        mid_crawl >= 10,
        "only {mid_crawl} of 20 kills landed while records were written"
    );
    let killed_requests = portal.server.request_log().len();
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = install.run(&arg_refs);
    let report = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        report.contains("(tiếp tục): hoàn tất"),
        "the last call resumes the killed run and finishes it: {report}"
    );
    println!("{killed_requests} requests before the last call; its report:\n{report}");

    // Every URL archived exactly once with its 200 answer (a response, or a revisit of an
    // identical payload), every document of a clean crawl present.
    let caps = captures(&archive);
    let mut per_url: BTreeMap<&str, usize> = BTreeMap::new();
    for c in caps.iter().filter(|c| c.2 == 200) {
        *per_url.entry(&c.1).or_default() += 1;
    }
    let twice: Vec<_> = per_url.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "archived more than once: {twice:?}");
    let reference = Install::new();
    reference.run(&arg_refs);
    let ids = |dir: PathBuf| {
        let mut ids: Vec<String> = crawler::replay_archive(&[dir])
            .unwrap()
            .records
            .into_iter()
            .map(|r| r.id)
            .collect();
        ids.sort();
        ids
    };
    let documents = ids(archive.clone());
    assert!(documents.len() >= 80, "{}", documents.len());
    assert_eq!(documents, ids(reference.path("archive")));
    let unique: HashSet<&String> = documents.iter().collect();
    assert_eq!(unique.len(), documents.len(), "a document twice");
    println!(
        "20 kills survived ({mid_crawl} while records were written): {} documents, as in a \
         clean crawl (0 lost), {} URLs archived once each (0 duplicates)",
        documents.len(),
        per_url.len()
    );

    // No file left open; each CDXJ is what its WARC gives.
    for entry in std::fs::read_dir(&archive).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".open"), "{name} left open");
    }
    let scratch = tempfile::tempdir().unwrap();
    for f in warc_files(&archive) {
        let copy = scratch.path().join(f.file_name().unwrap());
        std::fs::copy(&f, &copy).unwrap();
        let expected = std::fs::read_to_string(crawler::warc::write_cdxj(&copy).unwrap()).unwrap();
        let got = std::fs::read_to_string(crawler::warc::cdxj_path(&f))
            .unwrap_or_else(|e| panic!("CDXJ of {}: {e}", f.display()));
        assert_eq!(got, expected, "CDXJ of {}", f.display());
    }

    // The state database knows every capture once, where it is.
    let db = rusqlite::Connection::open(install.path("state.sqlite")).unwrap();
    let rows: Vec<(String, u64, String)> = db
        .prepare("SELECT file, offset, record_id FROM captures")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let in_db: HashSet<(String, u64, String)> = rows.iter().cloned().collect();
    assert_eq!(in_db.len(), rows.len(), "a capture row twice");
    let in_warc: HashSet<(String, u64, String)> = caps
        .iter()
        .map(|c| (c.4.clone(), c.5, c.3.clone()))
        .collect();
    assert_eq!(
        in_db, in_warc,
        "captures in the database against the WARC records"
    );
    let queued: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM urls WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(queued, 0);
    let runs: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(runs, 1, "one run, resumed after every kill");

    // warcio's own check, where warcio is installed (.ci/run installs it).
    let has_warcio = std::process::Command::new("python3")
        .args(["-c", "import warcio"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_warcio {
        println!("warcio is not installed: `warcio check` skipped");
        return;
    }
    for f in warc_files(&archive) {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; from warcio.cli import main; sys.exit(main(sys.argv[1:]))",
                "check",
            ])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "warcio check {}: {}{}",
            f.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!(
        "warcio check: {} WARC files pass",
        warc_files(&archive).len()
    );
}
