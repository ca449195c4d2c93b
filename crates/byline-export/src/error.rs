//! What can stop an export: the store, a page that does not render, a file that cannot be
//! written, a target folder in use, the media files.

use byline_store::StoreError;
use std::path::PathBuf;

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
