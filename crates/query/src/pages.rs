//! The Vietnamese web pages, rendered on the server: the search page (`/`), the document page
//! (`/van-ban/{id}`) and the error page. They work without JavaScript; the only script is the
//! optional "copy the citation" button.

use std::fmt::Write as _;

use crawler::Kind;
use indexer::{Sort, Status};

use crate::html::{escape, kind_label, layout, timeline_svg, vn_date};
use crate::model::{DocumentResponse, FacetValue, LinkView, SearchResponse};
use crate::params::SearchParams;

/// Renders the search page: the form, and when something was asked, the results.
pub(crate) fn search_page(params: &SearchParams, response: Option<&SearchResponse>) -> String {
    let mut body = String::new();
    body.push_str(r#"<h1>Tra cứu văn bản và tin tức</h1>"#);
    body.push_str(&search_form(params));
    if let Some(response) = response {
        body.push_str(&results(params, response));
    } else {
        body.push_str(
            r#"<p>Gõ từ khóa có dấu hoặc không dấu, số ký hiệu (ví dụ <code>140/NQ-HĐND</code>), cụm từ trong ngoặc kép, <code>-từ</code> để loại trừ, <code>OR</code> để lấy một trong hai.</p>"#,
        );
    }
    let title = if params.q.is_empty() {
        "Tra cứu văn bản, tin tức huyện Than Uyên".to_owned()
    } else {
        format!("{} – Tra cứu", params.q)
    };
    layout(&title, &body)
}

fn selected(on: bool) -> &'static str {
    if on { " selected" } else { "" }
}

fn search_form(params: &SearchParams) -> String {
    let text = |value: &Option<String>| escape(value.as_deref().unwrap_or(""));
    let date = |value: Option<chrono::NaiveDate>| value.map(|d| d.to_string()).unwrap_or_default();
    // The panel stays closed so that results come first on a phone; the summary says when
    // filters or a sort order are in force.
    let active = if params.has_filters() || params.sort != Sort::Relevance {
        " (đang áp dụng)"
    } else {
        ""
    };
    format!(
        r#"<form class="search" action="/" method="get" role="search">
<div class="q"><label for="q">Từ khóa</label>
<input type="search" id="q" name="q" value="{q}" placeholder="Tìm kiếm văn bản, tin tức…" maxlength="512" autocomplete="off"></div>
<button type="submit">Tìm kiếm</button>
<details class="filters"><summary>Bộ lọc và sắp xếp{active}</summary>
<div class="grid">
<div><label for="kind">Loại nội dung</label><select id="kind" name="kind">
<option value="">Tất cả</option><option value="legal"{k_legal}>Văn bản</option><option value="news"{k_news}>Tin tức</option></select></div>
<div><label for="doc_type">Loại văn bản</label><input id="doc_type" name="doc_type" value="{doc_type}"></div>
<div><label for="issuer">Cơ quan ban hành</label><input id="issuer" name="issuer" value="{issuer}"></div>
<div><label for="signer">Người ký</label><input id="signer" name="signer" value="{signer}"></div>
<div><label for="field">Lĩnh vực</label><input id="field" name="field" value="{field}"></div>
<div><label for="status">Tình trạng</label><select id="status" name="status">
<option value="">Tất cả</option><option value="con-hieu-luc"{s_active}>Còn hiệu lực</option><option value="het-hieu-luc"{s_expired}>Hết hiệu lực</option></select></div>
<div><label for="date_from">Từ ngày</label><input type="date" id="date_from" name="date_from" value="{from}"></div>
<div><label for="date_to">Đến ngày</label><input type="date" id="date_to" name="date_to" value="{to}"></div>
<div><label for="sort">Sắp xếp</label><select id="sort" name="sort">
<option value="relevance"{o_rel}>Phù hợp nhất</option><option value="newest"{o_new}>Mới nhất</option><option value="oldest"{o_old}>Cũ nhất</option></select></div>
</div>
<p><button type="submit">Áp dụng bộ lọc</button> <a href="/">Xóa tất cả</a></p>
</details>
</form>"#,
        q = escape(&params.q),
        k_legal = selected(params.kind == Some(Kind::Legal)),
        k_news = selected(params.kind == Some(Kind::News)),
        doc_type = text(&params.doc_type),
        issuer = text(&params.issuer),
        signer = text(&params.signer),
        field = text(&params.field),
        s_active = selected(params.status == Some(Status::ConHieuLuc)),
        s_expired = selected(params.status == Some(Status::HetHieuLuc)),
        from = date(params.date_from),
        to = date(params.date_to),
        o_rel = selected(params.sort == Sort::Relevance),
        o_new = selected(params.sort == Sort::Newest),
        o_old = selected(params.sort == Sort::Oldest),
    )
}

