//! Bodies of the fault pages: legacy-encoded, malformed and oversized HTML.

use unicode_normalization::UnicodeNormalization;

/// Title of the windows-1258 legacy page (as Unicode text, NFC).
pub const LEGACY_PAGE_TITLE: &str = "Thông báo lịch tiếp công dân của Chủ tịch UBND huyện năm 2010";

/// A sentence of the legacy page's body (NFC), for extraction assertions.
pub const LEGACY_PAGE_SENTENCE: &str =
    "Chủ tịch Ủy ban nhân dân huyện Than Uyên tiếp công dân vào ngày 15 hằng tháng";

/// Title of the malformed page.
pub const MALFORMED_PAGE_TITLE: &str = "Xã Mường Kim ra quân làm thủy lợi đầu năm";

/// A sentence of the malformed page's body, for extraction assertions.
pub const MALFORMED_PAGE_SENTENCE: &str =
    "hơn 300 đoàn viên, thanh niên và Nhân dân các bản đã nạo vét 12 km kênh mương nội đồng";

/// The legacy page as UTF-8 HTML (before encoding); `meta` adds the charset declaration.
fn legacy_html(meta: bool) -> String {
    let meta_tag = if meta {
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">\n"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n{meta_tag}<title>{LEGACY_PAGE_TITLE}</title>\n</head>\n<body>\n<table width=\"760\" align=\"center\"><tr><td>\n<h1 class=\"title\">{LEGACY_PAGE_TITLE}</h1>\n<p><i>Cập nhật: 05/01/2010</i></p>\n<p>Thực hiện Luật Khiếu nại, tố cáo, {LEGACY_PAGE_SENTENCE}, tại trụ sở Ban tiếp công dân huyện. Trường hợp trùng ngày nghỉ, lễ, tết thì chuyển sang ngày làm việc kế tiếp.</p>\n<p>Công dân đến trình bày cần mang theo giấy tờ tùy thân và các tài liệu liên quan; đề nghị giữ gìn trật tự, không tụ tập đông người, không khiếu kiện vượt cấp.</p>\n<p>Ủy ban nhân dân huyện thông báo để cán bộ và Nhân dân các dân tộc trong huyện được biết, thực hiện.</p>\n</td></tr></table>\n</body>\n</html>\n"
    )
}

/// Encodes Vietnamese text as windows-1258: tone marks become combining characters, the
/// vowel shapes that code page has precomposed (â, ê, ô, ơ, ư, ă, đ) stay precomposed.
pub fn encode_windows_1258(text: &str) -> Vec<u8> {
    let mut decomposed = String::with_capacity(text.len() * 2);
    let chars: Vec<char> = text.nfd().collect();
    let mut i = 0;
    while i < chars.len() {
        // A base letter with its combining marks: the shape marks (circumflex, breve, horn)
        // are recomposed with the base, tone marks stay combining.
        let base = chars[i];
        let mut shape = String::from(base);
        let mut tones = String::new();
        i += 1;
        while i < chars.len() && ('\u{0300}'..='\u{036F}').contains(&chars[i]) {
            match chars[i] {
                '\u{0302}' | '\u{0306}' | '\u{031B}' => shape.push(chars[i]),
                mark => tones.push(mark),
            }
            i += 1;
        }
        decomposed.extend(shape.nfc());
        decomposed.push_str(&tones);
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&decomposed);
    bytes.into_owned()
}

/// The legacy page bytes; the meta declaration is included unless `undeclared`.
pub(crate) fn legacy_page(undeclared: bool) -> Vec<u8> {
    encode_windows_1258(&legacy_html(!undeclared))
}

/// A NukeViet-shaped article with broken markup: unclosed tags, a stray end tag, unquoted
/// attributes, an unterminated comment-free tail and no `</body></html>`.
pub(crate) fn malformed_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=utf-8><title>{MALFORMED_PAGE_TITLE}</title>\n<meta name=generator content=\"NukeViet v4.5\">\n</head>\n<body>\n<div id=timeoutsess class=chromeframe>Bạn đã không sử dụng Site, <a onclick=\"timeoutsesscancel();\" href=\"#\">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id=secField> 60 </span> giây</div>\n<div class=\"news_column panel panel-default\" itemtype=\"http://schema.org/NewsArticle\" itemscope>\n<div class=panel-body>\n<h1 class=\"title margin-bottom-lg\" itemprop=headline>{MALFORMED_PAGE_TITLE}</h1>\n<div class=\"row margin-bottom-lg\"><div class=col-md-12><span class=h5>Thứ hai - 12/02/2024 08:05</span></div></div>\n</div></div></div>\n<div class=clearfix><div class=\"hometext m-bottom\" itemprop=description>Ngay sau Tết Nguyên đán, xã Mường Kim ra quân làm thủy lợi<br>\n<div id=news-bodyhtml class=\"bodytext margin-bottom-lg\">\n<p>Trong 3 ngày ra quân, {MALFORMED_PAGE_SENTENCE}, bảo đảm nước tưới cho vụ Đông Xuân.\n<p>Xã đã huy động <b>1.200 ngày công, <i>sửa chữa 4 phai đập tạm</b></i> và trồng cỏ chống sạt lở bờ kênh.\n<table><tr><td>Bản<td>Km kênh<tr><td>Nà Khương<td>3,5<tr><td>Hua Pầu<td>2,0</table>\n<p>Nguồn tin: <strong>Phòng Nông nghiệp và PTNT\n</div>\n<script>var nv_base_siteurl=\"/\",nv_lang_data=\"vi\",nv_module_name=\"news\",nv_func_name=\"detail\",nv_my_ofs=7,nv_my_abbr=\"+07\";</script>\n"
    )
}

/// An HTML page of about `bytes` bytes (at least the skeleton).
pub(crate) fn oversized_page(bytes: usize) -> Vec<u8> {
    let head = "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Danh sách hộ nghèo toàn huyện</title></head><body><h1>Danh sách hộ nghèo toàn huyện</h1>\n";
    let row = "<p>Hộ gia đình tại bản Nà Ban, xã Mường Than, huyện Than Uyên: thu nhập bình quân dưới chuẩn nghèo đa chiều.</p>\n";
    let tail = "</body></html>\n";
    let mut out = String::with_capacity(bytes + row.len() * 2);
    out.push_str(head);
    while out.len() + tail.len() < bytes {
        out.push_str(row);
    }
    out.push_str(tail);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1258_round_trips_through_encoding_rs() {
        let bytes = encode_windows_1258(LEGACY_PAGE_SENTENCE);
        assert!(bytes.iter().all(|&b| b != b'&'), "no unmappable characters");
        let (decoded, _, had_errors) = encoding_rs::WINDOWS_1258.decode(&bytes);
        assert!(!had_errors);
        let nfc: String = decoded.nfc().collect();
        assert_eq!(nfc, LEGACY_PAGE_SENTENCE);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "must not be valid UTF-8"
        );
    }

    #[test]
    fn oversized_page_has_requested_size() {
        let page = oversized_page(100_000);
        assert!(
            page.len() >= 99_000 && page.len() <= 100_200,
            "{}",
            page.len()
        );
    }
}
