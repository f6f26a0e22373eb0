//! Search parameters: the query string of `/api/search` and of the web page, parsed and checked
//! once into typed values.
//!
//! Parsing is done by hand from the raw `(name, value)` pairs so that every mistake (an unknown
//! parameter, a repeated one, a bad value, a limit exceeded) gets its own clear message and a
//! 400, never a 500. Empty values are treated as absent, because a plain HTML form sends every
//! field, filled or not.

use chrono::NaiveDate;
use crawler::Kind;
use indexer::{Sort, Status};

use crate::config::ServerConfig;
use crate::error::AppError;

/// The parameter value naming a sort order.
pub(crate) fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::Newest => "newest",
        Sort::Oldest => "oldest",
    }
}

/// The parameter value naming a legal status.
pub(crate) fn status_name(status: Status) -> &'static str {
    match status {
        Status::ConHieuLuc => "con-hieu-luc",
        Status::HetHieuLuc => "het-hieu-luc",
    }
}

/// Response format of `/api/search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// One page of hits with facets (default).
    #[default]
    Json,
    /// The whole result set as CSV.
    Csv,
    /// The whole result set as JSON lines.
    Jsonl,
    /// An RSS 2.0 feed of the newest matching records.
    Rss,
}

/// A checked search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchParams {
    /// The query text as typed (trimmed; may be empty to browse with filters only).
    pub q: String,
    /// Only news or only legal documents.
    pub kind: Option<Kind>,
    /// Only records of these sites, by name (`site=` repeated: any of them).
    pub sites: Vec<String>,
    /// Document type ("Thể loại"), e.g. `Nghị quyết`.
    pub doc_type: Option<String>,
    /// Issuing body ("Cơ quan ban hành").
    pub issuer: Option<String>,
    /// Signer ("Người ký").
    pub signer: Option<String>,
    /// Field ("Lĩnh vực").
    pub field: Option<String>,
    /// Legal status.
    pub status: Option<Status>,
    /// Earliest main date (issue date for legal documents, publish date for news), inclusive.
    pub date_from: Option<NaiveDate>,
    /// Latest main date, inclusive.
    pub date_to: Option<NaiveDate>,
    /// Result order.
    pub sort: Sort,
    /// 1-based page number.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Opaque cursor from a previous answer's `next_cursor`, for deep paging.
    pub cursor: Option<String>,
    /// Response format.
    pub format: Format,
    /// Compute facet counts (`facets=true` on the API; the web page always asks).
    pub facets: bool,
    /// Count every match (`exact_total=true`); otherwise a relevance search counts up to
    /// [`indexer::EXACT_TOTAL_UP_TO`] and answers "more than N" beyond.
    pub exact_total: bool,
}

impl SearchParams {
    /// The offset of the first hit of the requested page.
    pub fn offset(&self) -> usize {
        (self.page - 1) * self.per_page
    }

    /// The query string that reproduces these parameters (without `page`, `cursor` and
    /// `format`), for links on the page and in feeds.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().to_owned()));
        }
        for site in &self.sites {
            pairs.push(("site", site.clone()));
        }
        for (name, value) in [
            ("doc_type", &self.doc_type),
            ("issuer", &self.issuer),
            ("signer", &self.signer),
            ("field", &self.field),
        ] {
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
        if let Some(status) = self.status {
            pairs.push(("status", status_name(status).to_owned()));
        }
        if let Some(date) = self.date_from {
            pairs.push(("date_from", date.to_string()));
        }
        if let Some(date) = self.date_to {
            pairs.push(("date_to", date.to_string()));
        }
        if self.sort != Sort::Relevance {
            pairs.push(("sort", sort_name(self.sort).to_owned()));
        }
        pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode_component(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether any filter (beyond the query text) is set.
    pub fn has_filters(&self) -> bool {
        self.kind.is_some()
            || !self.sites.is_empty()
            || self.doc_type.is_some()
            || self.issuer.is_some()
            || self.signer.is_some()
            || self.field.is_some()
            || self.status.is_some()
            || self.date_from.is_some()
            || self.date_to.is_some()
    }
}

/// Which parameters a caller accepts besides the search ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    /// `/api/search`: accepts `format`, `facets` and `exact_total`.
    Api,
    /// `/api/search.rss` and the web page: none of them.
    Plain,
}

