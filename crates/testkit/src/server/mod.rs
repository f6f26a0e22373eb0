//! The fixture server: plays a generated site back on 127.0.0.1 with NukeViet's URL behaviour.
//!
//! Routing, in order (see `fixtures/portal/README.md` for the URL map):
//! 1. faults from [`Options`] (flood blocker, 503s, delays, loops, odd pages, robots override);
//! 2. the query form `/index.php?language=vi&nv=<module>&op=<op>` is rewritten to the friendly
//!    path and answered 200 with the same content (redirects resolved internally);
//! 3. an exact route (`path?query`, then `path`): articles accept extra parameters (200),
//!    listings redirect 301 to the clean URL;
//! 4. a path without trailing slash whose slash form exists: 301;
//! 5. a case mismatch: 301 to the canonical case;
//! 6. `/page-N/` or `?page=N` outside a listing's pages: 301 to page 1;
//! 7. a news article id under the wrong category or alias: 301 to canonical; unknown id: 404;
//! 8. an unknown laws document: 301 to the laws home;
//! 9. anything else: the 404 info page.

mod faults;
mod options;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use chrono::{DateTime, Utc};
use sha1::{Digest, Sha1};
use tokio::sync::oneshot;

pub use faults::{
    LEGACY_PAGE_SENTENCE, LEGACY_PAGE_TITLE, MALFORMED_PAGE_SENTENCE, MALFORMED_PAGE_TITLE,
    encode_windows_1258,
};
pub use options::{Flood, FloodStyle, LegacyLabel, Options, Random503};

use crate::manifest::{Manifest, Route, RouteKind};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path plus `?query` exactly as requested (not decoded).
    pub path: String,
    /// `User-Agent` header.
    pub user_agent: Option<String>,
    /// `Cookie` header.
    pub cookie: Option<String>,
    /// `If-None-Match` header.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since` header.
    pub if_modified_since: Option<String>,
    /// `Accept-Encoding` header.
    pub accept_encoding: Option<String>,
    /// When the server started handling the request.
    pub started: Instant,
    /// When the response head was ready (after any configured delay).
    pub finished: Instant,
    /// Response status code.
    pub status: u16,
}

/// A running fixture server; stops when dropped.
pub struct FixtureServer {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for FixtureServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixtureServer")
            .field("addr", &self.addr)
            .field("root", &self.state.root)
            .finish()
    }
}

struct State {
    root: PathBuf,
    manifest: Manifest,
    lower_keys: HashMap<String, String>,
    options: Options,
    log: Mutex<Vec<LoggedRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    fail_counts: Mutex<HashMap<String, u32>>,
    flood_times: Mutex<VecDeque<Instant>>,
    sessions: AtomicU64,
    /// Requests per target so far (for the random 503 decisions).
    seen: Mutex<HashMap<String, u64>>,
    requests: AtomicUsize,
}

impl FixtureServer {
    /// Serves the site at `root` on `127.0.0.1:0` with no faults.
    pub async fn start(root: impl Into<PathBuf>) -> std::io::Result<FixtureServer> {
        Self::start_with(root, Options::default()).await
    }

