//! End-to-end tests: the real `tracuu` binary crawls the fixture portal served on 127.0.0.1,
//! indexes it, serves it on an ephemeral port, and answers real queries over HTTP.

mod support;

mod archive;
mod browser;
mod chrome;
mod crawl_and_search;
mod crawl_crash;
mod damage;
mod disk_full;
mod import;
mod ocr_kill;
mod reindex_crash;
mod replay;
mod replay_browser;
mod sites;
mod unseen_site;
