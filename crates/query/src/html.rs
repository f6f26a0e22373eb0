//! HTML building blocks: the escaping helper, the page layout with its inline CSS, and small
//! pieces (the results-per-year SVG timeline, the Vietnamese citation) shared by the pages.
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

/// Inline stylesheet: mobile-first, visible focus, AA contrast (text #1a1a1a / links #0b4f9c on
/// white, `<mark>` dark text on yellow).
const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b4f9c;overflow-wrap:anywhere}
td,.meta,.citation{overflow-wrap:anywhere}
a:visited{color:#5b2a86}
:focus-visible{outline:3px solid #b35900;outline-offset:2px}
header.top{background:#7a1010;color:#fff;padding:.6rem 1rem}
header.top a{color:#fff;text-decoration:none;font-weight:700}
main{max-width:60rem;margin:0 auto;padding:1rem}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;color:#0b4f9c;padding:.5rem;z-index:9}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
form.search .q{flex:1 1 16rem}
label{display:block;font-weight:600;font-size:.9rem}
input,select,button,textarea{font:inherit;padding:.45rem .6rem;border:1px solid #555;border-radius:4px;background:#fff;color:#1a1a1a;max-width:100%}
input[type=search]{width:100%}
button{background:#0b4f9c;color:#fff;border-color:#0b4f9c;cursor:pointer}
details.filters{flex:1 1 100%;margin:.75rem 0;border:1px solid #ccc;border-radius:4px;padding:.5rem .75rem}
details.filters summary{cursor:pointer;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem;margin-top:.5rem}
.layout{display:grid;gap:1rem}
@media(min-width:50rem){.layout{grid-template-columns:15rem 1fr}}
aside h2{font-size:1rem;margin:1rem 0 .25rem}
aside ul{list-style:none;margin:0;padding:0}
aside li{margin:.15rem 0}
.count{color:#4a4a4a}
ol.hits{list-style:none;margin:0;padding:0}
ol.hits li{padding:.75rem 0;border-bottom:1px solid #ddd}
ol.hits h3{margin:0 0 .25rem;font-size:1.1rem}
.meta{color:#4a4a4a;font-size:.9rem}
mark{background:#ffe45c;color:#1a1a1a}
.notice{background:#eef4fb;border-left:4px solid #0b4f9c;padding:.5rem .75rem}
.error{background:#fdecea;border-left:4px solid #a4161a;padding:.5rem .75rem}
nav.pages{display:flex;gap:1rem;margin:1rem 0}
table.meta-table{border-collapse:collapse;width:100%}
table.meta-table th,table.meta-table td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}
table.meta-table th{background:#f3f3f3;width:35%}
.body{white-space:pre-line}
.citation{display:block;width:100%;min-height:5rem}
svg.timeline{width:100%;height:auto;max-height:10rem}
svg.timeline rect{fill:#0b4f9c}
svg.timeline text{font-size:10px;fill:#1a1a1a}
footer{color:#4a4a4a;font-size:.85rem;text-align:center;padding:2rem 1rem}
"#;

/// Wraps page content in the shared layout. `title` is plain text (escaped here); `body` is
/// trusted HTML built by the pages.
pub(crate) fn layout(title: &str, body: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header class="top"><a href="/">Tra cứu văn bản và tin tức huyện Than Uyên</a></header>
<main id="noi-dung">
{body}
</main>
<footer>Dữ liệu lưu trữ từ cổng thông tin điện tử huyện Than Uyên, tỉnh Lai Châu.</footer>
</body>
</html>
"##,
        title = escape(title),
    )
}

/// Draws a results-per-year bar chart as inline SVG, each bar linking to that year's results.
/// `years` is `(year, count)` in any order; `link` builds the href for a year.
pub(crate) fn timeline_svg(years: &[(i32, u64)], link: impl Fn(i32) -> String) -> String {
    if years.is_empty() {
        return String::new();
    }
    let mut years = years.to_vec();
    years.sort_unstable();
    let max = years.iter().map(|(_, c)| *c).max().unwrap_or(1).max(1);
    let bar = 36;
    let gap = 8;
    let height = 100;
    let width = years.len() * (bar + gap) + gap;
    let total: u64 = years.iter().map(|(_, c)| c).sum();
    let mut svg = format!(
        r#"<svg class="timeline" viewBox="0 0 {width} {vb}" role="img" aria-labelledby="timeline-title"><title id="timeline-title">Số kết quả theo năm: {total} kết quả trong {n} năm</title>"#,
        vb = height + 30,
        n = years.len(),
    );
    for (i, (year, count)) in years.iter().enumerate() {
        let x = gap + i * (bar + gap);
        // Rounded-up share of the height so a count of 1 stays visible.
        let h = usize::try_from((count * height as u64).div_ceil(max)).unwrap_or(height);
        let y = height - h + 12;
        svg.push_str(&format!(
            r#"<a href="{href}"><title>Năm {year}: {count} kết quả</title><rect x="{x}" y="{y}" width="{bar}" height="{h}"></rect><text x="{tx}" y="{ty}" text-anchor="middle">{count}</text><text x="{tx}" y="{yy}" text-anchor="middle">{year}</text></a>"#,
            href = escape(&link(*year)),
            tx = x + bar / 2,
            ty = y - 2,
            yy = height + 26,
        ));
    }
    svg.push_str("</svg>");
    svg
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
    fn timeline_draws_one_bar_per_year() {
        let svg = timeline_svg(&[(2024, 3), (2023, 1)], |y| format!("/?year={y}&q=\"x\""));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.find("2023").unwrap() < svg.find("2024").unwrap());
        assert!(svg.contains("href=\"/?year=2023&amp;q=&quot;x&quot;\""));
        assert!(timeline_svg(&[], |_| String::new()).is_empty());
    }

    #[test]
    fn layout_declares_vietnamese() {
        let page = layout("<Tìm>", "<p>x</p>");
        assert!(page.contains(r#"<html lang="vi">"#));
        assert!(page.contains("<title>&lt;Tìm&gt;</title>"));
    }
}
