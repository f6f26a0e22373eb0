//! Laws module pages ("Văn bản pháp luật"): document detail (laws 4.5 `h1.lawh3` or 4.3
//! `h3.lawh3`), module home, type pages (`?page=N`), issuing body / field / signer listings and
//! attachment downloads.

use std::fmt::Write as _;

use super::news::path_pagination;
use super::text::{change_alias, esc, meta_description, nv_title, strip_tags, to_nfd};
use super::theme::{Page, layout};
use super::{LawDoc, Out, Site, pdf, render_paragraphs, scan};
use crate::error::Result;
use crate::manifest::RouteKind;

pub(crate) fn render_all(site: &Site, out: &mut Out) -> Result<()> {
    for d in &site.docs {
        let url = site.doc_url(d);
        out.manifest.laws_ids.insert(d.id, url.clone());
        out.page(&url, RouteKind::Page, &detail(site, d))?;
        for (n, f) in d.files.iter().enumerate() {
            let bytes = if f.scanned {
                // A photocopy of the signed paper: the document's text, as pixels only.
                let paragraphs: Vec<String> = match &f.text {
                    Some(t) => t.split("\n\n").map(str::to_string).collect(),
                    None => d.body.split("\n\n").map(strip_tags).collect(),
                };
                let doc = scan::ScanDoc {
                    heading: vec![
                        "HỘI ĐỒNG NHÂN DÂN HUYỆN THAN UYÊN".into(),
                        format!("Số: {}", d.code),
                        "NGHỊ QUYẾT".into(),
                    ],
                    paragraphs,
                };
                let font = scan::load_font()?;
                let s = scan::scan(&doc, &font, &scan::ScanStyle::photocopy(u64::from(d.id)));
                scan::scan_pdf(&s.pages, 60)?
            } else {
                let lines: Vec<String> = match &f.text {
                    Some(t) => t.split("\n\n").map(str::to_string).collect(),
                    None => std::iter::once(format!("Số: {}", d.code))
                        .chain(std::iter::once(d.intro.clone()))
                        .chain(d.body.split("\n\n").map(strip_tags))
                        .filter(|s| !s.is_empty())
                        .collect(),
                };
                pdf::text_pdf(&d.title, &lines)
            };
            let rel = format!("uploads/laws/{}", f.name);
            out.attachment(&url, n, &rel, &f.name, &bytes)?;
        }
    }
    // Module home: all documents by issue date, path pagination.
    let all = site.docs_by_issue();
    let home = site.laws_home();
    let title = esc(&site.cfg.laws_title);
    listing(
        site,
        out,
        &home,
        &title,
        &format!("<h1 class=\"sr-only\">{title}</h1>"),
        &all,
        false,
        "main",
    )?;
    for t in &site.cfg.laws_types {
        let docs: Vec<&LawDoc> = all.iter().copied().filter(|d| d.kind == t.alias).collect();
        let heading = format!(
            "<h1 class=\"margin-bottom\"><i class=\"fa fa-file-text-o\"></i> Văn bản theo chủ đề: {}</h1>",
            esc(&t.title)
        );
        let base = format!("{home}{}/", t.alias);
        listing(
            site,
            out,
            &base,
            &esc(&t.title),
            &heading,
            &docs,
            true,
            "cat",
        )?;
    }
    for s in &site.cfg.laws_subjects {
        let docs: Vec<&LawDoc> = all
            .iter()
            .copied()
            .filter(|d| d.subject == s.alias)
            .collect();
        let heading = format!(
            "<h1 class=\"margin-bottom\"><i class=\"fa fa-file-text-o\"></i> Văn bản theo cơ quan ban hành: {}</h1>",
            esc(&s.title)
        );
        let base = format!("{home}subject/{}/", s.alias);
        listing(
            site,
            out,
            &base,
            &esc(&s.title),
            &heading,
            &docs,
            false,
            "subject",
        )?;
    }
    for a in &site.cfg.laws_areas {
        let docs: Vec<&LawDoc> = all
            .iter()
            .copied()
            .filter(|d| d.areas.contains(&a.alias))
            .collect();
        let heading = format!(
            "<h1 class=\"margin-bottom\"><i class=\"fa fa-file-text-o\"></i> Văn bản theo lĩnh vực: {}</h1>",
            esc(&a.title)
        );
        let base = format!("{home}area/{}/", a.alias);
        listing(
            site,
            out,
            &base,
            &esc(&a.title),
            &heading,
            &docs,
            false,
            "area",
        )?;
    }
    for s in &site.cfg.laws_signers {
        let docs: Vec<&LawDoc> = all
            .iter()
            .copied()
            .filter(|d| d.signer == Some(s.id))
            .collect();
        let heading = format!(
            "<h1 class=\"margin-bottom\"><i class=\"fa fa-file-text-o\"></i> Văn bản theo người ký: {}</h1>",
            esc(&s.name)
        );
        let base = signer_url(site, s.id, &s.name);
        listing(
            site,
            out,
            &base,
            &esc(&s.name),
            &heading,
            &docs,
            false,
            "signer",
        )?;
    }
    Ok(())
}

