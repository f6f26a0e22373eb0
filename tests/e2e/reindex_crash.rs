//! A reindex killed with SIGKILL at moments spread over its run (the `tracuu reindex` command
//! and the admin reindex job of `tracuu serve`) never leaves the live generation unusable: the
//! next start serves the previous generation and removes the half-built one.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::Install;

/// How many kills of each kind; `TRACUU_KILLS` raises it for a longer run by hand.
fn kills() -> u32 {
    std::env::var("TRACUU_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

fn generations(index: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    names.sort();
    names
}

/// The live generation is complete, and the only others are PREVIOUS or half-built.
fn assert_live_usable(index: &Path) -> String {
    let live = read(&index.join("CURRENT")).expect("CURRENT exists");
    assert!(
        index.join(&live).join("COMPLETE").is_file(),
        "CURRENT names {live}, which is not complete"
    );
    live
}

/// Total hits of one query, through `tracuu search --json`.
fn total(install: &Install) -> u64 {
    let out = install.run(&["search", "--json", "--limit", "1", "quyết định"]);
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    body["total"].as_u64().unwrap()
}

#[test]
fn killed_reindex_commands_never_break_the_live_generation() {
    let install = Install::new();
    let index = install.path("index");
    let started = Instant::now();
    install.run(&["reindex"]);
    let full = started.elapsed();
    let expected = total(&install);
    assert!(expected > 0);
    let n = kills();
    let mut killed_mid_build = 0;
    for i in 0..n {
        // Moments spread over (most of) a whole run, from start-up to the swap.
        let at = full.mul_f64(f64::from(i) / f64::from(n) * 1.2);
        let mut child = install
            .tracuu()
            .arg("reindex")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let live = assert_live_usable(&index);
        let half_built = generations(&index)
            .into_iter()
            .filter(|g| !index.join(g).join("COMPLETE").is_file())
            .count();
        if half_built > 0 && !finished {
            killed_mid_build += 1;
        }
        // The next start serves the live generation, with every document, and tidies up.
        assert_eq!(total(&install), expected, "after kill {i} at {at:?}");
        let previous = read(&index.join("PREVIOUS"));
        let left: Vec<String> = generations(&index)
            .into_iter()
            .filter(|g| *g != live && Some(g) != previous.as_ref())
            .collect();
        assert!(left.is_empty(), "left after kill {i}: {left:?}");
    }
    // Timed kills can all miss the build on a loaded machine; these watch the index folder and
    // kill the moment a new, incomplete generation appears.
    for attempt in 0..10 {
        if killed_mid_build >= 2 {
            break;
        }
        let known = generations(&index);
        let mut child = install
            .tracuu()
            .arg("reindex")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let half_built = loop {
            let new = generations(&index)
                .into_iter()
                .find(|g| !known.contains(g) && !index.join(g).join("COMPLETE").is_file());
            if new.is_some() || child.try_wait().unwrap().is_some() {
                break new;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        child.kill().unwrap(); // SIGKILL (a no-op if it already finished)
        child.wait().unwrap();
        assert_live_usable(&index);
        if half_built.is_some_and(|g| !index.join(&g).join("COMPLETE").is_file()) {
            killed_mid_build += 1;
        }
        assert_eq!(total(&install), expected, "after watched kill {attempt}");
    }
    eprintln!(
        "{n} timed kills of `tracuu reindex` and the watched ones: {killed_mid_build} in the middle of a build"
    );
    assert!(
        killed_mid_build > 0,
        "no kill landed during a build: the test would prove nothing"
    );
}

#[test]
fn killed_admin_reindex_job_leaves_the_previous_generation_serving() {
    let install = Install::new();
    let index = install.path("index");
    install.run(&["reindex"]);
    let expected = total(&install);
    let client = reqwest::blocking::Client::new();
    let n = kills().div_ceil(2);
    for i in 0..n {
        let before = assert_live_usable(&index);
        let mut command = install.tracuu();
        command.env("TRACUU_ADMIN_TOKEN", "t0ken-for-the-test");
        let service = install.serve_with(command);
        let answer = client
            .post(format!("{}/api/admin/reindex", service.base))
            .bearer_auth("t0ken-for-the-test")
            .send()
            .unwrap();
        assert_eq!(answer.status().as_u16(), 202);
        std::thread::sleep(Duration::from_millis(300 * u64::from(i)));
        drop(service); // SIGKILL, mid-job or just after
        let live = assert_live_usable(&index);
        assert!(
            live == before || generations(&index).contains(&live),
            "{live}"
        );
        let service = install.serve();
        let (status, body) = service.get_json("/api/search?q=quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"].as_u64(), Some(expected), "after kill {i}");
        drop(service);
        let previous = read(&index.join("PREVIOUS"));
        let left: Vec<String> = generations(&index)
            .into_iter()
            .filter(|g| *g != live && Some(g) != previous.as_ref())
            .collect();
        assert!(left.is_empty(), "left after kill {i}: {left:?}");
    }
}
