//! Several portals in one archive: the fixture portal (Than Uyên) and a generated district
//! (Phong Thổ) sharing its document numbers, each on its own loopback port, crawled into one
//! archive; the `site` filter and facet, a number present in both, the site on hits, pages,
//! exports and metrics, and the per-site reindex job.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use crawler::{CrawlerConfig, DefaultSite, SiteEntry, Sites};
use query::{AppState, ServerConfig};
use testkit::FixtureServer;
use testkit::districts::{self, District};

use crate::support::{Answer, get, get_json, send};

const TOKEN: &str = "sites-token";

fn fast(base_url: &str) -> CrawlerConfig {
    CrawlerConfig {
        base_url: base_url.to_owned(),
        min_delay_ms: 0,
        max_delay_ms: 50,
        delay_factor: 0.0,
        jitter: 0.0,
        request_timeout_ms: 5_000,
        connect_timeout_ms: 2_000,
        fetch_attachments: false,
        ocr: false,
        ..CrawlerConfig::default()
    }
}

fn entry(name: &str, title: &str, base_url: &str) -> SiteEntry {
    SiteEntry {
        name: name.to_owned(),
        title: title.to_owned(),
        base_url: base_url.to_owned(),
        public_base_url: None,
        ended: None,
        ended_note: None,
        overrides: serde_json::Map::new(),
    }
}

async fn admin(router: &Router, method: &str, uri: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    send(router, request).await
}

