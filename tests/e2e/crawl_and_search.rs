//! The spine: crawl the fixture portal, index it, serve it, and query it as users would.

use crate::support::{Install, Portal, hit_ids};

#[test]
fn crawl_index_serve_and_answer_real_queries() {
    let portal = Portal::start(testkit::portal_root());
    let install = Install::new();
    let output = install.run(&["crawl", "--base-url", &portal.base_url(), "--delay-ms", "0"]);
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        install.path("archive").read_dir().unwrap().count() > 0,
        "no archive written: {report}"
    );

    let service = install.serve();

    // A citizen on a phone, without diacritics.
    let (status, body) = service.get_json("/api/search?q=nghi%20quyet%20140");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"][0]["doc_number"], "140/NQ-HĐND", "{body:#}");
    assert_eq!(body["hits"][0]["kind"], "legal");
    assert!(
        body["hits"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://thanuyen.laichau.gov.vn/"),
        "hits carry the original portal URL: {body:#}"
    );
    for key in ["total", "took_ms", "hits"] {
        assert!(body.get(key).is_some(), "missing {key}: {body}");
    }

    // A journalist looking for the seed article.
    let (status, body) = service.get_json(
        "/api/search?q=Than%20Uy%C3%AAn%20ngh%E1%BB%8B%20quy%E1%BA%BFt%20%C4%90%E1%BA%A3ng",
    );
    assert_eq!(status, 200);
    let first_titles: Vec<&str> = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert!(
        first_titles
            .iter()
            .any(|t| t.contains("Đưa nghị quyết của Đảng vào cuộc sống")),
        "seed article not in the top 3: {first_titles:?}"
    );

    // Old and new tone placement find the same documents.
    let (_, old) = service.get_json("/api/search?q=ho%C3%A0&per_page=50"); // hoà
    let (_, new) = service.get_json("/api/search?q=h%C3%B2a&per_page=50"); // hòa
    let (mut old_ids, mut new_ids) = (hit_ids(&old), hit_ids(&new));
    old_ids.sort();
    new_ids.sort();
    assert!(!old_ids.is_empty());
    assert_eq!(old_ids, new_ids);

    // kind=legal filters.
    let (_, body) = service.get_json("/api/search?q=huyen%20than%20uyen&kind=legal&per_page=50");
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["kind"] == "legal"), "{body:#}");

    // A document is reachable by id, and bad input is a 400 with a JSON error, never a 500.
    let id = body["hits"][0]["id"].as_str().unwrap().to_owned();
    let (status, document) = service.get_json(&format!("/api/documents/{id}"));
    assert_eq!(status, 200, "{document}");
    let (status, error) = service.get_json("/api/search?q=x&kind=poem");
    assert_eq!(status, 400, "{error}");
    assert!(error.get("error").is_some(), "{error}");
    let (status, _) = service.get_json("/api/search?q=x&nonsense=1");
    assert_eq!(status, 400);

    // A resolution whose text exists only in its scanned attachment is found by a phrase of
    // the scan, typed with or without diacritics; its attachment says how the text was made.
    for q in [
        "%22h%E1%BB%97%20tr%E1%BB%A3%20xi%20m%C4%83ng%20l%C3%A0m%20%C4%91%C6%B0%E1%BB%9Dng%22", // "hỗ trợ xi măng làm đường"
        "%22nhan%20dan%20cac%20ban%20gop%20ngay%20cong%22", // "nhan dan cac ban gop ngay cong"
    ] {
        let (_, body) = service.get_json(&format!("/api/search?q={q}"));
        assert!(
            hit_ids(&body).contains(&"laws-121".to_string()),
            "{q}: {body:#}"
        );
        // The hit names the scanned file and page its snippet comes from.
        let hit = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == "laws-121")
            .unwrap();
        let source = &hit["source"];
        assert!(
            source["file"].as_str().is_some_and(|f| f.ends_with(".pdf")),
            "{hit:#}"
        );
        assert_eq!(source["page"], 1, "{hit:#}");
        assert_eq!(source["machine_read"], true, "{hit:#}");
        assert_eq!(source["text_source"], "ocr", "{hit:#}");
        assert!(
            hit["snippet"].as_str().unwrap().contains("<mark>"),
            "{hit:#}"
        );
    }
    // The result page says so, labels the text machine-read and links that page of the file.
    let (status, page) = service.get_text("/?q=%22gop+ngay+cong%22");
    assert_eq!(status, 200);
    assert!(page.contains("Trong tệp đính kèm"), "{page}");
    assert!(page.contains(", trang 1</a>"), "{page}");
    assert!(
        page.contains("Văn bản nhận dạng tự động từ bản quét, có thể có lỗi"),
        "{page}"
    );
    let (status, document) = service.get_json("/api/documents/laws-121");
    assert_eq!(status, 200, "{document}");
    let file = &document["attachments"][0];
    assert_eq!(file["text_source"], "ocr", "{document:#}");
    assert_eq!(file["pages"], 1, "{document:#}");
    assert!(
        file["ocr_confidence"].as_u64().is_some_and(|c| c > 50),
        "{document:#}"
    );
    assert!(
        file["text"].as_str().unwrap().contains("Mường Kim"),
        "{document:#}"
    );
    // The page labels the text as machine-read and links the archived scan.
    let (status, page) = service.get_text("/van-ban/laws-121");
    assert_eq!(status, 200);
    assert!(
        page.contains("Văn bản nhận dạng tự động từ bản quét, có thể có lỗi · 1 trang"),
        "{page}"
    );
    assert!(page.contains("Mường Kim"), "{page}");
    assert!(page.contains(r#"href="/luu-tru/"#), "{page}");

    // The page speaks Vietnamese and works without JavaScript.
    let (status, page) = service.get_text("/?q=nghi+quyet+140");
    assert_eq!(status, 200);
    assert!(page.contains("lang=\"vi\""));
    assert!(page.contains("140/NQ-HĐND"));
    let (status, health) = service.get_text("/healthz");
    assert_eq!(status, 200, "{health}");
}

#[test]
fn reindex_rebuilds_the_same_index_from_the_archive_alone() {
    let portal = Portal::start(testkit::portal_root());
    let install = Install::new();
    install.run(&["crawl", "--base-url", &portal.base_url(), "--delay-ms", "0"]);
    let before = search_ids(&install, "nghi quyet");
    drop(portal); // the network is gone
    // Reindex runs no external program (no OCR, no pdftotext): the archive's conversion
    // records hold the text of every attachment.
    let output = install
        .tracuu()
        .arg("reindex")
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(search_ids(&install, "nghi quyet"), before);
    assert!(search_ids(&install, "\"gop ngay cong, cat, soi\"").contains(&"laws-121".to_string()));
}

#[test]
fn serve_builds_an_empty_index_from_the_sample_archive() {
    let install = Install::new();
    let service = install.serve();
    assert!(
        service.startup_log.contains("empty"),
        "it says so: {}",
        service.startup_log
    );
    let (status, body) = service.get_json("/api/search?q=nghi%20quyet%20140");
    assert_eq!(status, 200);
    assert_eq!(body["hits"][0]["doc_number"], "140/NQ-HĐND", "{body:#}");
}

fn search_ids(install: &Install, query: &str) -> Vec<String> {
    let output = install.run(&["search", "--json", "--limit", "100", query]);
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    hit_ids(&body)
}