/// A link to the search page for `params` changed by `change`, back on page 1 (the page size
/// is kept).
fn link_with(params: &SearchParams, change: impl FnOnce(&mut SearchParams)) -> String {
    let mut next = params.clone();
    next.cursor = None;
    next.page = 1;
    change(&mut next);
    let mut query = next.to_query_string();
    let mut push = |pair: String| {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&pair);
    };
    push(format!("per_page={}", next.per_page));
    if next.page > 1 {
        push(format!("page={}", next.page));
    }
    format!("/?{query}")
}

fn facet_label(name: &str, value: &str) -> String {
    match (name, value) {
        ("kind", "legal") => "Văn bản".to_owned(),
        ("kind", "news") => "Tin tức".to_owned(),
        _ => value.to_owned(),
    }
}

fn facet_block(params: &SearchParams, name: &str, title: &str, values: &[FacetValue]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let mut out = format!("<section><h2>{}</h2><ul>", escape(title));
    for value in values.iter().take(12) {
        let href = link_with(params, |p| match name {
            "kind" => {
                p.kind = match value.value.as_str() {
                    "news" => Some(Kind::News),
                    _ => Some(Kind::Legal),
                };
            }
            "doc_type" => p.doc_type = Some(value.value.clone()),
            "issuer" => p.issuer = Some(value.value.clone()),
            "signer" => p.signer = Some(value.value.clone()),
            "field" => p.field = Some(value.value.clone()),
            "year" => {
                if let Ok(year) = value.value.parse::<i32>() {
                    p.date_from = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
                    p.date_to = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
                }
            }
            _ => {}
        });
        let _ = write!(
            out,
            r#"<li><a href="{}">{}</a> <span class="count">({})</span></li>"#,
            escape(&href),
            escape(&facet_label(name, &value.value)),
            value.count
        );
    }
    out.push_str("</ul></section>");
    out
}