/// Parses and checks raw query pairs.
pub(crate) fn parse(
    pairs: &[(String, String)],
    config: &ServerConfig,
    surface: Surface,
) -> Result<SearchParams, AppError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut params = SearchParams {
        page: 1,
        per_page: config.default_per_page,
        ..SearchParams::default()
    };
    let mut year: Option<i32> = None;
    let mut page_given = false;
    for (name, value) in pairs {
        if seen.contains(&name.as_str()) && !REPEATABLE.contains(&name.as_str()) {
            return Err(AppError::bad_request(
                "repeated_parameter",
                format!("Tham số “{}” chỉ được dùng một lần.", short(name)),
            ));
        }
        seen.push(name);
        let trimmed = value.trim();
        match name.as_str() {
            "q" => {
                if trimmed.chars().count() > config.max_query_len {
                    return Err(AppError::bad_request(
                        "query_too_long",
                        format!("Từ khóa quá dài: tối đa {} ký tự.", config.max_query_len),
                    ));
                }
                params.q = trimmed.to_owned();
            }
            _ if trimmed.is_empty() => {
                if !SEARCH_PARAMETERS.contains(&name.as_str())
                    || (API_ONLY.contains(&name.as_str()) && surface != Surface::Api)
                {
                    return Err(unknown(name));
                }
            }
            "kind" => {
                params.kind = Some(match trimmed {
                    "news" => Kind::News,
                    "legal" => Kind::Legal,
                    _ => return Err(bad_value("kind", "news hoặc legal")),
                });
            }
            "site" => {
                let site = checked_text("site", trimmed)?;
                if params.sites.len() >= MAX_SITES {
                    return Err(AppError::bad_request(
                        "too_many_sites",
                        format!("Chỉ chọn được tối đa {MAX_SITES} trang (tham số “site”)."),
                    ));
                }
                if !params.sites.contains(&site) {
                    params.sites.push(site);
                }
            }
            "doc_type" => params.doc_type = Some(checked_text("doc_type", trimmed)?),
            "issuer" => params.issuer = Some(checked_text("issuer", trimmed)?),
            "signer" => params.signer = Some(checked_text("signer", trimmed)?),
            "field" => params.field = Some(checked_text("field", trimmed)?),
            "status" => {
                params.status = Some(
                    Status::parse(trimmed)
                        .ok_or_else(|| bad_value("status", "con-hieu-luc hoặc het-hieu-luc"))?,
                );
            }
            "date_from" => params.date_from = Some(parse_date("date_from", trimmed)?),
            "date_to" => params.date_to = Some(parse_date("date_to", trimmed)?),
            "year" => {
                year = Some(
                    trimmed
                        .parse::<i32>()
                        .ok()
                        .filter(|y| (1900..=2200).contains(y))
                        .ok_or_else(|| bad_value("year", "một năm như 2023"))?,
                );
            }
            "sort" => {
                params.sort = Sort::parse(trimmed)
                    .ok_or_else(|| bad_value("sort", "relevance, newest hoặc oldest"))?;
            }
            "page" => {
                params.page = parse_count("page", trimmed)?;
                page_given = true;
            }
            "per_page" => {
                let per_page = parse_count("per_page", trimmed)?;
                if per_page > config.max_per_page {
                    return Err(AppError::bad_request(
                        "per_page_too_large",
                        format!(
                            "per_page quá lớn: tối đa {} kết quả mỗi trang.",
                            config.max_per_page
                        ),
                    ));
                }
                params.per_page = per_page;
            }
            "cursor" => params.cursor = Some(checked_text("cursor", trimmed)?),
            "format" if surface == Surface::Api => {
                params.format = match trimmed {
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    "jsonl" => Format::Jsonl,
                    "rss" => Format::Rss,
                    _ => return Err(bad_value("format", "json, csv, jsonl hoặc rss")),
                };
            }
            "facets" if surface == Surface::Api => params.facets = parse_bool("facets", trimmed)?,
            "exact_total" if surface == Surface::Api => {
                params.exact_total = parse_bool("exact_total", trimmed)?;
            }
            _ => return Err(unknown(name)),
        }
    }
    if let Some(year) = year {
        if params.date_from.is_some() || params.date_to.is_some() {
            return Err(AppError::bad_request(
                "conflicting_parameters",
                "Không dùng “year” cùng với “date_from”/“date_to”.",
            ));
        }
        params.date_from = NaiveDate::from_ymd_opt(year, 1, 1);
        params.date_to = NaiveDate::from_ymd_opt(year, 12, 31);
    }
    if let (Some(from), Some(to)) = (params.date_from, params.date_to)
        && from > to
    {
        return Err(AppError::bad_request(
            "bad_date_range",
            "Khoảng ngày không hợp lệ: date_from phải trước date_to.",
        ));
    }
    if params.cursor.is_some() && page_given {
        return Err(AppError::bad_request(
            "conflicting_parameters",
            "Không dùng “page” cùng với “cursor”.",
        ));
    }
    if params.offset() + params.per_page > config.max_offset {
        return Err(AppError::bad_request(
            "page_too_deep",
            format!(
                "Trang quá sâu: chỉ xem được {} kết quả đầu bằng page; hãy dùng cursor.",
                config.max_offset
            ),
        ));
    }
    Ok(params)
}

