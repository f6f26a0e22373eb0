//! URL identity: canonicalisation, NukeViet `(module, id)` keys, scope and SURT keys.
//!
//! NukeViet serves the same article under several URLs (query form, `/vi/` prefix, tracking
//! parameters, secondary categories; NUKEVIET.md §12). The crawler keys its frontier by the
//! canonical URL string and, for detail pages, by a `(module kind, numeric id)` key.

use url::Url;

/// Query parameters that never change content and are dropped from canonical URLs.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "zarsrc"
                | "zalo_source"
                | "_ga"
                | "ref"
                | "mc_cid"
                | "mc_eid"
        )
}

/// Canonical form of a URL for deduplication: no fragment, no tracking parameters, lowercase
/// host (done by `url`), default port dropped (done by `url`), empty query removed.
///
/// Parameter order is kept: NukeViet's rewriter depends on `language`, `nv`, `op` order.
pub fn canonicalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    u
}

/// The NukeViet `op` of a URL: the **last** `op` query parameter (PHP semantics, NUKEVIET.md §3
/// quirks), or `None` for friendly URLs.
fn last_op(url: &Url) -> Option<String> {
    url.query_pairs()
        .filter(|(k, _)| k == "op")
        .map(|(_, v)| v.into_owned())
        .last()
}

/// The trailing numeric id of a NukeViet detail URL: `.../<alias>-<id>.html` (news) or
/// `.../detail/<alias>-<id>/` (laws), friendly or query form.
pub fn trailing_id(url: &Url) -> Option<u64> {
    let op = last_op(url);
    let path = op.as_deref().unwrap_or(url.path());
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let last = last.strip_suffix(".html").unwrap_or(last);
    let (_, digits) = last.rsplit_once('-')?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether the URL is a laws document detail page (`detail/<alias>-<id>`).
pub fn is_laws_detail(url: &Url) -> bool {
    let op = last_op(url);
    let path = op.as_deref().unwrap_or(url.path());
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    segs.len() >= 2
        && segs[segs.len() - 2].eq_ignore_ascii_case("detail")
        && trailing_id(url).is_some()
}

/// Whether the URL is a news article page (`<cat>/<alias>-<id>.html`).
pub fn is_news_detail(url: &Url) -> bool {
    let op = last_op(url);
    let path = op.as_deref().unwrap_or(url.path());
    path.ends_with(".html") && trailing_id(url).is_some()
}

/// Whether the URL downloads an attachment (`?download=1&id=N`).
pub fn is_attachment(url: &Url) -> bool {
    url.query_pairs().any(|(k, v)| k == "download" && v == "1")
}

/// The identity key of a URL in the frontier: `news:<id>` / `laws:<id>` for detail pages,
/// `file:<detail key>:<n>` for attachment downloads, otherwise the canonical URL string.
pub fn url_key(url: &Url) -> String {
    let c = canonicalize(url);
    if is_attachment(&c) {
        let n = c
            .query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let mut page = c.clone();
        let rest: Vec<(String, String)> = c
            .query_pairs()
            .filter(|(k, _)| k != "download" && k != "id")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if rest.is_empty() {
            page.set_query(None);
        } else {
            page.query_pairs_mut().clear().extend_pairs(rest);
        }
        return format!("file:{}:{n}", url_key(&page));
    }
    let has_extra_query = c
        .query_pairs()
        .any(|(k, _)| !matches!(k.as_ref(), "language" | "nv" | "op"));
    if !has_extra_query && let Some(id) = trailing_id(&c) {
        if is_laws_detail(&c) {
            return format!("laws:{id}");
        }
        if is_news_detail(&c) {
            return format!("news:{id}");
        }
    }
    c.to_string()
}

/// The origin (`scheme://host[:port]`) of a URL.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Rewrites a URL from one origin to another (public portal URL -> local mirror, and back).
/// Returns `None` when the URL is not on `from`.
pub fn map_origin(url: &Url, from: &Url, to: &Url) -> Option<Url> {
    if origin(url) != origin(from) {
        return None;
    }
    let mut u = url.clone();
    u.set_scheme(to.scheme()).ok()?;
    u.set_host(to.host_str()).ok()?;
    u.set_port(to.port()).ok()?;
    Some(u)
}

/// A simple wildcard pattern: `*` matches any run of characters; a pattern without `*` matches
/// as a substring.
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return text.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !text.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if let Some(found) = text[pos..].find(part) {
            pos += found + part.len();
        } else {
            return false;
        }
    }
    parts
        .last()
        .is_none_or(|l| l.is_empty() || text.ends_with(l))
}

