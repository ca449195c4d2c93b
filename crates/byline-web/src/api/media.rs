//! `/media`: upload images (multipart), list, describe and delete them.

use super::auth::ApiActor;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use byline_core::media::{ImageFormat, Media, MediaName, srcset};
use byline_core::staff::Action;
use byline_store::Outcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    // Uploads enforce the media size limit themselves, while reading.
    let uploads = OpenApiRouter::new().routes(routes!(upload)).layer(DefaultBodyLimit::disable());
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one, describe, remove)).merge(uploads)
}

/// An image in the media library.
#[derive(Serialize, ToSchema)]
pub struct MediaJson {
    id: i64,
    /// Use this as an article's featured image (`image`). Right after an upload it names the
    /// original alone; once the copies are made (in the background, seconds later) it names
    /// them too, and articles using the image move to it. The first URL keeps working.
    url: String,
    original_name: String,
    content_type: String,
    width: u32,
    height: u32,
    /// Size of the stored (re-encoded) original.
    bytes: u64,
    alt: String,
    /// URLs of every stored file: the original (under its first name too, once the copies
    /// exist), its copies, their WebP twins.
    files: Vec<String>,
    /// `srcset` in the original's format.
    srcset: String,
    /// `srcset` in WebP; empty for animated GIFs, and until the copies are made.
    webp_srcset: String,
    uploaded_by: Option<i64>,
    uploaded_by_name: String,
    uploaded_at: DateTime<Utc>,
}

impl From<Media> for MediaJson {
    fn from(m: Media) -> Self {
        let name = MediaName::parse_url(&m.url).map(|(_, n)| n);
        let set = |f| name.as_ref().map(|n| srcset("", &n.candidates(f))).unwrap_or_default();
        Self {
            srcset: name.as_ref().map(|n| set(n.format)).unwrap_or_default(),
            webp_srcset: set(ImageFormat::WebP),
            id: m.id,
            files: m
                .files
                .iter()
                .map(|k| format!("{}{k}", byline_core::media::URL_PREFIX))
                .collect(),
            url: m.url,
            original_name: m.original_name,
            content_type: m.content_type,
            width: m.width,
            height: m.height,
            bytes: m.bytes,
            alt: m.alt,
            uploaded_by: m.uploaded_by,
            uploaded_by_name: m.uploaded_by_name,
            uploaded_at: m.uploaded_at,
        }
    }
}

/// The upload form.
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// A JPEG, PNG, WebP or GIF image, known by its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What the image shows, for people who cannot see it.
    alt: Option<String>,
}

/// Upload an image. Its type is judged by its bytes; it is re-encoded without metadata
/// (EXIF, GPS, XMP, comments) and copies are made 480, 960 and 1600 px wide (never wider
/// than the original) in its format and in WebP. The same bytes uploaded again answer 200
/// with the image already in the library.
#[utoipa::path(
    post,
    path = "/media",
    tag = "media",
    request_body(content_type = "multipart/form-data", content = UploadForm),
    responses(
        (status = 201, body = MediaJson, description = "uploaded"),
        (status = 200, body = MediaJson, description = "already in the library"),
        (status = 413, description = "more bytes or pixels than the limits", body = super::errors::ApiError),
        (status = 415, description = "not a JPEG, PNG, WebP or GIF", body = super::errors::ApiError),
        (status = 422, description = "no file, or one that cannot be read", body = super::errors::ApiError)
    )
)]
async fn upload(
    State(state): State<AppState>,
    actor: ApiActor,
    form: Multipart,
) -> Result<(StatusCode, Json<MediaJson>), WebError> {
    actor.require(Action::UploadMedia)?;
    let up = crate::media::read_upload(&state, form).await?;
    let saved = crate::media::upload(&state, &actor.0, up).await?;
    let status =
        if saved.outcome == Outcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(saved.value.into())))
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// 1-based.
    page: Option<u64>,
    /// At most 100; 50 when absent.
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct MediaList {
    items: Vec<MediaJson>,
    page: u64,
    per_page: u64,
    total: u64,
}

/// The media library, newest first.
#[utoipa::path(
    get,
    path = "/media",
    tag = "media",
    params(ListQuery),
    responses((status = 200, body = MediaList))
)]
async fn list(
    State(state): State<AppState>,
    _actor: ApiActor,
    Query(q): Query<ListQuery>,
) -> Result<Json<MediaList>, WebError> {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 100);
    let p = state.store.media_library(q.page.unwrap_or(1), per_page).await?;
    Ok(Json(MediaList {
        items: p.items.into_iter().map(Into::into).collect(),
        page: p.page,
        per_page: p.per_page,
        total: p.total,
    }))
}

/// One image.
#[utoipa::path(
    get,
    path = "/media/{id}",
    tag = "media",
    responses((status = 200, body = MediaJson), (status = 404, body = super::errors::ApiError))
)]
async fn one(
    State(state): State<AppState>,
    _actor: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<MediaJson>, WebError> {
    Ok(Json(state.store.media(id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct Describe {
    alt: String,
}

/// Change an image's alt text (its uploader, or an editor and above).
#[utoipa::path(
    patch,
    path = "/media/{id}",
    tag = "media",
    request_body = Describe,
    responses(
        (status = 200, body = MediaJson),
        (status = 403, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)
    )
)]
async fn describe(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<i64>,
    super::body::JsonBody(body): super::body::JsonBody<Describe>,
) -> Result<Json<MediaJson>, WebError> {
    Ok(Json(crate::media::describe(&state, &actor.0, id, &body.alt).await?.into()))
}

/// Delete an image and its files (its uploader, or an editor and above). Refused with 409,
/// naming the articles, while an article uses it.
#[utoipa::path(
    delete,
    path = "/media/{id}",
    tag = "media",
    responses(
        (status = 204, description = "deleted"),
        (status = 403, body = super::errors::ApiError),
        (status = 409, description = "an article uses it", body = super::errors::ApiError)
    )
)]
async fn remove(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    crate::media::delete(&state, &actor.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
