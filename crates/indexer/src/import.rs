//! JSON-lines import (`tracuu import --jsonl`): one record per line with the fields `id`,
//! `kind`, `title`, `lead`, `body`, `doc_number`, `doc_type`, `issuer`, `signer`, `date`, `url`
//! (and optionally `effective_date`, `expiry_date`, `fields`, `category`, `tags`). Bad lines are
//! reported with their line number and skipped; blank lines are ignored.

use std::io::BufRead;

use chrono::NaiveDate;
use crawler::{Kind, Record};
use serde::Deserialize;

/// A line that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, Deserialize)]
struct Line {
    id: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    body: String,
    doc_number: Option<String>,
    doc_type: Option<String>,
    issuer: Option<String>,
    signer: Option<String>,
    date: Option<String>,
    effective_date: Option<String>,
    expiry_date: Option<String>,
    #[serde(default)]
    url: String,
    #[serde(default)]
    fields: Vec<String>,
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Reads JSON lines into records; returns the good records and one error per bad line.
///
/// Lines are read as bytes and checked as UTF-8 with `simdutf8` (several times faster than
/// the standard check on Vietnamese text, where most letters take two or three bytes).
pub fn import_jsonl(mut reader: impl BufRead) -> (Vec<Record>, Vec<LineError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                errors.push(LineError {
                    line: number + 1,
                    message: format!("unreadable line: {e}"),
                });
                break;
            }
        }
        number += 1;
        let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Ok(text) = simdutf8::basic::from_utf8(line) else {
            errors.push(LineError {
                line: number,
                message: "unreadable line: not valid UTF-8".to_owned(),
            });
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match parse_line(text) {
            Ok(record) => records.push(record),
            Err(message) => errors.push(LineError {
                line: number,
                message,
            }),
        }
    }
    (records, errors)
}

fn parse_line(text: &str) -> Result<Record, String> {
    let line: Line = serde_json::from_str(text).map_err(|e| format!("invalid json: {e}"))?;
    let id = line
        .id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or("missing id")?;
    let kind = match line.kind.as_deref().map(str::trim) {
        Some("news") => Kind::News,
        Some("legal" | "laws") => Kind::Legal,
        Some(other) => return Err(format!("unknown kind {other:?} (expected news or legal)")),
        None if line.doc_number.is_some() => Kind::Legal,
        None => Kind::News,
    };
    let mut record = Record::new(id, kind, line.url);
    // Imported text keeps its spelling (the analyzers normalise at index time).
    record.title = line.title;
    record.lead = line.lead;
    record.body = line.body;
    record.doc_number = line.doc_number.filter(|v| !v.trim().is_empty());
    record.doc_type = line.doc_type.filter(|v| !v.trim().is_empty());
    record.issuer = line.issuer.filter(|v| !v.trim().is_empty());
    record.signer = line.signer.filter(|v| !v.trim().is_empty());
    record.date = parse_date("date", line.date.as_deref())?;
    record.effective_date = parse_date("effective_date", line.effective_date.as_deref())?;
    record.expiry_date = parse_date("expiry_date", line.expiry_date.as_deref())?;
    record.fields = line.fields;
    record.category = line.category.filter(|v| !v.trim().is_empty());
    record.tags = line.tags;
    if record.title.trim().is_empty() && record.body.trim().is_empty() && record.lead.is_empty() {
        return Err("record has no title, lead or body".to_owned());
    }
    Ok(record)
}

/// Accepts `YYYY-MM-DD`, `dd/mm/YYYY` and RFC 3339 timestamps; empty means no date.
fn parse_date(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(value).map(|d| d.date_naive()))
        .map(Some)
        .map_err(|_| format!("{name} {value:?} is not a date (expected YYYY-MM-DD or dd/mm/YYYY)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_lines() {
        let input = concat!(
            r#"{"id":"laws-1","kind":"legal","title":"Nghị quyết","doc_number":"140/NQ-HĐND","date":"2023-08-29","url":"http://x/1"}"#,
            "\n",
            "not json\n",
            "\n",
            r#"{"id":"news-2","title":"Tin","date":"29/08/2023"}"#,
            "\n",
            r#"{"id":"news-3","title":"Tin","date":"hôm qua"}"#,
            "\n",
            r#"{"title":"no id"}"#,
            "\n",
            r#"{"id":"x","kind":"video","title":"t"}"#,
            "\n",
        );
        let (records, errors) = import_jsonl(input.as_bytes());
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["laws-1", "news-2"]);
        assert_eq!(records[0].kind, Kind::Legal);
        assert_eq!(records[1].kind, Kind::News);
        assert_eq!(records[1].date, NaiveDate::from_ymd_opt(2023, 8, 29));
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 5, 6, 7]);
        assert!(errors[0].message.contains("invalid json"));
        assert!(errors[1].message.contains("not a date"));
        assert!(errors[2].message.contains("missing id"));
        assert!(errors[3].message.contains("unknown kind"));
    }

    #[test]
    fn bad_utf8_and_crlf_lines() {
        let mut input = Vec::new();
        input.extend_from_slice(
            r#"{"id":"news-1","title":"Thông báo lịch tiếp công dân"}"#.as_bytes(),
        );
        input.extend_from_slice(b"\r\n");
        // Latin-1 "Tin t\xe9c": not UTF-8.
        input.extend_from_slice(b"{\"id\":\"news-2\",\"title\":\"Tin t\xe9c\"}\n");
        input.extend_from_slice(r#"{"id":"news-3","title":"Hội nghị"}"#.as_bytes());
        let (records, errors) = import_jsonl(input.as_slice());
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["news-1", "news-3"]);
        assert_eq!(records[0].title, "Thông báo lịch tiếp công dân");
        assert_eq!(records[1].title, "Hội nghị");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("UTF-8"), "{}", errors[0].message);
    }
}
