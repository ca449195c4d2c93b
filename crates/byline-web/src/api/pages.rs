//! `/pages`: static pages (list, create, read, replace, delete). Editors and up.

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use byline_core::staff::Action;
use byline_core::{Page, PageInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, replace, delete))
}

#[derive(Serialize, ToSchema)]
pub struct PageOut {
    id: i64,
    slug: String,
    title: String,
    /// Markdown.
    body: String,
    body_html: String,
    /// Order in the navigation, lowest first.
    weight: i32,
    in_nav: bool,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Page> for PageOut {
    fn from(p: Page) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            title: p.title,
            body: p.body,
            body_html: p.body_html,
            weight: p.weight,
            in_nav: p.in_nav,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct PageIn {
    title: String,
    /// Made from the title when absent.
    slug: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    weight: i32,
    #[serde(default)]
    in_nav: bool,
}

impl PageIn {
    fn input(self) -> PageInput {
        PageInput {
            title: self.title,
            slug: self.slug,
            body: self.body,
            weight: self.weight,
            in_nav: self.in_nav,
        }
    }
}

/// Every page, in navigation order.
#[utoipa::path(get, path = "/pages", tag = "pages",
    responses((status = 200, body = Vec<PageOut>), (status = 403, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<PageOut>>, WebError> {
    who.require(Action::ManagePages)?;
    Ok(Json(state.store.pages().await?.into_iter().map(PageOut::from).collect()))
}

#[utoipa::path(post, path = "/pages", tag = "pages", request_body = PageIn,
    responses((status = 201, body = PageOut), (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(body): JsonBody<PageIn>,
) -> Result<(StatusCode, Json<PageOut>), WebError> {
    who.require(Action::ManagePages)?;
    let p = state.store.create_page(&who.0, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[utoipa::path(get, path = "/pages/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, body = PageOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<PageOut>, WebError> {
    who.require(Action::ManagePages)?;
    Ok(Json(state.store.page_by_id(id).await?.into()))
}

/// Replaces every field of a page.
#[utoipa::path(put, path = "/pages/{id}", tag = "pages", params(("id" = i64, Path)), request_body = PageIn,
    responses((status = 200, body = PageOut), (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<PageIn>,
) -> Result<Json<PageOut>, WebError> {
    who.require(Action::ManagePages)?;
    Ok(Json(state.store.update_page(&who.0, id, &body.input()).await?.into()))
}

#[utoipa::path(delete, path = "/pages/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ManagePages)?;
    state.store.delete_page(&who.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
