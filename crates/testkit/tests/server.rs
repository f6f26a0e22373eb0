//! Routing tests of the fixture server: real HTTP over 127.0.0.1 against the checked-in portal.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER, SET_COOKIE,
};
use testkit::server::{LEGACY_PAGE_SENTENCE, LegacyLabel};
use testkit::{FixtureServer, FloodStyle, Options, portal_alt_root, portal_root};

const SEED: &str = "/chinh-tri/than-uyen-dua-nghi-quyet-cua-dang-vao-cuoc-song-bai-3-2150.html";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("testkit-test")
        .build()
        .expect("client")
}

async fn get(server: &FixtureServer, path: &str) -> reqwest::Response {
    client()
        .get(format!(
            "{}{}",
            server.base_url(),
            path.trim_start_matches('/')
        ))
        .send()
        .await
        .expect("request")
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn article_is_served_with_nukeviet_headers() {
    let server = FixtureServer::start(portal_root()).await.expect("start");
    let resp = get(&server, SEED).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers();
    assert_eq!(h[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(h.get(ETAG).is_none(), "HTML has no ETag");
    assert!(h.get(LAST_MODIFIED).is_some());
    let cookie = h[SET_COOKIE].to_str().expect("cookie");
    assert!(cookie.starts_with("nv4c_T7uQx_sess="), "{cookie}");
    let body = resp.text().await.expect("body");
    assert!(body.contains("Than Uyên&#x3A; Đưa nghị quyết của Đảng vào cuộc sống &#40;Bài 3&#41;"));
    assert!(body.contains("<span class=\"h5\">Thứ ba - 29/08/2023 09:18</span>"));
    assert!(body.contains("nv_func_name=\"detail\""));
    assert!(body.contains("Quyết định số 1285/QĐ-UBND"));
    assert!(body.contains("id=\"timeoutsess\""));
    assert!(body.contains("2023-08-29+0709:18:00"));
    let log = server.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, SEED);
    assert_eq!(log[0].status, 200);
    assert_eq!(log[0].user_agent.as_deref(), Some("testkit-test"));
}

#[tokio::test]
async fn nukeviet_redirect_rules() {
    let server = FixtureServer::start(portal_root()).await.expect("start");
    // Trailing slash.
    let resp = get(&server, "/chinh-tri").await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&resp), "/chinh-tri/");
    // Wrong category -> canonical.
    let resp = get(
        &server,
        "/kinh-te/than-uyen-dua-nghi-quyet-cua-dang-vao-cuoc-song-bai-3-2150.html",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&resp), SEED);
    // Tracking parameters on an article: 200.
    let resp = get(&server, &format!("{SEED}?utm_source=zalo")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Listing with extra parameters: 301 to the clean URL.
    let resp = get(&server, "/chinh-tri/?utm_source=zalo").await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&resp), "/chinh-tri/");
    // Page beyond the end: 301 to page 1; page 2 exists.
    assert_eq!(
        get(&server, "/chinh-tri/page-2/").await.status(),
        StatusCode::OK
    );
    let resp = get(&server, "/chinh-tri/page-40/").await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&resp), "/chinh-tri/");
    // Laws type pagination by query.
    assert_eq!(
        get(&server, "/laws/Nghi-quyet/?page=2").await.status(),
        StatusCode::OK
    );
    let resp = get(&server, "/laws/Nghi-quyet/?page=99").await;
    assert_eq!(location(&resp), "/laws/Nghi-quyet/");
    // Unknown laws document: 301 to the laws home.
    let resp = get(&server, "/laws/detail/Khong-ton-tai-9999/").await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&resp), "/laws/");
    // Unknown article: 404 info page with a meta refresh.
    let resp = get(&server, "/chinh-tri/khong-co-bai-nay-99999.html").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(
        resp.text()
            .await
            .expect("body")
            .contains("http-equiv=\"Refresh\"")
    );
    // External source: 302 off-site.
    let resp = get(
        &server,
        "/tin-tuc-su-kien/than-uyen-khai-mac-tuan-le-du-lich-sac-mau-muong-than-nam-2023-2156.html",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(location(&resp).starts_with("https://baolaichau.vn/"));
    // Case mismatch: 301.
    let resp = get(&server, "/laws/nghi-quyet/").await;
    assert_eq!(location(&resp), "/laws/Nghi-quyet/");
}

