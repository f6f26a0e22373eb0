//! The portal generator: data files (`site.toml`, `news.toml`, `laws.toml`) -> a static
//! NukeViet site (HTML, XML, PDF) plus its `_manifest.json`.
//!
//! Output is deterministic: the build time is `now` from `site.toml`, so regenerating an
//! unchanged data set gives byte-identical files.

pub mod assets;
mod feeds;
mod laws;
mod news;
pub mod pdf;
pub mod scan;
pub mod text;
mod theme;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::manifest::{Listing, Manifest, Route, RouteKind};

/// Which theme renders the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// NukeViet 4.5 `default` theme.
    Default,
    /// The eGovernment edition's `egov` theme.
    Egov,
}

/// A news category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// URL alias (lowercase).
    pub alias: String,
    /// Display title.
    pub title: String,
    /// Description shown in the page-1 box.
    #[serde(default)]
    pub description: String,
}

/// A laws taxonomy term (type, issuing body, field).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// URL alias (laws keep case: `Nghi-quyet`).
    pub alias: String,
    /// Display title.
    pub title: String,
}

/// A signer ("Người ký").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Numeric id used in `/laws/signer/<id>/<alias>/`.
    pub id: u32,
    /// Name with title, e.g. `Lò Văn Hương`.
    pub name: String,
}

/// `site.toml`: the portal's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Public origin, no trailing slash.
    pub origin: String,
    /// Site name (`site_name`).
    pub site_name: String,
    /// Site description.
    pub site_description: String,
    /// Governing body shown in the footer.
    pub owner: String,
    /// Footer address.
    pub address: String,
    /// Footer phone.
    pub phone: String,
    /// Footer e-mail.
    pub email: String,
    /// `false`: single-language installer defaults (`rewrite_optional=1`, `rewrite_op_mod=news`);
    /// `true`: `/vi/news/...` and `/vi/laws/...`.
    pub multi_language: bool,
    /// Theme of every page.
    pub theme: Theme,
    /// Laws module version: `4.5` (`h1.lawh3`) or `4.3` (`h3.lawh3`).
    pub laws_version: String,
    /// Whether the news module publishes `sitemap-vi.news.xml`.
    pub news_sitemap: bool,
    /// News listing page size (NukeViet default 20; smaller here so pagination shows).
    pub news_per_page: usize,
    /// Laws listing page size (NukeViet default 50).
    pub laws_per_page: usize,
    /// Random-looking cookie prefix (`nv4c_Xyz`).
    pub cookie_prefix: String,
    /// News module title.
    pub news_title: String,
    /// Laws module title.
    pub laws_title: String,
    /// Build time `YYYY-MM-DD HH:MM` (home clock, feed build dates).
    pub now: String,
    /// Article rendered additionally in the egov and 4.3 themes under `variants/`.
    #[serde(default)]
    pub variant_article: Option<u32>,
    /// News categories, menu order.
    pub categories: Vec<Category>,
    /// Laws types ("Thể loại").
    pub laws_types: Vec<Term>,
    /// Laws issuing bodies ("Cơ quan ban hành").
    pub laws_subjects: Vec<Term>,
    /// Laws fields ("Lĩnh vực").
    pub laws_areas: Vec<Term>,
    /// Signers.
    pub laws_signers: Vec<Signer>,
}

/// An attachment of an article or document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// File name (`140-NQ-HDND.pdf`).
    pub name: String,
    /// A scanned PDF without a text layer.
    #[serde(default)]
    pub scanned: bool,
    /// Text of the PDF; defaults to the item's text.
    #[serde(default)]
    pub text: Option<String>,
}

