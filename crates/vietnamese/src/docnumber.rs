//! Document numbers ("Số, ký hiệu"): State format `140/NQ-HĐND`, `01/2024/NQ-HĐND`, and Party
//! format `05-NQ/HU` (R10).

/// A parsed document number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNumber {
    /// The number part, without leading zeros (`140`).
    pub number: String,
    /// The year, when the number carries one (`01/2024/NQ-HĐND`).
    pub year: Option<u16>,
    /// The document type abbreviation, folded and uppercase (`NQ`).
    pub doc_type: String,
    /// The issuer abbreviation, folded and uppercase (`HDND`).
    pub issuer: String,
}

impl DocNumber {
    /// Parses a document number in any of the usual shapes; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = crate::fold(text).to_uppercase();
        let parts: Vec<&str> = folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        let number = parts
            .first()
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()))?;
        let mut rest = &parts[1..];
        let mut year = None;
        if let Some(y) = rest
            .first()
            .filter(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_digit()))
        {
            year = y.parse().ok();
            rest = &rest[1..];
        }
        let [doc_type, issuer @ ..] = rest else {
            return None;
        };
        if issuer.is_empty() || !doc_type.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        Some(Self {
            number: number.trim_start_matches('0').to_owned(),
            year,
            doc_type: (*doc_type).to_owned(),
            issuer: issuer.join("-"),
        })
    }

    /// The canonical key used for exact matching: `140/NQ-HDND`, `1/2024/NQ-HDND`.
    pub fn key(&self) -> String {
        match self.year {
            Some(y) => format!("{}/{}/{}-{}", self.number, y, self.doc_type, self.issuer),
            None => format!("{}/{}-{}", self.number, self.doc_type, self.issuer),
        }
    }
}

/// Finds every document number written in running text.
pub fn find_doc_numbers(text: &str) -> Vec<DocNumber> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .filter(|w| w.contains('/'))
        .filter_map(DocNumber::parse)
        .collect()
}
