//! Cleaning a scanned page before Tesseract reads it: drop the red seal (keep each pixel's
//! brightest channel), upscale to about 300 dpi, despeckle (3×3 median), deskew (the angle
//! whose horizontal projection has the sharpest rows) and binarise (Otsu).

use image::{GrayImage, Luma, RgbImage};

/// The resolution Tesseract reads best.
pub const TARGET_DPI: u32 = 300;

/// The largest skew searched for, in degrees.
const MAX_SKEW: f32 = 3.0;

/// The cleaned, binarised page (black text on white) of a colour scan at `dpi`.
pub fn preprocess(page: &RgbImage, dpi: u32) -> GrayImage {
    let grey = drop_red(page);
    let grey = if dpi > 0 && dpi < TARGET_DPI * 9 / 10 {
        let (w, h) = grey.dimensions();
        let scale = TARGET_DPI as f32 / dpi as f32;
        image::imageops::resize(
            &grey,
            (w as f32 * scale).round() as u32,
            (h as f32 * scale).round() as u32,
            image::imageops::FilterType::CatmullRom,
        )
    } else {
        grey
    };
    let grey = median3(&grey);
    let threshold = otsu(&grey);
    let angle = skew_angle(&grey, threshold);
    let grey = if angle.abs() >= 0.1 {
        rotate(&grey, -angle)
    } else {
        grey
    };
    binarise(&grey, threshold)
}

/// Greyscale from the brightest channel: black text stays black, a red (or blue) seal and
/// signature turn light.
pub fn drop_red(page: &RgbImage) -> GrayImage {
    GrayImage::from_fn(page.width(), page.height(), |x, y| {
        let p = page.get_pixel(x, y).0;
        Luma([p[0].max(p[1]).max(p[2])])
    })
}

/// 3×3 median filter: removes isolated specks without eroding strokes much.
pub fn median3(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if w < 3 || h < 3 {
        return img.clone();
    }
    let src = img.as_raw();
    let mut out = img.clone();
    let w = w as usize;
    let h = h as usize;
    let dst: &mut [u8] = &mut out;
    let mut win = [0u8; 9];
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut k = 0;
            for dy in 0..3 {
                let row = (y + dy - 1) * w + x - 1;
                win[k..k + 3].copy_from_slice(&src[row..row + 3]);
                k += 3;
            }
            win.sort_unstable();
            dst[y * w + x] = win[4];
        }
    }
    out
}

/// Otsu's threshold of a greyscale image.
pub fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in img.as_raw() {
        hist[*p as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, c)| i as f64 * *c as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut best_t) = (0u64, 0f64, -1f64, 128u8);
    for (t, count) in hist.iter().enumerate() {
        w_b += count;
        if w_b == 0 {
            continue;
        }
        let w_f = total - w_b;
        if w_f == 0 {
            break;
        }
        sum_b += t as f64 * *count as f64;
        let m_b = sum_b / w_b as f64;
        let m_f = (sum_all - sum_b) / w_f as f64;
        let between = w_b as f64 * w_f as f64 * (m_b - m_f) * (m_b - m_f);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Black where darker than the threshold, white elsewhere.
pub fn binarise(img: &GrayImage, threshold: u8) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([if img.get_pixel(x, y).0[0] <= threshold {
            0
        } else {
            255
        }])
    })
}

/// The skew of the text lines in degrees (positive: lines go down to the right), found by
/// maximising the variance of the row profile of the dark pixels over candidate angles.
pub fn skew_angle(img: &GrayImage, threshold: u8) -> f32 {
    // Dark pixels of a 4× smaller grid are enough to see the lines.
    let step = 4u32;
    let points: Vec<(f32, f32)> = (0..img.height())
        .step_by(step as usize)
        .flat_map(|y| {
            (0..img.width())
                .step_by(step as usize)
                .filter(move |&x| img.get_pixel(x, y).0[0] <= threshold)
                .map(move |x| (x as f32, y as f32))
        })
        .collect();
    if points.len() < 100 {
        return 0.0;
    }
    let rows = (img.height() + img.width()) as usize / step as usize + 2;
    let score = |deg: f32| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let mut hist = vec![0u32; rows * 2];
        let offset = rows as f32;
        for (x, y) in &points {
            let r = ((y * c - x * s) / step as f32 + offset) as usize;
            if let Some(b) = hist.get_mut(r) {
                *b += 1;
            }
        }
        hist.iter().map(|v| f64::from(*v) * f64::from(*v)).sum()
    };
    let mut best = (score(0.0), 0.0f32);
    let mut deg = -MAX_SKEW;
    while deg <= MAX_SKEW {
        let s = score(deg);
        if s > best.0 {
            best = (s, deg);
        }
        deg += 0.2;
    }
    // Refine around the best coarse angle.
    let centre = best.1;
    let mut deg = centre - 0.2;
    while deg <= centre + 0.2 {
        let s = score(deg);
        if s > best.0 {
            best = (s, deg);
        }
        deg += 0.05;
    }
    best.1
}

/// Rotates by `deg` degrees about the centre (bilinear), filling with white.
pub fn rotate(img: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let dx = x as f32 - cx;
        let dy = y as f32 - cy;
        // Inverse mapping: where this output pixel comes from.
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        Luma([sample(img, sx, sy)])
    })
}

fn sample(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f32 || y >= (h - 1) as f32 {
        return 255;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx, yy| f32::from(img.get_pixel(xx, yy).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
    let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A white page with dark horizontal "lines of text" (bars with gaps), rotated by `deg`.
    fn lined_page(deg: f32) -> GrayImage {
        let page = GrayImage::from_fn(800, 600, |x, y| {
            let in_line = (y / 10) % 3 == 1 && (100..700).contains(&x) && (x / 7) % 5 != 0;
            Luma([if in_line { 20 } else { 230 }])
        });
        rotate(&page, deg)
    }

    #[test]
    fn deskew_finds_the_angle() {
        for deg in [-1.5f32, 0.0, 1.2] {
            let page = lined_page(deg);
            let found = skew_angle(&page, otsu(&page));
            assert!((found - deg).abs() <= 0.15, "rotated {deg}, found {found}");
        }
    }

    #[test]
    fn red_seal_is_dropped_and_text_kept() {
        let mut page = RgbImage::from_pixel(4, 1, Rgb([215, 212, 205]));
        page.put_pixel(1, 0, Rgb([20, 20, 25])); // ink
        page.put_pixel(2, 0, Rgb([200, 30, 35])); // seal
        let grey = drop_red(&page);
        let t = otsu(&grey);
        let bw = binarise(&grey, t);
        assert_eq!(bw.get_pixel(1, 0).0[0], 0);
        assert_eq!(bw.get_pixel(2, 0).0[0], 255);
        assert_eq!(bw.get_pixel(0, 0).0[0], 255);
    }

    #[test]
    fn specks_are_removed() {
        let mut page = GrayImage::from_pixel(9, 9, Luma([240]));
        page.put_pixel(4, 4, Luma([0]));
        assert_eq!(median3(&page).get_pixel(4, 4).0[0], 240);
    }
}