/// Every parameter name the search surfaces know.
pub const SEARCH_PARAMETERS: &[&str] = &[
    "q",
    "kind",
    "site",
    "doc_type",
    "issuer",
    "signer",
    "field",
    "status",
    "date_from",
    "date_to",
    "year",
    "sort",
    "page",
    "per_page",
    "cursor",
    "format",
    "facets",
    "exact_total",
];

/// The parameters that may be given several times (each adds a value).
const REPEATABLE: &[&str] = &["site"];

/// Most `site` values in one search.
const MAX_SITES: usize = 100;

/// The parameters only `/api/search` accepts.
const API_ONLY: &[&str] = &["format", "facets", "exact_total"];

/// Longest accepted filter value, in characters.
const MAX_FILTER_LEN: usize = 300;

fn unknown(name: &str) -> AppError {
    AppError::bad_request(
        "unknown_parameter",
        format!(
            "Tham số không được hỗ trợ: “{}”. Các tham số hợp lệ: {}.",
            short(name),
            SEARCH_PARAMETERS.join(", ")
        ),
    )
}

fn bad_value(name: &str, expected: &str) -> AppError {
    AppError::bad_request(
        "bad_value",
        format!("Giá trị không hợp lệ cho “{name}”: cần {expected}."),
    )
}

fn checked_text(name: &str, value: &str) -> Result<String, AppError> {
    if value.chars().count() > MAX_FILTER_LEN {
        return Err(AppError::bad_request(
            "value_too_long",
            format!("Giá trị của “{name}” quá dài: tối đa {MAX_FILTER_LEN} ký tự."),
        ));
    }
    Ok(value.to_owned())
}

fn parse_bool(name: &str, value: &str) -> Result<bool, AppError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad_value(name, "true hoặc false")),
    }
}

fn parse_count(name: &str, value: &str) -> Result<usize, AppError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1 && *n <= 1_000_000)
        .ok_or_else(|| bad_value(name, "một số nguyên dương"))
}

/// Accepts `2023-12-15` and the Vietnamese `15/12/2023`.
pub(crate) fn parse_date(name: &str, value: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .map_err(|_| bad_value(name, "một ngày dạng 2023-12-15 hoặc 15/12/2023"))
}

/// A parameter name cut short enough to echo back safely in a message.
fn short(name: &str) -> String {
    name.chars().take(40).collect()
}

