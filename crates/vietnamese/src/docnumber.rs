//! Document numbers ("Số, ký hiệu", R10): State format `140/NQ-HĐND`, `01/2024/NQ-HĐND`,
//! `23/2023/TT-BTC`, `80/2015/QH13`, `4021/VPCP-CN`; Party format `05-NQ/HU`, `35-KL/TW`; and
//! the shapes people type into a search box (`nq 140 hdnd`, `140-nq-hdnd`, `quyet dinh so
//! 1285 qd ubnd`, `4021vpcp cn`, `NQ140`, `nghị quyết 140`).
//!
//! Keys are folded and lowercase so every typed shape of one number gives the same key:
//! State `140/nq-hdnd`, `1/2024/nq-hdnd`; Party `5-nq/hu`. The two shapes stay distinct.

use std::fmt;
use std::str::FromStr;

use crate::doctype::{is_type_key, key_of};
use crate::{Error, Result};

/// A parsed document number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocNumber {
    /// The number part, without leading zeros (`140`; `0` stays `0`).
    pub number: String,
    /// The year, when the number carries one (`01/2024/NQ-HĐND`).
    pub year: Option<u16>,
    /// The first group of the symbol, folded and lowercase: the document type for named
    /// documents (`nq`, `qd`), or the issuer for công văn and laws (`vpcp`, `qh13`).
    pub doc_type: String,
    /// The remaining groups of the symbol, folded, lowercase, joined by `-` (`hdnd`,
    /// `ubnd`; empty for `80/2015/QH13`).
    pub issuer: String,
    /// True for the Party (Đảng) shape `number-TYPE/ISSUER` (`05-NQ/HU`).
    pub is_party: bool,
}

/// A possibly partial document number from a query: `nghị quyết 140` (number + type),
/// `1285 ubnd` (number + issuer), `NQ140`. Parts are folded and lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocNumberQuery {
    /// The number, without leading zeros.
    pub number: String,
    /// The year, if given.
    pub year: Option<u16>,
    /// The document type (`nq`), if given as an abbreviation or a type name.
    pub doc_type: Option<String>,
    /// The issuer groups joined by `-` (`hdnd`), if given.
    pub issuer: Option<String>,
    /// True if the query has the Party shape or a Party issuer (`tu`, `hu`, `tw` ...).
    pub is_party: bool,
    /// The complete number, when the query is one (then its key is an exact-match key).
    pub full: Option<DocNumber>,
}

impl DocNumberQuery {
    /// True if `doc` agrees with every part the query gives.
    pub fn matches(&self, doc: &DocNumber) -> bool {
        if let Some(full) = &self.full {
            return full.key() == doc.key();
        }
        self.number == doc.number
            && self.year.is_none_or(|y| doc.year == Some(y))
            && self
                .doc_type
                .as_ref()
                .is_none_or(|t| *t == doc.doc_type || doc.issuer.split('-').any(|g| g == t))
            && self.issuer.as_ref().is_none_or(|i| {
                doc.issuer == *i || doc.issuer.split('-').any(|g| g == i) || doc.doc_type == *i
            })
    }
}

/// A separator seen before a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Sep {
    None,
    Space,
    Hyphen,
    Slash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Num,
    Word,
    /// Letters then digits (`qh13`, `nq140`).
    Mixed,
}

#[derive(Debug, Clone)]
struct Piece {
    text: String,
    kind: Kind,
    sep: Sep,
}

/// Folds and splits into pieces; digits glued before letters are split (`4021vpcp`).
fn lex(text: &str) -> Vec<Piece> {
    let folded = key_of(text);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut sep = Sep::None;
    let mut cur = String::new();
    let push = |cur: &mut String, sep: &mut Sep, pieces: &mut Vec<Piece>| {
        if cur.is_empty() {
            return;
        }
        let all_digits = cur.bytes().all(|b| b.is_ascii_digit());
        let kind = if all_digits {
            Kind::Num
        } else if cur.as_bytes()[0].is_ascii_digit() {
            // Digits glued before letters: split them.
            let cut = cur.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(0);
            let rest = cur.split_off(cut);
            pieces.push(Piece {
                text: std::mem::take(cur),
                kind: Kind::Num,
                sep: *sep,
            });
            *sep = Sep::Space;
            *cur = rest;
            if cur.bytes().any(|b| b.is_ascii_digit()) {
                Kind::Mixed
            } else {
                Kind::Word
            }
        } else if cur.bytes().any(|b| b.is_ascii_digit()) {
            Kind::Mixed
        } else {
            Kind::Word
        };
        pieces.push(Piece {
            text: std::mem::take(cur),
            kind,
            sep: *sep,
        });
        *sep = Sep::None;
    };
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() || c == '&' {
            cur.push(c);
        } else {
            push(&mut cur, &mut sep, &mut pieces);
            let s = match c {
                '/' | '\\' => Sep::Slash,
                '-' | '–' | '—' | '_' => Sep::Hyphen,
                _ => Sep::Space,
            };
            if !pieces.is_empty() {
                sep = sep.max(s);
            }
        }
    }
    push(&mut cur, &mut sep, &mut pieces);
    pieces
}

