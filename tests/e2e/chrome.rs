//! The headless browser shared by the browser tests: finds Debian's `chromium` and
//! `chromedriver` (or `CHROME_BIN` / `CHROMEDRIVER`), skipping with a message unless
//! `TRACUU_REQUIRE_BROWSER=1`, starts chromedriver on a free loopback port and connects a
//! WebDriver client to a fresh headless profile.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// Longest wait for chromedriver to be ready.
const WAIT: Duration = Duration::from_secs(15);

/// A browser test step's result: any error fails the test with its message.
pub(crate) type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// `Ok` when `ok`, else the error `message`.
pub(crate) fn check(ok: bool, message: impl Into<String>) -> TestResult {
    if ok {
        Ok(())
    } else {
        Err(message.into().into())
    }
}

/// Where the browser and its driver are, or `None` (after saying why) to skip the test.
pub(crate) struct Browser {
    pub(crate) chromium: PathBuf,
    pub(crate) chromedriver: PathBuf,
}

impl Browser {
    pub(crate) fn find() -> Option<Self> {
        let chromium = from_env_or_path(
            "CHROME_BIN",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = from_env_or_path("CHROMEDRIVER", &["chromedriver"]);
        match (chromium, chromedriver) {
            (Some(chromium), Some(chromedriver)) => Some(Self {
                chromium,
                chromedriver,
            }),
            (chromium, chromedriver) => {
                let message = format!(
                    "browser test skipped: chromium found: {}, chromedriver found: {} \
                     (install Debian's chromium and chromium-driver, or set CHROME_BIN / CHROMEDRIVER)",
                    chromium.is_some(),
                    chromedriver.is_some()
                );
                if std::env::var("TRACUU_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                    panic!("{message}; TRACUU_REQUIRE_BROWSER=1 makes it required");
                }
                eprintln!("{message}");
                None
            }
        }
    }
}

fn from_env_or_path(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A chromedriver listening on a free loopback port, killed when dropped.
pub(crate) struct ChromeDriver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
    log: PathBuf,
}

impl ChromeDriver {
    pub(crate) fn start(binary: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profile = tempfile::tempdir().unwrap();
        let log = profile.path().join("chromedriver.log");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
        let mut driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
            log,
        };
        let started = Instant::now();
        loop {
            let ready = reqwest::blocking::get(format!("{}/status", driver.url))
                .ok()
                .and_then(|r| r.json::<serde_json::Value>().ok())
                .is_some_and(|body| body["value"]["ready"] == true);
            if ready {
                break driver;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited with {status}: {}", driver.log_tail());
            }
            assert!(
                started.elapsed() < WAIT,
                "chromedriver is not ready after {WAIT:?}: {}",
                driver.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The end of chromedriver's log, for failure messages.
    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| l.len() < 400).collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver client on `driver`, running headless `chromium` in the driver's profile.
pub(crate) async fn connect(driver: &ChromeDriver, chromium: &Path) -> TestResult<Client> {
    let profile = driver
        .profile
        .path()
        .join("chrome")
        .to_string_lossy()
        .into_owned();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--lang=vi-VN", format!("--user-data-dir={profile}"),
            ],
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await?;
    Ok(client)
}
