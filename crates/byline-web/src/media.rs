//! Media files: served at `/media/…` from media storage with long immutable caching (their
//! names are content-addressed), and the upload use case the admin and the API share:
//! read the multipart body within the size limit, check the image and strip its metadata off
//! the async runtime, keep the original, then record it with the job that makes its copies
//! ([`make_copies`], run by the job workers).

use crate::{AppState, WebError};
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use byline_core::Invalid;
use byline_core::audit::Actor;
use byline_core::jobs::MakeImageCopies;
use byline_core::media::{ImageFormat, Media, MediaName, NewMedia};
use byline_media::{Limits, MediaError, MediaStorage};
use byline_store::{Saved, Store};

/// `GET /media/{key}`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/media/{*key}", get(serve))
}

async fn serve(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, WebError> {
    if !byline_media::storage::valid_key(&key) {
        return Err(WebError::NotFound);
    }
    let format = key
        .rsplit_once('.')
        .and_then(|(_, ext)| ImageFormat::from_extension(ext))
        .ok_or(WebError::NotFound)?;
    let bytes = state
        .media
        .get(&key)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .ok_or(WebError::NotFound)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// What an upload form or request carried.
#[derive(Debug, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub alt: String,
    /// Whether a file part was present at all.
    pub has_file: bool,
}

impl From<MediaError> for WebError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::TooLarge(m) | MediaError::TooManyPixels(m) => WebError::TooLarge(m),
            MediaError::Unsupported(m) => WebError::UnsupportedMedia(m),
            MediaError::Unreadable(m) => WebError::Invalid(Invalid::one("file", m)),
        }
    }
}

/// Reads a multipart body with a `file` part (and optionally `alt`), refusing a file over
/// the size limit as soon as it passes it.
pub async fn read_upload(state: &AppState, mut form: Multipart) -> Result<Upload, WebError> {
    let max = state.media_limits.max_bytes;
    let bad = |e: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
    };
    let mut up = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                up.has_file = true;
                up.file_name = field.file_name().unwrap_or("image").to_owned();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if (up.bytes.len() + chunk.len()) as u64 > max {
                        return Err(WebError::TooLarge(format!(
                            "the file is larger than {} MiB, the most an image may be",
                            max >> 20
                        )));
                    }
                    up.bytes.extend_from_slice(&chunk);
                }
            }
            Some("alt") => up.alt = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if !up.has_file || up.bytes.is_empty() {
        return Err(WebError::Invalid(Invalid::one("file", "choose an image file to upload")));
    }
    Ok(up)
}

/// Images decoded at once in this process (uploads and copy jobs together).
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Checks an upload and strips its metadata, keeps the original, and records it with the job
/// that makes its copies. The answer does not wait for the copies: until the job has made
/// them, the image's URL promises none and pages show the original alone.
///
/// Re-encoding the original stays here: it is what removes EXIF, GPS and the like, and the
/// original is public as soon as the upload answers.
pub async fn upload(state: &AppState, actor: &Actor, up: Upload) -> Result<Saved<Media>, WebError> {
    let limits = state.media_limits;
    let bytes = up.bytes;
    // Decoding takes a core and up to a few hundred MB each: two at a time.
    let _turn = PROCESSING
        .acquire()
        .await
        .map_err(|e| WebError::Internal(format!("image processing is closed: {e}")))?;
    let first = tokio::task::spawn_blocking(move || byline_media::original(&bytes, &limits))
        .await
        .map_err(|e| WebError::Internal(format!("image processing stopped: {e}")))??;
    let f = &first.file;
    state
        .media
        .put(&f.key, f.bytes.clone())
        .await
        .map_err(|e| WebError::Internal(format!("could not keep {}: {e}", f.key)))?;
    let new = NewMedia {
        name: first.name,
        original_name: up.file_name,
        bytes: f.bytes.len() as u64,
        alt: up.alt,
        copies_due: first.copies_due,
    };
    Ok(state.store.add_media(actor, &new).await?)
}

/// The [`MakeImageCopies`] job: makes an image's copies from its kept original, keeps them,
/// and moves the library and the pages using the image to the name that lists them. Nothing
/// to do when the image is gone or has its copies already.
pub async fn make_copies(
    store: &Store,
    media: &MediaStorage,
    limits: Limits,
    job: MakeImageCopies,
) -> anyhow::Result<()> {
    let m = match store.media(job.media_id).await {
        Ok(m) => m,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let Some((_, pending)) = MediaName::parse_url(&m.url) else {
        anyhow::bail!("media {}'s URL {} is not a library name", m.id, m.url);
    };
    if pending.webp {
        return Ok(());
    }
    let key = pending.key();
    let original = media
        .get(&key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the original {key} is missing from media storage"))?;
    let made = {
        let _turn = PROCESSING.acquire().await?;
        let pending = pending.clone();
        tokio::task::spawn_blocking(move || byline_media::copies(&original, &pending, &limits))
            .await??
    };
    for f in &made.files {
        media.put(&f.key, f.bytes.clone()).await?;
    }
    if store.media_copies_made(m.id, &pending, &made.name).await?.is_none()
        && store.media(m.id).await.is_err_and(|e| e.is_not_found())
    {
        // Deleted while the copies were made: they belong to no one.
        for f in &made.files {
            media.delete(&f.key).await?;
        }
    }
    Ok(())
}

/// Forgets an image and deletes its files (refused while an article uses it).
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<Media, WebError> {
    let m = state.store.media(id).await?;
    if !byline_core::media::may_manage(actor, &m) {
        return Err(WebError::forbidden(
            "only the person who uploaded an image, or an editor, may delete it",
        ));
    }
    let m = state.store.delete_media(actor, id).await?;
    for key in &m.files {
        if let Err(e) = state.media.delete(key).await {
            tracing::warn!(key, error = %e, "could not delete a media file");
        }
    }
    Ok(m)
}

/// Changes an image's alt text (its uploader, or an editor).
pub async fn describe(
    state: &AppState,
    actor: &Actor,
    id: i64,
    alt: &str,
) -> Result<Media, WebError> {
    let m = state.store.media(id).await?;
    if !byline_core::media::may_manage(actor, &m) {
        return Err(WebError::forbidden(
            "only the person who uploaded an image, or an editor, may describe it",
        ));
    }
    Ok(state.store.set_media_alt(actor, id, alt).await?)
}
