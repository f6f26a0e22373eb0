//! Scanned-document generator: renders known Vietnamese text in a serif font onto A4 pages
//! like a photocopy of a signed paper (grey paper, rotation of up to ±1.5°, blur, speckle, a
//! red seal over the signature, 200 dpi) and wraps the pages in an image-only PDF. The OCR
//! benchmark and the fixture portal's scanned resolutions are made with it; the text is the
//! ground truth.

use std::path::PathBuf;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Error, Result};
use crate::r#gen::pdf::{PdfImage, PdfPage, write_pdf};

/// Serif fonts with Vietnamese glyphs, tried in order (Debian `fonts-dejavu-core`,
/// `fonts-liberation`); `TRACUU_SCAN_FONT` names another.
const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
];

/// How a page is degraded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanStyle {
    /// Scan resolution.
    pub dpi: u32,
    /// Page rotation in degrees.
    pub rotate: f32,
    /// Gaussian blur sigma in pixels.
    pub blur: f32,
    /// Share of pixels turned into dark specks.
    pub speckle: f32,
    /// Paper brightness (0-255).
    pub paper: u8,
    /// Draw a red seal over the signature.
    pub seal: bool,
    /// Random seed (specks, paper noise).
    pub seed: u64,
}

impl ScanStyle {
    /// The photocopy look of the benchmark, varied by `seed`: rotation in ±1.5°, 200 dpi.
    pub fn photocopy(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        Self {
            dpi: 200,
            rotate: rng.random_range(-1.5f32..=1.5),
            blur: 0.7,
            speckle: 0.0008,
            paper: rng.random_range(212u8..=228),
            seal: true,
            seed,
        }
    }
}

/// The serif font used for scans.
pub fn load_font() -> Result<FontVec> {
    let candidates: Vec<PathBuf> = std::env::var_os("TRACUU_SCAN_FONT")
        .map(PathBuf::from)
        .into_iter()
        .chain(FONT_PATHS.iter().map(PathBuf::from))
        .collect();
    for p in &candidates {
        if let Ok(bytes) = std::fs::read(p) {
            return FontVec::try_from_vec(bytes)
                .map_err(|e| Error::Scan(format!("font {}: {e}", p.display())));
        }
    }
    Err(Error::Scan(
        "no serif font with Vietnamese glyphs: install fonts-dejavu-core (Debian) or set TRACUU_SCAN_FONT"
            .into(),
    ))
}

/// A document to scan: a heading and paragraphs.
#[derive(Debug, Clone)]
pub struct ScanDoc {
    /// Centered heading lines (capitals, e.g. `NGHỊ QUYẾT`).
    pub heading: Vec<String>,
    /// Body paragraphs.
    pub paragraphs: Vec<String>,
}

/// The pages of a scanned document: the text exactly as laid out (lines per page, the
/// ground truth) and the page images.
pub struct Scan {
    /// Lines of each page, as drawn.
    pub pages_text: Vec<Vec<String>>,
    /// The page images.
    pub pages: Vec<RgbImage>,
}

impl Scan {
    /// The ground-truth text: lines joined by `\n`, pages by a form feed.
    pub fn text(&self) -> String {
        self.pages_text
            .iter()
            .map(|p| p.join("\n"))
            .collect::<Vec<_>>()
            .join("\u{c}")
    }
}

/// Lays out and renders `doc` in `font`, degraded by `style`.
pub fn scan(doc: &ScanDoc, font: &FontVec, style: &ScanStyle) -> Scan {
    let dpi = style.dpi as f32;
    let (w, h) = ((8.27 * dpi) as u32, (11.69 * dpi) as u32);
    let margin = 0.9 * dpi;
    // 13 pt body, 14 pt heading.
    let body = PxScale::from(13.0 / 72.0 * dpi);
    let head = PxScale::from(14.0 / 72.0 * dpi);
    let line_h = 13.0 / 72.0 * dpi * 1.45;
    let max_w = w as f32 - 2.0 * margin;
    let mut lines: Vec<(String, PxScale, bool)> = Vec::new();
    for l in &doc.heading {
        lines.push((l.clone(), head, true));
    }
    lines.push((String::new(), body, false));
    for p in &doc.paragraphs {
        for l in wrap(font, body, p, max_w) {
            lines.push((l, body, false));
        }
    }
    let per_page = ((h as f32 - 2.0 * margin) / line_h) as usize;
    let mut rng = StdRng::seed_from_u64(style.seed);
    let mut scan = Scan {
        pages_text: Vec::new(),
        pages: Vec::new(),
    };
    let chunks: Vec<&[(String, PxScale, bool)]> = lines.chunks(per_page.max(1)).collect();
    let n_pages = chunks.len();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut img = RgbImage::from_fn(w, h, |_, _| {
            let g = style.paper.saturating_sub(rng.random_range(0..8));
            Rgb([g, g, g.saturating_sub(4)])
        });
        let mut y = margin;
        for (text, scale, centred) in chunk {
            let width = text_width(font, *scale, text);
            let x = if *centred {
                (w as f32 - width) / 2.0
            } else {
                margin
            };
            draw_text(&mut img, font, *scale, x, y + line_h * 0.8, text);
            y += line_h;
        }
        if style.seal && i + 1 == n_pages {
            let cy = (y + 1.2 * dpi).min(h as f32 - 1.0 * dpi);
            draw_seal(&mut img, w as f32 - margin - 1.0 * dpi, cy, 0.75 * dpi);
        }
        let img = rotate(&img, style.rotate, style.paper);
        let mut img = image::imageops::blur(&img, style.blur);
        let specks = (w as f32 * h as f32 * style.speckle) as usize;
        for _ in 0..specks {
            let (x, y) = (rng.random_range(0..w - 1), rng.random_range(0..h - 1));
            let g = rng.random_range(0u8..90);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                if dx + dy == 0 || rng.random_bool(0.5) {
                    img.put_pixel(x + dx, y + dy, Rgb([g, g, g]));
                }
            }
        }
        scan.pages_text.push(
            chunk
                .iter()
                .filter(|(t, _, _)| !t.is_empty())
                .map(|(t, _, _)| t.clone())
                .collect(),
        );
        scan.pages.push(img);
    }
    scan
}

