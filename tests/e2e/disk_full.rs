//! A full disk, on a small tmpfs the test mounts in its own user and mount namespace
//! (`unshare -rm`): a reindex that runs out of space fails with a clear message and leaves the
//! live generation serving; a crawl that runs out of space stops with a clear message and
//! leaves whole records only, and finishes once there is room again.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Install, Portal};

/// Whether this machine lets the test mount a tmpfs in its own namespaces.
fn tmpfs_permitted(dir: &Path) -> bool {
    Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount -t tmpfs -o size=1m tmpfs \"$1\"",
            "sh",
        ])
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `script` (sh) in a new user and mount namespace with `TRACUU` and `CONFIG` set.
fn in_namespace(install: &Install, script: &str) -> String {
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("TRACUU", env!("CARGO_BIN_EXE_tracuu"))
        .env("CONFIG", install.path("config.toml"))
        .env("RUST_LOG", "warn")
        .env_remove("TRACUU_BIND")
        .env_remove("TRACUU_ADMIN_TOKEN")
        .current_dir(install.dir.path())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "namespace script failed:\n{text}");
    text
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_owned()
}

fn du(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            du(&entry.path())
        } else {
            meta.len().div_ceil(4096) * 4096
        };
    }
    total
}

fn skip_unless_permitted(install: &Install) -> bool {
    let probe = install.path("probe");
    std::fs::create_dir_all(&probe).unwrap();
    if tmpfs_permitted(&probe) {
        return false;
    }
    assert!(
        std::env::var_os("TRACUU_REQUIRE_TMPFS").is_none(),
        "TRACUU_REQUIRE_TMPFS is set but `unshare -rm` cannot mount a tmpfs here"
    );
    eprintln!("SKIPPED: this machine does not let an unprivileged namespace mount a tmpfs");
    true
}

#[test]
fn reindex_on_a_full_disk_fails_clearly_and_keeps_the_live_generation() {
    let install = Install::new();
    if skip_unless_permitted(&install) {
        return;
    }
    // One generation built on the real disk, copied onto a tmpfs with room for a quarter more.
    install.run(&["reindex"]);
    let index = install.path("index");
    let built = install.path("index-built");
    std::fs::rename(&index, &built).unwrap();
    std::fs::create_dir_all(&index).unwrap();
    let size_kib = du(&built) * 5 / 4 / 1024 + 64;
    let out = in_namespace(
        &install,
        &format!(
            r#"mount -t tmpfs -o size={size_kib}k tmpfs index && cp -a index-built/. index/
cat index/CURRENT > current.before
"$TRACUU" --config "$CONFIG" reindex > reindex.out 2>&1; echo $? > reindex.rc
cat index/CURRENT > current.after
ls index > ls.after
"$TRACUU" --config "$CONFIG" search --json --limit 1 "quyết định" > search.json 2> search.err; echo $? > search.rc
"#
        ),
    );
    let reindex = read(install.path("reindex.out"));
    assert_ne!(read(install.path("reindex.rc")), "0", "{out}{reindex}");
    assert!(
        reindex.contains("No space left on device"),
        "the message says why: {reindex}"
    );
    assert_eq!(
        read(install.path("current.before")),
        read(install.path("current.after"))
    );
    let left = read(install.path("ls.after"));
    let generations: Vec<&str> = left.lines().filter(|l| l.starts_with("gen-")).collect();
    assert_eq!(
        generations,
        [read(install.path("current.before")).as_str()],
        "the failed generation is removed: {left}"
    );
    assert_eq!(
        read(install.path("search.rc")),
        "0",
        "{}",
        read(install.path("search.err"))
    );
    let body: serde_json::Value = serde_json::from_str(&read(install.path("search.json"))).unwrap();
    assert!(body["total"].as_u64().unwrap() > 0, "{body}");
}

#[test]
fn crawl_on_a_full_disk_stops_clearly_keeps_whole_records_and_finishes_later() {
    let install = Install::new();
    if skip_unless_permitted(&install) {
        return;
    }
    let portal = Portal::start(testkit::portal_root());
    std::fs::create_dir_all(install.path("archive")).unwrap();
    let crawl = format!(
        "\"$TRACUU\" --config \"$CONFIG\" crawl --base-url {} --delay-ms 0 --no-index",
        portal.base_url()
    );
    let out = in_namespace(
        &install,
        &format!(
            r#"mount -t tmpfs -o size=400k tmpfs archive
{crawl} > crawl1.out 2>&1; echo $? > crawl1.rc
ls archive > ls1
"$TRACUU" --config "$CONFIG" verify --archive-dir archive > verify1.out 2>&1; echo $? > verify1.rc
mount -o remount,size=64m archive
{crawl} > crawl2.out 2>&1; echo $? > crawl2.rc
"$TRACUU" --config "$CONFIG" verify --archive-dir archive > verify2.out 2>&1; echo $? > verify2.rc
"#
        ),
    );
    let crawl1 = read(install.path("crawl1.out"));
    assert_ne!(read(install.path("crawl1.rc")), "0", "{out}{crawl1}");
    assert!(
        crawl1.contains("No space left on device"),
        "the message says why: {crawl1}"
    );
    // What the full disk left: whole records and matching indexes only.
    let verify1 = read(install.path("verify1.out"));
    assert!(
        matches!(read(install.path("verify1.rc")).as_str(), "0"),
        "{}\n{verify1}",
        read(install.path("ls1"))
    );
    // With room again the crawl finishes, and the archive is whole.
    let crawl2 = read(install.path("crawl2.out"));
    assert_eq!(read(install.path("crawl2.rc")), "0", "{crawl2}");
    let verify2 = read(install.path("verify2.out"));
    assert_eq!(read(install.path("verify2.rc")), "0", "{verify2}");
    assert!(
        verify2.contains(", 0 damaged, 0 CDXJ problems"),
        "{verify2}"
    );
}
