//! Regenerates the fixture portals from their data files.
//!
//! `cargo run -p testkit --bin gen-portal` renders `fixtures/portal` and `fixtures/portal-alt`;
//! `-- <data-dir> <out-dir> [<variants-dir>]` renders one data set.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let jobs: Vec<(PathBuf, PathBuf, Option<PathBuf>)> = match args.as_slice() {
        [] => vec![
            (
                fixtures.join("portal/data"),
                fixtures.join("portal/site"),
                Some(fixtures.join("portal/variants")),
            ),
            (
                fixtures.join("portal-alt/data"),
                fixtures.join("portal-alt/site"),
                None,
            ),
        ],
        [data, out] => vec![(data.into(), out.into(), None)],
        [data, out, variants] => vec![(data.into(), out.into(), Some(variants.into()))],
        _ => {
            eprintln!("usage: gen-portal [<data-dir> <out-dir> [<variants-dir>]]");
            return ExitCode::from(2);
        }
    };
    for (data, out, variants) in jobs {
        if !data.join("site.toml").exists() {
            eprintln!("skipping {}: no site.toml", data.display());
            continue;
        }
        match testkit::r#gen::generate(&data, &out, variants.as_deref()) {
            Ok(stats) => println!(
                "{}: {} routes, {} files",
                out.display(),
                stats.routes,
                stats.files
            ),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
