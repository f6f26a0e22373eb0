//! A full crawl of the fixture portal, then replay from the archive alone.

use crawler::{Kind, crawl, replay_archive};
use testkit::FixtureServer;

use crate::{Workspace, fast_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_crawl_finds_news_and_legal_records() {
    let server = FixtureServer::start(testkit::portal_root()).await.unwrap();
    let ws = Workspace::new();
    let config = fast_config(&server.base_url());
    let report = crawl(&config, &ws.archive(), &ws.state(), None)
        .await
        .unwrap();
    assert!(report.finished, "{report}");
    assert!(report.failed.is_empty(), "{report}");
    assert_eq!(
        report.public_base_url.as_deref(),
        Some("https://thanuyen.laichau.gov.vn/")
    );
    assert!(server.max_in_flight() <= 1);

    // Page requisites: the theme's stylesheet, what it @imports and its url() images, the
    // favicon and scripts, each archived once through the same queue and counted.
    let records = ws.records();
    let base = server.base_url();
    let base = base.trim_end_matches('/');
    for path in [
        "/themes/default/css/style.css",
        "/themes/default/css/style.typo.css",
        "/themes/default/images/header.png",
        "/themes/default/images/bg-body.png",
        "/favicon.ico",
        "/themes/default/js/main.js",
    ] {
        let url = format!("{base}{path}");
        // Theme files are linked with a cache-busting query (`?t=...`).
        let n = records
            .iter()
            .filter(|(ty, u, status)| {
                ty == "response" && u.split('?').next() == Some(url.as_str()) && *status == 200
            })
            .count();
        assert_eq!(n, 1, "{url} archived {n} times");
    }
    assert!(report.requisites >= 6, "{report}");

    let replay = replay_archive(&[ws.archive()]).unwrap();
    let news: Vec<_> = replay
        .records
        .iter()
        .filter(|r| r.kind == Kind::News)
        .collect();
    let legal: Vec<_> = replay
        .records
        .iter()
        .filter(|r| r.kind == Kind::Legal)
        .collect();
    assert!(news.len() >= 40, "news: {}", news.len());
    assert!(legal.len() >= 40, "legal: {}", legal.len());
    assert_eq!(report.new as usize, news.len() + legal.len(), "{report}");

    // Never-request list and robots: no print, savefile, search, or disallowed paths.
    for req in server.request_log() {
        assert!(!req.path.contains("/print/"), "{}", req.path);
        assert!(!req.path.contains("savefile"), "{}", req.path);
        assert!(!req.path.starts_with("/data/"), "{}", req.path);
        assert!(
            req.user_agent
                .as_deref()
                .is_some_and(|ua| ua.contains("tracuu"))
        );
    }

    // The seed article, field by field.
    let seed = replay
        .records
        .iter()
        .find(|r| r.id == "news-2150")
        .expect("seed article");
    assert_eq!(
        seed.url,
        "https://thanuyen.laichau.gov.vn/chinh-tri/than-uyen-dua-nghi-quyet-cua-dang-vao-cuoc-song-bai-3-2150.html"
    );
    assert!(seed.title.starts_with("Than Uyên"), "{}", seed.title);
    assert_eq!(
        seed.published_at.unwrap().to_rfc3339(),
        "2023-08-29T09:18:00+07:00"
    );
    assert_eq!(seed.source.as_deref(), Some("Báo Lai Châu"));
    assert!(!seed.lead.is_empty());
    assert!(seed.body.len() > 200, "{}", seed.body);
    assert!(!seed.body.contains("Bạn đã không sử dụng Site"));
    assert!(seed.category.is_some());

    // 140/NQ-HĐND, field by field.
    let r140 = legal
        .iter()
        .find(|r| r.doc_number.as_deref() == Some("140/NQ-HĐND"))
        .expect("140/NQ-HĐND");
    assert_eq!(r140.id, "laws-88");
    assert_eq!(
        r140.url,
        "https://thanuyen.laichau.gov.vn/laws/detail/Nghi-quyet-xac-nhan-ket-qua-mien-nhiem-Uy-vien-UBND-huyen-khoa-XXI-nhiem-ky-2021-2026-88/"
    );
    assert!(
        r140.title
            .starts_with("Nghị quyết xác nhận kết quả miễn nhiệm"),
        "{}",
        r140.title
    );
    assert!(r140.lead.contains("Đèo Văn Khiêm"), "{}", r140.lead);
    assert_eq!(r140.doc_type.as_deref(), Some("Nghị quyết"));
    assert_eq!(r140.issuer.as_deref(), Some("HĐND huyện Than Uyên"));
    assert_eq!(r140.signer.as_deref(), Some("Lò Văn Hương"));
    assert_eq!(r140.date, chrono::NaiveDate::from_ymd_opt(2024, 6, 14));
    assert_eq!(
        r140.effective_date,
        chrono::NaiveDate::from_ymd_opt(2024, 6, 14)
    );
    assert_eq!(r140.fields, vec!["Tổ chức - Cán bộ".to_string()]);
    assert!(
        r140.body.starts_with("HỘI ĐỒNG NHÂN DÂN HUYỆN THAN UYÊN"),
        "{}",
        r140.body
    );
    assert!(r140.body.contains("\n\nĐiều 1."));
    assert_eq!(r140.attachments.len(), 1);
    assert_eq!(r140.attachments[0].name, "140-NQ-HDND.pdf");
    let pdf_text = r140.attachments[0].text.as_deref().unwrap_or("");
    assert!(pdf_text.contains("Số: 140/NQ-HĐND"), "{pdf_text}");
}
