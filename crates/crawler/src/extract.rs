//! Extraction of typed records from NukeViet pages with the template selectors of
//! NUKEVIET.md §6, §7 and the §14 cheat sheet, with label- and itemprop-based fallbacks.
//!
//! [`extract`] classifies a page (news article, legal document, listing, flood page, error
//! page) and, for detail pages, returns a filled [`Record`]. [`extract_links`] returns the
//! page's outlinks for discovery. Both are pure functions of `(url, html)`.

use chrono::FixedOffset;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use crate::canon;
use crate::dates;
use crate::record::{Attachment, Kind, Record};

/// What a page is, and the record it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Extracted {
    /// A news article detail page.
    News(Box<Record>),
    /// A legal document (laws module) detail page.
    Legal(Box<Record>),
    /// A listing or navigation page (category, laws list, tag, home): links only.
    Listing,
    /// NukeViet's flood-blocker page ("Hãy đợi..."), whatever its HTTP status. Never index it.
    FloodPage,
    /// An error or info page ("Lỗi truy cập 404", "Bạn không được phép xem...").
    ErrorPage,
    /// Anything else (static page, print view, unknown markup).
    Other,
}

impl Extracted {
    /// The record, when the page is a news article or legal document.
    pub fn record(&self) -> Option<&Record> {
        match self {
            Extracted::News(r) | Extracted::Legal(r) => Some(r),
            _ => None,
        }
    }

    /// Consumes self and returns the record, if any.
    pub fn into_record(self) -> Option<Record> {
        match self {
            Extracted::News(r) | Extracted::Legal(r) => Some(*r),
            _ => None,
        }
    }
}

/// Outlinks and discovery hints of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// `<link rel=canonical>` (absolute).
    pub canonical: Option<String>,
    /// `og:url`, when present.
    pub og_url: Option<String>,
    /// Every `a[href]` and `link[href]` target, absolute, fragment removed, in page order,
    /// deduplicated (javascript:, mailto:, tel: and data: dropped).
    pub links: Vec<String>,
    /// `rel=next` (head link or anchor).
    pub rel_next: Option<String>,
    /// `rel=prev` (head link or anchor).
    pub rel_prev: Option<String>,
    /// RSS/Atom feeds announced with `<link rel=alternate>`.
    pub rss_alternates: Vec<String>,
}

/// Facts read from NukeViet's inline `var nv_base_siteurl=...` script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageScript {
    /// `nv_module_name`.
    pub module: Option<String>,
    /// `nv_func_name`.
    pub func: Option<String>,
    /// `nv_my_ofs` (hours).
    pub offset_hours: Option<f64>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector is valid")
}

