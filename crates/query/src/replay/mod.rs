//! Replay of the web archive by URL and time, Wayback style:
//! `/luu-tru/{timestamp}{modifier}/{original URL}` finds the capture closest to the time in
//! the CDXJ index ([`index`]), redirects to its exact timestamp, resolves revisits, and serves
//! the page rewritten to stay inside the archive ([`rewrite`]) under a strict
//! Content-Security-Policy, with a banner ([`page`]). `id_` serves the original bytes;
//! `/luu-tru/*/{URL}` lists the captures; `/luu-tru/{record id}` redirects to the latest
//! capture of the record's page.

mod cdx;
mod index;
mod page;
mod rewrite;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use url::Url;

pub(crate) use cdx::{captures, cdx};
pub(crate) use index::{CaptureEntry, CaptureIndex};
pub(crate) use page::capture_href;

use crate::error::{AppError, Error};
use crate::pages_handlers::PageError;
use crate::state::AppState;

/// The route prefix of replay addresses.
pub(crate) const PREFIX: &str = "/luu-tru/";

/// The policy of every replayed response: no script at all, nothing from another origin,
/// no form submission, no plugin; `sandbox` without `allow-scripts` as a second lock.
pub(crate) const POLICY: &str = "default-src 'self' data:; script-src 'none'; object-src 'none'; \
     style-src 'self' 'unsafe-inline' data:; img-src 'self' data:; font-src 'self' data:; \
     media-src 'self' data:; frame-src 'self'; connect-src 'self'; form-action 'none'; \
     base-uri 'none'; frame-ancestors 'self'; sandbox allow-same-origin allow-popups \
     allow-downloads";

/// What a replay address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Address {
    /// `/luu-tru/{id}`: the latest capture of a record's page.
    Record(String),
    /// `/luu-tru/*/{url}`: the list of captures.
    List(String),
    /// `/luu-tru/{timestamp}{modifier}/{url}` (timestamp and modifier may be empty).
    Capture {
        timestamp: String,
        modifier: String,
        url: String,
    },
}

/// The modifiers understood (pywb's): page, original bytes, and hints for resources.
const MODIFIERS: &[&str] = &["mp_", "id_", "im_", "cs_", "js_", "if_", "fr_", "oe_"];

/// Splits a timestamp segment (`20240615083000`, `2024`, `20240615id_`, `id_`).
fn timestamp_segment(segment: &str) -> Option<(String, String)> {
    let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
    let (timestamp, modifier) = segment.split_at(digits);
    (digits <= 14 && !segment.is_empty() && (modifier.is_empty() || MODIFIERS.contains(&modifier)))
        .then(|| (timestamp.to_owned(), modifier.to_owned()))
}

/// The original URL of an address: a missing scheme means `http://`, slashes merged by a
/// proxy (`https:/host`) are put back, and the request's query string belongs to it.
fn original_url(raw: &str, query: Option<&str>) -> Option<String> {
    let mut url = raw.to_owned();
    let lower = url.to_ascii_lowercase();
    let scheme = ["http:", "https:"]
        .into_iter()
        .find(|s| lower.starts_with(s));
    url = match scheme {
        Some(s) => format!("{s}//{}", url[s.len()..].trim_start_matches('/')),
        None => format!("http://{}", url.trim_start_matches('/')),
    };
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    let parsed = Url::parse(&url).ok()?;
    (parsed.host_str().is_some_and(|h| !h.is_empty())).then(|| parsed.to_string())
}

fn parse_address(rest: &str, query: Option<&str>) -> Option<Address> {
    let (first, tail) = match rest.split_once('/') {
        Some((first, tail)) => (first, Some(tail)),
        None => (rest, None),
    };
    match tail {
        None if !first.is_empty() && query.is_none() => Some(Address::Record(first.to_owned())),
        None => None,
        Some(tail) if first == "*" => Some(Address::List(original_url(tail, query)?)),
        Some(tail) => match timestamp_segment(first) {
            Some((timestamp, modifier)) => Some(Address::Capture {
                timestamp,
                modifier,
                url: original_url(tail, query)?,
            }),
            // No timestamp: the whole path is the URL (its latest capture).
            None => Some(Address::Capture {
                timestamp: String::new(),
                modifier: String::new(),
                url: original_url(rest, query)?,
            }),
        },
    }
}

/// `GET /luu-tru/{*address}`.
pub(crate) async fn replay(State(state): State<AppState>, uri: Uri) -> Response {
    let rest = uri
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or_default()
        .to_owned();
    let query = uri.query().map(str::to_owned);
    let answer = tokio::task::spawn_blocking(move || answer(&state, &rest, query.as_deref())).await;
    match answer {
        Ok(Ok(response)) => response,
        Ok(Err(err)) => PageError::from(err).into_response(),
        Err(err) => PageError::from(err).into_response(),
    }
}