/// Prefix words dropped from queries; type names also give the type.
const TYPE_NAMES: &[(&str, &str)] = &[
    ("thong tu lien tich", "ttlt"),
    ("van ban hop nhat", "vbhn"),
    ("nghi quyet", "nq"),
    ("quyet dinh", "qd"),
    ("nghi dinh", "nd"),
    ("thong tu", "tt"),
    ("chi thi", "ct"),
    ("ke hoach", "kh"),
    ("thong bao", "tb"),
    ("huong dan", "hd"),
    ("bao cao", "bc"),
    ("ket luan", "kl"),
    ("quy che", "qc"),
    ("quy dinh", "qyd"),
    ("chuong trinh", "ctr"),
    ("to trinh", "ttr"),
    ("cong dien", "cd"),
    ("giay moi", "gm"),
    ("de an", "da"),
    ("du an", "da"),
    ("phuong an", "pa"),
    ("bien ban", "bb"),
    ("thong cao", "tc"),
];

/// Prefix words without meaning for the number.
const FILLERS: &[&str] = &[
    "so ky hieu",
    "so hieu",
    "ky hieu",
    "so",
    "cong van",
    "van ban",
    "luat",
];

/// Party committees appearing as issuers (`/TU`, `/HU`, `/TW`, `/ĐU`, `/VPTW`).
fn is_party_issuer(group: &str) -> bool {
    matches!(
        group,
        "tu" | "hu" | "tw" | "du" | "qu" | "thu" | "bcs" | "dtn"
    ) || (group.len() > 2 && group.ends_with("tw"))
}

/// Issuer abbreviations recognised without a `/` in the query.
fn is_known_issuer(group: &str) -> bool {
    // Legislature numbers are suffixes: `ubtvqh11`, `qh13`.
    let group = group.trim_end_matches(|c: char| c.is_ascii_digit());
    matches!(
        group,
        "hdnd"
            | "ubnd"
            | "cp"
            | "ttg"
            | "qh"
            | "vpcp"
            | "ubtvqh"
            | "tand"
            | "vksnd"
            | "ctn"
            | "nhnn"
            | "kbnn"
            | "mttq"
            | "ubmttq"
            | "vp"
            | "tlt"
    ) || is_party_issuer(group)
        || (group.starts_with('b') && (3..=7).contains(&group.len()))
        || (group.starts_with("qh") && group.len() <= 4)
        || (group.starts_with('s') && (3..=7).contains(&group.len()))
}

struct Parsed {
    number: String,
    year: Option<u16>,
    groups: Vec<String>,
    implied_type: Option<&'static str>,
    slash: bool,
    party_shape: bool,
}

fn words_match(pieces: &[Piece], at: usize, phrase: &str) -> Option<usize> {
    let mut i = at;
    for w in phrase.split(' ') {
        let p = pieces.get(i)?;
        if p.kind != Kind::Word || p.text != w {
            return None;
        }
        i += 1;
    }
    Some(i)
}

