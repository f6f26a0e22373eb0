//! Configuration: one typed tree, loaded from `config.toml`, overridden by the environment, and
//! resolved once into absolute paths and checked values.
//!
//! Precedence: defaults < file < environment < command line. The command line is applied by each
//! subcommand on the resolved [`Config`]; this module does the rest in one pure function,
//! [`resolve`], so that it can be tested without touching the process environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The file's shape. Unknown keys are an error, missing keys take the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileConfig {
    /// Where data lives.
    pub paths: PathsConfig,
    /// How the crawler behaves (every site's defaults).
    pub crawler: crawler::CrawlerConfig,
    /// Name and title of the single site of `[crawler] base_url` (without `[[sites]]`).
    pub site: crawler::DefaultSite,
    /// The portals of the archive, each with its own crawler overrides (`[[sites]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<crawler::SiteEntry>,
    /// How the service behaves.
    pub server: query::ServerConfig,
}

/// Where data lives; relative paths are relative to the configuration file's folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PathsConfig {
    /// WARC files written by `tracuu crawl`.
    pub archive_dir: PathBuf,
    /// The small bundled sample archive, used when `archive_dir` holds no WARC file yet.
    pub sample_archive_dir: PathBuf,
    /// The on-disk search index (its generations).
    pub index_dir: PathBuf,
    /// The crawler's SQLite state (frontier, captures, reports).
    pub state_db: PathBuf,
    /// The append-only log of admin actions (JSON lines).
    pub audit_log: PathBuf,
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self {
            archive_dir: PathBuf::from("data/archive"),
            sample_archive_dir: PathBuf::from("fixtures/archive"),
            index_dir: PathBuf::from("index"),
            state_db: PathBuf::from("data/state.sqlite"),
            audit_log: PathBuf::from("data/audit.jsonl"),
        }
    }
}

/// The environment variables that override the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `TRACUU_BIND`: the address `serve` listens on.
    pub bind: Option<String>,
    /// `TRACUU_ADMIN_TOKEN`: the bearer token of the admin endpoints.
    pub admin_token: Option<String>,
}

impl Env {
    /// Reads the overrides from the process environment (the only place that does).
    pub fn from_process() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Self {
            bind: var("TRACUU_BIND"),
            admin_token: var("TRACUU_ADMIN_TOKEN"),
        }
    }
}

/// The resolved configuration: absolute paths, checked values.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute data paths.
    pub paths: PathsConfig,
    /// Crawler settings (every site's defaults).
    pub crawler: crawler::CrawlerConfig,
    /// The portals of the archive, checked.
    pub sites: crawler::Sites,
    /// The `[site]` and `[[sites]]` tables as written, to check again after command-line
    /// overrides of `[crawler]` ([`Config::resolve_sites`]).
    pub site_tables: (crawler::DefaultSite, Vec<crawler::SiteEntry>),
    /// Service settings.
    pub server: query::ServerConfig,
}

impl Config {
    /// Checks the sites again against `[crawler]` as it is now (after command-line
    /// overrides), keeping them in [`Config::sites`].
    pub fn resolve_sites(&mut self) -> Result<&crawler::Sites> {
        let (default, entries) = &self.site_tables;
        self.sites = crawler::Sites::resolve(&self.crawler, default, entries)?;
        Ok(&self.sites)
    }

    /// The archive folders to replay, in order: the crawled archive (with one sub-folder per
    /// site after the first) if it holds any WARC file, else the bundled sample.
    pub fn archive_dirs(&self) -> Vec<PathBuf> {
        let tree = crawler::province::archive_tree(&self.paths.archive_dir);
        if tree.iter().any(|dir| has_warc_files(dir)) {
            tree
        } else {
            vec![self.paths.sample_archive_dir.clone()]
        }
    }
}

/// Whether `dir` holds WARC files.
pub(crate) fn has_warc_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".warc.gz"))
    })
}

/// Loads the configuration: `path` if given, else `./config.toml` if it exists, else defaults
/// relative to the current folder.
pub fn load(path: Option<&Path>, env: &Env) -> Result<Config> {
    let (file, base) = match path {
        Some(path) => (read(path)?, parent_dir(path)?),
        None => {
            let default = Path::new("config.toml");
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            if default.exists() {
                (read(default)?, cwd)
            } else {
                (FileConfig::default(), cwd)
            }
        }
    };
    resolve(file, &base, env)
}