/// One news article (`news.toml`, `[[articles]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Numeric id.
    pub id: u32,
    /// Primary category alias.
    pub cat: String,
    /// Secondary categories (listed there, canonical stays primary).
    #[serde(default)]
    pub other_cats: Vec<String>,
    /// Title (raw; escaped on output).
    pub title: String,
    /// Alias; defaults to `change_alias(title)` lowercased.
    #[serde(default)]
    pub alias: Option<String>,
    /// Publish time `YYYY-MM-DD HH:MM`.
    pub published: String,
    /// Edit time; defaults to publish time.
    #[serde(default)]
    pub edited: Option<String>,
    /// "Tác giả".
    #[serde(default)]
    pub author: String,
    /// "Nguồn tin".
    #[serde(default)]
    pub source: String,
    /// Lead (hometext); newlines become `<br />`.
    pub hometext: String,
    /// Body: paragraphs separated by blank lines; a paragraph starting with `<` is raw HTML.
    pub body: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// View counter.
    #[serde(default)]
    pub views: u32,
    /// Lead image file name under `/uploads/news/<Y_m>/`.
    #[serde(default)]
    pub image: Option<String>,
    /// Lead image caption.
    #[serde(default)]
    pub image_caption: Option<String>,
    /// Attachments.
    #[serde(default)]
    pub attachments: Vec<FileSpec>,
    /// External source: the article URL answers 302 there.
    #[serde(default)]
    pub external_url: Option<String>,
    /// Render title and body in NFD (mess on purpose).
    #[serde(default)]
    pub nfd: bool,
}

/// One legal document (`laws.toml`, `[[docs]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawDoc {
    /// Numeric id.
    pub id: u32,
    /// "Số kí hiệu".
    pub code: String,
    /// "Tên văn bản".
    pub title: String,
    /// "Trích yếu".
    pub intro: String,
    /// Type alias.
    #[serde(rename = "type")]
    pub kind: String,
    /// Issuing body alias.
    pub subject: String,
    /// Field aliases (may be empty: the row is still printed).
    #[serde(default)]
    pub areas: Vec<String>,
    /// Signer id.
    #[serde(default)]
    pub signer: Option<u32>,
    /// Issue date `dd/mm/YYYY` (`N/A` in lists when missing).
    #[serde(default)]
    pub issued: Option<String>,
    /// Effective date.
    #[serde(default)]
    pub effective: Option<String>,
    /// Expiry date.
    #[serde(default)]
    pub expiry: Option<String>,
    /// Posting time `YYYY-MM-DD HH:MM` (addtime).
    pub added: String,
    /// Body ("Nội dung"), same paragraph rules as news.
    #[serde(default)]
    pub body: String,
    /// Attachments.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// View counter.
    #[serde(default)]
    pub views: u32,
    /// Download counter.
    #[serde(default)]
    pub downloads: u32,
    /// Related document ids.
    #[serde(default)]
    pub related: Vec<u32>,
    /// Replaced document ids.
    #[serde(default)]
    pub replaces: Vec<u32>,
    /// Render in NFD.
    #[serde(default)]
    pub nfd: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewsFile {
    articles: Vec<Article>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LawsFile {
    docs: Vec<LawDoc>,
}

/// A loaded, validated data set with derived values.
pub(crate) struct Site {
    pub(crate) cfg: SiteConfig,
    pub(crate) articles: Vec<Article>,
    pub(crate) docs: Vec<LawDoc>,
    pub(crate) now: NaiveDateTime,
}

/// Counts of what was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Routes in the manifest.
    pub routes: usize,
    /// Files written.
    pub files: usize,
}

/// Collects output files and routes.
pub(crate) struct Out {
    root: PathBuf,
    pub(crate) manifest: Manifest,
    files: usize,
}

impl Out {
    /// Writes `body` to `file` (relative) and registers `key` as a route.
    pub(crate) fn add(
        &mut self,
        key: &str,
        kind: RouteKind,
        file: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<()> {
        self.write(file, body)?;
        self.manifest.routes.insert(
            key.to_string(),
            Route {
                kind,
                file: file.to_string(),
                status: 200,
                content_type: content_type.to_string(),
                location: None,
                last_modified: None,
                download_name: None,
            },
        );
        Ok(())
    }

    /// Writes an HTML page for a URL path; the file name derives from the path.
    pub(crate) fn page(&mut self, key: &str, kind: RouteKind, html: &str) -> Result<()> {
        let file = file_for(key);
        self.add(
            key,
            kind,
            &file,
            "text/html; charset=utf-8",
            html.as_bytes(),
        )
    }

    /// Writes a file without a route.
    pub(crate) fn write(&mut self, file: &str, body: &[u8]) -> Result<()> {
        let path = self.root.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, body).map_err(|e| Error::io(&path, e))?;
        self.files += 1;
        Ok(())
    }

