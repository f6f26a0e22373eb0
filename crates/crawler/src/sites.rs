//! Sites: the portals one archive holds (`[[sites]]` in `config.toml`, or the single
//! `[crawler] base_url`), parsed and checked in one place, and the site a capture or record
//! belongs to, derived from its URL (host and base path) so that replaying an existing archive
//! assigns sites without crawling again.
//!
//! Record ids stay unique across sites: the first site keeps the portal's own ids (`laws-88`,
//! as in every single-site archive and link), the others are prefixed with the site's name
//! (`tanuyen-laws-88`).

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::CrawlerConfig;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::report::CrawlReport;

/// The name and title of the single site described by `[crawler] base_url` (the `[site]`
/// table), used when no `[[sites]]` are given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DefaultSite {
    /// Short name (`thanuyen`): lowercase ASCII letters, digits and `-`.
    pub name: String,
    /// Vietnamese display name (`Huyện Than Uyên`).
    pub title: String,
    /// The day the government behind the portal ended (`2025-07-01`), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// What became of it, in Vietnamese, shown beside that date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_note: Option<String>,
}

/// The note shown for the districts abolished on 1 July 2025.
pub const DISTRICTS_ENDED_NOTE: &str = "Cấp huyện không còn trong chính quyền địa phương hai \
    cấp (tỉnh và xã); cổng thông tin này được lưu giữ làm tư liệu.";

impl Default for DefaultSite {
    fn default() -> Self {
        Self {
            name: "thanuyen".into(),
            title: "Huyện Than Uyên".into(),
            ended: Some("2025-07-01".into()),
            ended_note: Some(DISTRICTS_ENDED_NOTE.into()),
        }
    }
}

/// When the government behind a portal ended, and what became of it: the archive is then
/// the record of a body that no longer exists, and its pages say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ended {
    /// The day it ended.
    pub date: chrono::NaiveDate,
    /// What became of it (Vietnamese; may be empty).
    pub note: String,
}

/// One `[[sites]]` entry as written: name, title, where to crawl from, and any `[crawler]`
/// key overriding the `[crawler]` table for this site (e.g. `min_delay_ms`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEntry {
    /// Short name (`thanuyen`): lowercase ASCII letters, digits and `-`; used in the `site`
    /// filter, in record ids and in metrics.
    pub name: String,
    /// Vietnamese display name (`Huyện Than Uyên`).
    pub title: String,
    /// Where to fetch from: the portal itself, or a local mirror of it.
    pub base_url: String,
    /// The public portal's address when `base_url` is a mirror.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_base_url: Option<String>,
    /// The day the government behind the portal ended (`2025-07-01`), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// What became of it, in Vietnamese, shown beside that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_note: Option<String>,
    /// Any other key of `[crawler]`, for this site only.
    #[serde(flatten)]
    pub overrides: serde_json::Map<String, serde_json::Value>,
}

/// A checked site: its name, title and its own crawler settings (`[crawler]` with the site's
/// overrides and addresses).
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Short name.
    pub name: String,
    /// Display name.
    pub title: String,
    /// The crawler settings of this site.
    pub crawler: CrawlerConfig,
    /// When the government behind the portal ended, if it did.
    pub ended: Option<Ended>,
    base: Url,
    public: Option<Url>,
}

impl Site {
    /// Whether `url` is on this site: same scheme-less host and port as its base or public
    /// address, under the same base path.
    pub fn contains(&self, url: &Url) -> bool {
        std::iter::once(&self.base)
            .chain(self.public.as_ref())
            .any(|root| under(url, root))
    }

    /// The hosts (`host[:port]`) this site is reached at: the crawled one first.
    pub fn hosts(&self) -> Vec<String> {
        std::iter::once(&self.base)
            .chain(self.public.as_ref())
            .map(host_key)
            .collect()
    }
}

/// Host and port, as written in a URL (`127.0.0.1:8081`, `thanuyen.laichau.gov.vn`).
fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").trim_start_matches("www.");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_ascii_lowercase(),
    }
}

fn under(url: &Url, root: &Url) -> bool {
    if host_key(url) != host_key(root) {
        return false;
    }
    let base = root.path().trim_end_matches('/');
    let path = url.path();
    base.is_empty() || path == base || path.starts_with(&format!("{base}/"))
}

