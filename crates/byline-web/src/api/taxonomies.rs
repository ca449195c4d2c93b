//! `/taxonomies` and `/terms`: taxonomies (create, read, replace, delete with `?confirm=true`
//! when articles use them) and their terms (create, rename, nest, merge, delete). Renaming or
//! merging a term changes its archive address; the old one redirects (301). Editors and up.

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use byline_core::staff::Action;
use byline_core::{Taxonomy, TaxonomyInput, Term, TermInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, replace, delete))
        .routes(routes!(terms, create_term))
        .routes(routes!(read_term, replace_term, delete_term))
        .routes(routes!(merge_term))
}

#[derive(Serialize, ToSchema)]
pub struct TaxonomyOut {
    id: i64,
    slug: String,
    name: String,
    singular: String,
    description: Option<String>,
    position: i32,
    /// Its terms appear as tags in the Ghost Content API.
    exposed: bool,
    terms: u64,
    /// Articles filed under any of its terms.
    articles: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct TaxonomyIn {
    /// Plural, as a heading: `Regions`.
    name: String,
    slug: Option<String>,
    /// `Region`; the name when absent.
    singular: Option<String>,
    description: Option<String>,
    /// Lower comes first; absent keeps the place (new ones go last).
    position: Option<i32>,
    /// Do its terms appear as tags in the Ghost Content API? Absent keeps what it is
    /// (true for a new one).
    exposed: Option<bool>,
}

impl TaxonomyIn {
    fn input(&self) -> TaxonomyInput {
        TaxonomyInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            singular: self.singular.clone(),
            description: self.description.clone(),
            exposed: self.exposed,
        }
    }
}

async fn out(state: &AppState, t: Taxonomy) -> Result<TaxonomyOut, WebError> {
    let used = state.store.taxonomy_usage(t.id).await?;
    Ok(TaxonomyOut {
        id: t.id,
        slug: t.slug,
        name: t.name,
        singular: t.singular,
        description: t.description,
        position: t.position,
        exposed: t.exposed,
        terms: used.terms,
        articles: used.articles,
    })
}

