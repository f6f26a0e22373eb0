//! The Vietnamese web pages: search page, document page, escaping, accessibility basics.

use axum::http::StatusCode;

use crate::support::{app, config, get};

#[tokio::test]
async fn home_page_is_a_vietnamese_search_form() {
    let app = app(config(None));
    let page = get(&app.router, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    assert!(page.body.contains(r#"<html lang="vi">"#));
    assert!(page.body.contains(r#"<label for="q">"#));
    assert!(
        page.body
            .contains(r#"placeholder="Tìm kiếm văn bản, tin tức…""#)
    );
    // Same-origin stylesheet and script, no inline code (a strict CSP can apply).
    assert!(
        page.body
            .contains(r#"<link rel="stylesheet" href="/static/tracuu.css">"#)
    );
    assert!(
        page.body
            .contains(r#"<script src="/static/tracuu.js" defer></script>"#)
    );
    assert!(!page.body.contains("<script>") && !page.body.contains("<style"));
    let css = get(&app.router, "/static/tracuu.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
    assert!(css.body.contains(":focus-visible"));
    assert!(css.body.contains("@media print"));
    let js = get(&app.router, "/static/tracuu.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type().starts_with("text/javascript"));
    assert!(js.body.contains("/api/suggest"));
    assert!(js.body.contains(r#""combobox""#));
}

#[tokio::test]
async fn results_come_right_after_the_search_box_with_filters_folded() {
    let app = app(config(None));
    let page = get(&app.router, "/?q=ngh%E1%BB%8B+quy%E1%BA%BFt").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    let at = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} not on the page: {body}"))
    };
    // Search box, then the closed "Bộ lọc" disclosure holding timeline, facets and fields,
    // then the count and the hits.
    assert!(at(r#"id="q""#) < at(r#"<details class="filters"><summary>Bộ lọc"#));
    assert!(!body.contains("<details class=\"filters\" open"));
    let closes = at("</details>");
    for inside in [
        r#"<svg class="timeline""#,
        "Loại văn bản</h2>",
        r#"id="date_from""#,
    ] {
        let found = at(inside);
        assert!(
            at("<details") < found && found < closes,
            "{inside} outside the disclosure"
        );
    }
    assert!(closes < at("Tìm thấy") && at("Tìm thấy") < at(r#"<ol class="hits""#));
}

#[tokio::test]
async fn timeline_is_a_continuous_year_axis_with_a_text_alternative() {
    let app = app(config(None));
    // Legal documents of 2021, 2022 and 2023, and news of 2021, 2023 and 2024.
    let page = get(&app.router, "/?q=ngh%E1%BB%8B+quy%E1%BA%BFt").await;
    let body = &page.body;
    let svg = &body[body.find(r#"<svg class="timeline""#).unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(svg.contains(r#"aria-hidden="true""#));
    let list = &body[body.find(r#"<ul class="years">"#).expect("year list")..];
    let list = &list[..list.find("</ul>").unwrap()];
    let years: Vec<i32> = list
        .split("<li>")
        .skip(1)
        .map(|item| {
            let text = item.split('>').nth(1).unwrap_or_default();
            text[..4].parse().unwrap_or_else(|_| panic!("{item}"))
        })
        .collect();
    let first = years[0];
    let expected: Vec<i32> = (first..first + years.len() as i32).collect();
    assert_eq!(years, expected, "years must be continuous: {list}");
    // Every year with results links to that year; an empty year is text.
    for item in list.split("<li>").skip(1) {
        if item.contains(": 0 kết quả") {
            assert!(!item.contains("<a "), "{item}");
        } else {
            let year = &item[item.find('>').unwrap() + 1..][..4];
            assert!(
                item.contains(&format!("date_from={year}-01-01&amp;date_to={year}-12-31")),
                "{item}"
            );
        }
    }
}

#[tokio::test]
async fn hits_link_the_archived_copy_first_and_the_portal_second() {
    use crawler::Capture;
    let dir = tempfile::tempdir().unwrap();
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    store.build_generation(crate::support::records()).unwrap();
    let state = query::AppState::builder(config(None), store).build();
    let capture = |id: &str, date: &str, status: u16| Capture {
        url: format!("https://thanuyen.example.vn/van-ban/{id}.html"),
        date: date.to_owned(),
        status,
        mime: "text/html".to_owned(),
        warc_type: "response".to_owned(),
        file: dir.path().join("missing.warc.gz"),
        offset: 0,
        payload_file: dir.path().join("missing.warc.gz"),
        payload_offset: 0,
        record_id: Some(id.to_owned()),
    };
    state.set_captures(&[
        capture("laws-140", "2024-02-01T08:00:00Z", 200),
        capture("laws-140", "2024-03-05T08:00:00Z", 404),
    ]);
    let router = query::router(state);
    let page = get(
        &router,
        "/?q=k%E1%BA%BF+ho%E1%BA%A1ch+%C4%91%E1%BA%A7u+t%C6%B0",
    )
    .await;
    let hit = page
        .body
        .split("<li>")
        .find(|item| item.contains(r#"href="/van-ban/laws-140""#))
        .expect("laws-140 listed");
    let archived = hit.find(r#"<a href="/luu-tru/laws-140">Bản lưu trữ (01/02/2024)</a>"#);
    let original = hit.find("Trang gốc (có thể không còn)</a>");
    assert!(archived.is_some() && original.is_some(), "{hit}");
    assert!(archived < original, "{hit}");
    // Without a capture, only the original, marked as possibly gone.
    let other = page
        .body
        .split("<li>")
        .find(|item| item.contains(r#"href="/van-ban/news-1""#))
        .expect("news-1 listed");
    assert!(!other.contains("/luu-tru/") && other.contains("có thể không còn"));
    // The document page: archived copy first, dated, with its full address for print.
    let doc = get(&router, "/van-ban/laws-140").await;
    let first = doc
        .body
        .find("Bản lưu trữ (01/02/2024)")
        .expect("archive link");
    assert!(first < doc.body.find("Trang gốc").unwrap());
    assert!(doc.body.contains(
        "Bản lưu trữ (thu thập ngày 01/02/2024): <a href=\"https://tracuu.example.vn/luu-tru/laws-140\">"
    ));
}

#[tokio::test]
async fn document_page_has_share_tags_and_a_canonical_link() {
    let app = app(config(None));
    let page = get(&app.router, "/van-ban/laws-140").await;
    let body = &page.body;
    assert!(
        body.contains(
            r#"<link rel="canonical" href="https://tracuu.example.vn/van-ban/laws-140">"#
        )
    );
    assert!(body.contains(r#"<meta property="og:type" content="article">"#));
    assert!(body.contains(
        r#"<meta property="og:title" content="Nghị quyết về kế hoạch đầu tư công năm 2024">"#
    ));
    assert!(body.contains(
        r#"<meta property="og:url" content="https://tracuu.example.vn/van-ban/laws-140">"#
    ));
    assert!(body.contains(
        r#"<meta name="description" content="Nghị quyết 140/NQ-HĐND, HĐND huyện Than Uyên, 15/12/2023: Về kế hoạch đầu tư công năm 2024 của huyện Than Uyên">"#
    ), "{body}");
    assert!(body.contains(r#"<meta property="og:description" content="Nghị quyết 140/NQ-HĐND"#));
    // Print: the citation as text, navigation marked out.
    assert!(body.contains(r#"<p class="print-only">Trích dẫn: Nghị quyết số 140/NQ-HĐND"#));
    assert!(body.contains(r#"<p class="back noprint">"#));
}

#[tokio::test]
async fn results_page_has_hits_facets_timeline_and_pagination() {
    let app = app(config(None));
    let page = get(&app.router, "/?q=ngh%E1%BB%8B+quy%E1%BA%BFt&per_page=2").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body.matches(r#"<h3><a href="/van-ban/"#).count(),
        2,
        "{}",
        page.body
    );
    assert!(page.body.contains("<mark>"), "snippets are highlighted");
    assert!(page.body.contains("Loại văn bản"));
    assert!(page.body.contains(r#"<svg class="timeline""#));
    assert!(
        page.body.contains(r#"per_page=2&amp;page=2" rel="next""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"nghị quyết\""));
}

#[tokio::test]
async fn crawled_markup_stays_text_on_the_page() {
    let app = app(config(None));
    let page = get(&app.router, "/?q=alert").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let doc = get(&app.router, "/van-ban/news-2").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(!doc.body.contains("<script>alert(1)"));
    assert!(doc.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn query_text_is_escaped_in_the_form() {
    let app = app(config(None));
    let page = get(&app.router, "/?q=%22%3E%3Cimg%20src%3Dx%3E").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<img src=x>"));
    assert!(page.body.contains("&quot;&gt;&lt;img src=x&gt;"));
}

#[tokio::test]
async fn document_page_shows_metadata_citation_and_links() {
    let app = app(config(None));
    let page = get(&app.router, "/van-ban/laws-140").await;
    assert_eq!(page.status, StatusCode::OK);
    for label in [
        "Số ký hiệu",
        "Loại văn bản",
        "Cơ quan ban hành",
        "Người ký",
        "Ngày ban hành",
        "Ngày hiệu lực",
        "Tình trạng",
    ] {
        assert!(
            page.body
                .contains(&format!(r#"<th scope="row">{label}</th>"#)),
            "{label}"
        );
    }
    assert!(page.body.contains("140/NQ-HĐND"));
    assert!(page.body.contains("Còn hiệu lực"));
    assert!(
        page.body
            .contains("Nghị quyết số 140/NQ-HĐND ngày 15/12/2023 của HĐND huyện Than Uyên về")
    );
    assert!(
        page.body
            .contains("https://tracuu.example.vn/van-ban/laws-140"),
        "permalink"
    );
    assert!(
        page.body
            .contains(r#"href="https://thanuyen.example.vn/van-ban/laws-140.html""#)
    );
    assert!(
        page.body.contains(r#"href="/van-ban/news-1""#),
        "cited by news-1"
    );
    assert!(page.body.contains(r#"id="copy-citation""#));
}

#[tokio::test]
async fn page_errors_are_html_with_the_right_status() {
    let app = app(config(None));
    let missing = get(&app.router, "/van-ban/laws-999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.content_type().starts_with("text/html"));
    assert!(missing.body.contains(r#"lang="vi""#));
    let bad = get(&app.router, "/?per_page=100000").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.content_type().starts_with("text/html"));
    let nowhere = get(&app.router, "/khong-co").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn document_number_query_jumps_to_the_document() {
    let app = app(config(None));
    let page = get(&app.router, "/?q=140%2FNQ-H%C4%90ND").await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.body
    );
    assert_eq!(page.headers.get("location").unwrap(), "/van-ban/laws-140");
    // A number two documents share is listed, each with its issuer.
    let shared = get(&app.router, "/?q=05-NQ%2FHU").await;
    assert_eq!(shared.status, StatusCode::OK);
    assert!(shared.body.contains("Huyện ủy Than Uyên"));
    assert!(shared.body.contains("Huyện ủy Tân Uyên"));
}

/// An app whose records belong to the configured single site (Than Uyên, with `[site]`'s
/// defaults: a district abolished on 1 July 2025).
fn app_of_the_ended_district() -> crate::support::TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    let mut records = crate::support::records();
    for record in &mut records {
        record.site = "thanuyen".to_owned();
    }
    store.build_generation(records).unwrap();
    let crawler = crawler::CrawlerConfig {
        base_url: "https://thanuyen.example.vn/".to_owned(),
        ..crawler::CrawlerConfig::default()
    };
    let sites = crawler::Sites::resolve(&crawler, &crawler::DefaultSite::default(), &[]).unwrap();
    let state = query::AppState::builder(config(None), store)
        .sites(sites)
        .build();
    crate::support::TestApp {
        router: query::router(state),
        dir,
    }
}

#[tokio::test]
async fn pages_say_the_district_government_has_ended() {
    let app = app_of_the_ended_district();
    let notice = "<strong>Tư liệu lưu trữ:</strong> Huyện Than Uyên kết thúc hoạt động ngày \
                  01/07/2025. Cấp huyện không còn trong chính quyền địa phương hai cấp";
    let successor = "Cơ quan ban hành văn bản này không còn";

    let home = get(&app.router, "/").await;
    assert!(home.body.contains(notice), "{}", home.body);
    // A district council's resolution: its issuer no longer exists either.
    let resolution = get(&app.router, "/van-ban/laws-140").await;
    assert!(resolution.body.contains(notice), "{}", resolution.body);
    assert!(resolution.body.contains(successor));
    // A news article gets the notice alone.
    let news = get(&app.router, "/van-ban/news-1").await;
    assert!(news.body.contains(notice));
    assert!(!news.body.contains(successor));
    // Results pages keep the room for results.
    let results = get(&app.router, "/?q=ng%C3%A2n+s%C3%A1ch").await;
    assert!(!results.body.contains(notice));

    let api = get(&app.router, "/api/documents/laws-140").await.json();
    assert_eq!(api["site_ended"]["date"], "2025-07-01", "{api:#}");
    assert!(
        api["site_ended"]["note"]
            .as_str()
            .unwrap()
            .contains("chính quyền địa phương hai cấp")
    );

    // Without the configured site (a living portal), no notice and no field.
    let living = crate::support::app(config(None));
    assert!(
        !get(&living.router, "/")
            .await
            .body
            .contains("Tư liệu lưu trữ")
    );
    let api = get(&living.router, "/api/documents/laws-140").await.json();
    assert!(api.get("site_ended").is_none());
}

#[tokio::test]
async fn document_page_lists_related_records() {
    let app = crate::support::app(config(None));
    // A news report on farming: the party resolution on farming is its closest record.
    let api = get(&app.router, "/api/documents/news-3").await.json();
    assert_eq!(api["related"][0]["id"], "laws-5", "{:#}", api["related"]);
    let page = get(&app.router, "/van-ban/news-3").await;
    assert!(page.body.contains("<h2>Văn bản, tin tức liên quan</h2>"));
    assert!(
        page.body
            .contains(r#"<a href="/van-ban/laws-5">05-NQ/HU – Nghị quyết về phát triển nông nghiệp hàng hóa</a>"#),
        "{}",
        page.body
    );
    // Never the record itself, nor what it already lists as citing or cited.
    for id in ["laws-140", "laws-141", "news-1"] {
        let api = get(&app.router, &format!("/api/documents/{id}"))
            .await
            .json();
        let listed: Vec<&str> = ["cites", "cited_by"]
            .iter()
            .flat_map(|k| api[k].as_array().unwrap())
            .filter_map(|l| l["id"].as_str())
            .chain([id])
            .collect();
        for related in api["related"].as_array().unwrap() {
            let other = related["id"].as_str().unwrap();
            assert!(!listed.contains(&other), "{id}: {other} listed twice");
        }
    }
}