/// The checked list of sites, in configuration order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sites {
    list: Vec<Site>,
    /// No `[[sites]]`: the archive is one portal, every capture belongs to its one site
    /// (whatever mirror it was crawled from).
    single: bool,
}

impl Sites {
    /// Checks the configuration: `[[sites]]` when given (the `[crawler]` table then gives
    /// every site's defaults and its `base_url` is not crawled), else the single site of
    /// `[crawler] base_url` named by `[site]`. Bad names, bad URLs, unknown keys, duplicate
    /// names and two sites on one host are errors.
    pub fn resolve(
        crawler: &CrawlerConfig,
        default: &DefaultSite,
        entries: &[SiteEntry],
    ) -> Result<Self> {
        if entries.is_empty() {
            let ended = ended(
                default.ended.as_deref(),
                default.ended_note.as_deref(),
                "[site]",
            )?;
            let site = checked(
                &default.name,
                &default.title,
                ended,
                crawler.clone(),
                "[site]".into(),
            )?;
            return Ok(Self {
                list: vec![site],
                single: true,
            });
        }
        let base = serde_json::to_value(crawler)
            .map_err(|e| Error::Config(format!("cannot read [crawler]: {e}")))?;
        let mut list: Vec<Site> = Vec::new();
        for (n, entry) in entries.iter().enumerate() {
            let place = format!("[[sites]] #{} ({:?})", n + 1, entry.name);
            let mut merged = base.clone();
            let object = merged
                .as_object_mut()
                .ok_or_else(|| Error::Config("[crawler] is not a table".into()))?;
            for (key, value) in &entry.overrides {
                object.insert(key.clone(), value.clone());
            }
            object.insert("base_url".into(), entry.base_url.clone().into());
            object.insert(
                "public_base_url".into(),
                entry.public_base_url.clone().into(),
            );
            let config: CrawlerConfig = serde_json::from_value(merged)
                .map_err(|e| Error::Config(format!("{place}: {e}")))?;
            let ended = ended(entry.ended.as_deref(), entry.ended_note.as_deref(), &place)?;
            let site = checked(&entry.name, &entry.title, ended, config, place.clone())?;
            if list.iter().any(|s| s.name == site.name) {
                return Err(Error::Config(format!(
                    "{place}: the name {:?} is used by two sites",
                    site.name
                )));
            }
            for host in site.hosts() {
                if let Some(other) = list.iter().find(|s| s.hosts().contains(&host)) {
                    return Err(Error::Config(format!(
                        "{place}: host {host} is already the site {:?}",
                        other.name
                    )));
                }
            }
            list.push(site);
        }
        Ok(Self {
            list,
            single: false,
        })
    }

    /// One site from crawler settings alone (named by the `[site]` defaults).
    pub fn single(crawler: &CrawlerConfig) -> Result<Self> {
        Self::resolve(crawler, &DefaultSite::default(), &[])
    }

    /// Changes every site's crawler settings (command-line overrides).
    pub fn for_each_crawler(&mut self, mut change: impl FnMut(&mut CrawlerConfig)) {
        for site in &mut self.list {
            change(&mut site.crawler);
        }
    }

    /// Every site, in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &Site> {
        self.list.iter()
    }

    /// How many sites.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no site is configured (replay then leaves records as extracted).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The site named `name`.
    pub fn get(&self, name: &str) -> Option<&Site> {
        self.list.iter().find(|s| s.name == name)
    }

    /// The display name of site `name` (the name itself for a site not configured).
    pub fn title_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.get(name).map_or(name, |s| s.title.as_str())
    }

    /// The site `url` is on, if any.
    pub fn site_of(&self, url: &str) -> Option<&Site> {
        let url = Url::parse(url).ok()?;
        self.list.iter().find(|s| s.contains(&url))
    }

    /// The name of the site a capture belongs to: the site of the captured URL, else of the
    /// record's own (public) URL; for a URL on no configured site, its host. Without
    /// `[[sites]]`, always the one site.
    pub fn name_for(&self, capture_url: &str, record_url: Option<&str>) -> String {
        if self.single
            && let Some(site) = self.list.first()
        {
            return site.name.clone();
        }
        self.site_of(capture_url)
            .or_else(|| record_url.and_then(|u| self.site_of(u)))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| {
                Url::parse(record_url.unwrap_or(capture_url))
                    .or_else(|_| Url::parse(capture_url))
                    .map(|u| host_key(&u))
                    .unwrap_or_default()
            })
    }

    /// The record id of a portal's own id (`laws-88`) on site `site`: unchanged on the first
    /// site, prefixed with the site's name on the others.
    pub fn record_id(&self, site: &str, local_id: &str) -> String {
        match self.list.first() {
            Some(first) if first.name != site => format!("{site}-{local_id}"),
            _ => local_id.to_owned(),
        }
    }

    /// Gives an extracted record its site (from the URL it was captured at, or its own URL)
    /// and its archive-wide id. Does nothing when no site is configured.
    pub fn assign(&self, record: &mut Record, capture_url: &str) {
        if self.list.is_empty() {
            return;
        }
        let site = self.name_for(capture_url, Some(&record.url));
        record.id = self.record_id(&site, &record.id);
        record.site = site;
    }
}