/// An image-only PDF of the pages (JPEG, as scanners write them), A4 at the given dpi.
pub fn scan_pdf(pages: &[RgbImage], quality: u8) -> Result<Vec<u8>> {
    let pages = pages
        .iter()
        .map(|page| Ok(PdfPage::Image(PdfImage::jpeg(page, quality)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(write_pdf(&pages))
}

fn text_width(font: &FontVec, scale: PxScale, text: &str) -> f32 {
    let f = font.as_scaled(scale);
    text.chars().map(|c| f.h_advance(f.glyph_id(c))).sum()
}

fn wrap(font: &FontVec, scale: PxScale, text: &str, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(font, scale, &candidate) > max_w {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn draw_text(
    img: &mut RgbImage,
    font: &FontVec,
    scale: PxScale,
    x: f32,
    baseline: f32,
    text: &str,
) {
    let f = font.as_scaled(scale);
    let mut pen = x;
    for c in text.chars() {
        let id = f.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, point(pen, baseline));
        pen += f.h_advance(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let (px, py) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let ink = 25.0;
                    for ch in &mut p.0 {
                        *ch = (f32::from(*ch) * (1.0 - cov) + ink * cov) as u8;
                    }
                }
            });
        }
    }
}

/// A round red seal: two rings and a star, blended over what is below (ink shows through).
fn draw_seal(img: &mut RgbImage, cx: f32, cy: f32, r: f32) {
    let red = [200.0f32, 35.0, 45.0];
    let (w, h) = img.dimensions();
    let x0 = (cx - r).max(0.0) as u32;
    let y0 = (cy - r).max(0.0) as u32;
    for y in y0..((cy + r) as u32).min(h) {
        for x in x0..((cx + r) as u32).min(w) {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            let ring = (d > r * 0.9 && d < r * 0.97) || (d > r * 0.62 && d < r * 0.66);
            // A five-pointed star in the middle.
            let a = dy.atan2(dx);
            let star_r = r * 0.35 * (0.55 + 0.45 * (2.5 * a).cos().abs());
            let star = d < star_r;
            // Letters around the ring: short radial strokes.
            let letters = d > r * 0.7 && d < r * 0.85 && ((a * 40.0).sin() > 0.6);
            if ring || star || letters {
                let p = img.get_pixel_mut(x, y);
                for (ch, target) in p.0.iter_mut().zip(red) {
                    // Multiply blend, like ink on ink.
                    *ch = (f32::from(*ch) * target / 255.0).max(f32::from(*ch).min(target) * 0.6)
                        as u8;
                }
            }
        }
    }
}

fn rotate(img: &RgbImage, deg: f32, paper: u8) -> RgbImage {
    let (w, h) = img.dimensions();
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
            return Rgb([paper, paper, paper]);
        }
        let (x0, y0) = (sx as u32, sy as u32);
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let mut out = [0u8; 3];
        for (k, o) in out.iter_mut().enumerate() {
            let p = |xx, yy| f32::from(img.get_pixel(xx, yy).0[k]);
            let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
            let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
            *o = (top * (1.0 - fy) + bottom * fy) as u8;
        }
        Rgb(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_an_image_only_pdf_of_the_text() {
        let Ok(font) = load_font() else {
            panic!("install fonts-dejavu-core (the README's setup does)");
        };
        let doc = ScanDoc {
            heading: vec!["NGHỊ QUYẾT".into()],
            paragraphs: vec![
                "Điều 1. Phê chuẩn dự toán ngân sách huyện Than Uyên năm 2024.".into(),
            ],
        };
        let s = scan(&doc, &font, &ScanStyle::photocopy(7));
        assert_eq!(s.pages.len(), 1);
        assert_eq!((s.pages[0].width(), s.pages[0].height()), (1654, 2338));
        assert!(s.text().starts_with("NGHỊ QUYẾT\nĐiều 1. Phê chuẩn"));
        // Ink, paper and the red seal are all there.
        let px: Vec<_> = s.pages[0].pixels().collect();
        assert!(px.iter().any(|p| p.0[0] < 80 && p.0[1] < 80));
        assert!(
            px.iter()
                .any(|p| p.0[0] > 150 && p.0[1] < 90 && p.0[2] < 100)
        );
        let pdf = scan_pdf(&s.pages, 70).unwrap();
        let head = String::from_utf8_lossy(&pdf[..pdf.len().min(2000)]).into_owned();
        assert!(head.contains("/DCTDecode"));
        assert!(!String::from_utf8_lossy(&pdf).contains(" Tj"));
    }
}