/// Reads a JS variable (`name="value"` or `name=7`) from the page source.
fn js_var(html: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = html[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        // Must be a whole identifier.
        let before = html[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = html[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &rest[1..];
            let end = body.find(q)?;
            return Some(body[..end].to_string());
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(rest.len());
        return Some(rest[..end].to_string());
    }
    None
}

/// Reads `nv_module_name`, `nv_func_name` and `nv_my_ofs` from the page.
pub fn page_script(html: &str) -> PageScript {
    PageScript {
        module: js_var(html, "nv_module_name").filter(|s| !s.is_empty()),
        func: js_var(html, "nv_func_name").filter(|s| !s.is_empty()),
        offset_hours: js_var(html, "nv_my_ofs").and_then(|s| s.parse().ok()),
    }
}

/// NFC, entity-free, whitespace-collapsed text.
fn clean(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.nfc().collect()
}

fn text_of(e: ElementRef<'_>) -> String {
    clean(&e.text().collect::<String>())
}

fn meta(doc: &Html, key: &str) -> Option<String> {
    let s = sel(&format!("meta[property=\"{key}\"], meta[name=\"{key}\"]"));
    doc.select(&s)
        .filter_map(|m| m.value().attr("content"))
        .map(clean)
        .find(|s| !s.is_empty())
}

/// Elements that never contribute text (NUKEVIET.md §14 boilerplate list plus hidden parts).
fn is_skipped(e: &scraper::node::Element) -> bool {
    let name = e.name();
    if matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "iframe"
            | "template"
            | "button"
            | "input"
            | "select"
            | "textarea"
            | "form"
            | "object"
            | "embed"
    ) {
        return true;
    }
    if let Some(id) = e.id()
        && matches!(
            id,
            "timeoutsess"
                | "openidResult"
                | "openidBt"
                | "sitemodal"
                | "run_cronjobs"
                | "idcomment"
                | "imgpreview"
                | "form3B"
        )
    {
        return true;
    }
    let skip_class = e.classes().any(|c| {
        matches!(
            c,
            "hidden"
                | "hide"
                | "d-none"
                | "sr-only"
                | "collapse"
                | "fix_banner_left"
                | "fix_banner_right"
                | "cookie-notice"
                | "other-news"
                | "temp-breadcrumbs"
                | "chromeframe"
        )
    });
    if skip_class {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "figure"
            | "figcaption"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "pre"
            | "hr"
            | "address"
            | "center"
            | "caption"
    )
}

/// Accumulates text into paragraphs (blank-line separated) and lines (`<br>`).
#[derive(Default)]
struct TextSink {
    paras: Vec<String>,
    cur: String,
}

impl TextSink {
    fn push_text(&mut self, t: &str) {
        let mut pending_space = t.starts_with(char::is_whitespace);
        for word in t.split_whitespace() {
            if pending_space && !self.cur.is_empty() && !self.cur.ends_with(['\n', ' ']) {
                self.cur.push(' ');
            }
            self.cur.push_str(word);
            pending_space = true;
        }
        if t.ends_with(char::is_whitespace)
            && !self.cur.is_empty()
            && !self.cur.ends_with(['\n', ' '])
        {
            self.cur.push(' ');
        }
    }
    fn line_break(&mut self) {
        let trimmed = self.cur.trim_end_matches(' ').len();
        self.cur.truncate(trimmed);
        if !self.cur.is_empty() && !self.cur.ends_with('\n') {
            self.cur.push('\n');
        }
    }
    fn cell_break(&mut self) {
        if !self.cur.is_empty() && !self.cur.ends_with(['\n', ' ']) {
            self.cur.push(' ');
        }
    }
    fn para_break(&mut self) {
        let p: String = self
            .cur
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !p.is_empty() {
            self.paras.push(p);
        }
        self.cur.clear();
    }
    fn finish(mut self) -> String {
        self.para_break();
        let text = self.paras.join("\n\n");
        text.nfc().collect()
    }
}

/// Converts a subtree to plain text with paragraph breaks. `start_after` / `stop_at` restrict
/// the walk to the nodes strictly after the close of one element and before another (used for
/// the laws "Nội dung" body, which the HTML parser spreads over siblings).
fn block_text(
    root: ego_tree::NodeRef<'_, Node>,
    start_after: Option<ego_tree::NodeId>,
    stop_at: Option<ego_tree::NodeId>,
) -> String {
    let mut sink = TextSink::default();
    let mut collecting = start_after.is_none();
    let mut skip_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if Some(node.id()) == stop_at {
                    break;
                }
                if skip_depth > 0 {
                    if node.value().is_element() {
                        skip_depth += 1;
                    }
                    continue;
                }
                match node.value() {
                    Node::Element(e) => {
                        if node.id() != root.id() && is_skipped(e) {
                            skip_depth = 1;
                            continue;
                        }
                        if !collecting {
                            continue;
                        }
                        let name = e.name();
                        if name == "br" {
                            sink.line_break();
                        } else if matches!(name, "td" | "th") {
                            sink.cell_break();
                        } else if is_block(name) {
                            sink.para_break();
                        }
                    }
                    Node::Text(t) if collecting => sink.push_text(t),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip_depth > 0 {
                    if node.value().is_element() {
                        skip_depth -= 1;
                    }
                    continue;
                }
                if Some(node.id()) == start_after {
                    collecting = true;
                    continue;
                }
                if let Node::Element(e) = node.value()
                    && collecting
                    && is_block(e.name())
                {
                    sink.para_break();
                }
            }
        }
    }
    sink.finish()
}

fn element_text_block(e: ElementRef<'_>) -> String {
    block_text(*e, None, None)
}

