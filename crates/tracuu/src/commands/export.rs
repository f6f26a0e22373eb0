//! `tracuu export --wacz FILE`: the archive as a WACZ 1.1.1 package (Webrecorder's format,
//! read by ReplayWeb.page, pywb and Browsertrix): the WARC files stored uncompressed in the
//! ZIP, the sorted CDXJ index gzipped in `indexes/index.cdx.gz`, `pages/pages.jsonl` with the
//! title and text of every archived page, and `datapackage.json` with SHA-256 hashes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::cli::ExportArgs;
use crate::config::Config;

/// The WACZ version written.
const WACZ_VERSION: &str = "1.1.1";

/// One member of the package, as listed in `datapackage.json`.
struct Resource {
    path: String,
    hash: String,
    bytes: u64,
}

/// Runs `tracuu export`.
pub fn run(config: &Config, args: ExportArgs) -> Result<()> {
    let dirs = match &args.archive_dir {
        Some(dir) => vec![dir.clone()],
        None => config.archive_dirs(),
    };
    let summary = write_wacz(&dirs, &args.wacz, args.title.as_deref())?;
    println!("{summary}");
    Ok(())
}

/// Writes the WACZ of the WARC files in `dirs` to `out` (through a temporary file renamed at
/// the end, so a failed export leaves no half package). Returns a one-line summary.
pub fn write_wacz(dirs: &[PathBuf], out: &Path, title: Option<&str>) -> Result<String> {
    let warcs = crawler::replay::warc_files(dirs).context("cannot list the archive")?;
    if warcs.is_empty() {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        bail!(
            "no WARC file in {}: crawl first (tracuu crawl)",
            shown.join(", ")
        );
    }
    let mut names = std::collections::HashSet::new();
    for warc in &warcs {
        if !names.insert(warc.file_name()) {
            bail!("two WARC files are named {}", warc.display());
        }
    }
    let total: u64 = warcs
        .iter()
        .map(|w| std::fs::metadata(w).map(|m| m.len()).unwrap_or(0))
        .sum();
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let partial = out.with_extension("wacz.partial");
    let file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let mut resources = Vec::new();

    bar.set_message("WARC");
    for warc in &warcs {
        let name = warc
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("archive.warc.gz");
        let mut input =
            File::open(warc).with_context(|| format!("cannot read {}", warc.display()))?;
        let size = input.metadata().map(|m| m.len()).unwrap_or(0);
        let path = format!("archive/{name}");
        zip.start_file(path.as_str(), stored(size))?;
        let (hash, bytes) = copy_hashed(&mut input, &mut zip, |n| bar.inc(n))?;
        resources.push(Resource { path, hash, bytes });
    }

    bar.set_message("CDXJ");
    let index = merged_cdxj(&warcs)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(index.as_bytes())?;
    add_bytes(
        &mut zip,
        &mut resources,
        "indexes/index.cdx.gz",
        &gz.finish()?,
    )?;

    bar.set_message("pages");
    let (pages, main_page) = pages_jsonl(&index, &warcs, title)?;
    add_bytes(
        &mut zip,
        &mut resources,
        "pages/pages.jsonl",
        pages.as_bytes(),
    )?;

    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let package = datapackage(&resources, &created, title, main_page.as_ref());
    zip.start_file("datapackage.json", stored(package.len() as u64))?;
    zip.write_all(package.as_bytes())?;
    let digest = serde_json::to_string_pretty(&serde_json::json!({
        "path": "datapackage.json",
        "hash": format!("sha256:{:x}", Sha256::digest(package.as_bytes())),
    }))?;
    zip.start_file("datapackage-digest.json", stored(digest.len() as u64))?;
    zip.write_all(digest.as_bytes())?;
    zip.finish()?.flush()?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the package to {}", out.display()))?;
    bar.finish_and_clear();
    let pages_count = pages.lines().count().saturating_sub(1);
    Ok(format!(
        "WACZ {WACZ_VERSION}: {} ({} WARC files, {} captures, {pages_count} pages)",
        out.display(),
        warcs.len(),
        index.lines().count()
    ))
}

/// Options of a stored (uncompressed) member: readers fetch WARC records by range.
fn stored(size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(size >= u64::from(u32::MAX))
}

fn add_bytes(
    zip: &mut ZipWriter<BufWriter<File>>,
    resources: &mut Vec<Resource>,
    path: &str,
    bytes: &[u8],
) -> Result<()> {
    zip.start_file(path, stored(bytes.len() as u64))?;
    zip.write_all(bytes)?;
    resources.push(Resource {
        path: path.to_owned(),
        hash: format!("sha256:{:x}", Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
    });
    Ok(())
}

/// Copies `input` to `output`, returning its SHA-256 (`sha256:…`) and length.
fn copy_hashed(
    input: &mut impl Read,
    output: &mut impl Write,
    mut progress: impl FnMut(u64),
) -> Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        total += n as u64;
        progress(n as u64);
    }
    Ok((format!("sha256:{:x}", hasher.finalize()), total))
}

