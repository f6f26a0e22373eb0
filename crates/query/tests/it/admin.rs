//! Admin endpoints: authentication, job lifecycle, swap and rollback, audit log.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{Answer, TestApp, app, config, error_code, get_json, records, send};

const TOKEN: &str = "s3cret-token";

async fn admin(app: &TestApp, method: &str, uri: &str, token: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    send(&app.router, request.body(Body::empty()).unwrap()).await
}

async fn wait_for_job(app: &TestApp, id: u64) -> serde_json::Value {
    for _ in 0..200 {
        let answer = admin(app, "GET", &format!("/api/admin/jobs/{id}"), Some(TOKEN)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let job = answer.json();
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {id} did not finish");
}

#[tokio::test]
async fn admin_is_hidden_without_a_configured_token() {
    let app = app(config(None));
    for (method, uri) in [
        ("POST", "/api/admin/reindex"),
        ("POST", "/api/admin/crawl"),
        ("POST", "/api/admin/rollback"),
        ("GET", "/api/admin/jobs"),
        ("GET", "/api/admin/jobs/1"),
    ] {
        let answer = admin(&app, method, uri, Some("anything")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert_eq!(error_code(&answer), "not_found");
    }
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_right_token_passes() {
    let app = app(config(Some(TOKEN)));
    let missing = admin(&app, "GET", "/api/admin/jobs", None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&missing), "unauthorized");
    assert_eq!(missing.headers.get("www-authenticate").unwrap(), "Bearer");
    let wrong = admin(&app, "GET", "/api/admin/jobs", Some("s3cret-tokeN")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let post = admin(&app, "POST", "/api/admin/reindex", Some("nope")).await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let right = admin(&app, "GET", "/api/admin/jobs", Some(TOKEN)).await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(right.json(), serde_json::json!([]));
    assert!(
        !app.audit_path().exists(),
        "rejected requests start nothing"
    );
}

#[tokio::test]
async fn reindex_job_swaps_and_rollback_restores() {
    let app = app(config(Some(TOKEN)));
    let before = get_json(&app.router, "/api/search?per_page=1").await;
    assert_eq!(before["total"], records().len());

    // The archive folder is empty: the new generation holds no record.
    let started = admin(&app, "POST", "/api/admin/reindex", Some(TOKEN)).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let id = started.json()["job_id"].as_u64().unwrap();
    assert_eq!(
        started.headers.get("location").unwrap(),
        &format!("/api/admin/jobs/{id}")
    );
    let job = wait_for_job(&app, id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["kind"], "reindex");
    assert_eq!(job["counts"]["records"], 0);
    assert!(job["finished_at"].is_string());

    let after = get_json(&app.router, "/api/search?per_page=1").await;
    assert_eq!(after["total"], 0, "the new generation is live");
    let listed = admin(&app, "GET", "/api/admin/jobs", Some(TOKEN))
        .await
        .json();
    assert_eq!(listed[0]["id"], id);

    let rollback = admin(&app, "POST", "/api/admin/rollback", Some(TOKEN)).await;
    assert_eq!(rollback.status, StatusCode::OK, "{}", rollback.body);
    let restored = get_json(&app.router, "/api/search?per_page=1").await;
    assert_eq!(
        restored["total"],
        records().len(),
        "the previous generation is back"
    );

    let audit = std::fs::read_to_string(app.audit_path()).unwrap();
    let actions: Vec<(String, String)> = audit
        .lines()
        .map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                entry["action"].as_str().unwrap().to_owned(),
                entry["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = actions
        .iter()
        .map(|(a, o)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("reindex", "started"),
            ("reindex", "succeeded"),
            ("rollback", "started"),
            ("rollback", "succeeded"),
        ]
    );
    assert!(!audit.contains(TOKEN), "tokens are never logged");
}

#[tokio::test]
async fn rollback_without_previous_generation_is_409() {
    let app = app(config(Some(TOKEN)));
    let answer = admin(&app, "POST", "/api/admin/rollback", Some(TOKEN)).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    assert_eq!(error_code(&answer), "conflict");
}

#[tokio::test]
async fn crawl_without_crawler_settings_is_refused() {
    let app = app(config(Some(TOKEN)));
    let answer = admin(&app, "POST", "/api/admin/crawl", Some(TOKEN)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&answer), "crawl_not_configured");
}

#[tokio::test]
async fn unknown_job_is_404() {
    let app = app(config(Some(TOKEN)));
    for uri in ["/api/admin/jobs/42", "/api/admin/jobs/abc"] {
        let answer = admin(&app, "GET", uri, Some(TOKEN)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
    }
}