/// The SURT form of a URL used as CDXJ key: `vn,gov,laichau,thanuyen)/path?query`
/// (scheme dropped, host labels reversed, `www` dropped, lowercase, query sorted).
pub fn surt(url: &str) -> String {
    let Ok(u) = Url::parse(url) else {
        return url.to_lowercase();
    };
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.reverse();
    let mut key = labels.join(",");
    if let Some(port) = u.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push(')');
    // Like the Python `surt` package that pywb and cdxj-indexer use: a trailing slash is
    // dropped (except for the root), so both sides compute the same key for a lookup.
    let path = u.path().to_lowercase();
    key.push_str(match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => &path,
    });
    if let Some(q) = u.query() {
        let mut pairs: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
        pairs.sort_unstable();
        if !pairs.is_empty() {
            key.push('?');
            key.push_str(&pairs.join("&").to_lowercase());
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn strips_tracking_and_fragment() {
        let c = canonicalize(&u("https://Example.VN/news/a-1.html?utm_source=fb&x=2#top"));
        assert_eq!(c.as_str(), "https://example.vn/news/a-1.html?x=2");
        let c = canonicalize(&u("https://example.vn/news/a-1.html?fbclid=abc"));
        assert_eq!(c.as_str(), "https://example.vn/news/a-1.html");
    }

    #[test]
    fn keys_by_module_and_id() {
        let a = url_key(&u("https://h.vn/vi/news/tin-tuc/bai-viet-12.html"));
        let b = url_key(&u("https://h.vn/news/khac/bai-viet-12.html?utm_x=1"));
        let c = url_key(&u(
            "https://h.vn/index.php?language=vi&nv=news&op=tin-tuc/bai-viet-12.html",
        ));
        assert_eq!(a, "news:12");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            url_key(&u("https://h.vn/laws/detail/Nghi-quyet-140-7/")),
            "laws:7"
        );
        let q = u("https://h.vn/index.php?language=vi&nv=laws&op=detail/A-1&op=detail/B-2");
        assert_eq!(url_key(&q), "laws:2");
        assert_eq!(
            url_key(&u("https://h.vn/news/tin-tuc/")),
            "https://h.vn/news/tin-tuc/"
        );
        assert_eq!(
            url_key(&u("https://h.vn/news/tin-tuc/page-2/")),
            "https://h.vn/news/tin-tuc/page-2/"
        );
    }

    #[test]
    fn attachment_keys() {
        let k = url_key(&u("https://h.vn/laws/detail/A-7/?download=1&id=0"));
        assert_eq!(k, "file:laws:7:0");
        assert!(is_attachment(&u(
            "https://h.vn/laws/detail/A-7/?download=1&id=0"
        )));
    }

    #[test]
    fn maps_origins() {
        let public = u("https://thanuyen.laichau.gov.vn/");
        let local = u("http://127.0.0.1:8080/");
        let m = map_origin(
            &u("https://thanuyen.laichau.gov.vn/news/a-1.html?x=1"),
            &public,
            &local,
        )
        .unwrap();
        assert_eq!(m.as_str(), "http://127.0.0.1:8080/news/a-1.html?x=1");
        assert!(map_origin(&u("https://other.vn/"), &public, &local).is_none());
    }

    #[test]
    fn wildcard_patterns() {
        assert!(pattern_matches("/print/", "https://h/news/print/a-1.html"));
        assert!(pattern_matches(
            "*second=cronjobs*",
            "https://h/index.php?second=cronjobs&p=1"
        ));
        assert!(pattern_matches(
            "https://h/*.pdf",
            "https://h/uploads/a.pdf"
        ));
        assert!(!pattern_matches(
            "https://h/*.pdf",
            "https://h/uploads/a.doc"
        ));
    }

    #[test]
    fn surt_keys() {
        assert_eq!(
            surt("https://www.thanuyen.laichau.gov.vn/News/a-1.html?b=2&a=1"),
            "vn,gov,laichau,thanuyen)/news/a-1.html?a=1&b=2"
        );
        assert_eq!(surt("http://127.0.0.1:8080/"), "1,0,0,127:8080)/");
        assert_eq!(
            surt("https://thanuyen.laichau.gov.vn/laws/detail/A-88/"),
            "vn,gov,laichau,thanuyen)/laws/detail/a-88"
        );
    }
}
