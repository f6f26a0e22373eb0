//! Limits against abuse: request size limits (URI, headers, body), a per-client rate limit for
//! the expensive endpoints (exports and RSS feeds), slowed guessing of the admin token, and
//! the security headers every answer carries (a handler's own `Content-Security-Policy` wins).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{
    CONTENT_LENGTH, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Longest accepted request target (path and query), in bytes.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest accepted total of request header names and values, in bytes.
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Largest accepted request body, in bytes (the service takes no uploads).
pub(crate) const MAX_BODY_BYTES: u64 = 16 * 1024;
/// Wrong admin tokens one client may send per [`ADMIN_WINDOW`] before it must wait.
pub(crate) const ADMIN_FAILURES: f64 = 10.0;
/// The window of [`ADMIN_FAILURES`].
const ADMIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The pause before answering a wrong admin token.
const ADMIN_FAILURE_DELAY: Duration = Duration::from_millis(250);
/// Clients remembered per bucket set before full buckets are forgotten.
const MAX_CLIENTS: usize = 10_000;

/// The policy of the service's own pages: their stylesheet, script and suggestions come from
/// this origin only, nothing inline, no framing.
const POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

/// Token buckets, one per client.
#[derive(Debug)]
pub(crate) struct Buckets {
    /// Tokens a full bucket holds.
    capacity: f64,
    /// How long one token takes to come back.
    refill: Duration,
    clients: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Buckets {
    /// `capacity` tokens per `period` for each client.
    pub(crate) fn new(capacity: f64, period: Duration) -> Self {
        Self {
            capacity,
            refill: period.div_f64(capacity.max(1.0)),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`; when none is left, how long until one is.
    pub(crate) fn take(&self, client: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if clients.len() >= MAX_CLIENTS {
            let (capacity, refill) = (self.capacity, self.refill);
            clients.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() / refill.as_secs_f64() < capacity
            });
        }
        let (tokens, at) = clients
            .entry(client.to_owned())
            .or_insert((self.capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() / self.refill.as_secs_f64())
            .min(self.capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(self.refill.mul_f64(1.0 - *tokens))
        }
    }

    /// Whether `client` has a token left, without taking it.
    pub(crate) fn has_token(&self, client: &str) -> bool {
        let clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients.get(client).is_none_or(|(tokens, at)| {
            tokens + at.elapsed().as_secs_f64() / self.refill.as_secs_f64() >= 1.0
        })
    }
}

/// The per-client limiters of one service.
#[derive(Debug)]
pub(crate) struct Limiters {
    /// Exports and RSS feeds (`None`: unlimited).
    pub(crate) expensive: Option<Buckets>,
    /// Wrong admin tokens.
    pub(crate) admin_failures: Buckets,
    /// Peers whose `X-Forwarded-For` names the client.
    trusted_proxies: Vec<IpAddr>,
}

impl Limiters {
    /// Limiters for `per_minute` expensive requests per client (0: unlimited), trusting
    /// `X-Forwarded-For` from `trusted_proxies` only.
    pub(crate) fn new(per_minute: u32, trusted_proxies: Vec<IpAddr>) -> Self {
        Self {
            expensive: (per_minute > 0)
                .then(|| Buckets::new(f64::from(per_minute), Duration::from_secs(60))),
            admin_failures: Buckets::new(ADMIN_FAILURES, ADMIN_WINDOW),
            trusted_proxies,
        }
    }

    /// The client a request comes from: its peer's IP address, or behind a trusted proxy the
    /// rightmost address of `X-Forwarded-For` that is not a trusted proxy.
    pub(crate) fn client(&self, request: &Request) -> String {
        let Some(peer) = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
        else {
            return "local".to_owned();
        };
        if !self.trusted_proxies.contains(&peer) {
            return peer.to_string();
        }
        let forwarded = request
            .headers()
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        forwarded
            .into_iter()
            .rev()
            .find(|hop| !self.trusted_proxies.contains(hop))
            .unwrap_or(peer)
            .to_string()
    }
}

/// The de-facto standard header naming the client behind a proxy.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// Middleware: refuses requests too large to be honest before any handler runs.
pub(crate) async fn size_limits(request: Request, next: Next) -> Response {
    if request.uri().to_string().len() > MAX_URI_BYTES {
        return AppError::TooLarge(StatusCode::URI_TOO_LONG).into_response();
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return AppError::TooLarge(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE).into_response();
    }
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return AppError::TooLarge(StatusCode::PAYLOAD_TOO_LARGE).into_response();
    }
    next.run(request).await
}

/// Whether a request runs an export or builds a feed.
fn is_expensive(request: &Request) -> bool {
    let path = request.uri().path();
    path == "/api/search.rss"
        || (path == "/api/search"
            && request.uri().query().is_some_and(|q| {
                q.split('&')
                    .any(|pair| matches!(pair, "format=csv" | "format=jsonl" | "format=rss"))
            }))
}

/// Middleware: at most `expensive_per_minute` exports and feeds per client; 429 beyond.
pub(crate) async fn rate_limit(
    State(limiters): State<Arc<Limiters>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(buckets) = &limiters.expensive
        && is_expensive(&request)
        && let Err(wait) = buckets.take(&limiters.client(&request))
    {
        return AppError::RateLimited(wait).into_response();
    }
    next.run(request).await
}

/// Records a wrong admin token from `client`, after a pause; the error to answer with.
pub(crate) async fn admin_failure(limiters: &Limiters, client: &str) -> AppError {
    tokio::time::sleep(ADMIN_FAILURE_DELAY).await;
    match limiters.admin_failures.take(client) {
        Ok(()) => AppError::Unauthorized,
        Err(wait) => AppError::RateLimited(wait),
    }
}

/// Whether `client` may try an admin token now (it has not used up its wrong guesses).
pub(crate) fn admin_may_try(limiters: &Limiters, client: &str) -> Result<(), AppError> {
    if limiters.admin_failures.has_token(client) {
        Ok(())
    } else {
        Err(AppError::RateLimited(ADMIN_WINDOW.div_f64(ADMIN_FAILURES)))
    }
}

/// Middleware: `X-Content-Type-Options` and `Referrer-Policy` on every answer; a
/// `Content-Security-Policy` (with `X-Frame-Options` for old browsers) on every answer whose
/// handler did not set its own policy, such as the archive replay's.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers
        .entry(REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
        headers
            .entry(X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_refill_over_time_and_keep_clients_apart() {
        let buckets = Buckets::new(2.0, Duration::from_millis(200));
        assert!(buckets.take("a").is_ok());
        assert!(buckets.take("a").is_ok());
        let wait = buckets.take("a").unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(!buckets.has_token("a"));
        assert!(
            buckets.take("b").is_ok(),
            "another client has its own bucket"
        );
        std::thread::sleep(Duration::from_millis(120));
        assert!(buckets.take("a").is_ok(), "a token came back");
    }

    fn request_from(peer: &str, forwarded: Option<&str>) -> Request {
        let mut builder = Request::get("/api/search.rss");
        if let Some(forwarded) = forwarded {
            builder = builder.header(X_FORWARDED_FOR, forwarded);
        }
        let mut request = builder.body(axum::body::Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40_000)));
        request
    }

    #[test]
    fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let limiters = Limiters::new(30, vec![proxy, "10.0.0.3".parse().unwrap()]);
        // Straight from a client: its own address, whatever it claims.
        let direct = request_from("203.0.113.7", Some("198.51.100.1"));
        assert_eq!(limiters.client(&direct), "203.0.113.7");
        // Through the proxy: the rightmost address the proxies did not add.
        let proxied = request_from("10.0.0.2", Some("198.51.100.1, 203.0.113.9, 10.0.0.3"));
        assert_eq!(limiters.client(&proxied), "203.0.113.9");
        // A proxy that forwarded nothing usable stands for itself.
        let bare = request_from("10.0.0.2", Some("khong-phai-ip"));
        assert_eq!(limiters.client(&bare), "10.0.0.2");
        // Nobody is trusted by default.
        let untrusting = Limiters::new(30, Vec::new());
        assert_eq!(limiters.client(&request_from("::1", None)), "::1");
        assert_eq!(untrusting.client(&proxied), "10.0.0.2");
    }
}
