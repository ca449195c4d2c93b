//! A whole static site (Hugo, Jekyll or Zola) given by its root folder: its configuration,
//! which content file becomes what, and the import itself (in [`save`]).
//!
//! Posts become articles, standalone files (an `about.md` with no date, a Jekyll page, a
//! file at the top of Hugo's or Zola's content folder) become pages, section folders become
//! terms of a `sections` taxonomy described by their `_index.md`, and shortcodes become the
//! Markdown they stand for.

mod addresses;
pub mod config;
mod jekyll;
mod plan;
mod save;
pub mod shortcodes;

pub use config::{Generator, SiteConfig};
pub use save::import_site;

use crate::report::Problem;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// A site read from disk: its configuration and its content files, paths relative to the
/// content folder.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub files: Vec<SourceFile>,
}

/// Reads the site at `root`: `Ok(None)` when the folder has no Hugo, Jekyll or Zola
/// configuration (a plain folder of Markdown files), `Err` when its configuration is broken
/// or the folder cannot be read.
pub fn read_site(root: &Path) -> Result<Option<Site>, Problem> {
    let Some(config) = config::detect(root)? else {
        return Ok(None);
    };
    let content = root.join(&config.content_dir);
    let generator = config.generator;
    let wanted = move |rel: &str| {
        let md = rel.ends_with(".md") || rel.ends_with(".markdown");
        match generator {
            // Jekyll posts may be HTML; pages are read only when written in Markdown.
            Generator::Jekyll => {
                let post = rel.starts_with("_posts/") || rel.starts_with("_drafts/");
                (md || (post && rel.ends_with(".html")))
                    && (post || !rel.split('/').any(|p| p.starts_with('_')))
            }
            _ => md,
        }
    };
    let files = crate::source::read_tree(&content, &wanted).map_err(|e| Problem {
        path: config.content_dir.clone(),
        line: None,
        message: format!("cannot read the content folder: {e}"),
    })?;
    Ok(Some(Site { root: root.to_owned(), config, files }))
}

/// `root-page-1` → `Root page 1`: a title for a file that has none.
pub(crate) fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
