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

/// Folded document-type names and their abbreviations (Nghị định 30/2020/NĐ-CP, Phụ lục III).
const TYPE_NAMES: &[(&str, &str)] = &[
    ("nghi quyet", "nq"),
    ("quyet dinh", "qd"),
    ("nghi dinh", "nd"),
    ("thong tu", "tt"),
    ("chi thi", "ct"),
    ("ke hoach", "kh"),
    ("thong bao", "tb"),
    ("bao cao", "bc"),
    ("huong dan", "hd"),
    ("to trinh", "ttr"),
    ("chuong trinh", "ctr"),
    ("quy dinh", "qyd"),
    ("cong dien", "cd"),
    ("ket luan", "kl"),
];

/// Which document-number keys a query asks for, strongest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumberQuery {
    /// Full keys (`140/nq-hdnd`).
    pub(crate) full: Vec<String>,
    /// Number + type keys (`140/nq`).
    pub(crate) num_type: Vec<String>,
    /// Number + issuer keys (`140/hdnd`).
    pub(crate) num_issuer: Vec<String>,
    /// The reading to show the user (`140/NQ-HDND`).
    pub(crate) reading: Option<String>,
}

impl NumberQuery {
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.full.is_empty() && self.num_type.is_empty() && self.num_issuer.is_empty()
    }

    /// Whether a record's printed number is one the query asked for.
    pub(crate) fn matches(&self, printed: &str) -> bool {
        let Some(number) = vietnamese::DocNumber::parse(printed) else {
            return false;
        };
        let keys = DocNumberKeys::of(&number);
        self.full.contains(&keys.full)
            || (self.full.is_empty()
                && (self.num_type.contains(&keys.num_type)
                    || self.num_issuer.contains(&keys.num_issuer)))
    }

    fn push_unique(list: &mut Vec<String>, key: String) {
        if !list.contains(&key) {
            list.push(key);
        }
    }
}

/// Runs of digits or letters of the folded query (`4021vpcp` -> `4021`, `vpcp`).
fn runs(folded: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut digits = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            let is_digit = c.is_ascii_digit();
            if !current.is_empty() && is_digit != digits {
                out.push(std::mem::take(&mut current));
            }
            digits = is_digit;
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_number(run: &str) -> bool {
    run.chars().all(|c| c.is_ascii_digit())
}

/// Recognises document numbers in a query: the whole query in any typed shape (`nq 140 hdnd`,
/// `140-nq-hdnd`, `nghị quyết 140`, `so 1285/qd-ubnd`), and numbers written inside longer text.
pub(crate) fn document_numbers(query: &str) -> NumberQuery {
    let mut result = NumberQuery::default();
    for number in vietnamese::find_doc_numbers(query) {
        let keys = DocNumberKeys::of(&number);
        result.reading.get_or_insert_with(|| number.key());
        NumberQuery::push_unique(&mut result.full, keys.full);
    }

    let folded = vietnamese::fold(query);
    let mut tokens = runs(&folded);
    // Replace type names by their abbreviation, remembering which came from a name.
    let mut from_name = Vec::new();
    let mut i = 0;
    let mut merged: Vec<String> = Vec::new();
    while i < tokens.len() {
        let pair = tokens
            .get(i + 1)
            .map(|next| format!("{} {next}", tokens[i]));
        if let Some((_, abbr)) = pair
            .as_deref()
            .and_then(|p| TYPE_NAMES.iter().find(|(name, _)| *name == p))
        {
            merged.push((*abbr).to_owned());
            from_name.push(merged.len() - 1);
            i += 2;
        } else {
            merged.push(tokens[i].clone());
            i += 1;
        }
    }
    tokens = merged;
    // Drop a leading "số", "số hiệu", "ký hiệu", "văn bản", "công văn", "luật".
    while let Some(first) = tokens.first() {
        if matches!(
            first.as_str(),
            "so" | "hieu" | "ky" | "ki" | "van" | "ban" | "cong" | "luat"
        ) && tokens.len() > 1
        {
            tokens.remove(0);
            from_name.retain(|&p| p != 0);
            from_name.iter_mut().for_each(|p| *p -= 1);
        } else {
            break;
        }
    }
    if tokens.is_empty() || tokens.len() > 6 {
        return result;
    }
    let Some(number_at) = tokens.iter().position(|t| is_number(t)) else {
        return result;
    };
    let number = tokens[number_at].trim_start_matches('0').to_owned();
    if number.is_empty() || number.len() > 5 {
        return result;
    }
    let mut year = None;
    let mut letters: Vec<(bool, String)> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if at == number_at {
            continue;
        }
        if is_number(token) {
            if at == number_at + 1 && token.len() == 4 && year.is_none() {
                year = Some(token.as_str());
                continue;
            }
            // A letter group may carry digits (QH13): glue it to the previous letters.
            if let Some(last) = letters.last_mut().filter(|_| at > number_at) {
                last.1.push_str(token);
                continue;
            }
            return result;
        }
        letters.push((from_name.contains(&at), token.clone()));
    }
    let year_part = year.map(|y| format!("{y}/")).unwrap_or_default();
    match letters.as_slice() {
        [] => {}
        [(_, single)] => {
            NumberQuery::push_unique(&mut result.num_type, format!("{number}/{single}"));
            NumberQuery::push_unique(&mut result.num_issuer, format!("{number}/{single}"));
            if let Some(parsed) =
                vietnamese::DocNumber::parse(&format!("{number}/{year_part}{single}-x"))
            {
                result
                    .reading
                    .get_or_insert_with(|| format!("{}/{}", number, parsed.doc_type));
            }
        }
        [(_, doc_type), rest @ ..] => {
            let issuer: Vec<&str> = rest.iter().map(|(_, l)| l.as_str()).collect();
            let text = format!("{number}/{year_part}{doc_type}-{}", issuer.join("-"));
            if let Some(parsed) = vietnamese::DocNumber::parse(&text) {
                let keys = DocNumberKeys::of(&parsed);
                result.reading.get_or_insert_with(|| parsed.key());
                NumberQuery::push_unique(&mut result.full, keys.full);
                NumberQuery::push_unique(&mut result.num_type, keys.num_type);
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
