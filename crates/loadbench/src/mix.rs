//! The query mix: what citizens, journalists and admins type, as `/api/search` request paths,
//! each tagged with its kind so latencies can be reported per kind.

use std::collections::HashSet;

use crawler::{Kind, Record};

/// The kinds of query in the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum QueryKind {
    /// One or two words with diacritics.
    Short,
    /// Words typed without diacritics.
    Toneless,
    /// A phrase in quotes, or an exclusion / OR query.
    Phrase,
    /// Words plus filters (kind, doc_type, dates) and a sort.
    Filtered,
    /// A document number (`113/2013/NĐ-CP`).
    DocNumber,
    /// A pasted sentence of 25-40 syllables.
    Long,
}

impl QueryKind {
    /// Every kind, in table order.
    pub(crate) const ALL: [QueryKind; 6] = [
        QueryKind::Short,
        QueryKind::Toneless,
        QueryKind::Phrase,
        QueryKind::Filtered,
        QueryKind::DocNumber,
        QueryKind::Long,
    ];

    /// The kind's name in the report.
    pub(crate) fn name(self) -> &'static str {
        match self {
            QueryKind::Short => "short",
            QueryKind::Toneless => "toneless",
            QueryKind::Phrase => "phrase/bool",
            QueryKind::Filtered => "filtered",
            QueryKind::DocNumber => "doc number",
            QueryKind::Long => "long (25-40)",
        }
    }
}

/// One request of the mix.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    /// Which kind of query it is.
    pub(crate) kind: QueryKind,
    /// Path and query string (`/api/search?q=…`).
    pub(crate) path: String,
    /// A query of the long tail, asked once (never answered from the result cache).
    pub(crate) unseen: bool,
}

const SHORT: &[&str] = &[
    "đất đai",
    "thuế",
    "giáo dục",
    "bảo hiểm",
    "môi trường",
    "xây dựng",
    "thanh niên",
    "ngân hàng",
    "giao thông",
    "y tế",
    "hộ tịch",
    "khiếu nại",
];

const TONELESS: &[&str] = &[
    "dat dai",
    "bao hiem xa hoi",
    "giay phep xay dung",
    "thu tuc hanh chinh",
    "uy ban nhan dan",
    "nghi dinh chinh phu",
    "tai san",
    "hon nhan gia dinh",
    "nghi quyet hoi dong nhan dan",
    "phong chong thien tai",
    "quyen su dung dat",
    "tre em",
];

const PHRASE: &[&str] = &[
    "\"thủ tục hành chính\"",
    "\"ủy ban nhân dân\"",
    "\"bảo vệ môi trường\"",
    "\"quyền sử dụng đất\"",
    "\"giấy phép\" -xây",
    "thuế OR phí",
    "\"hội đồng nhân dân\" ngân sách",
    "\"phòng cháy\" OR \"chữa cháy\"",
];

const FILTERED: &[&str] = &[
    "q=gi%E1%BA%A5y+ph%C3%A9p&kind=legal&doc_type=Ngh%E1%BB%8B+%C4%91%E1%BB%8Bnh",
    "q=tai+nan+giao+thong&kind=news&sort=newest",
    "q=thu%E1%BA%BF&kind=legal&doc_type=Lu%E1%BA%ADt",
    "q=dat+dai&kind=legal&date_from=2015-01-01&date_to=2020-12-31",
    "q=b%E1%BA%A3o+hi%E1%BB%83m&kind=legal&sort=oldest",
    "q=gia+dinh&kind=news&date_from=2018-01-01",
    "q=h%E1%BB%99+t%E1%BB%8Bch&doc_type=Th%C3%B4ng+t%C6%B0&status=con-hieu-luc",
    "q=%C4%91%E1%BA%A7u+t%C6%B0&issuer=Qu%E1%BB%91c+h%E1%BB%99i",
];

/// Builds the mix: fixed words and phrases, plus document numbers and long sentences taken
/// from the corpus itself (so they exist in the index).
pub(crate) fn build(records: &[Record]) -> Vec<Query> {
    let mut queries = Vec::new();
    let search = |q: &str| format!("/api/search?q={}", encode(q));
    for q in SHORT {
        queries.push(Query {
            kind: QueryKind::Short,
            path: search(q),
            unseen: false,
        });
    }
    for q in TONELESS {
        queries.push(Query {
            kind: QueryKind::Toneless,
            path: search(q),
            unseen: false,
        });
    }
    for q in PHRASE {
        queries.push(Query {
            kind: QueryKind::Phrase,
            path: search(q),
            unseen: false,
        });
    }
    for q in FILTERED {
        queries.push(Query {
            kind: QueryKind::Filtered,
            path: format!("/api/search?{q}"),
            unseen: false,
        });
    }
    let mut numbers: Vec<&str> = records
        .iter()
        .filter_map(|r| r.doc_number.as_deref())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    for number in spread(&numbers, 12) {
        queries.push(Query {
            kind: QueryKind::DocNumber,
            path: search(number),
            unseen: false,
        });
    }
    let sentences = long_sentences(records);
    for sentence in spread(&sentences, 12) {
        queries.push(Query {
            kind: QueryKind::Long,
            path: search(sentence),
            unseen: false,
        });
    }
    queries
}

