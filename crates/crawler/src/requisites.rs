//! Page requisites: the URLs an archived page needs to render (stylesheets and what they
//! `@import` or reference with `url()`, images with `srcset` and CSS backgrounds, favicons,
//! fonts, scripts), found in HTML and CSS as wget `--page-requisites` and Heritrix do. The
//! replay's rewriter uses the same CSS and `srcset` scanners, so what is archived and what is
//! replayed agree.

use std::ops::Range;

use scraper::{Html, Selector};
use url::Url;

/// One URL referenced by a stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CssRef {
    /// The bytes to replace to point the reference elsewhere: the whole `url(…)`, or the
    /// quoted string of an `@import "…"`.
    pub range: Range<usize>,
    /// The URL as written (quotes removed, not resolved).
    pub url: String,
    /// Whether it is an `@import` (a stylesheet) rather than a `url()` (any resource).
    pub import: bool,
}

/// Every `url(…)` and `@import "…"` of a stylesheet, in order. Comments are skipped.
pub fn css_references(css: &str) -> Vec<CssRef> {
    let bytes = css.as_bytes();
    let lower = css.to_ascii_lowercase();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if lower[i..].starts_with("/*") {
            i = lower[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |end| i + 2 + end + 2);
            continue;
        }
        if lower[i..].starts_with("url(") {
            let inner = i + 4;
            let Some(close) = css[inner..].find(')') else {
                break;
            };
            let raw = css[inner..inner + close].trim();
            let url = raw
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| raw.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(raw);
            refs.push(CssRef {
                range: i..inner + close + 1,
                url: url.to_owned(),
                import: lower[..i].trim_end().ends_with("@import"),
            });
            i = inner + close + 1;
            continue;
        }
        if lower[i..].starts_with("@import") {
            let after = i + "@import".len();
            let start = after + (css[after..].len() - css[after..].trim_start().len());
            if let Some(quote) = css[start..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = css[start + 1..].find(quote)
            {
                refs.push(CssRef {
                    range: start..start + 1 + end + 1,
                    url: css[start + 1..start + 1 + end].to_owned(),
                    import: true,
                });
                i = start + 1 + end + 1;
                continue;
            }
            i = after;
            continue;
        }
        i += css[i..].chars().next().map_or(1, char::len_utf8);
    }
    refs
}

/// The candidates of a `srcset` attribute: (URL, descriptor), split as the HTML standard does.
pub fn parse_srcset(srcset: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let mut url = &rest[..end];
        rest = &rest[end..];
        let mut descriptor = "";
        if let Some(stripped) = url.strip_suffix(',') {
            url = stripped.trim_end_matches(',');
        } else {
            let stop = rest.find(',').unwrap_or(rest.len());
            descriptor = rest[..stop].trim();
            rest = &rest[stop..];
        }
        out.push((url.to_owned(), descriptor.to_owned()));
    }
    out
}

