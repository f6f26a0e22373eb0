//! Reading a fetched payload once: content-encoding removed, charset decoded (HTTP header,
//! then `<meta charset>` prescan, then detection), HTML parsed a single time into what the
//! crawl needs (flood page, record, links), sitemaps and feeds read for their links.

use std::time::Duration;

use url::Url;

use crate::extract::{self, Extracted, Links};

/// Decodes an HTML/XML payload (content-encoding removed) to NFC text, honouring the HTTP
/// charset, then a `<meta charset>` prescan, then detection.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    let has_charset = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("charset="));
    if has_charset {
        return vietnamese::decode(body, content_type).text;
    }
    let head = &body[..body.len().min(2048)];
    let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(pos) = head_text.find("charset=") {
        let rest = &head_text[pos + 8..];
        let label: String = rest
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !label.is_empty() && encoding_is_known(&label) {
            return vietnamese::decode(body, Some(&format!("text/html; charset={label}"))).text;
        }
    }
    vietnamese::decode(body, content_type).text
}

fn encoding_is_known(label: &str) -> bool {
    // vietnamese::decode resolves labels with encoding_rs; the common ones suffice here.
    matches!(
        label,
        "utf-8"
            | "utf8"
            | "windows-1258"
            | "cp1258"
            | "windows-1252"
            | "iso-8859-1"
            | "latin1"
            | "us-ascii"
            | "ascii"
            | "utf-16"
            | "utf-16le"
            | "utf-16be"
            | "x-cp1258"
    )
}

/// Reads `<loc>`/`<lastmod>` pairs from a sitemap or sitemap index, and `<link>`/`<guid>`
/// from RSS/Atom. Returns `(is_sitemap_index, entries)`.
pub(crate) fn parse_xml_links(xml: &str) -> (bool, Vec<(String, Option<String>)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut is_index = false;
    let mut out = Vec::new();
    let mut loc: Option<String> = None;
    let mut lastmod: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "sitemapindex" {
                    is_index = true;
                }
                stack.push(name);
                text.clear();
            }
            Ok(Event::Empty(e)) => {
                // Atom: <link href="..."/>
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "link" {
                    let rel = e
                        .try_get_attribute("rel")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if rel.as_deref().is_none_or(|r| r == "alternate")
                        && let Ok(Some(h)) = e.try_get_attribute("href")
                    {
                        out.push((String::from_utf8_lossy(&h.value).into_owned(), None));
                    }
                }
            }
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::CData(t)) => text.push_str(&String::from_utf8_lossy(&t.into_inner())),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = String::from_utf8_lossy(&r.into_inner()).into_owned();
                    text.push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(_)) => {
                let name = stack.pop().unwrap_or_default();
                let value = text.trim().to_string();
                match name.as_str() {
                    "loc" => loc = Some(value),
                    "lastmod" => lastmod = Some(value),
                    "link" if stack.iter().any(|s| s == "item" || s == "entry") => {
                        out.push((value, None))
                    }
                    "url" | "sitemap" => {
                        if let Some(l) = loc.take() {
                            out.push((l, lastmod.take()));
                        }
                        lastmod = None;
                    }
                    _ => {}
                }
                text.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (is_index, out)
}

/// "Hãy đợi N giây" on the flood page.
pub(crate) fn flood_wait(html: &str) -> Option<Duration> {
    let pos = html.find("Hãy đợi")?;
    let rest = &html[pos + "Hãy đợi".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(Duration::from_secs)
}

/// What one read of a payload gives the crawl.
#[derive(Debug)]
pub(crate) enum Page {
    /// An HTML page: its classification (with the record of a detail page) and its links.
    Html {
        /// What [`extract::extract`] says.
        extracted: Extracted,
        /// What [`extract::extract_links`] says.
        links: Links,
        /// Its page requisites ([`crate::requisites`]): stylesheets, images, fonts, scripts.
        requisites: Vec<String>,
    },
    /// A stylesheet, with what it imports or references with `url()`.
    Css {
        /// Absolute URLs of its requisites.
        requisites: Vec<String>,
    },
    /// NukeViet's flood page (whatever its status), with the wait it asks for.
    Flood(Option<Duration>),
    /// A sitemap, sitemap index or feed.
    Xml {
        /// Whether it is a sitemap index (its entries are sitemaps).
        is_index: bool,
        /// Whether it is an RSS/Atom feed.
        is_feed: bool,
        /// `(loc, lastmod)` entries.
        entries: Vec<(String, Option<String>)>,
    },
    /// Anything else (attachments, images): archived, not read.
    Other,
}

impl Page {
    /// Reads a decoded payload (`body` without content-encoding). `expect_xml` is set for
    /// URLs queued as sitemaps or feeds.
    pub(crate) fn read(
        url: &Url,
        content_type: Option<&str>,
        body: &[u8],
        expect_xml: bool,
    ) -> Page {
        if is_html(content_type, body) {
            let html = decode_text(body, content_type);
            let (extracted, links, requisites) = extract::extract_all(url.as_str(), &html);
            if extracted == Extracted::FloodPage {
                return Page::Flood(flood_wait(&html));
            }
            return Page::Html {
                extracted,
                links,
                requisites,
            };
        }
        if is_css(content_type) {
            let css = decode_text(body, content_type);
            return Page::Css {
                requisites: crate::requisites::from_css(url.as_str(), &css),
            };
        }
        if expect_xml || is_xml(content_type, url, body) {
            let mut xml_bytes = std::borrow::Cow::Borrowed(body);
            if body.starts_with(&[0x1f, 0x8b]) {
                let mut out = Vec::new();
                use std::io::Read;
                if flate2::read::MultiGzDecoder::new(body)
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    xml_bytes = std::borrow::Cow::Owned(out);
                }
            }
            let text = decode_text(&xml_bytes, content_type);
            let (is_index, entries) = parse_xml_links(&text);
            let is_feed = text.contains("<rss") || text.contains("<feed");
            return Page::Xml {
                is_index,
                is_feed,
                entries,
            };
        }
        Page::Other
    }
}

