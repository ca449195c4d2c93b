//! Byline's themes: minijinja templates fed by view-models.
//!
//! A theme is a folder of `templates/` and `assets/`. The default theme is embedded in the
//! binary; a theme folder on disk overrides it file by file. Templates never see domain
//! types or database rows, only the serializable views in [`view`], built from
//! `byline_core` types. This crate depends on `byline-core` only: no HTTP, no SQL.

pub mod feeds;
pub mod republish;
pub mod seo;
pub mod sitemap;
mod theme;
pub mod urls;
pub mod view;

pub use theme::{Asset, RenderError, Theme};
