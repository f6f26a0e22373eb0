//! Discovery files: sitemap index and module sitemaps, news and laws RSS (with NukeViet's
//! `pubDate` minute bug and whitespace-padded CDATA guids).

use std::fmt::Write as _;

use chrono::NaiveDateTime;

use super::text::{esc, iso, nv_title, parse_datetime, rss_date_buggy};
use super::{Article, LawDoc, Out, Site};
use crate::error::Result;
use crate::manifest::RouteKind;

fn add_feed(
    out: &mut Out,
    key: &str,
    file: &str,
    kind: RouteKind,
    content_type: &str,
    body: &str,
    modified: NaiveDateTime,
) -> Result<()> {
    out.add(key, kind, file, content_type, body.as_bytes())?;
    if let Some(route) = out.manifest.routes.get_mut(key) {
        route.last_modified = Some(iso(modified));
    }
    Ok(())
}

pub(crate) fn render_all(site: &Site, out: &mut Out) -> Result<()> {
    let news: Vec<&Article> = site
        .articles_newest()
        .into_iter()
        .filter(|a| a.external_url.is_none())
        .collect();
    let docs = site.docs_by_added();
    let newest_news = news
        .first()
        .and_then(|a| parse_datetime(&a.published))
        .unwrap_or(site.now);
    let newest_doc = docs
        .first()
        .and_then(|d| parse_datetime(&d.added))
        .unwrap_or(site.now);

    // Sitemap index (no lastmod).
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"/assets/css/sitemapindex.xsl\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    if site.cfg.news_sitemap {
        let _ = writeln!(
            index,
            "<sitemap>\n<loc>{}</loc>\n</sitemap>",
            site.abs("/sitemap-vi.news.xml")
        );
    }
    let _ = writeln!(
        index,
        "<sitemap>\n<loc>{}</loc>\n</sitemap>",
        site.abs("/sitemap-vi.laws.xml")
    );
    index.push_str("</sitemapindex>\n");
    let xml = "application/xml; charset=utf-8";
    add_feed(
        out,
        "/sitemap.xml",
        "sitemap.xml",
        RouteKind::Sitemap,
        xml,
        &index,
        newest_news.max(newest_doc),
    )?;

    if site.cfg.news_sitemap {
        let mut s = urlset_head();
        for a in &news {
            let t = parse_datetime(&a.published).unwrap_or(site.now);
            let _ = writeln!(
                s,
                "<url>\n<loc>{}</loc>\n<lastmod>{}</lastmod>\n<changefreq>daily</changefreq>\n<priority>0.8</priority>\n</url>",
                site.abs(&site.article_url(a)),
                iso(t)
            );
        }
        s.push_str("</urlset>\n");
        add_feed(
            out,
            "/sitemap-vi.news.xml",
            "sitemap-vi.news.xml",
            RouteKind::Sitemap,
            xml,
            &s,
            newest_news,
        )?;
    }
    let mut s = urlset_head();
    for d in &docs {
        let t = parse_datetime(&d.added).unwrap_or(site.now);
        let _ = writeln!(
            s,
            "<url>\n<loc>{}</loc>\n<lastmod>{}</lastmod>\n<changefreq>daily</changefreq>\n<priority>0.8</priority>\n</url>",
            site.abs(&site.doc_url(d)),
            iso(t)
        );
    }
    s.push_str("</urlset>\n");
    add_feed(
        out,
        "/sitemap-vi.laws.xml",
        "sitemap-vi.laws.xml",
        RouteKind::Sitemap,
        xml,
        &s,
        newest_doc,
    )?;

    // News RSS: module feed and one per category.
    let rss_ct = "application/rss+xml; charset=utf-8";
    let items: Vec<String> = news.iter().take(30).map(|a| news_item(site, a)).collect();
    let body = channel(site, &esc(&site.cfg.news_title), &site.news_rss(), &items);
    add_feed(
        out,
        &site.news_rss(),
        "rss/news.xml",
        RouteKind::Rss,
        rss_ct,
        &body,
        newest_news,
    )?;
    for cat in &site.cfg.categories {
        let in_cat: Vec<&Article> = site
            .articles_in(&cat.alias)
            .into_iter()
            .filter(|a| a.external_url.is_none())
            .collect();
        let modified = in_cat
            .first()
            .and_then(|a| parse_datetime(&a.published))
            .unwrap_or(site.now);
        let items: Vec<String> = in_cat.iter().take(30).map(|a| news_item(site, a)).collect();
        let title = format!("{} - {}", esc(&site.cfg.news_title), esc(&cat.title));
        let body = channel(site, &title, &site.cat_rss(&cat.alias), &items);
        let file = format!("rss/news-{}.xml", cat.alias);
        add_feed(
            out,
            &site.cat_rss(&cat.alias),
            &file,
            RouteKind::Rss,
            rss_ct,
            &body,
            modified,
        )?;
    }
    let items: Vec<String> = docs.iter().take(30).map(|d| law_item(site, d)).collect();
    let title = format!(
        "{} RSS: {}",
        esc(&site.cfg.site_name),
        esc(&site.cfg.laws_title)
    );
    let body = channel(site, &title, &site.laws_rss(), &items);
    add_feed(
        out,
        &site.laws_rss(),
        "rss/laws.xml",
        RouteKind::Rss,
        rss_ct,
        &body,
        newest_doc,
    )?;
    Ok(())
}