fn answer(state: &AppState, rest: &str, query: Option<&str>) -> Result<Response, AppError> {
    let Some(address) = parse_address(rest, query) else {
        return Ok(html_response(
            StatusCode::NOT_FOUND,
            page::not_archived(
                rest,
                "Địa chỉ lưu trữ không hợp lệ; dạng đúng là /luu-tru/{thời điểm}/{địa chỉ gốc}.",
                &[],
            ),
        ));
    };
    let index = state.capture_index();
    match address {
        Address::Record(id) => record(state, &index, &id),
        Address::List(url) => {
            let captures = index.captures(&url)?;
            if captures.is_empty() {
                return not_archived(&index, &url);
            }
            let public = index.public_url(&url);
            Ok(html_response(
                StatusCode::OK,
                page::capture_list(&public, &captures),
            ))
        }
        Address::Capture {
            timestamp,
            modifier,
            url,
        } => capture(&index, &timestamp, &modifier, &url),
    }
}

/// `/luu-tru/{id}`: redirects to the latest capture of the record's page.
fn record(state: &AppState, index: &CaptureIndex, id: &str) -> Result<Response, AppError> {
    let missing = || AppError::NotFound("Chưa có bản lưu trữ của trang này.".to_owned());
    let record = state.index()?.document(id)?.ok_or_else(missing)?;
    let captures = index.captures(&record.url)?;
    let latest = index::closest(&captures, None).ok_or_else(missing)?;
    Ok(redirect(&capture_href(
        &latest.timestamp,
        "",
        &index.public_url(&latest.url),
    )))
}

fn not_archived(index: &CaptureIndex, url: &str) -> Result<Response, AppError> {
    let nearest: Vec<(String, CaptureEntry)> = index
        .neighbours(url, 10)?
        .into_iter()
        .map(|c| (index.public_url(&c.url), c))
        .collect();
    Ok(html_response(
        StatusCode::NOT_FOUND,
        page::not_archived(
            &index.public_url(url),
            "Kho lưu trữ không có bản nào của địa chỉ này.",
            &nearest,
        ),
    ))
}

fn capture(
    index: &CaptureIndex,
    timestamp: &str,
    modifier: &str,
    url: &str,
) -> Result<Response, AppError> {
    let captures = index.captures(url)?;
    let Some(chosen) = index::closest(&captures, index::requested_time(timestamp)) else {
        return not_archived(index, url);
    };
    let public = index.public_url(&chosen.url);
    if chosen.timestamp != timestamp {
        return Ok(redirect(&capture_href(
            &chosen.timestamp,
            modifier,
            &public,
        )));
    }
    let payload = if chosen.is_revisit() {
        match index.resolve_revisit(chosen, &captures)? {
            Some(original) => original,
            None => {
                return Ok(html_response(
                    StatusCode::NOT_FOUND,
                    page::not_archived(
                        &public,
                        "Lần lưu trữ này ghi “không đổi” nhưng bản gốc không có trong kho.",
                        &[],
                    ),
                ));
            }
        }
    } else {
        chosen.clone()
    };
    let response = crawler::read_capture(&payload.file, payload.offset).map_err(Error::from)?;
    let position = captures.iter().position(|c| c == chosen).unwrap_or(0);
    let facts = page::BannerFacts {
        public_url: &public,
        time: chosen.time(),
        count: captures.len(),
        previous: position
            .checked_sub(1)
            .and_then(|p| captures.get(p))
            .map(|c| c.timestamp.as_str()),
        next: captures.get(position + 1).map(|c| c.timestamp.as_str()),
    };
    Ok(serve(index, chosen, modifier, &response, &facts))
}

