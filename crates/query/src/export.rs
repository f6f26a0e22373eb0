//! Whole-result-set exports (CSV, JSON lines), streamed page by page from one index snapshot,
//! and the RSS 2.0 feed of a search.

use std::fmt::Write as _;

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveTime, TimeZone as _};

use crate::error::AppError;
use crate::html::escape;
use crate::metrics::PermitUse;
use crate::model::HitView;
use indexer::Sort;

use crate::params::{Format, SearchParams};
use crate::search;
use crate::state::AppState;

/// Hits fetched per index round trip while exporting.
const EXPORT_BATCH: usize = 500;

/// Streams the whole result set of `params` as CSV or JSON lines (capped by `export_max_rows`),
/// from the caller's `cursor` when there is one. Every batch holds a search permit, like a
/// search. The first batch is searched before answering, so a request the index refuses gets
/// its 4xx instead of a 200 cut short.
pub(crate) async fn stream(state: &AppState, params: SearchParams) -> Result<Response, AppError> {
    let index = state.index()?;
    let cap = state.config().export_max_rows.max(1);
    let format = params.format;
    let first = {
        let permit = state.search_permit(PermitUse::Export).await;
        let (index, params, sites) = (index.clone(), params.clone(), state.sites());
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let limit = EXPORT_BATCH.min(cap);
            search::batch(&index, &sites, &params, 0, limit, params.cursor.clone())
        })
        .await??
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let runtime = tokio::runtime::Handle::current();
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        if format == Format::Csv {
            let header =
                "id,kind,date,doc_number,doc_type,issuer,title,url,score,site,site_title\r\n";
            if sender
                .blocking_send(Ok(Bytes::from_static(header.as_bytes())))
                .is_err()
            {
                return;
            }
        }
        let mut sent = 0;
        let mut batch = first;
        loop {
            if batch.hits.is_empty() {
                return;
            }
            let mut chunk = String::new();
            for hit in &batch.hits {
                match format {
                    Format::Csv => csv_row(&mut chunk, hit),
                    _ => {
                        if let Ok(line) = serde_json::to_string(hit) {
                            chunk.push_str(&line);
                            chunk.push('\n');
                        }
                    }
                }
            }
            sent += batch.hits.len();
            if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                return; // the client went away
            }
            let Some(cursor) = batch.next_cursor.take() else {
                return;
            };
            if sent >= cap {
                return;
            }
            let limit = EXPORT_BATCH.min(cap - sent);
            let _permit = runtime.block_on(state.search_permit(PermitUse::Export));
            batch = match search::batch(&index, &state.sites(), &params, sent, limit, Some(cursor))
            {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::error!(error = %err, "export failed");
                    let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
                    return;
                }
            };
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ));
    let (content_type, file) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "tracuu.csv"),
        _ => ("application/x-ndjson; charset=utf-8", "tracuu.jsonl"),
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Appends one CSV row (RFC 4180 quoting; cells that a spreadsheet would read as a formula are
/// prefixed with `'`).
fn csv_row(out: &mut String, hit: &HitView) {
    let cells = [
        hit.id.clone(),
        hit.kind.as_str().to_owned(),
        hit.date.map(|d| d.to_string()).unwrap_or_default(),
        hit.doc_number.clone().unwrap_or_default(),
        hit.doc_type.clone().unwrap_or_default(),
        hit.issuer.clone().unwrap_or_default(),
        hit.title.clone(),
        hit.url.clone(),
        format!("{:.4}", hit.score),
        hit.site.clone(),
        hit.site_title.clone(),
    ];
    let row: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The RSS 2.0 feed of a search: newest first unless another order was asked for.
pub(crate) async fn rss(
    state: &AppState,
    base: &str,
    mut params: SearchParams,
) -> Result<Response, AppError> {
    if params.sort == Sort::Relevance {
        params.sort = Sort::Newest;
    }
    params.page = 1;
    params.cursor = None;
    params.per_page = state.config().rss_items.max(1);
    let query = params.to_query_string();
    let response = search::page(state, params.clone()).await?;
    let title = if params.q.is_empty() {
        "Tra cứu Than Uyên: mới cập nhật".to_owned()
    } else {
        format!("Tra cứu Than Uyên: {}", params.q)
    };
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        xml,
        r#"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>{title}</title><link>{base}/?{query}</link><atom:link href="{base}/api/search.rss?{query}" rel="self" type="application/rss+xml"/><description>Kết quả mới cho tìm kiếm này ({total} kết quả).</description><language>vi</language>"#,
        title = escape(&title),
        base = escape(base),
        query = escape(&query),
        total = response.total,
    );
    for hit in &response.hits {
        let permalink = format!(
            "{base}/van-ban/{}",
            crate::params::encode_component(&hit.id)
        );
        let mut item = format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid>",
            escape(&rss_title(hit)),
            escape(&permalink),
            escape(&permalink),
        );
        if let Some(date) = hit.date {
            let midnight = date.and_time(NaiveTime::MIN);
            if let Some(time) = chrono::FixedOffset::east_opt(7 * 3600)
                .and_then(|tz| tz.from_local_datetime(&midnight).single())
            {
                let _ = write!(item, "<pubDate>{}</pubDate>", time.to_rfc2822());
            }
        }
        if !hit.site_title.is_empty() {
            let _ = write!(item, "<category>{}</category>", escape(&hit.site_title));
        }
        // The snippet is HTML; in XML it is escaped once more so readers render it as HTML.
        let _ = write!(
            item,
            "<description>{}</description><source url=\"{}\">{}</source></item>",
            escape(&hit.snippet),
            escape(&hit.url),
            escape(&hit.url),
        );
        xml.push_str(&item);
    }
    xml.push_str("</channel></rss>\n");
    Ok(([(CONTENT_TYPE, "application/rss+xml; charset=utf-8")], xml).into_response())
}

/// Item title: like NukeViet's laws feed, prefixed with the document number.
fn rss_title(hit: &HitView) -> String {
    match &hit.doc_number {
        Some(number) if !hit.title.contains(number.as_str()) => format!("{number}: {}", hit.title),
        _ => hit.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