/// Whether a payload is HTML (by Content-Type, or by its first bytes when none is given).
pub(crate) fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || (ct.starts_with("text/plain") && body.starts_with(b"<"))
        }
        None => {
            let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            head.contains("<html") || head.contains("<!doctype html")
        }
    }
}

/// Whether a payload is a stylesheet (by Content-Type).
fn is_css(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| c.to_ascii_lowercase().contains("text/css"))
}

fn is_xml(content_type: Option<&str>, url: &Url, body: &[u8]) -> bool {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    ct.contains("xml")
        || url.path().ends_with(".xml")
        || url.path().ends_with(".xml.gz")
        || body.starts_with(b"<?xml")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sitemap_index_and_urlset() {
        let idx = r#"<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="/assets/css/sitemapindex.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://p.vn/sitemap-vi.news.xml</loc></sitemap>
<sitemap><loc>https://p.vn/sitemap-vi.laws.xml</loc></sitemap></sitemapindex>"#;
        let (is_index, e) = parse_xml_links(idx);
        assert!(is_index);
        assert_eq!(e.len(), 2);
        let set = r#"<urlset><url><loc>https://p.vn/news/a-1.html?x=1&amp;y=2</loc><lastmod>2023-08-29T09:18:00+07:00</lastmod></url></urlset>"#;
        let (is_index, e) = parse_xml_links(set);
        assert!(!is_index);
        assert_eq!(
            e,
            vec![(
                "https://p.vn/news/a-1.html?x=1&y=2".to_string(),
                Some("2023-08-29T09:18:00+07:00".to_string())
            )]
        );
    }

    #[test]
    fn rss_items() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title><link>https://p.vn/</link><item><title>[140&#x002F;NQ-HĐND] X</title><link>https://p.vn/laws/detail/X-57/</link><guid isPermaLink=\"false\"><![CDATA[ laws_57 ]]></guid></item></channel></rss>";
        let (_, e) = parse_xml_links(rss);
        assert_eq!(
            e,
            vec![("https://p.vn/laws/detail/X-57/".to_string(), None)]
        );
    }

    #[test]
    fn meta_charset_prescan() {
        use unicode_normalization::UnicodeNormalization;
        let page: String = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body>Thủy</body></html>".nfd().collect();
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&page);
        assert!(!unmappable);
        let text = decode_text(&bytes, Some("text/html"));
        assert!(text.contains("Thủy"), "{text}");
    }

    #[test]
    fn html_and_css_give_their_requisites_from_one_read() {
        let url = Url::parse("http://h/tin-tuc/chao-mung-1.html").unwrap();
        let html = "<html><head><link rel=\"stylesheet\" href=\"/themes/default/css/style.css\"></head><body><h1>Chào mừng Đại hội</h1><img src=\"/uploads/ảnh-đại-hội.jpg\"><a href=\"/tin-tuc/\">Tin tức</a></body></html>";
        match Page::read(
            &url,
            Some("text/html; charset=utf-8"),
            html.as_bytes(),
            false,
        ) {
            Page::Html {
                links, requisites, ..
            } => {
                assert_eq!(
                    requisites,
                    vec![
                        "http://h/themes/default/css/style.css",
                        "http://h/uploads/%E1%BA%A3nh-%C4%91%E1%BA%A1i-h%E1%BB%99i.jpg"
                    ]
                );
                assert!(links.links.iter().any(|l| l == "http://h/tin-tuc/"));
            }
            other => panic!("{other:?}"),
        }
        let sheet = Url::parse("http://h/themes/default/css/style.css").unwrap();
        let css = b"@import 'font.css'; body{background:url(../images/nen.png)}";
        match Page::read(&sheet, Some("text/css"), css, false) {
            Page::Css { requisites } => assert_eq!(
                requisites,
                vec![
                    "http://h/themes/default/css/font.css",
                    "http://h/themes/default/images/nen.png"
                ]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flood_page_with_200_is_read_as_flood() {
        let html = "<html><head><title>Hãy đợi 30 giây</title></head><body><p>Hãy đợi 30 giây</p></body></html>";
        let url = Url::parse("http://h/").unwrap();
        match Page::read(
            &url,
            Some("text/html; charset=utf-8"),
            html.as_bytes(),
            false,
        ) {
            Page::Flood(wait) => assert_eq!(wait, Some(Duration::from_secs(30))),
            other => panic!("{other:?}"),
        }
    }
}
