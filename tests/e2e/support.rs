//! Shared helpers: a temporary tracuu installation, the fixture server, the running service.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The repository root (two levels above the tracuu crate).
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A temporary installation: its own config file, archive, state and index.
pub(crate) struct Install {
    pub(crate) dir: tempfile::TempDir,
}

impl Install {
    /// A fresh installation whose sample archive is the repository's bundled one.
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sample = repo_root().join("fixtures/archive");
        let config = format!(
            "[paths]\narchive_dir = \"archive\"\nsample_archive_dir = {sample:?}\nindex_dir = \"index\"\n\
             state_db = \"state.sqlite\"\naudit_log = \"audit.jsonl\"\n\n[crawler]\nmin_delay_ms = 0\n"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Self { dir }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A `tracuu` command using this installation's config file.
    pub(crate) fn tracuu(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tracuu"));
        command
            .arg("--config")
            .arg(self.path("config.toml"))
            .env_remove("TRACUU_BIND")
            .env_remove("TRACUU_ADMIN_TOKEN")
            .env("RUST_LOG", "warn");
        command
    }

    /// Runs `tracuu ARGS…` to completion and checks it succeeded.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let output = self.tracuu().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "tracuu {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts `tracuu serve` on an ephemeral port and waits until it listens.
    pub(crate) fn serve(&self) -> Service {
        self.serve_with(self.tracuu())
    }

    /// Starts `tracuu serve` from a prepared command (extra environment, …).
    pub(crate) fn serve_with(&self, mut command: Command) -> Service {
        let mut child = command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = sender.send(Ok((addr, lines.join("\n"))));
                    lines.clear();
                    continue;
                }
                lines.push(line);
            }
            let _ = sender.send(Err(lines.join("\n")));
        });
        match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok((addr, log))) => Service {
                child,
                base: format!("http://{addr}"),
                startup_log: log,
            },
            other => {
                let _ = child.kill();
                panic!("tracuu serve did not start: {other:?}");
            }
        }
    }
}

/// A running `tracuu serve`, killed when dropped.
pub(crate) struct Service {
    child: Child,
    pub(crate) base: String,
    /// What the service logged before it listened.
    pub(crate) startup_log: String,
}

impl Service {
    /// GETs a path and returns (status, JSON body).
    pub(crate) fn get_json(&self, path_and_query: &str) -> (u16, serde_json::Value) {
        let response = reqwest::blocking::get(format!("{}{path_and_query}", self.base)).unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap())
    }

    /// GETs a path and returns (status, text body).
    pub(crate) fn get_text(&self, path_and_query: &str) -> (u16, String) {
        let response = reqwest::blocking::get(format!("{}{path_and_query}", self.base)).unwrap();
        (response.status().as_u16(), response.text().unwrap())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixture portal, served on 127.0.0.1 by a background runtime for the test's lifetime.
pub(crate) struct Portal {
    pub(crate) server: testkit::FixtureServer,
    _runtime: tokio::runtime::Runtime,
}

impl Portal {
    pub(crate) fn start(root: PathBuf) -> Self {
        Self::start_with(root, testkit::Options::new())
    }

    /// The portal with fault options (latency, 503s...).
    pub(crate) fn start_with(root: PathBuf, options: testkit::Options) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(testkit::FixtureServer::start_with(root, options))
            .unwrap();
        Self {
            server,
            _runtime: runtime,
        }
    }

    pub(crate) fn base_url(&self) -> String {
        self.server.base_url()
    }
}

/// The ids of the hits of a search response.
pub(crate) fn hit_ids(body: &serde_json::Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The closed WARC files (`.warc.gz`) directly in `dir`, sorted.
pub(crate) fn warc_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    files.sort();
    files
}
