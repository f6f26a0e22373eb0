//! The crawler: fetches a NukeViet portal politely, keeps every raw response in a WARC archive,
//! and extracts typed records (news articles, legal documents) from the pages.
//!
//! Data flows crawler -> indexer -> query: this crate knows nothing about Tantivy. The indexer
//! replays the archive through [`replay_archive`] and indexes the [`Record`]s it yields.

pub mod canon;
mod capture;
pub mod config;
pub mod convert;
pub mod crawl;
pub mod dates;
mod error;
pub mod extract;
mod fetch;
pub mod ocr;
pub mod office;
mod page;
pub mod pdf;
pub mod province;
mod record;
pub mod replay;
mod report;
pub mod requisites;
pub mod robots;
mod scheduler;
mod scope;
pub mod sites;
pub mod state;
pub mod tool;
pub mod warc;

pub use config::CrawlerConfig;
pub use crawl::crawl;
pub use error::{Error, Result};
pub use extract::{Extracted, Links, extract, extract_links};
pub use page::decode_text;
pub use record::{Attachment, Kind, Record};
pub use replay::{ArchivedResponse, Capture, Replay, read_capture, replay_archive, replay_sites};
pub use report::{CrawlReport, Progress};
pub use sites::{DefaultSite, Site, SiteEntry, Sites};