    /// Serves the site at `root` on `127.0.0.1:0` with `options`.
    pub async fn start_with(
        root: impl Into<PathBuf>,
        options: Options,
    ) -> std::io::Result<FixtureServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), root, options).await
    }

    /// Serves the site at `root` on `addr` (port 0 = ephemeral).
    pub async fn start_on(
        addr: SocketAddr,
        root: impl Into<PathBuf>,
        options: Options,
    ) -> std::io::Result<FixtureServer> {
        let root = root.into();
        let manifest = Manifest::load(&root).map_err(std::io::Error::other)?;
        let lower_keys = manifest
            .routes
            .keys()
            .map(|k| (k.to_lowercase(), k.clone()))
            .collect();
        let state = Arc::new(State {
            root,
            manifest,
            lower_keys,
            options,
            log: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            fail_counts: Mutex::new(HashMap::new()),
            flood_times: Mutex::new(VecDeque::new()),
            sessions: AtomicU64::new(0),
            seen: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app_state = Arc::clone(&state);
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let state = Arc::clone(&app_state);
            async move { handle(state, req).await }
        });
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "fixture server stopped");
            }
        });
        Ok(FixtureServer {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The public origin the site's absolute links use (`https://thanuyen.laichau.gov.vn`).
    pub fn origin(&self) -> &str {
        &self.state.manifest.origin
    }

    /// The site manifest (routes, id maps, listings).
    pub fn manifest(&self) -> &Manifest {
        &self.state.manifest
    }

    /// Every request handled so far, in arrival order of completion.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Clears the request log.
    pub fn clear_log(&self) {
        if let Ok(mut log) = self.state.log.lock() {
            log.clear();
        }
    }

    /// The largest number of requests that were being handled at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Stops the server (also done on drop).
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What a request resolves to before headers are applied.
enum Resolution {
    Serve(String),
    Redirect(u16, String),
    NotFound,
}

async fn handle(state: Arc<State>, req: Request<Body>) -> Response<Body> {
    let started = Instant::now();
    let now_in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state
        .max_in_flight
        .fetch_max(now_in_flight, Ordering::SeqCst);
    let raw_target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let method = req.method().clone();
    let headers = req.headers().clone();
    let response = respond(&state, &method, &raw_target, &headers).await;
    let finished = Instant::now();
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let header_str = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let entry = LoggedRequest {
        method: method.to_string(),
        path: raw_target,
        user_agent: header_str(header::USER_AGENT),
        cookie: header_str(header::COOKIE),
        if_none_match: header_str(header::IF_NONE_MATCH),
        if_modified_since: header_str(header::IF_MODIFIED_SINCE),
        accept_encoding: header_str(header::ACCEPT_ENCODING),
        started,
        finished,
        status: response.status().as_u16(),
    };
    if let Ok(mut log) = state.log.lock() {
        log.push(entry);
    }
    response
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn split_target(target: &str) -> (String, Option<String>) {
    match target.split_once('?') {
        Some((p, q)) => (percent_decode(p), Some(q.to_string())),
        None => (percent_decode(target), None),
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(&v.replace('+', " "))),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

fn option_matches(option_path: &str, path: &str, query: Option<&str>) -> bool {
    if option_path.contains('?') {
        match query {
            Some(q) => option_path == format!("{path}?{q}"),
            None => false,
        }
    } else {
        option_path == path
    }
}

/// Whether this request of `target` gets a random 503: a hash of the seed, the target and
/// how many times it was requested before, compared with the rate.
fn random_503_hits(state: &State, r: crate::server::Random503, target: &str) -> bool {
    let nth = {
        let mut seen = state.seen.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen.entry(target.to_string()).or_insert(0);
        *n += 1;
        *n
    };
    let digest = Sha1::digest(format!("{}\n{target}\n{nth}", r.seed).as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let x = u64::from_be_bytes(first) as f64 / u64::MAX as f64;
    x < r.rate
}

fn is_static_path(path: &str) -> bool {
    path.starts_with("/uploads/") || path.starts_with("/assets/") || path.starts_with("/themes/")
}

async fn respond(
    state: &State,
    method: &Method,
    target: &str,
    headers: &HeaderMap,
) -> Response<Body> {
    let (path, query) = split_target(target);
    let opts = &state.options;
    let nth_request = state.requests.fetch_add(1, Ordering::SeqCst);
    if let Some(latency) = opts.latency {
        tokio::time::sleep(latency).await;
    }
    if opts.down_after.is_some_and(|n| nth_request >= n)
        || (path != "/robots.txt"
            && opts
                .random_503
                .is_some_and(|r| random_503_hits(state, r, target)))
    {
        return simple(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>",
        );
    }

    if let Some((_, delay)) = opts
        .slow
        .iter()
        .find(|(p, _)| option_matches(p, &path, query.as_deref()))
    {
        tokio::time::sleep(*delay).await;
    }
    if !is_static_path(&path)
        && let Some(flood) = &opts.flood
        && let Some(retry_after) = flood_check(state, flood)
    {
        return flood_response(state, flood, retry_after).await;
    }
    if method != Method::GET && method != Method::HEAD {
        return simple(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "",
        );
    }
    if let Some((_, times, retry_after)) = opts
        .fail_503
        .iter()
        .find(|(p, _, _)| option_matches(p, &path, query.as_deref()))
    {
        let key = target.to_string();
        let fail = {
            let mut counts = state.fail_counts.lock().unwrap_or_else(|e| e.into_inner());
            let seen = counts.entry(key).or_insert(0);
            *seen += 1;
            *seen <= *times
        };
        if fail {
            let mut resp = simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/html; charset=utf-8",
                "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>",
            );
            if let Some(secs) = retry_after {
                set(&mut resp, header::RETRY_AFTER, &secs.to_string());
            }
            return resp;
        }
    }
    if let Some((a, b)) = opts
        .redirect_loops
        .iter()
        .find(|(a, b)| *a == path || *b == path)
    {
        let to = if *a == path { b } else { a };
        return redirect(302, to);
    }
    if let Some((_, bytes)) = opts.oversized.iter().find(|(p, _)| *p == path) {
        let mut resp = bytes_response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            faults::oversized_page(*bytes),
        );
        html_headers(state, headers, &mut resp);
        return resp;
    }
    if let Some((_, label)) = opts.legacy_pages.iter().find(|(p, _)| *p == path) {
        let content_type = match label {
            LegacyLabel::Header => "text/html; charset=windows-1258",
            LegacyLabel::MetaOnly | LegacyLabel::Undeclared => "text/html",
        };
        let body = faults::legacy_page(*label == LegacyLabel::Undeclared);
        return bytes_response(StatusCode::OK, content_type, body);
    }
    if opts.malformed_pages.contains(&path) {
        let mut resp = bytes_response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            faults::malformed_page().into_bytes(),
        );
        html_headers(state, headers, &mut resp);
        return resp;
    }
    if path == "/robots.txt"
        && let Some(robots) = &opts.robots_txt
    {
        return feed_like(
            headers,
            robots.clone().into_bytes(),
            "text/plain; charset=utf-8",
            None,
            false,
        );
    }

    // Query form: rewrite to the friendly path and answer with the same content.
    let (path, query, query_form) = if path == "/index.php"
        && let Some(q) = &query
    {
        match friendly_from_query(&state.manifest, q) {
            Some((p, rest)) => (p, rest, true),
            None => (path, query, false),
        }
    } else {
        (path, query, false)
    };

    let mut resolution = resolve(state, &path, query.as_deref());
    if query_form {
        // NukeViet does not redirect the query form: follow local canonical redirects.
        for _ in 0..3 {
            match &resolution {
                Resolution::Redirect(301, location) if location.starts_with('/') => {
                    let (p, q) = split_target(location);
                    resolution = resolve(state, &p, q.as_deref());
                }
                _ => break,
            }
        }
    }
    match resolution {
        Resolution::Serve(key) => match state.manifest.routes.get(&key) {
            Some(route) => serve_route(state, headers, &key, route).await,
            None => not_found(state, headers).await,
        },
        Resolution::Redirect(status, location) => redirect(status, &location),
        Resolution::NotFound => not_found(state, headers).await,
    }
}

/// Builds the friendly path from `language=..&nv=..&op=..`; returns it and leftover query.
fn friendly_from_query(manifest: &Manifest, query: &str) -> Option<(String, Option<String>)> {
    let pairs = query_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let module = get("nv")?;
    if module == "SitemapIndex" {
        return Some(("/sitemap.xml".to_string(), None));
    }
    let op = get("op").unwrap_or_default();
    let rest: Vec<String> = query
        .split('&')
        .filter(|p| {
            let k = p.split('=').next().unwrap_or("");
            !matches!(k, "language" | "nv" | "op") && !p.is_empty()
        })
        .map(str::to_string)
        .collect();
    let mut path = manifest.lang_prefix.clone();
    if module != manifest.op_mod {
        path.push('/');
        path.push_str(&module);
    }
    if op.is_empty() || op == "main" {
        path.push('/');
    } else {
        path.push('/');
        path.push_str(&op);
        if !op.ends_with(".html") && !op.starts_with("tag/") {
            path.push('/');
        }
    }
    let rest = if rest.is_empty() {
        None
    } else {
        Some(rest.join("&"))
    };
    Some((path, rest))
}

fn resolve(state: &State, path: &str, query: Option<&str>) -> Resolution {
    let m = &state.manifest;
    if let Some(q) = query {
        let key = format!("{path}?{q}");
        if m.routes.contains_key(&key) {
            return Resolution::Serve(key);
        }
        // Pagination by query parameter beyond the end (or page=1): 301 to page 1.
        let pairs = query_pairs(q);
        if let Some((_, page)) = pairs.iter().find(|(k, _)| k == "page")
            && let Some(listing) = m.listings.iter().find(|l| l.base == path && l.query_param)
        {
            let page: i64 = page.parse().unwrap_or(0);
            if page <= 1 || page > i64::from(listing.last_page) {
                return Resolution::Redirect(301, listing.base.clone());
            }
        }
        if pairs.iter().any(|(k, _)| k == "download") {
            return Resolution::NotFound;
        }
    }
    if let Some(route) = m.routes.get(path) {
        return match (route.kind, query) {
            (RouteKind::Listing, Some(_)) => Resolution::Redirect(301, path.to_string()),
            _ => Resolution::Serve(path.to_string()),
        };
    }
    // Trailing-slash 301 (Apache rule): only for paths not ending in `/` or `.html`.
    if !path.ends_with('/') && !path.ends_with(".html") && !path.ends_with(".xml") {
        let slashed = format!("{path}/");
        if m.routes.contains_key(&slashed) || m.lower_route(&slashed, &state.lower_keys).is_some() {
            return Resolution::Redirect(301, append_query(&slashed, query));
        }
    }
    // Case mismatch: 301 to the canonical spelling.
    if let Some(canonical) = m.lower_route(path, &state.lower_keys) {
        return Resolution::Redirect(301, append_query(canonical, query));
    }
    // Pagination by path beyond the end, or `/page-1/`: 301 to page 1.
    if let Some((base, page)) = split_page_suffix(path)
        && let Some(listing) = m.listings.iter().find(|l| l.base == base)
        && (page <= 1 || page > listing.last_page)
    {
        return Resolution::Redirect(301, listing.base.clone());
    }
    let laws_detail = format!("{}detail/", m.laws_home);
    if path.starts_with(&laws_detail) {
        let id = path
            .trim_end_matches('/')
            .rsplit('-')
            .next()
            .and_then(|s| s.parse::<u32>().ok());
        return match id.and_then(|id| m.laws_ids.get(&id)) {
            Some(canonical) if canonical != path => Resolution::Redirect(301, canonical.clone()),
            _ => Resolution::Redirect(301, m.laws_home.clone()),
        };
    }
    if path.ends_with(".html")
        && let Some(id) = path
            .trim_end_matches(".html")
            .rsplit('-')
            .next()
            .and_then(|s| s.parse::<u32>().ok())
    {
        return match m.news_ids.get(&id) {
            Some(canonical) if canonical != path => {
                Resolution::Redirect(301, append_query(canonical, query))
            }
            _ => Resolution::NotFound,
        };
    }
    // `/vi/...` on a single-language site: 301 to the path without the prefix.
    if m.lang_prefix.is_empty()
        && let Some(rest) = path.strip_prefix("/vi/")
    {
        let stripped = format!("/{rest}");
        if m.routes.contains_key(&stripped) {
            return Resolution::Redirect(301, stripped);
        }
    }
    Resolution::NotFound
}

impl Manifest {
    fn lower_route<'a>(
        &'a self,
        path: &str,
        lower: &'a HashMap<String, String>,
    ) -> Option<&'a str> {
        lower
            .get(&path.to_lowercase())
            .map(String::as_str)
            .filter(|k| *k != path)
    }
}

