//! Loading a theme (embedded default, overridden file by file from a folder on disk),
//! rendering its templates and serving its assets.

use include_dir::{Dir, include_dir};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/default");
static ADMIN_UI: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/admin");

/// The templates every theme must be able to render (its own or the default's).
pub const TEMPLATES: [&str; 10] = [
    "base.html",
    "home.html",
    "article.html",
    "author.html",
    "term.html",
    "taxonomy.html",
    "page.html",
    "404.html",
    "republish.html",
    "share_mastodon.html",
];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("theme folder {0} does not exist or is not a folder")]
    MissingThemeDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("template {name}: {source:#}")]
    Template { name: String, source: minijinja::Error },
}

/// A theme asset, ready to serve.
#[derive(Debug, Clone)]
pub struct Asset {
    pub bytes: Cow<'static, [u8]>,
    pub content_type: &'static str,
    /// A short hash of the bytes, for cache-busting URLs and ETags.
    pub version: String,
}

/// A loaded theme. Cheap to clone.
#[derive(Clone)]
pub struct Theme {
    env: Arc<Environment<'static>>,
    assets: Arc<HashMap<String, Asset>>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("assets", &self.assets.len()).finish_non_exhaustive()
    }
}

impl Theme {
    /// The embedded default theme, overridden file by file by `dir` when given. Every
    /// template is compiled here, so a broken override fails at start-up with its name and
    /// line rather than on a reader's request.
    pub fn load(dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut templates: HashMap<String, String> = HashMap::new();
        let mut assets: HashMap<String, Asset> = HashMap::new();
        for file in files(&DEFAULT_THEME) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(file.contents()).into_owned();
                templates.insert(name.to_owned(), text);
            } else if let Some(name) = path.strip_prefix("assets/") {
                assets.insert(name.to_owned(), asset(Cow::Borrowed(file.contents()), name));
            }
        }
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(RenderError::MissingThemeDir(dir.to_owned()));
            }
            for (name, path) in walk(&dir.join("templates"))? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| RenderError::Read { path: path.clone(), source })?;
                templates.insert(name, text);
            }
            for (name, path) in walk(&dir.join("assets"))? {
                let bytes = std::fs::read(&path)
                    .map_err(|source| RenderError::Read { path: path.clone(), source })?;
                let a = asset(Cow::Owned(bytes), &name);
                assets.insert(name, a);
            }
        }

        build(templates, assets, "/assets/", &TEMPLATES)
    }

    /// The admin's templates and assets (not themable: every publication's newsroom looks
    /// the same), served under `/admin/assets/`.
    pub fn admin() -> Result<Self, RenderError> {
        let mut templates = HashMap::new();
        let mut assets = HashMap::new();
        for file in files(&ADMIN_UI) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                templates
                    .insert(name.to_owned(), String::from_utf8_lossy(file.contents()).into_owned());
            } else if let Some(name) = path.strip_prefix("assets/") {
                assets.insert(name.to_owned(), asset(Cow::Borrowed(file.contents()), name));
            }
        }
        build(templates, assets, "/admin/assets/", &["base.html"])
    }

    /// Renders a template with a view-model.
    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String, RenderError> {
        let err = |source| RenderError::Template { name: template.to_owned(), source };
        let ctx = minijinja::Value::from(minijinja::value::Serde(context));
        self.env.get_template(template).map_err(err)?.render(ctx).map_err(err)
    }

    /// Every asset, by its path below `assets/`.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.assets.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// An asset by its path below `assets/`.
    pub fn asset(&self, path: &str) -> Option<&Asset> {
        self.assets.get(path)
    }
}

/// Escapes printed text for HTML with only the five characters that need it, so URLs keep
/// their slashes (minijinja's default also escapes `/`, which bloats every link).
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let html = matches!(state.auto_escape(), minijinja::AutoEscape::Html);
    match value.as_str() {
        Some(text) if html && !value.is_safe() => {
            let mut last = 0;
            for (i, c) in text.char_indices() {
                let rep = match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ => continue,
                };
                out.write_str(&text[last..i]).map_err(minijinja::Error::from)?;
                out.write_str(rep).map_err(minijinja::Error::from)?;
                last = i + 1;
            }
            out.write_str(&text[last..]).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Compiles every template (strict about undefined values) with the `asset()` function
/// pointing below `asset_base`, and checks that the `required` ones exist.
fn build(
    mut templates: HashMap<String, String>,
    assets: HashMap<String, Asset>,
    asset_base: &'static str,
    required: &[&str],
) -> Result<Theme, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_formatter(html_formatter);
    let versions: HashMap<String, String> =
        assets.iter().map(|(k, v)| (k.clone(), v.version.clone())).collect();
    env.add_function("asset", move |path: &str| -> String {
        match versions.get(path) {
            Some(v) => format!("{asset_base}{path}?v={v}"),
            None => format!("{asset_base}{path}"),
        }
    });
    let mut names: Vec<String> = templates.keys().cloned().collect();
    names.sort();
    for name in &names {
        let source = templates.remove(name).expect("name came from the map");
        env.add_template_owned(name.clone(), source)
            .map_err(|source| RenderError::Template { name: name.clone(), source })?;
    }
    for name in required {
        env.get_template(name)
            .map_err(|source| RenderError::Template { name: (*name).to_owned(), source })?;
    }
    Ok(Theme { env: Arc::new(env), assets: Arc::new(assets) })
}

fn files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(files(d));
    }
    out
}

/// Every file below `root` as (path relative to root with `/`, full path); none if absent.
fn walk(root: &Path) -> Result<Vec<(String, PathBuf)>, RenderError> {
    let mut out = Vec::new();
    if !root.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|source| RenderError::Read { path: dir.clone(), source })?;
        for entry in entries {
            let path =
                entry.map_err(|source| RenderError::Read { path: dir.clone(), source })?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
            }
        }
    }
    Ok(out)
}

fn asset(bytes: Cow<'static, [u8]>, name: &str) -> Asset {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    Asset { bytes, content_type: content_type(name), version: format!("{:08x}", h.finish() as u32) }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
