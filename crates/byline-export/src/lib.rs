//! `byline export static`: the whole public site (articles, pages, archives with pagination,
//! feeds, sitemaps, the theme's assets) as files for any static host or CDN.
//!
//! Everything is loaded in a handful of queries, then every page is rendered from memory on
//! all cores with the same view-models the server uses, so an exported page is the page the
//! server would send. Depends on core, store and render; never on HTTP.

mod load;
mod media;
mod plan;

pub use media::{MediaCopied, copy_media};
pub use plan::Report;

use byline_render::Theme;
use byline_store::{Store, StoreError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot render {path}: {source}")]
    Render { path: String, source: byline_render::RenderError },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0} exists and is not an empty folder; export into a new or empty one")]
    NotEmpty(PathBuf),
    #[error("cannot copy the media files: {0}")]
    Media(String),
}

/// What to export and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address the files will be served from, for canonical links and feeds.
    pub base_url: String,
    pub per_page: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

/// Writes the site into `out`, which must be empty or absent.
pub async fn export(
    store: &Store,
    theme: &Theme,
    options: &Options,
    out: &Path,
) -> Result<Report, ExportError> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out)
            .map_err(|source| ExportError::Write { path: out.to_owned(), source })?;
        if !out.is_dir() || entries.next().is_some() {
            return Err(ExportError::NotEmpty(out.to_owned()));
        }
    }
    let site = load::Site::load(store, &options.base_url).await?;
    plan::run(&site, theme, options, out)
}
