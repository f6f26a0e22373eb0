//! The archive outlives the site: the real binary replays the bundled sample by URL and time
//! from its first request (no warm-up), under the portal's public URLs, serves attachments
//! from the archive byte for byte, and exports the whole archive as a WACZ package.

use std::io::Read;

use data_encoding::BASE32;
use sha1::Digest as _;

use crate::support::{Install, Service};

const PUBLIC: &str = "https://thanuyen.laichau.gov.vn";

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn first_legal_with_attachment(service: &Service) -> (String, serde_json::Value) {
    let (status, search) = service.get_json("/api/search?q=nghi+quyet+140&kind=legal");
    assert_eq!(status, 200, "{search}");
    let id = search["hits"][0]["id"].as_str().unwrap().to_owned();
    let (status, doc) = service.get_json(&format!("/api/documents/{id}"));
    assert_eq!(status, 200, "{doc}");
    (id, doc)
}

#[test]
fn the_bundled_archive_replays_from_the_first_request_under_public_urls() {
    let install = Install::new();
    let service = install.serve();
    let client = client();
    let (id, doc) = first_legal_with_attachment(&service);

    // `/luu-tru/{id}` redirects at once to the latest capture, addressed by its public URL.
    let answer = client
        .get(format!("{}/luu-tru/{id}", service.base))
        .send()
        .unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/luu-tru/"), "{location}");
    assert!(location.contains(&format!("/{PUBLIC}/")), "{location}");
    let page = client
        .get(format!("{}{location}", service.base))
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'none'"), "{policy}");
    let body = page.text().unwrap();
    assert!(body.contains("tracuu-banner"), "banner");
    assert!(
        !body.contains("127.0.0.1"),
        "the mirror address never shows: {body}"
    );
    assert!(!body.to_lowercase().contains("<script"), "scripts removed");

    // Every capture listed by the API replays.
    let captures = doc["captures"].as_array().unwrap();
    assert!(!captures.is_empty(), "{doc}");
    let replay_url = captures[0]["replay_url"].as_str().unwrap();
    let status = client
        .get(format!("{}{replay_url}", service.base))
        .send()
        .unwrap()
        .status();
    assert_eq!(status, 200, "{replay_url}");

    // The attachment comes from the archive, byte for byte, and is linked first.
    let attachment = &doc["attachments"][0];
    let original = attachment["url"].as_str().unwrap();
    let archived = attachment["archived_url"]
        .as_str()
        .unwrap_or_else(|| panic!("{doc}"));
    let download = client
        .get(format!("{}{archived}", service.base))
        .send()
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let bytes = download.bytes().unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let listed: serde_json::Value = client
        .get(format!("{}/api/captures", service.base))
        .query(&[("url", original)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let digest = listed["captures"].as_array().unwrap().last().unwrap()["digest"].clone();
    let sha1 = format!("sha1:{}", BASE32.encode(&sha1::Sha1::digest(&bytes)));
    assert_eq!(digest, sha1.as_str(), "download = WARC payload");
    let (_, html) = service.get_text(&format!("/van-ban/{id}"));
    let archived_link = html
        .find(&format!("href=\"{}\"", archived.replace('&', "&amp;")))
        .expect("archived link");
    let original_link = html.find(&format!("href=\"{}\"", original.replace('&', "&amp;")));
    assert!(
        original_link.is_none_or(|o| archived_link < o),
        "archived file first"
    );

    // pywb's CDX API answers for the page.
    let cdx = client
        .get(format!(
            "{}/cdx?url={}&output=json",
            service.base,
            doc["url"].as_str().unwrap()
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let first: serde_json::Value = serde_json::from_str(cdx.lines().next().unwrap()).unwrap();
    assert!(
        first["filename"].as_str().unwrap().ends_with(".warc.gz"),
        "{cdx}"
    );
}

#[test]
fn the_archive_exports_as_a_wacz_package() {
    let install = Install::new();
    let out = install.path("than-uyen.wacz");
    let output = install.run(&["export", "--wacz", out.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("WACZ 1.1.1"), "{summary}");

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut members = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).unwrap();
        let name = member.name().unwrap().into_owned();
        assert_eq!(
            member.compression(),
            zip::CompressionMethod::Stored,
            "{name}"
        );
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        members.insert(name, bytes);
    }
    let package: serde_json::Value = serde_json::from_slice(&members["datapackage.json"]).unwrap();
    assert_eq!(package["wacz_version"], "1.1.1");
    assert_eq!(package["profile"], "data-package");
    let resources = package["resources"].as_array().unwrap();
    assert_eq!(
        resources.len(),
        members.len() - 2,
        "every member but the package files"
    );
    for resource in resources {
        let bytes = &members[resource["path"].as_str().unwrap()];
        let hash = format!("sha256:{:x}", sha2::Sha256::digest(bytes));
        assert_eq!(resource["hash"], hash.as_str(), "{resource}");
        assert_eq!(resource["bytes"], bytes.len());
    }
    assert!(
        members
            .keys()
            .any(|k| k.starts_with("archive/") && k.ends_with(".warc.gz"))
    );

    let mut index = String::new();
    flate2::read::GzDecoder::new(&members["indexes/index.cdx.gz"][..])
        .read_to_string(&mut index)
        .unwrap();
    let lines: Vec<&str> = index.lines().collect();
    assert!(lines.len() > 100, "{} CDXJ lines", lines.len());
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "CDXJ sorted");

    let pages = String::from_utf8(members["pages/pages.jsonl"].clone()).unwrap();
    let mut pages = pages
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap());
    assert_eq!(pages.next().unwrap()["format"], "json-pages-1.0");
    let pages: Vec<serde_json::Value> = pages.collect();
    assert!(pages.len() > 50, "{} pages", pages.len());
    let decision = pages
        .iter()
        .find(|p| {
            p["title"]
                .as_str()
                .is_some_and(|t| t.contains("Nghị quyết"))
        })
        .expect("a resolution among the pages");
    assert!(decision["text"].as_str().unwrap().len() > 100, "{decision}");
    assert!(decision["ts"].as_str().unwrap().ends_with('Z'));
}
