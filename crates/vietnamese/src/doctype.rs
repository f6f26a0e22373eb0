//! Document-type vocabulary (doc §3.1, Nghị định 30/2020/NĐ-CP Phụ lục III, plus the legal
//! normative types seen in symbols): abbreviation ↔ name.

use crate::normalize::{normalize, strip_marks};

/// `(abbreviation as written in symbols, name)`. Older abbreviations (Thông tư
/// 01/2011/TT-BNV) follow the current ones so that lookups by name return the current one.
pub const DOC_TYPES: &[(&str, &str)] = &[
    ("NQ", "Nghị quyết"),
    ("QĐ", "Quyết định"),
    ("CT", "Chỉ thị"),
    ("QC", "Quy chế"),
    ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"),
    ("TB", "Thông báo"),
    ("HD", "Hướng dẫn"),
    ("CTr", "Chương trình"),
    ("KH", "Kế hoạch"),
    ("PA", "Phương án"),
    ("ĐA", "Đề án"),
    ("DA", "Dự án"),
    ("BC", "Báo cáo"),
    ("BB", "Biên bản"),
    ("TTr", "Tờ trình"),
    ("HĐ", "Hợp đồng"),
    ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"),
    ("GUQ", "Giấy ủy quyền"),
    ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"),
    ("PG", "Phiếu gửi"),
    ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"),
    ("SY", "Bản sao y"),
    ("TrS", "Bản trích sao"),
    ("SL", "Bản sao lục"),
    ("NĐ", "Nghị định"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("VBHN", "Văn bản hợp nhất"),
    ("KL", "Kết luận"),
    ("PL", "Pháp lệnh"),
    ("CV", "Công văn"),
    ("GN", "Bản ghi nhớ"),
    ("TTh", "Bản thỏa thuận"),
    ("UQ", "Giấy ủy quyền"),
    ("NP", "Giấy nghỉ phép"),
];

/// The folded lowercase key of text (`QĐ`→`qd`), without R6 (symbols are not syllables).
pub(crate) fn key_of(text: &str) -> String {
    strip_marks(&normalize(text)).into_owned()
}

/// The name of a document type from its abbreviation, in any case, with or without `Đ`:
/// `NQ`→`Nghị quyết`, `qđ`/`QD`→`Quyết định`. An exact match (with `Đ`) wins over a folded one
/// (`HĐ`→`Hợp đồng`, `HD`→`Hướng dẫn`).
pub fn doc_type_name(abbr: &str) -> Option<&'static str> {
    let exact = normalize(abbr.trim());
    DOC_TYPES
        .iter()
        .find(|(a, _)| normalize(a) == exact)
        .or_else(|| {
            let folded = key_of(&exact);
            DOC_TYPES.iter().find(|(a, _)| key_of(a) == folded)
        })
        .map(|(_, n)| *n)
}

/// The abbreviation of a document type from its name, with or without diacritics, any tone
/// placement: `nghị quyết`/`nghi quyet`→`NQ`, `Quyết định`→`QĐ`.
pub fn doc_type_abbr(name: &str) -> Option<&'static str> {
    let exact = normalize(name.trim());
    DOC_TYPES
        .iter()
        .find(|(_, n)| normalize(n) == exact)
        .or_else(|| {
            let folded = key_of(&exact);
            DOC_TYPES.iter().find(|(_, n)| key_of(n) == folded)
        })
        .map(|(a, _)| *a)
}

/// True if the folded lowercase `key` (`nq`, `qd`) is a known document-type abbreviation.
pub(crate) fn is_type_key(key: &str) -> bool {
    type_keys().iter().any(|k| k == key)
}

/// The folded keys of [`DOC_TYPES`]' abbreviations (`qd`, `nq`, `ttlt`), computed once.
fn type_keys() -> &'static [String] {
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| DOC_TYPES.iter().map(|(a, _)| key_of(a)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions() {
        assert_eq!(doc_type_name("NQ"), Some("Nghị quyết"));
        assert_eq!(doc_type_name("qđ"), Some("Quyết định"));
        assert_eq!(doc_type_name("QD"), Some("Quyết định"));
        assert_eq!(doc_type_name("KH"), Some("Kế hoạch"));
        assert_eq!(doc_type_name("TB"), Some("Thông báo"));
        assert_eq!(doc_type_name("CT"), Some("Chỉ thị"));
        assert_eq!(doc_type_name("HĐ"), Some("Hợp đồng"));
        assert_eq!(doc_type_name("HD"), Some("Hướng dẫn"));
        assert_eq!(doc_type_name("XYZ"), None);
        assert_eq!(doc_type_abbr("nghị quyết"), Some("NQ"));
        assert_eq!(doc_type_abbr("nghi quyet"), Some("NQ"));
        assert_eq!(doc_type_abbr("Quyết định"), Some("QĐ"));
        assert_eq!(doc_type_abbr("bản thoả thuận"), Some("BTT"));
        assert_eq!(doc_type_abbr("tin tức"), None);
        assert!(is_type_key("qd") && is_type_key("nq") && !is_type_key("ubnd"));
        // Every abbreviation's key, and only those (the table is computed once).
        for (abbr, _) in DOC_TYPES {
            assert!(is_type_key(&key_of(abbr)), "{abbr}");
        }
        for key in ["QĐ", "qđ", "", "nghi", "hdnd", "ttr ", "q"] {
            assert!(!is_type_key(key), "{key}");
        }
        assert!(is_type_key("ttr") && is_type_key("vbhn") && is_type_key("qyd"));
    }
}
