//! The archive outlives the site, checked as a reader would: the real binary crawls the
//! fixture portal (with its theme's stylesheets, images, font and scripts), the portal is
//! switched off (a tripwire listens on its port), and headless Chromium opens archived pages
//! from tracuu. Every subresource must come from tracuu with status 200 (the browser's own
//! resource timing), stylesheets must apply, an internal link must open another archived
//! page, nothing may reach another origin, and the attachment must download with the SHA-1
//! of its `WARC-Payload-Digest`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, like `browser.rs` (skipped without them
//! unless `TRACUU_REQUIRE_BROWSER=1`).

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use data_encoding::BASE32;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::chrome::{Browser, ChromeDriver, TestResult, check, connect};
use crate::support::{Install, Portal};

/// Longest wait for any one element or navigation.
const WAIT: Duration = Duration::from_secs(15);

#[test]
fn archived_pages_render_from_tracuu_alone_once_the_portal_is_gone() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let install = Install::new();
    let portal = Portal::start(testkit::portal_root());
    let portal_address = portal.base_url();
    install.run(&["crawl", "--base-url", &portal_address, "--delay-ms", "0"]);
    drop(portal);
    // The portal is gone; anything that still tries to reach its address is counted.
    let tripwire = Tripwire::listen(&portal_address);
    let service = install.serve();
    let (_, search) = service.get_json("/api/search?q=nghi+quyet+140&kind=legal");
    let id = search["hits"][0]["id"].as_str().unwrap().to_owned();
    let (_, doc) = service.get_json(&format!("/api/documents/{id}"));
    let attachment_url = doc["attachments"][0]["url"].as_str().unwrap().to_owned();
    let captures: serde_json::Value = reqwest::blocking::Client::new()
        .get(format!("{}/api/captures", service.base))
        .query(&[("url", &attachment_url)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let digest = captures["captures"].as_array().unwrap().last().unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_owned();

    let driver = ChromeDriver::start(&browser.chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = runtime.block_on(async {
        let client = connect(&driver, &browser.chromium).await?;
        let outcome = read_the_archive(&client, &service.base, &id, &digest).await;
        let _ = client.close().await;
        outcome
    });
    if let Err(err) = outcome {
        panic!(
            "replay browser test failed: {err}\nchromedriver log: {}",
            driver.log_tail()
        );
    }
    assert_eq!(
        tripwire.hits(),
        0,
        "requests reached the switched-off portal's address"
    );
}

/// What the page loaded, from `performance.getEntriesByType('resource')`.
const RESOURCES: &str = "return performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus, e.initiatorType]);";

async fn read_the_archive(client: &Client, base: &str, id: &str, digest: &str) -> TestResult {
    client.set_window_size(1280, 900).await?;
    client.goto(&format!("{base}/luu-tru/{id}")).await?;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#tracuu-banner"))
        .await?;
    let first = client.current_url().await?;
    check(
        first.path().starts_with("/luu-tru/2"),
        format!("landed on {first}"),
    )?;
    check_resources(client, base, "the document page").await?;

    // Stylesheets apply: the theme's CSS (with an @import and url() backgrounds) is in effect.
    let applied = client
        .execute(
            "const b = document.querySelector('.section-body');\
             return [document.styleSheets.length, b ? getComputedStyle(b).backgroundImage : ''];",
            vec![],
        )
        .await?;
    let sheets = applied[0].as_u64().unwrap_or(0);
    let background = applied[1].as_str().unwrap_or_default().to_owned();
    check(sheets >= 3, format!("{sheets} stylesheets applied"))?;
    check(
        background.contains(&format!("{base}/luu-tru/")) && background.contains("bg-body.png"),
        format!("theme background not applied from the archive: {background:?}"),
    )?;

    // An internal link opens another archived page.
    let links = client
        .find_all(Locator::Css("#body a[href^='/luu-tru/']"))
        .await?;
    check(
        !links.is_empty(),
        "no internal link rewritten into the archive",
    )?;
    let target = links[0].attr("href").await?.unwrap_or_default();
    links[0].click().await?;
    let started = Instant::now();
    loop {
        let now = client.current_url().await?;
        if now != first && client.find(Locator::Css("#tracuu-banner")).await.is_ok() {
            check(
                now.path().starts_with("/luu-tru/"),
                format!("link {target} led to {now}"),
            )?;
            break;
        }
        check(
            started.elapsed() < WAIT,
            format!("link {target} did not open an archived page"),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check_resources(client, base, "the linked page").await?;

    // The attachment, from the document page's first link, in the browser: same SHA-1.
    client.goto(&format!("{base}/van-ban/{id}")).await?;
    let link = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("a.archived-file"))
        .await?;
    let href = link.attr("href").await?.unwrap_or_default();
    let hex = client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-1', b))\
             .then(h => done(Array.from(new Uint8Array(h)).map(x => x.toString(16).padStart(2, '0')).join('')))\
             .catch(e => done('error: ' + e));",
            vec![json!(href)],
        )
        .await?;
    let hex = hex.as_str().unwrap_or_default();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    check(bytes.len() == 20, format!("download failed: {hex}"))?;
    let sha1 = format!("sha1:{}", BASE32.encode(&bytes));
    check(
        sha1 == digest,
        format!("attachment {href}: {sha1} != WARC {digest}"),
    )?;
    Ok(())
}

/// Every subresource of the current page came from tracuu with 200, and there were some.
async fn check_resources(client: &Client, base: &str, page: &str) -> TestResult {
    let entries = client.execute(RESOURCES, vec![]).await?;
    let entries = entries.as_array().cloned().unwrap_or_default();
    check(
        entries.len() >= 5,
        format!("{page}: only {} subresources: {entries:?}", entries.len()),
    )?;
    let mut kinds = std::collections::BTreeSet::new();
    for entry in &entries {
        let name = entry[0].as_str().unwrap_or_default();
        let status = entry[1].as_u64().unwrap_or(0);
        check(
            name.starts_with(&format!("{base}/luu-tru/")),
            format!("{page}: {name} does not come from the archive"),
        )?;
        check(status == 200, format!("{page}: {name} answered {status}"))?;
        kinds.insert(entry[2].as_str().unwrap_or_default().to_owned());
    }
    check(
        kinds.contains("link") && kinds.contains("img"),
        format!("{page}: loaded {kinds:?}"),
    )?;
    Ok(())
}

/// A listener on the switched-off portal's port that counts connections.
struct Tripwire {
    hits: Arc<AtomicUsize>,
}

impl Tripwire {
    fn listen(base_url: &str) -> Self {
        let address = base_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let hits = Arc::new(AtomicUsize::new(0));
        if let Ok(listener) = TcpListener::bind(&address) {
            let counter = Arc::clone(&hits);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stream.is_ok() {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
        Self { hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
