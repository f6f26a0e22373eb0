//! A real browser on the real service: headless Chromium, driven over WebDriver by
//! chromedriver, searches without diacritics, filters, opens a document, copies its citation,
//! and saves screenshots (desktop and a 390×844 phone) under `target/e2e-artifacts/browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or `CHROME_BIN` / `CHROMEDRIVER` pointing at
//! them). Without them the test is skipped with a message, unless `TRACUU_REQUIRE_BROWSER=1`
//! (set by CI), in which case it fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::support::{Install, Portal, repo_root};

/// Longest wait for any one element or navigation.
const WAIT: Duration = Duration::from_secs(15);

/// The phone viewport of the mobile screenshots.
const PHONE: (u32, u32) = (390, 844);

/// A document number as a citizen types it on a phone: no diacritics.
const QUERY: &str = "nghi quyet 140";

/// Words of that document's title, without diacritics.
const WORDS_QUERY: &str = "nghi quyet mien nhiem";

/// The document that query must find first.
const DOC_NUMBER: &str = "140/NQ-HĐND";

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[test]
fn headless_chromium_searches_filters_opens_a_document_and_copies_its_citation() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let install = Install::new();
    if !has_warc_files(&repo_root().join("fixtures/archive")) {
        // No bundled sample yet: crawl the fixture portal into this installation first.
        let portal = Portal::start(testkit::portal_root());
        install.run(&["crawl", "--base-url", &portal.base_url(), "--delay-ms", "0"]);
    }
    let service = install.serve();
    let driver = ChromeDriver::start(&browser.chromedriver);
    let artifacts = artifacts_dir();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = runtime.block_on(async {
        let client = connect(&driver, &browser.chromium).await?;
        let outcome = walk_through(&client, &service.base, &artifacts).await;
        if outcome.is_err() {
            // Keep what the browser showed when it failed.
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(artifacts.join("failure.png"), png);
            }
        }
        let _ = client.close().await;
        outcome
    });
    if let Err(err) = outcome {
        panic!(
            "browser test failed: {err}\n(screenshots in {})\nchromedriver log: {}",
            artifacts.display(),
            driver.log_tail()
        );
    }
}

