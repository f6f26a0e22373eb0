//! HTML building blocks: the escaping helper, the page layout (with its same-origin stylesheet
//! and script, and the share tags), and small pieces (the results-per-year timeline and its text
//! alternative, the Vietnamese citation) shared by the pages.
//!
//! No template engine: pages are `format!` strings in which every value that comes from a
//! record or a request goes through [`escape`]. Snippets are the one exception: the indexer
//! hands them over already escaped, with only `<mark>` added.

use chrono::NaiveDate;
use crawler::{Kind, Record};

/// Escapes text for use in HTML element content and in double-quoted attribute values: the
/// indexer's escaping, the one its snippets went through.
pub(crate) use indexer::escape_html as escape;

/// Formats a date the Vietnamese way (`15/12/2023`).
pub(crate) fn vn_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The Vietnamese label of a record kind.
pub(crate) fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::News => "Tin tức",
        Kind::Legal => "Văn bản",
    }
}

/// The stylesheet of every page, served at [`CSS_PATH`] (same origin, no inline style).
pub(crate) const CSS: &str = include_str!("../static/tracuu.css");
/// The optional script of every page, served at [`JS_PATH`] (same origin, no inline script).
pub(crate) const JS: &str = include_str!("../static/tracuu.js");
/// Where the stylesheet is served.
pub(crate) const CSS_PATH: &str = "/static/tracuu.css";
/// Where the script is served.
pub(crate) const JS_PATH: &str = "/static/tracuu.js";

/// What a page puts in its `<head>` besides the stylesheet and script.
#[derive(Debug, Default)]
pub(crate) struct Head<'a> {
    /// The `<title>` (plain text, escaped here).
    pub(crate) title: &'a str,
    /// `<meta name="description">` and `og:description` (plain text).
    pub(crate) description: Option<&'a str>,
    /// `<link rel="canonical">` and `og:url` (an absolute URL).
    pub(crate) canonical: Option<&'a str>,
    /// The Open Graph type (`article` on document pages, `website` elsewhere); no Open Graph
    /// tags without it.
    pub(crate) og_type: Option<&'a str>,
}

/// The site's name, in the page footer and `og:site_name`.
const SITE_NAME: &str = "Tra cứu văn bản và tin tức huyện Than Uyên";

/// Wraps page content in the shared layout. `title` is plain text (escaped here); `body` is
/// trusted HTML built by the pages.
pub(crate) fn layout(title: &str, body: &str) -> String {
    layout_with(
        &Head {
            title,
            ..Head::default()
        },
        body,
    )
}

/// [`layout`] with a description, canonical link and Open Graph tags.
pub(crate) fn layout_with(head: &Head<'_>, body: &str) -> String {
    let mut meta = String::new();
    if let Some(description) = head.description {
        meta.push_str(&format!(
            "<meta name=\"description\" content=\"{}\">\n",
            escape(description)
        ));
    }
    if let Some(canonical) = head.canonical {
        meta.push_str(&format!(
            "<link rel=\"canonical\" href=\"{}\">\n",
            escape(canonical)
        ));
    }
    if let Some(og_type) = head.og_type {
        let mut og = vec![
            ("og:type", og_type),
            ("og:title", head.title),
            ("og:site_name", SITE_NAME),
            ("og:locale", "vi_VN"),
        ];
        if let Some(description) = head.description {
            og.push(("og:description", description));
        }
        if let Some(canonical) = head.canonical {
            og.push(("og:url", canonical));
        }
        for (property, content) in og {
            meta.push_str(&format!(
                "<meta property=\"{property}\" content=\"{}\">\n",
                escape(content)
            ));
        }
    }
    format!(
        r##"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{meta}<link rel="stylesheet" href="{CSS_PATH}">
<script src="{JS_PATH}" defer></script>
</head>
<body>
<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header class="top"><a href="/">{SITE_NAME}</a></header>
<main id="noi-dung">
{body}
</main>
<footer>Dữ liệu lưu trữ từ cổng thông tin điện tử huyện Than Uyên, tỉnh Lai Châu.</footer>
</body>
</html>
"##,
        title = escape(head.title),
    )
}

