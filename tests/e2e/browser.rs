//! A real browser on the real service: headless Chromium, driven over WebDriver by
//! chromedriver, searches without diacritics, filters, opens a document, copies its citation;
//! on a 412-pixel phone finds the first result on the first screen; at 320 pixels nothing
//! scrolls sideways; uses the search box, its suggestions and the filters by keyboard alone
//! (focus visible, in document order); runs the axe-core audit (WCAG 2.1 A and AA rules: no
//! serious or critical violation) on the home page, a result page with its filters open, a
//! document page and the archive's 404 page, at desktop and phone widths; and saves
//! screenshots (desktop and phone) under `target/e2e-artifacts/browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or `CHROME_BIN` / `CHROMEDRIVER` pointing at
//! them), and npm's `axe-core` in `.ci/npm/node_modules/axe-core/` (or `AXE_CORE_JS` naming
//! `axe.min.js`), both installed by `.ci/run`. Without them the test (or its audit) is skipped
//! with a message, unless `TRACUU_REQUIRE_BROWSER=1` (set by CI), in which case it fails.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::chrome::{Browser, ChromeDriver, TestResult, check, connect};
use crate::support::{Install, Portal, repo_root};

/// Longest wait for any one element or navigation.
const WAIT: Duration = Duration::from_secs(15);

/// The phone viewport of the mobile screenshots (a common Android phone).
const PHONE: (u32, u32) = (412, 915);

/// The narrowest phone the page must fit without sideways scrolling.
const NARROW: (u32, u32) = (320, 640);

/// The desktop window.
const DESKTOP: (u32, u32) = (1280, 900);

/// What a citizen starts typing for the suggestions: a document number's beginning, no marks.
const PREFIX: &str = "nghi quyet 14";

/// A document number as a citizen types it on a phone: no diacritics.
const QUERY: &str = "nghi quyet 140";

/// Words of that document's title, without diacritics.
const WORDS_QUERY: &str = "nghi quyet mien nhiem";