/// Resolves `href` against the page URL (and `<base href>`), dropping the fragment.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let lower = href.to_ascii_lowercase();
    if ["javascript:", "mailto:", "tel:", "data:", "about:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return None;
    }
    let mut u = base.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

fn doc_base(doc: &Html, url: &Url) -> Url {
    doc.select(&sel("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| url.join(h).ok())
        .unwrap_or_else(|| url.clone())
}

/// Extracts outlinks, canonical, `rel=next/prev` and RSS alternates.
pub fn extract_links(base: &str, html: &str) -> Links {
    let Ok(url) = Url::parse(base) else {
        return Links::default();
    };
    let doc = Html::parse_document(html);
    links_from_doc(&doc, &url)
}

fn links_from_doc(doc: &Html, url: &Url) -> Links {
    let base = doc_base(doc, url);
    let mut out = Links::default();
    let mut seen = std::collections::HashSet::new();
    for e in doc.select(&sel("a[href], link[href], area[href]")) {
        let Some(target) = e.value().attr("href").and_then(|h| resolve(&base, h)) else {
            continue;
        };
        let rel = e.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        let rels: Vec<&str> = rel.split_whitespace().collect();
        let is_link = e.value().name() == "link";
        if is_link {
            if rels.contains(&"canonical") && out.canonical.is_none() {
                out.canonical = Some(target.to_string());
            }
            if rels.contains(&"alternate") {
                let ty = e.value().attr("type").unwrap_or("").to_ascii_lowercase();
                if ty.contains("rss") || ty.contains("atom") {
                    let s = target.to_string();
                    if !out.rss_alternates.contains(&s) {
                        out.rss_alternates.push(s);
                    }
                }
            }
            if rels.iter().any(|r| {
                matches!(
                    *r,
                    "stylesheet"
                        | "icon"
                        | "shortcut"
                        | "preload"
                        | "apple-touch-icon"
                        | "manifest"
                        | "dns-prefetch"
                        | "preconnect"
                )
            }) {
                continue;
            }
        }
        if rels.contains(&"next") && out.rel_next.is_none() {
            out.rel_next = Some(target.to_string());
        }
        if rels.contains(&"prev") && out.rel_prev.is_none() {
            out.rel_prev = Some(target.to_string());
        }
        let s = target.to_string();
        if seen.insert(s.clone()) {
            out.links.push(s);
        }
    }
    out.og_url = meta(doc, "og:url");
    out
}

/// Whether the page is NukeViet's flood-blocker page (NUKEVIET.md §11).
pub fn is_flood_page(html: &str) -> bool {
    let doc = Html::parse_document(html);
    flood_in_doc(&doc, html)
}

fn flood_in_doc(doc: &Html, html: &str) -> bool {
    let title = doc
        .select(&sel("title"))
        .next()
        .map(text_of)
        .unwrap_or_default();
    title.starts_with("Hãy đợi")
        || (html.contains("từ chối truy cập của bạn") && !html.contains("nv_module_name"))
}

/// Classifies a page and extracts its record. `url` is the URL the page was fetched from.
pub fn extract(url: &str, html: &str) -> Extracted {
    let Ok(page_url) = Url::parse(url) else {
        return Extracted::Other;
    };
    let doc = Html::parse_document(html);
    extract_doc(&doc, html, &page_url)
}

/// Parses a page once and returns both what [`extract`] and [`extract_links`] give (the
/// crawler's fetch path reads every page this way).
pub fn extract_with_links(url: &str, html: &str) -> (Extracted, Links) {
    let Ok(page_url) = Url::parse(url) else {
        return (Extracted::Other, Links::default());
    };
    let doc = Html::parse_document(html);
    (
        extract_doc(&doc, html, &page_url),
        links_from_doc(&doc, &page_url),
    )
}

/// [`extract_with_links`] plus the page's requisites ([`crate::requisites::from_html`]),
/// from a single parse.
pub(crate) fn extract_all(url: &str, html: &str) -> (Extracted, Links, Vec<String>) {
    let Ok(page_url) = Url::parse(url) else {
        return (Extracted::Other, Links::default(), Vec::new());
    };
    let doc = Html::parse_document(html);
    let extracted = extract_doc(&doc, html, &page_url);
    let links = links_from_doc(&doc, &page_url);
    let requisites = crate::requisites::from_doc(&doc, &page_url);
    (extracted, links, requisites)
}

fn extract_doc(doc: &Html, html: &str, page_url: &Url) -> Extracted {
    let page_url = page_url.clone();
    if flood_in_doc(doc, html) {
        return Extracted::FloodPage;
    }
    let script = page_script(html);
    let title = doc
        .select(&sel("title"))
        .next()
        .map(text_of)
        .unwrap_or_default();
    let has_laws = doc.select(&sel(".lawh3")).next().is_some()
        && doc.select(&sel("tr.hoatim")).next().is_some();
    let news_root = doc
        .select(&sel(
            "[itemtype$=\"NewsArticle\"], [itemtype*=\"NewsArticle\"]",
        ))
        .next();
    let has_news_body = doc.select(&sel("#news-bodyhtml")).next().is_some();
    let og_article = meta(doc, "og:type").as_deref() == Some("article");
    let func = script.func.as_deref();
    if title.starts_with("Lỗi truy cập")
        || (doc
            .select(&sel(
                "meta[http-equiv=\"Refresh\"], meta[http-equiv=\"refresh\"]",
            ))
            .next()
            .is_some()
            && !has_laws
            && news_root.is_none())
        || (html.contains("Bạn không được phép xem nội dung văn bản này") && !has_laws)
    {
        return Extracted::ErrorPage;
    }
    if func == Some("print") {
        return Extracted::Other;
    }
    let links = links_from_doc(doc, &page_url);
    let record_url = links
        .canonical
        .as_deref()
        .and_then(|c| Url::parse(c).ok())
        .unwrap_or_else(|| page_url.clone());
    let offset = script
        .offset_hours
        .and_then(dates::offset_from_hours)
        .unwrap_or_else(dates::vietnam_offset);
    if has_laws && func.is_none_or(|f| f != "main") {
        let module = script.module.clone().unwrap_or_else(|| "laws".into());
        if let Some(r) = extract_legal(doc, &record_url, &page_url, &module) {
            return Extracted::Legal(Box::new(r));
        }
    }
    let is_news_page = match func {
        Some(f) => {
            (f == "detail" || f == "main" && og_article)
                && (news_root.is_some() || has_news_body || og_article)
        }
        // Old static article pages (no NukeViet script, no schema.org): an article URL
        // (`…-<id>.html`) with a heading is read with the generic fallbacks.
        None => {
            news_root.is_some()
                || (og_article && has_news_body)
                || (canon::is_news_detail(&page_url) && doc.select(&sel("h1")).next().is_some())
        }
    };
    if is_news_page {
        let module = script.module.clone().unwrap_or_else(|| "news".into());
        if let Some(r) = extract_news(doc, &record_url, &page_url, &module, offset) {
            return Extracted::News(Box::new(r));
        }
    }
    if func.is_some()
        || links.rel_next.is_some()
        || doc
            .select(&sel(".flex-table-laws, .news_column, ul.pagination"))
            .next()
            .is_some()
    {
        return Extracted::Listing;
    }
    Extracted::Other
}

fn record_id(module: &str, record_url: &Url, page_url: &Url) -> Option<String> {
    let id = canon::trailing_id(record_url).or_else(|| canon::trailing_id(page_url))?;
    Some(format!("{module}-{id}"))
}

/// Text after the `strong` label of a "Tác giả:" / "Nguồn tin:" paragraph.
fn labelled_paragraph(scope: ElementRef<'_>, label: &str) -> Option<(String, Option<String>)> {
    for p in scope.select(&sel("p, div.h5")) {
        let Some(strong) = p.select(&sel("strong, b")).next() else {
            continue;
        };
        if !text_of(strong).starts_with(label) {
            continue;
        }
        let full = text_of(p);
        let label_text = text_of(strong);
        let value = full
            .strip_prefix(&label_text)
            .unwrap_or(&full)
            .trim_start_matches([':', ' '])
            .trim()
            .to_string();
        let link_title = p
            .select(&sel("a[title]"))
            .next()
            .and_then(|a| a.value().attr("title"))
            .map(clean)
            .filter(|t| !t.is_empty());
        return Some((value, link_title));
    }
    None
}

fn attachments(scope: ElementRef<'_>, container: &str, base: &Url) -> Vec<Attachment> {
    let mut out: Vec<Attachment> = Vec::new();
    for a in scope.select(&sel(&format!("{container} a[href]"))) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let Some(url) = resolve(base, href) else {
            continue;
        };
        let is_download = canon::is_attachment(&url);
        let is_file = url.path().rsplit('.').next().is_some_and(|ext| {
            matches!(
                ext.to_ascii_lowercase().as_str(),
                "pdf"
                    | "doc"
                    | "docx"
                    | "xls"
                    | "xlsx"
                    | "zip"
                    | "rar"
                    | "odt"
                    | "ppt"
                    | "pptx"
                    | "jpg"
                    | "jpeg"
                    | "png"
                    | "tif"
                    | "tiff"
            )
        });
        if !is_download && !is_file {
            continue;
        }
        let name = a
            .select(&sel("strong"))
            .next()
            .map(text_of)
            .filter(|s| !s.is_empty())
            .or_else(|| a.value().attr("title").map(clean))
            .unwrap_or_else(|| text_of(a));
        let url = url.to_string();
        if out.iter().any(|x| x.url == url) {
            continue;
        }
        out.push(Attachment {
            name,
            url,
            ..Attachment::default()
        });
    }
    out
}

fn extract_news(
    doc: &Html,
    record_url: &Url,
    page_url: &Url,
    module: &str,
    offset: FixedOffset,
) -> Option<Record> {
    let id = record_id(module, record_url, page_url)?;
    let mut r = Record::new(id, Kind::News, record_url.to_string());
    let root_el = doc
        .select(&sel("[itemtype*=\"NewsArticle\"]"))
        .next()
        .unwrap_or_else(|| doc.root_element());
    r.title = root_el
        .select(&sel("[itemprop=headline], h1.title"))
        .next()
        .map(text_of)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            doc.select(&sel("#content h1, h1"))
                .next()
                .map(text_of)
                .filter(|s| !s.is_empty())
        })
        .or_else(|| meta(doc, "og:title"))
        .or_else(|| doc.select(&sel("title")).next().map(text_of))
        .unwrap_or_default();
    // Publish time: first span.h5 with a d/m/Y date inside the main panel, then the print
    // view's first list item, then article:published_time.
    let date_text = root_el
        .select(&sel(
            "span.h5, #content ul.list-inline li, .newsdetailmetatop span",
        ))
        .map(text_of)
        .find(|t| dates::find_dmy(t).is_some());
    r.published_at = date_text
        .as_deref()
        .and_then(|t| dates::parse_local_datetime(t, offset))
        .or_else(|| {
            meta(doc, "article:published_time").and_then(|t| dates::parse_meta_time(&t, offset))
        });
    r.date = r.published_at.map(|d| d.date_naive());
    r.lead = root_el
        .select(&sel(".hometext, #hometext"))
        .next()
        .map(element_text_block)
        .unwrap_or_default();
    r.body = root_el
        .select(&sel("#news-bodyhtml"))
        .next()
        .or_else(|| root_el.select(&sel(".bodytext, #bodytext")).next())
        .or_else(|| {
            doc.select(&sel("#news-bodyhtml, .bodytext, #bodytext"))
                .next()
        })
        .map(element_text_block)
        .unwrap_or_default();
    if r.body.is_empty() {
        // Generic fallback: the page's body text without its heading.
        if let Some(body) = doc.select(&sel("body")).next() {
            let text = element_text_block(body);
            let text = text
                .strip_prefix(r.title.as_str())
                .unwrap_or(&text)
                .trim_start();
            r.body = text.to_string();
        }
    }
    if r.published_at.is_none() {
        r.published_at = dates::parse_local_datetime(&r.body, offset);
        r.date = r.published_at.map(|d| d.date_naive());
    }
    let scope = doc.root_element();
    if let Some((v, _)) = labelled_paragraph(scope, "Tác giả") {
        r.author = Some(v).filter(|s| !s.is_empty());
    }
    if let Some((v, title)) = labelled_paragraph(scope, "Nguồn tin") {
        r.source = title.or(Some(v)).filter(|s| !s.is_empty());
    }
    r.category = doc
        .select(&sel("ul.temp-breadcrumbs [itemprop=name]"))
        .map(text_of)
        .rfind(|s| !s.is_empty())
        .filter(|s| s != "Trang nhất")
        .or_else(|| meta(doc, "article:section"));
    let mut tags: Vec<String> = Vec::new();
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap_or("");
        let in_tag_panel = a
            .ancestors()
            .filter_map(ElementRef::wrap)
            .take(4)
            .any(|p| p.select(&sel(".fa-tags")).next().is_some());
        if (href.contains("/tag/") || href.contains("op=tag/")) && in_tag_panel {
            let t = text_of(a);
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    if tags.is_empty() {
        for m in doc.select(&sel("meta[property=\"article:tag\"]")) {
            if let Some(t) = m
                .value()
                .attr("content")
                .map(clean)
                .filter(|s| !s.is_empty())
                && !tags.contains(&t)
            {
                tags.push(t);
            }
        }
    }
    r.tags = tags;
    r.attachments = attachments(scope, ".news-download-file", record_url);
    Some(r)
}