/// What the archive holds of one site, from its CDXJ indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SiteSummary {
    /// Short name.
    pub name: String,
    /// Display name.
    pub title: String,
    /// HTTP captures archived (responses and revisits).
    pub captures: u64,
    /// Of those, error answers (HTTP status 400 and above).
    pub failures: u64,
    /// URLs the host never answered in its latest crawl (timeouts, refused connections):
    /// failures the archive holds no record of, counted from the site's state database.
    pub unanswered: u64,
    /// Whether its latest crawl stopped because the host did not answer at all.
    pub host_down: bool,
    /// Time of the latest capture (`YYYYMMDDhhmmss`, UTC), if any.
    pub last_capture: Option<String>,
}

impl SiteSummary {
    /// `unreachable` (the latest crawl found the host down), `never crawled`, `failing` (the
    /// captures are mostly errors) or `ok`.
    pub fn status(&self) -> &'static str {
        if self.host_down {
            "unreachable"
        } else if self.captures == 0 {
            "never crawled"
        } else if self.failures * 2 > self.captures {
            "failing"
        } else {
            "ok"
        }
    }
}

/// Counts the captures of every site in the CDXJ files of `dirs` (configured sites first, in
/// order, even when never crawled; then hosts on no configured site). With the crawl's
/// `state_db` (the first site's; the others' sit beside it, see
/// [`crate::province::site_paths`]), each configured site's latest crawl adds what left no
/// capture: unanswered URLs and a host found down.
pub fn summarize(
    dirs: &[std::path::PathBuf],
    sites: &Sites,
    state_db: Option<&std::path::Path>,
) -> Result<Vec<SiteSummary>> {
    let mut out: Vec<SiteSummary> = sites
        .iter()
        .map(|s| {
            let latest = state_db.and_then(|db| latest_crawl(sites, &s.name, db));
            SiteSummary {
                name: s.name.clone(),
                title: s.title.clone(),
                unanswered: latest.as_ref().map_or(0, CrawlReport::unanswered),
                host_down: latest.is_some_and(|r| r.host_down),
                ..SiteSummary::default()
            }
        })
        .collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "cdxj"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })?;
            for line in text.lines() {
                let mut parts = line.splitn(3, ' ');
                let (Some(_), Some(timestamp), Some(json)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let Ok(fields) = serde_json::from_str::<serde_json::Value>(json) else {
                    continue;
                };
                let Some(url) = fields.get("url").and_then(|u| u.as_str()) else {
                    continue;
                };
                let name = sites.name_for(url, None);
                let at = match out.iter().position(|s| s.name == name) {
                    Some(at) => at,
                    None => {
                        out.push(SiteSummary {
                            title: sites.title_of(&name).to_owned(),
                            name,
                            ..SiteSummary::default()
                        });
                        out.len() - 1
                    }
                };
                let summary = &mut out[at];
                summary.captures += 1;
                let status: u16 = fields
                    .get("status")
                    .and_then(|s| s.as_str())
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if status >= 400 {
                    summary.failures += 1;
                }
                if summary
                    .last_capture
                    .as_deref()
                    .is_none_or(|last| last < timestamp)
                {
                    summary.last_capture = Some(timestamp.to_owned());
                }
            }
        }
    }
    Ok(out)
}

