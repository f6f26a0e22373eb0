//! Vietnamese date parsing for NukeViet pages (NUKEVIET.md §9).
//!
//! NukeViet prints day-first dates (`29/08/2023`, `Thứ ba - 29/08/2023 09:18`, `ngày 29
//! tháng 8 năm 2023`) in the time zone given by the page's own `nv_my_ofs`, and emits a
//! malformed `article:published_time` (`2023-08-29+0709:18:00`). These helpers read them all.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// The offset Vietnam uses (+07:00, no daylight saving), the fallback when a page gives none.
pub const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// Builds a fixed offset from NukeViet's `nv_my_ofs` hours (may be fractional, e.g. `5.5`).
pub fn offset_from_hours(hours: f64) -> Option<FixedOffset> {
    if !hours.is_finite() || hours.abs() > 14.0 {
        return None;
    }
    FixedOffset::east_opt((hours * 3600.0).round() as i32)
}

/// The default offset (+07:00).
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("valid constant offset")
}

/// Splits text into runs of ASCII digits, keeping their byte positions.
fn digit_runs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// Finds the first `d/m/yyyy` (or `d-m-yyyy`, `d.m.yyyy`) date in text, with an optional
/// `HH:MM[:SS]` time right after it.
pub fn find_dmy(text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let runs = digit_runs(text);
    for w in 0..runs.len().saturating_sub(2) {
        let (s0, d) = runs[w];
        let (s1, m) = runs[w + 1];
        let (s2, y) = runs[w + 2];
        let sep1 = &text[s0 + d.len()..s1];
        let sep2 = &text[s1 + m.len()..s2];
        if !(matches!(sep1, "/" | "-" | ".") && sep1 == sep2) {
            continue;
        }
        if d.len() > 2 || m.len() > 2 || y.len() != 4 {
            continue;
        }
        let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) else {
            continue;
        };
        let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
            continue;
        };
        // Optional time: whitespace then HH:MM[:SS].
        let mut time = None;
        if let Some(&(s3, h)) = runs.get(w + 3) {
            let gap = &text[s2 + 4..s3];
            if (!gap.is_empty() && gap.trim().is_empty() || gap.trim() == ",")
                && let Some(&(s4, mi)) = runs.get(w + 4)
                && &text[s3 + h.len()..s4] == ":"
            {
                let sec = runs
                    .get(w + 5)
                    .and_then(|&(s5, sec)| (&text[s4 + mi.len()..s5] == ":").then_some(sec));
                time = NaiveTime::from_hms_opt(
                    h.parse().unwrap_or(99),
                    mi.parse().unwrap_or(99),
                    sec.and_then(|s| s.parse().ok()).unwrap_or(0),
                );
            }
        }
        return Some((date, time));
    }
    None
}

/// Parses the first day-first date in text (`29/08/2023`, `Ngày ban hành: 29/08/2023`,
/// `ngày 29 tháng 8 năm 2023`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    find_dmy(text)
        .map(|(d, _)| d)
        .or_else(|| parse_long_form(text))
        .or_else(|| parse_iso_date(text))
}

/// Parses `ngày 29 tháng 8 năm 2023` (any case).
fn parse_long_form(text: &str) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    for i in 0..words.len() {
        if words[i] == "ngày"
            && i + 5 < words.len()
            && words[i + 2] == "tháng"
            && words[i + 4] == "năm"
        {
            let d = words[i + 1]
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()?;
            let m = words[i + 3]
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()?;
            let y = words[i + 5]
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()?;
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    None
}

/// Parses a leading ISO `YYYY-MM-DD`.
fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

/// Parses a local date-time (`Thứ ba - 29/08/2023 09:18`, `29/08/2023 09:18:00`) in the given
/// offset. A date without time gives midnight.
pub fn parse_local_datetime(text: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let (date, time) = find_dmy(text)?;
    let naive = NaiveDateTime::new(date, time.unwrap_or(NaiveTime::MIN));
    offset.from_local_datetime(&naive).single()
}

/// Parses NukeViet's `article:published_time`: proper RFC 3339, or the malformed
/// `2023-08-29+0709:18:00` / `2023-08-29ICT09:18:00` (date, junk abbreviation, local time).
pub fn parse_meta_time(text: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt);
    }
    let date = NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = t.get(10..)?;
    let time_str = rest.get(rest.len().checked_sub(8)?..)?;
    let time = NaiveTime::parse_from_str(time_str, "%H:%M:%S").ok()?;
    offset
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_detail_date() {
        let dt = parse_local_datetime("Thứ ba - 29/08/2023 09:18", vietnam_offset()).unwrap();
        assert_eq!(dt.to_rfc3339(), "2023-08-29T09:18:00+07:00");
    }

    #[test]
    fn offsets_from_page() {
        let ofs = offset_from_hours(-4.0).unwrap();
        let dt = parse_local_datetime("Chủ nhật - 03/09/2023 21:05", ofs).unwrap();
        assert_eq!(dt.to_rfc3339(), "2023-09-03T21:05:00-04:00");
        assert!(offset_from_hours(99.0).is_none());
    }

    #[test]
    fn plain_and_long_dates() {
        assert_eq!(
            parse_date("15/12/2023"),
            NaiveDate::from_ymd_opt(2023, 12, 15)
        );
        assert_eq!(
            parse_date("Ngày ban hành: 5/1/2024"),
            NaiveDate::from_ymd_opt(2024, 1, 5)
        );
        assert_eq!(
            parse_date("Than Uyên, ngày 29 tháng 8 năm 2023"),
            NaiveDate::from_ymd_opt(2023, 8, 29)
        );
        assert_eq!(parse_date("N/A"), None);
        assert_eq!(parse_date("31/02/2023"), None);
        assert_eq!(
            parse_date("2023-08-29"),
            NaiveDate::from_ymd_opt(2023, 8, 29)
        );
    }

    #[test]
    fn time_with_seconds() {
        let (d, t) = find_dmy("29/08/2023 09:18:45").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2023, 8, 29).unwrap());
        assert_eq!(t, NaiveTime::from_hms_opt(9, 18, 45));
    }

    #[test]
    fn malformed_meta_time() {
        let ofs = vietnam_offset();
        let a = parse_meta_time("2023-08-29+0709:18:00", ofs).unwrap();
        let b = parse_meta_time("2023-08-29ICT09:18:00", ofs).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_rfc3339(), "2023-08-29T09:18:00+07:00");
        let c = parse_meta_time("2023-08-29T09:18:00+07:00", ofs).unwrap();
        assert_eq!(a, c);
    }
}