fn trim_number(digits: &str) -> String {
    let t = digits.trim_start_matches('0');
    if t.is_empty() {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

/// A number, with its filler and type words, has at most this many pieces.
const MAX_PIECES: usize = 10;

fn parse_pieces(text: &str) -> Option<Parsed> {
    // Each whitespace-separated word holding an ASCII letter or digit gives at least one
    // piece: a text with more such words than a number has pieces (a sentence, a title) is
    // told without folding and cutting it.
    if text
        .split_whitespace()
        .filter(|w| w.bytes().any(|b| b.is_ascii_alphanumeric()))
        .nth(MAX_PIECES)
        .is_some()
    {
        return None;
    }
    let mut pieces = lex(text);
    if pieces.is_empty() || pieces.len() > MAX_PIECES {
        return None;
    }
    // Drop leading fillers and type names (`so`, `nghi quyet so`, `quyet dinh`).
    let mut at = 0;
    let mut implied_type = None;
    'outer: loop {
        for (name, key) in TYPE_NAMES {
            if let Some(next) = words_match(&pieces, at, name) {
                implied_type.get_or_insert(*key);
                at = next;
                continue 'outer;
            }
        }
        for filler in FILLERS {
            if let Some(next) = words_match(&pieces, at, filler) {
                at = next;
                continue 'outer;
            }
        }
        break;
    }
    pieces.drain(..at);
    // `NQ140` with no stand-alone number: split the glued type.
    if !pieces.iter().any(|p| p.kind == Kind::Num) {
        let i = pieces.iter().position(|p| p.kind == Kind::Mixed)?;
        let cut = pieces[i].text.bytes().position(|b| b.is_ascii_digit())?;
        let digits = pieces[i].text.split_off(cut);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        pieces[i].kind = Kind::Word;
        pieces.insert(
            i + 1,
            Piece {
                text: digits,
                kind: Kind::Num,
                sep: Sep::Space,
            },
        );
    }
    let ni = pieces.iter().position(|p| p.kind == Kind::Num)?;
    let num = &pieces[ni].text;
    if num.len() > 5 {
        return None;
    }
    let number = trim_number(num);
    let mut groups: Vec<String> = pieces[..ni].iter().map(|p| p.text.clone()).collect();
    if groups.iter().any(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut rest = &pieces[ni + 1..];
    let mut year = None;
    if let Some(p) = rest.first()
        && p.kind == Kind::Num
        && p.text.len() == 4
        && let Ok(y) = p.text.parse::<u16>()
        && (1945..=2100).contains(&y)
    {
        year = Some(y);
        rest = &rest[1..];
    }
    let party_shape = groups.is_empty()
        && year.is_none()
        && rest.len() >= 2
        && rest[0].sep == Sep::Hyphen
        && rest[0].kind == Kind::Word
        && rest[1].sep == Sep::Slash;
    let slash = rest.first().is_some_and(|p| p.sep == Sep::Slash)
        || pieces.get(ni + 1).is_some_and(|p| p.sep == Sep::Slash);
    for p in rest {
        if p.kind == Kind::Num {
            // Trailing numbers (`ngày 25`) are not part of a symbol.
            break;
        }
        groups.push(p.text.clone());
    }
    if groups.iter().any(|g| g.len() > 10) {
        return None;
    }
    Some(Parsed {
        number,
        year,
        groups,
        implied_type,
        slash,
        party_shape,
    })
}

impl Parsed {
    /// Applies the implied type and splits type from issuer.
    fn parts(&self) -> (Option<String>, Vec<String>) {
        let mut groups = self.groups.clone();
        if let Some(t) = self.implied_type
            && groups.first().map(String::as_str) != Some(t)
        {
            groups.retain(|g| g != t);
            groups.insert(0, t.to_owned());
        }
        match groups.first() {
            Some(first) if is_type_key(first) => {
                let t = groups.remove(0);
                (Some(t), groups)
            }
            _ => (None, groups),
        }
    }

    fn is_party(&self) -> bool {
        if self.party_shape {
            return true;
        }
        if self.slash {
            // `05/NQ-TU` is written in the State shape: keep it distinct from `05-NQ/TU`.
            return false;
        }
        let (t, issuer) = self.parts();
        self.year.is_none() && t.is_some() && issuer.len() == 1 && is_party_issuer(&issuer[0])
    }
}

impl DocNumber {
    /// Parses a document number written in full, in any of the usual shapes: `140/NQ-HĐND`,
    /// `Số: 01/2024/NQ-HĐND`, `140 / NQ - HÐND`, `05-NQ/HU`, and typed query shapes
    /// `nq 140 hdnd`, `140-nq-hdnd`, `140 nq hđnd`, `quyet dinh so 1285 qd ubnd`,
    /// `4021vpcp cn`, `30 2020 nd cp`. `None` if the text is not a complete number (see
    /// [`DocNumber::parse_query`] for partial ones such as `nghị quyết 140`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::from_parsed(&parse_pieces(text)?)
    }

    /// The complete number of a parsed text, if it is one.
    fn from_parsed(parsed: &Parsed) -> Option<Self> {
        let (doc_type, issuer) = parsed.parts();
        let mut groups: Vec<String> = doc_type.iter().cloned().collect();
        groups.extend(issuer.iter().cloned());
        let complete = match groups.len() {
            0 => false,
            1 => (parsed.slash || parsed.year.is_some()) && parsed.implied_type.is_none(),
            _ => parsed.slash || groups.iter().any(|g| is_type_key(g) || is_known_issuer(g)),
        };
        if !complete {
            return None;
        }
        let is_party = parsed.is_party();
        let first = groups.remove(0);
        Some(Self {
            number: parsed.number.clone(),
            year: if is_party { None } else { parsed.year },
            doc_type: first,
            issuer: groups.join("-"),
            is_party,
        })
    }

    /// Parses a possibly partial number from a query: everything [`DocNumber::parse`] takes,
    /// plus `nghị quyết 140`, `quyết định 1285`, `NQ140`, `1285 ubnd`, `140/2024`. `None` if
    /// there is no number or nothing but a number.
    pub fn parse_query(text: &str) -> Option<DocNumberQuery> {
        let parsed = parse_pieces(text)?;
        let full = Self::from_parsed(&parsed);
        let (doc_type, issuer) = parsed.parts();
        if doc_type.is_none() && issuer.is_empty() && parsed.year.is_none() {
            return None;
        }
        if full.is_none() && doc_type.is_none() && !issuer.iter().all(|g| is_known_issuer(g)) {
            return None;
        }
        let is_party = parsed.is_party();
        Some(DocNumberQuery {
            number: parsed.number,
            year: parsed.year,
            doc_type,
            issuer: (!issuer.is_empty()).then(|| issuer.join("-")),
            is_party,
            full,
        })
    }

    /// False when `text` cannot hold a document number, not even a partial one: it has no
    /// digit (ASCII, or full-width, which normalising makes ASCII). [`DocNumber::parse`],
    /// [`DocNumber::parse_query`] and [`find_doc_numbers`] then find nothing, so a caller
    /// can skip them (most queries have no digit).
    pub fn possible_in(text: &str) -> bool {
        text.chars()
            .any(|c| c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c))
    }

    /// The whole symbol, folded: `nq-hdnd`, `qh13`.
    pub fn symbol(&self) -> String {
        if self.issuer.is_empty() {
            self.doc_type.clone()
        } else {
            format!("{}-{}", self.doc_type, self.issuer)
        }
    }

    /// The canonical key used for exact matching: State `140/nq-hdnd`, `1/2024/nq-hdnd`,
    /// `80/2015/qh13`; Party `5-nq/hu`.
    pub fn key(&self) -> String {
        if self.is_party {
            return format!("{}-{}/{}", self.number, self.doc_type, self.issuer);
        }
        match self.year {
            Some(y) => format!("{}/{}/{}", self.number, y, self.symbol()),
            None => format!("{}/{}", self.number, self.symbol()),
        }
    }
}

