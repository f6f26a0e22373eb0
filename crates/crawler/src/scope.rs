//! What the crawl fetches: maps links on the public origin to the fetch origin (a mirror),
//! applies never-request, include and exclude patterns, drops static assets, and classifies
//! the URL kinds of the frontier.

use url::Url;

use crate::canon;
use crate::config::CrawlerConfig;
use crate::state::UrlKind;

const SKIP_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "css", "js", "woff", "woff2", "ttf",
    "eot", "mp3", "mp4", "avi", "mov", "wmv", "flv", "swf", "map",
];
const DOC_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "rtf", "zip", "rar", "7z",
];

/// A URL found on a page, ready for the frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Discovery {
    /// Identity key.
    pub(crate) key: String,
    /// URL to fetch.
    pub(crate) url: String,
    /// Kind.
    pub(crate) kind: UrlKind,
    /// Sitemap `<lastmod>`.
    pub(crate) lastmod: Option<String>,
}

/// The crawl's scope.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Fetch origin and path prefix.
    pub(crate) base: Url,
    /// The public origin, when `base` is a mirror of it.
    pub(crate) public: Option<Url>,
    never_request: Vec<String>,
    include: Vec<String>,
    exclude: Vec<String>,
    fetch_attachments: bool,
}

fn extension(url: &Url) -> Option<String> {
    let last = url.path().rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

impl Scope {
    /// The scope of a configuration.
    pub(crate) fn new(config: &CrawlerConfig, base: Url, public: Option<Url>) -> Self {
        Self {
            base,
            public,
            never_request: config.never_request.clone(),
            include: config.include.clone(),
            exclude: config.exclude.clone(),
            fetch_attachments: config.fetch_attachments,
        }
    }

    /// Maps a URL found on a page to the URL we fetch (public origin -> base), or `None` when
    /// it is off-site.
    pub(crate) fn to_fetch_url(&self, u: &Url) -> Option<Url> {
        if canon::origin(u) == canon::origin(&self.base) {
            return Some(u.clone());
        }
        let public = self.public.as_ref()?;
        canon::map_origin(u, public, &self.base)
    }

    fn in_scope(&self, u: &Url) -> bool {
        let s = u.as_str();
        let any = |patterns: &[String]| patterns.iter().any(|p| canon::pattern_matches(p, s));
        !any(&self.never_request)
            && !any(&self.exclude)
            && (self.include.is_empty() || any(&self.include))
            && u.path().starts_with(self.base.path())
    }

    /// A page requisite (stylesheet, image, font, script): fetched once through the same
    /// queue whatever its extension, when it is on the site and in scope.
    pub(crate) fn discover_requisite(&self, raw: &str) -> Option<Discovery> {
        let mut u = self.to_fetch_url(&Url::parse(raw.trim()).ok()?)?;
        u.set_fragment(None);
        let u = canon::canonicalize(&u);
        self.in_scope(&u).then(|| Discovery {
            key: canon::url_key(&u),
            url: u.to_string(),
            kind: UrlKind::Requisite,
            lastmod: None,
        })
    }

    /// Classifies and filters a discovered link.
    pub(crate) fn discover(
        &self,
        raw: &str,
        hint: Option<UrlKind>,
        lastmod: Option<String>,
    ) -> Option<Discovery> {
        let parsed = Url::parse(raw.trim()).ok()?;
        let mut u = self.to_fetch_url(&parsed)?;
        u.set_fragment(None);
        let u = canon::canonicalize(&u);
        if !self.in_scope(&u) {
            return None;
        }
        let ext = extension(&u);
        if ext.as_deref().is_some_and(|e| SKIP_EXTENSIONS.contains(&e)) {
            return None;
        }
        let kind = if canon::is_attachment(&u)
            || ext.as_deref().is_some_and(|e| DOC_EXTENSIONS.contains(&e))
        {
            if !self.fetch_attachments {
                return None;
            }
            UrlKind::Attachment
        } else if let Some(h) = hint {
            h
        } else if canon::is_news_detail(&u) || canon::is_laws_detail(&u) {
            UrlKind::Detail
        } else {
            UrlKind::Listing
        };
        Some(Discovery {
            key: canon::url_key(&u),
            url: u.to_string(),
            kind,
            lastmod,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_links_map_to_the_mirror_and_assets_are_dropped() {
        let config = CrawlerConfig {
            base_url: "http://127.0.0.1:8080/".into(),
            ..CrawlerConfig::default()
        };
        let scope = Scope::new(
            &config,
            Url::parse(&config.base_url).unwrap(),
            Url::parse("https://thanuyen.laichau.gov.vn/").ok(),
        );
        let d = scope
            .discover(
                "https://thanuyen.laichau.gov.vn/chinh-tri/than-uyen-2150.html#top",
                None,
                None,
            )
            .unwrap();
        assert_eq!(d.url, "http://127.0.0.1:8080/chinh-tri/than-uyen-2150.html");
        assert_eq!(d.kind, UrlKind::Detail);
        assert!(
            scope
                .discover("https://example.org/x", None, None)
                .is_none()
        );
        assert!(
            scope
                .discover("http://127.0.0.1:8080/themes/a.css", None, None)
                .is_none()
        );
        assert!(
            scope
                .discover("http://127.0.0.1:8080/print/x", None, None)
                .is_none()
        );
        let css = scope
            .discover_requisite("https://thanuyen.laichau.gov.vn/themes/default/css/style.css")
            .unwrap();
        assert_eq!(
            css.url,
            "http://127.0.0.1:8080/themes/default/css/style.css"
        );
        assert_eq!(css.kind, UrlKind::Requisite);
        assert!(
            scope
                .discover_requisite("https://cdn.example.org/jquery.js")
                .is_none()
        );
        let pdf = scope
            .discover("http://127.0.0.1:8080/uploads/140-NQ-HDND.pdf", None, None)
            .unwrap();
        assert_eq!(pdf.kind, UrlKind::Attachment);
    }
}
