//! The hand-written OpenAPI 3.1 description served at `/api/openapi.json`.

use serde_json::{Value, json};

/// The OpenAPI document of the service.
pub(crate) fn document() -> Value {
    let error = json!({ "$ref": "#/components/responses/Error" });
    let cap = indexer::EXACT_TOTAL_UP_TO;
    let text = |description: &str| json!({ "in": "query", "schema": { "type": "string" }, "description": description });
    let named = |name: &str, mut parameter: Value| {
        parameter["name"] = json!(name);
        parameter
    };
    let search_parameters = json!([
        named(
            "q",
            text(
                "Query text: words with or without diacritics, \"phrases\", -excluded, OR; a document number jumps to that document."
            )
        ),
        named(
            "kind",
            json!({ "in": "query", "schema": { "type": "string", "enum": ["news", "legal"] }, "description": "Only news articles or only legal documents." })
        ),
        named(
            "site",
            json!({ "in": "query", "schema": { "type": "array", "items": { "type": "string" } }, "style": "form", "explode": true, "description": "Only records of this site (portal), by name (thanuyen); repeat for several." })
        ),
        named(
            "doc_type",
            text("Document type (Thể loại), e.g. Nghị quyết.")
        ),
        named("issuer", text("Issuing body (Cơ quan ban hành).")),
        named("signer", text("Signer (Người ký).")),
        named("field", text("Field (Lĩnh vực).")),
        named(
            "status",
            json!({ "in": "query", "schema": { "type": "string", "enum": ["con-hieu-luc", "het-hieu-luc"] }, "description": "Legal status, computed from the expiry date." })
        ),
        named(
            "date_from",
            json!({ "in": "query", "schema": { "type": "string", "format": "date" }, "description": "Earliest issue/publish date (YYYY-MM-DD or DD/MM/YYYY), inclusive." })
        ),
        named(
            "date_to",
            json!({ "in": "query", "schema": { "type": "string", "format": "date" }, "description": "Latest issue/publish date, inclusive." })
        ),
        named(
            "year",
            json!({ "in": "query", "schema": { "type": "integer" }, "description": "Shorthand for date_from/date_to covering one year." })
        ),
        named(
            "sort",
            json!({ "in": "query", "schema": { "type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance" } })
        ),
        named(
            "page",
            json!({ "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } })
        ),
        named(
            "per_page",
            json!({ "in": "query", "schema": { "type": "integer", "minimum": 1 }, "description": "Hits per page, up to the configured maximum." })
        ),
        named(
            "cursor",
            text("The next_cursor of a previous answer, for stable deep paging (not with page).")
        ),
    ]);
    let mut api_search_parameters = search_parameters.clone();
    if let Some(list) = api_search_parameters.as_array_mut() {
        list.push(named("format", json!({ "in": "query", "schema": { "type": "string", "enum": ["json", "csv", "jsonl", "rss"], "default": "json" }, "description": "csv and jsonl stream the whole result set (up to the configured cap); rss is a feed of the newest matches." })));
        list.push(named("facets", json!({ "in": "query", "schema": { "type": "boolean", "default": false }, "description": "Count facets (kind, doc_type, issuer, year, site) over every match; off unless asked, since it visits every match." })));
        list.push(named("exact_total", json!({ "in": "query", "schema": { "type": "boolean", "default": false }, "description": format!("Count every match. Otherwise a relevance search counts up to {cap} matches and answers total {cap} with total_exact false (more than {cap}); facets and date orders always count exactly.") })));
    }
    let admin = |summary: &str, ok: Value| {
        json!({
            "summary": summary,
            "security": [{ "bearer": [] }],
            "responses": { "200": ok, "401": error, "404": error, "409": error }
        })
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tracuu",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search and archive of the Than Uyên district portal: news articles and legal documents. Every error is a JSON body {\"error\": {\"code\", \"message\"}}; bad input is a 400, never a 500."
        },
        "paths": {
            "/api/search": { "get": {
                "summary": "Search news and legal documents",
                "parameters": api_search_parameters,
                "responses": {
                    "200": { "description": "One page of hits (with facets when asked), or the export/feed asked for by format.",
                        "content": {
                            "application/json": { "schema": { "$ref": "#/components/schemas/SearchResponse" } },
                            "text/csv": { "schema": { "type": "string" } },
                            "application/x-ndjson": { "schema": { "type": "string" } },
                            "application/rss+xml": { "schema": { "type": "string" } }
                        } },
                    "400": error, "503": error
                } } },
            "/api/search.rss": { "get": {
                "summary": "RSS 2.0 feed of the newest records matching a search",
                "parameters": search_parameters,
                "responses": { "200": { "description": "RSS feed", "content": { "application/rss+xml": { "schema": { "type": "string" } } } }, "400": error }
            } },
            "/api/suggest": { "get": {
                "summary": "Up to 8 completions of a typed prefix: document numbers, titles, frequent terms (toneless and Telex typing understood)",
                "parameters": [
                    { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 }, "example": "nghi quyet 14" },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 8, "default": 8 } }
                ],
                "responses": { "200": { "description": "Completions, best first", "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "q": { "type": "string" },
                    "suggestions": { "type": "array", "items": { "type": "object", "required": ["text", "query", "kind"], "properties": {
                        "text": { "type": "string" }, "query": { "type": "string" },
                        "kind": { "type": "string", "enum": ["number", "title", "term"] },
                        "id": { "type": "string" }, "href": { "type": "string" }
                    } } }
                } } } } }, "400": error, "503": error }
            } },
            "/api/documents/{id}": { "get": {
                "summary": "One record with every field, its captures and its links to other records",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "example": "laws-140" }],
                "responses": { "200": { "description": "The record", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Document" } } } }, "404": error }
            } },
            "/api/captures": { "get": {
                "summary": "Every capture of a URL in the web archive, oldest first, with its replay addresses",
                "parameters": [{ "name": "url", "in": "query", "required": true, "schema": { "type": "string" }, "example": "https://thanuyen.laichau.gov.vn/laws/" }],
                "responses": { "200": { "description": "captures", "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "url": { "type": "string" }, "captures": { "type": "array", "items": { "$ref": "#/components/schemas/ArchivedCapture" } } } } } } }, "400": error }
            } },
            "/cdx": { "get": {
                "summary": "pywb-compatible CDX server: CDXJ lines, or one JSON object per line with output=json",
                "parameters": [
                    { "name": "url", "in": "query", "required": true, "schema": { "type": "string" } },
                    { "name": "output", "in": "query", "schema": { "type": "string", "enum": ["json"] } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer" } },
                    { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["reverse"] } },
                    { "name": "matchType", "in": "query", "schema": { "type": "string", "enum": ["exact"] } }],
                "responses": { "200": { "description": "CDXJ or NDJSON", "content": { "text/plain": { "schema": { "type": "string" } }, "text/x-ndjson": { "schema": { "type": "string" } } } }, "400": error }
            } },
            "/healthz": { "get": { "summary": "Liveness: the process answers", "responses": { "200": { "description": "ok" } } } },
            "/readyz": { "get": { "summary": "Readiness: an index generation is live", "responses": { "200": { "description": "ready" }, "503": error } } },
            "/metrics": { "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "Prometheus text format", "content": { "text/plain": { "schema": { "type": "string" } } } } } } },
            "/api/admin/reindex": { "post": admin("Start a reindex job: replay the archive, build a new generation, swap it in; ?site=NAME rebuilds that site's records only, keeping the others", json!({ "description": "unused" })) },
            "/api/admin/crawl": { "post": admin("Start a crawl job, followed by reading new attachments (OCR of scans) and a reindex", json!({ "description": "unused" })) },
            "/api/admin/ocr": { "post": admin("Start an ocr job: read archived attachments without text (OCR of scans), then reindex", json!({ "description": "unused" })) },
            "/api/admin/rollback": { "post": admin("Make the previous index generation live again", json!({ "description": "rolled back" })) },
            "/api/admin/jobs": { "get": admin("List jobs, newest first", json!({ "description": "jobs", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Job" } } } } })) },
            "/api/admin/jobs/{id}": { "get": {
                "summary": "One job",
                "security": [{ "bearer": [] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "responses": { "200": { "description": "job", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Job" } } } }, "401": error, "404": error }
            } }
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "The admin token (TRACUU_ADMIN_TOKEN). Without a configured token the admin endpoints answer 404." } },
            "responses": { "Error": { "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } } },
                "Hit": { "type": "object", "properties": {
                    "id": { "type": "string" }, "kind": { "type": "string", "enum": ["news", "legal"] }, "title": { "type": "string" },
                    "url": { "type": "string", "description": "Original portal URL" }, "date": { "type": ["string", "null"], "format": "date" },
                    "doc_number": { "type": ["string", "null"] }, "snippet": { "type": "string", "description": "HTML-escaped text with <mark> around matches" },
                    "score": { "type": "number" }, "issuer": { "type": ["string", "null"] }, "doc_type": { "type": ["string", "null"] },
                    "number_match": { "type": "boolean" },
                    "source": { "type": ["object", "null"], "description": "The attached file and page the snippet comes from, when the matched words are in an attachment", "properties": {
                        "file": { "type": "string" }, "url": { "type": "string" }, "page": { "type": "integer", "description": "1-based page of the file" },
                        "text_source": { "type": ["string", "null"], "description": "pdf-text, ocr, pdf-text+ocr, docx, odt, doc" },
                        "machine_read": { "type": "boolean", "description": "The text was read from a scan by OCR and may hold errors" } } },
                    "site": { "type": "string", "description": "Site (portal) name, e.g. thanuyen" }, "site_title": { "type": "string", "description": "Site display name, e.g. Huyện Than Uyên" } } },
                "FacetValue": { "type": "object", "properties": { "value": { "type": "string" }, "count": { "type": "integer" }, "title": { "type": "string", "description": "Display name (site facet)" } } },
                "SearchResponse": { "type": "object", "properties": {
                    "total": { "type": "integer", "description": "Matches in all; a lower bound when total_exact is false" },
                    "total_exact": { "type": "boolean", "description": format!("False when counting stopped at {cap} matches (more match)") },
                    "took_ms": { "type": "number" },
                    "interpreted_query": { "type": ["string", "null"] },
                    "page": { "type": ["integer", "null"] }, "per_page": { "type": "integer" },
                    "hits": { "type": "array", "items": { "$ref": "#/components/schemas/Hit" } },
                    "facets": { "type": "object", "description": "kind, doc_type, issuer, year, site; empty unless facets=true", "additionalProperties": { "type": "array", "items": { "$ref": "#/components/schemas/FacetValue" } } },
                    "next_cursor": { "type": ["string", "null"] },
                    "jump_to": { "type": ["string", "null"], "description": "Id of the one record whose document number the query is" } } },
                "Link": { "type": "object", "properties": { "id": { "type": ["string", "null"] }, "doc_number": { "type": "string" }, "title": { "type": ["string", "null"] }, "issuer": { "type": ["string", "null"] }, "date": { "type": ["string", "null"] }, "url": { "type": ["string", "null"] } } },
                "Capture": { "type": "object", "properties": { "time": { "type": "string" }, "status": { "type": "integer" }, "warc_type": { "type": "string", "enum": ["response", "revisit"] }, "digest": { "type": ["string", "null"] }, "warc_file": { "type": "string" }, "offset": { "type": "integer" }, "replay_url": { "type": "string", "description": "/luu-tru/{timestamp}/{url}" } } },
                "ArchivedCapture": { "type": "object", "properties": {
                    "timestamp": { "type": "string", "description": "YYYYMMDDhhmmss (UTC)" }, "time": { "type": ["string", "null"] },
                    "url": { "type": "string", "description": "Public URL" }, "archived_url": { "type": "string", "description": "WARC-Target-URI (the mirror when one was crawled)" },
                    "status": { "type": ["integer", "null"] }, "mime": { "type": "string" }, "digest": { "type": ["string", "null"] },
                    "length": { "type": "integer" }, "warc_file": { "type": "string" }, "offset": { "type": "integer" },
                    "replay_url": { "type": "string" }, "original_bytes_url": { "type": "string", "description": "/luu-tru/{timestamp}id_/{url}: the archived bytes" } } },
                "Document": { "type": "object", "description": "Every field of the record (each attachment with `archived_url`, its /luu-tru/{timestamp}id_/{url} address when the archive holds the file), plus:", "properties": {
                    "status": { "type": ["string", "null"] },
                    "captures": { "type": "array", "items": { "$ref": "#/components/schemas/Capture" } },
                    "cites": { "type": "array", "items": { "$ref": "#/components/schemas/Link" } },
                    "cited_by": { "type": "array", "items": { "$ref": "#/components/schemas/Link" } },
                    "related": { "type": "array", "description": "Other records on the same subject (more like this), closest first, at most 5", "items": { "$ref": "#/components/schemas/Link" } },
                    "citation": { "type": "string" },
                    "site_ended": { "type": "object", "description": "Present when the government behind the site has ended: the day (YYYY-MM-DD) and what became of it", "properties": { "date": { "type": "string", "format": "date" }, "note": { "type": "string" } } } } },
                "Job": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "kind": { "type": "string", "enum": ["reindex", "crawl"] },
                    "state": { "type": "string", "enum": ["running", "succeeded", "failed"] }, "phase": { "type": "string" },
                    "progress": { "type": "object", "properties": { "done": { "type": "integer" }, "total": { "type": ["integer", "null"] } } },
                    "counts": { "type": "object", "additionalProperties": { "type": "integer" } },
                    "errors": { "type": "array", "items": { "type": "string" } },
                    "started_at": { "type": "string" }, "finished_at": { "type": ["string", "null"] } } }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_described() {
        let doc = super::document();
        for path in [
            "/api/search",
            "/api/search.rss",
            "/api/suggest",
            "/api/documents/{id}",
            "/api/captures",
            "/cdx",
            "/healthz",
            "/readyz",
            "/metrics",
            "/api/admin/reindex",
            "/api/admin/crawl",
            "/api/admin/ocr",
            "/api/admin/rollback",
            "/api/admin/jobs",
            "/api/admin/jobs/{id}",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path}");
        }
        assert_eq!(doc["openapi"], "3.1.0");
    }
}
