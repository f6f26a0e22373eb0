//! Sites with the real binary: without `[[sites]]` the archive is the one configured site;
//! with `[[sites]]`, one `tracuu crawl` archives several portals (the fixture and generated
//! districts sharing its document numbers, each on its own loopback port) at the same time,
//! each host alone at its own pace, a gone portal ends with its report line, and the archive is
//! listed by `tracuu sites` and searched as one.

use std::time::Duration;

use crate::support::{Install, Portal};

#[test]
fn without_sites_the_bundled_sample_is_the_one_default_site() {
    let install = Install::new();
    let output = install.run(&["sites", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["name"], "thanuyen");
    assert_eq!(rows[0]["title"], "Huyện Than Uyên");
    assert_eq!(rows[0]["status"], "ok");
    assert!(rows[0]["captures"].as_u64().unwrap() > 100, "{rows:#?}");

    install.run(&["reindex"]);
    let output = install.run(&["search", "--json", "140/NQ-HĐND"]);
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &found["hits"][0];
    assert_eq!(first["site"], "thanuyen", "{found:#}");
    assert!(
        first["id"].as_str().unwrap().starts_with("laws-"),
        "single-site ids keep their form: {found:#}"
    );
}

/// Each site's requests, from its server's log: one in flight at a time, each started at least
/// `delay` after the previous answer; returns the span of its requests.
fn check_politeness(
    name: &str,
    portal: &Portal,
    delay: Duration,
) -> (std::time::Instant, std::time::Instant) {
    let mut log = portal.server.request_log();
    assert!(log.len() > 40, "{name}: only {} requests", log.len());
    assert_eq!(
        portal.server.max_in_flight(),
        1,
        "{name}: one request at a time"
    );
    log.sort_by_key(|r| r.started);
    let mut shortest = Duration::MAX;
    for pair in log.windows(2) {
        assert!(
            pair[1].started >= pair[0].finished,
            "{name}: {} started before {} was answered",
            pair[1].path,
            pair[0].path
        );
        shortest = shortest.min(pair[1].started - pair[0].finished);
    }
    assert!(
        shortest >= delay,
        "{name}: two requests only {shortest:?} apart (its delay is {delay:?})"
    );
    (log[0].started, log[log.len() - 1].finished)
}

#[test]
fn one_crawl_archives_several_portals_at_once_each_at_its_own_pace() {
    let portals = tempfile::tempdir().unwrap();
    let generated = |slug: &str, name: &str| {
        let district = testkit::districts::District::new(slug, name);
        testkit::districts::generate(portals.path(), &district, None).unwrap()
    };
    let thanuyen = Portal::start(testkit::portal_root());
    let phongtho = Portal::start(generated("phongtho", "Phong Thổ"));
    let sinho = Portal::start(generated("sinho", "Sìn Hồ"));
    // A portal that is gone: nothing listens on its port.
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone_url = format!("http://{}/", gone.local_addr().unwrap());
    drop(gone);
    let install = Install::new();
    let mut config = std::fs::read_to_string(install.path("config.toml")).unwrap();
    config.push_str(&format!(
        "delay_factor = 0.0\njitter = 0.0\nfetch_attachments = false\nocr = false\n\
         max_hosts_in_parallel = 4\n\n\
         [[sites]]\nname = \"thanuyen\"\ntitle = \"Huyện Than Uyên\"\nbase_url = \"{}\"\nmin_delay_ms = 20\n\n\
         [[sites]]\nname = \"phongtho\"\ntitle = \"Huyện Phong Thổ\"\nbase_url = \"{}\"\nmin_delay_ms = 40\n\n\
         [[sites]]\nname = \"sinho\"\ntitle = \"Huyện Sìn Hồ\"\nbase_url = \"{}\"\nmin_delay_ms = 30\n\n\
         [[sites]]\nname = \"muongte\"\ntitle = \"Huyện Mường Tè\"\nbase_url = \"{gone_url}\"\n\
         max_retries = 1\nbackoff_ms = 20\nhost_down_failures = 2\nhost_down_after_ms = 0\n",
        thanuyen.base_url(),
        phongtho.base_url(),
        sinho.base_url(),
    ));
    std::fs::write(install.path("config.toml"), config).unwrap();

    // One crawl; the gone portal makes it end with an error, after the others are indexed.
    let output = install.tracuu().arg("crawl").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    for line in [
        "thanuyen (Huyện Than Uyên): hoàn tất",
        "phongtho (Huyện Phong Thổ): hoàn tất",
        "sinho (Huyện Sìn Hồ): hoàn tất",
        "muongte (Huyện Mường Tè): ",
    ] {
        assert!(stderr.contains(line), "no report line {line:?}:\n{stderr}");
    }
    assert!(stderr.contains("muongte did not answer"), "{stderr}");

    // Every host alone at its own pace, all of them at the same time.
    let spans = [
        check_politeness("thanuyen", &thanuyen, Duration::from_millis(20)),
        check_politeness("phongtho", &phongtho, Duration::from_millis(40)),
        check_politeness("sinho", &sinho, Duration::from_millis(30)),
    ];
    let latest_start = spans.iter().map(|s| s.0).max().unwrap();
    let earliest_end = spans.iter().map(|s| s.1).min().unwrap();
    assert!(
        latest_start < earliest_end,
        "the hosts were not crawled at the same time"
    );

    let output = install.run(&["sites", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary: Vec<(&str, &str, bool, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["captures"].as_u64().unwrap() > 40,
                r["unanswered"].as_u64().unwrap() > 0,
            )
        })
        .collect();
    // The gone portal left no capture; its crawl state says it never answered.
    assert_eq!(
        summary,
        [
            ("thanuyen", "ok", true, false),
            ("phongtho", "ok", true, false),
            ("sinho", "ok", true, false),
            ("muongte", "unreachable", false, true)
        ],
        "{rows:#}"
    );
    let table = String::from_utf8(install.run(&["sites"]).stdout).unwrap();
    assert!(table.contains("Huyện Phong Thổ"), "{table}");

    // One search across the districts: the number each of them issued, with issuer and site.
    let output = install.run(&["search", "--json", "--limit", "20", "140/NQ-HĐND"]);
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut numbered: Vec<(&str, &str)> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["number_match"] == true)
        .map(|h| (h["site"].as_str().unwrap(), h["issuer"].as_str().unwrap()))
        .collect();
    numbered.sort();
    assert_eq!(
        numbered,
        [
            ("phongtho", "HĐND huyện Phong Thổ"),
            ("sinho", "HĐND huyện Sìn Hồ"),
            ("thanuyen", "HĐND huyện Than Uyên")
        ],
        "{found:#}"
    );

    // `--site` crawls one site again (nothing else is asked for).
    let before = phongtho.server.request_log().len();
    let output = install
        .tracuu()
        .args(["crawl", "--site", "sinho", "--no-index"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(phongtho.server.request_log().len(), before);
    let output = install
        .tracuu()
        .args(["crawl", "--site", "sinhoo"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sinho"));

    // A mistake in [[sites]] is a clear error naming the key.
    let mut config = std::fs::read_to_string(install.path("config.toml")).unwrap();
    config.push_str("min_dealy_ms = 5\n");
    std::fs::write(install.path("config.toml"), config).unwrap();
    let output = install.tracuu().arg("sites").output().unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("min_dealy_ms"), "{error}");
}

#[test]
fn tracuu_ocr_reads_the_scans_of_every_sites_folder() {
    let portals = tempfile::tempdir().unwrap();
    let district = testkit::districts::District::new("phongtho", "Phong Thổ");
    let phongtho_root = testkit::districts::generate(portals.path(), &district, None).unwrap();
    let thanuyen = Portal::start(testkit::portal_root());
    let phongtho = Portal::start(phongtho_root);
    let install = Install::new();
    let mut config = std::fs::read_to_string(install.path("config.toml")).unwrap();
    // The crawl reads born-digital attachments but leaves scans waiting for `tracuu ocr`.
    config.push_str(&format!(
        "delay_factor = 0.0\njitter = 0.0\nocr = false\n\n\
         [[sites]]\nname = \"thanuyen\"\ntitle = \"Huyện Than Uyên\"\nbase_url = \"{}\"\nmin_delay_ms = 0\n\n\
         [[sites]]\nname = \"phongtho\"\ntitle = \"Huyện Phong Thổ\"\nbase_url = \"{}\"\nmin_delay_ms = 0\n",
        thanuyen.base_url(),
        phongtho.base_url(),
    ));
    std::fs::write(install.path("config.toml"), config).unwrap();
    let crawl = install.run(&["crawl"]);
    let crawled = String::from_utf8_lossy(&crawl.stderr);
    assert!(crawled.matches("waiting for OCR").count() >= 2, "{crawled}");
    assert!(!crawled.contains(" 0 waiting for OCR"), "{crawled}");

    let ocr = install.run(&["ocr", "--no-index"]);
    let read = String::from_utf8_lossy(&ocr.stderr);
    let summaries: Vec<&str> = read
        .lines()
        .filter(|l| l.contains("waiting for OCR"))
        .collect();
    assert_eq!(summaries.len(), 2, "one summary per site folder:\n{read}");
    assert!(
        summaries.iter().any(|l| l.contains("phongtho")),
        "the second site's folder is read:\n{read}"
    );
    for line in &summaries {
        assert!(line.contains(" 0 waiting for OCR"), "{line}");
        assert!(!line.contains("(0 scanned pages OCRed)"), "{line}");
    }
}
