//! Serves a fixture portal by hand: `cargo run -p testkit --bin fixture-portal -- [--port N]
//! [--root DIR] [--alt]`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut port: u16 = 8081;
    let mut root: PathBuf = testkit::portal_root();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => {
                    eprintln!("--port needs a number");
                    return ExitCode::from(2);
                }
            },
            "--root" => match args.next() {
                Some(r) => root = r.into(),
                None => {
                    eprintln!("--root needs a directory");
                    return ExitCode::from(2);
                }
            },
            "--alt" => root = testkit::portal_alt_root(),
            other => {
                eprintln!(
                    "unknown argument {other}; usage: fixture-portal [--port N] [--root DIR] [--alt]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let server =
        match testkit::FixtureServer::start_on(addr, &root, testkit::Options::default()).await {
            Ok(s) => s,
            Err(error) => {
                eprintln!("cannot serve {}: {error}", root.display());
                return ExitCode::FAILURE;
            }
        };
    println!("serving {} at {}", root.display(), server.base_url());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
