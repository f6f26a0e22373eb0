//! Query understanding: splitting what the user typed into phrases, exclusions and `OR`
//! alternatives, and recognising document numbers in any typed shape (R10.3).
//!
//! Nothing here touches Tantivy; [`crate::search`] turns the result into index queries.

use crate::schema::DocNumberKeys;

/// One positive element of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A bare word (may contain punctuation, e.g. `140/NQ-HĐND`; the analyzer splits it).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
}

/// A query split into its syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ParsedQuery {
    /// Alternatives separated by `OR`; each alternative is a list of items.
    pub(crate) groups: Vec<Vec<Item>>,
    /// Items prefixed with `-`: records containing them are excluded.
    pub(crate) excluded: Vec<Item>,
}

impl ParsedQuery {
    /// Every positive item, across groups.
    pub(crate) fn items(&self) -> impl Iterator<Item = &Item> {
        self.groups.iter().flatten()
    }
}

/// Splits a query into phrases (`"…"`), exclusions (`-word`, `-"…"`) and `OR` alternatives.
/// Unbalanced quotes run to the end of the query.
pub(crate) fn parse(query: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let mut group: Vec<Item> = Vec::new();
    // Words and phrases are cut from the query as slices, each copied once.
    let mut chars = query.char_indices().peekable();
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let Some(&(_, first)) = chars.peek() else {
            break;
        };
        let mut negated = false;
        if first == '-' {
            chars.next();
            match chars.peek() {
                Some((_, c)) if !c.is_whitespace() => negated = true,
                _ => continue,
            }
        }
        let item = if let Some(&(at, quote @ ('"' | '“'))) = chars.peek() {
            chars.next();
            let start = at + quote.len_utf8();
            let mut end = query.len();
            for (i, c) in chars.by_ref() {
                if c == '"' || c == '”' {
                    end = i;
                    break;
                }
            }
            Item::Phrase(query[start..end].to_owned())
        } else {
            let start = chars.peek().map_or(query.len(), |&(i, _)| i);
            let mut end = query.len();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    end = i;
                    break;
                }
                chars.next();
            }
            let word = &query[start..end];
            if !negated && word == "OR" {
                if !group.is_empty() {
                    parsed.groups.push(std::mem::take(&mut group));
                }
                continue;
            }
            Item::Word(word.to_owned())
        };
        let empty = match &item {
            Item::Word(w) | Item::Phrase(w) => w.trim().is_empty(),
        };
        if empty {
            continue;
        }
        if negated {
            parsed.excluded.push(item);
        } else {
            group.push(item);
        }
    }
    if !group.is_empty() {
        parsed.groups.push(group);
    }
    parsed
}

/// Which document-number keys a query asks for, strongest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumberQuery {
    /// Full keys (`140/nq-hdnd`).
    pub(crate) full: Vec<String>,
    /// Number + type keys (`140/nq`).
    pub(crate) num_type: Vec<String>,
    /// Number + issuer keys (`140/hdnd`).
    pub(crate) num_issuer: Vec<String>,
    /// The canonical key of the number the query names, when it names a whole one.
    pub(crate) reading: Option<String>,
}

impl NumberQuery {
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.full.is_empty() && self.num_type.is_empty() && self.num_issuer.is_empty()
    }

    /// Whether a record's printed number is one the query asked for.
    pub(crate) fn matches(&self, printed: &str) -> bool {
        if self.full.is_empty() && self.num_type.is_empty() && self.num_issuer.is_empty() {
            // A query without a document number: nothing to parse.
            return false;
        }
        let Some(number) = vietnamese::DocNumber::parse(printed) else {
            return false;
        };
        let keys = DocNumberKeys::of(&number);
        self.matches_keys(&keys.full, &keys.num_type, &keys.num_issuer)
    }

    /// Whether a record's number, given by its keys ([`DocNumberKeys`], kept with the
    /// record at index time), is one the query asked for: what [`Self::matches`] answers.
    pub(crate) fn matches_keys(&self, full: &str, num_type: &str, num_issuer: &str) -> bool {
        let has = |list: &[String], key: &str| list.iter().any(|k| k == key);
        has(&self.full, full)
            || (self.full.is_empty()
                && (has(&self.num_type, num_type) || has(&self.num_issuer, num_issuer)))
    }

    fn push_unique(list: &mut Vec<String>, key: String) {
        if !list.contains(&key) {
            list.push(key);
        }
    }
}

