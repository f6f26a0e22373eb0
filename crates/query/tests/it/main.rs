//! Integration tests of the query service: the real router over a real on-disk index built
//! from hand-made records, driven with `tower::ServiceExt::oneshot` (no socket).

mod admin;
mod api;
mod crawl;
mod limits;
mod pages;
mod replay;
mod sites;
mod suggest;
mod support;