/// The document that query must find first.
const DOC_NUMBER: &str = "140/NQ-HĐND";

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
    let axe = axe_source();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = runtime.block_on(async {
        let client = connect(&driver, &browser.chromium).await?;
        let mut outcome = walk_through(&client, &service.base, &artifacts).await;
        if outcome.is_ok() {
            outcome = keyboard_only(&client, &service.base, &artifacts).await;
        }
        if outcome.is_ok() {
            outcome = phone_first(&client, &service.base, &artifacts).await;
        }
        if outcome.is_ok() {
            outcome = print_view(&client, &service.base, &artifacts).await;
        }
        if outcome.is_ok()
            && let Some(axe) = &axe
        {
            outcome = audit(&client, &service.base, &artifacts, axe).await;
        }
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
    client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
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

    // Filter with the "Văn bản" facet (kind = legal), in the "Bộ lọc" disclosure.
    client
        .find(Locator::Css("details.filters > summary"))
        .await?
        .click()
        .await?;
    let facet = client
        .find(Locator::XPath(
            "//details[contains(@class,'filters')]//h2[normalize-space()='Loại nội dung']/following-sibling::ul//a[normalize-space()='Văn bản']",
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

/// Keyboard alone: Tab from the top reaches the search box after the skip link and the site
/// name; typing a number's beginning opens the suggestions, arrows choose the document, Enter
/// opens it. On a result page, Tab reaches "Bộ lọc", Enter opens it, Tab walks to the "Văn bản"
/// facet and Enter applies it. Every focused element shows its focus, in document order.
async fn keyboard_only(client: &Client, base: &str, artifacts: &Path) -> TestResult {
    client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    client.goto(&format!("{base}/")).await?;
    wait_for(client, "input#q").await?;
    let mut order = Vec::new();
    for _ in 0..5 {
        press(client, Key::Tab).await?;
        let focus = focused(client).await?;
        let is_box = focus.id == "q";
        order.push(focus);
        if is_box {
            break;
        }
    }
    check(
        order.len() == 3 && order[0].class.contains("skip") && order[2].id == "q",
        format!(
            "Tab order from the top: {order:?}, expected the skip link, the site name, the search box"
        ),
    )?;
    check_focus_walk(&order)?;

    // Suggestions by keyboard.
    type_keys(client, PREFIX).await?;
    wait_until(client, "the suggestions to open", |c| async move {
        let open = c
            .execute(
                r#"var q = document.getElementById("q"), l = document.getElementById("q-goi-y");
                   return !!l && !l.hidden && q.getAttribute("aria-expanded") === "true"
                     && l.querySelectorAll("[role=option]").length > 0;"#,
                vec![],
            )
            .await?;
        Ok(open == json!(true))
    })
    .await?;
    let options = client
        .execute(
            r##"return Array.from(document.querySelectorAll("#q-goi-y [role=option]")).map(o => o.textContent);"##,
            vec![],
        )
        .await?;
    check(
        options.as_array().is_some_and(|o| {
            o.len() <= 8
                && o.iter()
                    .any(|t| t.as_str().unwrap_or("").contains(DOC_NUMBER))
        }),
        format!("the suggestions for {PREFIX:?} do not offer {DOC_NUMBER}: {options}"),
    )?;
    save_screenshot(client, artifacts, "10-suggestions-desktop.png").await?;
    let mut chosen = String::new();
    for _ in 0..8 {
        press(client, Key::Down).await?;
        let active = client
            .execute(
                r#"var q = document.getElementById("q"), id = q.getAttribute("aria-activedescendant");
                   var o = id && document.getElementById(id);
                   return [document.activeElement === q, o ? o.getAttribute("aria-selected") : null, o ? o.textContent : ""];"#,
                vec![],
            )
            .await?;
        check(
            active[0] == json!(true) && active[1] == json!("true"),
            format!(
                "arrow keys: focus must stay in the box with the option marked selected: {active}"
            ),
        )?;
        chosen = active[2].as_str().unwrap_or_default().to_owned();
        if chosen.contains(DOC_NUMBER) {
            break;
        }
    }
    check(
        chosen.contains(DOC_NUMBER),
        format!("no option for {DOC_NUMBER} reached with the arrows (last: {chosen:?})"),
    )?;
    save_screenshot(client, artifacts, "11-suggestion-chosen-desktop.png").await?;
    press(client, Key::Enter).await?;
    wait_until(client, "the chosen document's page", |c| async move {
        Ok(c.current_url().await?.path().starts_with("/van-ban/"))
    })
    .await?;
    let table = wait_for(client, "table.meta-table").await?;
    let rows = metadata_rows(&table).await?;
    check(
        rows.iter()
            .any(|(label, value)| label == "Số ký hiệu" && value == DOC_NUMBER),
        format!("the suggestion opened another document: {rows:?}"),
    )?;

    // Filters by keyboard.
    client
        .goto(&format!("{base}/?q={}", WORDS_QUERY.replace(' ', "+")))
        .await?;
    wait_for(client, "ol.hits > li").await?;
    let mut walk = Vec::new();
    let mut opened = false;
    for _ in 0..120 {
        press(client, Key::Tab).await?;
        let focus = focused(client).await?;
        let (summary, facet) = (
            focus.tag == "summary",
            focus.in_filters && focus.tag == "a" && focus.text == "Văn bản",
        );
        walk.push(focus);
        if summary && !opened {
            press(client, Key::Enter).await?;
            opened = true;
            let open = client
                .execute(
                    r#"return document.querySelector("details.filters").open;"#,
                    vec![],
                )
                .await?;
            check(
                open == json!(true),
                "Enter on “Bộ lọc” did not open the filters",
            )?;
        }
        if facet {
            break;
        }
    }
    check_focus_walk(&walk)?;
    check(
        walk.last()
            .is_some_and(|f| f.in_filters && f.text == "Văn bản"),
        format!("Tab never reached the “Văn bản” filter: {walk:?}"),
    )?;
    save_screenshot(client, artifacts, "12-filters-by-keyboard-desktop.png").await?;
    press(client, Key::Enter).await?;
    wait_until(client, "the keyboard filter to apply", |c| async move {
        Ok(c.current_url()
            .await?
            .query()
            .unwrap_or_default()
            .contains("kind=legal"))
    })
    .await
}

/// Phone first: at 412 px the first result starts on the first screen (with the filters
/// folded above it); at 320 px no page scrolls sideways, filters open or not.
async fn phone_first(client: &Client, base: &str, artifacts: &Path) -> TestResult {
    let results = format!("{base}/?q={}", WORDS_QUERY.replace(' ', "+"));
    client.set_window_size(PHONE.0, PHONE.1).await?;
    client.goto(&results).await?;
    wait_for(client, "ol.hits > li").await?;
    save_screenshot(client, artifacts, "13-results-412.png").await?;
    let found = client
        .execute(
            r#"var r = document.querySelector("ol.hits > li").getBoundingClientRect();
               return [r.top, window.innerHeight, window.innerWidth];"#,
            vec![],
        )
        .await?;
    let (top, height, width) = (
        found[0].as_f64().unwrap_or(f64::MAX),
        found[1].as_f64().unwrap_or(0.0),
        found[2].as_f64().unwrap_or(0.0),
    );
    check(
        (width - f64::from(PHONE.0)).abs() < 1.0,
        format!("the phone viewport is {width}px wide, not {}", PHONE.0),
    )?;
    check(
        top >= 0.0 && top + 40.0 <= height,
        format!(
            "at {width}px the first result starts at {top:.0}px, below the first screen of {height:.0}px"
        ),
    )?;
    open_filters(client).await?;
    save_screenshot(client, artifacts, "14-results-filters-open-412.png").await?;

    // The timeline of a query spanning years: every year on the axis, one bar per year with
    // results, the list beside it saying the same.
    client.goto(&format!("{base}/?q=ke+hoach")).await?;
    wait_for(client, "ol.hits > li").await?;
    open_filters(client).await?;
    client
        .execute(
            r#"document.getElementById("theo-nam").scrollIntoView();"#,
            vec![],
        )
        .await?;
    save_screenshot(client, artifacts, "18-timeline-412.png").await?;
    let axis = client
        .execute(
            r#"return [Array.from(document.querySelectorAll("ul.years li")).map(li => li.textContent),
                       document.querySelectorAll("svg.timeline rect.bar").length];"#,
            vec![],
        )
        .await?;
    let items: Vec<(i32, u64)> = axis[0]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let (year, rest) = item.as_str()?.split_once(": ")?;
            Some((year.parse().ok()?, rest.split(' ').next()?.parse().ok()?))
        })
        .collect();
    let continuous = items.windows(2).all(|pair| pair[1].0 == pair[0].0 + 1);
    let with_results = items.iter().filter(|(_, count)| *count > 0).count();
    check(
        items.len() > 1 && continuous && axis[1] == json!(with_results),
        format!(
            "the timeline of “ke hoach” is not a continuous year axis with one bar per year with results: {axis}"
        ),
    )?;

    let mut problems = Vec::new();
    client.set_window_size(NARROW.0, NARROW.1).await?;
    let document = format!("{base}/van-ban/laws-88");
    for (url, ready, filters, page, screenshot) in [
        (
            format!("{base}/"),
            "input#q",
            false,
            "home page",
            "15-home-320.png",
        ),
        (
            results.clone(),
            "ol.hits > li",
            true,
            "results page with filters open",
            "16-results-filters-open-320.png",
        ),
        (
            document,
            "h1",
            false,
            "document page",
            "17-document-320.png",
        ),
    ] {
        client.goto(&url).await?;
        wait_for(client, ready).await?;
        if filters {
            open_filters(client).await?;
        }
        save_screenshot(client, artifacts, screenshot).await?;
        if let Err(problem) = check_no_sideways_scroll(client, page).await {
            problems.push(problem.to_string());
        }
    }
    check(problems.is_empty(), problems.join("\n"))
}

/// The document page under its print stylesheet (its `@media print` rules applied to the
/// screen): navigation, buttons and the citation box gone; metadata, text, the citation as
/// text and the archive address kept.
async fn print_view(client: &Client, base: &str, artifacts: &Path) -> TestResult {
    client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    client.goto(&format!("{base}/van-ban/laws-88")).await?;
    wait_for(client, "table.meta-table").await?;
    let applied = client
        .execute(
            r#"var sheet = Array.from(document.styleSheets).find(s => (s.href || "").includes("/static/"));
               var rules = [];
               Array.from(sheet.cssRules).forEach(r => {
                 if (r.media && Array.from(r.media).includes("print")) {
                   Array.from(r.cssRules).forEach(inner => rules.push(inner.cssText));
                 }
               });
               var added = 0;
               rules.forEach(rule => { try { sheet.insertRule(rule, sheet.cssRules.length); added++; } catch (e) {} });
               return added;"#,
            vec![],
        )
        .await?;
    check(
        applied.as_u64().unwrap_or(0) > 5,
        format!("no print rules found in the stylesheet ({applied})"),
    )?;
    save_screenshot(client, artifacts, "19-document-print-styles.png").await?;
    let shown = client
        .execute(
            r##"var seen = s => { var e = document.querySelector(s); return !!e && getComputedStyle(e).display !== "none"; };
               return { hidden: ["header.top", "footer", "p.back", "#copy-citation", "textarea#citation", "a.skip"].filter(seen),
                        missing: ["table.meta-table", "ul.sources", "p.print-only"].filter(s => !seen(s)),
                        citation: (document.querySelector("p.print-only") || {}).textContent || "",
                        archive: (document.querySelector("ul.sources") || {}).textContent || "" };"##,
            vec![],
        )
        .await?;
    check(
        shown["hidden"] == json!([]) && shown["missing"] == json!([]),
        format!("print view: {shown}"),
    )?;
    check(
        shown["citation"]
            .as_str()
            .unwrap_or_default()
            .contains(DOC_NUMBER)
            && shown["archive"]
                .as_str()
                .unwrap_or_default()
                .contains("/luu-tru/laws-88"),
        format!("the printed page lacks the citation or the archive address: {shown}"),
    )
}

/// The axe-core audit (WCAG 2.0/2.1 A and AA rules) of each kind of page at desktop and phone
/// widths: no violation of impact "serious" or "critical".
async fn audit(client: &Client, base: &str, artifacts: &Path, axe: &str) -> TestResult {
    let results = format!("{base}/?q={}", WORDS_QUERY.replace(' ', "+"));
    let pages = [
        ("home", format!("{base}/"), "input#q", false),
        ("results-filters-open", results, "ol.hits > li", true),
        (
            "document",
            format!("{base}/van-ban/laws-88"),
            "table.meta-table",
            false,
        ),
        (
            "archive-404",
            format!("{base}/luu-tru/khong-co-ban-nay"),
            "h1",
            false,
        ),
    ];
    let mut problems = Vec::new();
    let mut audited = 0;
    for (width, height, size) in [(DESKTOP.0, DESKTOP.1, "desktop"), (PHONE.0, PHONE.1, "412")] {
        client.set_window_size(width, height).await?;
        for (name, url, ready, filters) in &pages {
            client.goto(url).await?;
            wait_for(client, ready).await?;
            if *filters {
                open_filters(client).await?;
            }
            save_screenshot(client, artifacts, &format!("axe-{name}-{size}.png")).await?;
            let loaded = client
                .execute(
                    &format!("{axe}\n;if (typeof axe !== 'undefined') {{ window.axe = axe; }}\nreturn typeof window.axe;"),
                    vec![],
                )
                .await?;
            check(
                loaded == json!("object"),
                format!("axe-core did not load: {loaded}"),
            )?;
            let found = client
                .execute_async(
                    r#"var done = arguments[arguments.length - 1];
                       window.axe.run(document, {
                         runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
                         resultTypes: ["violations"]
                       }).then(function (r) {
                         done({ rules: r.passes.length + r.violations.length + r.incomplete.length,
                           violations: r.violations.map(function (v) {
                             return { id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }) };
                           }) });
                       }, function (e) { done({ error: String(e) }); });"#,
                    vec![],
                )
                .await?;
            check(
                found.get("error").is_none(),
                format!("axe-core failed on {name}: {found}"),
            )?;
            check(
                found["rules"].as_u64().unwrap_or(0) > 10,
                format!("axe-core ran almost no rule on {name}: {found}"),
            )?;
            audited += 1;
            for violation in found["violations"].as_array().into_iter().flatten() {
                let impact = violation["impact"].as_str().unwrap_or_default();
                let line = format!(
                    "{name} at {size}: {impact} {} ({}) on {}",
                    violation["id"], violation["help"], violation["nodes"]
                );
                eprintln!("axe: {line}");
                if matches!(impact, "serious" | "critical") {
                    problems.push(line);
                }
            }
        }
    }
    eprintln!("axe-core audited {audited} page views");
    check(
        problems.is_empty(),
        format!(
            "axe-core found serious or critical WCAG 2.1 AA violations:\n{}",
            problems.join("\n")
        ),
    )
}

