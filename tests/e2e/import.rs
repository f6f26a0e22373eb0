//! `tracuu import --jsonl`: documents from elsewhere join the index; bad lines are reported
//! with their line number and skipped, and nothing else is lost.

use crate::support::Install;

#[test]
fn import_adds_good_lines_and_reports_bad_ones_by_line_number() {
    let install = Install::new();
    install.run(&["reindex"]); // the bundled sample
    let before = total(&install, "huyen than uyen");

    let lines = [
        r#"{"id":"ext-1","kind":"legal","title":"Nghị quyết về bảo tồn cây chè Shan tuyết","lead":"Bảo tồn vùng chè cổ thụ","body":"Nội dung nghị quyết về chè Shan tuyết ở xã Tà Mung.","doc_number":"77/NQ-HĐND","doc_type":"Nghị quyết","issuer":"HĐND huyện Than Uyên","date":"2024-05-02","url":"https://example.vn/vb/77"}"#,
        r#"{"id":"ext-2","kind":"poem","title":"không phải loại hợp lệ"}"#,
        "this is not json",
        r#"{"id":"ext-3","kind":"news","title":"Mùa chè Shan tuyết ở Tà Mung","body":"Người dân thu hái chè Shan tuyết.","date":"2024-05-03","url":"https://example.vn/tin/3"}"#,
    ];
    let file = install.path("import.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let output = install.run(&["import", "--jsonl", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("import.jsonl:2:"),
        "line 2 reported: {stderr}"
    );
    assert!(
        stderr.contains("import.jsonl:3:"),
        "line 3 reported: {stderr}"
    );
    assert!(
        !stderr.contains("import.jsonl:1:") && !stderr.contains("import.jsonl:4:"),
        "{stderr}"
    );

    let found = search(&install, "che shan tuyet ta mung");
    let mut top: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    top.sort_unstable();
    assert_eq!(top, ["ext-1", "ext-3"], "{found:#}");
    assert_eq!(search(&install, "77/NQ-HĐND")["hits"][0]["id"], "ext-1");
    // The archive's documents are still there.
    assert_eq!(total(&install, "huyen than uyen"), before + 1);
}

fn search(install: &Install, query: &str) -> serde_json::Value {
    let output = install.run(&["search", "--json", "--limit", "50", query]);
    serde_json::from_slice(&output.stdout).unwrap()
}

fn total(install: &Install, query: &str) -> u64 {
    search(install, query)["total"].as_u64().unwrap()
}