fn results(params: &SearchParams, response: &SearchResponse) -> String {
    let mut out = String::new();
    if let Some(reading) = &response.interpreted_query {
        let _ = write!(
            out,
            r#"<p class="notice">Đang hiển thị kết quả cho: <strong>{}</strong></p>"#,
            escape(reading)
        );
    }
    let _ = write!(
        out,
        r#"<p role="status">Tìm thấy <strong>{}</strong> kết quả ({:.0} ms). <a href="/api/search.rss?{}">Theo dõi bằng RSS</a> · <a href="/api/search?{}&amp;format=csv">Tải CSV</a></p>"#,
        response.total,
        response.took_ms,
        escape(&params.to_query_string()),
        escape(&params.to_query_string()),
    );
    out.push_str(r#"<div class="layout"><aside aria-label="Lọc theo nhóm">"#);
    let facet = |name: &str| response.facets.get(name).map_or(&[][..], Vec::as_slice);
    for (name, title) in [
        ("kind", "Loại nội dung"),
        ("doc_type", "Loại văn bản"),
        ("issuer", "Cơ quan ban hành"),
        ("signer", "Người ký"),
        ("field", "Lĩnh vực"),
        ("year", "Năm"),
    ] {
        out.push_str(&facet_block(params, name, title, facet(name)));
    }
    out.push_str("</aside><div>");
    let years: Vec<(i32, u64)> = facet("year")
        .iter()
        .filter_map(|v| Some((v.value.parse().ok()?, v.count)))
        .collect();
    if years.len() > 1 {
        out.push_str(r#"<section aria-label="Số kết quả theo năm">"#);
        out.push_str(&timeline_svg(&years, |year| {
            link_with(params, |p| {
                p.date_from = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
                p.date_to = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
            })
        }));
        out.push_str("</section>");
    }
    if response.hits.is_empty() {
        out.push_str(
            "<p>Không tìm thấy kết quả phù hợp. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.</p>",
        );
    } else {
        let start = params.offset() + 1;
        let _ = write!(out, r#"<ol class="hits" start="{start}">"#);
        for hit in &response.hits {
            let mut meta = vec![kind_label(hit.kind).to_owned()];
            if let Some(number) = &hit.doc_number {
                meta.push(format!("Số: {}", escape(number)));
            }
            if let Some(issuer) = &hit.issuer {
                meta.push(escape(issuer));
            }
            if let Some(date) = hit.date {
                meta.push(vn_date(date));
            }
            let _ = write!(
                out,
                r#"<li><h3><a href="/van-ban/{id}">{title}</a></h3><p class="meta">{meta}</p><p>{snippet}</p><p class="meta"><a href="{url}" rel="noopener">Xem trên cổng thông tin</a></p></li>"#,
                id = escape(&crate::params::encode_component(&hit.id)),
                title = escape(&hit.title),
                meta = meta.join(" · "),
                // Already escaped by the indexer, with only <mark> added.
                snippet = hit.snippet,
                url = escape(&hit.url),
            );
        }
        out.push_str("</ol>");
    }
    out.push_str(&pagination(params, response));
    out.push_str("</div></div>");
    out
}

fn pagination(params: &SearchParams, response: &SearchResponse) -> String {
    let mut links = Vec::new();
    if params.cursor.is_none() && params.page > 1 {
        let href = link_with(params, |p| p.page = params.page - 1);
        links.push(format!(
            r#"<a href="{}" rel="prev">‹ Trang trước</a>"#,
            escape(&href)
        ));
    }
    let shown_end = params.offset() + response.hits.len();
    if (shown_end as u64) < response.total {
        let href = match (&response.next_cursor, params.cursor.is_some()) {
            (Some(cursor), true) => format!(
                "{}&cursor={}",
                link_with(params, |_| {}),
                crate::params::encode_component(cursor)
            ),
            _ => link_with(params, |p| p.page = params.page + 1),
        };
        links.push(format!(
            r#"<a href="{}" rel="next">Trang sau ›</a>"#,
            escape(&href)
        ));
    }
    if links.is_empty() {
        return String::new();
    }
    format!(
        r#"<nav class="pages" aria-label="Phân trang">{}<span>Trang {}</span></nav>"#,
        links.join(""),
        params.page
    )
}

/// Renders the document page.
pub(crate) fn document_page(
    document: &DocumentResponse,
    permalink: &str,
    archived: bool,
) -> String {
    let record = &document.record;
    let mut body = String::new();
    let _ = write!(
        body,
        r#"<p><a href="/">‹ Về trang tìm kiếm</a></p><h1>{}</h1>"#,
        escape(&record.title)
    );
    if record.kind == Kind::Legal {
        body.push_str(
            r#"<table class="meta-table"><caption class="skip">Thuộc tính văn bản</caption>"#,
        );
        let date = |d: Option<chrono::NaiveDate>| d.map(vn_date).unwrap_or_default();
        let rows = [
            ("Số ký hiệu", record.doc_number.clone().unwrap_or_default()),
            ("Loại văn bản", record.doc_type.clone().unwrap_or_default()),
            (
                "Cơ quan ban hành",
                record.issuer.clone().unwrap_or_default(),
            ),
            ("Người ký", record.signer.clone().unwrap_or_default()),
            ("Ngày ban hành", date(record.date)),
            ("Ngày hiệu lực", date(record.effective_date)),
            ("Ngày hết hiệu lực", date(record.expiry_date)),
            ("Lĩnh vực", record.fields.join(", ")),
            ("Tình trạng", document.status.unwrap_or_default().to_owned()),
        ];
        for (label, value) in rows {
            let _ = write!(
                body,
                r#"<tr><th scope="row">{label}</th><td>{}</td></tr>"#,
                escape(&value)
            );
        }
        body.push_str("</table>");
    } else {
        let mut meta = Vec::new();
        if let Some(date) = record.date {
            meta.push(vn_date(date));
        }
        for value in [&record.category, &record.author, &record.source]
            .into_iter()
            .flatten()
        {
            meta.push(escape(value));
        }
        let _ = write!(body, r#"<p class="meta">{}</p>"#, meta.join(" · "));
    }
    if !record.lead.is_empty() {
        let _ = write!(body, "<p><strong>{}</strong></p>", escape(&record.lead));
    }
    if !record.body.is_empty() {
        let _ = write!(body, r#"<div class="body">{}</div>"#, escape(&record.body));
    }
    if !record.attachments.is_empty() {
        body.push_str("<h2>Tệp đính kèm</h2><ul>");
        for file in &record.attachments {
            let _ = write!(
                body,
                r#"<li><a href="{}" rel="noopener">{}</a></li>"#,
                escape(&file.url),
                escape(&file.name)
            );
        }
        body.push_str("</ul>");
    }
    body.push_str(&links_section("Văn bản được trích dẫn", &document.cites));
    body.push_str(&links_section("Được nhắc đến trong", &document.cited_by));
    let _ = write!(
        body,
        r#"<h2>Nguồn và trích dẫn</h2>
<ul>
<li>Đường dẫn cố định: <a href="{permalink}">{permalink}</a></li>
<li>Địa chỉ gốc: <a href="{url}" rel="noopener">{url}</a></li>
{archived}
</ul>
<label for="citation">Trích dẫn (sao chép để dùng)</label>
<textarea id="citation" class="citation" readonly>{citation}</textarea>
<p><button type="button" id="copy-citation" hidden>Sao chép trích dẫn</button> <span id="copy-status" role="status"></span></p>
<script>
(function(){{var b=document.getElementById("copy-citation"),t=document.getElementById("citation"),s=document.getElementById("copy-status");if(!b||!t)return;b.hidden=false;b.addEventListener("click",function(){{t.select();var done=function(){{s.textContent="Đã sao chép trích dẫn.";}};if(navigator.clipboard&&navigator.clipboard.writeText){{navigator.clipboard.writeText(t.value).then(done,function(){{document.execCommand("copy");done();}});}}else{{document.execCommand("copy");done();}}}});}})();
</script>"#,
        permalink = escape(permalink),
        url = escape(&record.url),
        archived = if archived {
            format!(
                r#"<li><a href="/luu-tru/{}">Bản lưu trữ (khi cổng thông tin không còn truy cập được)</a></li>"#,
                escape(&crate::params::encode_component(&record.id))
            )
        } else {
            String::new()
        },
        citation = escape(&document.citation),
    );
    layout(&record.title, &body)
}

fn links_section(title: &str, links: &[LinkView]) -> String {
    if links.is_empty() {
        return String::new();
    }
    let mut out = format!("<h2>{}</h2><ul>", escape(title));
    for link in links {
        let mut text = escape(link.title.as_deref().unwrap_or(&link.doc_number));
        if link.title.is_some() && !link.doc_number.is_empty() {
            text = format!("{} – {text}", escape(&link.doc_number));
        }
        let mut extra = Vec::new();
        if let Some(issuer) = &link.issuer {
            extra.push(escape(issuer));
        }
        if let Some(date) = link.date {
            extra.push(vn_date(date));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(r#" <span class="meta">({})</span>"#, extra.join(", "))
        };
        match &link.id {
            Some(id) => {
                let _ = write!(
                    out,
                    r#"<li><a href="/van-ban/{}">{text}</a>{extra}</li>"#,
                    escape(&crate::params::encode_component(id))
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<li>{text}{extra} <span class=\"meta\">(chưa có trong kho)</span></li>"
                );
            }
        }
    }
    out.push_str("</ul>");
    out
}

/// Renders an error page with the given message (plain text).
pub(crate) fn error_page(message: &str) -> String {
    layout(
        "Lỗi – Tra cứu",
        &format!(
            r#"<h1>Không thể hiển thị trang</h1><p class="error" role="alert">{}</p><p><a href="/">Về trang tìm kiếm</a></p>"#,
            escape(message)
        ),
    )
}