/// Recognises document numbers in a query: the whole query in any typed shape (`nq 140 hdnd`,
/// `140-nq-hdnd`, `nghị quyết 140`, `so 1285/qd-ubnd`, via
/// [`vietnamese::DocNumber::parse_query`]), and numbers written inside longer text.
pub(crate) fn document_numbers(query: &str) -> NumberQuery {
    let mut result = NumberQuery::default();
    if !vietnamese::DocNumber::possible_in(query) {
        return result;
    }
    for number in vietnamese::find_doc_numbers(query) {
        let keys = DocNumberKeys::of(&number);
        result.reading.get_or_insert_with(|| number.key());
        NumberQuery::push_unique(&mut result.full, keys.full);
    }
    // A Telex typist writes `đ` as `dd` (`NDD-CP`); numbers fold `đ` to `d` anyway.
    let doubled = ["dd", "DD", "Dd"].iter().any(|d| query.contains(d));
    let undoubled = if doubled {
        query
            .replace("dd", "d")
            .replace("DD", "D")
            .replace("Dd", "D")
    } else {
        query.to_owned()
    };
    let mut parsed: Vec<vietnamese::DocNumberQuery> = vietnamese::DocNumber::parse_query(query)
        .into_iter()
        .collect();
    if undoubled != query {
        for number in vietnamese::find_doc_numbers(&undoubled) {
            let keys = DocNumberKeys::of(&number);
            NumberQuery::push_unique(&mut result.full, keys.full);
        }
        parsed.extend(vietnamese::DocNumber::parse_query(&undoubled));
    }
    for parsed in parsed {
        if let Some(full) = &parsed.full {
            let keys = DocNumberKeys::of(full);
            result.reading.get_or_insert_with(|| full.key());
            NumberQuery::push_unique(&mut result.full, keys.full);
        } else {
            if let Some(doc_type) = &parsed.doc_type {
                NumberQuery::push_unique(
                    &mut result.num_type,
                    format!("{}/{}", parsed.number, doc_type.to_lowercase()),
                );
            }
            if let Some(issuer) = &parsed.issuer {
                NumberQuery::push_unique(
                    &mut result.num_issuer,
                    format!("{}/{}", parsed.number, issuer.to_lowercase()),
                );
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_phrases_exclusions_and_or() {
        let parsed = parse(r#"nông thôn "xây dựng mới" -huyện OR "kinh tế" -"xã hội""#);
        assert_eq!(
            parsed.groups,
            vec![
                vec![
                    Item::Word("nông".into()),
                    Item::Word("thôn".into()),
                    Item::Phrase("xây dựng mới".into()),
                ],
                vec![Item::Phrase("kinh tế".into())],
            ]
        );
        assert_eq!(
            parsed.excluded,
            vec![Item::Word("huyện".into()), Item::Phrase("xã hội".into())]
        );
    }

    /// The parser as it was before it cut slices: the reference.
    fn reference_parse(query: &str) -> ParsedQuery {
        let mut parsed = ParsedQuery::default();
        let mut group: Vec<Item> = Vec::new();
        let mut chars = query.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&first) = chars.peek() else { break };
            let mut negated = false;
            if first == '-' {
                chars.next();
                match chars.peek() {
                    Some(c) if !c.is_whitespace() => negated = true,
                    _ => continue,
                }
            }
            let item = if chars.peek() == Some(&'"') || chars.peek() == Some(&'“') {
                chars.next();
                let text: String = chars
                    .by_ref()
                    .take_while(|&c| c != '"' && c != '”')
                    .collect();
                Item::Phrase(text)
            } else {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if !negated && word == "OR" {
                    if !group.is_empty() {
                        parsed.groups.push(std::mem::take(&mut group));
                    }
                    continue;
                }
                Item::Word(word)
            };
            let empty = match &item {
                Item::Word(w) | Item::Phrase(w) => w.trim().is_empty(),
            };
            if empty {
                continue;
            }
            if negated {
                parsed.excluded.push(item);
            } else {
                group.push(item);
            }
        }
        if !group.is_empty() {
            parsed.groups.push(group);
        }
        parsed
    }

    #[test]
    fn parsing_equals_the_reference() {
        for query in [
            r#"nông thôn "xây dựng mới" -huyện OR "kinh tế" -"xã hội""#,
            "“Nghị quyết 140/NQ-HĐND” về phí -“lệ phí” OR thủ tục",
            r#"a - "b c"#,
            r#""unbalanced “mixed” quotes"#,
            "   ",
            "OR OR",
            "-",
            "- -x --y x-y \"\"",
            "Ủy ban\u{00A0}nhân dân\t\ttỉnh\nLai Châu OR",
            "word\"glued\"phrase -\"",
            "",
        ] {
            assert_eq!(parse(query), reference_parse(query), "{query}");
        }
    }

    #[test]
    fn lone_dash_and_unbalanced_quote_are_harmless() {
        let parsed = parse(r#"a - "b c"#);
        assert_eq!(
            parsed.groups,
            vec![vec![Item::Word("a".into()), Item::Phrase("b c".into())]]
        );
        assert!(parse("   ").groups.is_empty());
        assert!(parse("OR OR").groups.is_empty());
    }

    #[test]
    fn document_numbers_in_every_shape() {
        for query in [
            "140/NQ-HĐND",
            "nq 140 hdnd",
            "140-nq-hdnd",
            "140 nq hđnd",
            "số 140/nq-hdnd",
            "nghị quyết 140 hđnd",
            "NQ140 HDND",
        ] {
            let numbers = document_numbers(query);
            assert!(
                numbers.full.contains(&"140/nq-hdnd".to_owned()),
                "{query}: {numbers:?}"
            );
        }
        let typed = document_numbers("nghi quyet 140");
        assert_eq!(typed.num_type, ["140/nq"]);
        assert!(typed.full.is_empty());
        assert_eq!(document_numbers("1285 ubnd").num_issuer, ["1285/ubnd"]);
        assert!(
            document_numbers("30/2020/NDD-CP")
                .full
                .contains(&"30/2020/nd-cp".to_owned())
        );
        assert_eq!(document_numbers("30 2020 nd cp").full, ["30/2020/nd-cp"]);
        assert_eq!(document_numbers("4021vpcp cn").full, ["4021/vpcp-cn"]);
    }

    #[test]
    fn plain_text_is_not_a_document_number() {
        assert!(document_numbers("hội đồng nhân dân huyện").is_empty());
        assert!(document_numbers("").is_empty());
    }

    #[test]
    fn number_inside_a_sentence_is_found() {
        let numbers = document_numbers("nội dung của Nghị quyết 140/NQ-HĐND về phí");
        assert!(numbers.full.contains(&"140/nq-hdnd".to_owned()));
    }
}
