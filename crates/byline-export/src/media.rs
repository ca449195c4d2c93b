//! The media library's files, copied into the export under `media/`, so that pages keep
//! their images (and `srcset` copies) on a static host.

use crate::error::ExportError;
use byline_media::MediaStorage;
use std::path::Path;

/// What was copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaCopied {
    pub files: u64,
    pub bytes: u64,
}

/// Copies every media file from `storage` into `out/media/`.
pub async fn copy_media(storage: &MediaStorage, out: &Path) -> Result<MediaCopied, ExportError> {
    let mut done = MediaCopied::default();
    let keys = storage.list().await.map_err(|e| ExportError::Media(e.to_string()))?;
    for key in keys {
        // Something else in the folder (a `.DS_Store`, a note) is not the library's: leave
        // it out rather than stop the export over it.
        if !byline_media::storage::valid_key(&key) {
            tracing::warn!(%key, "not a media file; left out of the export");
            continue;
        }
        let Some(bytes) = storage.get(&key).await.map_err(|e| ExportError::Media(e.to_string()))?
        else {
            continue;
        };
        let path = out.join("media").join(&key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|source| ExportError::Write { path: dir.to_owned(), source })?;
        }
        std::fs::write(&path, &bytes).map_err(|source| ExportError::Write { path, source })?;
        done.files += 1;
        done.bytes += bytes.len() as u64;
    }
    Ok(done)
}