/// The CDXJ lines of every WARC file, sorted bytewise (the order binary search needs). A
/// WARC without its `.cdxj` (an archive copied without them) is indexed now.
fn merged_cdxj(warcs: &[PathBuf]) -> Result<String> {
    let mut lines = Vec::new();
    for warc in warcs {
        let mut cdxj = crawler::warc::cdxj_path(warc);
        if !cdxj.exists() {
            cdxj = crawler::warc::write_cdxj(warc)
                .with_context(|| format!("cannot index {}", warc.display()))?;
        }
        let text = std::fs::read_to_string(&cdxj)
            .with_context(|| format!("cannot read {}", cdxj.display()))?;
        lines.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
    }
    lines.sort();
    lines.dedup();
    let mut out = lines.join("\n");
    out.push('\n');
    Ok(out)
}

/// A page of the archive: its latest successful HTML capture.
struct PageCapture {
    url: String,
    timestamp: String,
    file: PathBuf,
    offset: u64,
}

/// `pages/pages.jsonl`: a header line, then one line per archived HTML page (its latest
/// capture) with its title and text. Returns it with the home page (URL, timestamp).
fn pages_jsonl(
    index: &str,
    warcs: &[PathBuf],
    title: Option<&str>,
) -> Result<(String, Option<(String, String)>)> {
    let by_name: BTreeMap<String, &PathBuf> = warcs
        .iter()
        .filter_map(|w| Some((w.file_name()?.to_str()?.to_owned(), w)))
        .collect();
    let mut latest: BTreeMap<String, PageCapture> = BTreeMap::new();
    for line in index.lines() {
        let mut parts = line.splitn(3, ' ');
        let (Some(key), Some(timestamp), Some(json)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(fields) = serde_json::from_str::<serde_json::Value>(json) else {
            continue;
        };
        let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).unwrap_or("");
        if text("mime") != "text/html" || text("status") != "200" {
            continue;
        }
        let (Some(file), Ok(offset)) = (by_name.get(text("filename")), text("offset").parse())
        else {
            continue;
        };
        let newer = latest
            .get(key)
            .is_none_or(|p| p.timestamp.as_str() <= timestamp);
        if newer {
            latest.insert(
                key.to_owned(),
                PageCapture {
                    url: text("url").to_owned(),
                    timestamp: timestamp.to_owned(),
                    file: (*file).clone(),
                    offset,
                },
            );
        }
    }
    let header = serde_json::json!({
        "format": "json-pages-1.0",
        "id": "pages",
        "title": title.unwrap_or("Trang đã lưu trữ"),
    });
    let mut out = format!("{header}\n");
    let mut home: Option<(String, String)> = None;
    for page in latest.values() {
        let Ok(response) = crawler::read_capture(&page.file, page.offset) else {
            continue;
        };
        let content_type = response
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        let html = crawler::crawl::decode_text(&response.body, content_type);
        let (page_title, text) = title_and_text(&page.url, &html);
        let ts = chrono::NaiveDateTime::parse_from_str(&page.timestamp, "%Y%m%d%H%M%S")
            .map(|t| t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|_| page.timestamp.clone());
        if url::Url::parse(&page.url).is_ok_and(|u| u.path() == "/" && u.query().is_none()) {
            home = Some((page.url.clone(), ts.clone()));
        }
        let line = serde_json::json!({
            "url": page.url,
            "ts": ts,
            "title": page_title,
            "text": text,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Ok((out, home))
}

/// A page's title and readable text: the extracted record's when the page is a document or
/// an article, else the `<title>` and the text of the body.
fn title_and_text(url: &str, html: &str) -> (String, String) {
    if let Some(record) = crawler::extract(url, html).into_record() {
        let text = [record.lead.as_str(), record.body.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n\n");
        return (record.title, text);
    }
    let doc = scraper::Html::parse_document(html);
    let pick = |css: &str| {
        scraper::Selector::parse(css)
            .ok()
            .and_then(|s| doc.select(&s).next().map(|e| e.text().collect::<String>()))
            .unwrap_or_default()
    };
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    (squash(pick("title")), squash(pick("body")))
}

/// `datapackage.json` (Frictionless Data Package, WACZ profile).
fn datapackage(
    resources: &[Resource],
    created: &str,
    title: Option<&str>,
    main_page: Option<&(String, String)>,
) -> String {
    let list: Vec<serde_json::Value> = resources
        .iter()
        .map(|r| {
            serde_json::json!({
                "name": r.path.rsplit('/').next().unwrap_or(&r.path).to_lowercase(),
                "path": r.path,
                "hash": r.hash,
                "bytes": r.bytes,
            })
        })
        .collect();
    let mut package = serde_json::json!({
        "profile": "data-package",
        "resources": list,
        "title": title.unwrap_or("Kho lưu trữ cổng thông tin điện tử huyện Than Uyên"),
        "created": created,
        "wacz_version": WACZ_VERSION,
        "software": format!("tracuu {}", env!("CARGO_PKG_VERSION")),
    });
    if let Some((url, ts)) = main_page {
        package["mainPageURL"] = url.clone().into();
        package["mainPageDate"] = ts.clone().into();
    }
    serde_json::to_string_pretty(&package).unwrap_or_default()
}