fn signer_url(site: &Site, id: u32, name: &str) -> String {
    format!("{}signer/{id}/{}/", site.laws_home(), change_alias(name))
}

fn text_of(d: &LawDoc, s: &str) -> String {
    if d.nfd { to_nfd(s) } else { s.to_string() }
}

fn row(label: &str, value: &str, first: bool) -> String {
    let style = if first { " style=\"width:160px\"" } else { "" };
    format!(
        "<tr class=\"hoatim\">\n<td class=\"text-right\"{style}>{label}</td>\n<td>{value}</td>\n</tr>\n"
    )
}

fn detail(site: &Site, d: &LawDoc) -> String {
    let is43 = site.is_43();
    let (h_title, h_sub) = if is43 { ("h3", "h3") } else { ("h1", "h2") };
    let rel = if is43 { "" } else { " rel=\"dofollow\"" };
    let url = site.doc_url(d);
    let mut c = String::new();
    let _ = writeln!(
        c,
        "<div class=\"laws-detail\">\n<{h_title} class=\"lawh3\">{}</{h_title}>\n<p>{}</p>",
        esc(&text_of(d, &d.title)),
        nv_title(&text_of(d, &d.intro)).replace('\n', "<br />")
    );
    c.push_str("<div class=\"table-responsive\">\n<table class=\"table table-striped table-bordered table-hover\">\n<tbody>\n");
    c.push_str(&row("Số kí hiệu", &nv_title(&d.code), true));
    if let Some(v) = &d.issued {
        c.push_str(&row("Ngày ban hành", v, false));
    }
    if let Some(v) = &d.effective {
        c.push_str(&row("Ngày bắt đầu hiệu lực", v, false));
    }
    if let Some(v) = &d.expiry {
        c.push_str(&row("Ngày hết hiệu lực", v, false));
    }
    if let Some(t) = site.law_type(&d.kind) {
        c.push_str(&row(
            "Thể loại",
            &format!(
                "<a href=\"{}{}/\" title=\"{t}\"{rel}>{t}</a>",
                site.laws_home(),
                t.alias,
                t = esc(&t.title)
            ),
            false,
        ));
    }
    let areas: Vec<String> = d
        .areas
        .iter()
        .filter_map(|a| site.area(a))
        .map(|a| {
            format!(
                "<a href=\"{}area/{}/\" title=\"{t}\"{rel}>{t}</a><br />",
                site.laws_home(),
                a.alias,
                t = esc(&a.title)
            )
        })
        .collect();
    c.push_str(&row("Lĩnh vực", &areas.join("\n"), false));
    if let Some(s) = site.subject(&d.subject) {
        c.push_str(&row(
            "Cơ quan ban hành",
            &format!(
                "<a href=\"{}subject/{}/\" title=\"{t}\"{rel}>{t}</a>",
                site.laws_home(),
                s.alias,
                t = esc(&s.title)
            ),
            false,
        ));
    }
    if let Some(s) = d.signer.and_then(|id| site.signer(id)) {
        c.push_str(&row(
            "Người ký",
            &format!(
                "<a href=\"{}\" title=\"{n}\"{rel}>{n}</a>",
                signer_url(site, s.id, &s.name),
                n = esc(&s.name)
            ),
            false,
        ));
    }
    for (label, ids) in [
        ("Văn bản thay thế", &d.replaces),
        ("Văn bản liên quan", &d.related),
    ] {
        let items: Vec<String> = ids
            .iter()
            .filter_map(|id| site.doc(*id))
            .map(|o| {
                format!(
                    "<li><a href=\"{}\" title=\"{}\">{}</a> - {}</li>",
                    site.doc_url(o),
                    nv_title(&o.title),
                    nv_title(&o.code),
                    esc(&o.title)
                )
            })
            .collect();
        if !items.is_empty() {
            let _ = writeln!(
                c,
                "<tr>\n<td class=\"text-right\">{label}</td>\n<td><ul class=\"list-item\">{}</ul></td>\n</tr>",
                items.join("")
            );
        }
    }
    c.push_str("</tbody>\n</table>\n</div>\n");
    if !d.body.trim().is_empty() {
        let _ = writeln!(
            c,
            "<{h_sub} class=\"lawh3\">Nội dung</{h_sub}>\n<p class=\"m-bottom\">{}</p>",
            text_of(d, &render_paragraphs(&d.body))
        );
    }
    c.push_str("<div id=\"comment\"></div>\n");
    if !d.files.is_empty() {
        let _ = writeln!(
            c,
            "<{h_sub} class=\"lawh3\"><em class=\"fa fa-download\">&nbsp;</em>File đính kèm</{h_sub}>\n<div class=\"list-group laws-download-file\">"
        );
        for (n, f) in d.files.iter().enumerate() {
            let label = if d.files.len() == 1 {
                "Tải tập tin :".to_string()
            } else {
                format!("Tải tập tin {}:", n + 1)
            };
            let _ = writeln!(
                c,
                "<div class=\"list-group-item\">\n<span class=\"badge\"><a role=\"button\" data-toggle=\"collapse\" href=\"#pdf{id}x{n}\" aria-expanded=\"false\"><i class=\"fa fa-file-pdf-o\"></i></a></span>\n<a{rel} href=\"{url}?download=1&amp;id={n}\" title=\"{name}\">{label} <strong>{name}</strong></a>\n<div class=\"clearfix\"></div>\n<div class=\"collapse\" id=\"pdf{id}x{n}\" data-src=\"{url}?pdf=1&amp;id={n}\"><iframe frameborder=\"0\" height=\"600\" scrolling=\"yes\" src=\"\" width=\"100%\"></iframe></div>\n</div>",
                id = d.id,
                name = esc(&f.name)
            );
        }
        c.push_str("</div>\n");
    }
    c.push_str("</div>\n");
    // Other documents of the same type.
    let same: Vec<&LawDoc> = site
        .docs_by_issue()
        .into_iter()
        .filter(|o| o.kind == d.kind && o.id != d.id)
        .take(5)
        .collect();
    if let (Some(t), false) = (site.law_type(&d.kind), same.is_empty()) {
        let _ = writeln!(
            c,
            "<h2 class=\"subtitle\">Các văn bản cùng thể loại &quot;{}&quot;</h2>\n{}",
            esc(&t.title),
            table(site, &same, false)
        );
    }
    let page = Page {
        title: esc(&d.title),
        description: meta_description(&d.intro),
        keywords: [
            d.code.to_lowercase(),
            d.kind.to_lowercase().replace('-', " "),
        ]
        .join(", "),
        canonical: Some(site.abs(&url)),
        og_type: "website",
        module: "laws",
        func: "detail",
        breadcrumbs: vec![
            (esc(&site.cfg.laws_title), site.laws_home()),
            (
                esc(&site
                    .law_type(&d.kind)
                    .map(|t| t.title.clone())
                    .unwrap_or_default()),
                format!("{}{}/", site.laws_home(), d.kind),
            ),
        ],
        has_h1: !is43,
        ..Page::default()
    };
    layout(site, &page, &c)
}