fn append_query(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

/// `/x/page-3/` -> (`/x/`, 3).
fn split_page_suffix(path: &str) -> Option<(String, u32)> {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let (base, last) = trimmed.rsplit_once('/')?;
    let page = last.strip_prefix("page-")?.parse().ok()?;
    Some((format!("{base}/"), page))
}

/// Returns `Some(retry_after_secs)` when this request exceeds the flood limit.
fn flood_check(state: &State, flood: &Flood) -> Option<u64> {
    let now = Instant::now();
    let mut times = state.flood_times.lock().unwrap_or_else(|e| e.into_inner());
    while let Some(front) = times.front() {
        if now.duration_since(*front) >= flood.window {
            times.pop_front();
        } else {
            break;
        }
    }
    if times.len() >= flood.limit {
        let oldest = times.front().copied().unwrap_or(now);
        let wait = flood.window.saturating_sub(now.duration_since(oldest));
        let secs = flood
            .retry_after
            .unwrap_or_else(|| wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        return Some(secs.max(1));
    }
    times.push_back(now);
    None
}

async fn flood_response(state: &State, flood: &Flood, retry_after: u64) -> Response<Body> {
    let (file, status) = match flood.style {
        FloodStyle::Status429 => (
            &state.manifest.flood_429_file,
            StatusCode::TOO_MANY_REQUESTS,
        ),
        FloodStyle::Status200 => (&state.manifest.flood_200_file, StatusCode::OK),
    };
    let body = tokio::fs::read(state.root.join(file))
        .await
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).replace("{{SECONDS}}", &retry_after.to_string());
    let mut resp = bytes_response(status, "text/html; charset=utf-8", body.into_bytes());
    if flood.style == FloodStyle::Status429 {
        set(&mut resp, header::RETRY_AFTER, &retry_after.to_string());
    }
    resp
}

async fn not_found(state: &State, headers: &HeaderMap) -> Response<Body> {
    let body = tokio::fs::read(state.root.join(&state.manifest.not_found_file))
        .await
        .unwrap_or_else(|_| b"404 Not Found".to_vec());
    let mut resp = bytes_response(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body);
    html_headers(state, headers, &mut resp);
    resp
}

async fn serve_route(
    state: &State,
    headers: &HeaderMap,
    key: &str,
    route: &Route,
) -> Response<Body> {
    if route.kind == RouteKind::Redirect {
        let mut resp = redirect(route.status, route.location.as_deref().unwrap_or("/"));
        if route.status == 302 {
            set(&mut resp, header::REFERRER_POLICY, "no-referrer");
        }
        return resp;
    }
    let file = state.root.join(&route.file);
    let Ok(bytes) = tokio::fs::read(&file).await else {
        tracing::warn!(file = %file.display(), "fixture file missing");
        return not_found(state, headers).await;
    };
    let status = StatusCode::from_u16(route.status).unwrap_or(StatusCode::OK);
    match route.kind {
        RouteKind::Page | RouteKind::Listing | RouteKind::Print => {
            let html = mutate_html(state, key, String::from_utf8_lossy(&bytes).into_owned());
            let mut resp = bytes_response(status, &route.content_type, html.into_bytes());
            html_headers(state, headers, &mut resp);
            if route.kind == RouteKind::Print {
                set(&mut resp, "x-robots-tag", "noindex, follow");
            }
            resp
        }
        RouteKind::Sitemap | RouteKind::Rss | RouteKind::Robots => {
            let mut resp = feed_like(
                headers,
                bytes,
                &route.content_type,
                route.last_modified.as_deref(),
                route.kind == RouteKind::Rss,
            );
            if route.kind == RouteKind::Robots {
                set(&mut resp, header::CACHE_CONTROL, "max-age=2592000");
            }
            resp
        }
        RouteKind::Download => {
            let mut resp = bytes_response(status, &route.content_type, bytes);
            let name = route.download_name.as_deref().unwrap_or("file");
            set(
                &mut resp,
                header::CONTENT_DISPOSITION,
                &format!("attachment; filename=\"{name}\""),
            );
            session_cookie(state, headers, &mut resp);
            resp
        }
        RouteKind::Static => bytes_response(status, &route.content_type, bytes),
        RouteKind::Redirect => redirect(route.status, route.location.as_deref().unwrap_or("/")),
    }
}

/// Applies counter generations, body changes and fault links to an HTML page.
fn mutate_html(state: &State, key: &str, mut html: String) -> String {
    let opts = &state.options;
    if opts.generation > 0 {
        html = bump_counters(&html, opts.generation);
    }
    for (path, insert) in &opts.changed_bodies {
        if path == key {
            html = insert_into_body(&html, insert);
        }
    }
    let extra = opts.extra_paths();
    if key == "/" && !extra.is_empty() {
        let links: String = extra
            .iter()
            .map(|p| format!("<li><a href=\"{p}\">{p}</a></li>"))
            .collect();
        let block = format!("<ul id=\"fixture-fault-links\">{links}</ul>\n");
        if let Some(pos) = html.rfind("</body>") {
            html.insert_str(pos, &block);
        }
    }
    html
}

/// Markers after which a volatile counter (digits) follows.
const COUNTER_MARKERS: [&str; 5] = [
    "Đã xem: ",
    "lượt xem: ",
    "lượt tải:",
    "<em class=\"fa fa-eye\"></em> ",
    "class=\"counter-value\">",
];

/// Adds `by` to every counter that follows one of [`COUNTER_MARKERS`].
pub fn bump_counters(html: &str, by: u32) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = COUNTER_MARKERS
            .iter()
            .filter_map(|m| rest.find(m).map(|pos| (pos, m.len())))
            .min();
        let Some((pos, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..pos + len]);
        rest = &rest[pos + len..];
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect();
        let clean: String = digits.chars().filter(char::is_ascii_digit).collect();
        if let Ok(value) = clean.parse::<u64>() {
            out.push_str(&(value + u64::from(by)).to_string());
            rest = &rest[digits.len()..];
        }
    }
}