/// The report of `site`'s latest crawl, from its state database (`None` when it never ran or
/// the database cannot be read: the summary then counts captures only).
fn latest_crawl(sites: &Sites, site: &str, state_db: &std::path::Path) -> Option<CrawlReport> {
    let (_, db) = crate::province::site_paths(sites, site, std::path::Path::new(""), state_db);
    match crate::state::State::latest_report_at(&db) {
        Ok(json) => serde_json::from_str(&json?).ok(),
        Err(e) => {
            tracing::warn!("cannot read the crawl state {}: {e}", db.display());
            None
        }
    }
}

/// Reads `ended` (a `YYYY-MM-DD` date) and its note; a note without a date is an error.
fn ended(date: Option<&str>, note: Option<&str>, place: &str) -> Result<Option<Ended>> {
    let Some(date) = date.map(str::trim).filter(|d| !d.is_empty()) else {
        return match note {
            Some(_) => Err(Error::Config(format!(
                "{place}: ended_note needs ended, the day the government ended (2025-07-01)"
            ))),
            None => Ok(None),
        };
    };
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
        Error::Config(format!(
            "{place}: ended = {date:?} is not a date like 2025-07-01"
        ))
    })?;
    Ok(Some(Ended {
        date,
        note: note.unwrap_or_default().trim().to_owned(),
    }))
}

