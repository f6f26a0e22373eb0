//! Sites with the real binary: without `[[sites]]` the archive is the one configured site;
//! with `[[sites]]`, two portals (the fixture and a generated district sharing its document
//! numbers) archived together are listed by `tracuu sites` and searched as one.

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

#[test]
fn two_configured_sites_are_listed_and_searched_as_one() {
    let portals = tempfile::tempdir().unwrap();
    let district = testkit::districts::District::new("phongtho", "Phong Thổ");
    let root = testkit::districts::generate(portals.path(), &district, None).unwrap();
    let thanuyen = Portal::start(testkit::portal_root());
    let phongtho = Portal::start(root);
    let install = Install::new();
    let mut config = std::fs::read_to_string(install.path("config.toml")).unwrap();
    config.push_str(&format!(
        "fetch_attachments = false\nocr = false\n\n\
         [[sites]]\nname = \"thanuyen\"\ntitle = \"Huyện Than Uyên\"\nbase_url = \"{}\"\n\n\
         [[sites]]\nname = \"phongtho\"\ntitle = \"Huyện Phong Thổ\"\nbase_url = \"{}\"\n\n\
         [[sites]]\nname = \"sinho\"\ntitle = \"Huyện Sìn Hồ\"\nbase_url = \"http://127.0.0.1:9/\"\n",
        thanuyen.base_url(),
        phongtho.base_url()
    ));
    std::fs::write(install.path("config.toml"), config).unwrap();

    install.run(&["crawl", "--base-url", &thanuyen.base_url(), "--no-index"]);
    install.run(&[
        "crawl",
        "--base-url",
        &phongtho.base_url(),
        "--state-db",
        &install.path("phongtho.sqlite").display().to_string(),
    ]);

    let output = install.run(&["sites", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary: Vec<(&str, &str, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["captures"].as_u64().unwrap() > 40,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("thanuyen", "ok", true),
            ("phongtho", "ok", true),
            ("sinho", "never crawled", false)
        ],
        "{rows:#}"
    );
    let table = String::from_utf8(install.run(&["sites"]).stdout).unwrap();
    assert!(table.contains("Huyện Phong Thổ"), "{table}");

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
            ("thanuyen", "HĐND huyện Than Uyên")
        ],
        "{found:#}"
    );

    // A mistake in [[sites]] is a clear error naming the key.
    let mut config = std::fs::read_to_string(install.path("config.toml")).unwrap();
    config.push_str("min_dealy_ms = 5\n");
    std::fs::write(install.path("config.toml"), config).unwrap();
    let output = install.tracuu().arg("sites").output().unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("min_dealy_ms"), "{error}");
}
