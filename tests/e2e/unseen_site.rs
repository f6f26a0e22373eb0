//! Generality: a NukeViet-shaped site in another configuration (multi-language URLs, egov
//! theme, laws 4.3 markup) that the crawler was never tuned on is archived and made searchable.

use crate::support::{Install, Portal};

#[test]
fn another_nukeviet_site_is_archived_and_searchable() {
    let portal = Portal::start(testkit::portal_alt_root());
    let install = Install::new();
    install.run(&["crawl", "--base-url", &portal.base_url(), "--delay-ms", "0"]);

    let output = install.run(&[
        "search", "--json", "--limit", "100", "--kind", "news", "huyen",
    ]);
    let news: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let output = install.run(&[
        "search", "--json", "--limit", "100", "--kind", "legal", "huyen",
    ]);
    let legal: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(news["total"].as_u64().unwrap() >= 5, "news found: {news:#}");
    assert!(
        legal["total"].as_u64().unwrap() >= 5,
        "legal documents found: {legal:#}"
    );
    let numbered = legal["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["doc_number"].is_string())
        .count();
    assert!(
        numbered >= 5,
        "legal documents carry their numbers: {legal:#}"
    );
}
