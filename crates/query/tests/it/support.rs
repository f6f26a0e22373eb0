//! Shared helpers: the test records, an app over a fresh index, and request shortcuts.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::NaiveDate;
use crawler::{Kind, Record};
use http_body_util::BodyExt as _;
use query::{AppState, ServerConfig};
use tower::ServiceExt as _;

/// The records every test index holds.
pub(crate) fn records() -> Vec<Record> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let legal = |id: &str, number: &str, doc_type: &str, issuer: &str, title: &str| {
        let mut record = Record::new(
            id,
            Kind::Legal,
            format!("https://thanuyen.example.vn/van-ban/{id}.html"),
        );
        record.doc_number = Some(number.to_owned());
        record.doc_type = Some(doc_type.to_owned());
        record.issuer = Some(issuer.to_owned());
        record.title = title.to_owned();
        record
    };
    let mut r140 = legal(
        "laws-140",
        "140/NQ-HĐND",
        "Nghị quyết",
        "HĐND huyện Than Uyên",
        "Nghị quyết về kế hoạch đầu tư công năm 2024",
    );
    r140.lead = "Về kế hoạch đầu tư công năm 2024 của huyện Than Uyên".to_owned();
    r140.body =
        "Hội đồng nhân dân huyện Than Uyên quyết nghị thông qua kế hoạch đầu tư công năm 2024."
            .to_owned();
    r140.date = date(2023, 12, 15);
    r140.effective_date = date(2023, 12, 15);
    r140.signer = Some("Hoàng Văn Thắng".to_owned());
    r140.fields = vec!["Đầu tư".to_owned()];

    let mut r141 = legal(
        "laws-141",
        "141/NQ-HĐND",
        "Nghị quyết",
        "HĐND huyện Than Uyên",
        "Nghị quyết về dự toán ngân sách năm 2024",
    );
    r141.body = "Thông qua dự toán thu chi ngân sách năm 2024, căn cứ Nghị quyết số 140/NQ-HĐND."
        .to_owned();
    r141.date = date(2023, 12, 15);
    r141.signer = Some("Hoàng Văn Thắng".to_owned());
    r141.fields = vec!["Tài chính".to_owned()];

    let mut qd = legal(
        "laws-12",
        "12/2022/QĐ-UBND",
        "Quyết định",
        "UBND huyện Than Uyên",
        "Quyết định ban hành quy chế quản lý chợ",
    );
    qd.body = "Ban hành quy chế quản lý chợ trung tâm huyện.".to_owned();
    qd.date = date(2022, 3, 1);
    qd.expiry_date = date(2023, 1, 1);
    qd.signer = Some("Lò Văn Hưng".to_owned());
    qd.fields = vec!["Thương mại".to_owned()];

    let mut party_a = legal(
        "laws-5",
        "05-NQ/HU",
        "Nghị quyết",
        "Huyện ủy Than Uyên",
        "Nghị quyết về phát triển nông nghiệp hàng hóa",
    );
    party_a.body = "Phát triển nông nghiệp hàng hóa giai đoạn 2021-2025.".to_owned();
    party_a.date = date(2021, 6, 1);
    let mut party_b = legal(
        "laws-6",
        "05-NQ/HU",
        "Nghị quyết",
        "Huyện ủy Tân Uyên",
        "Nghị quyết về chuyển đổi số",
    );
    party_b.body = "Chuyển đổi số trong các cơ quan Đảng.".to_owned();
    party_b.date = date(2022, 7, 1);

    let mut news_cites = Record::new(
        "news-1",
        Kind::News,
        "https://thanuyen.example.vn/tin-tuc/1.html",
    );
    news_cites.title = "Than Uyên triển khai kế hoạch đầu tư công".to_owned();
    news_cites.lead = "Huyện Than Uyên triển khai Nghị quyết 140/NQ-HĐND.".to_owned();
    news_cites.body =
        "Theo Nghị quyết số 140/NQ-HĐND ngày 15/12/2023, huyện tập trung vốn cho giao thông."
            .to_owned();
    news_cites.date = date(2024, 1, 10);
    news_cites.source = Some("Báo Lai Châu".to_owned());
    news_cites.category = Some("Tin tức".to_owned());

    let mut news_script = Record::new(
        "news-2",
        Kind::News,
        "https://thanuyen.example.vn/tin-tuc/2.html",
    );
    news_script.title = "Cảnh báo mã độc <script>alert(1)</script> trên mạng".to_owned();
    news_script.body =
        "Người dân cần cảnh giác với đoạn mã <script>alert(1)</script> khi truy cập trang lạ."
            .to_owned();
    news_script.date = date(2023, 8, 29);

    let mut news_old = Record::new(
        "news-3",
        Kind::News,
        "https://thanuyen.example.vn/tin-tuc/3.html",
    );
    news_old.title = "Hội nghị tổng kết công tác nông nghiệp".to_owned();
    news_old.body = "Tổng kết sản xuất nông nghiệp, hòa bình và thủy lợi.".to_owned();
    news_old.date = date(2021, 12, 20);

    vec![
        r140,
        r141,
        qd,
        party_a,
        party_b,
        news_cites,
        news_script,
        news_old,
    ]
}

/// A running app over a fresh index of [`records`].
pub(crate) struct TestApp {
    /// The router under test.
    pub(crate) router: Router,
    /// Keeps the temporary folder alive.
    pub(crate) dir: tempfile::TempDir,
}

impl TestApp {
    /// Where the audit log is written.
    pub(crate) fn audit_path(&self) -> PathBuf {
        self.dir.path().join("audit.jsonl")
    }
}

/// A config with the given admin token.
pub(crate) fn config(token: Option<&str>) -> ServerConfig {
    ServerConfig {
        admin_token: token.map(str::to_owned),
        public_url: Some("https://tracuu.example.vn".to_owned()),
        ..ServerConfig::default()
    }
}

/// An app over a fresh index of [`records`], whose reindex replays an empty archive folder.
pub(crate) fn app(config: ServerConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = indexer::IndexStore::open(dir.path().join("index")).unwrap();
    store.build_generation(records()).unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    let state = AppState::builder(config, store)
        .archive_dirs(vec![archive])
        .audit_log(dir.path().join("audit.jsonl"))
        .build();
    TestApp {
        router: query::router(state),
        dir,
    }
}

/// An answer: status, headers and body text.
pub(crate) struct Answer {
    /// Status code.
    pub(crate) status: StatusCode,
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body as text.
    pub(crate) body: String,
}

impl Answer {
    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not json ({e}): {}", self.body))
    }

    /// The content type.
    pub(crate) fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Sends one request.
pub(crate) async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `GET uri`.
pub(crate) async fn get(router: &Router, uri: &str) -> Answer {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// `GET uri` expecting 200 JSON.
pub(crate) async fn get_json(router: &Router, uri: &str) -> serde_json::Value {
    let answer = get(router, uri).await;
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
    answer.json()
}

/// The ids of a search answer's hits, in order.
pub(crate) fn ids(answer: &serde_json::Value) -> Vec<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts the JSON error shape and returns its code.
pub(crate) fn error_code(answer: &Answer) -> String {
    let json = answer.json();
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty(),
        "error without message: {}",
        answer.body
    );
    json["error"]["code"].as_str().unwrap().to_owned()
}
