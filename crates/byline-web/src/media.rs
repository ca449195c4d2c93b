//! Media files: served at `/media/…` from media storage with long immutable caching (their
//! names are content-addressed), and the upload use case the admin and the API share:
//! read the multipart body within the size limit, check and process the image off the async
//! runtime, keep its files, then record it.

use crate::{AppState, WebError};
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use byline_core::Invalid;
use byline_core::audit::Actor;
use byline_core::media::{ImageFormat, Media, NewMedia};
use byline_media::MediaError;
use byline_store::Saved;

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

/// Uploads processed at once in this process.
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Checks, strips and resizes an upload, keeps its files, and records it.
pub async fn upload(state: &AppState, actor: &Actor, up: Upload) -> Result<Saved<Media>, WebError> {
    let limits = state.media_limits;
    let bytes = up.bytes;
    // Decoding and resizing take a core and up to a few hundred MB each: two at a time.
    let _turn = PROCESSING
        .acquire()
        .await
        .map_err(|e| WebError::Internal(format!("image processing is closed: {e}")))?;
    let processed = tokio::task::spawn_blocking(move || byline_media::process(&bytes, &limits))
        .await
        .map_err(|e| WebError::Internal(format!("image processing stopped: {e}")))??;
    for f in &processed.files {
        state
            .media
            .put(&f.key, f.bytes.clone())
            .await
            .map_err(|e| WebError::Internal(format!("could not keep {}: {e}", f.key)))?;
    }
    let new = NewMedia {
        name: processed.name.clone(),
        original_name: up.file_name,
        bytes: processed.original().bytes.len() as u64,
        alt: up.alt,
    };
    Ok(state.store.add_media(actor, &new).await?)
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
