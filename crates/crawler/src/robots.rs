//! robots.txt per RFC 9309: groups by user-agent product token, `Allow`/`Disallow` with `*`
//! and `$`, longest match wins (allow on ties), plus the non-standard `Crawl-delay` and the
//! `Sitemap:` lines. Fetch semantics (4xx = allow all, 5xx = defer) live in the crawler.

/// Parsed rules for one user agent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<(bool, String)>,
    /// `Crawl-delay` in seconds for our group, if given.
    pub crawl_delay: Option<f64>,
    /// `Sitemap:` URLs (any group).
    pub sitemaps: Vec<String>,
}

impl Robots {
    /// Rules that allow everything (robots.txt missing: 4xx).
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Rules that disallow everything (robots.txt unreachable: 5xx).
    pub fn disallow_all() -> Self {
        Self {
            rules: vec![(false, "/".into())],
            crawl_delay: None,
            sitemaps: Vec::new(),
        }
    }

    /// Parses a robots.txt body for the given user-agent product token (e.g. `tracuu`).
    /// Only the first 500 KiB are read, as RFC 9309 allows.
    pub fn parse(body: &str, agent_token: &str) -> Self {
        let body = if body.len() > 512 * 1024 {
            let mut end = 512 * 1024;
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            &body[..end]
        } else {
            body
        };
        let token = agent_token.to_ascii_lowercase();
        struct Group {
            agents: Vec<String>,
            rules: Vec<(bool, String)>,
            delay: Option<f64>,
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        let mut last_was_agent = false;
        for raw in body.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !last_was_agent || groups.is_empty() {
                        groups.push(Group {
                            agents: Vec::new(),
                            rules: Vec::new(),
                            delay: None,
                        });
                    }
                    if let Some(g) = groups.last_mut() {
                        g.agents.push(value.to_ascii_lowercase());
                    }
                    last_was_agent = true;
                }
                "allow" | "disallow" => {
                    last_was_agent = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty() {
                            g.rules.push((key == "allow", value.to_string()));
                        }
                }
                "crawl-delay" => {
                    last_was_agent = false;
                    if let Some(g) = groups.last_mut() {
                        g.delay = value
                            .parse::<f64>()
                            .ok()
                            .filter(|d| d.is_finite() && *d >= 0.0);
                    }
                }
                "sitemap"
                    // Sitemap lines do not end a group; the key splits at the first ':' so
                    // the value keeps the URL's own colon.
                    if !value.is_empty() => {
                        sitemaps.push(value.to_string());
                    }
                _ => {}
            }
        }
        let specific: Vec<&Group> = groups
            .iter()
            .filter(|g| {
                g.agents
                    .iter()
                    .any(|a| a != "*" && token.contains(a.as_str()))
            })
            .collect();
        let chosen: Vec<&Group> = if specific.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            specific
        };
        let mut robots = Robots {
            rules: Vec::new(),
            crawl_delay: None,
            sitemaps,
        };
        for g in chosen {
            robots.rules.extend(g.rules.iter().cloned());
            if robots.crawl_delay.is_none() {
                robots.crawl_delay = g.delay;
            }
        }
        robots
    }

    /// Whether a path (with query) may be fetched.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        let path = if path_and_query.is_empty() {
            "/"
        } else {
            path_and_query
        };
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches_rule(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// RFC 9309 pattern match: prefix match, `*` any run, `$` end anchor. Percent-encoding of the
/// pattern's non-ASCII characters is normalised by comparing decoded forms.
fn matches_rule(pattern: &str, path: &str) -> bool {
    let pattern = percent_decode(pattern);
    let path = percent_decode(path);
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern.as_str(), false),
    };
    glob(pat.as_bytes(), path.as_bytes(), anchored)
}

fn glob(pat: &[u8], text: &[u8], anchored: bool) -> bool {
    match pat.first() {
        None => !anchored || text.is_empty(),
        Some(b'*') => (0..=text.len()).any(|i| glob(&pat[1..], &text[i..], anchored)),
        Some(c) => text.first() == Some(c) && glob(&pat[1..], &text[1..], anchored),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && s.is_char_boundary(i + 3)
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            // Keep an encoded '/' distinct from a path separator.
            if v != b'/' {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NV: &str = "User-agent: *\nDisallow: /data/\nDisallow: /includes/\nDisallow: /modules/\nDisallow: /robots.php\nDisallow: /*?*print*\nAllow: /data/public/\nCrawl-delay: 3\n\nUser-agent: BadBot\nDisallow: /\n\nSitemap: https://thanuyen.laichau.gov.vn/sitemap.xml\n";

    #[test]
    fn nukeviet_robots() {
        let r = Robots::parse(NV, "tracuu");
        assert!(r.allowed("/news/tin-tuc/a-1.html"));
        assert!(!r.allowed("/data/config.php"));
        assert!(r.allowed("/data/public/x.pdf"));
        assert!(!r.allowed("/index.php?nv=news&op=print"));
        assert!(r.allowed("/robots.txt"));
        assert_eq!(r.crawl_delay, Some(3.0));
        assert_eq!(
            r.sitemaps,
            vec!["https://thanuyen.laichau.gov.vn/sitemap.xml".to_string()]
        );
        let bad = Robots::parse(NV, "badbot");
        assert!(!bad.allowed("/news/"));
        assert_eq!(bad.crawl_delay, None);
    }

    #[test]
    fn longest_match_and_anchor() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /*.pdf$\n",
            "tracuu",
        );
        assert!(!r.allowed("/a/c"));
        assert!(r.allowed("/a/b/c"));
        assert!(!r.allowed("/x/y.pdf"));
        assert!(r.allowed("/x/y.pdf?download=1"));
    }

    #[test]
    fn grouped_agents_and_all_or_nothing() {
        let r = Robots::parse(
            "User-agent: foo\nUser-agent: tracuu\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
            "tracuu/0.1",
        );
        assert!(r.allowed("/news/"));
        assert!(!r.allowed("/private/x"));
        assert!(!Robots::disallow_all().allowed("/"));
        assert!(Robots::allow_all().allowed("/anything"));
    }
}
