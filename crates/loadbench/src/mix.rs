//! The query mix: what citizens, journalists and admins type, as `/api/search` request paths,
//! each tagged with its kind so latencies can be reported per kind.

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
        });
    }
    for q in TONELESS {
        queries.push(Query {
            kind: QueryKind::Toneless,
            path: search(q),
        });
    }
    for q in PHRASE {
        queries.push(Query {
            kind: QueryKind::Phrase,
            path: search(q),
        });
    }
    for q in FILTERED {
        queries.push(Query {
            kind: QueryKind::Filtered,
            path: format!("/api/search?{q}"),
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
        });
    }
    let sentences = long_sentences(records);
    for sentence in spread(&sentences, 12) {
        queries.push(Query {
            kind: QueryKind::Long,
            path: search(sentence),
        });
    }
    queries
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
    let mut out = Vec::new();
    for kind in [Kind::Legal, Kind::News] {
        let bodies = records.iter().filter(|r| r.kind == kind).step_by(97);
        for record in bodies {
            for sentence in record.body.split(['.', '\n', ';']) {
                let syllables = sentence.split_whitespace().count();
                if (25..=40).contains(&syllables) {
                    out.push(sentence.trim());
                    break;
                }
            }
            if out.len() >= 200 * (1 + usize::from(kind == Kind::News)) {
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
}
