//! R11: abbreviations of provincial government text (doc §3.2), expanded both ways:
//! `HĐND` ↔ `hội đồng nhân dân`, `UBND` ↔ `uỷ ban nhân dân`, `KT-XH` = `KTXH` = `kt xh` ↔
//! `kinh tế - xã hội`. Keys are folded and without hyphens or spaces, so every written shape
//! of an acronym meets. Expansions are query-side OR branches with a lower boost than the
//! literal form (R11.1); ambiguous acronyms list the domain sense first (R11.2).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::doctype::key_of;

/// `(acronym as written, expansions, most likely first)`.
pub const ABBREVIATIONS: &[(&str, &[&str])] = &[
    ("UBND", &["Ủy ban nhân dân"]),
    ("HĐND", &["Hội đồng nhân dân"]),
    ("NQ", &["nghị quyết"]),
    ("QĐ", &["quyết định"]),
    ("NĐ", &["nghị định"]),
    ("NĐ-CP", &["nghị định của Chính phủ"]),
    ("CP", &["Chính phủ"]),
    ("TTg", &["Thủ tướng Chính phủ"]),
    ("VPCP", &["Văn phòng Chính phủ"]),
    ("QH", &["Quốc hội"]),
    ("ĐBQH", &["đại biểu Quốc hội"]),
    ("UBTVQH", &["Ủy ban Thường vụ Quốc hội"]),
    ("CTN", &["Chủ tịch nước"]),
    ("TW", &["Trung ương"]),
    ("BCT", &["Bộ Chính trị", "Bộ Công Thương"]),
    ("BCH", &["Ban Chấp hành", "Ban Chỉ huy"]),
    ("BTV", &["Ban Thường vụ"]),
    ("UBKT", &["Ủy ban Kiểm tra"]),
    ("MTTQ", &["Mặt trận Tổ quốc"]),
    ("UBMTTQ", &["Ủy ban Mặt trận Tổ quốc"]),
    ("ĐH", &["Đại hội", "đại học"]),
    ("NTM", &["nông thôn mới"]),
    ("KT-XH", &["kinh tế - xã hội"]),
    ("QP-AN", &["quốc phòng - an ninh"]),
    ("CNH-HĐH", &["công nghiệp hóa - hiện đại hóa"]),
    ("CCHC", &["cải cách hành chính"]),
    ("TTHC", &["thủ tục hành chính"]),
    ("DVC", &["dịch vụ công"]),
    ("CBCC", &["cán bộ, công chức"]),
    ("CBCCVC", &["cán bộ, công chức, viên chức"]),
    ("CNVC", &["công nhân viên chức"]),
    ("NSNN", &["ngân sách nhà nước"]),
    ("XDCB", &["xây dựng cơ bản"]),
    ("GPMB", &["giải phóng mặt bằng"]),
    ("QSDĐ", &["quyền sử dụng đất"]),
    ("KCN", &["khu công nghiệp"]),
    ("CCN", &["cụm công nghiệp"]),
    ("HTX", &["hợp tác xã"]),
    ("BHXH", &["bảo hiểm xã hội"]),
    ("BHYT", &["bảo hiểm y tế"]),
    ("ATGT", &["an toàn giao thông"]),
    ("PCCC", &["phòng cháy chữa cháy"]),
    ("ANTT", &["an ninh trật tự"]),
    ("CAND", &["công an nhân dân"]),
    ("QĐND", &["quân đội nhân dân"]),
    ("CAX", &["công an xã"]),
    ("QPPL", &["quy phạm pháp luật"]),
    ("VBQPPL", &["văn bản quy phạm pháp luật"]),
    ("TTLT", &["thông tư liên tịch"]),
    ("LĐTB&XH", &["Lao động - Thương binh và Xã hội"]),
    ("GD&ĐT", &["Giáo dục và Đào tạo"]),
    ("TN&MT", &["Tài nguyên và Môi trường"]),
    ("NN&PTNT", &["Nông nghiệp và Phát triển nông thôn"]),
    ("GTVT", &["Giao thông vận tải"]),
    ("KH&CN", &["Khoa học và Công nghệ"]),
    ("TT&TT", &["Thông tin và Truyền thông"]),
    ("VHTT&DL", &["Văn hóa, Thể thao và Du lịch"]),
    ("KH&ĐT", &["Kế hoạch và Đầu tư"]),
    ("SXKD", &["sản xuất kinh doanh"]),
    ("TNHH", &["trách nhiệm hữu hạn"]),
    ("OCOP", &["Mỗi xã một sản phẩm"]),
    ("CĐS", &["chuyển đổi số"]),
    ("VBHN", &["văn bản hợp nhất"]),
    ("TU", &["Tỉnh ủy"]),
    ("HU", &["Huyện ủy"]),
    ("ĐU", &["Đảng ủy"]),
    ("KH", &["kế hoạch"]),
    ("TB", &["thông báo"]),
    ("CT", &["chỉ thị", "công ty"]),
    ("TT", &["thông tư", "trung tâm"]),
    ("HD", &["hướng dẫn"]),
];

