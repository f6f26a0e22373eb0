//! The pages replay adds around archived content: the banner on every replayed page, the
//! archive's own 404 page for a URL never archived, and the list of a URL's captures.

use chrono::{DateTime, FixedOffset, Utc};

use super::index::CaptureEntry;
use crate::html::{escape, layout};

/// The portal's time zone, Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A capture time in the portal's time zone: `08:30:00 ngày 15/06/2024 (giờ Việt Nam)`.
pub(crate) fn vn_time(time: DateTime<Utc>) -> String {
    time.with_timezone(&vietnam())
        .format("%H:%M:%S ngày %d/%m/%Y (giờ Việt Nam)")
        .to_string()
}

/// The address of every capture of `public_url`.
pub(crate) fn list_href(public_url: &str) -> String {
    format!("{}*/{public_url}", super::PREFIX)
}

/// The address of one capture, replayed (`modifier` "") or as original bytes (`id_`).
pub(crate) fn capture_href(timestamp: &str, modifier: &str, public_url: &str) -> String {
    format!("{}{timestamp}{modifier}/{public_url}", super::PREFIX)
}

/// What the banner says about the page shown.
pub(crate) struct BannerFacts<'a> {
    /// The original URL on the portal (public, never the mirror the crawl used).
    pub(crate) public_url: &'a str,
    /// When the capture was made.
    pub(crate) time: Option<DateTime<Utc>>,
    /// How many captures this URL has.
    pub(crate) count: usize,
    /// The capture before this one, if any (timestamp).
    pub(crate) previous: Option<&'a str>,
    /// The capture after this one, if any (timestamp).
    pub(crate) next: Option<&'a str>,
}

/// The banner put at the top of every replayed page (inline styles only: the replay's
/// policy allows no script and no other origin).
pub(crate) fn banner(facts: &BannerFacts<'_>) -> String {
    let link = "color:#0b4f9c;text-decoration:underline;margin-right:1rem";
    let time = facts
        .time
        .map_or_else(|| "không rõ thời điểm".to_owned(), vn_time);
    let mut links = format!(
        r#"<a style="{link}" href="{}">Các lần lưu trữ khác ({})</a>"#,
        escape(&list_href(facts.public_url)),
        facts.count
    );
    if let Some(previous) = facts.previous {
        links.push_str(&format!(
            r#"<a style="{link}" href="{}" rel="prev">← Bản trước</a>"#,
            escape(&capture_href(previous, "", facts.public_url))
        ));
    }
    if let Some(next) = facts.next {
        links.push_str(&format!(
            r#"<a style="{link}" href="{}" rel="next">Bản sau →</a>"#,
            escape(&capture_href(next, "", facts.public_url))
        ));
    }
    links.push_str(&format!(
        r#"<a style="{link}" href="/">Tra cứu văn bản, tin tức</a>"#
    ));
    format!(
        r#"<div id="tracuu-banner" lang="vi" role="note" style="all:initial;display:block;box-sizing:border-box;width:100%;background:#fff3cd;color:#1a1a1a;border-bottom:2px solid #7a1010;padding:.5rem 1rem;font:15px/1.5 system-ui,sans-serif;position:relative;z-index:2147483647"><strong>Bản lưu trữ</strong> của trang <span style="font-family:monospace;overflow-wrap:anywhere">{url}</span>, thu thập lúc {time}. Các đoạn mã (script) đã được gỡ bỏ; liên kết dẫn tới các trang khác trong kho lưu trữ.<br>{links}</div>"#,
        url = escape(facts.public_url),
    )
}

/// One row of a capture list: time, status, type, with links to the replay and the bytes.
fn capture_row(capture: &CaptureEntry, public_url: &str) -> String {
    let time = capture
        .time()
        .map_or_else(|| capture.timestamp.clone(), vn_time);
    let kind = if capture.is_revisit() {
        "không đổi so với lần trước"
    } else {
        capture.mime.as_str()
    };
    format!(
        r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td><a href="{}">tệp gốc</a></td></tr>"#,
        escape(&capture_href(&capture.timestamp, "", public_url)),
        escape(&time),
        capture
            .status
            .map_or_else(|| "–".to_owned(), |s| s.to_string()),
        escape(kind),
        escape(&capture_href(&capture.timestamp, "id_", public_url)),
    )
}

/// `/luu-tru/*/{url}`: every capture of a URL, newest first.
pub(crate) fn capture_list(public_url: &str, captures: &[CaptureEntry]) -> String {
    let rows: String = captures
        .iter()
        .rev()
        .map(|c| capture_row(c, public_url))
        .collect();
    layout(
        "Các lần lưu trữ – Tra cứu",
        &format!(
            r#"<h1>Các lần lưu trữ</h1><p>Địa chỉ gốc: <code>{}</code> — {} lần lưu trữ.</p><table class="meta-table"><thead><tr><th>Thời điểm thu thập</th><th>Mã trạng thái</th><th>Loại</th><th>Tải về</th></tr></thead><tbody>{rows}</tbody></table><p><a href="/">Về trang tìm kiếm</a></p>"#,
            escape(public_url),
            captures.len()
        ),
    )
}

/// The archive's 404 page: the URL as plain text (never a link to the live web) and the
/// nearest URLs the archive holds.
pub(crate) fn not_archived(
    public_url: &str,
    message: &str,
    nearest: &[(String, CaptureEntry)],
) -> String {
    let list = if nearest.is_empty() {
        String::new()
    } else {
        let items: String = nearest
            .iter()
            .map(|(public, capture)| {
                format!(
                    r#"<li><a href="{}">{}</a> <span class="meta">({})</span></li>"#,
                    escape(&capture_href(&capture.timestamp, "", public)),
                    escape(public),
                    escape(
                        &capture
                            .time()
                            .map_or_else(|| capture.timestamp.clone(), vn_time)
                    ),
                )
            })
            .collect();
        format!("<h2>Các địa chỉ gần nhất có trong kho lưu trữ</h2><ul>{items}</ul>")
    };
    layout(
        "Không có bản lưu trữ – Tra cứu",
        &format!(
            r#"<h1>Không có bản lưu trữ</h1><p class="error" role="alert">{}</p><p>Địa chỉ gốc: <code>{}</code></p>{list}<p><a href="/">Về trang tìm kiếm</a></p>"#,
            escape(message),
            escape(public_url),
        ),
    )
}
