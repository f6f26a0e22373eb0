//! Several portals in one index: the `site` filter and facet, and a document number that two
//! districts both issued.

use crawler::{Kind, Record};
use indexer::{IndexStore, SearchRequest};

use crate::fixtures::date;

fn resolution(site: &str, id: &str, issuer: &str, district: &str) -> Record {
    let mut r = Record::new(
        id,
        Kind::Legal,
        format!("https://{site}.laichau.gov.vn/laws/detail/{id}/"),
    );
    r.site = site.to_owned();
    r.title = format!("Nghị quyết về kế hoạch đầu tư công năm 2024 của huyện {district}");
    r.body = format!("{issuer} quyết nghị thông qua kế hoạch đầu tư công năm 2024.");
    r.doc_number = Some("140/NQ-HĐND".to_owned());
    r.doc_type = Some("Nghị quyết".to_owned());
    r.issuer = Some(issuer.to_owned());
    r.date = Some(date(2023, 12, 15));
    r
}

fn records() -> Vec<Record> {
    let mut news = Record::new(
        "phongtho-news-7",
        Kind::News,
        "https://phongtho.laichau.gov.vn/tin-tuc/7.html",
    );
    news.site = "phongtho".to_owned();
    news.title = "Phong Thổ khai mạc lễ hội Then Kin Pang".to_owned();
    news.body = "Lễ hội được tổ chức tại xã Mường So, huyện Phong Thổ.".to_owned();
    news.date = Some(date(2024, 3, 2));
    vec![
        resolution("thanuyen", "laws-140", "HĐND huyện Than Uyên", "Than Uyên"),
        resolution(
            "tanuyen",
            "tanuyen-laws-140",
            "HĐND huyện Tân Uyên",
            "Tân Uyên",
        ),
        news,
    ]
}

#[test]
fn a_shared_number_lists_every_site_and_the_site_filter_narrows() {
    let dir = tempfile::tempdir().unwrap();
    let store = IndexStore::open(dir.path()).unwrap();
    store.build_generation(records()).unwrap();
    let index = store.current().unwrap().unwrap();
    let search = |sites: &[&str]| {
        index
            .search(&SearchRequest {
                query: "nq 140 hdnd".into(),
                limit: 10,
                facets: true,
                sites: sites.iter().map(|s| (*s).to_owned()).collect(),
                ..SearchRequest::default()
            })
            .unwrap()
    };

    let all = search(&[]);
    let mut found: Vec<(&str, &str, Option<&str>)> = all
        .hits
        .iter()
        .filter(|h| h.number_match)
        .map(|h| (h.id.as_str(), h.site.as_str(), h.issuer.as_deref()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("laws-140", "thanuyen", Some("HĐND huyện Than Uyên")),
            ("tanuyen-laws-140", "tanuyen", Some("HĐND huyện Tân Uyên")),
        ]
    );
    let facet: Vec<(&str, u64)> = all
        .facets
        .as_ref()
        .unwrap()
        .site
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(facet, [("tanuyen", 1), ("thanuyen", 1)]);

    let narrowed = search(&["tanuyen"]);
    let ids: Vec<&str> = narrowed.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["tanuyen-laws-140"]);
    assert_eq!(narrowed.total, 1);

    // Repeated: any of the sites.
    let both = search(&["tanuyen", "thanuyen"]);
    assert_eq!(both.total, 2);
    assert!(search(&["sinho"]).hits.is_empty());
}

#[test]
fn the_site_facet_counts_every_match_per_site() {
    let dir = tempfile::tempdir().unwrap();
    let store = IndexStore::open(dir.path()).unwrap();
    store.build_generation(records()).unwrap();
    let index = store.current().unwrap().unwrap();
    let results = index
        .search(&SearchRequest {
            limit: 10,
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    let facets = results.facets.unwrap();
    let facet: Vec<(&str, u64)> = facets
        .site
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(facet, [("phongtho", 1), ("tanuyen", 1), ("thanuyen", 1)]);
    let news = index
        .search(&SearchRequest {
            query: "le hoi".into(),
            limit: 10,
            sites: vec!["phongtho".into()],
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(news.hits[0].site, "phongtho");
}
