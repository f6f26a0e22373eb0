//! Text helpers that mimic NukeViet: aliases, `get_title` escaping, dates, descriptions.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use unicode_normalization::UnicodeNormalization;

/// NukeViet `change_alias()`: strip diacritics, `đ` -> `d`, non-alphanumeric runs -> `-`.
pub fn change_alias(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfd() {
        let c = match c {
            'đ' => 'd',
            'Đ' => 'D',
            c if ('\u{0300}'..='\u{036F}').contains(&c) => continue,
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// NukeViet `change_alias_tags()`: keeps Vietnamese letters, spaces become `-`, lowercase.
pub fn tag_alias(tag: &str) -> String {
    let lowered: String = tag.nfc().collect::<String>().to_lowercase();
    lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `get_title(..., specialchars=1)`: the entity scheme of titles and law codes (§10).
pub fn nv_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#039;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '/' => out.push_str("&#x002F;"),
            ':' => out.push_str("&#x3A;"),
            '(' => out.push_str("&#40;"),
            ')' => out.push_str("&#41;"),
            '=' | '%' | '!' | '*' | '[' | ']' | '{' | '}' | '^' | '`' | '~' | '\\' | '#' => {
                out.push_str(&format!("&#{};", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// `nv_htmlspecialchars`: `& < > " '` only (names of categories, issuers...).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            c => out.push(c),
        }
    }
    out
}

/// Removes tags and decodes the few entities the data uses; collapses whitespace.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Meta description: plain text cut at a word boundary to <= 170 chars plus `...`, escaped.
pub fn meta_description(html: &str) -> String {
    let text = strip_tags(html);
    if text.chars().count() <= 170 {
        return nv_title(&text);
    }
    let mut cut = String::new();
    for word in text.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > 170 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    nv_title(&format!("{cut}..."))
}

/// Full Vietnamese weekday name (`l`).
pub fn weekday_vi(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "Thứ hai",
        Weekday::Tue => "Thứ ba",
        Weekday::Wed => "Thứ tư",
        Weekday::Thu => "Thứ năm",
        Weekday::Fri => "Thứ sáu",
        Weekday::Sat => "Thứ bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// Parses `YYYY-MM-DD HH:MM` (site-local time).
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M").ok()
}

/// Parses `dd/mm/YYYY`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%d/%m/%Y").ok()
}

/// `l - d/m/Y H:i`: `Thứ ba - 29/08/2023 09:18`.
pub fn detail_time(t: NaiveDateTime) -> String {
    format!("{} - {}", weekday_vi(t.date()), t.format("%d/%m/%Y %H:%M"))
}

/// ISO 8601 with the +07:00 offset (sitemap `lastmod`, itemprop dates).
pub fn iso(t: NaiveDateTime) -> String {
    format!("{}+07:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The malformed `article:published_time`: `2023-08-29+0709:18:00`.
pub fn broken_article_time(t: NaiveDateTime) -> String {
    format!("{}+07{}", t.format("%Y-%m-%d"), t.format("%H:%M:%S"))
}

/// RSS `pubDate` with NukeViet's bug: `gmdate('D, j M Y H:m:s')` puts the month in the
/// minutes slot and seconds are always those of the item.
pub fn rss_date_buggy(t: NaiveDateTime) -> String {
    let utc = t - chrono::Duration::hours(7);
    format!(
        "{}, {} {} {} {}:{:02}:{} GMT",
        utc.format("%a"),
        utc.day(),
        utc.format("%b"),
        utc.year(),
        utc.format("%H"),
        utc.month(),
        utc.format("%S")
    )
}

/// Converts text to NFD (the "mess" flag of data items).
pub fn to_nfd(text: &str) -> String {
    text.nfd().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_follow_nukeviet() {
        assert_eq!(
            change_alias("Than Uyên: Đưa nghị quyết của Đảng vào cuộc sống (Bài 3)"),
            "Than-Uyen-Dua-nghi-quyet-cua-Dang-vao-cuoc-song-Bai-3"
        );
        assert_eq!(tag_alias("Nông thôn mới"), "nông-thôn-mới");
    }

    #[test]
    fn titles_are_entity_escaped() {
        assert_eq!(nv_title("140/NQ-HĐND"), "140&#x002F;NQ-HĐND");
        assert_eq!(nv_title("Hội nghị: (1)"), "Hội nghị&#x3A; &#40;1&#41;");
        assert_eq!(nv_title("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn rss_minutes_bug_matches_the_doc() {
        let t = parse_datetime("2023-08-29 09:18").expect("date");
        assert_eq!(rss_date_buggy(t), "Tue, 29 Aug 2023 02:08:00 GMT");
        assert_eq!(detail_time(t), "Thứ ba - 29/08/2023 09:18");
        assert_eq!(broken_article_time(t), "2023-08-29+0709:18:00");
    }
}
