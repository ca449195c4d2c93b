//! A static site's configuration: which generator made it (Hugo, Jekyll or Zola), where its
//! content lives, its taxonomies and the settings a publication takes from it.

use crate::report::Problem;
use serde_json::{Map, Value};
use std::path::Path;

/// The generator a site folder was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Hugo,
    Jekyll,
    Zola,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
            Generator::Zola => "Zola",
        }
    }
}

/// A taxonomy the site declares: its slug (the front matter key) and its singular name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteTaxonomy {
    pub slug: String,
    pub singular: String,
}

/// What Byline reads from a site's configuration file.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub generator: Generator,
    /// The configuration file, relative to the site's root.
    pub file: String,
    /// The folder holding the content, relative to the root (`content`, or `` for Jekyll).
    pub content_dir: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub base_url: Option<String>,
    /// The path the site was served under when it is not its base URL's (Jekyll's
    /// `baseurl`), for its old addresses.
    pub base_path: Option<String>,
    pub copyright: Option<String>,
    pub taxonomies: Vec<SiteTaxonomy>,
    /// Zola's `ignored_content` globs, relative to the content folder.
    pub ignored: Vec<String>,
    /// Jekyll's site-wide `permalink` pattern, for the old addresses of posts.
    pub permalink: Option<String>,
    /// Jekyll's `_data/authors.yml` and `_data/tags.yml`, keyed by their slugs.
    pub authors: Map<String, Value>,
    pub tags: Map<String, Value>,
}

/// Finds the site's generator from its configuration file; `None` for a plain folder of
/// Markdown files. A configuration file that does not parse is a problem with its line.
pub fn detect(root: &Path) -> Result<Option<SiteConfig>, Problem> {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    if let Some(text) = read("hugo.toml") {
        return hugo("hugo.toml", toml_value("hugo.toml", &text)?).map(Some);
    }
    if let Some(text) = read("hugo.yaml").or_else(|| read("hugo.yml")) {
        return hugo("hugo.yaml", yaml_value("hugo.yaml", &text)?).map(Some);
    }
    if let Some(text) = read("_config.yml").or_else(|| read("_config.yaml")) {
        return jekyll(root, yaml_value("_config.yml", &text)?).map(Some);
    }
    if let Some(text) = read("config.toml") {
        let v = toml_value("config.toml", &text)?;
        // Zola writes `base_url` and lists its taxonomies as an array of tables; Hugo writes
        // `baseURL` and a `[taxonomies]` table of singular = "plural".
        let zola = v.get("base_url").is_some()
            || v.get("taxonomies").is_some_and(Value::is_array)
            || v.get("compile_sass").is_some();
        return if zola { zola_config(v) } else { hugo("config.toml", v) }.map(Some);
    }
    if let Some(text) = read("config.yaml").or_else(|| read("config.yml")) {
        return hugo("config.yaml", yaml_value("config.yaml", &text)?).map(Some);
    }
    Ok(None)
}

fn toml_value(file: &str, text: &str) -> Result<Value, Problem> {
    let t: toml::Table = toml::from_str(text).map_err(|e| Problem {
        path: file.to_owned(),
        line: e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        message: format!("invalid TOML: {}", e.message()),
    })?;
    serde_json::to_value(t).map_err(|e| Problem {
        path: file.to_owned(),
        line: None,
        message: e.to_string(),
    })
}

fn yaml_value(file: &str, text: &str) -> Result<Value, Problem> {
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| Problem {
        path: file.to_owned(),
        line: e.location().map(|l| l.line()),
        message: format!("invalid YAML: {e}"),
    })?;
    match serde_json::to_value(v) {
        // A file of comments only is an empty configuration.
        Ok(Value::Null) => Ok(Value::Object(Map::new())),
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(Problem {
            path: file.to_owned(),
            line: Some(1),
            message: "the configuration must be a set of `key: value` lines".into(),
        }),
        Err(e) => Err(Problem { path: file.to_owned(), line: None, message: e.to_string() }),
    }
}

fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn empty(generator: Generator, file: &str, content_dir: &str) -> SiteConfig {
    SiteConfig {
        generator,
        file: file.to_owned(),
        content_dir: content_dir.to_owned(),
        title: None,
        description: None,
        language: None,
        base_url: None,
        base_path: None,
        copyright: None,
        taxonomies: Vec::new(),
        ignored: Vec::new(),
        permalink: None,
        authors: Map::new(),
        tags: Map::new(),
    }
}

