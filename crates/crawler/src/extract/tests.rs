//! Extraction tests on small pages modelled on NUKEVIET.md §6, §7 and §14.

use super::*;

const NEWS: &str = r##"<!DOCTYPE html>
<html lang="vi"><head><title>Huyện ủy Than Uyên&#x3A; quán triệt nghị quyết</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2023-08-29+0709:18:00">
<meta property="article:section" content="Tin tức - Sự kiện">
<link rel="canonical" href="https://thanuyen.laichau.gov.vn/news/tin-tuc-su-kien/huyen-uy-than-uyen-quan-triet-1234.html">
<link rel="alternate" type="application/rss+xml" href="/news/rss/" title="Tin tức">
</head><body>
<noscript><div class="alert alert-danger">Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.</div></noscript>
<nav class="third-nav"><ul class="temp-breadcrumbs hidden">
<li itemprop="itemListElement"><a itemprop="item" href="/"><span itemprop="name">Trang nhất</span></a></li>
<li itemprop="itemListElement"><a itemprop="item" href="/news/"><span itemprop="name">Tin tức</span></a></li>
<li itemprop="itemListElement"><a itemprop="item" href="/news/tin-tuc-su-kien/"><span itemprop="name">Tin tức - Sự kiện</span></a></li>
</ul></nav>
<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>
<div class="panel-body">
<h1 class="title margin-bottom-lg" itemprop="headline">Huyện ủy Than Uyên&#x3A; quán triệt nghị quyết</h1>
<div class="hidden hide d-none"><span itemprop="datePublished">2023-09-01T10:00:00+07:00</span></div>
<div class="row margin-bottom-lg"><div class="col-md-12"><span class="h5">Thứ ba - 29/08/2023 09:18</span></div>
<div class="col-md-12"><ul class="list-inline text-right"><li><a href="/news/savefile/tin-tuc-su-kien/huyen-uy-1234.html" rel="nofollow"><em class="fa fa-save"></em></a></li></ul></div></div>
<div class="clearfix">
<figure class="article left pointer"><img class="img-thumbnail" src="/assets/news/2023_08/a.jpg"><figcaption>Quang cảnh hội nghị</figcaption></figure>
<div id="imgpreview" style="display:none"><img src="/uploads/news/2023_08/a.jpg"><figcaption>Quang cảnh hội nghị</figcaption></div>
<div class="hometext m-bottom" itemprop="description">Sáng 29/8, Huyện ủy tổ chức hội nghị.<br />Dòng thứ hai của sapo.</div>
</div>
<div id="news-bodyhtml" class="bodytext margin-bottom-lg">
<p>Đoạn một của bài viết về nghị quyết Đảng.</p>
<figure class="image image-center"><img src="/uploads/news/2023_08/b.jpg"><figcaption>Đồng chí Bí thư phát biểu</figcaption></figure>
<table><tr><td>Chỉ tiêu</td><td>Kết quả</td></tr></table>
<p style="text-align:center"><em>Ảnh: Báo Lai Châu</em></p>
<script>var x = "không lấy";</script>
</div>
<div class="panel panel-default"><div class="panel-heading"><i class="fa fa-download"></i> <strong>File đính kèm</strong></div>
<div class="list-group news-download-file"><div class="list-group-item">
<a href="/news/tin-tuc-su-kien/huyen-uy-than-uyen-quan-triet-1234.html?download=1&amp;id=0" download>Tập tin : <strong>nghi-quyet.pdf</strong></a>
<div class="collapse" id="file-abc" data-src="x?pdf=1&id=0"><iframe></iframe></div></div></div></div>
<div class="margin-bottom-lg">
<p class="h5 text-right"><strong>Tác giả: </strong>Minh Anh</p>
<p class="h5 text-right"><strong>Nguồn tin: </strong>Báo Lai Châu</p>
</div></div></div>
<div class="news_column panel panel-default"><div class="panel-body"><div class="h5"><em class="fa fa-tags">&nbsp;</em><strong>Tags: </strong>
<a title="nông thôn mới" href="/news/tag/nông-thôn-mới"><em>nông thôn mới</em></a>, <a title="Than Uyên" href="/news/tag/than-uyên"><em>Than Uyên</em></a></div></div></div>
<div class="news_column panel panel-default"><div class="panel-body"><form id="form3B"><div class="h5"><p id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p></div></form></div></div>
<div class="news_column panel panel-default"><div class="panel-body other-news"><p class="h3"><strong>Những tin mới hơn</strong></p>
<ul class="related"><li><h4><a href="/news/tin-tuc-su-kien/bai-khac-1235.html">Bài khác</a></h4></li></ul></div></div>
<div id="timeoutsess" class="chromeframe">Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> giây</div>
<script>var nv_base_siteurl="/",nv_lang_data="vi",nv_module_name="news",nv_func_name="detail",nv_my_ofs=7,nv_my_abbr="+07",nv_cookie_prefix="nv4c_Ab3xZ";</script>
</body></html>"##;