fn urlset_head() -> String {
    String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"/assets/css/sitemap.xsl\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    )
}

fn channel(site: &Site, title: &str, path: &str, items: &[String]) -> String {
    let link = site.abs(path);
    let date = rss_date_buggy(site.now);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"/assets/css/rss.xsl\" media=\"screen\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n    <channel>\n        <title>{title}</title>\n        <link>{link}</link>\n        <atom:link href=\"{link}\" rel=\"self\" type=\"application/rss+xml\" />\n        <description><![CDATA[\n            {desc}\n        ]]></description>\n        <copyright><![CDATA[\n            {name}\n        ]]></copyright>\n        <generator><![CDATA[\n            NukeViet v4.0\n        ]]></generator>\n        <language>vi</language>\n        <pubDate>{date}</pubDate>\n        <lastBuildDate>{date}</lastBuildDate>\n        <docs>{origin}/feeds/</docs>\n{items}    </channel>\n</rss>\n",
        desc = esc(&site.cfg.site_description),
        name = esc(&site.cfg.site_name),
        origin = site.cfg.origin,
        items = items.concat()
    )
}

fn news_item(site: &Site, a: &Article) -> String {
    let t = parse_datetime(&a.published).unwrap_or(site.now);
    let img = a
        .image
        .as_ref()
        .map(|f| {
            format!(
                "<img src=\"{}\" width=\"100\" align=\"left\" border=\"0\">",
                site.abs(&format!(
                    "/assets/news/{}/{f}",
                    a.published.get(0..7).unwrap_or("").replace('-', "_")
                ))
            )
        })
        .unwrap_or_default();
    format!(
        "        <item>\n            <title>{}</title>\n            <link>{}</link>\n            <guid isPermaLink=\"false\"><![CDATA[\n                news_{}\n            ]]></guid>\n            <description><![CDATA[\n                {img}{}\n            ]]></description>\n            <pubDate>{}</pubDate>\n        </item>\n",
        nv_title(&a.title),
        site.abs(&site.article_url(a)),
        a.id,
        esc(&a.hometext),
        rss_date_buggy(t)
    )
}

fn law_item(site: &Site, d: &LawDoc) -> String {
    let t = parse_datetime(&d.added).unwrap_or(site.now);
    format!(
        "        <item>\n            <title>[{}] {}</title>\n            <link>{}</link>\n            <guid isPermaLink=\"false\"><![CDATA[\n                laws_{}\n            ]]></guid>\n            <description><![CDATA[\n                Ngày ban hành: {}. Trích yếu: {}\n            ]]></description>\n            <pubDate>{}</pubDate>\n        </item>\n",
        nv_title(&d.code),
        esc(&d.title),
        site.abs(&site.doc_url(d)),
        d.id,
        d.issued.as_deref().unwrap_or("N/A"),
        nv_title(&d.intro),
        rss_date_buggy(t)
    )
}