/// The `flex-table-laws` list.
fn table(site: &Site, docs: &[&LawDoc], files: bool) -> String {
    let is43 = site.is_43();
    let rel = if is43 { "" } else { " rel=\"dofollow\"" };
    let mut h = String::from(
        "<div class=\"flex-table-laws\">\n<div class=\"table-rows table-head\">\n<div class=\"c-stt\">STT</div>\n<div class=\"c-code\">Số kí hiệu</div>\n<div class=\"c-time\">Ngày ban hành</div>\n<div class=\"c-intro\">Trích yếu</div>\n",
    );
    if files {
        h.push_str("<div class=\"c-file\">File đính kèm</div>\n");
    }
    h.push_str("</div>\n");
    for (i, d) in docs.iter().enumerate() {
        let url = site.doc_url(d);
        let intro = nv_title(&text_of(d, &d.intro));
        let intro_link = if is43 {
            format!("<a href=\"{url}\">{intro}</a>")
        } else {
            format!("<a{rel} href=\"{url}\"><strong>{intro}</strong></a>")
        };
        let _ = writeln!(
            h,
            "<div class=\"table-rows\">\n<div class=\"c-stt a-center\">{}</div>\n<div class=\"c-code\"><span class=\"label-name\">Số kí hiệu:</span> <a{rel} href=\"{url}\" title=\"{}\">{}</a></div>\n<div class=\"c-time\"><span class=\"label-name\">Ngày ban hành:</span> {}</div>\n<div class=\"c-intro\">{intro_link}</div>",
            i + 1,
            nv_title(&d.title),
            nv_title(&d.code),
            d.issued.as_deref().unwrap_or("N/A")
        );
        if files {
            h.push_str("<div class=\"c-file\"><span class=\"label-name\">File đính kèm:</span>\n<ul class=\"laws-download list-unstyled\">\n");
            for (n, f) in d.files.iter().enumerate() {
                let _ = writeln!(
                    h,
                    "<li><a href=\"{url}?download=1&amp;id={n}\" title=\"{}\"><i class=\"fa fa-download\"></i> Tải tập tin {}</a></li>",
                    esc(&f.name),
                    n + 1
                );
            }
            h.push_str("</ul>\n</div>\n");
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n");
    h
}

/// `nv_generate_page`: `?page=N` links without `rel`.
fn query_pagination(base: &str, page: u32, last: u32) -> String {
    if last <= 1 {
        return String::new();
    }
    let href = |n: u32| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}?page={n}")
        }
    };
    let mut h = String::from("<div class=\"generate_page\">\n<ul class=\"pagination\">\n");
    if page > 1 {
        let _ = writeln!(
            h,
            "<li><a href=\"{}\" title=\"Trang trước\">&laquo;</a></li>",
            href(page - 1)
        );
    }
    for n in 1..=last {
        if n == page {
            let _ = writeln!(h, "<li class=\"active\"><a href=\"#\">{n}</a></li>");
        } else {
            let _ = writeln!(h, "<li><a href=\"{}\">{n}</a></li>", href(n));
        }
    }
    if page < last {
        let _ = writeln!(
            h,
            "<li><a href=\"{}\" title=\"Trang sau\">&raquo;</a></li>",
            href(page + 1)
        );
    }
    h.push_str("</ul>\n</div>\n");
    h
}