impl fmt::Display for DocNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl FromStr for DocNumber {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s).ok_or_else(|| Error::NotADocNumber(s.to_owned()))
    }
}

/// A symbol letter (ASCII letter or `Đ`/`đ`/`Ð`/`ð`).
fn sym_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'Đ' | 'đ' | 'Ð' | 'ð')
}

/// Matches the State or Party pattern of R10.1 at `i` (a digit); returns the end index.
fn match_at(cs: &[char], i: usize) -> Option<usize> {
    let skip_ws = |mut j: usize| {
        while j < cs.len() && (cs[j] == ' ' || cs[j] == '\u{a0}') {
            j += 1;
        }
        j
    };
    let digits = |j: usize, max: usize| {
        let mut k = j;
        while k < cs.len() && cs[k].is_ascii_digit() {
            k += 1;
        }
        (k > j && k - j <= max).then_some(k)
    };
    let boundary = |j: usize| j >= cs.len() || !(cs[j].is_alphanumeric());
    // A group of symbol characters ending on a word boundary.
    let group = |j: usize, first_letter: bool| {
        if j >= cs.len() || (first_letter && !sym_letter(cs[j])) {
            return None;
        }
        let mut k = j;
        while k < cs.len() && (sym_letter(cs[k]) || cs[k].is_ascii_digit() || cs[k] == '&') {
            k += 1;
        }
        (k > j && boundary(k)).then_some(k)
    };
    // More groups after hyphens (or slashes: `05/1998/TTLT/TCCP-CCB`).
    let more_groups = |mut end: usize| {
        loop {
            let j = skip_ws(end);
            if j < cs.len()
                && cs[j] == '-'
                && let Some(k) = group(skip_ws(j + 1), false)
            {
                end = k;
                continue;
            }
            if j == end
                && j < cs.len()
                && cs[j] == '/'
                && let Some(k) = group(j + 1, true)
            {
                end = k;
                continue;
            }
            return end;
        }
    };
    let n_end = digits(i, 5)?;
    let j = skip_ws(n_end);
    if j < cs.len() && cs[j] == '/' {
        let mut j = skip_ws(j + 1);
        if let Some(y_end) = digits(j, 4)
            && y_end - j == 4
        {
            let k = skip_ws(y_end);
            if k < cs.len() && cs[k] == '/' {
                j = skip_ws(k + 1);
            } else {
                return None;
            }
        }
        let g_end = group(j, true)?;
        let end = more_groups(g_end);
        let first_upper = cs[j].is_uppercase();
        let multi = end > g_end;
        return (first_upper || multi).then_some(end);
    }
    if j < cs.len() && cs[j] == '-' {
        let t = skip_ws(j + 1);
        let mut k = t;
        while k < cs.len() && sym_letter(cs[k]) && k - t < 6 {
            k += 1;
        }
        if k == t || !cs[t].is_uppercase() {
            return None;
        }
        let s = skip_ws(k);
        if s >= cs.len() || cs[s] != '/' {
            return None;
        }
        let g_end = group(skip_ws(s + 1), true)?;
        return Some(more_groups(g_end));
    }
    None
}

