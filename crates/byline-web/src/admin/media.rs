//! The media library at `/admin/media`: a grid of images, the upload form, alt text, delete,
//! and the picker (`?pick=1&return=/admin/...`) whose "Use this image" links go back to the
//! given admin URL with `?image=<URL>&image_alt=<alt>`.

use super::frame::{Layout, SignedIn, flash, flash_error, render};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use byline_core::media::{Media, MediaName, may_manage};
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PER_PAGE: u64 = 24;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/media", get(library).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/admin/media/{id}/alt", post(describe))
        .route("/admin/media/{id}/delete", post(delete))
}

/// Where the library was opened from, kept across its forms.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct Place {
    page: Option<u64>,
    pick: Option<String>,
    /// The admin page to go back to with the picked image.
    #[serde(rename = "return")]
    back: Option<String>,
}

impl Place {
    fn picking(&self) -> bool {
        self.pick.as_deref().is_some_and(|p| !p.is_empty() && p != "0")
    }

    /// Only pages of this admin: never another site.
    fn back(&self) -> Option<&str> {
        self.back.as_deref().filter(|b| b.starts_with("/admin/") && !b.contains("//"))
    }

    /// The library's own query for this place (`pick=1&return=…`), with a trailing `&`.
    fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if self.picking() {
            q.append_pair("pick", "1");
        }
        if let Some(b) = self.back() {
            q.append_pair("return", b);
        }
        let q = q.finish();
        if q.is_empty() { q } else { q + "&" }
    }

    fn library_url(&self) -> String {
        let q = self.query();
        format!(
            "/admin/media{}",
            if q.is_empty() { String::new() } else { format!("?{}", q.trim_end_matches('&')) }
        )
    }
}

#[derive(Serialize)]
struct Item {
    id: i64,
    url: String,
    thumb: String,
    original_name: String,
    width: u32,
    height: u32,
    size: String,
    alt: String,
    uploaded_by: String,
    uploaded: String,
    may_manage: bool,
    /// In the picker: back to the editor with this image.
    use_url: Option<String>,
    alt_error: Option<String>,
}

#[derive(Serialize)]
struct Pager {
    page: u64,
    pages: u64,
}

#[derive(Serialize)]
struct LibraryPage {
    items: Vec<Item>,
    total: u64,
    pager: Pager,
    pager_base: String,
    picking: bool,
    back: Option<String>,
    upload_action: String,
    /// Query to keep on the item forms' actions.
    place_query: String,
    /// Upload form errors by field, and what was typed.
    errors: BTreeMap<String, String>,
    alt: String,
    max_mb: u64,
    max_megapixels: u64,
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The smallest copy, for the grid.
fn thumb(m: &Media) -> String {
    match MediaName::parse_url(&m.url) {
        Some((_, n)) => n
            .candidates(n.format)
            .first()
            .map(|c| format!("{}{}", byline_core::media::URL_PREFIX, c.key))
            .unwrap_or_else(|| m.url.clone()),
        None => m.url.clone(),
    }
}

fn use_url(back: &str, m: &Media) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("image", &m.url)
        .append_pair("image_alt", &m.alt)
        .finish();
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}{q}")
}

