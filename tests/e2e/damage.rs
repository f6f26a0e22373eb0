//! A damaged archive: bytes overwritten in a WARC copy (a bad gzip member, a record whose
//! Content-Length lies, a record whose block no longer matches its digest). `tracuu verify`
//! reports each (file, offset, reason) and changes nothing; `tracuu reindex` skips exactly the
//! damaged records, indexes all the others and exits with the damage status.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::support::{Install, repo_root};

/// `tracuu::EXIT_DAMAGED`.
const EXIT_DAMAGED: i32 = 3;

fn copy_bundled_archive(to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    let mut warc = None;
    for entry in std::fs::read_dir(repo_root().join("fixtures/archive")).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        std::fs::copy(&path, &dest).unwrap();
        if dest.to_string_lossy().ends_with(".warc.gz") {
            warc = Some(dest);
        }
    }
    warc.unwrap()
}

fn gunzip(member: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(member)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(raw).unwrap();
    enc.finish().unwrap()
}

fn replace_once(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let at = hay
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{} not found", String::from_utf8_lossy(needle)));
    [&hay[..at], with, &hay[at + needle.len()..]].concat()
}

#[test]
fn verify_reports_and_reindex_skips_damaged_records_only() {
    let install = Install::new();
    let archive = install.path("archive");
    let warc = copy_bundled_archive(&archive);

    // A clean copy verifies.
    let clean = install.run(&["verify"]);
    let clean_out = String::from_utf8_lossy(&clean.stdout);
    assert!(
        clean_out.contains(", 0 damaged, 0 CDXJ problems"),
        "{clean_out}"
    );

    // Three document pages captured once, each giving its own record, none the original of a
    // revisit: damaging one loses exactly that record.
    let replay = crawler::replay_archive(std::slice::from_ref(&archive)).unwrap();
    assert!(replay.damage.is_empty());
    let mut per_id: HashMap<&str, usize> = HashMap::new();
    for c in &replay.captures {
        if let Some(id) = &c.record_id {
            *per_id.entry(id.as_str()).or_default() += 1;
        }
    }
    let referenced: BTreeSet<u64> = replay
        .captures
        .iter()
        .filter(|c| c.warc_type == "revisit")
        .map(|c| c.payload_offset)
        .collect();
    let victims: Vec<&crawler::Capture> = replay
        .captures
        .iter()
        .filter(|c| {
            c.warc_type == "response"
                && c.record_id.as_deref().is_some_and(|id| per_id[id] == 1)
                && !referenced.contains(&c.offset)
        })
        .step_by(7)
        .take(3)
        .collect();
    assert_eq!(victims.len(), 3);
    let lost: BTreeSet<String> = victims
        .iter()
        .map(|c| c.record_id.clone().unwrap())
        .collect();
    let lengths: HashMap<u64, u64> = crawler::warc::WarcReader::open(&warc)
        .unwrap()
        .map(|r| r.unwrap())
        .map(|r| (r.offset, r.length))
        .collect();

    // Damage from the end of the file backwards, so earlier offsets stay valid.
    let mut bytes = std::fs::read(&warc).unwrap();
    let mut spots: Vec<(u64, &str)> = victims
        .iter()
        .zip(["bad gzip", "bad length", "bad digest"])
        .map(|(c, how)| (c.offset, how))
        .collect();
    spots.sort();
    // Where each damaged record starts once the file is damaged: after the length changes of
    // the damaged records before it.
    let mut deltas = vec![0i64; spots.len()];
    for (i, &(offset, how)) in spots.iter().enumerate().rev() {
        let (start, end) = (offset as usize, (offset + lengths[&offset]) as usize);
        let member = bytes[start..end].to_vec();
        let replacement = match how {
            "bad gzip" => {
                let mut m = member.clone();
                let mid = m.len() / 2;
                m[mid..mid + 16].copy_from_slice(&[0x55; 16]);
                m
            }
            "bad length" => {
                let raw = gunzip(&member);
                let text = String::from_utf8_lossy(&raw);
                let len: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                gzip(&replace_once(
                    &raw,
                    format!("Content-Length: {len}\r\n").as_bytes(),
                    format!("Content-Length: {}\r\n", len + 700).as_bytes(),
                ))
            }
            _ => {
                let raw = gunzip(&member);
                gzip(&replace_once(&raw, b"<title>", b"<title>X"))
            }
        };
        deltas[i] = replacement.len() as i64 - (end - start) as i64;
        bytes.splice(start..end, replacement);
    }
    let reported: Vec<u64> = (0..spots.len())
        .map(|i| (spots[i].0 as i64 + deltas[..i].iter().sum::<i64>()) as u64)
        .collect();
    std::fs::write(&warc, &bytes).unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&archive)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();

    // verify: reports the three records with file and offset, exits with the damage status,
    // and changes nothing.
    let out = install.tracuu().arg("verify").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(EXIT_DAMAGED), "{stdout}");
    let name = warc.file_name().unwrap().to_string_lossy().to_string();
    for (offset, (_, how)) in reported.iter().zip(&spots) {
        let line = format!("damaged record: {} at offset {offset}: ", warc.display());
        assert!(
            stdout.contains(&line),
            "{how} at {offset} not reported:\n{stdout}"
        );
    }
    assert!(stdout.contains("bad gzip member"), "{stdout}");
    assert!(stdout.contains("truncated"), "{stdout}");
    assert!(stdout.contains("block digest mismatch"), "{stdout}");
    assert!(stdout.contains(", 3 damaged, "), "{stdout}");
    assert!(
        stdout.contains("index problem:") && stdout.contains(&name),
        "the CDXJ no longer matches the spliced WARC: {stdout}"
    );
    for (path, content) in &before {
        assert_eq!(&std::fs::read(path).unwrap(), content, "{path:?} changed");
    }

    // reindex: every other record indexed, the three skipped and named, distinct status.
    let out = install.tracuu().arg("reindex").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(EXIT_DAMAGED), "{stderr}");
    for offset in &reported {
        let line = format!(
            "skipped damaged record: {} at offset {offset}: ",
            warc.display()
        );
        assert!(stderr.contains(&line), "{stderr}");
    }
    let damaged = crawler::replay_archive(std::slice::from_ref(&archive)).unwrap();
    assert_eq!(damaged.damage.len(), 3, "{:?}", damaged.damage);
    let want: BTreeSet<String> = replay
        .records
        .iter()
        .map(|r| r.id.clone())
        .filter(|id| !lost.contains(id))
        .collect();
    let got: BTreeSet<String> = damaged.records.iter().map(|r| r.id.clone()).collect();
    assert_eq!(got, want, "exactly the damaged records are missing");
    assert!(
        stderr.contains(&format!("indexed {} records", want.len())),
        "{stderr}"
    );
    let service = install.serve();
    let (status, body) = service.get_json("/api/search?q=ngh%E1%BB%8B%20quy%E1%BA%BFt");
    assert_eq!(status, 200, "{body}");
    assert!(body["total"].as_u64().unwrap() > 0, "{body}");
}