/// Inserts `insert` at the start of the page's body text.
fn insert_into_body(html: &str, insert: &str) -> String {
    for needle in ["id=\"news-bodyhtml\"", "class=\"m-bottom\""] {
        if let Some(pos) = html.find(needle)
            && let Some(end) = html[pos..].find('>')
        {
            let at = pos + end + 1;
            return format!("{}{}{}", &html[..at], insert, &html[at..]);
        }
    }
    match html.rfind("</body>") {
        Some(pos) => format!("{}{}{}", &html[..pos], insert, &html[pos..]),
        None => format!("{html}{insert}"),
    }
}

fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn set(resp: &mut Response<Body>, name: impl header::IntoHeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

fn bytes_response(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    set(&mut resp, header::CONTENT_TYPE, content_type);
    resp
}

fn simple(status: StatusCode, content_type: &str, body: &str) -> Response<Body> {
    bytes_response(status, content_type, body.as_bytes().to_vec())
}

fn redirect(status: u16, location: &str) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::MOVED_PERMANENTLY);
    let mut resp = bytes_response(status, "text/html; charset=utf-8", Vec::new());
    set(&mut resp, header::LOCATION, location);
    resp
}

/// NukeViet HTML headers: no validators, `Last-Modified` = now - 1 day, session cookie.
fn html_headers(state: &State, req_headers: &HeaderMap, resp: &mut Response<Body>) {
    set(
        resp,
        header::CACHE_CONTROL,
        "max-age=0, no-cache, no-store, must-revalidate",
    );
    set(resp, header::PRAGMA, "no-cache");
    set(resp, header::EXPIRES, "-1");
    set(
        resp,
        header::LAST_MODIFIED,
        &http_date(Utc::now() - chrono::Duration::days(1)),
    );
    set(resp, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    session_cookie(state, req_headers, resp);
}

fn session_cookie(state: &State, req_headers: &HeaderMap, resp: &mut Response<Body>) {
    let name = format!("{}_sess=", state.manifest.cookie_prefix);
    let has = req_headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(&name));
    if !has {
        let n = state.sessions.fetch_add(1, Ordering::SeqCst) + 1;
        let mut hasher = Sha1::new();
        hasher.update(format!("{}-{n}", state.manifest.cookie_prefix).as_bytes());
        let id = data_encoding::HEXLOWER.encode(&hasher.finalize()[..13]);
        let cookie = format!("{name}{id}; path=/; HttpOnly; SameSite=Lax");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

/// Sitemaps, RSS and robots: `ETag` + `Last-Modified`, conditional GET answered with 304.
fn feed_like(
    req_headers: &HeaderMap,
    body: Vec<u8>,
    content_type: &str,
    last_modified: Option<&str>,
    rss: bool,
) -> Response<Body> {
    let mut hasher = Sha1::new();
    hasher.update(&body);
    let etag = format!(
        "\"{}\"",
        data_encoding::HEXLOWER.encode(&hasher.finalize()[..10])
    );
    let modified = last_modified
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc::now() - chrono::Duration::days(1));
    let header_str = |name: header::HeaderName| req_headers.get(name).and_then(|v| v.to_str().ok());
    let not_modified = match header_str(header::IF_NONE_MATCH) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => header_str(header::IF_MODIFIED_SINCE)
            .and_then(|s| DateTime::parse_from_rfc2822(s).ok())
            .is_some_and(|since| since.timestamp() >= modified.timestamp()),
    };
    let mut resp = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        bytes_response(StatusCode::OK, content_type, body)
    };
    set(&mut resp, header::ETAG, &etag);
    set(&mut resp, header::LAST_MODIFIED, &http_date(modified));
    if rss {
        set(&mut resp, "x-robots-tag", "noindex, follow");
    }
    resp
}
