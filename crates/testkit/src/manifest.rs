//! The site manifest (`_manifest.json`): the contract between the generator and the server.
//!
//! Every servable URL of a generated site is a [`Route`] keyed by its path plus, when it has
//! one, its query string (`/laws/Nghi-quyet/?page=2`, `/x.html?download=1&id=0`). The server
//! adds NukeViet's dynamic behaviour (redirects, 404s) from the id maps and listing table.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What kind of resource a route is; decides headers and redirect rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    /// A full HTML page that accepts extra query parameters (article, document, home).
    Page,
    /// A listing page: strict, extra query parameters redirect to the clean URL.
    Listing,
    /// A page marked `noindex` (print view); served with `X-Robots-Tag`.
    Print,
    /// An XML sitemap (index or module): `Last-Modified` + `ETag`, conditional GET.
    Sitemap,
    /// An RSS feed: like a sitemap, plus `X-Robots-Tag: noindex, follow`.
    Rss,
    /// `robots.txt` as made by `robots.php`.
    Robots,
    /// An attachment streamed by `?download=1&id=N`.
    Download,
    /// A static file under `/uploads/`.
    Static,
    /// A redirect (`location` + `status`).
    Redirect,
}

/// One servable URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Resource kind.
    pub kind: RouteKind,
    /// File under the site root holding the body (empty for redirects).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// HTTP status (200 unless a redirect).
    pub status: u16,
    /// `Content-Type` header.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_type: String,
    /// `Location` of a redirect (root-relative or absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `Last-Modified` for feeds and sitemaps (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// File name for `Content-Disposition` of downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_name: Option<String>,
}

/// A paginated listing: its base URL and how its pages are addressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// Page-1 URL path, ending in `/`.
    pub base: String,
    /// Number of pages.
    pub last_page: u32,
    /// `true` for `?page=N` (laws type pages), `false` for `/page-N/`.
    pub query_param: bool,
}

/// The manifest of one generated site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The public origin the pages pretend to live on (`https://thanuyen.laichau.gov.vn`).
    pub origin: String,
    /// Language prefix in friendly URLs (`""` single-language, `"/vi"` multi-language).
    pub lang_prefix: String,
    /// Module whose name is dropped from URLs (`rewrite_op_mod`), empty when none.
    pub op_mod: String,
    /// Session cookie prefix (`nv4c_Xyz`); the cookie is `<prefix>_sess`.
    pub cookie_prefix: String,
    /// Path of the laws module home (`/laws/`).
    pub laws_home: String,
    /// Path of the news module home (`/` when news is `rewrite_op_mod`).
    pub news_home: String,
    /// Every servable URL, keyed by path (+ `?query`).
    pub routes: BTreeMap<String, Route>,
    /// News article id -> canonical path.
    pub news_ids: BTreeMap<u32, String>,
    /// Laws document id -> canonical path.
    pub laws_ids: BTreeMap<u32, String>,
    /// Paginated listings.
    pub listings: Vec<Listing>,
    /// Info page served with 404 (file under the root).
    pub not_found_file: String,
    /// Flood page served with 429 (NukeViet 4.5).
    pub flood_429_file: String,
    /// Flood page served with 200 (NukeViet 4.3/4.4).
    pub flood_200_file: String,
}

impl Manifest {
    /// File name of the manifest inside a site root.
    pub const FILE_NAME: &'static str = "_manifest.json";

    /// Loads `<root>/_manifest.json`.
    pub fn load(root: &Path) -> Result<Manifest> {
        let path = root.join(Self::FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|source| Error::Manifest { path, source })
    }
}
