//! The theme's static files: real stylesheets (with `@import`, `url()` backgrounds and a web
//! font), images (logo in two densities, backgrounds, icons, favicon, article pictures) and
//! the scripts the layout loads, so that a crawl archives what a page needs to render and a
//! replay can be checked in a browser with the portal switched off.

use super::theme::TINY_PNG;
use super::{Out, Site, Theme};
use crate::error::Result;
use crate::manifest::RouteKind;

/// The colour of article titles set by `style.typo.css` (the browser test reads it back).
pub const TITLE_COLOUR: &str = "rgb(122, 16, 16)";

/// A favicon: an ICO file holding the tiny PNG.
fn favicon() -> Vec<u8> {
    let mut ico = vec![0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0];
    ico.extend_from_slice(&(TINY_PNG.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes());
    ico.extend_from_slice(TINY_PNG);
    ico
}

/// A PNG that differs from the others by a text chunk naming it (so that each image has its
/// own payload, as on a real site).
fn png(name: &str) -> Vec<u8> {
    let (signature_and_header, rest) = TINY_PNG.split_at(33);
    let mut chunk_data = b"Comment\0".to_vec();
    chunk_data.extend_from_slice(name.as_bytes());
    let mut out = signature_and_header.to_vec();
    out.extend_from_slice(&(chunk_data.len() as u32).to_be_bytes());
    let mut typed = b"tEXt".to_vec();
    typed.extend_from_slice(&chunk_data);
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
    out.extend_from_slice(rest);
    out
}

/// CRC-32 (IEEE), as PNG chunks need.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A stand-in web font: the WOFF2 signature and a name (browsers request it; the test
/// checks the request, not the glyphs).
fn font(name: &str) -> Vec<u8> {
    let mut out = b"wOF2".to_vec();
    out.extend_from_slice(&[0, 1, 0, 0]);
    out.extend_from_slice(name.as_bytes());
    out
}

/// Writes the stylesheets, fonts, images and scripts the layout of the site's theme
/// references, each with its route.
pub(crate) fn render_all(site: &Site, out: &mut Out) -> Result<()> {
    let theme = match site.cfg.theme {
        Theme::Default => "default",
        Theme::Egov => "egov",
    };
    let css = |out: &mut Out, path: &str, body: &str| {
        out.add(
            &format!("/{path}"),
            RouteKind::Static,
            path,
            "text/css",
            body.as_bytes(),
        )
    };
    css(
        out,
        "assets/css/font-awesome.min.css",
        "/*! Font Awesome 4.7.0 (fixture subset) */\n@font-face{font-family:'FontAwesome';src:url('../fonts/fontawesome-webfont.woff2?v=4.7.0') format('woff2');font-weight:normal;font-style:normal}\n.fa{display:inline-block;font:normal normal normal 14px/1 FontAwesome}\n.fa-home:before{content:\"\\f015\"}\n",
    )?;
    out.add(
        "/assets/fonts/fontawesome-webfont.woff2",
        RouteKind::Static,
        "assets/fonts/fontawesome-webfont.woff2",
        "font/woff2",
        &font("FontAwesome"),
    )?;
    css(
        out,
        &format!("themes/{theme}/css/bootstrap.non-responsive.css"),
        "/* Bootstrap 3 (fixture subset) */\nhtml{font-size:10px}\nbody{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.43;color:#333}\n.container{width:1000px;margin-right:auto;margin-left:auto;padding:0 15px}\n.row{margin:0 -15px}\n.col-sm-16{float:left;width:66%}\n.col-sm-8{float:left;width:33%}\n.hidden,.hide,.d-none{display:none}\n",
    )?;
    css(
        out,
        &format!("themes/{theme}/css/style.css"),
        "@import \"style.typo.css\";\n#header{background:#7a1010 url(../images/header.png) repeat-x}\n.section-body{background-image:url('../images/bg-body.png')}\n.footer-bg{min-height:8px}\n",
    )?;
    css(
        out,
        &format!("themes/{theme}/css/style.typo.css"),
        &format!(
            "/* Typography of the {theme} theme */\nh1.title,h1{{color:{TITLE_COLOUR};font-size:24px}}\na{{color:#0b4f9c}}\n"
        ),
    )?;
    for module in ["news", "laws"] {
        css(
            out,
            &format!("themes/{theme}/css/{module}.css"),
            &format!(
                "/* {module} module */\n.{module} li{{background:url(\"../images/icons/{module}.png\") no-repeat 0 50%;padding-left:12px}}\n"
            ),
        )?;
    }
    // The 404 information page loads the full Bootstrap build and a loader image.
    css(
        out,
        "themes/default/css/bootstrap.min.css",
        "/* Bootstrap 3 */\n.alert{padding:15px;border:1px solid transparent}\n.alert-danger{background-color:#f2dede}\n",
    )?;
    let mut images = vec![
        format!("themes/{theme}/images/header.png"),
        format!("themes/{theme}/images/bg-body.png"),
        format!("themes/{theme}/images/footer.png"),
        format!("themes/{theme}/images/icons/news.png"),
        format!("themes/{theme}/images/icons/laws.png"),
        "uploads/logo-thanuyen@2x.png".to_owned(),
        "assets/images/load_bar.gif".to_owned(),
    ];
    if site.cfg.theme == Theme::Egov {
        images.push("uploads/logo-tanuyen.png".to_owned());
    }
    for image in images {
        out.add(
            &format!("/{image}"),
            RouteKind::Static,
            &image,
            "image/png",
            &png(&image),
        )?;
    }
    out.add(
        "/favicon.ico",
        RouteKind::Static,
        "favicon.ico",
        "image/vnd.microsoft.icon",
        &favicon(),
    )?;
    // Article pictures and their thumbnails (`srcset`).
    for article in &site.articles {
        if let Some(file) = &article.image {
            let dir = article
                .published
                .get(0..7)
                .unwrap_or("2024-01")
                .replace('-', "_");
            for root in ["uploads", "assets"] {
                let path = format!("{root}/news/{dir}/{file}");
                out.add(
                    &format!("/{path}"),
                    RouteKind::Static,
                    &path,
                    "image/png",
                    &png(&path),
                )?;
            }
        }
    }
    let scripts = [
        (
            "assets/js/jquery/jquery.min.js",
            "window.jQuery=window.$=function(f){if(typeof f==='function'){document.addEventListener('DOMContentLoaded',f);}return{on:function(){return this;}};};",
        ),
        (
            "assets/js/language/vi.js",
            "var nv_loading='Đang tải...',nv_error='Lỗi';",
        ),
        (
            "assets/js/DOMPurify/purify3.js",
            "window.DOMPurify={sanitize:function(s){return String(s);}};",
        ),
        (
            "assets/js/global.js",
            "function nv_open_browse(u){window.open(u);}",
        ),
        (
            "assets/js/site.js",
            "function timeoutsesscancel(){document.getElementById('timeoutsess').style.display='none';}",
        ),
    ];
    let mut all: Vec<(String, String)> = scripts
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect();
    for name in ["news", "laws", "main", "custom"] {
        all.push((
            format!("themes/{theme}/js/{name}.js"),
            format!("/* {theme} theme: {name} */\nwindow.nv_theme_{name}=true;"),
        ));
    }
    for (path, body) in all {
        out.add(
            &format!("/{path}"),
            RouteKind::Static,
            &path,
            "application/javascript",
            format!("{body}\n").as_bytes(),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_png_chunks_carry_a_valid_crc() {
        // The CRC of the IEND chunk type is fixed by the PNG standard.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        let image = png("themes/default/images/header.png");
        assert!(image.starts_with(&TINY_PNG[..33]));
        assert!(image.ends_with(&TINY_PNG[TINY_PNG.len() - 12..]));
        assert_ne!(image, png("themes/default/images/footer.png"));
    }
}
