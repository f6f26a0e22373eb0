//! The capture index for tools: `GET /api/captures?url=` (JSON, with replay addresses) and a
//! pywb-compatible CDX server, `GET /cdx?url=[&output=json][&limit=N][&sort=reverse]`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::index::CaptureEntry;
use super::page::capture_href;
use crate::error::AppError;
use crate::state::AppState;

/// Most captures one answer lists.
const MAX_CAPTURES: usize = 10_000;

/// The parameters both endpoints read.
struct CdxParams {
    url: String,
    json: bool,
    limit: usize,
    reverse: bool,
}

fn parse(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<CdxParams, AppError> {
    let Query(pairs) = query.map_err(|rejection| {
        AppError::bad_request(
            "bad_query",
            format!("Tham số không hợp lệ: {}", rejection.body_text()),
        )
    })?;
    let mut params = CdxParams {
        url: String::new(),
        json: false,
        limit: MAX_CAPTURES,
        reverse: false,
    };
    for (name, value) in pairs {
        match name.as_str() {
            "url" => params.url = value.trim().to_owned(),
            "output" => params.json = value == "json",
            "limit" => {
                params.limit = value
                    .parse::<usize>()
                    .map_err(|_| {
                        AppError::bad_request("bad_value", "limit phải là một số nguyên dương.")
                    })?
                    .min(MAX_CAPTURES);
            }
            "sort" => params.reverse = value == "reverse",
            "matchType" | "matchtype" if value != "exact" => {
                return Err(AppError::bad_request(
                    "bad_value",
                    "Chỉ hỗ trợ matchType=exact (mọi lần lưu trữ của đúng một địa chỉ).",
                ));
            }
            _ => {}
        }
    }
    if params.url.is_empty() {
        return Err(AppError::bad_request(
            "missing_parameter",
            "Thiếu tham số url (địa chỉ gốc của trang cần tra các lần lưu trữ).",
        ));
    }
    let with_scheme = if params.url.contains("://") {
        params.url.clone()
    } else {
        format!("http://{}", params.url)
    };
    match url::Url::parse(&with_scheme) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            params.url = u.to_string();
            Ok(params)
        }
        _ => Err(AppError::bad_request(
            "bad_value",
            "Tham số url không phải là một địa chỉ http(s) hợp lệ.",
        )),
    }
}

async fn lookup(
    state: AppState,
    params: &CdxParams,
) -> Result<(Vec<CaptureEntry>, super::index::PublicUrls), AppError> {
    let url = params.url.clone();
    let (mut captures, public) = tokio::task::spawn_blocking(move || {
        let index = state.capture_index();
        let captures = index.captures(&url)?;
        Ok::<_, AppError>((captures, index.public_urls()))
    })
    .await??;
    if params.reverse {
        captures.reverse();
    }
    captures.truncate(params.limit);
    Ok((captures, public))
}

/// The pywb CDXJ fields of a capture.
fn cdx_fields(c: &CaptureEntry) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    fields.insert("url".into(), c.url.clone().into());
    fields.insert("mime".into(), c.mime.clone().into());
    if let Some(status) = c.status {
        fields.insert("status".into(), status.to_string().into());
    }
    if let Some(digest) = &c.digest {
        fields.insert("digest".into(), digest.clone().into());
    }
    fields.insert("length".into(), c.length.to_string().into());
    fields.insert("offset".into(), c.offset.to_string().into());
    fields.insert("filename".into(), c.filename.clone().into());
    fields
}

/// `GET /api/captures?url=`: every capture of a URL, oldest first.
pub(crate) async fn captures(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let params = parse(query)?;
    let (captures, public) = lookup(state, &params).await?;
    let list: Vec<Value> = captures
        .iter()
        .map(|c| {
            let public_url = public.map(&c.url);
            json!({
                "timestamp": c.timestamp,
                "time": c.time().map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                "url": public_url,
                "archived_url": c.url,
                "status": c.status,
                "mime": c.mime,
                "digest": c.digest,
                "length": c.length,
                "warc_file": c.filename,
                "offset": c.offset,
                "replay_url": capture_href(&c.timestamp, "", &public_url),
                "original_bytes_url": capture_href(&c.timestamp, "id_", &public_url),
            })
        })
        .collect();
    Ok(Json(
        json!({ "url": public.map(&params.url), "captures": list }),
    ))
}

/// `GET /cdx?url=`: pywb's CDX server API; CDXJ lines, or one JSON object per line with
/// `output=json`.
pub(crate) async fn cdx(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, AppError> {
    let params = parse(query)?;
    let (captures, _) = lookup(state, &params).await?;
    let mut body = String::new();
    for c in &captures {
        let mut fields = cdx_fields(c);
        if params.json {
            let mut object = serde_json::Map::new();
            object.insert("urlkey".into(), c.urlkey.clone().into());
            object.insert("timestamp".into(), c.timestamp.clone().into());
            object.append(&mut fields);
            body.push_str(&Value::Object(object).to_string());
        } else {
            body.push_str(&format!(
                "{} {} {}",
                c.urlkey,
                c.timestamp,
                Value::Object(fields)
            ));
        }
        body.push('\n');
    }
    let content_type = if params.json {
        "text/x-ndjson; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok(([(CONTENT_TYPE, content_type)], body).into_response())
}