fn resolve(base: &Url, raw: &str, out: &mut Vec<String>) {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with('#') || raw.to_ascii_lowercase().starts_with("data:") {
        return;
    }
    if let Ok(mut u) = base.join(raw)
        && matches!(u.scheme(), "http" | "https")
    {
        u.set_fragment(None);
        let s = u.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// The requisites of an HTML page at `page_url` (absolute, fragments removed, each once).
pub fn from_html(page_url: &str, html: &str) -> Vec<String> {
    let Ok(page) = Url::parse(page_url) else {
        return Vec::new();
    };
    from_doc(&Html::parse_document(html), &page)
}

/// The requisites of an already parsed HTML page at `page`.
pub(crate) fn from_doc(doc: &Html, page: &Url) -> Vec<String> {
    let page = page.clone();
    let base = doc
        .select(&selector("base[href]"))
        .next()
        .and_then(|b| page.join(b.value().attr("href")?.trim()).ok())
        .unwrap_or(page);
    let mut out = Vec::new();
    for link in doc.select(&selector("link[href]")) {
        let rel = link.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        let wanted = rel.split_whitespace().any(|r| {
            matches!(
                r,
                "stylesheet" | "icon" | "apple-touch-icon" | "preload" | "modulepreload"
            )
        });
        if wanted && let Some(href) = link.value().attr("href") {
            resolve(&base, href, &mut out);
        }
    }
    for (css, attr) in [
        ("script[src]", "src"),
        ("img[src]", "src"),
        ("input[type=image][src]", "src"),
        ("source[src]", "src"),
        ("video[poster]", "poster"),
        ("[background]", "background"),
    ] {
        for el in doc.select(&selector(css)) {
            if let Some(v) = el.value().attr(attr) {
                resolve(&base, v, &mut out);
            }
        }
    }
    for el in doc.select(&selector("img[srcset], source[srcset]")) {
        for (url, _) in parse_srcset(el.value().attr("srcset").unwrap_or("")) {
            resolve(&base, &url, &mut out);
        }
    }
    for el in doc.select(&selector("[style]")) {
        for r in css_references(el.value().attr("style").unwrap_or("")) {
            resolve(&base, &r.url, &mut out);
        }
    }
    for el in doc.select(&selector("style")) {
        let text: String = el.text().collect();
        for r in css_references(&text) {
            resolve(&base, &r.url, &mut out);
        }
    }
    out
}

/// The requisites of a stylesheet at `sheet_url`: its imports, images and fonts.
pub fn from_css(sheet_url: &str, css: &str) -> Vec<String> {
    let Ok(base) = Url::parse(sheet_url) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in css_references(css) {
        resolve(&base, &r.url, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_references_cover_url_and_import_forms() {
        let css = "/* url(bo-qua.png) */@import \"reset.css\";\n@import url('in.css') print;\nbody{background:url(../images/nen.png)}\n.a{background-image:URL( \"/uploads/logo.svg\" )}\n@font-face{src:url(../fonts/Roboto.woff2?v=1) format('woff2')}";
        let refs = css_references(css);
        let urls: Vec<(&str, bool)> = refs.iter().map(|r| (r.url.as_str(), r.import)).collect();
        assert_eq!(
            urls,
            vec![
                ("reset.css", true),
                ("in.css", true),
                ("../images/nen.png", false),
                ("/uploads/logo.svg", false),
                ("../fonts/Roboto.woff2?v=1", false),
            ]
        );
        assert_eq!(&css[refs[0].range.clone()], "\"reset.css\"");
        assert_eq!(&css[refs[1].range.clone()], "url('in.css')");
        assert_eq!(&css[refs[3].range.clone()], "URL( \"/uploads/logo.svg\" )");
    }

    #[test]
    fn srcset_is_split_like_browsers_do() {
        assert_eq!(
            parse_srcset("a.jpg 480w, b,c.jpg 2x,d.jpg"),
            vec![
                ("a.jpg".to_owned(), "480w".to_owned()),
                ("b,c.jpg".to_owned(), "2x".to_owned()),
                ("d.jpg".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn html_requisites_are_absolute_and_listed_once() {
        let html = r#"<html><head><base href="/themes/default/">
<link rel="stylesheet" href="css/style.css"><link rel="shortcut icon" href="/favicon.ico">
<link rel="alternate" type="application/rss+xml" href="/rss/"><script src="js/main.js"></script>
<style>.banner{background:url(images/banner.jpg)}</style></head>
<body style="background-image:url('/uploads/nen.png')"><img src="images/logo.png" srcset="images/logo.png 1x, images/logo@2x.png 2x">
<picture><source srcset="/uploads/anh.webp"><img src="/uploads/anh.jpg"></picture>
<img src="data:image/gif;base64,R0lGOD"><a href="/tin-tuc/">Tin tức</a></body></html>"#;
        let found = from_html("https://thanuyen.laichau.gov.vn/tin-tuc/a-1.html", html);
        let h = "https://thanuyen.laichau.gov.vn";
        let want: Vec<String> = [
            "/themes/default/css/style.css",
            "/favicon.ico",
            "/themes/default/js/main.js",
            "/themes/default/images/logo.png",
            "/uploads/anh.jpg",
            "/themes/default/images/logo@2x.png",
            "/uploads/anh.webp",
            "/uploads/nen.png",
            "/themes/default/images/banner.jpg",
        ]
        .iter()
        .map(|p| format!("{h}{p}"))
        .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn css_requisites_resolve_against_the_stylesheet() {
        let found = from_css(
            "https://thanuyen.laichau.gov.vn/themes/default/css/style.css",
            "@import 'font.css'; body{background:url(../images/bg.png)} i{background:url(data:x)}",
        );
        assert_eq!(
            found,
            vec![
                "https://thanuyen.laichau.gov.vn/themes/default/css/font.css",
                "https://thanuyen.laichau.gov.vn/themes/default/images/bg.png",
            ]
        );
    }
}