    /// Writes a PDF attachment to `file` and registers the two ways NukeViet serves it: the
    /// module's download link (`{page}?download=1&id={n}`, sent as `name`) and the static
    /// upload path.
    pub(crate) fn attachment(
        &mut self,
        page: &str,
        n: usize,
        file: &str,
        name: &str,
        body: &[u8],
    ) -> Result<()> {
        self.write(file, body)?;
        let download = Route {
            kind: RouteKind::Download,
            file: file.to_string(),
            status: 200,
            content_type: "application/pdf".to_string(),
            location: None,
            last_modified: None,
            download_name: Some(name.to_string()),
        };
        self.manifest
            .routes
            .insert(format!("{page}?download=1&id={n}"), download.clone());
        self.manifest.routes.insert(
            format!("/{file}"),
            Route {
                kind: RouteKind::Static,
                download_name: None,
                ..download
            },
        );
        Ok(())
    }

    /// Registers a redirect route.
    pub(crate) fn redirect(&mut self, key: &str, status: u16, location: &str) {
        self.manifest.routes.insert(
            key.to_string(),
            Route {
                kind: RouteKind::Redirect,
                file: String::new(),
                status,
                content_type: String::new(),
                location: Some(location.to_string()),
                last_modified: None,
                download_name: None,
            },
        );
    }

    /// Registers a listing's pagination.
    pub(crate) fn listing(&mut self, base: &str, last_page: u32, query_param: bool) {
        self.manifest.listings.push(Listing {
            base: base.to_string(),
            last_page,
            query_param,
        });
    }
}

/// Maps a URL path (+query) to a file name under the site root.
pub(crate) fn file_for(key: &str) -> String {
    let (path, query) = match key.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (key, None),
    };
    let mut file = path.trim_start_matches('/').to_string();
    if file.is_empty() || file.ends_with('/') {
        file.push_str("index.html");
    } else if !file.contains('.') || file.rsplit('/').next().is_some_and(|s| !s.contains('.')) {
        file.push_str("/index.html");
    }
    if let Some(q) = query {
        let safe: String = q
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        file = match file.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.q_{safe}.{ext}"),
            None => format!("{file}.q_{safe}"),
        };
    }
    file
}

impl Site {
    /// Loads `site.toml`, `news.toml` and `laws.toml` from `data_dir` and validates them.
    pub(crate) fn load(data_dir: &Path) -> Result<Site> {
        let cfg: SiteConfig = read_toml(&data_dir.join("site.toml"))?;
        let news: NewsFile = read_toml(&data_dir.join("news.toml"))?;
        let laws: LawsFile = read_toml(&data_dir.join("laws.toml"))?;
        let now = text::parse_datetime(&cfg.now)
            .ok_or_else(|| Error::Data(format!("bad now: {}", cfg.now)))?;
        let site = Site {
            cfg,
            articles: news.articles,
            docs: laws.docs,
            now,
        };
        site.validate()?;
        Ok(site)
    }