const LAW: &str = r#"<!DOCTYPE html><html><head><title>Nghị quyết 140</title>
<link rel="canonical" href="https://thanuyen.laichau.gov.vn/laws/detail/Nghi-quyet-ve-du-toan-ngan-sach-57/">
</head><body>
<div class="panel panel-default"><div class="panel-body">
<h1 class="lawh3">Nghị quyết về dự toán ngân sách huyện năm 2024</h1>
<p>Về việc phê chuẩn dự toán ngân sách<br />địa phương năm 2024</p>
<div class="table-responsive"><table class="table table-striped table-bordered table-hover"><tbody>
<tr class="hoatim"><td class="text-right" style="width:160px">Số kí hiệu</td><td>140&#x002F;NQ-HĐND</td></tr>
<tr class="hoatim"><td class="text-right">Ngày ban hành</td><td>15/12/2023</td></tr>
<tr class="hoatim"><td class="text-right">Ngày bắt đầu hiệu lực</td><td>01/01/2024</td></tr>
<tr class="hoatim"><td class="text-right">Thể loại</td><td><a href="/laws/Nghi-quyet/" rel="dofollow">Nghị quyết</a></td></tr>
<tr class="hoatim"><td class="text-right"> Lĩnh vực </td><td><a href="/laws/area/Tai-chinh/">Tài chính</a><br /><a href="/laws/area/Ngan-sach/">Ngân sách</a><br /></td></tr>
<tr class="hoatim"><td class="text-right">Cơ quan ban hành</td><td><a href="/laws/subject/HDND/">HĐND huyện Than Uyên</a></td></tr>
<tr class="hoatim"><td class="text-right">Người ký</td><td><a href="/laws/signer/3/Nguyen-Van-A/">Nguyễn Văn A</a></td></tr>
</tbody></table></div>
<h2 class="lawh3">Nội dung</h2>
<p class="m-bottom"><div><p>Điều 1. Phê chuẩn dự toán.</p><p>Điều 2. Tổ chức thực hiện.</p></div></p>
<div id="comment"></div>
<h2 class="lawh3"><em class="fa fa-download"></em> File đính kèm</h2>
<div class="list-group laws-download-file"><div class="list-group-item">
<a rel="dofollow" href="/laws/detail/Nghi-quyet-ve-du-toan-ngan-sach-57/?download=1&amp;id=0">Tải tập tin 1: <strong>140-NQ-HDND.pdf</strong></a></div>
<div class="list-group-item"><a rel="dofollow" href="/laws/detail/Nghi-quyet-ve-du-toan-ngan-sach-57/?download=1&amp;id=1">Tải tập tin 2: <strong>phu-luc.docx</strong></a></div></div>
<h2 class="subtitle">Các văn bản cùng thể loại "Nghị quyết"</h2>
</div></div>
<script>var nv_base_siteurl="/",nv_module_name="laws",nv_func_name="detail",nv_my_ofs=7;</script>
</body></html>"#;

