//! The `tracuu` binary: parses arguments, sets up logging, and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc as the global allocator: glibc malloc (its per-thread arenas, consolidation)
/// cost ~20% of the service's CPU under 16 connections.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tracuu::Cli::parse();
    tracuu::init_tracing(cli.verbose);
    match tracuu::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed pipe (`tracuu search … | head`) is not a failure.
            if error
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            if error.downcast_ref::<tracuu::Damaged>().is_some() {
                return ExitCode::from(tracuu::EXIT_DAMAGED);
            }
            ExitCode::FAILURE
        }
    }
}