/// Checks one site's name, title and crawler settings.
fn checked(
    name: &str,
    title: &str,
    ended: Option<Ended>,
    crawler: CrawlerConfig,
    place: String,
) -> Result<Site> {
    let valid_name = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-');
    if !valid_name {
        return Err(Error::Config(format!(
            "{place}: site name {name:?} must be 1 to 40 lowercase ASCII letters, digits or '-'"
        )));
    }
    if title.trim().is_empty() {
        return Err(Error::Config(format!(
            "{place}: site {name:?} needs a title"
        )));
    }
    let base = crawler
        .validate()
        .map_err(|e| Error::Config(format!("{place}: {e}")))?;
    let public = crawler
        .public_base_url
        .as_deref()
        .map(Url::parse)
        .transpose()
        .map_err(|e| Error::Config(format!("{place}: public_base_url: {e}")))?;
    Ok(Site {
        name: name.to_owned(),
        title: title.trim().to_owned(),
        ended,
        crawler,
        base,
        public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Kind;

    fn entry(name: &str, base: &str) -> SiteEntry {
        SiteEntry {
            name: name.into(),
            title: format!("Huyện {name}"),
            base_url: base.into(),
            public_base_url: None,
            ended: None,
            ended_note: None,
            overrides: serde_json::Map::new(),
        }
    }

    #[test]
    fn without_entries_the_crawler_base_url_is_one_site() {
        let sites = Sites::single(&CrawlerConfig::default()).unwrap();
        assert_eq!(sites.len(), 1);
        let site = sites.iter().next().unwrap();
        assert_eq!(
            (site.name.as_str(), site.title.as_str()),
            ("thanuyen", "Huyện Than Uyên")
        );
        assert_eq!(
            sites
                .site_of("https://thanuyen.laichau.gov.vn/laws/detail/x-88/")
                .map(|s| s.name.as_str()),
            Some("thanuyen")
        );
        // One portal, whatever mirror it was crawled from: ids unchanged.
        let mut record = Record::new("laws-88", Kind::Legal, "http://127.0.0.1:1/laws/a-88/");
        sites.assign(&mut record, "http://127.0.0.1:1/laws/a-88/");
        assert_eq!(
            (record.site.as_str(), record.id.as_str()),
            ("thanuyen", "laws-88")
        );
    }

    #[test]
    fn entries_override_crawler_keys_per_site() {
        let mut slow = entry("tanuyen", "https://tanuyen.laichau.gov.vn/");
        slow.overrides
            .insert("min_delay_ms".into(), serde_json::json!(5000));
        let crawler = CrawlerConfig {
            min_delay_ms: 100,
            ..CrawlerConfig::default()
        };
        let sites = Sites::resolve(
            &crawler,
            &DefaultSite::default(),
            &[entry("thanuyen", "https://thanuyen.laichau.gov.vn/"), slow],
        )
        .unwrap();
        assert_eq!(sites.get("thanuyen").unwrap().crawler.min_delay_ms, 100);
        assert_eq!(sites.get("tanuyen").unwrap().crawler.min_delay_ms, 5000);
        assert_eq!(
            sites.get("tanuyen").unwrap().crawler.base_url,
            "https://tanuyen.laichau.gov.vn/"
        );
    }

    #[test]
    fn mistakes_are_clear_errors() {
        let d = DefaultSite::default();
        let c = CrawlerConfig::default();
        let error =
            |entries: &[SiteEntry]| Sites::resolve(&c, &d, entries).unwrap_err().to_string();
        let twice = error(&[
            entry("thanuyen", "https://thanuyen.laichau.gov.vn/"),
            entry("thanuyen", "https://tanuyen.laichau.gov.vn/"),
        ]);
        assert!(twice.contains("used by two sites"), "{twice}");
        let host = error(&[
            entry("thanuyen", "https://thanuyen.laichau.gov.vn/"),
            entry("other", "https://www.thanuyen.laichau.gov.vn/"),
        ]);
        assert!(host.contains("already the site \"thanuyen\""), "{host}");
        assert!(error(&[entry("Than Uyên", "https://x.vn/")]).contains("lowercase"));
        let mut unknown = entry("x", "https://x.vn/");
        unknown
            .overrides
            .insert("min_delay".into(), serde_json::json!(1));
        assert!(error(&[unknown]).contains("min_delay"));
        let mut untitled = entry("x", "https://x.vn/");
        untitled.title = " ".into();
        assert!(error(&[untitled]).contains("title"));
        assert!(error(&[entry("x", "ftp://x.vn/")]).contains("http"));
        let mut bad_day = entry("x", "https://x.vn/");
        bad_day.ended = Some("1/7/2025".into());
        assert!(error(&[bad_day]).contains("not a date like 2025-07-01"));
        let mut note_alone = entry("x", "https://x.vn/");
        note_alone.ended_note = Some("Đã sáp nhập".into());
        assert!(error(&[note_alone]).contains("ended_note needs ended"));
    }

    #[test]
    fn a_site_whose_government_ended_says_when() {
        // [site]'s defaults: Than Uyên, a district abolished on 1 July 2025.
        let sites = Sites::single(&CrawlerConfig::default()).unwrap();
        let ended = sites.get("thanuyen").unwrap().ended.clone().unwrap();
        assert_eq!(
            ended.date,
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
        );
        assert!(ended.note.contains("hai cấp"), "{}", ended.note);
        // A [[sites]] entry ends only when it says so.
        let mut merged = entry("tanuyen", "https://tanuyen.laichau.gov.vn/");
        merged.ended = Some("2025-07-01".into());
        merged.ended_note = Some(" Nay thuộc các xã Tân Uyên, Mường Khoa. ".into());
        let sites = Sites::resolve(
            &CrawlerConfig::default(),
            &DefaultSite::default(),
            &[entry("laichau", "https://laichau.gov.vn/"), merged],
        )
        .unwrap();
        assert_eq!(sites.get("laichau").unwrap().ended, None);
        let ended = sites.get("tanuyen").unwrap().ended.clone().unwrap();
        assert_eq!(ended.note, "Nay thuộc các xã Tân Uyên, Mường Khoa.");
    }

    #[test]
    fn summaries_count_captures_per_site() {
        let sites = Sites::resolve(
            &CrawlerConfig::default(),
            &DefaultSite::default(),
            &[
                entry("thanuyen", "http://127.0.0.1:9001/"),
                entry("tanuyen", "http://127.0.0.1:9002/"),
                entry("sinho", "http://127.0.0.1:9003/"),
            ],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let line = |port: u16, path: &str, ts: &str, status: u16| {
            format!(
                "1,0,0,127:{port})/{path} {ts} {{\"url\":\"http://127.0.0.1:{port}/{path}\",\"status\":\"{status}\"}}\n"
            )
        };
        let text = [
            line(9001, "", "20250101000000", 200),
            line(9001, "laws/", "20250102000000", 200),
            line(9002, "", "20250103000000", 503),
            line(9002, "x", "20250101000000", 503),
            line(9002, "y", "20250101000000", 200),
        ]
        .concat();
        std::fs::write(dir.path().join("a.cdxj"), text).unwrap();
        let rows = |state_db: Option<&std::path::Path>| {
            summarize(&[dir.path().to_path_buf()], &sites, state_db)
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s.name.clone(),
                        s.captures,
                        s.failures,
                        s.unanswered,
                        s.last_capture.clone(),
                        s.status(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let at = |ts: &str| Some(ts.to_owned());
        assert_eq!(
            rows(None),
            [
                ("thanuyen".into(), 2, 0, 0, at("20250102000000"), "ok"),
                ("tanuyen".into(), 3, 2, 0, at("20250103000000"), "failing"),
                ("sinho".into(), 0, 0, 0, None, "never crawled"),
            ]
        );

        // The crawl's state databases add what left no capture: sinho's latest crawl found
        // its host down (3 URLs never answered), tanuyen's timed out once; thanuyen has no
        // database at all.
        let state_db = dir.path().join("state.sqlite");
        let report = |failed: &[(&str, u64)], host_down: bool| {
            let mut r = CrawlReport {
                host_down,
                ..CrawlReport::default()
            };
            for (reason, n) in failed {
                r.failed.insert((*reason).into(), *n);
            }
            serde_json::to_string(&r).unwrap()
        };
        for (site, json) in [
            ("sinho", report(&[("connection failed", 3)], true)),
            ("tanuyen", report(&[("timeout", 1), ("http 503", 2)], false)),
        ] {
            let (_, db) = crate::province::site_paths(&sites, site, dir.path(), &state_db);
            let mut state = crate::state::State::open(&db).unwrap();
            let (run, _) = state.begin_run("http://127.0.0.1/").unwrap();
            state.save_report(run, &json).unwrap();
        }
        assert_eq!(
            rows(Some(&state_db)),
            [
                ("thanuyen".into(), 2, 0, 0, at("20250102000000"), "ok"),
                ("tanuyen".into(), 3, 2, 1, at("20250103000000"), "failing"),
                ("sinho".into(), 0, 0, 3, None, "unreachable"),
            ]
        );
        assert!(!state_db.exists(), "reading must not create a database");
    }

    #[test]
    fn records_get_their_site_and_unique_ids() {
        let mut mirror = entry("tanuyen", "http://127.0.0.1:9002/");
        mirror.public_base_url = Some("https://tanuyen.laichau.gov.vn/".into());
        let sites = Sites::resolve(
            &CrawlerConfig::default(),
            &DefaultSite::default(),
            &[
                entry("thanuyen", "https://thanuyen.laichau.gov.vn/"),
                mirror,
                entry("phongtho", "https://laichau.gov.vn/phongtho/"),
            ],
        )
        .unwrap();
        let assign = |capture: &str, url: &str| {
            let mut record = Record::new("laws-88", Kind::Legal, url);
            sites.assign(&mut record, capture);
            (record.site, record.id)
        };
        // The first site keeps the portal's ids; others are prefixed.
        assert_eq!(
            assign(
                "https://thanuyen.laichau.gov.vn/laws/detail/a-88/",
                "https://thanuyen.laichau.gov.vn/laws/detail/a-88/"
            ),
            ("thanuyen".into(), "laws-88".into())
        );
        // Captured from the mirror, known by the public URL.
        assert_eq!(
            assign(
                "http://127.0.0.1:9002/vi/laws/detail/a-88/",
                "https://tanuyen.laichau.gov.vn/vi/laws/detail/a-88/"
            ),
            ("tanuyen".into(), "tanuyen-laws-88".into())
        );
        // A site under a base path of a shared host.
        assert_eq!(
            assign(
                "https://laichau.gov.vn/phongtho/laws/detail/a-88/",
                "https://laichau.gov.vn/phongtho/laws/detail/a-88/"
            ),
            ("phongtho".into(), "phongtho-laws-88".into())
        );
        // Not under any site: named by its host.
        assert_eq!(
            assign(
                "https://laichau.gov.vn/sinho/laws/detail/a-88/",
                "https://laichau.gov.vn/sinho/laws/detail/a-88/"
            ),
            ("laichau.gov.vn".into(), "laichau.gov.vn-laws-88".into())
        );
    }
}