/// `en-us` and `en_GB` are both English: Byline keeps the language, not the region.
fn language(v: &Value, keys: &[&str]) -> Option<String> {
    text(v, keys).map(|l| l.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase())
}

fn hugo(file: &str, v: Value) -> Result<SiteConfig, Problem> {
    let content = text(&v, &["contentDir", "contentdir"]).unwrap_or_else(|| "content".into());
    let mut c = empty(Generator::Hugo, file, &content);
    c.title = text(&v, &["title"]);
    c.description = v.get("params").and_then(|p| text(p, &["description", "subtitle"]));
    c.language = language(&v, &["languageCode", "languagecode", "defaultContentLanguage"]);
    c.base_url = text(&v, &["baseURL", "baseurl", "baseUrl"]);
    c.copyright = text(&v, &["copyright"]);
    c.taxonomies = match v.get("taxonomies") {
        // Hugo's defaults when the site names none.
        None => vec![taxonomy("categories", "category"), taxonomy("tags", "tag")],
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(singular, plural)| Some(taxonomy(plural.as_str()?, singular)))
            .collect(),
        Some(_) => {
            return Err(Problem {
                path: file.to_owned(),
                line: None,
                message: "`taxonomies` must be a table of singular = \"plural\"".into(),
            });
        }
    };
    Ok(c)
}

fn zola_config(v: Value) -> Result<SiteConfig, Problem> {
    let mut c = empty(Generator::Zola, "config.toml", "content");
    c.title = text(&v, &["title"]);
    c.description = text(&v, &["description"]);
    c.language = language(&v, &["default_language"]);
    c.base_url = text(&v, &["base_url"]);
    if let Some(list) = v.get("taxonomies").and_then(Value::as_array) {
        for t in list {
            let Some(name) = t.get("name").and_then(Value::as_str) else {
                return Err(Problem {
                    path: "config.toml".into(),
                    line: None,
                    message: "each of `taxonomies` needs a `name`".into(),
                });
            };
            c.taxonomies.push(taxonomy(name, &singular_of(name)));
        }
    }
    c.ignored = v
        .get("ignored_content")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(c)
}

fn jekyll(root: &Path, v: Value) -> Result<SiteConfig, Problem> {
    let mut c = empty(Generator::Jekyll, "_config.yml", "");
    c.title = text(&v, &["title"]);
    c.description = text(&v, &["description", "tagline"]);
    c.language = language(&v, &["lang", "language", "locale"]);
    c.base_url = text(&v, &["url"]).or_else(|| text(&v, &["production_url"]));
    c.base_path = text(&v, &["baseurl"]);
    c.permalink = text(&v, &["permalink"]);
    c.taxonomies = vec![taxonomy("categories", "category"), taxonomy("tags", "tag")];
    for (name, out) in [("authors", &mut c.authors), ("tags", &mut c.tags)] {
        let file = format!("_data/{name}.yml");
        if let Ok(text) = std::fs::read_to_string(root.join(&file))
            && let Value::Object(m) = yaml_value(&file, &text)?
        {
            *out = m;
        }
    }
    Ok(c)
}

fn taxonomy(slug: &str, singular: &str) -> SiteTaxonomy {
    SiteTaxonomy { slug: slug.to_owned(), singular: singular.to_owned() }
}

/// `categories` → `category`, `tags` → `tag`, `podcast_authors` → `podcast_author`.
fn singular_of(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with("ss") {
        plural.to_owned()
    } else {
        plural.strip_suffix('s').unwrap_or(plural).to_owned()
    }
}

/// Whether `path` matches a glob of `*` (any run of characters) and literal text.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    if parts.len() == 1 {
        return glob == path;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || !path[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &path[first.len()..path.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_singulars() {
        assert!(glob_matches("*/ignored.md", "posts/ignored.md"));
        assert!(!glob_matches("*/ignored.md", "posts/kept.md"));
        assert!(glob_matches("*.Rmd", "a.Rmd"));
        assert_eq!(singular_of("categories"), "category");
        assert_eq!(singular_of("podcast_authors"), "podcast_author");
    }
}
