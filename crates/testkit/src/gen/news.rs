//! News module pages: article detail (4.5 default, egov, 4.3), print view, category listings,
//! tag pages, the home page and attachment downloads.

use std::fmt::Write as _;
use std::path::Path;

use super::text::{
    broken_article_time, detail_time, esc, iso, meta_description, nv_title, parse_datetime,
    tag_alias, to_nfd,
};
use super::theme::{Page, layout};
use super::{Article, Out, Site, pdf, render_paragraphs};
use crate::error::{Error, Result};
use crate::manifest::RouteKind;

/// Rendering flavour of a detail page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Nv45,
    Egov,
    Nv43,
}

fn upload_dir(a: &Article) -> String {
    a.published.get(0..7).unwrap_or("2024-01").replace('-', "_")
}

fn title_of(a: &Article) -> String {
    if a.nfd {
        to_nfd(&a.title)
    } else {
        a.title.clone()
    }
}

fn body_of(a: &Article) -> String {
    let body = render_paragraphs(&a.body);
    if a.nfd { to_nfd(&body) } else { body }
}

/// Plain text of an attachment (for the PDF text layer).
fn attachment_lines(a: &Article) -> Vec<String> {
    let mut lines = vec![a.hometext.replace('\n', " ")];
    lines.extend(
        a.body
            .split("\n\n")
            .map(super::text::strip_tags)
            .filter(|s| !s.is_empty()),
    );
    lines
}

pub(crate) fn render_all(site: &Site, out: &mut Out) -> Result<()> {
    for a in &site.articles {
        let url = site.article_url(a);
        out.manifest.news_ids.insert(a.id, url.clone());
        if let Some(external) = &a.external_url {
            out.redirect(&url, 302, external);
            continue;
        }
        let html = detail(site, a, Flavour::from_theme(site));
        out.page(&url, RouteKind::Page, &html)?;
        out.page(&site.print_url(a), RouteKind::Print, &print(site, a))?;
        for (n, file) in a.attachments.iter().enumerate() {
            let bytes = if file.scanned {
                pdf::scanned_pdf()
            } else {
                let lines = match &file.text {
                    Some(t) => t.split("\n\n").map(str::to_string).collect(),
                    None => attachment_lines(a),
                };
                pdf::text_pdf(&a.title, &lines)
            };
            let rel = format!("uploads/news/{}/{}", upload_dir(a), file.name);
            out.attachment(&url, n, &rel, &file.name, &bytes)?;
        }
    }
    for cat in &site.cfg.categories {
        render_category(site, out, &cat.alias)?;
    }
    render_tags(site, out)?;
    let home = home(site);
    out.page("/", RouteKind::Listing, &home)?;
    if site.cfg.multi_language {
        out.page(&site.news_home(), RouteKind::Listing, &home)?;
        out.redirect("/vi/", 301, "/");
    } else {
        out.redirect("/news/", 301, "/");
    }
    Ok(())
}

impl Flavour {
    fn from_theme(site: &Site) -> Flavour {
        match site.cfg.theme {
            super::Theme::Default => Flavour::Nv45,
            super::Theme::Egov => Flavour::Egov,
        }
    }
}