/// What a failed form left to show again.
#[derive(Default)]
struct Retry {
    errors: BTreeMap<String, String>,
    alt: String,
    /// (media id, typed alt, error)
    item: Option<(i64, String, String)>,
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    place: &Place,
    retry: Retry,
) -> Result<Response, WebError> {
    let layout = Layout::signed_in(state, who, "Media", "/admin/media").await?;
    let p = state.store.media_library(place.page.unwrap_or(1), PER_PAGE).await?;
    let actor = who.actor();
    let items = p
        .items
        .iter()
        .map(|m| {
            let typed = retry.item.as_ref().filter(|(id, _, _)| *id == m.id);
            Item {
                id: m.id,
                url: m.url.clone(),
                thumb: thumb(m),
                original_name: m.original_name.clone(),
                width: m.width,
                height: m.height,
                size: size(m.bytes),
                alt: typed.map(|t| t.1.clone()).unwrap_or_else(|| m.alt.clone()),
                uploaded_by: m.uploaded_by_name.clone(),
                uploaded: m.uploaded_at.format("%Y-%m-%d %H:%M").to_string(),
                may_manage: may_manage(&actor, m),
                use_url: place.picking().then(|| place.back().map(|b| use_url(b, m))).flatten(),
                alt_error: typed.map(|t| t.2.clone()),
            }
        })
        .collect();
    let csrf = layout.csrf.clone();
    let q = place.query();
    let page = LibraryPage {
        items,
        total: p.total,
        pager: Pager { page: p.page, pages: p.total.div_ceil(PER_PAGE).max(1) },
        pager_base: format!("/admin/media?{q}"),
        picking: place.picking(),
        back: place.back().map(str::to_owned),
        upload_action: format!(
            "/admin/media?{q}csrf={}",
            url::form_urlencoded::byte_serialize(csrf.as_bytes()).collect::<String>()
        ),
        place_query: q.trim_end_matches('&').to_owned(),
        errors: retry.errors,
        alt: retry.alt,
        max_mb: state.media_limits.max_bytes >> 20,
        max_megapixels: state.media_limits.max_pixels / 1_000_000,
    };
    render(state, "media.html", layout, page)
}

async fn library(
    State(state): State<AppState>,
    who: SignedIn,
    Query(place): Query<Place>,
) -> Result<Response, WebError> {
    page(&state, &who, &place, Retry::default()).await
}

async fn upload(
    State(state): State<AppState>,
    who: SignedIn,
    Query(place): Query<Place>,
    form: Multipart,
) -> Result<Response, WebError> {
    who.require(Action::UploadMedia)?;
    let mut alt = String::new();
    let result = match crate::media::read_upload(&state, form).await {
        Ok(up) => {
            alt = up.alt.clone();
            crate::media::upload(&state, &who.actor(), up).await
        }
        Err(e) => Err(e),
    };
    let error = match result {
        Ok(saved) => {
            let m = saved.value;
            let what = match saved.outcome {
                byline_store::Outcome::Created => "Uploaded",
                _ => "Already in the library:",
            };
            flash(&who.session, format!("{what} {} ({} × {})", m.original_name, m.width, m.height))
                .await;
            return Ok(Redirect::to(&place.library_url()).into_response());
        }
        Err(e) => e,
    };
    let (status, message) = match &error {
        WebError::TooLarge(m) | WebError::UnsupportedMedia(m) => (error.status(), m.clone()),
        WebError::Invalid(i) => (error.status(), i.to_string()),
        _ => return Err(error),
    };
    let retry = Retry { errors: BTreeMap::from([("file".to_owned(), message)]), alt, item: None };
    let mut res = page(&state, &who, &place, retry).await?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize)]
struct AltForm {
    alt: String,
}

async fn describe(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Query(place): Query<Place>,
    Form(form): Form<AltForm>,
) -> Result<Response, WebError> {
    match crate::media::describe(&state, &who.actor(), id, &form.alt).await {
        Ok(m) => {
            flash(&who.session, format!("Saved the description of {}", m.original_name)).await;
            Ok(Redirect::to(&place.library_url()).into_response())
        }
        Err(WebError::Invalid(i)) => {
            let message = i.0.first().map(|f| f.message.clone()).unwrap_or_default();
            let retry = Retry { item: Some((id, form.alt, message)), ..Retry::default() };
            let mut res = page(&state, &who, &place, retry).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Query(place): Query<Place>,
) -> Result<Response, WebError> {
    match crate::media::delete(&state, &who.actor(), id).await {
        Ok(m) => flash(&who.session, format!("Deleted {}", m.original_name)).await,
        Err(WebError::Conflict(why)) => {
            flash_error(&who.session, format!("Not deleted: {why}")).await
        }
        Err(e) => return Err(e),
    }
    Ok(Redirect::to(&place.library_url()).into_response())
}
