//! Generated district portals: the Than Uyên fixture's data under another district's name and
//! public origin (`https://<slug>.laichau.gov.vn`), rendered by the same generator, so that
//! tests and benches can serve a whole province at once (one `FixtureServer` per portal, each
//! on its own loopback port). The document numbers stay the fixture's on purpose: `140/NQ-HĐND`
//! exists in every generated district, as numbers do across real districts.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A district to generate: its host label and its Vietnamese name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    /// Host label and site name (`phongtho`).
    pub slug: String,
    /// Vietnamese name without "huyện" (`Phong Thổ`).
    pub name: String,
}

impl District {
    /// A district from its slug and name.
    pub fn new(slug: &str, name: &str) -> Self {
        Self {
            slug: slug.to_owned(),
            name: name.to_owned(),
        }
    }

    /// The neighbours of Than Uyên in Lai Châu (Tân Uyên is the checked-in second fixture).
    pub fn lai_chau() -> Vec<District> {
        [
            ("phongtho", "Phong Thổ"),
            ("sinho", "Sìn Hồ"),
            ("muongte", "Mường Tè"),
            ("namnhun", "Nậm Nhùn"),
            ("tamduong", "Tam Đường"),
        ]
        .iter()
        .map(|(slug, name)| District::new(slug, name))
        .collect()
    }

    /// `count` districts: Lai Châu's first, then numbered test districts (`huyen-07`).
    pub fn many(count: usize) -> Vec<District> {
        let mut list = Self::lai_chau();
        let mut n = list.len();
        while list.len() < count {
            n += 1;
            list.push(District::new(
                &format!("huyen-{n:02}"),
                &format!("Thử Nghiệm {n}"),
            ));
        }
        list.truncate(count);
        list
    }

    /// The public origin of the generated portal.
    pub fn origin(&self) -> String {
        format!("https://{}.laichau.gov.vn", self.slug)
    }
}

/// Renders the portal of `district` under `dir` (`dir/<slug>/data` and `dir/<slug>/site`) from
/// the main fixture's data with the district's name, host and e-mail; with `docs`, the legal
/// documents are repeated (new ids, same numbers) or cut to that many. Returns the site root
/// to serve.
pub fn generate(dir: &Path, district: &District, docs: Option<usize>) -> Result<PathBuf> {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/portal/data");
    let data = dir.join(&district.slug).join("data");
    let site = dir.join(&district.slug).join("site");
    std::fs::create_dir_all(&data).map_err(|e| Error::io(&data, e))?;
    for file in ["site.toml", "news.toml", "laws.toml"] {
        let path = source.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut text = rename(&text, district);
        if file == "laws.toml"
            && let Some(docs) = docs
        {
            text = resize_laws(&text, docs)?;
        }
        let out = data.join(file);
        std::fs::write(&out, text).map_err(|e| Error::io(&out, e))?;
    }
    crate::r#gen::generate(&data, &site, None)?;
    Ok(site)
}

/// The fixture's text with Than Uyên replaced by the district.
fn rename(text: &str, district: &District) -> String {
    text.replace("Than Uyên", &district.name)
        .replace("THAN UYÊN", &district.name.to_uppercase())
        .replace("thanuyen", &district.slug)
        .replace("than-uyen", &district.slug)
}

/// The laws data with exactly `count` documents: the fixture's, repeated with new ids (and
/// the same numbers) or cut.
fn resize_laws(text: &str, count: usize) -> Result<String> {
    let mut table: toml::Table =
        toml::from_str(text).map_err(|e| Error::Data(format!("laws.toml: {e}")))?;
    let docs = table
        .get_mut("docs")
        .and_then(toml::Value::as_array_mut)
        .ok_or_else(|| Error::Data("laws.toml has no docs".into()))?;
    let original = docs.clone();
    let mut round = 0;
    while docs.len() < count && !original.is_empty() {
        round += 1;
        for doc in &original {
            if docs.len() >= count {
                break;
            }
            let mut doc = doc.clone();
            if let Some(id) = doc.get("id").and_then(toml::Value::as_integer)
                && let Some(t) = doc.as_table_mut()
            {
                t.insert("id".into(), toml::Value::Integer(id + 1000 * round));
                if let Some(title) = t.get("title").and_then(toml::Value::as_str) {
                    let title = format!("{title} (bản {})", round + 1);
                    t.insert("title".into(), toml::Value::String(title));
                }
            }
            docs.push(doc);
        }
    }
    docs.truncate(count);
    toml::to_string(&table).map_err(|e| Error::Data(format!("laws.toml: {e}")))
}