/// Starts a reindex job and waits for it to succeed; returns its counts.
async fn reindex(router: &Router, uri: &str) -> serde_json::Value {
    let started = admin(router, "POST", uri).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let id = started.json()["job_id"].as_u64().unwrap();
    for _ in 0..600 {
        let job = admin(router, "GET", &format!("/api/admin/jobs/{id}"))
            .await
            .json();
        if job["state"] != "running" {
            assert_eq!(job["state"], "succeeded", "{job}");
            return job["counts"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("reindex {uri} did not finish");
}

async fn total(router: &Router, query: &str) -> u64 {
    get_json(router, &format!("/api/search?{query}&exact_total=true")).await["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_districts_in_one_archive_are_searched_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let phongtho = District::new("phongtho", "Phong Thổ");
    let phongtho_root = districts::generate(&dir.path().join("portals"), &phongtho, None).unwrap();
    let thanuyen_server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let phongtho_server = FixtureServer::start(phongtho_root).await.unwrap();
    let sites = Sites::resolve(
        &fast("https://unused.example/"),
        &DefaultSite::default(),
        &[
            entry("thanuyen", "Huyện Than Uyên", &thanuyen_server.base_url()),
            entry("phongtho", "Huyện Phong Thổ", &phongtho_server.base_url()),
        ],
    )
    .unwrap();
    let archive = dir.path().join("archive");
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    let state = AppState::builder(
        ServerConfig {
            admin_token: Some(TOKEN.to_owned()),
            ..ServerConfig::default()
        },
        store,
    )
    .crawl(
        fast("https://unused.example/"),
        archive.clone(),
        dir.path().join("state.sqlite"),
    )
    .sites(sites.clone())
    .build();
    let router = query::router(state);

    // Than Uyên alone first.
    // Each site into its own folder and state database, as `tracuu crawl` does.
    let state_db = dir.path().join("state.sqlite");
    let crawl = |site: &'static str| {
        let (sites, archive, state_db) = (&sites, &archive, &state_db);
        async move {
            let selected = [sites.get(site).unwrap()];
            let outcomes =
                crawler::province::crawl_sites(sites, &selected, archive, state_db, 1, None).await;
            assert!(outcomes[0].result.as_ref().unwrap().finished, "{site}");
        }
    };
    crawl("thanuyen").await;
    reindex(&router, "/api/admin/reindex").await;
    let thanuyen_records = total(&router, "site=thanuyen").await;
    assert!(thanuyen_records >= 80, "{thanuyen_records}");
    assert_eq!(total(&router, "site=phongtho").await, 0);

    // Phong Thổ archived too: a reindex of Than Uyên alone does not bring it in …
    crawl("phongtho").await;
    let counts = reindex(&router, "/api/admin/reindex?site=thanuyen").await;
    assert_eq!(counts["site_records"].as_u64(), Some(thanuyen_records));
    assert_eq!(total(&router, "site=phongtho").await, 0);
    // … its own reindex does, keeping Than Uyên's records as they were.
    let counts = reindex(&router, "/api/admin/reindex?site=phongtho").await;
    assert_eq!(
        counts["other_sites_records"].as_u64(),
        Some(thanuyen_records)
    );
    let phongtho_records = total(&router, "site=phongtho").await;
    assert!(phongtho_records >= 80, "{phongtho_records}");
    assert_eq!(total(&router, "site=thanuyen").await, thanuyen_records);
    assert_eq!(
        total(&router, "site=thanuyen&site=phongtho").await,
        thanuyen_records + phongtho_records
    );
    let unknown = admin(&router, "POST", "/api/admin/reindex?site=sinho").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert!(unknown.body.contains("phongtho"), "{}", unknown.body);

    // A number both districts issued: every match, with its issuer and site.
    let answer = get_json(&router, "/api/search?q=140%2FNQ-H%C4%90ND&facets=true").await;
    let mut matches: Vec<(String, String, String)> = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["number_match"] == true)
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_owned(),
                h["site_title"].as_str().unwrap().to_owned(),
                h["issuer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    matches.sort();
    assert_eq!(matches.len(), 2, "{answer:#}");
    assert!(matches[0].0.starts_with("laws-"), "{matches:?}");
    assert_eq!(matches[1].0, format!("phongtho-{}", matches[0].0));
    assert_eq!(matches[0].1, "Huyện Than Uyên");
    assert_eq!(matches[1].1, "Huyện Phong Thổ");
    assert!(matches[0].2.contains("Than Uyên"), "{matches:?}");
    assert!(matches[1].2.contains("Phong Thổ"), "{matches:?}");
    assert_eq!(
        answer["jump_to"],
        serde_json::Value::Null,
        "two matches: no jump"
    );
    let facet: Vec<(String, String)> = answer["facets"]["site"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        facet.contains(&("phongtho".into(), "Huyện Phong Thổ".into())),
        "{facet:?}"
    );
    assert!(
        facet.contains(&("thanuyen".into(), "Huyện Than Uyên".into())),
        "{facet:?}"
    );

    // site= narrows the number to one district, which the page then opens directly.
    let narrowed = get_json(&router, "/api/search?q=140%2FNQ-H%C4%90ND&site=phongtho").await;
    let sites_seen: Vec<&str> = narrowed["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["site"].as_str().unwrap())
        .collect();
    assert!(!sites_seen.is_empty() && sites_seen.iter().all(|s| *s == "phongtho"));
    assert_eq!(narrowed["jump_to"].as_str(), Some(matches[1].0.as_str()));

    // The page lists both with their district, and offers the site facet.
    let page = get(&router, "/?q=140%2FNQ-H%C4%90ND").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Huyện Than Uyên",
        "Huyện Phong Thổ",
        "Cổng thông tin",
        "site=phongtho",
    ] {
        assert!(page.body.contains(text), "{text} missing from the page");
    }
    let document = get(&router, &format!("/van-ban/{}", matches[1].0)).await;
    assert_eq!(document.status, StatusCode::OK);
    assert!(document.body.contains("Huyện Phong Thổ"));
    let json = get_json(&router, &format!("/api/documents/{}", matches[1].0)).await;
    assert_eq!(json["site"], "phongtho");
    assert_eq!(json["site_title"], "Huyện Phong Thổ");

    // Exports and RSS carry the site.
    let csv = get(&router, "/api/search?q=140%2FNQ-H%C4%90ND&format=csv").await;
    assert!(
        csv.body
            .lines()
            .next()
            .unwrap()
            .ends_with(",site,site_title")
    );
    assert!(
        csv.body.contains(",phongtho,Huyện Phong Thổ"),
        "{}",
        csv.body
    );
    let rss = get(
        &router,
        "/api/search.rss?q=140%2FNQ-H%C4%90ND&site=phongtho",
    )
    .await;
    assert!(
        rss.body.contains("<category>Huyện Phong Thổ</category>"),
        "{}",
        rss.body
    );
    assert!(!rss.body.contains("<category>Huyện Than Uyên</category>"));

    // Per-site metrics.
    let metrics = get(&router, "/metrics").await.body;
    for site in ["thanuyen", "phongtho"] {
        let line = metrics
            .lines()
            .find(|l| l.starts_with(&format!("tracuu_site_captures{{site=\"{site}\"")))
            .unwrap_or_else(|| panic!("no captures line for {site}:\n{metrics}"));
        let count: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(count > 40, "{line}");
    }
    assert!(metrics.contains("tracuu_site_last_crawl_timestamp_seconds{site=\"phongtho\""));
    // No crawl state here: every site counts as up, with nothing unanswered.
    let gauge = |name: &str, site: &str| {
        let start = format!("{name}{{site=\"{site}\"");
        let line = metrics.lines().find(|l| l.starts_with(&start));
        line.and_then(|l| l.rsplit(' ').next()?.parse::<i64>().ok())
    };
    for site in ["thanuyen", "phongtho"] {
        assert_eq!(gauge("tracuu_site_up", site), Some(1), "{metrics}");
        assert_eq!(gauge("tracuu_site_unanswered_urls", site), Some(0));
    }
}