/// Which way an expansion goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The query had the acronym; the expansion is the phrase (`ubnd` → `ủy ban nhân dân`).
    AcronymToPhrase,
    /// The query had the phrase; the expansion is the acronym (`nông thôn mới` → `ntm`).
    PhraseToAcronym,
}

/// One expansion of part of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The part of the query that is expanded, as it appears in the folded query
    /// (`ubnd`, `nong thon moi`).
    pub matched: String,
    /// The replacement in exact form (`uỷ ban nhân dân`, `ntm`), to search as a phrase.
    pub replacement: String,
    /// Which way the expansion goes.
    pub direction: Direction,
    /// Relative weight below the literal form: 0.8 for the first sense, less for others.
    pub weight: f32,
}

/// The acronym key: folded, without `-`, `&`, spaces (`KT-XH`, `kt xh` → `ktxh`).
fn acronym_key(text: &str) -> String {
    key_of(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// [`ABBREVIATIONS`] prepared once for lookups: queries only hash their pieces and scan a few
/// short patterns, instead of normalising the whole table on every call.
struct Table {
    /// Acronym key → the normalised phrases it expands to, most likely first.
    acronyms: HashMap<String, Vec<String>>,
    /// The longest acronym key, in bytes: longer pieces cannot be acronyms.
    longest_key: usize,
    /// Each phrase of two or more syllables, folded and padded with spaces (` nong thon moi `),
    /// with its normalised acronym, in table order.
    phrases: Vec<(String, String)>,
    /// First folded syllable of a phrase → the indexes of the phrases starting with it, in
    /// table order: a query only scans the phrases that start with one of its words.
    by_first: HashMap<String, Vec<usize>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut acronyms: HashMap<String, Vec<String>> = HashMap::new();
        let mut phrases = Vec::new();
        for (acr, expansions) in ABBREVIATIONS {
            let list = acronyms.entry(acronym_key(acr)).or_default();
            list.extend(expansions.iter().map(|p| crate::normalize(p)));
            for phrase in expansions.iter() {
                let words = folded_tokens(phrase);
                if words.len() >= 2 {
                    phrases.push((format!(" {} ", words.join(" ")), crate::normalize(acr)));
                }
            }
        }
        let longest_key = acronyms.keys().map(String::len).max().unwrap_or(0);
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (pattern, _)) in phrases.iter().enumerate() {
            if let Some(first) = pattern.split_whitespace().next() {
                by_first.entry(first.to_owned()).or_default().push(i);
            }
        }
        Table {
            acronyms,
            longest_key,
            phrases,
            by_first,
        }
    })
}

/// The tokens of `text`, normalised and without marks.
fn folded_tokens(text: &str) -> Vec<String> {
    crate::tokenize(text)
        .into_iter()
        .map(|t| crate::normalize::strip_marks(&t.text).into_owned())
        .collect()
}

/// True if `word` (any case, folded or not) is a known acronym key.
pub fn is_abbreviation(word: &str) -> bool {
    let k = acronym_key(word);
    !k.is_empty() && table().acronyms.contains_key(&k)
}

/// The expansions of a query: every acronym token (or spaced/hyphenated acronym such as
/// `kt xh`, `KT-XH`) to its phrases, and every known phrase (matched on folded syllables,
/// so `nong thon moi` works) to its acronym.
pub fn expand(query: &str) -> Vec<Expansion> {
    expand_folded(folded_tokens(query))
}

/// [`expand`] of a query already cut into its exact-form tokens (the texts of
/// [`crate::tokenize`]): the same expansions without cutting it again.
pub fn expand_exact<S: AsRef<str>>(tokens: &[S]) -> Vec<Expansion> {
    expand_folded(
        tokens
            .iter()
            .map(|t| crate::normalize::strip_marks(t.as_ref()).into_owned())
            .collect(),
    )
}