#[test]
fn news_article_fields() {
    let got = extract(
        "http://127.0.0.1:9/news/tin-tuc-su-kien/huyen-uy-than-uyen-quan-triet-1234.html?utm_source=x",
        NEWS,
    );
    let Extracted::News(r) = got else {
        panic!("expected news, got {got:?}")
    };
    assert_eq!(r.id, "news-1234");
    assert_eq!(r.kind, Kind::News);
    assert_eq!(
        r.url,
        "https://thanuyen.laichau.gov.vn/news/tin-tuc-su-kien/huyen-uy-than-uyen-quan-triet-1234.html"
    );
    assert_eq!(r.title, "Huyện ủy Than Uyên: quán triệt nghị quyết");
    assert_eq!(
        r.published_at.unwrap().to_rfc3339(),
        "2023-08-29T09:18:00+07:00"
    );
    assert_eq!(r.date, chrono::NaiveDate::from_ymd_opt(2023, 8, 29));
    assert_eq!(
        r.lead,
        "Sáng 29/8, Huyện ủy tổ chức hội nghị.\nDòng thứ hai của sapo."
    );
    assert!(
        r.body
            .starts_with("Đoạn một của bài viết về nghị quyết Đảng."),
        "{}",
        r.body
    );
    assert_eq!(r.body.matches("Đồng chí Bí thư phát biểu").count(), 1);
    assert!(r.body.contains("Chỉ tiêu Kết quả"), "{}", r.body);
    assert!(r.body.contains("\n\nẢnh: Báo Lai Châu"));
    assert!(!r.body.contains("không lấy"));
    assert!(!r.body.contains("Bạn đã không sử dụng Site"));
    assert_eq!(r.author.as_deref(), Some("Minh Anh"));
    assert_eq!(r.source.as_deref(), Some("Báo Lai Châu"));
    assert_eq!(r.category.as_deref(), Some("Tin tức - Sự kiện"));
    assert_eq!(
        r.tags,
        vec!["nông thôn mới".to_string(), "Than Uyên".to_string()]
    );
    assert_eq!(r.attachments.len(), 1);
    assert_eq!(r.attachments[0].name, "nghi-quyet.pdf");
    assert_eq!(
        r.attachments[0].url,
        "https://thanuyen.laichau.gov.vn/news/tin-tuc-su-kien/huyen-uy-than-uyen-quan-triet-1234.html?download=1&id=0"
    );
}

#[test]
fn news_date_uses_page_offset() {
    let html = NEWS.replace("nv_my_ofs=7", "nv_my_ofs=-5");
    let r = extract("http://h/news/a/b-1234.html", &html)
        .into_record()
        .unwrap();
    assert_eq!(
        r.published_at.unwrap().to_rfc3339(),
        "2023-08-29T09:18:00-05:00"
    );
}

