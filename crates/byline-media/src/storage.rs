//! Where media files are kept: one interface over the `object_store` crate, the local disk
//! by default (`<data>/media`), so that S3-compatible storage can follow by configuration.

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0:?} is not a media file's name")]
    BadKey(String),
    #[error("media storage: {0}")]
    Backend(#[from] object_store::Error),
    #[error("cannot create the media folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
}

/// The media files' home. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MediaStorage {
    inner: Arc<dyn ObjectStore>,
    /// Said in logs and errors: the folder, or "memory".
    place: String,
}

impl MediaStorage {
    /// Files in a folder on this machine (created when missing).
    pub fn local(folder: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(folder)
            .map_err(|source| StorageError::Folder { path: folder.to_owned(), source })?;
        let fs = LocalFileSystem::new_with_prefix(folder)?;
        Ok(Self { inner: Arc::new(fs), place: folder.display().to_string() })
    }

    /// Files in memory only, gone when the process ends (for tests and previews).
    pub fn in_memory() -> Self {
        Self { inner: Arc::new(InMemory::new()), place: "memory".into() }
    }

    /// Where the files are, for people.
    pub fn place(&self) -> &str {
        &self.place
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.inner.put(&path(key)?, PutPayload::from_bytes(bytes)).await?;
        Ok(())
    }

    /// A file's bytes; `None` when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        match self.inner.get(&path(key)?).await {
            Ok(r) => Ok(Some(r.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a file; a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.inner.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every file's key.
    pub async fn list(&self) -> Result<Vec<String>, StorageError> {
        let mut out = Vec::new();
        let mut s = self.inner.list(None);
        while let Some(meta) = s.next().await {
            out.push(meta?.location.to_string());
        }
        out.sort();
        Ok(out)
    }
}

/// A key is `folder/file.ext` of lowercase letters, digits, `x`, `-` and one dot: nothing
/// that could climb out of the media folder.
pub fn valid_key(key: &str) -> bool {
    let Some((folder, file)) = key.split_once('/') else {
        return false;
    };
    let part_ok = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['.', '-'])
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
    };
    part_ok(folder)
        && !folder.contains('.')
        && part_ok(file)
        && file.matches('.').count() == 1
        && !file.contains('/')
}

fn path(key: &str) -> Result<ObjectPath, StorageError> {
    if !valid_key(key) {
        return Err(StorageError::BadKey(key.to_owned()));
    }
    Ok(ObjectPath::from(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside() {
        assert!(valid_key("3fa9c1e2b4d5a6f7/480w.jpg"));
        assert!(valid_key("3fa9c1e2b4d5a6f7/1200x800-w480-webp.jpg"));
        for bad in ["../x.jpg", "a/../b.jpg", "a/.x.jpg", "a/b", "a/b/c.jpg", "A/b.jpg", "/b.jpg"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn keeps_files_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let s = MediaStorage::local(&dir.path().join("media")).unwrap();
        s.put("abc/1x1.png", Bytes::from_static(b"png")).await.unwrap();
        assert_eq!(s.get("abc/1x1.png").await.unwrap().unwrap(), Bytes::from_static(b"png"));
        assert!(dir.path().join("media/abc/1x1.png").is_file());
        assert_eq!(s.list().await.unwrap(), ["abc/1x1.png"]);
        s.delete("abc/1x1.png").await.unwrap();
        assert_eq!(s.get("abc/1x1.png").await.unwrap(), None);
        s.delete("abc/1x1.png").await.unwrap();
    }
}
