//! The archived copy of a page (`/luu-tru/{id}`), replayed from the WARC archive with scripts
//! removed, for when the portal is gone.
//!
//! Two layers keep crawled markup harmless: script-capable elements are removed from the parsed
//! page, and the answer carries a `Content-Security-Policy: sandbox` header with no
//! `allow-scripts`, so inline event handlers or `javascript:` links left in attributes cannot
//! run either.

use axum::extract::State;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use scraper::{Html, Node};

use crate::error::{AppError, Error};
use crate::extract::ApiPath;
use crate::html::escape;
use crate::pages_handlers::PageError;
use crate::state::AppState;

/// Elements that can run code or pull in active content.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "portal",
];

/// The policy sent with archived pages: no script, no plugin, no form submission.
const POLICY: &str =
    "sandbox; default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src *";

/// `GET /luu-tru/{id}`: the latest successful capture of the record's page.
pub(crate) async fn archived(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, PageError> {
    let captures = state.captures_of(&id);
    let Some(capture) = captures.iter().rev().find(|c| c.status == 200).cloned() else {
        return Err(AppError::NotFound("Chưa có bản lưu trữ của trang này.".to_owned()).into());
    };
    let page = tokio::task::spawn_blocking(move || -> Result<String, AppError> {
        let response = crawler::read_capture(&capture.payload_file, capture.payload_offset)
            .map_err(Error::from)?;
        let content_type = response
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.as_str());
        let text = crawler::crawl::decode_text(&response.body, content_type);
        Ok(render(&text, &capture.url, &capture.date))
    })
    .await??;
    Ok((
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, POLICY),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        page,
    )
        .into_response())
}

/// The archived page without active elements, with a banner naming its origin and date.
pub(crate) fn render(html: &str, url: &str, date: &str) -> String {
    let mut document = Html::parse_document(html);
    let doomed: Vec<_> = document
        .tree
        .nodes()
        .filter(|node| match node.value() {
            Node::Element(element) => {
                let name = element.name();
                ACTIVE_ELEMENTS.contains(&name)
                    || (name == "meta"
                        && element
                            .attr("http-equiv")
                            .is_some_and(|v| v.eq_ignore_ascii_case("refresh")))
            }
            _ => false,
        })
        .map(|node| node.id())
        .collect();
    for id in doomed {
        if let Some(mut node) = document.tree.get_mut(id) {
            node.detach();
        }
    }
    let cleaned = document.html();
    let banner = format!(
        r#"<div style="background:#fff3cd;color:#1a1a1a;border-bottom:2px solid #7a1010;padding:.5rem 1rem;font:16px/1.5 system-ui,sans-serif" lang="vi">Bản lưu trữ của <a href="{url}">{url}</a>, thu thập lúc {date}. Các đoạn mã (script) đã được gỡ bỏ. <a href="/">Về trang tra cứu</a></div>"#,
        url = escape(url),
        date = escape(date),
    );
    match cleaned
        .find("<body")
        .and_then(|start| cleaned[start..].find('>').map(|end| start + end + 1))
    {
        Some(at) => format!("{}{banner}{}", &cleaned[..at], &cleaned[at..]),
        None => format!("{banner}{cleaned}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_frames_are_removed() {
        let page = render(
            r#"<html><head><script>alert(1)</script><meta http-equiv="refresh" content="0;url=x"><base href="http://evil/"></head><body><p>Nội dung</p><SCRIPT src="x.js"></SCRIPT><iframe src="x"></iframe><noscript>n</noscript></body></html>"#,
            "https://example.vn/a?b=1&c=<2>",
            "2024-01-02T03:04:05Z",
        );
        let lower = page.to_lowercase();
        assert!(!lower.contains("<script"), "{page}");
        assert!(!lower.contains("<iframe"));
        assert!(!lower.contains("<noscript"));
        assert!(!lower.contains("refresh"));
        assert!(!lower.contains("<base"));
        assert!(page.contains("<p>Nội dung</p>"));
        assert!(page.contains("https://example.vn/a?b=1&amp;c=&lt;2&gt;"));
        assert!(page.find("Bản lưu trữ").unwrap() > page.find("<body").unwrap());
    }
}