/// Percent-encodes a query-string component (RFC 3986 unreserved characters kept).
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn run(list: &[(&str, &str)]) -> Result<SearchParams, AppError> {
        parse(&pairs(list), &ServerConfig::default(), Surface::Api)
    }

    #[test]
    fn defaults_apply() {
        let params = run(&[("q", " nghị quyết ")]).unwrap();
        assert_eq!(params.q, "nghị quyết");
        assert_eq!(params.page, 1);
        assert_eq!(params.per_page, ServerConfig::default().default_per_page);
        assert_eq!(params.sort, Sort::Relevance);
    }

    #[test]
    fn empty_values_are_absent() {
        let params = run(&[("q", ""), ("kind", ""), ("status", ""), ("page", "")]).unwrap();
        assert_eq!(params, run(&[]).unwrap());
    }

    #[test]
    fn year_becomes_a_date_range() {
        let params = run(&[("year", "2023")]).unwrap();
        assert_eq!(params.date_from, NaiveDate::from_ymd_opt(2023, 1, 1));
        assert_eq!(params.date_to, NaiveDate::from_ymd_opt(2023, 12, 31));
    }

    #[test]
    fn vietnamese_dates_are_accepted() {
        let params = run(&[("date_from", "15/12/2023")]).unwrap();
        assert_eq!(params.date_from, NaiveDate::from_ymd_opt(2023, 12, 15));
    }

    #[test]
    fn status_accepts_vietnamese_spelling() {
        let params = run(&[("status", "Còn hiệu lực")]).unwrap();
        assert_eq!(params.status, Some(Status::ConHieuLuc));
    }

    #[test]
    fn mistakes_are_user_errors() {
        for list in [
            &[("kind", "video")][..],
            &[("page", "0")],
            &[("page", "-1")],
            &[("per_page", "1000")],
            &[("sort", "best")],
            &[("date_from", "2023-13-01")],
            &[("date_from", "2023-02-01"), ("date_to", "2023-01-01")],
            &[("colour", "blue")],
            &[("q", "a"), ("q", "b")],
            &[("page", "2"), ("cursor", "abc")],
            &[("page", "100000")],
        ] {
            let err = run(list).unwrap_err();
            assert_eq!(
                err.status(),
                axum::http::StatusCode::BAD_REQUEST,
                "{list:?}"
            );
        }
        let long = "a".repeat(ServerConfig::default().max_query_len + 1);
        assert_eq!(run(&[("q", &long)]).unwrap_err().code(), "query_too_long");
    }

    #[test]
    fn format_only_on_the_api() {
        let plain = parse(
            &pairs(&[("format", "csv")]),
            &ServerConfig::default(),
            Surface::Plain,
        );
        assert_eq!(plain.unwrap_err().code(), "unknown_parameter");
        assert_eq!(run(&[("format", "csv")]).unwrap().format, Format::Csv);
    }

    #[test]
    fn facets_and_exact_totals_are_asked_on_the_api_only() {
        let plain = run(&[("q", "đất đai")]).unwrap();
        assert!(!plain.facets && !plain.exact_total);
        let asked = run(&[("facets", "true"), ("exact_total", "1")]).unwrap();
        assert!(asked.facets && asked.exact_total);
        assert!(!run(&[("facets", "0")]).unwrap().facets);
        assert_eq!(run(&[("facets", "có")]).unwrap_err().code(), "bad_value");
        for name in ["facets", "exact_total"] {
            let page = parse(
                &pairs(&[(name, "true")]),
                &ServerConfig::default(),
                Surface::Plain,
            );
            assert_eq!(page.unwrap_err().code(), "unknown_parameter", "{name}");
        }
    }

    #[test]
    fn query_string_round_trips() {
        let params = run(&[
            ("q", "nghị quyết & \"140\""),
            ("kind", "legal"),
            ("issuer", "HĐND huyện"),
            ("sort", "newest"),
        ])
        .unwrap();
        let again: Vec<(String, String)> = params
            .to_query_string()
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (k.to_owned(), percent_decode(v))
            })
            .collect();
        let reparsed = parse(&again, &ServerConfig::default(), Surface::Api).unwrap();
        assert_eq!(reparsed, params);
    }

    fn percent_decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}