#[tokio::test]
async fn query_form_returns_the_same_content() {
    let server = FixtureServer::start(portal_root()).await.expect("start");
    let friendly = get(&server, SEED).await.text().await.expect("body");
    let resp = get(
        &server,
        &format!(
            "/index.php?language=vi&nv=news&op={}",
            SEED.trim_start_matches('/')
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.expect("body"), friendly);
    let resp = get(&server, "/index.php?language=vi&nv=laws&op=Nghi-quyet").await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn downloads_and_feeds() {
    let server = FixtureServer::start(portal_root()).await.expect("start");
    let manifest = server.manifest();
    let doc = manifest.laws_ids.get(&88).expect("140/NQ-HĐND").clone();
    let resp = get(&server, &format!("{doc}?download=1&id=0")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[CONTENT_TYPE], "application/pdf");
    assert!(
        resp.headers()[CONTENT_DISPOSITION]
            .to_str()
            .expect("cd")
            .contains("140-NQ-HDND.pdf")
    );
    assert!(resp.bytes().await.expect("pdf").starts_with(b"%PDF-1.4"));
    assert_eq!(
        get(&server, &format!("{doc}?download=1&id=7"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let resp = get(&server, "/sitemap.xml").await;
    let etag = resp.headers()[ETAG].to_str().expect("etag").to_string();
    let modified = resp.headers()[LAST_MODIFIED]
        .to_str()
        .expect("lm")
        .to_string();
    assert!(
        resp.text()
            .await
            .expect("xml")
            .contains("/sitemap-vi.laws.xml")
    );
    let resp = client()
        .get(format!("{}sitemap.xml", server.base_url()))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("conditional");
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let resp = client()
        .get(format!("{}rss/", server.base_url()))
        .header(IF_MODIFIED_SINCE, "Mon, 01 Jan 2001 00:00:00 GMT")
        .send()
        .await
        .expect("rss");
    assert_eq!(resp.status(), StatusCode::OK);
    let rss = resp.text().await.expect("rss");
    assert!(rss.contains("news_2150"));
    assert!(rss.contains("Tue, 29 Aug 2023 02:08:00 GMT"));
    assert!(!modified.is_empty());
    let laws_rss = get(&server, "/laws/rss/").await.text().await.expect("rss");
    assert!(laws_rss.contains("[140&#x002F;NQ-HĐND]"));
    let robots = get(&server, "/robots.txt")
        .await
        .text()
        .await
        .expect("robots");
    assert!(robots.contains("Sitemap: https://thanuyen.laichau.gov.vn/sitemap.xml"));
}

#[tokio::test]
async fn flood_blocker_answers_429_then_recovers() {
    let opts = Options::new().flood(3, Duration::from_millis(600), FloodStyle::Status429);
    let server = FixtureServer::start_with(portal_root(), opts)
        .await
        .expect("start");
    for _ in 0..3 {
        assert_eq!(get(&server, "/").await.status(), StatusCode::OK);
    }
    let resp = get(&server, "/").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()[RETRY_AFTER], "1");
    assert!(resp.text().await.expect("body").contains("Hãy đợi"));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(get(&server, "/").await.status(), StatusCode::OK);

    let opts = Options::new().flood(1, Duration::from_secs(60), FloodStyle::Status200);
    let server = FixtureServer::start_with(portal_root(), opts)
        .await
        .expect("start");
    assert_eq!(get(&server, "/").await.status(), StatusCode::OK);
    let resp = get(&server, "/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get(RETRY_AFTER).is_none());
    assert!(
        resp.text()
            .await
            .expect("body")
            .contains("<title>Hãy đợi...</title>")
    );
}

#[tokio::test]
async fn faults_503_slow_loop_oversized_legacy() {
    let opts = Options::new()
        .fail_503_times("/laws/", 2, Some(3))
        .slow("/kinh-te/", Duration::from_millis(300))
        .redirect_loop("/vong-lap-a/", "/vong-lap-b/")
        .oversized("/danh-sach-rat-lon/", 3_000_000)
        .legacy_page("/tin-cu-2010.html", LegacyLabel::MetaOnly)
        .malformed_page("/trang-loi.html");
    let server = FixtureServer::start_with(portal_root(), opts)
        .await
        .expect("start");
    let resp = get(&server, "/laws/").await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()[RETRY_AFTER], "3");
    assert_eq!(
        get(&server, "/laws/").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get(&server, "/laws/").await.status(), StatusCode::OK);

    let resp = get(&server, "/kinh-te/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let entry = server.request_log().into_iter().last().expect("log");
    assert!(entry.finished - entry.started >= Duration::from_millis(300));

    let resp = get(&server, "/vong-lap-a/").await;
    assert_eq!(location(&resp), "/vong-lap-b/");
    assert_eq!(
        location(&get(&server, "/vong-lap-b/").await),
        "/vong-lap-a/"
    );

    let big = get(&server, "/danh-sach-rat-lon/")
        .await
        .bytes()
        .await
        .expect("big");
    assert!(big.len() >= 2_900_000);

    let resp = get(&server, "/tin-cu-2010.html").await;
    assert_eq!(resp.headers()[CONTENT_TYPE], "text/html");
    let bytes = resp.bytes().await.expect("legacy");
    let (text, _, _) = encoding_rs::WINDOWS_1258.decode(&bytes);
    let nfc: String = unicode_normalization::UnicodeNormalization::nfc(text.chars()).collect();
    assert!(nfc.contains(LEGACY_PAGE_SENTENCE));

    assert_eq!(
        get(&server, "/trang-loi.html").await.status(),
        StatusCode::OK
    );
    let home = get(&server, "/").await.text().await.expect("home");
    assert!(
        home.contains("href=\"/trang-loi.html\""),
        "fault pages are linked from home"
    );
}

#[tokio::test]
async fn generation_changes_counters_only_and_body_change_is_visible() {
    let plain = FixtureServer::start(portal_root()).await.expect("start");
    let before = get(&plain, "/chinh-tri/").await.text().await.expect("body");
    let opts = Options::new()
        .generation(5)
        .change_body(SEED, "<p>Cập nhật: bổ sung số liệu mới.</p>");
    let mutated = FixtureServer::start_with(portal_root(), opts)
        .await
        .expect("start");
    let after = get(&mutated, "/chinh-tri/")
        .await
        .text()
        .await
        .expect("body");
    assert_ne!(before, after);
    let first_count = |html: &str| -> u64 {
        let start = html.find("Đã xem: ").expect("counter") + "Đã xem: ".len();
        html[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .expect("number")
    };
    assert_eq!(first_count(&after), first_count(&before) + 5);
    // Only counters differ.
    assert_eq!(
        testkit::server::bump_counters(&before, 5),
        after,
        "generation must only touch counters"
    );
    let article = get(&mutated, SEED).await.text().await.expect("body");
    assert!(article.contains("<p>Cập nhật: bổ sung số liệu mới.</p>"));
}

#[tokio::test]
async fn robots_override_and_in_flight_tracking() {
    let opts = Options::new().robots_txt("User-agent: *\nDisallow: /laws/\n");
    let server = FixtureServer::start_with(portal_root(), opts)
        .await
        .expect("start");
    let robots = get(&server, "/robots.txt")
        .await
        .text()
        .await
        .expect("robots");
    assert_eq!(robots, "User-agent: *\nDisallow: /laws/\n");
    let c = client();
    let url = server.base_url();
    let (a, b) = tokio::join!(c.get(&url).send(), c.get(&url).send());
    assert!(a.is_ok() && b.is_ok());
    assert!(server.max_in_flight() >= 1);
}

#[tokio::test]
async fn alt_portal_uses_multi_language_urls() {
    let server = FixtureServer::start(portal_alt_root())
        .await
        .expect("start");
    let manifest = server.manifest();
    let first = manifest.news_ids.values().next().expect("news").clone();
    assert!(first.starts_with("/vi/news/"), "{first}");
    let resp = get(&server, &first).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.text().await.expect("body");
    assert!(body.contains("newsdetail"));
    let doc = manifest.laws_ids.values().next().expect("laws").clone();
    assert!(doc.starts_with("/vi/laws/detail/"));
    let body = get(&server, &doc).await.text().await.expect("body");
    assert!(body.contains("<h3 class=\"lawh3\">"));
    assert_eq!(
        get(&server, "/sitemap-vi.news.xml").await.status(),
        StatusCode::NOT_FOUND
    );
}
