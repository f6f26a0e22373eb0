//! The Vietnamese web pages, rendered on the server: the search page (`/`), the document page
//! (`/van-ban/{id}`) and the error page. They work without JavaScript; the same-origin script
//! (`/static/tracuu.js`) only adds search suggestions and the "copy the citation" button.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use crawler::Kind;
use crawler::sites::Ended;
use indexer::{Sort, Status};

use crate::html::{
    Head, escape, excerpt, kind_label, layout, layout_with, timeline_svg, vn_date, year_list,
};
use crate::model::{DocumentResponse, FacetValue, LinkView, SearchResponse};
use crate::params::SearchParams;

/// The date of the latest archived copy of each record that has one, by record id.
pub(crate) type ArchiveDates = HashMap<String, NaiveDate>;

/// Renders the search page: the form, and when something was asked, the results.
/// `archived` dates the archived copies of the hits (their "Bản lưu trữ" links); without a
/// query, the page says which of the `sites` no longer exist.
pub(crate) fn search_page(
    params: &SearchParams,
    response: Option<&SearchResponse>,
    archived: &ArchiveDates,
    sites: &crawler::Sites,
) -> String {
    let mut body = String::new();
    body.push_str(r#"<h1>Tra cứu văn bản và tin tức</h1>"#);
    if params.q.is_empty() {
        for site in sites.iter() {
            if let Some(ended) = &site.ended {
                body.push_str(&ended_notice(&site.title, ended, ""));
            }
        }
    }
    body.push_str(&search_form(params, response));
    if let Some(response) = response {
        body.push_str(&results(params, response, archived));
    } else {
        body.push_str(
            r#"<p class="hint">Gõ từ khóa có dấu hoặc không dấu, số ký hiệu (ví dụ <code>140/NQ-HĐND</code>), cụm từ trong ngoặc kép, <code>-từ</code> để loại trừ, <code>OR</code> để lấy một trong hai.</p>"#,
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

/// The search box, then the "Bộ lọc" disclosure: the timeline, the facets and the filter
/// fields. It stays closed (a `<details>`, no script needed) so that on a phone the results
/// come right after the search box; its summary says when filters are in force.
fn search_form(params: &SearchParams, response: Option<&SearchResponse>) -> String {
    let text = |value: &Option<String>| escape(value.as_deref().unwrap_or(""));
    let date = |value: Option<chrono::NaiveDate>| value.map(|d| d.to_string()).unwrap_or_default();
    let active = if params.has_filters() || params.sort != Sort::Relevance {
        " <span class=\"count\">(đang áp dụng)</span>"
    } else {
        ""
    };
    let mut panel = String::new();
    if let Some(response) = response {
        panel.push_str(&timeline(params, response));
        panel.push_str(&facets(params, response));
    }
    format!(
        r#"<form class="search" action="/" method="get" role="search">
<div class="bar"><div class="q"><label for="q">Từ khóa</label>
<input type="search" id="q" name="q" value="{q}" placeholder="Tìm kiếm văn bản, tin tức…" maxlength="512" autocomplete="off" enterkeyhint="search"></div>
<button type="submit">Tìm kiếm</button></div>
<details class="filters"><summary>Bộ lọc{active}</summary>
<div class="panel">{panel}
<fieldset class="wide" id="loc"><legend>Lọc và sắp xếp</legend>
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
{site_inputs}<p class="actions"><button type="submit">Áp dụng bộ lọc</button> <a href="/">Xóa tất cả</a></p>
</fieldset>
</div>
</details>
</form>"#,
        q = escape(&params.q),
        // The chosen sites (from the "Cổng thông tin" facet) stay chosen.
        site_inputs = params
            .sites
            .iter()
            .map(|site| format!(
                r#"<input type="hidden" name="site" value="{}">"#,
                escape(site)
            ))
            .collect::<String>(),
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

/// The search page for `params` narrowed to one year.
fn year_link(params: &SearchParams, year: i32) -> String {
    link_with(params, |p| {
        p.date_from = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
        p.date_to = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
    })
}

fn facet_label(name: &str, value: &str) -> String {
    match (name, value) {
        ("kind", "legal") => "Văn bản".to_owned(),
        ("kind", "news") => "Tin tức".to_owned(),
        _ => value.to_owned(),
    }
}

fn facet_block(params: &SearchParams, name: &str, title: &str, values: &[FacetValue]) -> String {
    // One site only: nothing to choose.
    if values.is_empty() || (name == "site" && values.len() < 2 && params.sites.is_empty()) {
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
            "site" => p.sites = vec![value.value.clone()],
            _ => {}
        });
        let label = match &value.title {
            Some(title) => title.clone(),
            None => facet_label(name, &value.value),
        };
        let _ = write!(
            out,
            r#"<li><a href="{}">{}</a>&nbsp;<span class="count">({})</span></li>"#,
            escape(&href),
            escape(&label),
            value.count
        );
    }
    out.push_str("</ul></section>");
    out
}

/// The facets of the results, as lists of links that narrow the search.
fn facets(params: &SearchParams, response: &SearchResponse) -> String {
    let mut out = String::new();
    for (name, title) in [
        ("site", "Cổng thông tin"),
        ("kind", "Loại nội dung"),
        ("doc_type", "Loại văn bản"),
        ("issuer", "Cơ quan ban hành"),
        ("signer", "Người ký"),
        ("field", "Lĩnh vực"),
    ] {
        let values = response.facets.get(name).map_or(&[][..], Vec::as_slice);
        out.push_str(&facet_block(params, name, title, values));
    }
    out
}

/// Results per year: the chart on a continuous axis and its text alternative, the list of
/// years with their counts (each a link to that year's results).
fn timeline(params: &SearchParams, response: &SearchResponse) -> String {
    let years: Vec<(i32, u64)> = response
        .facets
        .get("year")
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|v| Some((v.value.parse().ok()?, v.count)))
        .collect();
    if years.is_empty() {
        return String::new();
    }
    format!(
        r#"<section class="wide" aria-labelledby="theo-nam"><h2 id="theo-nam">Số kết quả theo năm</h2>{}{}</section>"#,
        timeline_svg(&years, |year| year_link(params, year)),
        year_list(&years, |year| year_link(params, year)),
    )
}

/// The archived copy first (dated), the original portal address second, marked as possibly
/// gone (the portal of a district abolished in 2025).
fn source_links(id: &str, url: &str, archived_on: Option<NaiveDate>, class: &str) -> String {
    let mut out = format!(r#"<p class="{class}">"#);
    if let Some(day) = archived_on {
        let _ = write!(
            out,
            r#"<a href="/luu-tru/{}">Bản lưu trữ ({})</a>"#,
            escape(&crate::params::encode_component(id)),
            vn_date(day)
        );
    }
    let _ = write!(
        out,
        r#"<a href="{}" rel="noopener">Trang gốc (có thể không còn)</a></p>"#,
        escape(url)
    );
    out
}

/// Which attached file and page a hit's snippet comes from, linked to that page of the file's
/// text on the document page (where the archived file is), with the machine-read label for
/// text OCRed from a scan.
fn found_in(id: &str, source: &indexer::HitSource) -> String {
    let mut out = format!(
        r#"<p class="found-in">Trong tệp đính kèm <a href="/van-ban/{}#{}">{}, trang {}</a>"#,
        escape(&crate::params::encode_component(id)),
        escape(&crate::params::encode_component(&page_anchor(
            &source.file,
            source.page
        ))),
        escape(&source.file),
        source.page
    );
    if source.machine_read {
        out.push_str(r#" · <span class="ocr-note">Văn bản nhận dạng tự động từ bản quét, có thể có lỗi</span>"#);
    }
    out.push_str("</p>");
    out
}

/// The id of one page of an attached file's text on the document page.
fn page_anchor(file: &str, page: u32) -> String {
    format!("{file}-trang-{page}")
}

fn results(params: &SearchParams, response: &SearchResponse, archived: &ArchiveDates) -> String {
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
        r#"<p class="summary-line" role="status">Tìm thấy <strong>{}{}</strong> kết quả ({:.0} ms). <a href="/api/search.rss?{}">Theo dõi bằng RSS</a> · <a href="/api/search?{}&amp;format=csv">Tải CSV</a></p>"#,
        if response.total_exact { "" } else { "hơn " },
        response.total,
        response.took_ms,
        escape(&params.to_query_string()),
        escape(&params.to_query_string()),
    );
    if response.hits.is_empty() {
        out.push_str(
            "<p>Không tìm thấy kết quả phù hợp. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.</p>",
        );
    } else {
        let start = params.offset() + 1;
        let _ = write!(
            out,
            r#"<h2 class="sr-only">Kết quả</h2><ol class="hits" start="{start}">"#
        );
        for hit in &response.hits {
            let mut meta = vec![kind_label(hit.kind).to_owned()];
            if let Some(number) = &hit.doc_number {
                meta.push(format!("Số: {}", escape(number)));
            }
            if let Some(issuer) = &hit.issuer {
                meta.push(escape(issuer));
            }
            if !hit.site_title.is_empty() {
                meta.push(format!(
                    r#"<span class="site">{}</span>"#,
                    escape(&hit.site_title)
                ));
            }
            if let Some(date) = hit.date {
                meta.push(vn_date(date));
            }
            let _ = write!(
                out,
                r#"<li><h3><a href="/van-ban/{id}">{title}</a></h3><p class="meta">{meta}</p>{found_in}<p>{snippet}</p>{links}</li>"#,
                id = escape(&crate::params::encode_component(&hit.id)),
                found_in = hit
                    .source
                    .as_ref()
                    .map(|s| found_in(&hit.id, s))
                    .unwrap_or_default(),
                title = escape(&hit.title),
                meta = meta.join(" · "),
                // Already escaped by the indexer, with only <mark> added.
                snippet = hit.snippet,
                links = source_links(&hit.id, &hit.url, archived.get(&hit.id).copied(), "links"),
            );
        }
        out.push_str("</ol>");
    }
    out.push_str(&pagination(params, response));
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

/// The notice that the government behind a site has ended: the archive is the record of a
/// body that no longer exists. `more` is added to the note (already escaped).
fn ended_notice(site_title: &str, ended: &Ended, more: &str) -> String {
    format!(
        r#"<p class="notice ended" role="note"><strong>Tư liệu lưu trữ:</strong> {} kết thúc hoạt động ngày {}. {}{more}</p>"#,
        escape(site_title),
        vn_date(ended.date),
        escape(&ended.note),
    )
}

/// Whether a legal document was issued by a district body (`HĐND huyện …`, `UBND huyện …`).
fn issued_by_district(record: &crawler::Record) -> bool {
    record
        .issuer
        .as_deref()
        .is_some_and(|issuer| vietnamese::fold(issuer).contains("huyen"))
}

/// Renders the document page. `base` is the service's public address (for the permalink,
/// canonical link and archive address); `archived_on` dates the latest archived copy.
pub(crate) fn document_page(
    document: &DocumentResponse,
    base: &str,
    archived_on: Option<NaiveDate>,
) -> String {
    let record = &document.record;
    let id = crate::params::encode_component(&record.id);
    let permalink = format!("{base}/van-ban/{id}");
    let mut body = String::new();
    let _ = write!(
        body,
        r#"<p class="back noprint"><a href="/">‹ Về trang tìm kiếm</a></p><h1>{}</h1>"#,
        escape(&record.title)
    );
    body.push_str(&source_links(
        &record.id,
        &record.url,
        archived_on,
        "links noprint",
    ));
    if let Some(ended) = &document.site_ended {
        let more = if record.kind == Kind::Legal && issued_by_district(record) {
            " Cơ quan ban hành văn bản này không còn; tình trạng hiệu lực hiện nay cần đối chiếu \
             với cơ quan kế thừa."
        } else {
            ""
        };
        body.push_str(&ended_notice(&document.site_title, ended, more));
    }
    if record.kind == Kind::Legal {
        body.push_str(
            r#"<table class="meta-table"><caption class="sr-only">Thuộc tính văn bản</caption>"#,
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
            ("Cổng thông tin", document.site_title.clone()),
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
        if !document.site_title.is_empty() {
            meta.push(format!(
                r#"<span class="site">{}</span>"#,
                escape(&document.site_title)
            ));
        }
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
            match &file.archived_url {
                Some(archived) => {
                    let _ = write!(
                        body,
                        r#"<li><a href="{}" class="archived-file" download>{}</a> (bản lưu trữ) · <a href="{}" rel="noopener">bản gốc trên cổng thông tin</a>"#,
                        escape(archived),
                        escape(&file.name),
                        escape(&file.url)
                    );
                }
                None => {
                    let _ = write!(
                        body,
                        r#"<li><a href="{}" rel="noopener">{}</a>"#,
                        escape(&file.url),
                        escape(&file.name)
                    );
                }
            }
            body.push_str(&file_text(file));
            body.push_str("</li>");
        }
        body.push_str("</ul>");
    }
    body.push_str(&links_section("Văn bản được trích dẫn", &document.cites));
    body.push_str(&links_section("Được nhắc đến trong", &document.cited_by));
    body.push_str(&links_section(
        "Văn bản, tin tức liên quan",
        &document.related,
    ));
    let archive = match archived_on {
        Some(day) => format!(
            r#"<li>Bản lưu trữ (thu thập ngày {day}): <a href="{base}/luu-tru/{id}">{base}/luu-tru/{id}</a></li>"#,
            day = vn_date(day),
            base = escape(base),
            id = escape(&id),
        ),
        None => String::new(),
    };
    let _ = write!(
        body,
        r#"<h2>Nguồn và trích dẫn</h2>
<ul class="sources">
{archive}
<li>Đường dẫn cố định: <a href="{permalink}">{permalink}</a></li>
<li>Địa chỉ gốc (có thể không còn truy cập được): <a href="{url}" rel="noopener">{url}</a></li>
</ul>
<label for="citation">Trích dẫn (sao chép để dùng)</label>
<textarea id="citation" class="citation" readonly>{citation}</textarea>
<p class="print-only">Trích dẫn: {citation}</p>
<p class="noprint"><button type="button" id="copy-citation" hidden>Sao chép trích dẫn</button> <span id="copy-status" role="status"></span></p>"#,
        permalink = escape(&permalink),
        url = escape(&record.url),
        citation = escape(&document.citation),
    );
    let description = description_of(record);
    layout_with(
        &Head {
            title: &record.title,
            description: Some(&description),
            canonical: Some(&permalink),
            og_type: Some("article"),
        },
        &body,
    )
}

/// The summary shown when a document page is shared (Zalo, Facebook) and in search engines:
/// number, issuer and date for documents, then the trích yếu or the start of the text.
fn description_of(record: &crawler::Record) -> String {
    let mut head = Vec::new();
    if record.kind == Kind::Legal {
        let typed = [record.doc_type.as_deref(), record.doc_number.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !typed.is_empty() {
            head.push(typed);
        }
        if let Some(issuer) = record.issuer.as_deref().filter(|s| !s.trim().is_empty()) {
            head.push(issuer.to_owned());
        }
    }
    if let Some(date) = record.date {
        head.push(vn_date(date));
    }
    let text = [&record.lead, &record.body, &record.title]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .map(|t| excerpt(t, 200))
        .unwrap_or_default();
    if head.is_empty() {
        text
    } else {
        format!("{}: {text}", head.join(", "))
    }
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
        if let Some(site) = link.site_title.as_deref().filter(|s| !s.is_empty()) {
            extra.push(escape(site));
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

/// What an attachment's text is, under its link: the machine-read warning for OCR text (with
/// pages and confidence), a note for scans still waiting for OCR, and the text itself folded
/// away.
fn file_text(file: &crawler::Attachment) -> String {
    let mut out = String::new();
    match file.text_source.as_deref() {
        Some("ocr-pending") => {
            out.push_str(r#"<p class="file-note">Bản quét, chưa nhận dạng chữ.</p>"#);
            return out;
        }
        Some(_) if file.is_ocr() => {
            let _ = write!(
                out,
                r#"<p class="file-note ocr-note">Văn bản nhận dạng tự động từ bản quét, có thể có lỗi{}{}.</p>"#,
                file.pages
                    .map(|p| format!(" · {p} trang"))
                    .unwrap_or_default(),
                file.ocr_confidence
                    .map(|c| format!(" · độ tin cậy {c}%"))
                    .unwrap_or_default()
            );
        }
        _ => {}
    }
    if let Some(text) = file.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pages: Vec<String> = text
            .split('\u{c}')
            .enumerate()
            .map(|(i, p)| {
                format!(
                    r#"<div class="file-page" id="{}"><p class="page-no">Trang {}</p>{}</div>"#,
                    escape(&page_anchor(
                        &file.name,
                        u32::try_from(i + 1).unwrap_or(u32::MAX)
                    )),
                    i + 1,
                    escape(p)
                )
            })
            .collect();
        let _ = write!(
            out,
            r#"<details class="file-text"><summary>Nội dung tệp</summary>{}</details>"#,
            pages.join("")
        );
    }
    out
}
