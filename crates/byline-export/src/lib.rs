//! `byline export ghost` (see `ghost.rs`): the publication as a Ghost import file.
//!
//! `byline export static`: the whole public site (articles with their corrections, pages,
//! archives with pagination, feeds, sitemaps, the corrections page and its feed, the theme's
//! assets, and a search page with its prebuilt index) as files
//! for any static host or CDN; and `byline export json`: the whole publication as one
//! versioned JSON document ([`json`]).
//!
//! Everything is loaded in a handful of queries, then every page is rendered from memory on
//! all cores with the same view-models the server uses, so an exported page is the page the
//! server would send. Depends on core, store and render; never on HTTP.

mod error;
mod ghost;
pub mod json;
mod load;
mod media;
mod options;
mod plan;
mod search;
mod tar;

pub use error::ExportError;
pub use ghost::{GhostExport, ghost_export};
pub use json::{JsonReport, export_json, json_document};
pub use media::{MediaCopied, copy_media};
pub use options::Options;
pub use plan::Report;

use byline_render::Theme;
use byline_store::Store;
use std::path::Path;

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