#[derive(Serialize, ToSchema)]
pub struct TermOut {
    id: i64,
    taxonomy_id: i64,
    parent_id: Option<i64>,
    slug: String,
    name: String,
    description: Option<String>,
    /// The public archive's address.
    url: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TermIn {
    name: String,
    slug: Option<String>,
    description: Option<String>,
    /// The parent term (same taxonomy); absent or null makes it top-level.
    parent_id: Option<i64>,
}

impl TermIn {
    fn input(&self) -> TermInput {
        TermInput {
            name: self.name.clone(),
            slug: self.slug.clone(),
            description: self.description.clone(),
        }
    }
}

async fn term_out(state: &AppState, t: Term) -> Result<TermOut, WebError> {
    let tax = state.store.taxonomy_by_id(t.taxonomy_id).await?;
    Ok(TermOut {
        url: byline_render::urls::term(&tax.slug, &t.slug),
        id: t.id,
        taxonomy_id: t.taxonomy_id,
        parent_id: t.parent_id,
        slug: t.slug,
        name: t.name,
        description: t.description,
    })
}

/// Every taxonomy, in order.
#[utoipa::path(get, path = "/taxonomies", tag = "taxonomies",
    responses((status = 200, body = Vec<TaxonomyOut>), (status = 403, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<TaxonomyOut>>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let mut all = Vec::new();
    for t in state.store.taxonomies().await? {
        all.push(out(&state, t).await?);
    }
    Ok(Json(all))
}

#[utoipa::path(post, path = "/taxonomies", tag = "taxonomies", request_body = TaxonomyIn,
    responses((status = 201, body = TaxonomyOut), (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(body): JsonBody<TaxonomyIn>,
) -> Result<(StatusCode, Json<TaxonomyOut>), WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.create_taxonomy(&who.0, &body.input(), body.position).await?;
    Ok((StatusCode::CREATED, Json(out(&state, t).await?)))
}

#[utoipa::path(get, path = "/taxonomies/{id}", tag = "taxonomies", params(("id" = i64, Path)),
    responses((status = 200, body = TaxonomyOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<TaxonomyOut>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    Ok(Json(out(&state, state.store.taxonomy_by_id(id).await?).await?))
}

#[utoipa::path(put, path = "/taxonomies/{id}", tag = "taxonomies", params(("id" = i64, Path)), request_body = TaxonomyIn,
    responses((status = 200, body = TaxonomyOut), (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<TaxonomyIn>,
) -> Result<Json<TaxonomyOut>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.update_taxonomy(&who.0, id, &body.input(), body.position).await?;
    Ok(Json(out(&state, t).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct DeleteParams {
    /// Required when articles are filed under the taxonomy's terms (409 otherwise, with
    /// the number of articles in the message).
    #[serde(default)]
    confirm: bool,
}

/// Deletes a taxonomy and its terms.
#[utoipa::path(delete, path = "/taxonomies/{id}", tag = "taxonomies", params(("id" = i64, Path), DeleteParams),
    responses((status = 204), (status = 409, description = "in use; confirm", body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    Query(q): Query<DeleteParams>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ManageTaxonomies)?;
    state.store.delete_taxonomy(&who.0, id, q.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The taxonomy's terms, by name.
#[utoipa::path(get, path = "/taxonomies/{id}/terms", tag = "terms", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TermOut>)))]
async fn terms(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TermOut>>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let tax = state.store.taxonomy_by_id(id).await?;
    let mut all = Vec::new();
    for t in state.store.terms(tax.id).await? {
        all.push(term_out(&state, t).await?);
    }
    Ok(Json(all))
}

#[utoipa::path(post, path = "/taxonomies/{id}/terms", tag = "terms", params(("id" = i64, Path)), request_body = TermIn,
    responses((status = 201, body = TermOut), (status = 422, body = super::errors::ApiError)))]
async fn create_term(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<TermIn>,
) -> Result<(StatusCode, Json<TermOut>), WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.create_term(&who.0, id, &body.input(), body.parent_id).await?;
    Ok((StatusCode::CREATED, Json(term_out(&state, t).await?)))
}

#[utoipa::path(get, path = "/terms/{id}", tag = "terms", params(("id" = i64, Path)),
    responses((status = 200, body = TermOut), (status = 404, body = super::errors::ApiError)))]
async fn read_term(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<TermOut>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    Ok(Json(term_out(&state, state.store.term_by_id(id).await?).await?))
}

/// Renames and nests a term. A `parent_id` at or below the term is refused on `parent`.
#[utoipa::path(put, path = "/terms/{id}", tag = "terms", params(("id" = i64, Path)), request_body = TermIn,
    responses((status = 200, body = TermOut), (status = 422, body = super::errors::ApiError)))]
async fn replace_term(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<TermIn>,
) -> Result<Json<TermOut>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.update_term(&who.0, id, &body.input(), body.parent_id).await?;
    Ok(Json(term_out(&state, t).await?))
}

#[utoipa::path(delete, path = "/terms/{id}", tag = "terms", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::errors::ApiError)))]
async fn delete_term(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ManageTaxonomies)?;
    state.store.delete_term(&who.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MergeIn {
    /// The term (same taxonomy) that receives this one's articles.
    into: i64,
}

/// Merges the term into another: its articles move there (no duplicates), it is deleted.
#[utoipa::path(post, path = "/terms/{id}/merge", tag = "terms", params(("id" = i64, Path)), request_body = MergeIn,
    responses((status = 200, description = "the target term", body = TermOut), (status = 422, body = super::errors::ApiError)))]
async fn merge_term(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<MergeIn>,
) -> Result<Json<TermOut>, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.merge_term(&who.0, id, body.into).await?;
    Ok(Json(term_out(&state, t).await?))
}
