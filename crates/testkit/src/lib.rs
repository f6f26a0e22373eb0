//! Test support: a NukeViet-shaped fixture portal and the server that plays it back on 127.0.0.1.
//!
//! Two halves share one on-disk format (a static site plus `_manifest.json`):
//! - [`gen`] renders the portal from data files (`fixtures/portal/data/*.toml`) into static
//!   HTML/XML/PDF files (binary `gen-portal`);
//! - [`server`] serves such a site with NukeViet's URL behaviour (trailing-slash 301, query form,
//!   pagination past the end, canonical redirects, flood blocker, session cookie...) and with
//!   optional faults for crawler tests (binary `fixture-portal` serves it by hand).

pub mod districts;
pub mod error;
pub mod r#gen;
pub mod manifest;
pub mod server;

use std::path::PathBuf;

pub use error::{Error, Result};
pub use server::{FixtureServer, FloodStyle, LoggedRequest, Options};

/// The checked-in main fixture portal (Than Uyên, single-language URLs, default theme 4.5).
pub fn portal_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/portal/site")
}

/// The second fixture portal (Tân Uyên, multi-language URLs, egov theme, laws 4.3 markup).
pub fn portal_alt_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/portal-alt/site")
}