/// Matches a laws table label: NFC, trimmed, trailing colon dropped, "ký"/"kí" unified.
fn norm_label(s: &str) -> String {
    clean(s)
        .trim_end_matches(':')
        .trim()
        .replace("ký", "kí")
        .to_lowercase()
}

fn extract_legal(doc: &Html, record_url: &Url, page_url: &Url, module: &str) -> Option<Record> {
    let id = record_id(module, record_url, page_url)?;
    let mut r = Record::new(id, Kind::Legal, record_url.to_string());
    let title_el = doc.select(&sel("h1.lawh3, h3.lawh3, .lawh3")).next()?;
    r.title = text_of(title_el);
    // Trích yếu: the next sibling <p> of the title.
    r.lead = title_el
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .next()
        .filter(|e| e.value().name() == "p")
        .map(element_text_block)
        .unwrap_or_default();
    for tr in doc.select(&sel("tr")) {
        let cells: Vec<ElementRef<'_>> = tr
            .child_elements()
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .collect();
        if cells.len() < 2 {
            continue;
        }
        let label = norm_label(&text_of(cells[0]));
        let value_el = cells[1];
        let value = text_of(value_el);
        let opt = || Some(value.clone()).filter(|s| !s.is_empty() && s != "N/A");
        match label.as_str() {
            "số kí hiệu" | "số, kí hiệu" | "số hiệu" => r.doc_number = opt(),
            "ngày ban hành" => r.date = dates::parse_date(&value),
            "ngày bắt đầu hiệu lực" | "ngày hiệu lực" | "ngày có hiệu lực" => {
                r.effective_date = dates::parse_date(&value)
            }
            "ngày hết hiệu lực" => r.expiry_date = dates::parse_date(&value),
            "thể loại" | "loại văn bản" => r.doc_type = opt(),
            "cơ quan ban hành" => r.issuer = opt(),
            "người kí" => r.signer = opt(),
            "lĩnh vực" => {
                r.fields = element_text_block(value_el)
                    .lines()
                    .flat_map(|l| l.split(','))
                    .map(clean)
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    // Body: everything after the "Nội dung" heading up to div#comment.
    let heading = doc
        .select(&sel(".lawh3, h2, h3, h4"))
        .find(|h| norm_label(&text_of(*h)) == "nội dung");
    let stop = doc
        .select(&sel("div#comment, #comment"))
        .next()
        .map(|e| e.id());
    if let Some(h) = heading {
        let root = doc.root_element();
        let mut body = block_text(*root, Some(h.id()), stop);
        if stop.is_none() {
            // Without the anchor, stop at the attachments heading or the "other documents" lists.
            if let Some(cut) = body.find("File đính kèm") {
                body.truncate(cut);
            }
            body = body.trim().to_string();
        }
        r.body = body;
    }
    r.attachments = attachments(doc.root_element(), ".laws-download-file", record_url);
    Some(r)
}

#[cfg(test)]
mod tests;
