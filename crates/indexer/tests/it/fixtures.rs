//! A small set of Vietnamese records covering the cases the tests need.

use chrono::NaiveDate;
use crawler::{Kind, Record};

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

#[allow(clippy::too_many_arguments)]
fn legal(
    id: &str,
    number: &str,
    doc_type: &str,
    issuer: &str,
    title: &str,
    lead: &str,
    issued: NaiveDate,
    expiry: Option<NaiveDate>,
) -> Record {
    let mut r = Record::new(
        id,
        Kind::Legal,
        format!("https://thanuyen.laichau.gov.vn/van-ban/{id}"),
    );
    r.title = title.to_owned();
    r.lead = lead.to_owned();
    r.body = format!("Số: {number}\n\n{lead}\n\nNghị quyết này có hiệu lực kể từ ngày ký.");
    r.doc_number = Some(number.to_owned());
    r.doc_type = Some(doc_type.to_owned());
    r.issuer = Some(issuer.to_owned());
    r.signer = Some("Lò Văn Thắng".to_owned());
    r.fields = vec!["Tài chính".to_owned()];
    r.date = Some(issued);
    r.effective_date = Some(issued);
    r.expiry_date = expiry;
    r
}

fn news(id: &str, title: &str, body: &str, published: NaiveDate, category: &str) -> Record {
    let mut r = Record::new(
        id,
        Kind::News,
        format!("https://thanuyen.laichau.gov.vn/tin-tuc/{id}"),
    );
    r.title = title.to_owned();
    r.lead = String::new();
    r.body = body.to_owned();
    r.date = Some(published);
    r.category = Some(category.to_owned());
    r
}

/// The fixture records.
pub(crate) fn records() -> Vec<Record> {
    vec![
        legal(
            "laws-140",
            "140/NQ-HĐND",
            "Nghị quyết",
            "HĐND huyện Than Uyên",
            "Nghị quyết về việc giao dự toán thu ngân sách năm 2024",
            "Giao dự toán thu ngân sách nhà nước trên địa bàn huyện",
            date(2023, 12, 20),
            None,
        ),
        legal(
            "laws-141",
            "141/NQ-HĐND",
            "Nghị quyết",
            "HĐND huyện Than Uyên",
            "Nghị quyết phê chuẩn quyết toán ngân sách",
            "Phê chuẩn quyết toán thu chi ngân sách địa phương",
            date(2023, 12, 20),
            None,
        ),
        legal(
            "laws-1285",
            "1285/QĐ-UBND",
            "Quyết định",
            "UBND huyện Than Uyên",
            "Quyết định ban hành kế hoạch phòng chống thiên tai",
            "Ban hành kế hoạch phòng chống thiên tai và tìm kiếm cứu nạn",
            date(2019, 5, 10),
            Some(date(2020, 1, 1)),
        ),
        legal(
            "laws-5-2021",
            "05/NQ-HĐND",
            "Nghị quyết",
            "HĐND xã Mường Kim",
            "Nghị quyết về kế hoạch đầu tư công xã Mường Kim",
            "Kế hoạch đầu tư công trung hạn của xã",
            date(2021, 3, 1),
            Some(date(2022, 3, 1)),
        ),
        legal(
            "laws-5-2022",
            "05/NQ-HĐND",
            "Nghị quyết",
            "HĐND huyện Than Uyên",
            "Nghị quyết về chương trình giám sát năm 2022",
            "Chương trình giám sát của Hội đồng nhân dân huyện",
            date(2022, 1, 15),
            None,
        ),
        legal(
            "laws-hu-5",
            "05-NQ/HU",
            "Nghị quyết",
            "Huyện ủy Than Uyên",
            "Nghị quyết của Huyện ủy về xây dựng nông thôn mới",
            "Lãnh đạo xây dựng nông thôn mới giai đoạn 2021-2025",
            date(2021, 6, 1),
            None,
        ),
        news(
            "news-1",
            "Năm 2024 huyện hoàn thành kế hoạch thu ngân sách",
            "Trong năm 2024, huyện Than Uyên đã thu ngân sách vượt dự toán được giao.",
            date(2024, 12, 30),
            "Kinh tế",
        ),
        news(
            "news-2",
            "Đoàn công tác của huyện thăm các tỉnh miền Nam",
            "Đoàn công tác đã đến thăm và học tập kinh nghiệm tại các tỉnh miền Nam.",
            date(2024, 4, 2),
            "Chính trị",
        ),
        news(
            "news-3",
            "Ngày hội hòa giải ở cơ sở",
            "Các tổ hòa giải ở cơ sở tham gia ngày hội; Ủy ban nhân dân xã chủ trì.",
            date(2023, 10, 5),
            "Pháp luật",
        ),
        news(
            "news-4",
            "Tuyên truyền về hoà giải và thủy lợi",
            "Hội nghị tuyên truyền về công tác hoà giải, thuỷ lợi nội đồng.",
            date(2023, 11, 5),
            "Pháp luật",
        ),
        news(
            "news-5",
            "Cảnh báo mã độc trên trang tin",
            "Đoạn mã <script>alert('x')</script> được phát hiện trên trang tin điện tử.",
            date(2022, 8, 1),
            "Công nghệ",
        ),
        news(
            "news-6",
            "Than Uyên triển khai nghị quyết Đại hội Đảng bộ huyện",
            "Huyện ủy Than Uyên quán triệt, triển khai nghị quyết Đảng bộ huyện lần thứ XXII.",
            date(2023, 8, 29),
            "Chính trị",
        ),
    ]
}
