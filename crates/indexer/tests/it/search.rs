//! Searching: tiers, document numbers, filters, facets, sorting, cursors and snippets.

use std::sync::OnceLock;

use crawler::Kind;
use indexer::{IndexStore, SearchIndex, SearchRequest, SearchResults, Sort, Status};
use tempfile::TempDir;

use crate::fixtures::{date, records};

/// One on-disk index shared by the tests of this module (read-only).
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = IndexStore::open(dir.path()).expect("open store");
            store.build_generation(records()).expect("build");
            let index = store.current().expect("current").expect("live");
            (dir, index)
        })
        .1
}

fn search(request: SearchRequest) -> SearchResults {
    index().search(&request).expect("search")
}

fn query(text: &str) -> SearchRequest {
    SearchRequest {
        query: text.into(),
        limit: 20,
        ..SearchRequest::default()
    }
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn toneless_query_finds_the_resolution_first() {
    let results = search(query("nghi quyet 140"));
    assert_eq!(ids(&results)[0], "laws-140", "{:?}", ids(&results));
    assert!(results.hits[0].number_match);
}

#[test]
fn document_number_shapes_rank_the_document_first() {
    for shape in [
        "140/NQ-HĐND",
        "nq 140 hdnd",
        "140-nq-hdnd",
        "140 nq hđnd",
        "số 140/NQ-HĐND",
        "nghị quyết 140",
        "NQ140 HDND",
    ] {
        let results = search(query(shape));
        assert_eq!(ids(&results)[0], "laws-140", "{shape}: {:?}", ids(&results));
    }
    let decision = search(query("quyet dinh 1285 qd ubnd"));
    assert_eq!(ids(&decision)[0], "laws-1285");
}

#[test]
fn colliding_numbers_list_every_document_before_text_hits() {
    let results = search(query("05/NQ-HĐND"));
    let top: Vec<&str> = ids(&results).into_iter().take(2).collect();
    assert!(
        top.contains(&"laws-5-2021") && top.contains(&"laws-5-2022"),
        "{top:?}"
    );
    assert!(
        results.hits[..2]
            .iter()
            .all(|h| h.number_match && h.issuer.is_some())
    );
    assert!(results.hits[2..].iter().all(|h| !h.number_match));
    // The Party number is a different key.
    let party = search(query("05-NQ/HU"));
    assert_eq!(ids(&party)[0], "laws-hu-5");
}

#[test]
fn old_and_new_tone_placement_find_the_same_documents() {
    let old_results = search(query("hòa giải"));
    let mut old: Vec<&str> = ids(&old_results).to_vec();
    let new_results = search(query("hoà giải"));
    let mut new: Vec<&str> = ids(&new_results).to_vec();
    old.sort_unstable();
    new.sort_unstable();
    assert_eq!(old, new);
    assert!(old.contains(&"news-3") && old.contains(&"news-4"));
}

#[test]
fn marks_in_the_query_prefer_the_same_marks() {
    let with_marks = search(query("năm"));
    let order = ids(&with_marks);
    let year = order
        .iter()
        .position(|id| *id == "news-1")
        .expect("năm 2024 found");
    let south = order
        .iter()
        .position(|id| *id == "news-2")
        .expect("miền Nam found");
    assert!(year < south, "{order:?}");

    let toneless = search(query("nam"));
    let found = ids(&toneless);
    assert!(
        found.contains(&"news-1") && found.contains(&"news-2"),
        "{found:?}"
    );
}

#[test]
fn kind_filter() {
    let results = search(SearchRequest {
        kind: Some(Kind::Legal),
        ..query("nghị quyết")
    });
    assert!(!results.hits.is_empty());
    assert!(results.hits.iter().all(|h| h.kind == Kind::Legal));
    let news = search(SearchRequest {
        kind: Some(Kind::News),
        ..query("nghị quyết")
    });
    assert_eq!(ids(&news), ["news-6"]);
}

#[test]
fn metadata_filters() {
    let by_type = search(SearchRequest {
        doc_type: Some("quyet dinh".into()),
        ..query("")
    });
    assert_eq!(ids(&by_type), ["laws-1285"]);
    let by_issuer = search(SearchRequest {
        issuer: Some("HĐND xã Mường Kim".into()),
        ..query("")
    });
    assert_eq!(ids(&by_issuer), ["laws-5-2021"]);
    let by_signer = search(SearchRequest {
        signer: Some("lo van thang".into()),
        ..query("")
    });
    assert_eq!(by_signer.total, 6);
    let by_field = search(SearchRequest {
        field: Some("Tài chính".into()),
        kind: Some(Kind::Legal),
        ..query("ngân sách")
    });
    assert_eq!(by_field.total, 2, "{:?}", ids(&by_field));
}

#[test]
fn status_filter_is_computed_from_the_expiry_date() {
    let today = Some(date(2023, 1, 1));
    let active = search(SearchRequest {
        status: Some(Status::ConHieuLuc),
        today,
        ..query("")
    });
    let mut active_ids = ids(&active);
    active_ids.sort_unstable();
    assert_eq!(
        active_ids,
        ["laws-140", "laws-141", "laws-5-2022", "laws-hu-5"]
    );
    let expired = search(SearchRequest {
        status: Some(Status::HetHieuLuc),
        today,
        ..query("")
    });
    let mut expired_ids = ids(&expired);
    expired_ids.sort_unstable();
    assert_eq!(expired_ids, ["laws-1285", "laws-5-2021"]);
    assert!(
        index()
            .search(&SearchRequest {
                status: Some(Status::HetHieuLuc),
                kind: Some(Kind::News),
                ..query("")
            })
            .is_err()
    );
}

#[test]
fn date_range_filter() {
    let results = search(SearchRequest {
        date_from: Some(date(2023, 10, 1)),
        date_to: Some(date(2023, 12, 31)),
        ..query("")
    });
    let mut found = ids(&results);
    found.sort_unstable();
    assert_eq!(found, ["laws-140", "laws-141", "news-3", "news-4"]);
    assert!(
        index()
            .search(&SearchRequest {
                date_from: Some(date(2024, 1, 1)),
                date_to: Some(date(2023, 1, 1)),
                ..query("")
            })
            .is_err()
    );
}

#[test]
fn facets_count_all_matches() {
    let results = search(SearchRequest {
        facets: true,
        limit: 1,
        ..query("nghị quyết")
    });
    let facets = results.facets.expect("facets requested");
    let kinds: Vec<(&str, u64)> = facets
        .kind
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(kinds, [("legal", 6), ("news", 1)]);
    let types: Vec<(&str, u64)> = facets
        .doc_type
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(types[0], ("Nghị quyết", 5));
    assert!(
        facets
            .issuer
            .iter()
            .any(|f| f.value == "HĐND huyện Than Uyên" && f.count == 3)
    );
    assert!(
        facets
            .year
            .iter()
            .any(|f| f.value == "2023" && f.count == 3)
    );
    assert_eq!(results.total, 7);
    assert!(search(query("nghị quyết")).facets.is_none());
}

#[test]
fn sort_by_date() {
    let newest = search(SearchRequest {
        sort: Sort::Newest,
        ..query("")
    });
    let dates: Vec<_> = newest.hits.iter().map(|h| h.date).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert_eq!(newest.hits[0].id, "news-1");
    let oldest = search(SearchRequest {
        sort: Sort::Oldest,
        ..query("")
    });
    assert_eq!(oldest.hits[0].id, "laws-1285");
}

#[test]
fn cursor_paging_visits_every_hit_once_in_order() {
    for sort in [Sort::Relevance, Sort::Newest, Sort::Oldest] {
        let all = search(SearchRequest {
            sort,
            ..query("huyện")
        });
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = search(SearchRequest {
                sort,
                cursor: cursor.clone(),
                limit: 2,
                ..query("huyện")
            });
            seen.extend(page.hits.iter().map(|h| h.id.clone()));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<String> = all.hits.iter().map(|h| h.id.clone()).collect();
        assert_eq!(seen, expected, "{sort:?}");
        assert!(expected.len() > 4);
    }
    let bad = index().search(&SearchRequest {
        cursor: Some("not-a-cursor".into()),
        ..query("huyện")
    });
    assert!(matches!(bad, Err(indexer::Error::InvalidCursor(_))));
}

#[test]
fn offset_paging() {
    let all = search(query("huyện"));
    let second = search(SearchRequest {
        offset: 2,
        limit: 2,
        ..query("huyện")
    });
    assert_eq!(ids(&second), ids(&all)[2..4]);
    assert_eq!(second.total, all.total);
}

#[test]
fn snippets_escape_crawled_markup_and_mark_matches() {
    let results = search(query("ma doc"));
    let hit = results
        .hits
        .iter()
        .find(|h| h.id == "news-5")
        .expect("found");
    let snippet = &hit.snippet;
    assert!(!snippet.contains("<script>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(snippet.contains("<mark>"), "{snippet}");
}

#[test]
fn phrase_exclusion_and_or() {
    let phrase = search(query("\"nông thôn mới\""));
    assert_eq!(ids(&phrase), ["laws-hu-5"]);
    let broken_phrase = search(query("\"thôn nông\""));
    assert!(broken_phrase.hits.is_empty());

    let without = search(query("nghị quyết -ngân"));
    assert!(!ids(&without).contains(&"laws-140"));
    assert!(ids(&without).contains(&"laws-hu-5"));

    let either = search(query("\"thiên tai\" OR \"miền Nam\""));
    let mut found = ids(&either);
    found.sort_unstable();
    assert_eq!(found, ["laws-1285", "news-2"]);
}

#[test]
fn long_pasted_query_is_a_scored_disjunction() {
    let long = "tôi muốn tìm hiểu về việc huyện Than Uyên triển khai nghị quyết đại hội \
                đảng bộ huyện lần thứ hai mươi hai và các chương trình xây dựng khác trong năm";
    let results = search(query(long));
    assert!(!results.hits.is_empty());
    assert_eq!(results.hits[0].id, "news-6", "{:?}", ids(&results));
}

#[test]
fn seed_article_query() {
    let results = search(query("Than Uyên nghị quyết Đảng"));
    assert_eq!(results.hits[0].id, "news-6", "{:?}", ids(&results));
}

#[test]
fn document_lookup() {
    let record = index()
        .document("laws-1285")
        .expect("lookup")
        .expect("found");
    assert_eq!(record.doc_number.as_deref(), Some("1285/QĐ-UBND"));
    assert!(index().document("laws-404").expect("lookup").is_none());
    assert_eq!(index().num_docs(), records().len() as u64);
}

#[test]
fn in_memory_index_matches() {
    let memory = SearchIndex::from_records(records()).expect("in-memory index");
    let results = memory.search(&query("nghi quyet 140")).expect("search");
    assert_eq!(results.hits[0].id, "laws-140");
}

#[test]
fn telex_typed_query_is_decoded_and_shown() {
    let results = search(query("hoaf giair"));
    let found = ids(&results);
    assert!(
        found.contains(&"news-3") && found.contains(&"news-4"),
        "{found:?}"
    );
    assert_eq!(results.interpreted_query.as_deref(), Some("hoà giải"));
}

#[test]
fn toneless_query_is_restored_from_the_index_statistics() {
    let results = search(query("nong thon moi"));
    assert_eq!(ids(&results)[0], "laws-hu-5");
    assert_eq!(results.interpreted_query.as_deref(), Some("nông thôn mới"));
    assert_eq!(search(query("nông thôn mới")).interpreted_query, None);
}

#[test]
fn abbreviations_find_the_spelled_out_form() {
    let results = search(query("ubnd xã"));
    assert!(ids(&results).contains(&"news-3"), "{:?}", ids(&results));
}

#[test]
fn long_queries_rank_their_pair_candidates_as_the_full_query_does() {
    // Enough records sharing a long sentence's pairs that the first page is taken from the
    // candidates by pairs (and rescored), while a deep window runs the full query: both must
    // agree on the order and the scores.
    let sentences = [
        "Ủy ban nhân dân huyện chỉ đạo các xã tổ chức thực hiện chương trình xây dựng nông thôn mới",
        "Hội đồng nhân dân huyện giám sát việc thực hiện chương trình mục tiêu quốc gia giảm nghèo",
        "Các xã tổ chức tuyên truyền về bảo vệ rừng và phòng cháy chữa cháy rừng mùa khô",
    ];
    let records = (0..150).map(|i| {
        let mut r = crawler::Record::new(
            format!("news-{i}"),
            Kind::News,
            format!("https://example.test/{i}"),
        );
        r.title = format!("Tin số {i}");
        let a = sentences[i % 3];
        let b = sentences[(i / 3) % 3];
        r.body = format!("{a}. {}. {b}.", "Nội dung khác ".repeat(i % 7));
        r
    });
    let index = SearchIndex::from_records(records).expect("index");
    let text = "các xã tổ chức thực hiện chương trình xây dựng nông thôn mới và giảm nghèo";
    let page = index.search(&query_with_limit(text, 10)).expect("page");
    let deep = index.search(&query_with_limit(text, 150)).expect("deep");
    assert_eq!(page.total, deep.total);
    assert_eq!(page.hits.len(), 10);
    let top: Vec<(&str, f32)> = page.hits.iter().map(|h| (h.id.as_str(), h.score)).collect();
    let full: Vec<(&str, f32)> = deep.hits[..10]
        .iter()
        .map(|h| (h.id.as_str(), h.score))
        .collect();
    assert_eq!(top, full);
}

fn query_with_limit(text: &str, limit: usize) -> SearchRequest {
    SearchRequest {
        query: text.into(),
        limit,
        ..SearchRequest::default()
    }
}

/// Records for the long-query tests: `pairs` records share syllable pairs with
/// [`LONG_SENTENCE`] (every other one also holds `đạo`), `words` records hold only its words,
/// in an order that shares no pair with it.
fn pair_and_word_records(pairs: usize, words: usize) -> SearchIndex {
    let records = (0..pairs + words).map(|i| {
        let (prefix, body) = if i < pairs {
            let verb = if i % 2 == 0 {
                "chỉ đạo"
            } else {
                "triển khai"
            };
            ("pair", format!("Huyện {verb} xây dựng nông thôn mới"))
        } else {
            (
                "word",
                "mới thôn nông dựng xây trình chương hiện thực chức tổ xã các".to_owned(),
            )
        };
        let mut r = crawler::Record::new(
            format!("{prefix}-{i}"),
            Kind::News,
            format!("https://example.test/{i}"),
        );
        r.title = format!("Bản tin {i}");
        r.body = format!("{body}. {}", "Nội dung khác. ".repeat(i % 5));
        r.date = Some(date(2024, 1, 1) + chrono::Days::new(i as u64));
        r
    });
    SearchIndex::from_records(records).expect("index")
}

const LONG_SENTENCE: &str = "các xã tổ chức thực hiện chương trình xây dựng nông thôn mới";

#[test]
fn long_query_counts_only_records_sharing_a_pair() {
    let index = pair_and_word_records(6, 5);
    let results = index.search(&query(LONG_SENTENCE)).expect("search");
    assert_eq!(results.total, 6);
    let mut found = ids(&results);
    found.sort_unstable();
    assert!(found.iter().all(|id| id.starts_with("pair-")), "{found:?}");
    assert_eq!(found.len(), 6);

    // Exclusions apply to the counted candidates too.
    let excluded = index
        .search(&query(&format!("{LONG_SENTENCE} -đạo")))
        .expect("search");
    assert_eq!(excluded.total, 3, "{:?}", ids(&excluded));
    assert!(
        ids(&excluded)
            .iter()
            .all(|id| id.starts_with("pair-") && id[5..].parse::<usize>().unwrap() % 2 == 1),
        "{:?}",
        ids(&excluded)
    );

    // Facets count the same records.
    let faceted = index
        .search(&SearchRequest {
            facets: true,
            ..query(LONG_SENTENCE)
        })
        .expect("search");
    let kinds = faceted.facets.expect("facets").kind;
    assert_eq!(kinds.iter().map(|f| f.count).sum::<u64>(), 6);
}

#[test]
fn long_query_sharing_no_pair_falls_back_to_its_words() {
    let index = pair_and_word_records(6, 5);
    // Seven of the sentence's words, in an order no record has any adjacent pair of.
    let results = index
        .search(&query("thôn xây mới chương dựng trình nông"))
        .expect("search");
    assert_eq!(results.total, 11, "{:?}", ids(&results));
    assert_eq!(results.hits.len(), 11);
}

#[test]
fn deep_and_cursor_pages_of_a_long_query_stay_within_the_counted_records() {
    let index = pair_and_word_records(150, 60);
    let is_pair = |id: &str| id.starts_with("pair-");

    // A window beyond the rescored candidates runs the full query within them.
    let deep = index
        .search(&query_with_limit(LONG_SENTENCE, 200))
        .expect("deep");
    assert_eq!(deep.total, 150);
    assert_eq!(deep.hits.len(), 150);
    assert!(deep.hits.iter().all(|h| is_pair(&h.id)));

    // Cursor pages past the candidates looked at for the first pages.
    for sort in [Sort::Relevance, Sort::Newest, Sort::Oldest] {
        let mut seen = std::collections::HashSet::new();
        let mut cursor = None;
        loop {
            let page = index
                .search(&SearchRequest {
                    cursor: cursor.take(),
                    sort,
                    ..query_with_limit(LONG_SENTENCE, 10)
                })
                .expect("page");
            assert_eq!(page.total, 150);
            for hit in &page.hits {
                assert!(is_pair(&hit.id), "{sort:?}: {}", hit.id);
                assert!(seen.insert(hit.id.clone()), "{sort:?}: {} twice", hit.id);
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 150, "{sort:?}");
    }
}

#[test]
fn totals_are_exact_up_to_the_cap_unless_asked() {
    use indexer::EXACT_TOTAL_UP_TO;
    let many = EXACT_TOTAL_UP_TO + 150;
    let index = SearchIndex::from_records((0..many).map(|i| {
        let mut r = crawler::Record::new(
            format!("news-{i}"),
            Kind::News,
            format!("https://x.test/{i}"),
        );
        r.title = format!("Tin {i}: xã Mường Kim tuyên truyền bảo vệ rừng");
        r.body = if i % 2 == 0 {
            "Nhân dân các bản tham gia trồng cây.".to_owned()
        } else {
            "Thông báo lịch tiếp công dân.".to_owned()
        };
        r
    }))
    .expect("index");
    let ask = |text: &str, exact_total: bool, facets: bool| {
        index
            .search(&SearchRequest {
                exact_total,
                facets,
                ..query(text)
            })
            .expect("search")
    };
    // More matches than the cap: counting stops there unless asked.
    let capped = ask("bảo vệ rừng", false, false);
    assert_eq!(capped.total, EXACT_TOTAL_UP_TO);
    assert!(!capped.total_exact);
    assert_eq!(capped.hits.len(), 20);
    let exact = ask("bao ve rung", true, false);
    assert_eq!((exact.total, exact.total_exact), (many, true));
    // Facets visit every match: the total is exact too.
    let faceted = ask("bảo vệ rừng", false, true);
    assert_eq!((faceted.total, faceted.total_exact), (many, true));
    assert_eq!(
        ids(&capped),
        ids(&exact),
        "the cap changes the count, not the hits"
    );
    // Fewer matches than the cap are counted exactly.
    let few = ask("trồng cây", false, false);
    assert_eq!((few.total, few.total_exact), (many.div_ceil(2), true));
}

#[test]
fn a_long_accented_question_leans_on_its_pairs_as_its_toneless_twin_does() {
    // The article the question paraphrases shares its syllable pairs; the other record
    // repeats its single words without their neighbours.
    let record = |id: &str, title: &str, body: &str| {
        let mut r = crawler::Record::new(id, Kind::Legal, format!("https://x.test/{id}"));
        r.title = title.to_owned();
        r.body = body.to_owned();
        r
    };
    let index = SearchIndex::from_records([
        record(
            "article",
            "Điều 32. Phân loại phim",
            "Phim được phân loại như sau: T18 là phim được phổ biến đến người xem từ đủ 18 tuổi \
             trở lên. Người xem dưới 16 tuổi không được xem phim có nội dung thuộc phân loại T18.",
        ),
        record(
            "scattered",
            "Điều 5. Tuổi, nội dung và phim",
            "Xem xét nội dung; người dân được tham gia; dưới đây là phim tài liệu, phim hoạt \
             hình; tuổi thọ, tuổi nghề; thuộc tính, phân công, loại hình, có thể xem lại.",
        ),
    ])
    .expect("index");
    let question = "Người xem dưới 16 tuổi được xem phim có nội dung thuộc phân loại T18";
    for text in [question.to_owned(), vietnamese::fold(question)] {
        let results = index.search(&query(&text)).expect("search");
        assert_eq!(ids(&results)[0], "article", "{text}: {:?}", ids(&results));
        let [first, second] = [&results.hits[0], &results.hits[1]].map(|h| h.score);
        // The shared pairs decide, not the repeated words (about 2x with pairs weighed as
        // single words, over 6x now).
        assert!(first > 4.0 * second, "{text}: {first} vs {second}");
    }
}

#[test]
fn a_hit_found_in_an_attached_file_names_the_file_and_page() {
    let mut record = crawler::Record::new(
        "laws-121",
        Kind::Legal,
        "https://thanuyen.laichau.gov.vn/van-ban/laws-121",
    );
    record.title = "Nghị quyết về hỗ trợ làm đường giao thông nông thôn".to_owned();
    record.lead = "Nghị quyết của Hội đồng nhân dân huyện Than Uyên.".to_owned();
    record.attachments = vec![
        crawler::Attachment {
            name: "phu-luc.docx".to_owned(),
            url: "https://thanuyen.laichau.gov.vn/files/phu-luc.docx".to_owned(),
            text: Some("Phụ lục danh mục các tuyến đường.".to_owned()),
            text_source: Some("docx".to_owned()),
            ..crawler::Attachment::default()
        },
        crawler::Attachment {
            name: "121-NQ-HDND.pdf".to_owned(),
            url: "https://thanuyen.laichau.gov.vn/files/121-NQ-HDND.pdf".to_owned(),
            text: Some(
                "HỘI ĐỒNG NHÂN DÂN HUYỆN THAN UYÊN\u{c}Điều 2. Nhân dân các bản góp ngày công, cát, sỏi; \
                 ngân sách huyện hỗ trợ xi măng làm đường."
                    .to_owned(),
            ),
            text_source: Some("ocr".to_owned()),
            pages: Some(2),
            ocr_confidence: Some(88),
            ..crawler::Attachment::default()
        },
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open store");
    store.build_generation(vec![record]).expect("build");
    let index = store.current().expect("current").expect("live");

    // The phrase is on the scan's second page only: the hit says so, with a snippet from it.
    for q in ["\"gop ngay cong\"", "xi măng làm đường"] {
        let results = index.search(&query(q)).expect("search");
        let hit = &results.hits[0];
        let source = hit.source.as_ref().expect("found in a file");
        assert_eq!(source.file, "121-NQ-HDND.pdf", "{q}");
        assert_eq!(source.page, 2, "{q}");
        assert!(source.machine_read);
        assert_eq!(source.text_source.as_deref(), Some("ocr"));
        assert!(hit.snippet.contains("<mark>"), "{q}: {}", hit.snippet);
        assert!(!hit.snippet.contains("HỘI ĐỒNG"), "{}", hit.snippet);
    }
    // Words of the record's own text give the snippet from it, without a file.
    let results = index.search(&query("hoi dong nhan dan")).expect("search");
    assert_eq!(results.hits[0].source, None, "{:?}", results.hits[0]);
    // A born-digital file is named but not labelled as machine-read.
    let results = index.search(&query("danh muc cac tuyen")).expect("search");
    let source = results.hits[0].source.as_ref().expect("found in a file");
    assert_eq!((source.file.as_str(), source.page), ("phu-luc.docx", 1));
    assert!(!source.machine_read);
}

/// OCR diacritics are the least reliable part of a scan's text (`hiến` read `hiển`, `trong`
/// read `trọng`): a phrase typed with its marks still finds the scanned resolution through
/// the folded form, ranked below a record that holds the phrase with the very same marks.
#[test]
fn an_accented_phrase_finds_a_scan_whose_marks_were_misread_below_an_exact_match() {
    let mut scanned = crawler::Record::new(
        "laws-scan",
        Kind::Legal,
        "https://thanuyen.laichau.gov.vn/van-ban/laws-scan",
    );
    scanned.title = "Nghị quyết về công tác xây dựng pháp luật".to_owned();
    scanned.attachments = vec![crawler::Attachment {
        name: "15-NQ-HDND.pdf".to_owned(),
        url: "https://thanuyen.laichau.gov.vn/files/15-NQ-HDND.pdf".to_owned(),
        // What the OCR read: marks confused on real syllables, no invalid word to betray them.
        text: Some(
            "Quốc hội thực hiển quyền lập hiển, quyền lập pháp trọng phạm vi cả nước.".to_owned(),
        ),
        text_source: Some("ocr".to_owned()),
        pages: Some(1),
        ocr_confidence: Some(81),
        ..crawler::Attachment::default()
    }];
    let mut digital = crawler::Record::new(
        "laws-text",
        Kind::Legal,
        "https://thanuyen.laichau.gov.vn/van-ban/laws-text",
    );
    digital.title = "Nghị quyết về công tác xây dựng pháp luật".to_owned();
    digital.body =
        "Quốc hội thực hiện quyền lập hiến, quyền lập pháp trong phạm vi cả nước.".to_owned();
    let mut unrelated = crawler::Record::new(
        "laws-other",
        Kind::Legal,
        "https://thanuyen.laichau.gov.vn/van-ban/laws-other",
    );
    unrelated.title = "Nghị quyết về hỗ trợ làm đường giao thông nông thôn".to_owned();
    unrelated.body = "Ủy ban nhân dân huyện thực hiện việc hỗ trợ xi măng.".to_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = IndexStore::open(dir.path()).expect("open store");
    store
        .build_generation(vec![scanned, digital, unrelated])
        .expect("build");
    let index = store.current().expect("current").expect("live");

    for q in [
        "\"thực hiện quyền lập hiến\"",
        "quyền lập pháp trong phạm vi cả nước",
        "\"quyen lap hien\"",
    ] {
        let results = index.search(&query(q)).expect("search");
        let mut found = ids(&results);
        found.sort_unstable();
        assert_eq!(found, ["laws-scan", "laws-text"], "{q}");
        let scan = results.hits.iter().find(|h| h.id == "laws-scan");
        let source = scan
            .and_then(|h| h.source.as_ref())
            .expect("found in the scan");
        assert!(source.machine_read, "{q}");
        if q != vietnamese::fold(q) {
            assert_eq!(ids(&results)[0], "laws-text", "{q}");
            // The exact marks rank first by a clear margin, not by a tie broken by id.
            assert!(
                results.hits[0].score > results.hits[1].score * 1.2,
                "{q}: {} vs {}",
                results.hits[0].score,
                results.hits[1].score
            );
        }
    }
}

#[test]
fn exclusions_reach_every_spelling_of_the_excluded_syllable() {
    let record = |id: &str, title: &str| {
        let mut r = crawler::Record::new(id, Kind::News, format!("https://example.test/{id}"));
        r.title = title.to_owned();
        r.body = format!("{title}, tin của huyện Than Uyên.");
        r
    };
    let index = SearchIndex::from_records([
        record("a", "Kỹ thuật trồng rừng"),
        record("b", "Kĩ năng sống"),
        record("c", "Kì họp thứ nhất"),
        record("d", "Kỳ thi tốt nghiệp"),
        record("e", "Lịch tiếp dân"),
    ])
    .expect("index");
    let found = |text: &str| {
        let mut found: Vec<String> = index
            .search(&query(text))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        found.sort_unstable();
        found
    };
    assert_eq!(found("huyện"), ["a", "b", "c", "d", "e"]);
    // An accented syllable excludes its own spellings (`kỹ` and `kĩ`, `kì` and `kỳ`) ...
    assert_eq!(found("huyện -kỹ"), ["c", "d", "e"]);
    assert_eq!(found("huyện -kĩ"), ["c", "d", "e"]);
    assert_eq!(found("huyện -kì"), ["a", "b", "e"]);
    // ... one with a single spelling only itself, a toneless one every accented reading.
    assert_eq!(found("huyện -rừng"), ["b", "c", "d", "e"]);
    assert_eq!(found("huyện -lịch"), ["a", "b", "c", "d"]);
    assert_eq!(found("huyện -ki"), ["e"]);
}
