//! Page chrome (default 4.5 and egov themes), sidebar blocks and the special pages
//! (404 info page, flood pages, robots.txt).

use std::fmt::Write as _;

use super::text::{esc, nv_title, weekday_vi};
use super::{Out, Site, Theme};
use crate::error::Result;
use crate::manifest::{Route, RouteKind};

/// Version stamp used in asset URLs (`?t=`).
const ASSET_T: &str = "1719030000";

/// What a page puts into the shared layout.
#[derive(Default)]
pub(crate) struct Page {
    /// `<title>`, already escaped.
    pub title: String,
    /// Meta description, already escaped.
    pub description: String,
    /// Meta keywords (lowercase).
    pub keywords: String,
    /// Absolute canonical URL.
    pub canonical: Option<String>,
    /// `og:type` (`website` or `article`).
    pub og_type: &'static str,
    /// Absolute `og:image`.
    pub og_image: Option<String>,
    /// Extra `<meta>` tags (already formatted).
    pub extra_meta: Vec<String>,
    /// Robots directive (`noindex, follow`).
    pub robots: Option<&'static str>,
    /// Absolute `rel=prev` / `rel=next`.
    pub prev: Option<String>,
    /// Absolute `rel=next`.
    pub next: Option<String>,
    /// Extra RSS alternates `(href, title)`.
    pub rss: Vec<(String, String)>,
    /// `nv_module_name`.
    pub module: &'static str,
    /// `nv_func_name`.
    pub func: &'static str,
    /// Breadcrumb chain after "Trang nhất": `(title, href)`.
    pub breadcrumbs: Vec<(String, String)>,
    /// Whether the module content has its own `<h1>`.
    pub has_h1: bool,
    /// Site home page (clock, site name as title).
    pub home: bool,
    /// Inline scripts of the module (moved to the end of body).
    pub scripts: Vec<String>,
}

fn asset(path: &str) -> String {
    format!("{path}?t={ASSET_T}")
}

