//! Byline's importers: a Ghost export (see [`ghost`]), a folder of Markdown files with front matter, in the
//! conventions of Hugo, Jekyll and Zola plus Byline's own keys (see README, "Import format"),
//! and the demo publication embedded in the binary, which uses the same format.
//!
//! Importers read files, turn them into `byline_core` inputs and save them through the
//! store. A bad file is reported with its path (and line, where known) and the rest goes on;
//! importing the same folder again updates what changed instead of adding copies.
//! This crate must not depend on HTTP or rendering.

mod batch;
mod entries;
mod frontmatter;
pub mod ghost;
mod html_md;
pub mod json;
mod markdown_dir;
pub mod members_csv;
mod report;
mod settings;
pub mod site;
mod source;
pub mod wordpress;

pub use markdown_dir::{import, import_with};
pub use report::{Counts, Problem, Report};
pub use site::{Generator, Site, import_site, read_site};
pub use source::{SourceFile, demo, read_dir};

/// How an import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Read and check everything, write nothing; the report counts what would be written
    /// (as created) and what would fail.
    pub dry_run: bool,
}

/// Told `(done, total)` as an import goes, for a progress bar.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// A [`Progress`] that shows nothing.
pub fn no_progress(_done: u64, _total: u64) {}