/// Opens the "Bộ lọc" disclosure of a result page.
async fn open_filters(client: &Client) -> TestResult {
    client
        .execute(
            r#"document.querySelector("details.filters").open = true;"#,
            vec![],
        )
        .await?;
    Ok(())
}

/// What has the keyboard focus.
#[derive(Debug)]
struct Focus {
    tag: String,
    id: String,
    class: String,
    text: String,
    /// Comes after the previously focused element in document order.
    after_previous: bool,
    /// The focus is drawn (an outline of at least 2 px).
    visible: bool,
    in_filters: bool,
}

async fn focused(client: &Client) -> TestResult<Focus> {
    let found = client
        .execute(
            r#"var e = document.activeElement, p = window.__lastFocus;
               var after = !p || !document.contains(p) || !!(p.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
               window.__lastFocus = e;
               var s = getComputedStyle(e);
               return [e.tagName.toLowerCase(), e.id || "", String(e.className || ""),
                 (e.textContent || "").trim().slice(0, 60), after,
                 s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
                 !!e.closest("details.filters")];"#,
            vec![],
        )
        .await?;
    let text = |i: usize| found[i].as_str().unwrap_or_default().to_owned();
    Ok(Focus {
        tag: text(0),
        id: text(1),
        class: text(2),
        text: text(3),
        after_previous: found[4] == json!(true),
        visible: found[5] == json!(true),
        in_filters: found[6] == json!(true),
    })
}

/// Every step of a Tab walk showed its focus and moved forward in the document.
fn check_focus_walk(walk: &[Focus]) -> TestResult {
    let hidden: Vec<_> = walk.iter().filter(|f| !f.visible).collect();
    check(
        hidden.is_empty(),
        format!("focus not visible on: {hidden:?}"),
    )?;
    let backwards: Vec<_> = walk.iter().filter(|f| !f.after_previous).collect();
    check(
        backwards.is_empty(),
        format!("Tab moved backwards in the page to: {backwards:?}"),
    )
}

/// Presses and releases one key (sent to whatever has the focus).
async fn press(client: &Client, key: Key) -> TestResult {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    client.perform_actions(keys).await?;
    Ok(())
}

/// Types text into whatever has the focus.
async fn type_keys(client: &Client, text: &str) -> TestResult {
    let mut keys = KeyActions::new("keyboard".to_owned());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    client.perform_actions(keys).await?;
    Ok(())
}

/// The axe-core script (`AXE_CORE_JS`, else `.ci/npm/node_modules/axe-core/axe.min.js`), or
/// `None` (after saying why) to skip the audit.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/npm/node_modules/axe-core/axe.min.js"));
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(err) => {
            let message = format!(
                "accessibility audit skipped: cannot read axe-core at {} ({err}); \
                 install it with `npm install --prefix .ci/npm axe-core@4` (as .ci/run does) or set AXE_CORE_JS",
                path.display()
            );
            if std::env::var("TRACUU_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("{message}; TRACUU_REQUIRE_BROWSER=1 makes it required");
            }
            eprintln!("{message}");
            None
        }
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
