//! Hostile input, fuzzed with proptest: random and mutated HTML into the extractor, bytes into
//! the PDF (pdftotext), DOCX/ODT and legacy-encoding decoders, random and mutated WARC bytes into the
//! reader. No input may panic or hang (each case has a time limit). `PROPTEST_CASES` sets the
//! number of cases per property for a longer run by hand.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

/// The limit for one case: far above the slowest honest input of the same size.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// Runs `f` on a thread and fails the case if it panics or takes longer than [`CASE_LIMIT`].
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(CASE_LIMIT) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} hung for more than {CASE_LIMIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Real pages of the fixture portal (both NukeViet layouts), the seeds of mutation.
fn seed_pages() -> Vec<String> {
    let dir = repo().join("fixtures/portal/variants");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    pages.sort();
    assert!(!pages.is_empty());
    pages
}

fn seed_pdfs() -> Vec<Vec<u8>> {
    let dir = repo().join("fixtures/portal/site/uploads/laws");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    files.truncate(4);
    assert!(!files.is_empty());
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// A one-member DOCX (deflated `word/document.xml`).
fn docx(text: &str) -> Vec<u8> {
    let xml = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    );
    let name = "word/document.xml";
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(xml.as_bytes()).unwrap();
    let data = enc.finish().unwrap();
    let mut z = vec![
        0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(xml.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(&data);
    let cd = z.len();
    z.extend_from_slice(&[
        0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(xml.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() - cd;
    z.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&(cd_len as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

/// A small real WARC written by the crawler's writer: warcinfo, responses, a revisit, metadata.
fn seed_warc() -> Vec<u8> {
    use crawler::warc::{Exchange, PROFILE_IDENTICAL, RefersTo, WarcWriter};
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::new(dir.path(), "t", "h", 1 << 30, vec![]).unwrap();
    let headers = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let ex = |uri: &'static str, body: &'static [u8]| Exchange {
        target_uri: uri,
        date: chrono::Utc::now(),
        ip: None,
        request: b"GET / HTTP/1.1\r\nHost: h\r\n\r\n".to_vec(),
        status: 200,
        reason: "OK",
        headers: &headers,
        body,
        truncated: false,
    };
    let a = w
        .write_response(&ex(
            "http://h/a",
            "<title>Quyết định 12/QĐ-UBND</title>".as_bytes(),
        ))
        .unwrap();
    w.write_response(&ex("http://h/b", "Thông báo".as_bytes()))
        .unwrap();
    w.write_revisit(
        &ex("http://h/c", b""),
        &RefersTo {
            record_id: &a.record_id,
            target_uri: "http://h/a",
            date: &a.date,
            payload_digest: &a.payload_digest,
            profile: PROFILE_IDENTICAL,
        },
    )
    .unwrap();
    w.write_metadata("http://h/a", &a.record_id, &a.date, &[])
        .unwrap();
    let name = w.current_file().unwrap().to_string();
    w.close().unwrap();
    std::fs::read(dir.path().join(name)).unwrap()
}

/// Mutations of a seed: byte overwrites, a cut, and a spliced-in run of random bytes.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (
        0..seeds.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        prop::option::of(any::<prop::sample::Index>()),
        prop::option::of((
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 0..64),
        )),
    )
        .prop_map(move |(i, flips, cut, splice)| {
            let mut bytes = seeds[i].clone();
            for (at, b) in flips {
                if !bytes.is_empty() {
                    let at = at.index(bytes.len());
                    bytes[at] = b;
                }
            }
            if let Some((at, run)) = splice
                && !bytes.is_empty()
            {
                let at = at.index(bytes.len());
                bytes.splice(at..at, run);
            }
            if let Some(cut) = cut
                && !bytes.is_empty()
            {
                bytes.truncate(cut.index(bytes.len()));
            }
            bytes
        })
}

/// HTML-ish text: tags, attributes, entities, Vietnamese and control characters.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div class=\"item\">".to_string()),
        Just("</div>".to_string()),
        Just("<h1 class=\"title\">".to_string()),
        Just("<table><tr><td>Số hiệu</td><td>".to_string()),
        Just("<a href=\"/vi/laws/detail/x-1/\">".to_string()),
        Just("<script>".to_string()),
        Just("<!--".to_string()),
        Just("&#x1F600;&amp;&nbsp;&#0;".to_string()),
        Just("Nghị quyết số 140/NQ-HĐND ngày 15/12/2023".to_string()),
        Just("<meta charset=\"windows-1258\">".to_string()),
        "[\\PC]{0,20}",
        "[<>/=\"' a-z]{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn check_warc(bytes: Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    for name in ["x.warc.gz", "x.warc"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let path2 = path.clone();
        bounded("the WARC reader", move || {
            let n = crawler::warc::WarcReader::open(&path2).unwrap().count();
            let scanned: Vec<_> = crawler::warc::Scan::open(&path2).unwrap().collect();
            let _ = crawler::warc::verify_file(&path2).unwrap();
            for offset in [0, 1, 7, 100] {
                let _ = crawler::warc::read_record_at(&path2, offset);
            }
            (n, scanned.len())
        });
        let dirs = vec![dir.path().to_path_buf()];
        bounded("replay", move || {
            crawler::replay_archive(&dirs).map(|r| r.records.len())
        })
        .unwrap();
        std::fs::remove_file(&path).unwrap();
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn extractor_survives_html_soup(html in html_soup()) {
        bounded("the extractor", move || {
            let _ = crawler::extract("https://thanuyen.laichau.gov.vn/vi/laws/detail/x-1/", &html);
            let _ = crawler::extract_links("https://thanuyen.laichau.gov.vn/", &html);
            crawler::extract::is_flood_page(&html)
        });
    }

    #[test]
    fn legacy_decoders_survive_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        bounded("the decoders", move || {
            let _ = vietnamese::decode(&bytes, Some("text/html; charset=windows-1258"));
            let _ = vietnamese::decode(&bytes, None);
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = vietnamese::detect_legacy(&bytes, &text);
            let _ = vietnamese::repair_mojibake(&text);
            crawler::crawl::decode_text(&bytes, Some("text/html; charset=tcvn3"))
        });
    }

    #[test]
    fn warc_reader_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_warc(bytes);
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn extractor_survives_mutated_portal_pages(
        page in mutated(seed_pages().into_iter().map(String::into_bytes).collect())
    ) {
        bounded("the extractor", move || {
            let html = String::from_utf8_lossy(&page);
            let _ = crawler::extract("https://thanuyen.laichau.gov.vn/vi/news/tin-tuc/x-1.html", &html);
            crawler::extract_links("https://thanuyen.laichau.gov.vn/", &html).links.len()
        });
    }


    #[test]
    fn docx_decoder_survives_mutated_documents(
        doc in mutated(vec![docx("Quyết định số 12/QĐ-UBND"), docx("Thông báo &amp; lịch")])
    ) {
        bounded("the DOCX decoder", move || crawler::office::extract_text(&doc));
    }

    #[test]
    fn warc_reader_survives_mutated_archives(bytes in mutated(vec![seed_warc()])) {
        check_warc(bytes);
    }
}

proptest! {
    // Each case runs pdftotext (poppler) as a child process: fewer cases.
    #![proptest_config(config(100))]

    #[test]
    fn pdf_decoder_survives_mutated_pdfs(pdf in mutated(seed_pdfs())) {
        bounded("the PDF decoder", move || {
            crawler::pdf::extract(&pdf).map(|text| text.pages.len()).ok()
        });
    }
}
