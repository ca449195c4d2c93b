//! Byline's importers: a Ghost export (see [`ghost`]), a folder of Markdown files with front matter, in the
//! conventions of Hugo, Jekyll and Zola plus Byline's own keys (see README, "Import format"),
//! and the demo publication embedded in the binary, which uses the same format.
//!
//! Importers read files, turn them into `byline_core` inputs and save them through the
//! store. A bad file is reported with its path (and line, where known) and the rest goes on;
//! importing the same folder again updates what changed instead of adding copies.
//! This crate must not depend on HTTP or rendering.

mod entries;
mod frontmatter;
pub mod ghost;
mod markdown_dir;
pub mod members_csv;
mod report;
mod settings;
mod source;

pub use markdown_dir::import;
pub use report::{Counts, Problem, Report};
pub use source::{SourceFile, demo, read_dir};