/// The user journey, step by step; every check returns an error naming what went wrong.
async fn walk_through(client: &Client, base: &str, artifacts: &Path) -> TestResult {
    client.set_window_size(1280, 900).await?;
    // Layout problems are collected and reported together at the end, after every screenshot.
    let mut problems = Vec::new();

    // The home page: Vietnamese, every input labelled.
    client.goto(&format!("{base}/")).await?;
    let search_box = wait_for(client, "input#q").await?;
    let lang = client
        .find(Locator::Css("html"))
        .await?
        .attr("lang")
        .await?;
    check(
        lang.as_deref() == Some("vi"),
        format!("<html lang> is {lang:?}, expected \"vi\""),
    )?;
    check_labels(client).await?;
    let label = client
        .find(Locator::Css("label[for=q]"))
        .await?
        .text()
        .await?;
    check(!label.trim().is_empty(), "the search box's label is empty")?;
    save_screenshot(client, artifacts, "01-home-desktop.png").await?;

    // A document number typed without diacritics: the service either jumps straight to the
    // document or lists it first.
    search_box.send_keys(QUERY).await?;
    client
        .find(Locator::Css("form.search button[type=submit]"))
        .await?
        .click()
        .await?;
    // The home page lists documents too: wait for the new page before looking at it.
    wait_for_search_page(client).await?;
    let landed = wait_for(client, "ol.hits > li, table.meta-table").await?;
    if landed.tag_name().await?.eq_ignore_ascii_case("table") {
        let rows = metadata_rows(&landed).await?;
        let number = rows
            .iter()
            .find(|(label, _)| label == "Số ký hiệu")
            .map(|(_, v)| v.as_str());
        check(
            number == Some(DOC_NUMBER),
            format!("{QUERY:?} jumped to {number:?}, not {DOC_NUMBER}"),
        )?;
        save_screenshot(client, artifacts, "02-number-query-jumped-desktop.png").await?;
    } else {
        let first = landed.text().await?;
        check(
            first.contains(DOC_NUMBER),
            format!("the first result of {QUERY:?} is not {DOC_NUMBER}: {first:?}"),
        )?;
        save_screenshot(client, artifacts, "02-number-query-results-desktop.png").await?;
    }

    // Words without diacritics: a result list with the resolution first.
    client.goto(&format!("{base}/")).await?;
    let search_box = wait_for(client, "input#q").await?;
    search_box.send_keys(WORDS_QUERY).await?;
    search_box.send_keys(&Key::Enter.to_string()).await?;
    wait_for_search_page(client).await?;
    let first = wait_for(client, "ol.hits > li").await?;
    let first_text = first.text().await?;
    check(
        first_text.contains(DOC_NUMBER),
        format!("the first result of {WORDS_QUERY:?} is not {DOC_NUMBER}: {first_text:?}"),
    )?;
    let typed = client
        .find(Locator::Css("input#q"))
        .await?
        .prop("value")
        .await?;
    check(
        typed.as_deref() == Some(WORDS_QUERY),
        format!("the search box shows {typed:?} on the results"),
    )?;
    let status = client
        .find(Locator::Css("[role=status]"))
        .await?
        .text()
        .await?;
    check(
        status.contains("Tìm thấy"),
        format!("no result count shown: {status:?}"),
    )?;
    let marks = client.find_all(Locator::Css("ol.hits mark")).await?;
    check(!marks.is_empty(), "no highlighted word in the snippets")?;
    let kinds = hit_kinds(client).await?;
    check(
        kinds.iter().any(|k| k.starts_with("Tin tức")),
        format!("{WORDS_QUERY:?} should find news too before filtering: {kinds:?}"),
    )?;
    save_screenshot(client, artifacts, "03-results-desktop.png").await?;

    // Filter with the "Văn bản" facet (kind = legal).
    let facet = client
        .find(Locator::XPath(
            "//aside//h2[normalize-space()='Loại nội dung']/following-sibling::ul//a[normalize-space()='Văn bản']",
        ))
        .await?;
    facet.click().await?;
    wait_until(client, "the URL to carry kind=legal", |c| async move {
        Ok(c.current_url()
            .await?
            .query()
            .unwrap_or_default()
            .contains("kind=legal"))
    })
    .await?;
    let hits = wait_all(client, "ol.hits > li").await?;
    let kinds = hit_kinds(client).await?;
    check(
        kinds.iter().all(|k| k.starts_with("Văn bản")),
        format!("a non-legal hit after the kind filter: {kinds:?}"),
    )?;
    let kind = client
        .find(Locator::Css("select#kind"))
        .await?
        .prop("value")
        .await?;
    check(
        kind.as_deref() == Some("legal"),
        format!("the kind select shows {kind:?} after filtering"),
    )?;
    let first_text = hits[0].text().await?;
    check(
        first_text.contains(DOC_NUMBER),
        format!("{DOC_NUMBER} is no longer first: {first_text:?}"),
    )?;
    save_screenshot(client, artifacts, "04-filtered-desktop.png").await?;
    if let Err(problem) =
        check_in_first_screen(client, "input#q", "the search box with filters applied").await
    {
        problems.push(problem.to_string());
    }
    let results_url = client.current_url().await?;

    // Open the document page from the first hit.
    hits[0].find(Locator::Css("h3 a")).await?.click().await?;
    wait_until(client, "the document page", |c| async move {
        Ok(c.current_url().await?.path().starts_with("/van-ban/"))
    })
    .await?;
    let table = wait_for(client, "table.meta-table").await?;
    let rows = metadata_rows(&table).await?;
    let number = rows
        .iter()
        .find(|(label, _)| label == "Số ký hiệu")
        .map(|(_, v)| v.as_str());
    check(
        number == Some(DOC_NUMBER),
        format!("metadata table: Số ký hiệu is {number:?}; rows: {rows:?}"),
    )?;
    for label in [
        "Loại văn bản",
        "Cơ quan ban hành",
        "Ngày ban hành",
        "Tình trạng",
    ] {
        let value = rows.iter().find(|(l, _)| l == label).map(|(_, v)| v.trim());
        check(
            value.is_some_and(|v| !v.is_empty()),
            format!("metadata table: {label} is {value:?}"),
        )?;
    }
    check_labels(client).await?;
    let citation = client
        .find(Locator::Css("textarea#citation"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    check(
        citation.contains(DOC_NUMBER),
        format!("the citation does not name {DOC_NUMBER}: {citation:?}"),
    )?;
    let permalink = client.find(Locator::Css("a[href*='/van-ban/']")).await;
    check(permalink.is_ok(), "no permalink on the document page")?;
    save_screenshot(client, artifacts, "05-document-desktop.png").await?;

    // Copy the citation: the button appears with JavaScript, says it copied, and the
    // clipboard holds the citation (pasted into a scratch field to read it back).
    let button = wait_for(client, "button#copy-citation").await?;
    wait_until(client, "the copy button to be shown", |_| {
        let button = button.clone();
        async move { Ok(button.is_displayed().await?) }
    })
    .await?;
    button.click().await?;
    wait_until(client, "the copy feedback", |c| async move {
        Ok(c.find(Locator::Css("#copy-status"))
            .await?
            .text()
            .await?
            .contains("Đã sao chép"))
    })
    .await?;
    let pasted = paste_clipboard(client).await?;
    check(
        pasted.trim() == citation.trim(),
        format!("the clipboard holds {pasted:?}, expected the citation {citation:?}"),
    )?;
    save_screenshot(client, artifacts, "06-document-copied-desktop.png").await?;

    // A phone: the same pages fit the screen without sideways scrolling (every page is
    // visited and photographed before the problems are reported).
    client.set_window_size(PHONE.0, PHONE.1).await?;
    let document_url = client.current_url().await?;
    let phone_pages = [
        (
            document_url.as_str().to_owned(),
            "table.meta-table",
            "document page",
            "07-document-mobile.png",
        ),
        (
            results_url.as_str().to_owned(),
            "ol.hits > li",
            "results page",
            "08-results-mobile.png",
        ),
        (
            format!("{base}/"),
            "input#q",
            "home page",
            "09-home-mobile.png",
        ),
    ];
    for (url, ready, page, screenshot) in phone_pages {
        client.goto(&url).await?;
        wait_for(client, ready).await?;
        save_screenshot(client, artifacts, screenshot).await?;
        if let Err(problem) = check_no_sideways_scroll(client, page).await {
            problems.push(problem.to_string());
        }
    }
    check(problems.is_empty(), problems.join("\n"))
}

fn check(ok: bool, message: impl Into<String>) -> TestResult {
    if ok {
        Ok(())
    } else {
        Err(message.into().into())
    }
}

/// Every visible form control has a label (a `<label>`, `aria-label` or `aria-labelledby`).
async fn check_labels(client: &Client) -> TestResult {
    let unlabelled = client
        .execute(
            r#"return Array.from(document.querySelectorAll("input, select, textarea"))
                .filter(e => e.type !== "hidden" && e.type !== "submit" && e.type !== "button")
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                    && !e.getAttribute("aria-labelledby"))
                .map(e => e.outerHTML);"#,
            vec![],
        )
        .await?;
    check(
        unlabelled.as_array().is_some_and(Vec::is_empty),
        format!("form controls without a label: {unlabelled}"),
    )
}

async fn check_no_sideways_scroll(client: &Client, page: &str) -> TestResult {
    let found = client
        .execute(
            r#"var w = window.innerWidth;
               var wide = Array.from(document.querySelectorAll("body *"))
                 .filter(e => e.getBoundingClientRect().right > w + 1)
                 .filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().right > w + 1))
                 .slice(0, 5)
                 .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " "
                   + Math.round(e.getBoundingClientRect().right) + "px: " + (e.textContent || "").slice(0, 60));
               return [document.documentElement.scrollWidth, w, wide];"#,
            vec![],
        )
        .await?;
    let (scroll, inner) = (
        found[0].as_f64().unwrap_or(0.0),
        found[1].as_f64().unwrap_or(0.0),
    );
    check(
        scroll <= inner + 1.0,
        format!(
            "the {page} scrolls sideways on a phone: {scroll}px wide in {inner}px; too wide: {}",
            found[2]
        ),
    )
}