fn expand_folded(toks: Vec<String>) -> Vec<Expansion> {
    let table = table();
    let mut out: Vec<Expansion> = Vec::new();
    let mut push = |e: Expansion| {
        if !out.contains(&e) {
            out.push(e);
        }
    };
    // Acronyms, possibly written as two or three pieces (`kt xh`, `nn ptnt`).
    let mut key = String::new();
    for i in 0..toks.len() {
        for len in (1..=3).rev() {
            if i + len > toks.len() {
                continue;
            }
            let piece = &toks[i..i + len];
            if len > 1 && piece.iter().any(|p| p.len() > 4) {
                continue;
            }
            if piece.iter().map(String::len).sum::<usize>() > table.longest_key {
                continue;
            }
            key.clear();
            piece.iter().for_each(|p| key.push_str(p));
            let Some(phrases) = table.acronyms.get(&key) else {
                continue;
            };
            for (n, phrase) in phrases.iter().enumerate() {
                push(Expansion {
                    matched: piece.join(" "),
                    replacement: phrase.clone(),
                    direction: Direction::AcronymToPhrase,
                    weight: if n == 0 { 0.8 } else { 0.5 },
                });
            }
        }
    }
    // Phrases to acronyms: a phrase can only be in the query if its first word is.
    if toks.len() >= 2 {
        let padded = format!(" {} ", toks.join(" "));
        let mut starting: Vec<usize> = toks
            .iter()
            .filter_map(|t| table.by_first.get(t))
            .flatten()
            .copied()
            .collect();
        starting.sort_unstable();
        starting.dedup();
        for (pattern, acronym) in starting.into_iter().map(|i| &table.phrases[i]) {
            if padded.contains(pattern.as_str()) {
                push(Expansion {
                    matched: pattern.trim().to_owned(),
                    replacement: acronym.clone(),
                    direction: Direction::PhraseToAcronym,
                    weight: 0.8,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacements(q: &str) -> Vec<String> {
        expand(q).into_iter().map(|e| e.replacement).collect()
    }

    #[test]
    fn expanding_tokens_equals_expanding_the_text() {
        for q in [
            "UBND huyện Than Uyên",
            "kt xh",
            "KT-XH năm 2024",
            "xây dựng nông thôn mới",
            "nong thon moi",
            "Hội đồng nhân dân tỉnh Lai Châu",
            "",
        ] {
            let tokens: Vec<String> = crate::tokenize(q).into_iter().map(|t| t.text).collect();
            assert_eq!(expand_exact(&tokens), expand(q), "{q}");
        }
    }

    #[test]
    fn acronym_to_phrase() {
        assert_eq!(replacements("UBND huyện"), ["uỷ ban nhân dân"]);
        assert_eq!(replacements("hdnd"), ["hội đồng nhân dân"]);
        assert_eq!(replacements("HĐND"), ["hội đồng nhân dân"]);
        assert_eq!(replacements("NTM"), ["nông thôn mới"]);
        for q in ["KT-XH", "ktxh", "kt xh", "KTXH"] {
            assert_eq!(replacements(q), ["kinh tế - xã hội"], "{q}");
        }
        assert_eq!(replacements("ĐH"), ["đại hội", "đại học"]);
        let e = &expand("ĐH")[1];
        assert!(e.weight < expand("ĐH")[0].weight);
    }

    #[test]
    fn phrase_to_acronym() {
        let e = expand("xây dựng nông thôn mới");
        assert!(
            e.iter()
                .any(|e| e.replacement == "ntm" && e.direction == Direction::PhraseToAcronym)
        );
        let e = expand("uy ban nhan dan huyen");
        assert!(e.iter().any(|e| e.replacement == "ubnd"));
        let e = expand("Hội đồng nhân dân");
        assert!(e.iter().any(|e| e.replacement == "hđnd"));
    }

    /// Every phrase of the table checked against the query, as before the phrases were
    /// indexed by their first word.
    fn reference_phrases(query: &str) -> Vec<(String, String)> {
        let toks = folded_tokens(query);
        if toks.len() < 2 {
            return Vec::new();
        }
        let padded = format!(" {} ", toks.join(" "));
        let mut out: Vec<(String, String)> = Vec::new();
        for (pattern, acronym) in &table().phrases {
            let found = (pattern.trim().to_owned(), acronym.clone());
            if padded.contains(pattern.as_str()) && !out.contains(&found) {
                out.push(found);
            }
        }
        out
    }

    #[test]
    fn phrases_found_as_by_scanning_the_whole_table() {
        let mut queries: Vec<String> = ABBREVIATIONS
            .iter()
            .flat_map(|(_, phrases)| phrases.iter())
            .map(|p| format!("chương trình {p} của huyện, {}", crate::fold(p)))
            .collect();
        queries.extend(
            [
                "Ủy ban nhân dân huyện Than Uyên và Hội đồng nhân dân tỉnh",
                "xay dung nong thon moi giai doan 2021 2025",
                "kinh tế - xã hội, quốc phòng an ninh",
                "đại hội đại biểu và đại học, trường đại học",
                "bảo vệ rừng",
                "",
            ]
            .map(str::to_owned),
        );
        for q in &queries {
            let found: Vec<(String, String)> = expand(q)
                .into_iter()
                .filter(|e| e.direction == Direction::PhraseToAcronym)
                .map(|e| (e.matched, e.replacement))
                .collect();
            assert_eq!(found, reference_phrases(q), "{q}");
        }
    }

    #[test]
    fn nothing_for_plain_words() {
        assert!(expand("bảo vệ rừng").is_empty());
        assert!(is_abbreviation("ubnd") && is_abbreviation("KT-XH") && !is_abbreviation("rung"));
    }
}