/// Up to `count` distinct queries nobody asked before, for the share of the load that misses
/// the result cache: title fragments (accented, toneless, quoted, filtered), document numbers
/// and pasted sentences, taken in turn from records spread over the corpus (so they exist in
/// the index), none equal to a query of the popular mix.
pub(crate) fn long_tail(records: &[Record], popular: &[Query], count: usize) -> Vec<Query> {
    let mut seen: HashSet<String> = popular.iter().map(|q| q.path.clone()).collect();
    let mut out = Vec::with_capacity(count);
    let search = |q: &str| format!("/api/search?q={}", encode(q));
    let mut push = |kind: QueryKind, path: String, out: &mut Vec<Query>| {
        if seen.insert(path.clone()) {
            out.push(Query {
                kind,
                path,
                unseen: true,
            });
        }
    };
    let mut numbers = records
        .iter()
        .filter_map(|r| r.doc_number.as_deref())
        .step_by(3);
    let sentences = sentences(records, count / 6 + 1, 5);
    let mut sentences = sentences.iter();
    // A stride prime to the corpus size walks every record once before repeating.
    let stride = 7919;
    let mut position = 0usize;
    let mut round = 0usize;
    while out.len() < count && round < count * 4 {
        round += 1;
        position = (position + stride) % records.len().max(1);
        let Some(record) = records.get(position) else {
            break;
        };
        let words: Vec<&str> = record.title.split_whitespace().collect();
        let fragment = |len: usize| -> Option<String> {
            (words.len() >= len).then(|| {
                let start = round % (words.len() - len + 1);
                words[start..start + len].join(" ")
            })
        };
        match round % 6 {
            0 => {
                if let Some(f) = fragment(2) {
                    push(QueryKind::Short, search(&f), &mut out);
                }
            }
            1 => {
                if let Some(f) = fragment(3) {
                    push(QueryKind::Toneless, search(&vietnamese::fold(&f)), &mut out);
                }
            }
            2 => {
                if let Some(f) = fragment(3) {
                    push(QueryKind::Phrase, search(&format!("\"{f}\"")), &mut out);
                }
            }
            3 => {
                if let Some(f) = fragment(2) {
                    let kind = if record.kind == Kind::Legal {
                        "legal"
                    } else {
                        "news"
                    };
                    let path = format!("{}&kind={kind}&sort=newest", search(&f));
                    push(QueryKind::Filtered, path, &mut out);
                }
            }
            4 => {
                if let Some(number) = numbers.next() {
                    push(QueryKind::DocNumber, search(number), &mut out);
                }
            }
            _ => {
                if let Some(sentence) = sentences.next() {
                    push(QueryKind::Long, search(sentence), &mut out);
                }
            }
        }
    }
    out
}

/// `count` items spread evenly over `items`.
fn spread<T: Copy>(items: &[T], count: usize) -> Vec<T> {
    if items.is_empty() {
        return Vec::new();
    }
    let step = (items.len() / count).max(1);
    items.iter().step_by(step).take(count).copied().collect()
}

/// Sentences of 25 to 40 syllables from legal and news bodies, as a user would paste them.
fn long_sentences(records: &[Record]) -> Vec<&str> {
    sentences(records, 200, 97)
}

/// Up to `limit` legal and `limit` news sentences of 25 to 40 syllables, one from every
/// `step`-th record.
fn sentences(records: &[Record], limit: usize, step: usize) -> Vec<&str> {
    let mut out = Vec::new();
    for kind in [Kind::Legal, Kind::News] {
        let bodies = records.iter().filter(|r| r.kind == kind).step_by(step);
        for record in bodies {
            for sentence in record.body.split(['.', '\n', ';']) {
                let syllables = sentence.split_whitespace().count();
                if (25..=40).contains(&syllables) {
                    out.push(sentence.trim());
                    break;
                }
            }
            if out.len() >= limit * (1 + usize::from(kind == Kind::News)) {
                break;
            }
        }
    }
    out
}

/// Percent-encodes a query-string value.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_in_the_mix() {
        let mut legal = Record::new("a", Kind::Legal, "u");
        legal.doc_number = Some("113/2013/NĐ-CP".to_owned());
        legal.body = "một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu. Hết".to_owned();
        let mix = build(&[legal]);
        for kind in QueryKind::ALL {
            assert!(mix.iter().any(|q| q.kind == kind), "{kind:?} missing");
        }
        assert!(
            mix.iter()
                .any(|q| q.path.contains("113%2F2013%2FN%C4%90-CP"))
        );
    }

    #[test]
    fn the_long_tail_is_distinct_and_new() {
        let mut records = Vec::new();
        for i in 0..50 {
            let mut r = Record::new(format!("laws-{i}"), Kind::Legal, "u");
            r.title = format!(
                "Nghị quyết số {i} về dự toán ngân sách địa phương năm {}",
                2000 + i
            );
            r.doc_number = Some(format!("{i}/NQ-HĐND"));
            r.body = "một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám chín mười một hai ba bốn năm sáu bảy tám".to_owned();
            records.push(r);
        }
        let popular = build(&records);
        let tail = long_tail(&records, &popular, 60);
        assert!(tail.len() >= 30, "{}", tail.len());
        assert!(tail.iter().all(|q| q.unseen));
        let paths: HashSet<&str> = tail.iter().map(|q| q.path.as_str()).collect();
        assert_eq!(paths.len(), tail.len(), "every tail query is asked once");
        assert!(popular.iter().all(|q| !paths.contains(q.path.as_str())));
        for kind in [QueryKind::Short, QueryKind::Toneless, QueryKind::DocNumber] {
            assert!(tail.iter().any(|q| q.kind == kind), "{kind:?} missing");
        }
    }
}