/// Wraps module `content` in the full NukeViet page.
pub(crate) fn layout(site: &Site, page: &Page, content: &str) -> String {
    let cfg = &site.cfg;
    let theme = match cfg.theme {
        Theme::Default => "default",
        Theme::Egov => "egov",
    };
    let mut h = String::with_capacity(32 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"vi\" xmlns=\"http://www.w3.org/1999/xhtml\" prefix=\"og: http://ogp.me/ns#\">\n<head>\n");
    let _ = writeln!(h, "<title>{}</title>", page.title);
    let _ = writeln!(
        h,
        "<meta name=\"description\" content=\"{}\">",
        page.description
    );
    if !page.keywords.is_empty() {
        let _ = writeln!(h, "<meta name=\"keywords\" content=\"{}\">", page.keywords);
    }
    if page.og_type == "article" && !page.keywords.is_empty() {
        let _ = writeln!(
            h,
            "<meta name=\"news_keywords\" content=\"{}\">",
            page.keywords
        );
    }
    let _ = writeln!(
        h,
        "<meta name=\"author\" content=\"{}\">",
        esc(&cfg.site_name)
    );
    let _ = writeln!(
        h,
        "<meta name=\"copyright\" content=\"{} [{}]\">",
        esc(&cfg.site_name),
        cfg.email
    );
    let generator = if cfg.theme == Theme::Egov {
        "NukeViet v4.4"
    } else {
        "NukeViet v4.5"
    };
    let _ = writeln!(h, "<meta name=\"generator\" content=\"{generator}\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if let Some(robots) = page.robots {
        for bot in ["robots", "googlebot", "msnbot", "coccocbot"] {
            let _ = writeln!(h, "<meta name=\"{bot}\" content=\"{robots}\">");
        }
    }
    h.push_str("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n");
    let _ = writeln!(h, "<meta property=\"og:title\" content=\"{}\">", page.title);
    let _ = writeln!(
        h,
        "<meta property=\"og:type\" content=\"{}\">",
        page.og_type
    );
    let _ = writeln!(
        h,
        "<meta property=\"og:description\" content=\"{}\">",
        page.description
    );
    let _ = writeln!(
        h,
        "<meta property=\"og:site_name\" content=\"{}\">",
        esc(&cfg.site_name)
    );
    let image = page
        .og_image
        .clone()
        .unwrap_or_else(|| site.abs("/uploads/logo-thanuyen.png"));
    let _ = writeln!(h, "<meta property=\"og:image\" content=\"{image}\">");
    let _ = writeln!(
        h,
        "<meta property=\"og:image:alt\" content=\"{}\">",
        page.title
    );
    if let Some(canonical) = &page.canonical {
        let _ = writeln!(h, "<meta property=\"og:url\" content=\"{canonical}\">");
    }
    for meta in &page.extra_meta {
        h.push_str(meta);
        h.push('\n');
    }
    h.push_str("<link rel=\"shortcut icon\" href=\"/favicon.ico\">\n");
    if let Some(canonical) = &page.canonical {
        let _ = writeln!(h, "<link rel=\"canonical\" href=\"{canonical}\">");
    }
    if let Some(prev) = &page.prev {
        let _ = writeln!(h, "<link rel=\"prev\" href=\"{prev}\">");
    }
    if let Some(next) = &page.next {
        let _ = writeln!(h, "<link rel=\"next\" href=\"{next}\">");
    }
    let mut rss = vec![(site.news_rss(), esc(&cfg.news_title))];
    if page.module == "laws" {
        rss = vec![(site.laws_rss(), esc(&cfg.laws_title))];
    }
    rss.extend(page.rss.iter().cloned());
    for (href, title) in &rss {
        let _ = writeln!(
            h,
            "<link rel=\"alternate\" href=\"{href}\" title=\"{title}\" type=\"application/rss+xml\">"
        );
    }
    let _ = writeln!(
        h,
        "<link rel=\"preload\" as=\"script\" href=\"{}\" type=\"text/javascript\">",
        asset("/assets/js/jquery/jquery.min.js")
    );
    for css in [
        "/assets/css/font-awesome.min.css".to_string(),
        format!("/themes/{theme}/css/bootstrap.non-responsive.css"),
        format!("/themes/{theme}/css/style.css"),
        format!("/themes/{theme}/css/{}.css", page.module),
    ] {
        let _ = writeln!(h, "<link rel=\"StyleSheet\" href=\"{}\">", asset(&css));
    }
    h.push_str("</head>\n<body>\n");
    h.push_str("<noscript>\n<div class=\"alert alert-danger\">Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.<br />Website chỉ làm việc khi bạn bật nó trở lại.<br />Để tham khảo cách bật JavaScript, hãy click chuột <a href=\"http://wiki.nukeviet.vn/support:browser:enable_javascript\">vào đây</a>!</div>\n</noscript>\n");
    match cfg.theme {
        Theme::Default => header_default(site, page, &mut h),
        Theme::Egov => header_egov(site, page, &mut h),
    }
    // Body rows: content column + right column.
    h.push_str("<div class=\"section-body\">\n<div class=\"wraper\">\n<section>\n<div class=\"container\" id=\"body\">\n");
    h.push_str("<div class=\"row\">\n<div class=\"col-sm-16 col-md-18\">\n");
    h.push_str(content);
    h.push_str("\n</div>\n<div class=\"col-sm-8 col-md-6\">\n");
    h.push_str(&right_blocks(site));
    h.push_str("</div>\n</div>\n</div>\n</section>\n</div>\n");
    footer(site, &mut h);
    let _ = writeln!(
        h,
        "<div class=\"footer-bg\" style=\"background:url(/themes/{theme}/images/footer.png) repeat-x\"></div>"
    );
    h.push_str("<div id=\"timeoutsess\" class=\"chromeframe\">\nBạn đã không sử dụng Site, <a onclick=\"timeoutsesscancel();\" href=\"#\">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id=\"secField\"> 60 </span> giây\n</div>\n");
    h.push_str("<div id=\"openidResult\" class=\"nv-alert\" style=\"display:none\"></div>\n<div id=\"openidBt\" data-result=\"\" data-redirect=\"\"></div>\n");
    h.push_str("<div id=\"sitemodal\" class=\"modal fade\" role=\"dialog\"><div class=\"modal-dialog\"><div class=\"modal-content\"><div class=\"modal-body\"><em class=\"fa fa-spinner fa-spin\">&nbsp;</em></div><button type=\"button\" class=\"close\" data-dismiss=\"modal\"><span class=\"fa fa-times\"></span></button></div></div></div>\n");
    h.push_str("<div class=\"fix_banner_left\"></div>\n<div class=\"fix_banner_right\"></div>\n");
    // Scripts, moved to the end of body by the Optimizer; jQuery first.
    let _ = writeln!(
        h,
        "<script id=\"nv-js-jquery\" src=\"{}\"></script>",
        asset("/assets/js/jquery/jquery.min.js")
    );
    let _ = writeln!(
        h,
        "<script>var nv_base_siteurl=\"/\",nv_lang_data=\"vi\",nv_lang_interface=\"vi\",nv_name_variable=\"nv\",nv_fc_variable=\"op\",nv_lang_variable=\"language\",nv_module_name=\"{}\",nv_func_name=\"{}\",nv_is_user=0, nv_my_ofs=7,nv_my_abbr=\"+07\",nv_cookie_prefix=\"{}\",nv_check_pass_mstime=1738000,nv_area_admin=0,nv_safemode=0,theme_responsive=1,nv_recaptcha_ver=2,nv_recaptcha_sitekey=\"\",nv_recaptcha_type=\"image\",XSSsanitize=1;</script>",
        page.module, page.func, cfg.cookie_prefix
    );
    for js in [
        "/assets/js/language/vi.js".to_string(),
        "/assets/js/DOMPurify/purify3.js".to_string(),
        "/assets/js/global.js".to_string(),
        "/assets/js/site.js".to_string(),
        format!("/themes/{theme}/js/{}.js", page.module),
        format!("/themes/{theme}/js/main.js"),
        format!("/themes/{theme}/js/custom.js"),
    ] {
        let _ = writeln!(h, "<script src=\"{}\"></script>", asset(&js));
    }
    let _ = writeln!(
        h,
        "<script type=\"application/ld+json\">\n{{\n    \"@context\": \"https://schema.org\",\n    \"@type\": \"Organization\",\n    \"url\": \"{}\",\n    \"logo\": \"{}\"\n}}\n</script>",
        cfg.origin,
        site.abs("/uploads/logo-thanuyen.png")
    );
    for script in &page.scripts {
        let _ = writeln!(h, "<script>{script}</script>");
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn breadcrumbs(page: &Page, h: &mut String) {
    h.push_str("<ul class=\"temp-breadcrumbs hidden\" itemscope itemtype=\"https://schema.org/BreadcrumbList\">\n");
    let chain = std::iter::once(("Trang nhất".to_string(), "/".to_string()))
        .chain(page.breadcrumbs.iter().cloned());
    for (i, (title, href)) in chain.enumerate() {
        let _ = writeln!(
            h,
            "<li itemprop=\"itemListElement\" itemscope itemtype=\"https://schema.org/ListItem\"><a href=\"{href}\" itemprop=\"item\" title=\"{title}\"><span itemprop=\"name\">{title}</span></a><i class=\"hidden\" itemprop=\"position\" content=\"{}\"></i></li>",
            i + 1
        );
    }
    h.push_str("</ul>\n");
}

fn menu(site: &Site, h: &mut String) {
    h.push_str("<ul class=\"nav navbar-nav\">\n<li><a class=\"home\" title=\"Trang nhất\" href=\"/\"><em class=\"fa fa-lg fa-home\">&nbsp;</em><span class=\"visible-xs-inline-block\"> Trang nhất</span></a></li>\n");
    for cat in &site.cfg.categories {
        let _ = writeln!(
            h,
            "<li><a href=\"{}\" title=\"{}\">{}</a></li>",
            site.cat_url(&cat.alias),
            esc(&cat.title),
            esc(&cat.title)
        );
    }
    let _ = writeln!(
        h,
        "<li><a href=\"{}\" title=\"{t}\">{t}</a></li>",
        site.laws_home(),
        t = esc(&site.cfg.laws_title)
    );
    h.push_str("</ul>\n");
}

fn site_name_block(site: &Site, page: &Page, h: &mut String) {
    let cfg = &site.cfg;
    if page.has_h1 {
        let _ = writeln!(
            h,
            "<span class=\"site_name\">{}</span>\n<span class=\"site_description\">{}</span>",
            esc(&cfg.site_name),
            esc(&cfg.site_description)
        );
    } else {
        let _ = writeln!(
            h,
            "<h1>{}</h1>\n<h2>{}</h2>",
            esc(&cfg.site_name),
            esc(&cfg.site_description)
        );
    }
}

fn clock(site: &Site) -> String {
    format!(
        "{}, {}",
        weekday_vi(site.now.date()),
        site.now.format("%d/%m/%Y, %H:%M")
    )
}

fn header_default(site: &Site, page: &Page, h: &mut String) {
    let cfg = &site.cfg;
    h.push_str("<div class=\"body-bg\">\n<div class=\"wraper\">\n<header>\n<div class=\"container\">\n<div id=\"header\" class=\"row\">\n<div class=\"logo col-xs-24 col-sm-24 col-md-8\">\n");
    let _ = writeln!(
        h,
        "<a title=\"{n}\" href=\"/\"><img src=\"/uploads/logo-thanuyen.png\" srcset=\"/uploads/logo-thanuyen.png 1x, /uploads/logo-thanuyen@2x.png 2x\" alt=\"{n}\"></a>",
        n = esc(&cfg.site_name)
    );
    site_name_block(site, page, h);
    h.push_str("</div>\n<div class=\"col-xs-24 col-sm-24 col-md-16\">\n<div class=\"section-header-bar\">\n");
    let _ = writeln!(
        h,
        "<div class=\"contactDefault\"><ul class=\"contactList\"><li><em class=\"fa fa-phone\"></em> {}</li><li><em class=\"fa fa-envelope\"></em> <a href=\"mailto:{e}\">{e}</a></li></ul></div>",
        cfg.phone,
        e = cfg.email
    );
    h.push_str("</div>\n</div>\n</div>\n</div>\n</header>\n");
    h.push_str("<nav class=\"second-nav\" id=\"menusite\">\n<div class=\"container\">\n<div class=\"row\">\n<div class=\"bg box-shadow\">\n");
    menu(site, h);
    h.push_str("</div>\n</div>\n</div>\n</nav>\n");
    h.push_str("<nav class=\"third-nav\">\n<div class=\"container\">\n<div class=\"row\">\n<div class=\"bg\">\n<div class=\"clearfix\">\n<div class=\"col-xs-24 col-sm-18 col-md-18\">\n<div class=\"breadcrumbs-wrap\">\n<div class=\"display\">\n<a class=\"show-subs-breadcrumbs hidden\" href=\"#\" onclick=\"showSubBreadcrumbs(this, event);\"><em class=\"fa fa-lg fa-angle-right\"></em></a>\n<ul class=\"breadcrumbs list-none\"></ul>\n</div>\n<ul class=\"subs-breadcrumbs\"></ul>\n");
    breadcrumbs(page, h);
    h.push_str("</div>\n");
    if page.home {
        let _ = writeln!(h, "<span class=\"current-time\">{}</span>", clock(site));
    }
    h.push_str("</div>\n<div class=\"headerSearch col-xs-24 col-sm-6 col-md-6\">\n<div class=\"input-group\">\n<input type=\"text\" class=\"form-control\" maxlength=\"60\" placeholder=\"Tìm kiếm...\"><span class=\"input-group-btn\"><button type=\"button\" class=\"btn btn-info\" data-url=\"/seek/?q=\" data-minlength=\"3\" data-click=\"y\"><em class=\"fa fa-search fa-lg\"></em></button></span>\n</div>\n</div>\n</div>\n</div>\n</div>\n</div>\n</nav>\n</div>\n</div>\n");
}

fn header_egov(site: &Site, page: &Page, h: &mut String) {
    let cfg = &site.cfg;
    h.push_str("<div id=\"wrapper\">\n<header class=\"egov-header\">\n<div class=\"container\">\n<div class=\"header-egov clearfix\">\n<div class=\"logo\">\n");
    let _ = writeln!(
        h,
        "<a title=\"{n}\" href=\"/\"><img src=\"/uploads/logo-tanuyen.png\" alt=\"{n}\"></a>",
        n = esc(&cfg.site_name)
    );
    site_name_block(site, page, h);
    h.push_str("</div>\n</div>\n</div>\n</header>\n<nav class=\"egov-menu\" id=\"menu-site-default\">\n<div class=\"container\">\n");
    menu(site, h);
    h.push_str("</div>\n</nav>\n<div class=\"egov-breadcrumbs container\">\n<div class=\"breadcrumbs-wrap\">\n<ul class=\"breadcrumbs list-none\"></ul>\n");
    breadcrumbs(page, h);
    h.push_str("</div>\n");
    if page.home {
        let _ = writeln!(
            h,
            "<span class=\"current-time\"><i class=\"fa fa-clock-o\"></i> {}</span>",
            clock(site)
        );
    }
    h.push_str("</div>\n");
}

fn footer(site: &Site, h: &mut String) {
    let cfg = &site.cfg;
    h.push_str("<footer id=\"footer\" class=\"section-footer-top\">\n<div class=\"wraper\">\n<div class=\"container\">\n<div class=\"row\">\n<div class=\"col-xs-24 col-sm-24 col-md-16\">\n<div class=\"panel-body\">\n");
    let _ = writeln!(
        h,
        "<p><strong>{}</strong></p>\n<p>Cơ quan chủ quản: {}</p>\n<p>Địa chỉ: {}</p>\n<p>Điện thoại: {} - Email: {}</p>\n<p>Ghi rõ nguồn &quot;{}&quot; khi phát hành lại thông tin từ website này.</p>",
        esc(&cfg.site_name),
        esc(&cfg.owner),
        esc(&cfg.address),
        cfg.phone,
        cfg.email,
        esc(&cfg.site_name)
    );
    h.push_str("</div>\n</div>\n<div class=\"col-xs-24 col-sm-24 col-md-8\">\n<div class=\"panel-body\">\n<ul class=\"counter list-none display-table\">\n");
    for (label, value) in [
        ("Đang truy cập", 76),
        ("Hôm nay", 17920),
        ("Tháng hiện tại", 284237),
        ("Tổng lượt truy cập", 14362824),
    ] {
        let _ = writeln!(
            h,
            "<li><span><em class=\"fa fa-bolt fa-lg fa-horizon\"></em>{label}</span><span class=\"counter-value\">{value}</span></li>"
        );
    }
    h.push_str("</ul>\n</div>\n</div>\n</div>\n</div>\n</div>\n</footer>\n");
    h.push_str("<nav class=\"footerNav2\"><div class=\"wraper\"><div class=\"container\"><div class=\"theme-change\"><span title=\"Chế độ giao diện đang hiển thị: Tự động\"><em class=\"fa fa-random fa-lg\"></em></span></div><div class=\"bttop\"><a class=\"pointer\"><em class=\"fa fa-eject fa-lg\"></em></a></div></div></div></nav>\n");
    if site.cfg.theme == Theme::Default {
        h.push_str("</div>\n");
    } else {
        h.push_str("</div><!-- #wrapper -->\n");
    }
}

/// The [RIGHT] column: new documents (block-law), hotline links, administrative stats.
fn right_blocks(site: &Site) -> String {
    let mut h = String::new();
    let is43 = site.is_43();
    h.push_str("<div class=\"panel panel-primary\">\n<div class=\"panel-heading\">Văn bản mới</div>\n<div class=\"panel-body\">\n<div class=\"block-law\">\n");
    for d in site.docs_by_added().into_iter().take(5) {
        let added = super::text::parse_datetime(&d.added).unwrap_or(site.now);
        let rel = if is43 { "" } else { " rel=\"dofollow\"" };
        let _ = writeln!(
            h,
            "<div class=\"m-bottom item\">\n<h3 class=\"law-code\"><a{rel} href=\"{}\" title=\"{}\">{}</a></h3>\n<p class=\"law-title\">{}</p>\n<p class=\"text-muted law-view\">Thời gian đăng: {}</p>\n<em class=\"text-muted law-view\">lượt xem: {} | lượt tải:{}</em>\n</div>",
            site.doc_url(d),
            nv_title(&d.title),
            nv_title(&d.code),
            esc(&d.title),
            added.format("%d/%m/%Y"),
            d.views,
            d.downloads
        );
    }
    h.push_str("</div>\n</div>\n</div>\n");
    h.push_str("<div class=\"panel panel-primary\">\n<div class=\"panel-heading\">ĐƯỜNG DÂY NÓNG</div>\n<div class=\"panel-body\">\n<ul class=\"list-none link-block\">\n");
    for (title, href) in [
        ("Bản đồ hành chính", "/uploads/ban-do-hanh-chinh.jpg"),
        ("Hệ thống QLVB", "https://qlvb.laichau.gov.vn/"),
        (
            "Hệ thống thư điện tử công vụ tỉnh Lai Châu",
            "https://mail.laichau.gov.vn/",
        ),
        (
            "Dịch vụ công trực tuyến",
            "https://dichvucong.laichau.gov.vn/",
        ),
        ("Trang TTĐT Xã, Thị trấn", "https://laichau.gov.vn/"),
    ] {
        let _ = writeln!(
            h,
            "<li><a href=\"{href}\" title=\"{title}\" target=\"_blank\">{title}</a></li>"
        );
    }
    h.push_str("</ul>\n</div>\n</div>\n");
    h.push_str("<div class=\"panel panel-primary\">\n<div class=\"panel-heading\">TÌNH HÌNH GIẢI QUYẾT HỒ SƠ</div>\n<div class=\"panel-body\">\n<p>Đến tháng 07/2024 đã giải quyết <strong>99.83%</strong> hồ sơ đúng hạn.</p>\n<p>Đã tiếp nhận: 518 - Đã giải quyết: 582 - Quá hạn: 1 - 0.17%</p>\n</div>\n</div>\n");
    h
}

/// The 404 info page, the flood pages and robots.txt.
pub(crate) fn render_specials(site: &Site, out: &mut Out) -> Result<()> {
    let cfg = &site.cfg;
    let home = site.news_home();
    let info = format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<title>Lỗi truy cập 404</title>\n<meta name=\"generator\" content=\"NukeViet v4.5\">\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n<meta http-equiv=\"Refresh\" content=\"3;URL={home}\">\n<link rel=\"StyleSheet\" href=\"/themes/default/css/bootstrap.min.css\">\n</head>\n<body>\n<div id=\"wrapper\" class=\"container\">\n<div class=\"alert alert-danger text-center\">\n<h1>Lỗi truy cập 404</h1>\n<p>Trang bạn yêu cầu không tồn tại hoặc đã bị gỡ bỏ.</p>\n<p><img src=\"/assets/images/load_bar.gif\" alt=\"\" /></p>\n<p><a href=\"{home}\">Bấm vào đây nếu trình duyệt không tự chuyển trang</a></p>\n</div>\n<p class=\"text-center\">{}</p>\n</div>\n</body>\n</html>\n",
        esc(&cfg.site_name)
    );
    out.write("_special/404.html", info.as_bytes())?;
    out.manifest.not_found_file = "_special/404.html".to_string();
    for (file, version) in [
        ("_special/flood-429.html", "4.5"),
        ("_special/flood-200.html", "4.3"),
    ] {
        let page = format!(
            "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n<meta name=\"generator\" content=\"NukeViet v{version}\">\n<title>Hãy đợi...</title>\n<style>body{{font-family:Arial,sans-serif;text-align:center;padding-top:60px}}</style>\n</head>\n<body>\n<div class=\"flood-blocker\">\n<h2>Hệ thống đang từ chối truy cập của bạn</h2>\n<p>Bạn đã gửi quá nhiều yêu cầu tới máy chủ trong một thời gian ngắn.</p>\n<p>Hãy đợi <strong id=\"flood-seconds\">{{{{SECONDS}}}}</strong> giây</p>\n</div>\n</body>\n</html>\n"
        );
        out.write(file, page.as_bytes())?;
    }
    out.manifest.flood_429_file = "_special/flood-429.html".to_string();
    out.manifest.flood_200_file = "_special/flood-200.html".to_string();
    let robots = format!(
        "User-agent: *\nDisallow: /data/\nDisallow: /includes/\nDisallow: /install/\nDisallow: /modules/\nDisallow: /robots.php\nDisallow: /web.config\n\nSitemap: {}/sitemap.xml\n",
        cfg.origin
    );
    out.write("robots.txt", robots.as_bytes())?;
    out.manifest.routes.insert(
        "/robots.txt".to_string(),
        Route {
            kind: RouteKind::Robots,
            file: "robots.txt".to_string(),
            status: 200,
            content_type: "text/plain; charset=utf-8".to_string(),
            location: None,
            last_modified: Some(super::text::iso(site.now)),
            download_name: None,
        },
    );
    // Static images referenced by pages: one tiny PNG for the logo.
    out.add(
        "/uploads/logo-thanuyen.png",
        RouteKind::Static,
        "uploads/logo-thanuyen.png",
        "image/png",
        TINY_PNG,
    )?;
    Ok(())
}

/// A 1x1 transparent PNG.
pub(crate) const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];