#[test]
fn legal_document_fields() {
    let got = extract(
        "http://127.0.0.1:9/laws/detail/Nghi-quyet-ve-du-toan-ngan-sach-57/",
        LAW,
    );
    let Extracted::Legal(r) = got else {
        panic!("expected legal, got {got:?}")
    };
    assert_eq!(r.id, "laws-57");
    assert_eq!(
        r.url,
        "https://thanuyen.laichau.gov.vn/laws/detail/Nghi-quyet-ve-du-toan-ngan-sach-57/"
    );
    assert_eq!(r.title, "Nghị quyết về dự toán ngân sách huyện năm 2024");
    assert_eq!(
        r.lead,
        "Về việc phê chuẩn dự toán ngân sách\nđịa phương năm 2024"
    );
    assert_eq!(r.doc_number.as_deref(), Some("140/NQ-HĐND"));
    assert_eq!(r.date, chrono::NaiveDate::from_ymd_opt(2023, 12, 15));
    assert_eq!(
        r.effective_date,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
    );
    assert_eq!(r.expiry_date, None);
    assert_eq!(r.doc_type.as_deref(), Some("Nghị quyết"));
    assert_eq!(
        r.fields,
        vec!["Tài chính".to_string(), "Ngân sách".to_string()]
    );
    assert_eq!(r.issuer.as_deref(), Some("HĐND huyện Than Uyên"));
    assert_eq!(r.signer.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(
        r.body,
        "Điều 1. Phê chuẩn dự toán.\n\nĐiều 2. Tổ chức thực hiện."
    );
    assert_eq!(r.attachments.len(), 2);
    assert_eq!(r.attachments[1].name, "phu-luc.docx");
    assert!(r.attachments[0].url.ends_with("-57/?download=1&id=0"));
}

#[test]
fn legal_h3_variant_and_nfd_labels() {
    let nfd: String = "Người ký".nfd().collect();
    let html = LAW
        .replace("h1 class=\"lawh3\"", "h3 class=\"lawh3\"")
        .replace("</h1>", "</h3>")
        .replace("Người ký", &nfd);
    let r = extract("http://h/laws/detail/X-57/", &html)
        .into_record()
        .unwrap();
    assert_eq!(r.signer.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(r.title, "Nghị quyết về dự toán ngân sách huyện năm 2024");
}

#[test]
fn flood_page_even_with_200() {
    let html = "<html><head><title>Hãy đợi...</title></head><body><p>Hệ thống đang từ chối truy cập của bạn</p><p>Hãy đợi 30 giây</p></body></html>";
    assert_eq!(extract("http://h/news/", html), Extracted::FloodPage);
    assert!(is_flood_page(html));
    assert!(!is_flood_page(NEWS));
}

#[test]
fn error_page() {
    let html = r#"<html><head><title>Lỗi truy cập 404</title><meta http-equiv="Refresh" content="3;URL=/news/"></head><body>Không tìm thấy</body></html>"#;
    assert_eq!(
        extract("http://h/news/a/b-9.html", html),
        Extracted::ErrorPage
    );
}

#[test]
fn listing_links() {
    let html = r#"<html><head><link rel="canonical" href="https://p.vn/news/tin-tuc/page-2/">
<link rel="prev" href="https://p.vn/news/tin-tuc/"><link rel="next" href="https://p.vn/news/tin-tuc/page-3/">
<link rel="alternate" type="application/rss+xml" href="/news/rss/tin-tuc/"><link rel="stylesheet" href="/a.css"></head>
<body><div class="news_column"><h3><a href="/news/tin-tuc/a-1.html#x">A</a></h3><a href="javascript:void(0)">x</a>
<a href="/news/tin-tuc/a-1.html">A again</a><a href="mailto:a@b">m</a><a href="/news/tag/nông-thôn">tag</a></div>
<script>var nv_module_name="news",nv_func_name="viewcat";</script></body></html>"#;
    assert_eq!(
        extract("http://h/news/tin-tuc/page-2/", html),
        Extracted::Listing
    );
    let l = extract_links("http://h/news/tin-tuc/page-2/", html);
    assert_eq!(
        l.canonical.as_deref(),
        Some("https://p.vn/news/tin-tuc/page-2/")
    );
    assert_eq!(
        l.rel_next.as_deref(),
        Some("https://p.vn/news/tin-tuc/page-3/")
    );
    assert_eq!(l.rel_prev.as_deref(), Some("https://p.vn/news/tin-tuc/"));
    assert_eq!(
        l.rss_alternates,
        vec!["http://h/news/rss/tin-tuc/".to_string()]
    );
    assert!(
        l.links
            .contains(&"http://h/news/tin-tuc/a-1.html".to_string())
    );
    assert!(
        l.links
            .contains(&"http://h/news/tag/n%C3%B4ng-th%C3%B4n".to_string())
    );
    assert!(
        !l.links
            .iter()
            .any(|x| x.contains("a.css") || x.starts_with("javascript") || x.starts_with("mailto"))
    );
    assert_eq!(
        l.links.iter().filter(|x| x.ends_with("a-1.html")).count(),
        1
    );
}

#[test]
fn malformed_html_still_extracts() {
    let html = "<html><body><div itemtype=\"http://schema.org/NewsArticle\"><h1 itemprop=headline>Tiêu đề <b>lỗi<div id=news-bodyhtml><p>Nội dung <i>chưa đóng<p>Đoạn hai</div><script>var nv_module_name=\"news\",nv_func_name=\"detail\";</script>";
    let r = extract("http://h/news/a/tieu-de-5.html", html)
        .into_record()
        .unwrap();
    assert_eq!(r.id, "news-5");
    assert!(r.body.contains("Đoạn hai"));
}

#[test]
fn script_vars() {
    let s = page_script(
        r#"var nv_base_siteurl="/",nv_module_name="van-ban",nv_func_name="detail",nv_my_ofs=5.5,nv_my_abbr="+0530";"#,
    );
    assert_eq!(s.module.as_deref(), Some("van-ban"));
    assert_eq!(s.func.as_deref(), Some("detail"));
    assert_eq!(s.offset_hours, Some(5.5));
}
