//! One module per subcommand.

pub mod crawl;
pub mod export;
pub mod import;
pub mod ocr;
pub mod reindex;
pub mod search;
pub mod serve;
pub mod sites;
pub mod verify;

/// A multi-threaded Tokio runtime for the commands that do network IO.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
