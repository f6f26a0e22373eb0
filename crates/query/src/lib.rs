//! The search service: JSON API, the Vietnamese web page and the admin endpoints, over the
//! indexer's search API.
//!
//! The CLI builds a [`ServerConfig`], opens the [`indexer::IndexStore`], makes an [`AppState`]
//! with [`AppState::builder`], and calls [`serve`]; tests call [`router`] directly.

mod admin;
mod api;
mod audit;
mod auth;
mod cache;
mod config;
mod documents;
mod error;
mod export;
mod extract;
mod html;
mod jobs;
mod limits;
mod metrics;
mod model;
mod openapi;
mod pages;
mod pages_handlers;
mod params;
mod replay;
mod schedule;
mod search;
mod server;
mod state;
mod suggest;

pub use audit::{AuditEntry, AuditLog};
pub use cache::CacheStats;
pub use config::ServerConfig;
pub use error::{AppError, Error, Result};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use jobs::{JobHandle, JobKind, JobRegistry, JobSnapshot, JobState, Progress};
pub use metrics::Metrics;
pub use model::{CaptureView, DocumentResponse, FacetValue, HitView, LinkView, SearchResponse};
pub use params::{Format, SEARCH_PARAMETERS, SearchParams};
pub use schedule::{SCHEDULER, schedule_crawls};
pub use search::api_request;
pub use server::{router, serve, serve_with_shutdown};
pub use state::{AppState, AppStateBuilder, JobInputs};
