//! `/api/suggest`: completions of document numbers, titles and frequent terms over the test
//! index, typed with marks, without marks, in Telex, and as document numbers.

use axum::http::StatusCode;

use crate::support::{app, config, error_code, get, get_json};

fn texts(answer: &serde_json::Value) -> Vec<String> {
    answer["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn toneless_prefix_completes_to_the_resolution() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/suggest?q=nghi+quyet+14").await;
    assert_eq!(answer["q"], "nghi quyet 14");
    let shown = texts(&answer);
    assert_eq!(
        shown[..2],
        [
            "Nghị quyết 140/NQ-HĐND về kế hoạch đầu tư công năm 2024",
            "Nghị quyết 141/NQ-HĐND về dự toán ngân sách năm 2024",
        ],
        "{answer}"
    );
    let first = &answer["suggestions"][0];
    assert_eq!(first["kind"], "number");
    assert_eq!(first["query"], "140/NQ-HĐND");
    assert_eq!(first["href"], "/van-ban/laws-140");
}

#[tokio::test]
async fn accented_prefix_keeps_its_marks() {
    let app = app(config(None));
    // "Hội nghị …" (news-3) but not "Huyện …".
    let answer = get_json(&app.router, "/api/suggest?q=H%E1%BB%99i").await;
    let shown = texts(&answer);
    assert!(
        shown.contains(&"Hội nghị tổng kết công tác nông nghiệp".to_owned()),
        "{answer}"
    );
    // "hồi" has other marks than "hội": nothing.
    let answer = get_json(&app.router, "/api/suggest?q=h%E1%BB%93i").await;
    assert!(texts(&answer).is_empty(), "{answer}");
    // Without marks it matches again.
    let answer = get_json(&app.router, "/api/suggest?q=hoi+nghi").await;
    assert!(!texts(&answer).is_empty(), "{answer}");
}

#[tokio::test]
async fn telex_and_document_number_prefixes() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/suggest?q=nghij+quyeets+14").await;
    assert_eq!(answer["suggestions"][0]["id"], "laws-140", "{answer}");
    for typed in ["140%2FNQ", "140%2FNQ-H%C4%90", "12%2F2022", "05-NQ%2FHU"] {
        let answer = get_json(&app.router, &format!("/api/suggest?q={typed}")).await;
        assert!(!texts(&answer).is_empty(), "{typed}: {answer}");
    }
    let answer = get_json(&app.router, "/api/suggest?q=12%2F2022").await;
    assert_eq!(answer["suggestions"][0]["query"], "12/2022/QĐ-UBND");
    // The number two party committees share names both, and leads to the search.
    let answer = get_json(&app.router, "/api/suggest?q=05-NQ").await;
    assert_eq!(texts(&answer), ["Nghị quyết 05-NQ/HU (2 văn bản)"]);
    assert!(answer["suggestions"][0].get("href").is_none());
}

#[tokio::test]
async fn limits_and_bad_input() {
    let app = app(config(None));
    let answer = get_json(&app.router, "/api/suggest?q=ngh&limit=2").await;
    assert_eq!(texts(&answer).len(), 2, "{answer}");
    let answer = get_json(&app.router, "/api/suggest?q=n").await;
    assert!(texts(&answer).len() <= 8);
    let answer = get_json(&app.router, "/api/suggest?q=").await;
    assert!(texts(&answer).is_empty());
    let answer = get_json(&app.router, "/api/suggest").await;
    assert!(texts(&answer).is_empty());
    for bad in [
        "/api/suggest?q=a&limit=9".to_owned(),
        "/api/suggest?q=a&limit=0".to_owned(),
        "/api/suggest?q=a&limit=x".to_owned(),
        "/api/suggest?q=a&lang=vi".to_owned(),
        format!("/api/suggest?q={}", "a".repeat(201)),
    ] {
        let answer = get(&app.router, &bad).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            answer.body
        );
        assert!(!error_code(&answer).is_empty());
    }
}