fn read(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// Parses the text of a configuration file.
pub fn parse(text: &str) -> Result<FileConfig> {
    Ok(toml::from_str(text)?)
}

fn parent_dir(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    Ok(absolute.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// Applies the environment to the file's values and makes every path absolute against `base`.
pub fn resolve(file: FileConfig, base: &Path, env: &Env) -> Result<Config> {
    let FileConfig {
        paths,
        crawler,
        site,
        sites: site_entries,
        mut server,
    } = file;
    let sites = crawler::Sites::resolve(&crawler, &site, &site_entries)?;
    let absolute = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
    let paths = PathsConfig {
        archive_dir: absolute(paths.archive_dir),
        sample_archive_dir: absolute(paths.sample_archive_dir),
        index_dir: absolute(paths.index_dir),
        state_db: absolute(paths.state_db),
        audit_log: absolute(paths.audit_log),
    };
    if let Some(bind) = &env.bind {
        server.bind = bind
            .parse()
            .with_context(|| format!("TRACUU_BIND is not an address: {bind}"))?;
    }
    if let Some(token) = &env.admin_token {
        server.admin_token = Some(token.clone());
    }
    Ok(Config {
        paths,
        crawler,
        sites,
        site_tables: (site, site_entries),
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../config.toml");

    #[test]
    fn shipped_config_parses() {
        parse(SHIPPED).unwrap();
    }

    /// Every key the program knows is present (and so documented) in the shipped file.
    #[test]
    fn shipped_config_names_every_key() {
        let shipped: toml::Table = toml::from_str(SHIPPED).unwrap();
        let defaults = toml::Table::try_from(FileConfig::default()).unwrap();
        let mut missing = Vec::new();
        missing_keys("", &defaults, &shipped, &mut missing);
        assert!(missing.is_empty(), "config.toml lacks keys: {missing:?}");
    }

    fn missing_keys(prefix: &str, want: &toml::Table, have: &toml::Table, out: &mut Vec<String>) {
        for (key, value) in want {
            let name = format!("{prefix}{key}");
            match (value, have.get(key)) {
                (toml::Value::Table(w), Some(toml::Value::Table(h))) => {
                    missing_keys(&format!("{name}."), w, h, out);
                }
                (_, None) => out.push(name),
                _ => {}
            }
        }
    }

    /// The commented `[[sites]]` example of the shipped file parses and names every key a
    /// site entry has.
    #[test]
    fn shipped_sites_example_parses_and_names_every_key() {
        let example: String = SHIPPED
            .lines()
            .skip_while(|l| !l.starts_with("# [[sites]]"))
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.trim_start_matches('#').trim_start()))
            .collect();
        assert!(example.contains("[[sites]]"), "no [[sites]] example");
        let file = parse(&example).unwrap();
        assert_eq!(file.sites.len(), 2, "{example}");
        for key in [
            "name",
            "title",
            "base_url",
            "public_base_url",
            "min_delay_ms",
        ] {
            assert!(
                example.lines().any(|l| l.starts_with(&format!("{key} ="))),
                "the [[sites]] example lacks {key}"
            );
        }
        let config = resolve(file, Path::new("/x"), &Env::default()).unwrap();
        let names: Vec<&str> = config.sites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["thanuyen", "tanuyen"]);
    }

    #[test]
    fn without_sites_the_crawler_base_url_is_the_one_site() {
        let config = resolve(parse(SHIPPED).unwrap(), Path::new("/x"), &Env::default()).unwrap();
        let sites: Vec<(&str, &str)> = config
            .sites
            .iter()
            .map(|s| (s.name.as_str(), s.crawler.base_url.as_str()))
            .collect();
        assert_eq!(sites, [("thanuyen", "https://thanuyen.laichau.gov.vn/")]);
    }

    #[test]
    fn bad_sites_are_a_clear_error() {
        let text = "[[sites]]\nname = \"a\"\ntitle = \"Huyện A\"\nbase_url = \"https://a.vn/\"\n\
                    [[sites]]\nname = \"a\"\ntitle = \"Huyện B\"\nbase_url = \"https://b.vn/\"\n";
        let error = resolve(parse(text).unwrap(), Path::new("/x"), &Env::default()).unwrap_err();
        assert!(
            format!("{error:#}").contains("used by two sites"),
            "{error:#}"
        );
        let text = "[[sites]]\nname = \"a\"\ntitle = \"A\"\nbase_url = \"https://a.vn/\"\nmin_dealy_ms = 5\n";
        let error = resolve(parse(text).unwrap(), Path::new("/x"), &Env::default()).unwrap_err();
        assert!(format!("{error:#}").contains("min_dealy_ms"), "{error:#}");
    }

    #[test]
    fn unknown_keys_are_an_error() {
        let error = parse("[paths]\nindex_dirr = \"x\"\n").unwrap_err();
        assert!(format!("{error:#}").contains("index_dirr"), "{error:#}");
    }

    #[test]
    fn paths_are_relative_to_the_config_file() {
        let config = resolve(
            FileConfig::default(),
            Path::new("/srv/tracuu"),
            &Env::default(),
        )
        .unwrap();
        assert_eq!(config.paths.index_dir, Path::new("/srv/tracuu/index"));
    }

    #[test]
    fn environment_overrides_the_file() {
        let env = Env {
            bind: Some("127.0.0.1:9999".into()),
            admin_token: Some("s3cret".into()),
        };
        let config = resolve(FileConfig::default(), Path::new("/x"), &env).unwrap();
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:9999");
        assert_eq!(config.server.admin_token.as_deref(), Some("s3cret"));
    }

    #[test]
    fn a_bad_bind_address_is_a_clear_error() {
        let env = Env {
            bind: Some("not-an-address".into()),
            admin_token: None,
        };
        let error = resolve(FileConfig::default(), Path::new("/x"), &env).unwrap_err();
        assert!(error.to_string().contains("TRACUU_BIND"));
    }
}