/// The first `max_chars` characters of `text` on a word boundary, with `…` when cut (for
/// descriptions).
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Draws results per year as an SVG bar chart on a continuous year axis: every year from the
/// first to the last is drawn, the empty ones as empty. Each bar links to that year's results.
///
/// The chart is a picture (`aria-hidden`, bars out of the tab order): [`year_list`] is its
/// text alternative, and the way keyboards and screen readers filter by year. `years` is
/// `(year, count)` in any order; `link` builds the href of a year.
pub(crate) fn timeline_svg(years: &[(i32, u64)], link: impl Fn(i32) -> String) -> String {
    let axis = year_axis(years);
    if axis.is_empty() {
        return String::new();
    }
    let max = axis.iter().map(|(_, c)| *c).max().unwrap_or(1).max(1);
    let bar = 30;
    let gap = 6;
    let height = 100;
    let width = axis.len() * (bar + gap) + gap;
    let mut svg = format!(
        r#"<svg class="timeline" viewBox="0 0 {width} {vb}" aria-hidden="true" focusable="false"><line x1="0" y1="{base}" x2="{width}" y2="{base}"></line>"#,
        vb = height + 30,
        base = height + 12,
    );
    for (i, (year, count)) in axis.iter().enumerate() {
        let x = gap + i * (bar + gap);
        let tx = x + bar / 2;
        let label = format!(
            r#"<text x="{tx}" y="{yy}" text-anchor="middle">{short}</text>"#,
            yy = height + 26,
            // Two digits keep narrow bars readable ('19 … '25); the list says the full year.
            short = if axis.len() > 8 {
                format!("'{:02}", year.rem_euclid(100))
            } else {
                year.to_string()
            },
        );
        if *count == 0 {
            svg.push_str(&label);
            continue;
        }
        // Rounded-up share of the height so a count of 1 stays visible.
        let h = usize::try_from((count * height as u64).div_ceil(max)).unwrap_or(height);
        let y = height - h + 12;
        svg.push_str(&format!(
            r#"<a href="{href}" tabindex="-1"><rect class="bar" x="{x}" y="{y}" width="{bar}" height="{h}"></rect><text x="{tx}" y="{ty}" text-anchor="middle">{count}</text>{label}</a>"#,
            href = escape(&link(*year)),
            ty = y - 2,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The text alternative of [`timeline_svg`]: every year of the same axis with its count, a
/// link for the years that have results.
pub(crate) fn year_list(years: &[(i32, u64)], link: impl Fn(i32) -> String) -> String {
    let axis = year_axis(years);
    if axis.is_empty() {
        return String::new();
    }
    let mut out = String::from(r#"<ul class="years">"#);
    for (year, count) in axis {
        if count == 0 {
            out.push_str(&format!(
                r#"<li><span class="empty">{year}: 0 kết quả</span></li>"#
            ));
        } else {
            out.push_str(&format!(
                r#"<li><a href="{}">{year}: {count} kết quả</a></li>"#,
                escape(&link(year))
            ));
        }
    }
    out.push_str("</ul>");
    out
}

/// Longest year axis drawn; older years are left to the list of the year facet's ends.
const MAX_YEARS: i32 = 40;

/// Every year from the first to the last of `years` (at most the last [`MAX_YEARS`]), with its
/// count (0 for the years without results), in ascending order.
fn year_axis(years: &[(i32, u64)]) -> Vec<(i32, u64)> {
    let (Some(first), Some(last)) = (
        years.iter().map(|(y, _)| *y).min(),
        years.iter().map(|(y, _)| *y).max(),
    ) else {
        return Vec::new();
    };
    let first = first.max(last - MAX_YEARS + 1);
    (first..=last)
        .map(|year| {
            let count = years
                .iter()
                .filter(|(y, _)| *y == year)
                .map(|(_, c)| c)
                .sum();
            (year, count)
        })
        .collect()
}

/// The legal status of a document on `today`, computed as NukeViet's laws module does: from the
/// expiry date alone. `None` for news.
pub(crate) fn legal_status(record: &Record, today: NaiveDate) -> Option<&'static str> {
    if record.kind != Kind::Legal {
        return None;
    }
    Some(match record.expiry_date {
        Some(expiry) if expiry < today => "Hết hiệu lực",
        _ => "Còn hiệu lực",
    })
}

/// A ready-to-copy citation in Vietnamese style (plain text).
///
/// Legal: `Nghị quyết số 140/NQ-HĐND ngày 15/12/2023 của HĐND huyện Than Uyên về …, truy cập
/// tại <url>, lưu trữ ngày 01/02/2024.` News: `Tác giả, “Tiêu đề”, Nguồn, ngày …, truy cập
/// tại <url>, lưu trữ ngày ….`
pub(crate) fn citation(record: &Record, archived_on: Option<NaiveDate>) -> String {
    let mut parts: Vec<String> = Vec::new();
    match record.kind {
        Kind::Legal => {
            let mut head = record
                .doc_type
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "Văn bản".to_owned());
            if let Some(number) = record
                .doc_number
                .as_deref()
                .filter(|n| !n.trim().is_empty())
            {
                head.push_str(&format!(" số {number}"));
            }
            if let Some(date) = record.date {
                head.push_str(&format!(" ngày {}", vn_date(date)));
            }
            if let Some(issuer) = record.issuer.as_deref().filter(|i| !i.trim().is_empty()) {
                head.push_str(&format!(" của {issuer}"));
            }
            let subject = subject_of(record);
            if !subject.is_empty() {
                head.push(' ');
                head.push_str(&subject);
            }
            parts.push(head);
        }
        Kind::News => {
            if let Some(author) = record.author.as_deref().filter(|a| !a.trim().is_empty()) {
                parts.push(author.trim().to_owned());
            }
            parts.push(format!("“{}”", record.title.trim()));
            parts.push(
                record
                    .source
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or("Cổng thông tin điện tử huyện Than Uyên")
                    .trim()
                    .to_owned(),
            );
            if let Some(date) = record.date {
                parts.push(format!("ngày {}", vn_date(date)));
            }
        }
    }
    parts.push(format!("truy cập tại {}", record.url));
    if let Some(day) = archived_on {
        parts.push(format!("lưu trữ ngày {}", vn_date(day)));
    }
    let mut text = parts.join(", ");
    text.push('.');
    text
}

/// The "về …" part of a legal citation, from the trích yếu (or the title), without doubling
/// the leading "về" and without a trailing full stop.
fn subject_of(record: &Record) -> String {
    let source = if record.lead.trim().is_empty() {
        record.title.trim()
    } else {
        record.lead.trim()
    };
    let source = source.trim_end_matches(['.', ' ']);
    if source.is_empty() {
        return String::new();
    }
    // Drop a repeated type head: "Nghị quyết về X" -> "về X"; "Nghị quyết xác nhận X" ->
    // "về việc xác nhận X" (the type already opens the citation).
    let lower = source.to_lowercase();
    let mut rest = source;
    if let Some(doc_type) = record
        .doc_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        && lower.starts_with(&doc_type.to_lowercase())
        && let Some(after) = source.get(doc_type.len()..)
        && after.starts_with(' ')
    {
        rest = after.trim_start();
    }
    let rest_lower = rest.to_lowercase();
    let mut chars = rest.chars();
    let first = chars
        .next()
        .map(|c| c.to_lowercase().to_string())
        .unwrap_or_default();
    let lowered = format!("{first}{}", chars.as_str());
    if rest_lower.starts_with("về ") || rest_lower.starts_with("v/v") {
        lowered
    } else if rest.len() < source.len() {
        format!("về việc {lowered}")
    } else {
        format!("về {lowered}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legal() -> Record {
        let mut record = Record::new(
            "laws-140",
            Kind::Legal,
            "https://thanuyen.laichau.gov.vn/van-ban/140.html",
        );
        record.title = "Nghị quyết về kế hoạch đầu tư công năm 2024".to_owned();
        record.doc_type = Some("Nghị quyết".to_owned());
        record.doc_number = Some("140/NQ-HĐND".to_owned());
        record.issuer = Some("HĐND huyện Than Uyên".to_owned());
        record.date = NaiveDate::from_ymd_opt(2023, 12, 15);
        record
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert('x')</script> & "q""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn legal_citation_in_vietnamese_style() {
        let text = citation(&legal(), NaiveDate::from_ymd_opt(2024, 2, 1));
        assert_eq!(
            text,
            "Nghị quyết số 140/NQ-HĐND ngày 15/12/2023 của HĐND huyện Than Uyên về kế hoạch \
             đầu tư công năm 2024, truy cập tại https://thanuyen.laichau.gov.vn/van-ban/140.html, \
             lưu trữ ngày 01/02/2024."
        );
    }

    #[test]
    fn legal_citation_uses_trich_yeu_and_keeps_single_ve() {
        let mut record = legal();
        record.lead = "Về việc thông qua dự toán ngân sách.".to_owned();
        let text = citation(&record, None);
        assert!(
            text.contains("Than Uyên về việc thông qua dự toán ngân sách, truy cập"),
            "{text}"
        );
        assert!(!text.contains("lưu trữ"));
    }

    #[test]
    fn legal_citation_does_not_repeat_the_document_type() {
        let mut record = legal();
        record.lead = "Nghị quyết xác nhận kết quả miễn nhiệm Uỷ viên UBND huyện".to_owned();
        let text = citation(&record, None);
        assert!(
            text.starts_with(
                "Nghị quyết số 140/NQ-HĐND ngày 15/12/2023 của HĐND huyện Than Uyên về việc \
                 xác nhận kết quả miễn nhiệm Uỷ viên UBND huyện, truy cập"
            ),
            "{text}"
        );
    }

    #[test]
    fn news_citation_names_source_and_date() {
        let mut record = Record::new("news-1", Kind::News, "https://example.vn/tin/1.html");
        record.title = "Than Uyên tổ chức hội nghị".to_owned();
        record.source = Some("Báo Lai Châu".to_owned());
        record.date = NaiveDate::from_ymd_opt(2023, 8, 29);
        assert_eq!(
            citation(&record, None),
            "“Than Uyên tổ chức hội nghị”, Báo Lai Châu, ngày 29/08/2023, truy cập tại https://example.vn/tin/1.html."
        );
    }

    #[test]
    fn status_follows_expiry_date() {
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut record = legal();
        assert_eq!(legal_status(&record, today), Some("Còn hiệu lực"));
        record.expiry_date = NaiveDate::from_ymd_opt(2023, 6, 1);
        assert_eq!(legal_status(&record, today), Some("Hết hiệu lực"));
        record.kind = Kind::News;
        assert_eq!(legal_status(&record, today), None);
    }

    #[test]
    fn timeline_draws_one_bar_per_year_with_results() {
        let svg = timeline_svg(&[(2024, 3), (2023, 1)], |y| format!("/?year={y}&q=\"x\""));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.find("2023").unwrap() < svg.find("2024").unwrap());
        assert!(svg.contains("href=\"/?year=2023&amp;q=&quot;x&quot;\""));
        assert!(timeline_svg(&[], |_| String::new()).is_empty());
    }

    #[test]
    fn timeline_axis_is_continuous_with_empty_years_drawn_empty() {
        let years = [(2019, 2), (2021, 1), (2022, 4), (2024, 1)];
        let svg = timeline_svg(&years, |y| format!("/?y={y}"));
        // 2020 and 2023 are on the axis, without a bar or a link.
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(
            svg.contains(">2020</text>") && svg.contains(">2023</text>"),
            "{svg}"
        );
        assert!(!svg.contains("/?y=2020") && !svg.contains("/?y=2023"));
        let first = svg.find(">2019<").unwrap();
        let empty = svg.find(">2020<").unwrap();
        assert!(first < empty && empty < svg.find(">2021<").unwrap());
        // A picture: its links are out of the tab order, the list is the text alternative.
        assert!(svg.contains(r#"aria-hidden="true""#));
        assert_eq!(svg.matches(r#"tabindex="-1""#).count(), 4);
        let list = year_list(&years, |y| format!("/?y={y}"));
        assert_eq!(list.matches("<li>").count(), 6, "{list}");
        assert!(list.contains(r#"<a href="/?y=2022">2022: 4 kết quả</a>"#));
        assert!(list.contains("2023: 0 kết quả"));
        assert!(!list.contains("/?y=2023"));
    }

    #[test]
    fn excerpt_cuts_on_a_word_boundary() {
        assert_eq!(excerpt("Về  kế hoạch\nđầu tư", 100), "Về kế hoạch đầu tư");
        assert_eq!(
            excerpt("Về kế hoạch đầu tư công năm 2024", 16),
            "Về kế hoạch đầu…"
        );
    }

    #[test]
    fn layout_declares_vietnamese() {
        let page = layout("<Tìm>", "<p>x</p>");
        assert!(page.contains(r#"<html lang="vi">"#));
        assert!(page.contains("<title>&lt;Tìm&gt;</title>"));
        assert!(!page.contains("og:title"));
        // No inline script or style: a strict Content-Security-Policy can apply.
        assert!(!page.contains("<script>") && !page.contains("<style"));
        assert!(page.contains(r#"<script src="/static/tracuu.js" defer></script>"#));
    }

    #[test]
    fn layout_with_share_tags() {
        let page = layout_with(
            &Head {
                title: "Nghị quyết \"140\"",
                description: Some("Về kế hoạch đầu tư <công>"),
                canonical: Some("https://tracuu.example.vn/van-ban/laws-140"),
                og_type: Some("article"),
            },
            "",
        );
        assert!(
            page.contains(r#"<meta name="description" content="Về kế hoạch đầu tư &lt;công&gt;">"#)
        );
        assert!(page.contains(
            r#"<link rel="canonical" href="https://tracuu.example.vn/van-ban/laws-140">"#
        ));
        assert!(
            page.contains(r#"<meta property="og:title" content="Nghị quyết &quot;140&quot;">"#)
        );
        assert!(page.contains(
            r#"<meta property="og:url" content="https://tracuu.example.vn/van-ban/laws-140">"#
        ));
        assert!(page.contains(r#"<meta property="og:locale" content="vi_VN">"#));
    }
}