#[allow(clippy::too_many_arguments)]
fn listing(
    site: &Site,
    out: &mut Out,
    base: &str,
    title: &str,
    heading: &str,
    docs: &[&LawDoc],
    query_param: bool,
    func: &'static str,
) -> Result<()> {
    let per = site.cfg.laws_per_page.max(1);
    let last = docs.len().div_ceil(per).max(1) as u32;
    out.listing(base, last, query_param);
    for page_no in 1..=last {
        let chunk: Vec<&LawDoc> = docs
            .iter()
            .skip((page_no as usize - 1) * per)
            .take(per)
            .copied()
            .collect();
        let url = match (page_no, query_param) {
            (1, _) => base.to_string(),
            (n, true) => format!("{base}?page={n}"),
            (n, false) => format!("{base}page-{n}/"),
        };
        let mut c = format!("{heading}\n");
        c.push_str(&table(site, &chunk, true));
        if query_param {
            c.push_str(&query_pagination(base, page_no, last));
        } else {
            c.push_str(&path_pagination(title, base, page_no, last));
        }
        let link = |n: u32| {
            site.abs(&if n == 1 {
                base.to_string()
            } else {
                format!("{base}page-{n}/")
            })
        };
        let page_title = if page_no == 1 {
            title.to_string()
        } else {
            format!("{title} - Trang {page_no}")
        };
        let mut crumbs = vec![(esc(&site.cfg.laws_title), site.laws_home())];
        if base != site.laws_home() {
            crumbs.push((title.to_string(), base.to_string()));
        }
        let page = Page {
            title: page_title,
            description: title.to_string(),
            canonical: Some(site.abs(&url)),
            og_type: "website",
            module: "laws",
            func,
            breadcrumbs: crumbs,
            has_h1: true,
            prev: (!query_param && page_no > 1).then(|| link(page_no - 1)),
            next: (!query_param && page_no < last).then(|| link(page_no + 1)),
            ..Page::default()
        };
        out.page(&url, RouteKind::Listing, &layout(site, &page, &c))?;
    }
    Ok(())
}