/// Renders the egov and 4.3 variants of one article into `dir` (not served).
pub(crate) fn render_variants(site: &Site, id: u32, dir: &Path) -> Result<()> {
    let a = site
        .articles
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::Data(format!("variant_article {id} not found")))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, flavour) in [("egov", Flavour::Egov), ("nv43", Flavour::Nv43)] {
        let path = dir.join(format!("{name}-{}-{}.html", site.article_alias(a), a.id));
        std::fs::write(&path, detail(site, a, flavour)).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

fn related_item(site: &Site, a: &Article, flavour: Flavour) -> String {
    let t = parse_datetime(&a.published).unwrap_or(site.now);
    let title = nv_title(&title_of(a));
    let url = site.article_url(a);
    match flavour {
        Flavour::Nv45 => format!(
            "<li>\n<em class=\"fa fa-angle-right\">&nbsp;</em>\n<h4><a href=\"{url}\" data-placement=\"bottom\" data-content=\"{}\" data-img=\"\" data-rel=\"tooltip\" title=\"{title}\">{title}</a></h4>\n<em>({})</em>\n</li>",
            meta_description(&a.hometext),
            t.format("%d/%m/%Y")
        ),
        Flavour::Egov | Flavour::Nv43 => format!(
            "<li>\n<a class=\"list-inline\" href=\"{url}\" title=\"{title}\"><h4>{title}</h4></a>\n<em>({})</em>\n</li>",
            t.format("%d/%m/%Y")
        ),
    }
}

fn detail(site: &Site, a: &Article, flavour: Flavour) -> String {
    let cat = site
        .category(&a.cat)
        .map(|c| c.title.clone())
        .unwrap_or_default();
    let published = parse_datetime(&a.published).unwrap_or(site.now);
    let edited = a
        .edited
        .as_deref()
        .and_then(parse_datetime)
        .unwrap_or(published);
    let url = site.article_url(a);
    let canonical = site.abs(&url);
    let title = nv_title(&title_of(a));
    let image = a
        .image
        .as_ref()
        .map(|f| format!("/uploads/news/{}/{f}", upload_dir(a)));
    let mut c = String::with_capacity(16 * 1024);
    let panel_class = if flavour == Flavour::Egov {
        "news_column panel panel-default newsdetail"
    } else {
        "news_column panel panel-default"
    };
    let _ = writeln!(
        c,
        "<div class=\"{panel_class}\" itemtype=\"http://schema.org/NewsArticle\" itemscope>\n<div class=\"panel-body\">\n<h1 class=\"title margin-bottom-lg\" itemprop=\"headline\">{title}</h1>"
    );
    let _ = writeln!(
        c,
        "<div class=\"hidden hide d-none\" itemprop=\"author\" itemtype=\"http://schema.org/Person\" itemscope><span itemprop=\"name\">{}</span></div>\n<span class=\"hidden hide d-none\" itemprop=\"datePublished\">{}</span>\n<span class=\"hidden hide d-none\" itemprop=\"dateModified\">{}</span>\n<span class=\"hidden hide d-none\" itemprop=\"mainEntityOfPage\">{canonical}</span>\n<span class=\"hidden hide d-none\" itemprop=\"image\">{}</span>\n<div class=\"hidden hide d-none\" itemprop=\"publisher\" itemtype=\"http://schema.org/Organization\" itemscope><span itemprop=\"name\">{}</span><span itemprop=\"logo\" itemtype=\"http://schema.org/ImageObject\" itemscope><span itemprop=\"url\">{}</span></span></div>",
        if a.author.is_empty() {
            "Quản trị"
        } else {
            &a.author
        },
        iso(edited),
        iso(edited),
        image.as_deref().map(|i| site.abs(i)).unwrap_or_default(),
        esc(&site.cfg.site_name),
        site.abs("/uploads/logo-thanuyen.png")
    );
    if flavour == Flavour::Nv43 {
        let _ = writeln!(
            c,
            "<span class=\"hidden hide d-none\" itemprop=\"description\">{}</span>",
            meta_description(&a.hometext)
        );
    }
    let save = format!(
        "{}/savefile/{}/{}-{}.html",
        site.news_prefix(),
        a.cat,
        site.article_alias(a),
        a.id
    );
    match flavour {
        Flavour::Egov => {
            let _ = writeln!(
                c,
                "<div class=\"newsdetailmetatop clearfix\">\n<span class=\"h5\"><i class=\"fa fa-clock-o\"></i> {}</span>\n<span class=\"h5\"><em class=\"fa fa-eye\"></em> {}</span>\n<span class=\"h5\"><i class=\"fa fa-comment-o\"></i> 0</span>\n</div>",
                detail_time(published),
                a.views
            );
        }
        _ => {
            let _ = writeln!(
                c,
                "<div class=\"row margin-bottom-lg\">\n<div class=\"col-md-12\">\n<span class=\"h5\">{}</span>\n</div>\n<div class=\"col-md-12\">\n<ul class=\"list-inline text-right\">\n<li><a class=\"dimgray\" rel=\"nofollow\" title=\"Gửi bài viết qua email\" href=\"javascript:void(0);\" onclick=\"nv_open_browse('{}/sendmail/{}/{}-{}.html','',650,500,'resizable=no,scrollbars=yes,toolbar=no,location=no,status=no');return false\"><em class=\"fa fa-envelope fa-lg\">&nbsp;</em></a></li>\n<li><a class=\"dimgray\" title=\"In ra\" href=\"javascript: void(0)\" onclick=\"nv_open_browse('{}','',840,500,'resizable=yes,scrollbars=yes,toolbar=no,location=no,status=no');return false\"><em class=\"fa fa-print fa-lg\">&nbsp;</em></a></li>\n<li><a class=\"dimgray\" rel=\"nofollow\" title=\"Lưu bài viết này\" href=\"{save}\"><em class=\"fa fa-save fa-lg\">&nbsp;</em></a></li>\n</ul>\n</div>\n</div>",
                detail_time(published),
                site.news_prefix(),
                a.cat,
                site.article_alias(a),
                a.id,
                site.print_url(a)
            );
        }
    }
    c.push_str("<div class=\"clearfix\">\n");
    let hometext = esc(&a.hometext).replace('\n', "<br />");
    let hometext = if a.nfd { to_nfd(&hometext) } else { hometext };
    let _ = writeln!(
        c,
        "<div class=\"hometext m-bottom\" itemprop=\"description\">{hometext}</div>"
    );
    if let Some(img) = &image {
        let caption = a.image_caption.as_deref().map(esc).unwrap_or_default();
        let _ = writeln!(
            c,
            "<figure class=\"article center\">\n<img alt=\"{cap}\" src=\"{img}\" srcset=\"{thumb} 500w, {img} 1000w\" width=\"1000\" class=\"img-thumbnail\" />\n{fig}</figure>",
            cap = if caption.is_empty() {
                title.clone()
            } else {
                caption.clone()
            },
            thumb = img.replacen("/uploads/", "/assets/", 1),
            fig = if caption.is_empty() {
                String::new()
            } else {
                format!("<figcaption>{caption}</figcaption>\n")
            }
        );
    }
    c.push_str("</div>\n");
    let _ = writeln!(
        c,
        "<div id=\"news-bodyhtml\" class=\"bodytext margin-bottom-lg\">\n{}\n</div>",
        body_of(a)
    );
    if !a.attachments.is_empty() {
        c.push_str("<div class=\"panel panel-default\">\n<div class=\"panel-heading\">\n<i class=\"fa fa-download\"></i> <strong>File đính kèm</strong>\n</div>\n<div class=\"list-group news-download-file\">\n");
        for (n, f) in a.attachments.iter().enumerate() {
            let label = if a.attachments.len() == 1 {
                "Tập tin :".to_string()
            } else {
                format!("Tập tin {}:", n + 1)
            };
            let _ = writeln!(
                c,
                "<div class=\"list-group-item\">\n<span class=\"badge\"><a role=\"button\" data-toggle=\"collapse\" href=\"#file-{id}-{n}\" aria-expanded=\"false\">Xem trước</a></span>\n<a href=\"{url}?download=1&amp;id={n}\" title=\"{name}\" download>{label} <strong>{name}</strong></a>\n<div class=\"clearfix\"></div>\n<div class=\"collapse\" id=\"file-{id}-{n}\" data-src=\"{url}?pdf=1&amp;id={n}\"><iframe frameborder=\"0\" height=\"600\" scrolling=\"yes\" src=\"\" width=\"100%\"></iframe></div>\n</div>",
                id = a.id,
                name = esc(&f.name)
            );
        }
        c.push_str("</div>\n</div>\n");
    }
    if !a.author.is_empty() || !a.source.is_empty() {
        c.push_str("<div class=\"margin-bottom-lg\">\n");
        if !a.author.is_empty() {
            let _ = writeln!(
                c,
                "<p class=\"h5 text-right\">\n<strong>Tác giả: </strong>{}\n</p>",
                esc(&a.author)
            );
        }
        if !a.source.is_empty() {
            let _ = writeln!(
                c,
                "<p class=\"h5 text-right\">\n<strong>Nguồn tin: </strong>{}\n</p>",
                esc(&a.source)
            );
        }
        c.push_str("</div>\n");
    }
    c.push_str("</div>\n</div>\n");
    if !a.tags.is_empty() {
        c.push_str("<div class=\"news_column panel panel-default\">\n<div class=\"panel-body\">\n<div class=\"h5\">\n<em class=\"fa fa-tags\">&nbsp;</em><strong>Tags: </strong>");
        let links: Vec<String> = a
            .tags
            .iter()
            .map(|t| {
                format!(
                    "<a title=\"{t}\" href=\"{}\"><em>{t}</em></a>",
                    site.tag_url(t),
                    t = esc(t)
                )
            })
            .collect();
        c.push_str(&links.join(", "));
        c.push_str("\n</div>\n</div>\n</div>\n");
    }
    let _ = writeln!(
        c,
        "<div class=\"news_column panel panel-default\">\n<div class=\"panel-body\">\n<form id=\"form3B\" action=\"\">\n<div class=\"h5 clearfix\">\n<p id=\"stringrating\">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>\n<div style=\"padding: 5px;\">\n<input class=\"hover-star\" type=\"radio\" value=\"1\" title=\"Bài viết rất kém\" /><input class=\"hover-star\" type=\"radio\" value=\"2\" title=\"Bài viết kém\" /><input class=\"hover-star\" type=\"radio\" value=\"3\" title=\"Bài viết đạt\" /><input class=\"hover-star\" type=\"radio\" value=\"4\" title=\"Bài viết tốt\" /><input class=\"hover-star\" type=\"radio\" value=\"5\" title=\"Bài viết rất tốt\" />\n<span id=\"hover-test\" style=\"margin: 0 0 0 20px;\">Click để đánh giá bài viết</span>\n</div>\n</div>\n</form>\n</div>\n</div>\n<div class=\"news_column panel panel-default\">\n<div class=\"panel-body\">\n<div class=\"socialicon clearfix margin-bottom-lg\">\n<div class=\"fb-like\" data-href=\"{canonical}\" data-layout=\"button_count\" data-action=\"like\" data-show-faces=\"false\" data-share=\"true\">&nbsp;</div>\n<a href=\"http://twitter.com/share\" class=\"twitter-share-button\">Tweet</a>\n<div class=\"zalo-share-button\" data-href=\"\" data-oaid=\"\" data-layout=\"1\" data-color=\"blue\" data-customize=false></div>\n</div>\n</div>\n</div>\n<div class=\"news_column panel panel-default\">\n<div class=\"panel-body\" id=\"idcomment\">\n<p class=\"h3\"><strong>Ý kiến bạn đọc</strong></p>\n<div id=\"showcomment\" class=\"margin-top\"></div>\n</div>\n</div>"
    );
    // Newer / older articles of the same primary category.
    let in_cat: Vec<&Article> = site
        .articles_newest()
        .into_iter()
        .filter(|x| x.cat == a.cat && x.external_url.is_none())
        .collect();
    let pos = in_cat.iter().position(|x| x.id == a.id).unwrap_or(0);
    let newer: Vec<&Article> = in_cat[..pos].iter().rev().take(10).rev().copied().collect();
    let older: Vec<&Article> = in_cat[pos + 1..].iter().take(10).copied().collect();
    let list = |items: &[&Article]| -> String {
        items
            .iter()
            .map(|x| related_item(site, x, flavour))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match flavour {
        Flavour::Nv45 => {
            c.push_str("<div class=\"news_column panel panel-default\">\n<div class=\"panel-body other-news\">\n");
            if !newer.is_empty() {
                let _ = writeln!(
                    c,
                    "<p class=\"h3\"><strong>Những tin mới hơn</strong></p>\n<div class=\"clearfix\">\n<ul class=\"detail-related related list-none list-items\">\n{}\n</ul>\n</div>",
                    list(&newer)
                );
            }
            if !older.is_empty() {
                let _ = writeln!(
                    c,
                    "<p class=\"h3\"><strong>Những tin cũ hơn</strong></p>\n<div class=\"clearfix\">\n<ul class=\"detail-related related list-none list-items\">\n{}\n</ul>\n</div>",
                    list(&older)
                );
            }
            c.push_str("</div>\n</div>\n");
        }
        Flavour::Nv43 => {
            c.push_str("<div class=\"news_column panel panel-default\">\n<div class=\"panel-body other-news\">\n");
            if !newer.is_empty() {
                let _ = writeln!(
                    c,
                    "<p class=\"h3\"><strong>Những tin mới hơn</strong></p>\n<div class=\"clearfix\">\n<ul class=\"related list-inline\">\n{}\n</ul>\n</div>",
                    list(&newer)
                );
            }
            if !older.is_empty() {
                let _ = writeln!(
                    c,
                    "<p class=\"h3\"><strong>Những tin cũ hơn</strong></p>\n<div class=\"clearfix\">\n<ul class=\"related list-inline\">\n{}\n</ul>\n</div>",
                    list(&older)
                );
            }
            c.push_str("</div>\n</div>\n");
        }
        Flavour::Egov => {
            let _ = writeln!(
                c,
                "<div class=\"news_column panel panel-default newsdetailbox\">\n<div class=\"panel-body other-news\">\n<div class=\"optabarea\">\n<ul class=\"nav nav-tabs\">\n<li class=\"active\"><a href=\"#news-relatednew\" data-toggle=\"tab\">Những tin mới hơn</a></li>\n<li><a href=\"#news-related\" data-toggle=\"tab\">Những tin cũ hơn</a></li>\n</ul>\n</div>\n<div class=\"tab-content\">\n<div class=\"tab-pane active\" id=\"news-relatednew\">\n<ul class=\"related related-square\">\n{}\n</ul>\n</div>\n<div class=\"tab-pane\" id=\"news-related\">\n<ul class=\"related related-square\">\n{}\n</ul>\n</div>\n</div>\n</div>\n</div>",
                list(&newer),
                list(&older)
            );
        }
    }
    let keywords = a
        .tags
        .iter()
        .map(|t| esc(&t.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut extra_meta = vec![
        format!(
            "<meta property=\"article:published_time\" content=\"{}\">",
            broken_article_time(published)
        ),
        format!(
            "<meta property=\"article:modified_time\" content=\"{}\">",
            broken_article_time(edited)
        ),
        format!(
            "<meta property=\"article:section\" content=\"{}\">",
            esc(&cat)
        ),
    ];
    extra_meta.extend(
        a.tags
            .iter()
            .map(|t| format!("<meta property=\"article:tag\" content=\"{}\">", esc(t))),
    );
    let page = Page {
        title: title.clone(),
        description: meta_description(&a.hometext),
        keywords,
        canonical: Some(canonical),
        og_type: "article",
        og_image: Some(
            site.abs(
                image
                    .as_deref()
                    .unwrap_or("/themes/default/images/no_image.gif"),
            ),
        ),
        extra_meta,
        module: "news",
        func: "detail",
        breadcrumbs: vec![(esc(&cat), site.cat_url(&a.cat))],
        has_h1: true,
        rss: vec![(
            site.cat_rss(&a.cat),
            format!("{} - {}", esc(&site.cfg.news_title), esc(&cat)),
        )],
        scripts: vec![format!(
            "$(function() {{ var sr = 0; $(\".hover-star\").rating({{ focus: function(b, c) {{ var a = $(\"#hover-test\"); 2 != sr && (a[0].data = a[0].data || a.html(), a.html(c.title || \"value: \" + b), sr = 1) }}, callback: function(b, c) {{ 1 == sr && (sr = 2, $(\".hover-star\").rating(\"disable\"), sendrating(\"{}\", b, \"{}\")) }} }}); }});",
            a.id, site.cfg.cookie_prefix
        )],
        ..Page::default()
    };
    let html = layout(site, &page, &c);
    if flavour == Flavour::Nv43 {
        html.replace("NukeViet v4.5", "NukeViet v4.3")
    } else {
        html
    }
}

fn print(site: &Site, a: &Article) -> String {
    let published = parse_datetime(&a.published).unwrap_or(site.now);
    let canonical = site.abs(&site.article_url(a));
    let title = nv_title(&title_of(a));
    let mut author = String::new();
    if !a.author.is_empty() {
        let _ = write!(
            author,
            "<p><strong>Tác giả: </strong>{}</p>",
            esc(&a.author)
        );
    }
    if !a.source.is_empty() {
        let _ = write!(
            author,
            "<p><strong>Nguồn tin: </strong>{}</p>",
            esc(&a.source)
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex, follow\">\n<meta name=\"generator\" content=\"NukeViet v4.5\">\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n<link rel=\"StyleSheet\" href=\"/themes/default/css/news.print.css\">\n</head>\n<body>\n<div id=\"print\">\n<div id=\"hd_print\">\n<h2 class=\"pull-left\">{site_name}</h2>\n<p class=\"pull-right\"><a href=\"{origin}\" title=\"{site_name}\">{origin}</a></p>\n</div>\n<div class=\"clear\"></div>\n<hr />\n<div id=\"content\">\n<h1>{title}</h1>\n<ul class=\"list-inline\">\n<li>{time}</li>\n<li class=\"hidden-print txtrequired\"><em class=\"fa fa-print\">&nbsp;</em><a title=\"In ra\" href=\"javascript:;\" onclick=\"window.print()\">In ra</a></li>\n<li class=\"hidden-print txtrequired\"><em class=\"fa fa-power-off\">&nbsp;</em><a title=\"Đóng cửa sổ này\" href=\"javascript:;\" onclick=\"window.close()\">Đóng cửa sổ này</a></li>\n</ul>\n<div class=\"clear\"></div>\n<div id=\"hometext\">{hometext}</div>\n<div id=\"bodytext\" class=\"clearfix\">{body}</div>\n<div id=\"author\">{author}</div>\n<div class=\"clear\"></div>\n</div>\n<div id=\"footer\" class=\"clearfix\">\n<div id=\"url\"><strong>URL của bản tin này: </strong><a href=\"{canonical}\" title=\"{title}\">{canonical}</a></div>\n<div class=\"clear\"></div>\n<div class=\"copyright\">&copy; {site_name}</div>\n<div id=\"contact\"><a href=\"mailto:{email}\">{email}</a></div>\n</div>\n</div>\n</body>\n</html>\n",
        site_name = esc(&site.cfg.site_name),
        origin = site.cfg.origin,
        time = detail_time(published),
        hometext = esc(&a.hometext).replace('\n', "<br />"),
        body = body_of(a),
        email = site.cfg.email,
    )
}

fn list_panel(site: &Site, a: &Article, featured: bool) -> String {
    let t = parse_datetime(&a.published).unwrap_or(site.now);
    let title = nv_title(&title_of(a));
    let url = site.article_url(a);
    let thumb = a
        .image
        .as_ref()
        .map(|f| {
            format!(
                "<a href=\"{url}\" title=\"{title}\"><img alt=\"{title}\" src=\"/assets/news/{}/{f}\" width=\"183\" class=\"img-thumbnail pull-left imghome\" /></a>\n",
                upload_dir(a)
            )
        })
        .unwrap_or_default();
    let (tag, class) = if featured {
        ("h2", "panel-body featured")
    } else {
        ("h3", "panel-body")
    };
    format!(
        "<div class=\"panel panel-default\">\n<div class=\"{class}\">\n{thumb}<{tag}><a href=\"{url}\" title=\"{title}\">{title}</a></{tag}>\n<div class=\"text-muted\">\n<ul class=\"list-unstyled list-inline\">\n<li><em class=\"fa fa-clock-o\">&nbsp;</em> {}</li>\n<li><em class=\"fa fa-eye\">&nbsp;</em> Đã xem: {}</li>\n</ul>\n</div>\n{}\n</div>\n</div>",
        t.format("%d/%m/%Y %H:%M:%S"),
        a.views,
        esc(&a.hometext).replace('\n', "<br />")
    )
}

/// `nv_alias_page`: path-style pagination with rel prev/next on the neighbours.
pub(crate) fn path_pagination(title: &str, base: &str, page: u32, last: u32) -> String {
    if last <= 1 {
        return String::new();
    }
    let href = |n: u32| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page-{n}/")
        }
    };
    let mut h = String::from("<div class=\"text-center\">\n<ul class=\"pagination\">\n");
    if page == 1 {
        h.push_str("<li class=\"disabled\"><a href=\"#\">&laquo;</a></li>\n");
    } else {
        let _ = writeln!(
            h,
            "<li><a rel=\"prev\" title=\"{title} - Trang {n}\" href=\"{}\">&laquo;</a></li>",
            href(page - 1),
            n = page - 1
        );
    }
    for n in 1..=last {
        if n == page {
            // NukeViet emits the active item with a stray unclosed <li> on short lists.
            let _ = writeln!(
                h,
                "<li class=\"active\"><a href=\"javascript:void(0)\">{n}</a>"
            );
        } else {
            let rel = if n + 1 == page {
                " rel=\"prev\""
            } else if n == page + 1 {
                " rel=\"next\""
            } else {
                ""
            };
            let _ = writeln!(
                h,
                "<li><a{rel} title=\"{title} - Trang {n}\" href=\"{}\">{n}</a></li>",
                href(n)
            );
        }
    }
    if page == last {
        h.push_str("<li class=\"disabled\"><a href=\"#\">&raquo;</a></li>\n");
    } else {
        let _ = writeln!(
            h,
            "<li><a rel=\"next\" title=\"{title} - Trang {n}\" href=\"{}\">&raquo;</a></li>",
            href(page + 1),
            n = page + 1
        );
    }
    h.push_str("</ul>\n</div>\n");
    h
}

fn render_category(site: &Site, out: &mut Out, alias: &str) -> Result<()> {
    let Some(cat) = site.category(alias) else {
        return Ok(());
    };
    let items: Vec<&Article> = site.articles_in(alias);
    let per = site.cfg.news_per_page.max(1);
    let last = items.len().div_ceil(per).max(1) as u32;
    let base = site.cat_url(alias);
    out.listing(&base, last, false);
    for page_no in 1..=last {
        let chunk = items
            .iter()
            .skip((page_no as usize - 1) * per)
            .take(per)
            .copied()
            .collect::<Vec<_>>();
        let mut c = String::new();
        if page_no == 1 {
            let _ = writeln!(
                c,
                "<div class=\"news_column\">\n<div class=\"alert alert-info clearfix\">\n<h1>{}</h1>\n<p>{}</p>\n</div>\n</div>",
                esc(&cat.title),
                esc(&cat.description)
            );
        }
        c.push_str("<div class=\"news_column\">\n");
        for (i, a) in chunk.iter().enumerate() {
            c.push_str(&list_panel(site, a, page_no == 1 && i == 0));
            c.push('\n');
        }
        c.push_str("</div>\n");
        c.push_str(&path_pagination(&esc(&cat.title), &base, page_no, last));
        let url = if page_no == 1 {
            base.clone()
        } else {
            format!("{base}page-{page_no}/")
        };
        let title = if page_no == 1 {
            esc(&cat.title)
        } else {
            format!("{} - Trang {page_no}", esc(&cat.title))
        };
        let link = |n: u32| {
            site.abs(&if n == 1 {
                base.clone()
            } else {
                format!("{base}page-{n}/")
            })
        };
        let page = Page {
            title,
            description: nv_title(&cat.description),
            canonical: Some(site.abs(&url)),
            og_type: "website",
            module: "news",
            func: "viewcat",
            breadcrumbs: vec![(esc(&cat.title), base.clone())],
            has_h1: page_no == 1,
            prev: (page_no > 1).then(|| link(page_no - 1)),
            next: (page_no < last).then(|| link(page_no + 1)),
            rss: vec![(
                site.cat_rss(alias),
                format!("{} - {}", esc(&site.cfg.news_title), esc(&cat.title)),
            )],
            ..Page::default()
        };
        out.page(&url, RouteKind::Listing, &layout(site, &page, &c))?;
    }
    Ok(())
}

fn render_tags(site: &Site, out: &mut Out) -> Result<()> {
    let mut tags: Vec<&String> = site.articles.iter().flat_map(|a| a.tags.iter()).collect();
    tags.sort();
    tags.dedup_by(|a, b| tag_alias(a) == tag_alias(b));
    for tag in tags {
        let url = site.tag_url(tag);
        let items: Vec<&Article> = site
            .articles_newest()
            .into_iter()
            .filter(|a| {
                a.tags.iter().any(|t| tag_alias(t) == tag_alias(tag)) && a.external_url.is_none()
            })
            .collect();
        let mut c = format!(
            "<div class=\"page-header\"><h1>{}</h1></div>\n<div class=\"news_column\">\n",
            esc(tag)
        );
        for a in items {
            c.push_str(&list_panel(site, a, false));
            c.push('\n');
        }
        c.push_str("</div>\n");
        let page = Page {
            title: esc(tag),
            description: esc(tag),
            canonical: Some(site.abs(&url)),
            og_type: "website",
            module: "news",
            func: "tag",
            breadcrumbs: vec![(esc(tag), url.clone())],
            has_h1: true,
            ..Page::default()
        };
        let file = format!("tag/{}.html", super::text::change_alias(tag).to_lowercase());
        let html = layout(site, &page, &c);
        out.add(
            &url,
            RouteKind::Listing,
            &file,
            "text/html; charset=utf-8",
            html.as_bytes(),
        )?;
    }
    Ok(())
}

fn home(site: &Site) -> String {
    let mut c = String::new();
    for cat in &site.cfg.categories {
        let items: Vec<&Article> = site.articles_in(&cat.alias).into_iter().take(4).collect();
        let Some((first, rest)) = items.split_first() else {
            continue;
        };
        let _ = writeln!(
            c,
            "<div class=\"news_column panel panel-default\">\n<div class=\"panel-heading\">\n<h2><a title=\"{t}\" href=\"{}\"><span><span>{t}</span></span></a></h2>\n</div>\n<div class=\"panel-body\">\n<div class=\"row\">\n<div class=\"col-md-12\">\n<h3><a href=\"{}\" title=\"{ft}\">{ft}</a></h3>\n<p>{}</p>\n</div>\n<div class=\"col-md-12\">\n<ul class=\"related list-items\">",
            site.cat_url(&cat.alias),
            site.article_url(first),
            esc(&first.hometext).replace('\n', "<br />"),
            t = esc(&cat.title),
            ft = nv_title(&title_of(first))
        );
        for a in rest {
            let _ = writeln!(
                c,
                "<li class=\"icon_list\"><a class=\"show\" href=\"{}\" title=\"{t}\">{t}</a></li>",
                site.article_url(a),
                t = nv_title(&title_of(a))
            );
        }
        c.push_str("</ul>\n</div>\n</div>\n</div>\n</div>\n");
    }
    let page = Page {
        title: esc(&site.cfg.site_name),
        description: esc(&site.cfg.site_description),
        canonical: Some(site.abs("/")),
        og_type: "website",
        module: "news",
        func: "main",
        home: true,
        has_h1: false,
        rss: site
            .cfg
            .categories
            .iter()
            .map(|c| {
                (
                    site.cat_rss(&c.alias),
                    format!("{} - {}", esc(&site.cfg.news_title), esc(&c.title)),
                )
            })
            .collect(),
        ..Page::default()
    };
    layout(site, &page, &c)
}
