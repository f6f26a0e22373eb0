//! The router (one function shared by `serve` and the tests), the cross-cutting middleware
//! (metrics, timeout, concurrency limit, admin auth) and `serve` with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{StatusCode, Uri};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;

use crate::error::{AppError, Error, Result};
use crate::limits::{self, Limiters};
use crate::state::AppState;
use crate::{admin, api, pages_handlers, replay, suggest};

/// Builds the whole HTTP service over `state`.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let limiters = Arc::new(Limiters::new(
        config.expensive_per_minute,
        config.trusted_proxies.clone(),
    ));
    let admin = Router::new()
        .route("/api/admin/reindex", post(admin::reindex))
        .route("/api/admin/crawl", post(admin::crawl))
        .route("/api/admin/ocr", post(admin::ocr))
        .route("/api/admin/rollback", post(admin::rollback))
        .route("/api/admin/jobs", get(admin::list_jobs))
        .route("/api/admin/jobs/{id}", get(admin::job))
        .route_layer(from_fn_with_state(
            (state.clone(), limiters.clone()),
            require_admin,
        ));
    Router::new()
        .route("/", get(pages_handlers::search))
        .route("/van-ban/{id}", get(pages_handlers::document))
        .route("/luu-tru/{*address}", get(replay::replay))
        .route("/api/captures", get(replay::captures))
        .route("/cdx", get(replay::cdx))
        .route("/static/tracuu.css", get(pages_handlers::stylesheet))
        .route("/static/tracuu.js", get(pages_handlers::script))
        .route("/api/search", get(api::search))
        .route("/api/search.rss", get(api::search_rss))
        .route("/api/suggest", get(suggest::suggest))
        .route("/api/documents/{id}", get(api::document))
        .route("/api/openapi.json", get(api::openapi))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics))
        .merge(admin)
        .fallback(not_found)
        .layer(from_fn_with_state(limiters, limits::rate_limit))
        .layer(GlobalConcurrencyLimitLayer::new(
            config.concurrency_limit.max(1),
        ))
        .layer(from_fn_with_state(state.clone(), timeout))
        .layer(from_fn(limits::size_limits))
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES as usize))
        .layer(from_fn_with_state(state.clone(), track))
        .layer(from_fn(limits::security_headers))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until Ctrl-C (or SIGTERM on Unix).
pub async fn serve(listener: TcpListener, state: AppState) -> Result<()> {
    serve_with_shutdown(listener, state, shutdown_signal()).await
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for sigterm");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

/// The peer address of the request, when served over a socket.
pub(crate) fn remote(request_extensions: &axum::http::Extensions) -> Option<String> {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.to_string())
}

/// Unknown paths: JSON under `/api/`, an HTML page elsewhere.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::NotFound("Không có địa chỉ API này; xem /api/openapi.json.".to_owned())
            .into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Html(crate::pages::error_page("Không tìm thấy trang này.")),
        )
            .into_response()
    }
}

/// Middleware: records every request's status and latency under its route template.
async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    state.metrics().observe(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Middleware: answers 503 with a JSON error when a request (waiting for a concurrency slot
/// included) takes longer than `request_timeout_ms`. Streamed export bodies are not cut: the
/// limit covers the time to the response head.
async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = Duration::from_millis(state.config().request_timeout_ms.max(1));
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// Middleware guarding `/api/admin/*`: 404 when no token is configured, 401 when the bearer
/// token is missing or wrong (after a pause), 429 once a client has sent too many wrong ones.
async fn require_admin(
    State((state, limiters)): State<(AppState, Arc<Limiters>)>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let Some(token) = state.config().admin_token() else {
        return Err(AppError::AdminDisabled);
    };
    let client = limiters.client(&request);
    limits::admin_may_try(&limiters, &client)?;
    let header = request.headers().get(AUTHORIZATION).map(|v| v.as_bytes());
    if !crate::auth::authorized(header, token) {
        return Err(limits::admin_failure(&limiters, &client).await);
    }
    Ok(next.run(request).await)
}