    fn validate(&self) -> Result<()> {
        let mut ids = std::collections::HashSet::new();
        for a in &self.articles {
            if !ids.insert(a.id) {
                return Err(Error::Data(format!("duplicate article id {}", a.id)));
            }
            for cat in std::iter::once(&a.cat).chain(a.other_cats.iter()) {
                if self.category(cat).is_none() {
                    return Err(Error::Data(format!(
                        "article {}: unknown category {cat}",
                        a.id
                    )));
                }
            }
            if text::parse_datetime(&a.published).is_none() {
                return Err(Error::Data(format!(
                    "article {}: bad date {}",
                    a.id, a.published
                )));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for d in &self.docs {
            if !ids.insert(d.id) {
                return Err(Error::Data(format!("duplicate document id {}", d.id)));
            }
            if self.law_type(&d.kind).is_none() || self.subject(&d.subject).is_none() {
                return Err(Error::Data(format!(
                    "document {}: unknown type or body",
                    d.id
                )));
            }
            if d.areas.iter().any(|a| self.area(a).is_none()) {
                return Err(Error::Data(format!("document {}: unknown field", d.id)));
            }
            if text::parse_datetime(&d.added).is_none() {
                return Err(Error::Data(format!(
                    "document {}: bad added {}",
                    d.id, d.added
                )));
            }
            for date in [&d.issued, &d.effective, &d.expiry].into_iter().flatten() {
                if text::parse_date(date).is_none() {
                    return Err(Error::Data(format!("document {}: bad date {date}", d.id)));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn category(&self, alias: &str) -> Option<&Category> {
        self.cfg.categories.iter().find(|c| c.alias == alias)
    }
    pub(crate) fn law_type(&self, alias: &str) -> Option<&Term> {
        self.cfg.laws_types.iter().find(|c| c.alias == alias)
    }
    pub(crate) fn subject(&self, alias: &str) -> Option<&Term> {
        self.cfg.laws_subjects.iter().find(|c| c.alias == alias)
    }
    pub(crate) fn area(&self, alias: &str) -> Option<&Term> {
        self.cfg.laws_areas.iter().find(|c| c.alias == alias)
    }
    pub(crate) fn signer(&self, id: u32) -> Option<&Signer> {
        self.cfg.laws_signers.iter().find(|c| c.id == id)
    }
    pub(crate) fn doc(&self, id: u32) -> Option<&LawDoc> {
        self.docs.iter().find(|d| d.id == id)
    }

    /// `""` or `/vi`.
    pub(crate) fn lang(&self) -> &'static str {
        if self.cfg.multi_language { "/vi" } else { "" }
    }
    /// News module prefix: `""` (op_mod) or `/vi/news`.
    pub(crate) fn news_prefix(&self) -> String {
        if self.cfg.multi_language {
            "/vi/news".to_string()
        } else {
            String::new()
        }
    }
    /// News module home.
    pub(crate) fn news_home(&self) -> String {
        format!("{}/", self.news_prefix())
    }
    /// Laws module home.
    pub(crate) fn laws_home(&self) -> String {
        format!("{}/laws/", self.lang())
    }
    pub(crate) fn cat_url(&self, alias: &str) -> String {
        format!("{}/{alias}/", self.news_prefix())
    }
    pub(crate) fn article_alias(&self, a: &Article) -> String {
        a.alias
            .clone()
            .unwrap_or_else(|| text::change_alias(&a.title).to_lowercase())
    }
    pub(crate) fn article_url(&self, a: &Article) -> String {
        format!(
            "{}/{}/{}-{}.html",
            self.news_prefix(),
            a.cat,
            self.article_alias(a),
            a.id
        )
    }
    pub(crate) fn print_url(&self, a: &Article) -> String {
        format!(
            "{}/print/{}/{}-{}.html",
            self.news_prefix(),
            a.cat,
            self.article_alias(a),
            a.id
        )
    }
    pub(crate) fn tag_url(&self, tag: &str) -> String {
        format!("{}/tag/{}", self.news_prefix(), text::tag_alias(tag))
    }
    pub(crate) fn news_rss(&self) -> String {
        format!("{}/rss/", self.news_prefix())
    }
    pub(crate) fn cat_rss(&self, alias: &str) -> String {
        format!("{}/rss/{alias}/", self.news_prefix())
    }
    pub(crate) fn doc_url(&self, d: &LawDoc) -> String {
        format!(
            "{}detail/{}-{}/",
            self.laws_home(),
            text::change_alias(&d.title),
            d.id
        )
    }
    pub(crate) fn abs(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.origin)
    }
    pub(crate) fn laws_rss(&self) -> String {
        format!("{}rss/", self.laws_home())
    }
    pub(crate) fn is_43(&self) -> bool {
        self.cfg.laws_version.starts_with("4.3")
    }

    /// Articles sorted newest first (publish time).
    pub(crate) fn articles_newest(&self) -> Vec<&Article> {
        let mut list: Vec<&Article> = self.articles.iter().collect();
        list.sort_by(|a, b| b.published.cmp(&a.published).then(b.id.cmp(&a.id)));
        list
    }
    /// Articles of a category (primary or secondary), newest first.
    pub(crate) fn articles_in(&self, cat: &str) -> Vec<&Article> {
        self.articles_newest()
            .into_iter()
            .filter(|a| a.cat == cat || a.other_cats.iter().any(|c| c == cat))
            .collect()
    }
    /// Documents by issue date desc (missing dates last), then id desc.
    pub(crate) fn docs_by_issue(&self) -> Vec<&LawDoc> {
        let mut list: Vec<&LawDoc> = self.docs.iter().collect();
        list.sort_by_key(|d| {
            let date = d.issued.as_deref().and_then(text::parse_date);
            (std::cmp::Reverse(date), std::cmp::Reverse(d.id))
        });
        list
    }
    /// Documents by addtime desc.
    pub(crate) fn docs_by_added(&self) -> Vec<&LawDoc> {
        let mut list: Vec<&LawDoc> = self.docs.iter().collect();
        list.sort_by(|a, b| b.added.cmp(&a.added).then(b.id.cmp(&a.id)));
        list
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|source| Error::Toml {
        path: path.to_path_buf(),
        source,
    })
}

/// Renders the data set in `data_dir` into `out_dir` (which is emptied first) and writes
/// `_manifest.json`. Variants (egov / 4.3 renderings) go to `variants_dir` when given.
pub fn generate(data_dir: &Path, out_dir: &Path, variants_dir: Option<&Path>) -> Result<Stats> {
    let site = Site::load(data_dir)?;
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut out = Out {
        root: out_dir.to_path_buf(),
        manifest: Manifest {
            origin: site.cfg.origin.clone(),
            lang_prefix: site.lang().to_string(),
            op_mod: if site.cfg.multi_language {
                String::new()
            } else {
                "news".to_string()
            },
            cookie_prefix: site.cfg.cookie_prefix.clone(),
            laws_home: site.laws_home(),
            news_home: site.news_home(),
            routes: BTreeMap::new(),
            news_ids: BTreeMap::new(),
            laws_ids: BTreeMap::new(),
            listings: Vec::new(),
            not_found_file: String::new(),
            flood_429_file: String::new(),
            flood_200_file: String::new(),
        },
        files: 0,
    };
    news::render_all(&site, &mut out)?;
    laws::render_all(&site, &mut out)?;
    feeds::render_all(&site, &mut out)?;
    theme::render_specials(&site, &mut out)?;
    assets::render_all(&site, &mut out)?;
    if let (Some(dir), Some(id)) = (variants_dir, site.cfg.variant_article) {
        news::render_variants(&site, id, dir)?;
    }
    let manifest_path = out_dir.join(Manifest::FILE_NAME);
    let json = serde_json::to_string_pretty(&out.manifest).map_err(|source| Error::Manifest {
        path: manifest_path.clone(),
        source,
    })?;
    std::fs::write(&manifest_path, json + "\n").map_err(|e| Error::io(&manifest_path, e))?;
    Ok(Stats {
        routes: out.manifest.routes.len(),
        files: out.files + 1,
    })
}

/// Renders a body: blank-line separated paragraphs become `<p>`, raw HTML stays.
pub(crate) fn render_paragraphs(body: &str) -> String {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.starts_with('<') {
                p.to_string()
            } else {
                format!("<p>{}</p>", p.replace('\n', "<br />"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