/// The element is visible without scrolling.
async fn check_in_first_screen(client: &Client, css: &str, what: &str) -> TestResult {
    let found = client
        .execute(
            "var r = document.querySelector(arguments[0]).getBoundingClientRect(); \
             return [r.top, r.bottom, window.innerHeight];",
            vec![json!(css)],
        )
        .await?;
    let (top, bottom, height) = (
        found[0].as_f64().unwrap_or(0.0),
        found[1].as_f64().unwrap_or(0.0),
        found[2].as_f64().unwrap_or(0.0),
    );
    check(
        top >= 0.0 && bottom <= height,
        format!(
            "{what} ({css}) is out of the first screen: at {top:.0}..{bottom:.0}px of {height:.0}px"
        ),
    )
}

/// The first line of each hit's metadata (it starts with the kind: "Văn bản" or "Tin tức").
async fn hit_kinds(client: &Client) -> TestResult<Vec<String>> {
    let mut kinds = Vec::new();
    for meta in client
        .find_all(Locator::Css("ol.hits > li > p.meta:first-of-type"))
        .await?
    {
        kinds.push(meta.text().await?);
    }
    check(!kinds.is_empty(), "no hit metadata found")?;
    Ok(kinds)
}

/// The (label, value) rows of the metadata table.
async fn metadata_rows(table: &Element) -> TestResult<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for row in table.find_all(Locator::Css("tr")).await? {
        let label = row.find(Locator::Css("th")).await?.text().await?;
        let value = row.find(Locator::Css("td")).await?.text().await?;
        rows.push((label.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(rows)
}

/// Pastes the clipboard (Ctrl+V) into a scratch textarea added to the page, and returns it.
async fn paste_clipboard(client: &Client) -> TestResult<String> {
    client
        .execute(
            r#"var t = document.createElement("textarea"); t.id = "paste-probe";
               t.setAttribute("aria-label", "probe"); document.body.appendChild(t);"#,
            vec![],
        )
        .await?;
    let probe = client.find(Locator::Id("paste-probe")).await?;
    probe.click().await?;
    probe.send_keys(&(Key::Control + "v")).await?;
    probe.send_keys(&Key::Null.to_string()).await?;
    let value = probe.prop("value").await?.unwrap_or_default();
    client
        .execute(
            r#"document.getElementById("paste-probe").remove();"#,
            vec![],
        )
        .await?;
    Ok(value)
}

async fn wait_for(client: &Client, css: &str) -> TestResult<Element> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .map_err(|err| format!("waiting for {css}: {err}").into())
}

async fn wait_all(client: &Client, css: &str) -> TestResult<Vec<Element>> {
    wait_for(client, css).await?;
    Ok(client.find_all(Locator::Css(css)).await?)
}

/// Waits until the browser has left the home page for a search or a document page.
async fn wait_for_search_page(client: &Client) -> TestResult {
    wait_until(client, "the search to load a new page", |c| async move {
        let url = c.current_url().await?;
        Ok(url.path().starts_with("/van-ban/") || url.query().unwrap_or_default().contains("q="))
    })
    .await
}

/// Polls `ready` every 50 ms until it says yes, for at most [`WAIT`].
async fn wait_until<F, Fut>(client: &Client, what: &str, mut ready: F) -> TestResult
where
    F: FnMut(Client) -> Fut,
    Fut: Future<Output = TestResult<bool>>,
{
    let started = Instant::now();
    let mut last_error = None;
    while started.elapsed() < WAIT {
        match ready(client.clone()).await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(err) => last_error = Some(err.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("timed out waiting for {what} (last error: {last_error:?})").into())
}

async fn save_screenshot(client: &Client, artifacts: &Path, name: &str) -> TestResult {
    let png = client.screenshot().await?;
    check(png.starts_with(b"\x89PNG"), format!("{name} is not a PNG"))?;
    std::fs::write(artifacts.join(name), png)?;
    Ok(())
}

async fn connect(driver: &ChromeDriver, chromium: &Path) -> TestResult<Client> {
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

/// Where the browser and its driver are, or `None` (after saying why) to skip the test.
struct Browser {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Browser {
    fn find() -> Option<Self> {
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
struct ChromeDriver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
    log: PathBuf,
}

impl ChromeDriver {
    fn start(binary: &Path) -> Self {
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
    fn log_tail(&self) -> String {
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

fn has_warc_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".warc.gz"))
    })
}

/// `target/e2e-artifacts/browser/` (under `CARGO_TARGET_DIR` when set), created empty.
fn artifacts_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => repo_root().join(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    };
    let dir = target.join("e2e-artifacts/browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