/// Finds every document number written in running text (R10.1, R10.1b): State numbers
/// `140/NQ-HĐND`, `05/2016/NQ-HĐND`, `140 / NQ - HÐND`; Party numbers `36-HD/VPTW`. Dates
/// (`25/5/2018`, `01-10-1997`) do not match: a symbol starts with a letter.
pub fn find_doc_numbers(text: &str) -> Vec<DocNumber> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let starts = cs[i].is_ascii_digit() && (i == 0 || !cs[i - 1].is_alphanumeric());
        if starts && let Some(end) = match_at(&cs, i) {
            let s: String = cs[i..end].iter().collect();
            if let Some(d) = DocNumber::parse(&s)
                && !out.contains(&d)
            {
                out.push(d);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_digit_no_number() {
        for text in [
            "nghị quyết hđnd",
            "NQ-HĐND",
            "quyết định số QĐ-UBND",
            "nghi quyet so",
            "Luật Giáo dục nghề nghiệp",
            "",
        ] {
            assert!(!DocNumber::possible_in(text), "{text}");
            assert!(DocNumber::parse(text).is_none(), "{text}");
            assert!(DocNumber::parse_query(text).is_none(), "{text}");
            assert!(find_doc_numbers(text).is_empty(), "{text}");
        }
        for text in ["nghị quyết 140", "NQ１４０ HĐND", "１２８５/QĐ-UBND"] {
            assert!(DocNumber::possible_in(text), "{text}");
            assert!(DocNumber::parse_query(text).is_some(), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn without_a_digit_nothing_parses(
            text in "[a-zA-Z ,./&_–àáảãạăâấầđèéêếìíòóôốơớùúưứýĐÐ\u{0301}\u{0323}ＮＱ²½-]{0,40}"
        ) {
            proptest::prop_assume!(!DocNumber::possible_in(&text));
            proptest::prop_assert!(DocNumber::parse(&text).is_none());
            proptest::prop_assert!(DocNumber::parse_query(&text).is_none());
            proptest::prop_assert!(find_doc_numbers(&text).is_empty());
        }
    }

    fn key(s: &str) -> String {
        DocNumber::parse(s)
            .map(|d| d.key())
            .unwrap_or_else(|| format!("<none: {s}>"))
    }

    #[test]
    fn r10_1_state_written_forms() {
        assert_eq!(key("Số: 140/NQ-HĐND"), "140/nq-hdnd");
        assert_eq!(key("Số: 05/2016/NQ-HĐND"), "5/2016/nq-hdnd");
        assert_eq!(key("30/2020/NĐ-CP"), "30/2020/nd-cp");
        assert_eq!(key("Luật số 80/2015/QH13"), "80/2015/qh13");
        assert_eq!(key("140 / NQ - HÐND"), "140/nq-hdnd");
        assert_eq!(key("1285/QĐ-UBND"), "1285/qd-ubnd");
        assert_eq!(key("23/2023/TT-BTC"), "23/2023/tt-btc");
        assert_eq!(key("01/2024/NQ-HĐND"), "1/2024/nq-hdnd");
        assert_eq!(key("4021/VPCP-CN"), "4021/vpcp-cn");
        assert_eq!(key("03/VBHN-VPQH"), "3/vbhn-vpqh");
        assert_eq!(key("05/1998/TTLT/TCCP-CCB"), "5/1998/ttlt-tccp-ccb");
        assert_eq!(key("luat-so-85-2015-qh13"), "85/2015/qh13");
        let d = DocNumber::parse("01/2024/NQ-HĐND").expect("parses");
        assert_eq!(
            (
                d.number.as_str(),
                d.year,
                d.doc_type.as_str(),
                d.issuer.as_str(),
                d.is_party
            ),
            ("1", Some(2024), "nq", "hdnd", false)
        );
    }

    #[test]
    fn r10_1b_party_forms() {
        assert_eq!(key("Số: 36-HD/VPTW"), "36-hd/vptw");
        assert_eq!(key("Nghị quyết số 05-NQ/TU"), "5-nq/tu");
        assert_eq!(key("05-NQ/HU"), "5-nq/hu");
        assert_eq!(key("12-CT/TU"), "12-ct/tu");
        assert_eq!(key("35-KL/TW"), "35-kl/tw");
        let d = DocNumber::parse("05-NQ/HU").expect("parses");
        assert!(d.is_party);
        assert_eq!((d.doc_type.as_str(), d.issuer.as_str()), ("nq", "hu"));
        // Typed without the shape, a Party issuer still gives the Party key.
        assert_eq!(key("nq 05 hu"), "5-nq/hu");
        assert_eq!(key("05/NQ-TU"), "5/nq-tu");
    }

    #[test]
    fn r10_3_query_shapes_share_the_key() {
        for q in [
            "nq 140 hdnd",
            "140 nq hđnd",
            "140/nq-hdnd",
            "140-nq-hdnd",
            "140/NQ-HĐND",
            "số 140/NQ-HĐND",
            "nghị quyết 140 hdnd",
            "nghi quyet so 140/nq-hdnd",
        ] {
            assert_eq!(key(q), "140/nq-hdnd", "{q}");
        }
        for q in [
            "so 1285/qd-ubnd",
            "1285-QD-UBND",
            "quyet dinh 1285 qd ubnd",
            "quyết định số 1285/QĐ-UBND",
        ] {
            assert_eq!(key(q), "1285/qd-ubnd", "{q}");
        }
        assert_eq!(key("4021vpcp cn"), "4021/vpcp-cn");
        assert_eq!(key("công văn số 4021vpcp cn"), "4021/vpcp-cn");
        assert_eq!(key("30 2020 nd cp"), "30/2020/nd-cp");
        assert_eq!(key("5/2016/nq-hdnd"), "5/2016/nq-hdnd");
        assert_eq!(key("thong-tu-13-2023-tt-byt"), "13/2023/tt-byt");
        assert_eq!(key("quyet dinh so 18 2020 qd ttg"), "18/2020/qd-ttg");
    }

    #[test]
    fn not_document_numbers() {
        for s in [
            "25/5/2018",
            "01-10-1997",
            "nghị quyết",
            "140",
            "hello 140 world",
            "nq140",
            "nghị quyết 140",
        ] {
            assert!(DocNumber::parse(s).is_none(), "{s}");
        }
        assert!("25/5/2018".parse::<DocNumber>().is_err());
    }

    #[test]
    fn partial_query_numbers() {
        let q = DocNumber::parse_query("nghị quyết 140").expect("partial");
        assert_eq!(
            (
                q.number.as_str(),
                q.doc_type.as_deref(),
                q.issuer.as_deref()
            ),
            ("140", Some("nq"), None)
        );
        assert!(q.full.is_none());
        let q = DocNumber::parse_query("quyết định 1285").expect("partial");
        assert_eq!(
            (q.number.as_str(), q.doc_type.as_deref()),
            ("1285", Some("qd"))
        );
        let q = DocNumber::parse_query("NQ140").expect("glued");
        assert_eq!(
            (q.number.as_str(), q.doc_type.as_deref()),
            ("140", Some("nq"))
        );
        let q = DocNumber::parse_query("1285 ubnd").expect("issuer only");
        assert_eq!(
            (q.doc_type.as_deref(), q.issuer.as_deref()),
            (None, Some("ubnd"))
        );
        let doc = DocNumber::parse("1285/QĐ-UBND").expect("full");
        assert!(q.matches(&doc));
        assert!(
            DocNumber::parse_query("nghị quyết 140")
                .expect("q")
                .matches(&DocNumber::parse("140/NQ-HĐND").expect("d"))
        );
        assert!(
            !DocNumber::parse_query("nghị quyết 141")
                .expect("q")
                .matches(&DocNumber::parse("140/NQ-HĐND").expect("d"))
        );
        let q = DocNumber::parse_query("140/nq-hdnd").expect("full");
        assert_eq!(
            q.full.as_ref().map(DocNumber::key).as_deref(),
            Some("140/nq-hdnd")
        );
        assert!(DocNumber::parse_query("140").is_none());
        assert!(DocNumber::parse_query("năm 2024 có 140 người").is_none());
    }

    #[test]
    fn long_texts_are_rejected_before_cutting_as_when_cut() {
        // Ten words (with fillers, type names and pieces) can still be a number; eleven
        // words holding letters or digits cannot, whatever their separators.
        let ten = "số ký hiệu nghị quyết 140 / NQ - HĐND tỉnh Lai";
        assert_eq!(lex(ten).len(), 10);
        assert!(parse_pieces(ten).is_some());
        assert!(DocNumber::parse_query(ten).is_some());
        for eleven in [
            "Nghị quyết 140/NQ-HĐND về hỗ trợ phát triển nông thôn mới năm 2024 tại huyện",
            "số ký hiệu nghị quyết 140 / NQ - HĐND tỉnh Lai Châu",
        ] {
            assert!(lex(eleven).len() > MAX_PIECES, "{eleven}");
            assert!(parse_pieces(eleven).is_none(), "{eleven}");
            assert!(DocNumber::parse(eleven).is_none(), "{eleven}");
            assert!(DocNumber::parse_query(eleven).is_none(), "{eleven}");
        }
        // Words without an ASCII letter or digit (dashes, full-width digits) are not counted
        // by the quick check; cutting decides.
        let dashes = "140 - - - - - - - - - - - - NQ";
        assert_eq!(
            DocNumber::parse_query(dashes).map(|q| q.number),
            Some("140".to_owned())
        );
    }

    #[test]
    fn finds_numbers_in_running_text() {
        let text = "Căn cứ Nghị quyết số 140/NQ-HĐND ngày 25/5/2018; Quyết định 1989/QĐ-BGDĐT \
                    ngày 25/5/2018 và Nghị định 30/2020/NĐ-CP, Hướng dẫn 36-HD/VPTW; 100/ha.";
        let keys: Vec<String> = find_doc_numbers(text).iter().map(DocNumber::key).collect();
        assert_eq!(
            keys,
            [
                "140/nq-hdnd",
                "1989/qd-bgddt",
                "30/2020/nd-cp",
                "36-hd/vptw"
            ]
        );
        // From corpus/legal source notes.
        let note =
            "(Điều 15 Nghị định số 113/2013/NĐ-CP, có hiệu lực thi hành kể từ ngày 01/12/2013)";
        let keys: Vec<String> = find_doc_numbers(note).iter().map(DocNumber::key).collect();
        assert_eq!(keys, ["113/2013/nd-cp"]);
        let keys: Vec<String> = find_doc_numbers("140/NQ-HĐND - Nghị quyết về")
            .iter()
            .map(DocNumber::key)
            .collect();
        assert_eq!(keys, ["140/nq-hdnd"]);
    }
}
