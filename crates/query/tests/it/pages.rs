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
    assert!(page.body.contains(":focus-visible"));
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
