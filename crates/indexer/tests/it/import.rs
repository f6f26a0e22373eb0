//! JSON-lines import feeding a real build.

use indexer::{IndexStore, SearchRequest, import_jsonl};

#[test]
fn imported_lines_are_searchable_and_bad_lines_reported() {
    let input = concat!(
        r#"{"id":"laws-9","kind":"legal","title":"Nghị quyết về phí","doc_number":"9/NQ-HĐND","issuer":"HĐND huyện","date":"2024-01-02","url":"http://127.0.0.1/9"}"#,
        "\n",
        r#"{"id":"news-9","kind":"news","title":"Tin ngắn","body":"Nội dung","date":"2024-13-40"}"#,
        "\n",
        "{\"id\": \n",
        r#"{"id":"news-10","kind":"news","title":"Tin dài","body":"Nội dung dài"}"#,
        "\n",
    );
    let (records, errors) = import_jsonl(input.as_bytes());
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open store");
    store.build_generation(records).expect("build");
    let index = store.current().expect("current").expect("live generation");
    assert_eq!(index.num_docs(), 2);
    let results = index
        .search(&SearchRequest {
            query: "9/NQ-HĐND".into(),
            limit: 5,
            ..SearchRequest::default()
        })
        .expect("search");
    assert_eq!(results.hits[0].id, "laws-9");
}
