//! Running the external programs that read attachments (poppler's `pdftotext`/`pdftoppm`,
//! `antiword`, `tesseract`): input on stdin or in a file, output captured, a time limit, and
//! typed errors that say how to install a missing program.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why an external program gave no result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The program is not installed.
    #[error("{tool} is not installed (Debian: apt-get install {package})")]
    Missing {
        /// The program.
        tool: String,
        /// The Debian package that provides it.
        package: String,
    },
    /// The program ran and failed.
    #[error("{tool} failed ({status}): {stderr}")]
    Failed {
        /// The program.
        tool: String,
        /// Its exit status.
        status: String,
        /// The end of what it wrote on stderr.
        stderr: String,
    },
    /// The program ran longer than its time limit and was killed.
    #[error("{tool} took longer than {seconds} s and was stopped")]
    Timeout {
        /// The program.
        tool: String,
        /// The limit.
        seconds: u64,
    },
    /// Talking to the program or writing its input failed.
    #[error("{tool}: {source}")]
    Io {
        /// The program.
        tool: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The Debian package providing `tool`, for error messages.
fn package_of(tool: &str) -> &'static str {
    match tool {
        "pdftotext" | "pdftoppm" | "pdfinfo" => "poppler-utils",
        "tesseract" => "tesseract-ocr tesseract-ocr-vie",
        "antiword" => "antiword",
        _ => "it",
    }
}

/// Runs `tool args`, feeding `stdin`, and returns its stdout; killed after `limit`.
pub fn run(
    tool: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Result<Vec<u8>, ToolError> {
    run_with_env(tool, args, &[], stdin, limit)
}

/// [`run`] with extra environment variables.
pub fn run_with_env(
    tool: &str,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Result<Vec<u8>, ToolError> {
    let io = |source| ToolError::Io {
        tool: tool.to_string(),
        source,
    };
    let mut child = Command::new(tool)
        .args(args)
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ToolError::Missing {
                    tool: tool.to_string(),
                    package: package_of(tool).to_string(),
                }
            } else {
                io(e)
            }
        })?;
    // Feed stdin and drain stdout/stderr on threads so that no pipe fills up.
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            // A program that stops reading early (broken pipe) reports through its status.
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut out_pipe = child.stdout.take().expect("stdout is piped");
    let mut err_pipe = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = out_pipe.read_to_end(&mut out);
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        let _ = err_pipe.read_to_end(&mut err);
        err
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ToolError::Timeout {
                tool: tool.to_string(),
                seconds: limit.as_secs(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let err = String::from_utf8_lossy(&err);
        let tail: String = err.trim().chars().rev().take(300).collect();
        return Err(ToolError::Failed {
            tool: tool.to_string(),
            status: status.to_string(),
            stderr: tail.chars().rev().collect(),
        });
    }
    Ok(out)
}

/// Whether `tool` can be started (`tool -v`/`--version` style probes are program specific, so
/// this only checks that the program exists on the PATH).
pub fn available(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(tool).is_file())
    })
}
