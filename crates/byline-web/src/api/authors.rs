//! `/authors`: list (with article counts), create, read, replace, delete (reassigning
//! bylines with `?reassign_to=`). Needs a role that may manage authors (editor and up).

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use byline_core::staff::Action;
use byline_core::{Author, AuthorInput, AuthorLink};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, replace, delete))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Link {
    title: String,
    url: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorOut {
    id: i64,
    slug: String,
    name: String,
    /// Markdown.
    bio: Option<String>,
    bio_html: Option<String>,
    photo: Option<String>,
    website: Option<String>,
    /// The public email.
    email: Option<String>,
    links: Vec<Link>,
    /// A guest contributor, without a staff login.
    guest: bool,
    /// Articles (any status) whose byline names this author; only in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    articles: Option<u64>,
}

impl AuthorOut {
    fn of(a: Author, articles: Option<u64>) -> Self {
        Self {
            id: a.id,
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            bio_html: a.bio_html,
            photo: a.photo,
            website: a.website,
            email: a.email,
            links: a.links.into_iter().map(|l| Link { title: l.title, url: l.url }).collect(),
            guest: a.guest,
            articles,
        }
    }
}

/// Every field of an author; a replace (PUT) sets them all.
#[derive(Deserialize, ToSchema)]
pub struct AuthorIn {
    name: String,
    /// Made from the name when absent.
    slug: Option<String>,
    bio: Option<String>,
    photo: Option<String>,
    website: Option<String>,
    email: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    guest: bool,
}

impl AuthorIn {
    fn input(self) -> AuthorInput {
        AuthorInput {
            name: self.name,
            slug: self.slug,
            bio: self.bio,
            photo: self.photo,
            website: self.website,
            email: self.email,
            links: self
                .links
                .into_iter()
                .map(|l| AuthorLink { title: l.title, url: l.url })
                .collect(),
            guest: self.guest,
        }
    }
}

/// Every author, by name, with article counts.
#[utoipa::path(get, path = "/authors", tag = "authors",
    responses((status = 200, body = Vec<AuthorOut>), (status = 403, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<AuthorOut>>, WebError> {
    who.require(Action::ManageAuthors)?;
    let all = state.store.author_listings().await?;
    Ok(Json(all.into_iter().map(|l| AuthorOut::of(l.author, Some(l.articles))).collect()))
}

/// Adds an author (a guest contributor when `guest` is true).
#[utoipa::path(post, path = "/authors", tag = "authors", request_body = AuthorIn,
    responses((status = 201, body = AuthorOut), (status = 422, description = "invalid fields", body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(body): JsonBody<AuthorIn>,
) -> Result<(StatusCode, Json<AuthorOut>), WebError> {
    who.require(Action::ManageAuthors)?;
    let a = state.store.create_author(&who.0, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(AuthorOut::of(a, None))))
}

#[utoipa::path(get, path = "/authors/{id}", tag = "authors", params(("id" = i64, Path)),
    responses((status = 200, body = AuthorOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<AuthorOut>, WebError> {
    who.require(Action::ManageAuthors)?;
    Ok(Json(AuthorOut::of(state.store.author_by_id(id).await?, None)))
}

/// Replaces every field of an author.
#[utoipa::path(put, path = "/authors/{id}", tag = "authors", params(("id" = i64, Path)), request_body = AuthorIn,
    responses((status = 200, body = AuthorOut), (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<AuthorIn>,
) -> Result<Json<AuthorOut>, WebError> {
    who.require(Action::ManageAuthors)?;
    Ok(Json(AuthorOut::of(state.store.update_author(&who.0, id, &body.input()).await?, None)))
}

#[derive(Deserialize, IntoParams)]
pub struct DeleteParams {
    /// Another author to take this one's place in every byline. Required while the author
    /// is in any byline (409 otherwise).
    reassign_to: Option<i64>,
}

/// Deletes an author.
#[utoipa::path(delete, path = "/authors/{id}", tag = "authors", params(("id" = i64, Path), DeleteParams),
    responses((status = 204), (status = 409, description = "still in bylines; pass reassign_to", body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    Query(q): Query<DeleteParams>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ManageAuthors)?;
    state.store.delete_author(&who.0, id, q.reassign_to).await?;
    Ok(StatusCode::NO_CONTENT)
}