/// The replayed response: redirects point back into the archive, HTML and CSS are rewritten,
/// anything else (and `id_`) is sent as archived.
fn serve(
    index: &CaptureIndex,
    chosen: &CaptureEntry,
    modifier: &str,
    response: &crawler::ArchivedResponse,
    facts: &page::BannerFacts<'_>,
) -> Response {
    let content_type = index::header(&response.headers, "content-type")
        .unwrap_or("application/octet-stream")
        .to_owned();
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let page_url = Url::parse(&response.url)
        .or_else(|_| Url::parse(&chosen.url))
        .ok();
    let public = |u: &Url| index.public_url(u.as_str());
    let urls = rewrite::UrlRewriter {
        prefix: PREFIX,
        timestamp: &chosen.timestamp,
        public: &public,
    };
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut out = if status.is_redirection()
        && let Some(location) = index::header(&response.headers, "location")
        && let Some(base) = &page_url
    {
        let mut out = Response::new(Body::empty());
        if let Some(target) = urls.rewrite(location, base, modifier)
            && let Ok(value) = HeaderValue::from_str(&ascii_url(&target))
        {
            out.headers_mut().insert(LOCATION, value);
        }
        out
    } else if modifier == "id_" {
        Response::new(Body::from(response.body.clone()))
    } else if let (true, Some(base)) = (
        mime == "text/html" || mime == "application/xhtml+xml",
        &page_url,
    ) {
        let html = crawler::crawl::decode_text(&response.body, Some(&content_type));
        let banner = matches!(modifier, "" | "mp_").then(|| page::banner(facts));
        match rewrite::rewrite_html(&html, base, &urls, banner.as_deref()) {
            Ok(page) => typed(page, "text/html; charset=utf-8"),
            Err(err) => {
                tracing::warn!(url = %chosen.url, error = %err, "cannot rewrite an archived page");
                typed(
                    page::not_archived(
                        facts.public_url,
                        "Không thể hiển thị bản lưu trữ này.",
                        &[],
                    ),
                    "text/html; charset=utf-8",
                )
            }
        }
    } else if let (true, Some(base)) = (mime == "text/css", &page_url) {
        let css = crawler::crawl::decode_text(&response.body, Some(&content_type));
        typed(urls.rewrite_css(&css, base), "text/css; charset=utf-8")
    } else {
        Response::new(Body::from(response.body.clone()))
    };
    *out.status_mut() = status;
    let headers = out.headers_mut();
    if !headers.contains_key(CONTENT_TYPE)
        && let Ok(value) = HeaderValue::from_str(&content_type)
    {
        headers.insert(CONTENT_TYPE, value);
    }
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if let Some(time) = chosen.time()
        && let Ok(value) =
            HeaderValue::from_str(&time.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        headers.insert("memento-datetime", value);
    }
    out
}

fn typed(body: String, content_type: &'static str) -> Response {
    let mut out = Response::new(Body::from(body));
    out.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    out
}

/// A URL safe for a `Location` header (bytes outside visible ASCII percent-encoded).
fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A 302 to `target` (a capture at its exact time: the address bar becomes a permalink).
fn redirect(target: &str) -> Response {
    let mut out = Response::new(Body::empty());
    *out.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(&ascii_url(target)) {
        out.headers_mut().insert(LOCATION, value);
    }
    out
}

fn html_response(status: StatusCode, page: String) -> Response {
    let mut out = typed(page, "text/html; charset=utf-8");
    *out.status_mut() = status;
    out.headers_mut()
        .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(ts: &str, modifier: &str, url: &str) -> Option<Address> {
        Some(Address::Capture {
            timestamp: ts.into(),
            modifier: modifier.into(),
            url: url.into(),
        })
    }

    #[test]
    fn addresses_are_parsed_like_pywb() {
        let h = "https://thanuyen.laichau.gov.vn";
        assert_eq!(
            parse_address("laws-88", None),
            Some(Address::Record("laws-88".into()))
        );
        assert_eq!(
            parse_address(&format!("20240615083000/{h}/laws/"), None),
            capture("20240615083000", "", &format!("{h}/laws/"))
        );
        assert_eq!(
            parse_address(
                &format!("2024id_/{h}/laws/detail/A-1/"),
                Some("download=1&id=0")
            ),
            capture(
                "2024",
                "id_",
                &format!("{h}/laws/detail/A-1/?download=1&id=0")
            )
        );
        assert_eq!(
            parse_address("2024/https:/thanuyen.laichau.gov.vn/", None),
            capture("2024", "", &format!("{h}/"))
        );
        assert_eq!(
            parse_address("2024/thanuyen.laichau.gov.vn/tin-tuc", None),
            capture("2024", "", "http://thanuyen.laichau.gov.vn/tin-tuc")
        );
        assert_eq!(
            parse_address(&format!("{h}/laws/"), None),
            capture("", "", &format!("{h}/laws/"))
        );
        assert_eq!(
            parse_address(&format!("*/{h}/laws/"), None),
            Some(Address::List(format!("{h}/laws/")))
        );
        assert_eq!(parse_address("", None), None);
        assert_eq!(parse_address("2024/", None), None);
        assert_eq!(
            parse_address("2024xx_/a", None),
            capture("", "", "http://2024xx_/a")
        );
    }
}
