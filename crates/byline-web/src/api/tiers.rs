//! `/tiers`: every tier (editors and up), and creating, changing and archiving them
//! (administrators and the owner). The free tier has no price and cannot be archived.

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use byline_core::members::{Tier, TierInput};
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, replace))
        .routes(routes!(archive))
}

#[derive(Serialize, ToSchema)]
pub struct TierOut {
    slug: String,
    name: String,
    description: Option<String>,
    benefits: Vec<String>,
    /// `free` or `paid`.
    kind: String,
    /// In the currency's smallest unit (cents).
    monthly_price: Option<i64>,
    yearly_price: Option<i64>,
    currency: String,
    /// Offered on the join page.
    visible: bool,
    /// `false`: archived (members keep it; not offered).
    active: bool,
}

impl TierOut {
    fn of(t: Tier) -> Self {
        Self {
            slug: t.slug,
            name: t.name,
            description: t.description,
            benefits: t.benefits,
            kind: t.kind.as_str().to_owned(),
            monthly_price: t.monthly_price,
            yearly_price: t.yearly_price,
            currency: t.currency,
            visible: t.visible,
            active: t.active,
        }
    }
}

fn yes() -> bool {
    true
}

/// A tier's fields; a replace (PUT) sets them all.
#[derive(Deserialize, ToSchema)]
pub struct TierIn {
    name: String,
    /// Made from the name for a new tier; kept when absent on a replace.
    slug: Option<String>,
    description: Option<String>,
    #[serde(default)]
    benefits: Vec<String>,
    /// In cents; a paid tier needs a monthly or a yearly price, the free tier none.
    monthly_price: Option<i64>,
    yearly_price: Option<i64>,
    /// ISO 4217 (`usd` when absent).
    currency: Option<String>,
    #[serde(default = "yes")]
    visible: bool,
    #[serde(default = "yes")]
    active: bool,
}

impl TierIn {
    fn input(self) -> TierInput {
        TierInput {
            slug: self.slug,
            name: self.name,
            description: self.description,
            benefits: self.benefits,
            monthly_price: self.monthly_price,
            yearly_price: self.yearly_price,
            currency: self.currency,
            visible: self.visible,
            active: self.active,
        }
    }
}

/// Every tier, archived ones too, in display order.
#[utoipa::path(get, path = "/tiers", tag = "tiers",
    responses((status = 200, body = Vec<TierOut>), (status = 403, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<TierOut>>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(state.store.tiers().await?.into_iter().map(TierOut::of).collect()))
}

/// Adds a paid tier.
#[utoipa::path(post, path = "/tiers", tag = "tiers", request_body = TierIn,
    responses((status = 201, body = TierOut), (status = 409, description = "the slug is taken", body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(body): JsonBody<TierIn>,
) -> Result<(StatusCode, Json<TierOut>), WebError> {
    who.require(Action::ManageTiers)?;
    let t = state.store.create_tier(&body.input(), &who.0).await?;
    Ok((StatusCode::CREATED, Json(TierOut::of(t))))
}

#[utoipa::path(get, path = "/tiers/{slug}", tag = "tiers", params(("slug" = String, Path)),
    responses((status = 200, body = TierOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(slug): Path<String>,
) -> Result<Json<TierOut>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(TierOut::of(state.store.tier(&slug).await?)))
}

/// Replaces a tier's fields.
#[utoipa::path(put, path = "/tiers/{slug}", tag = "tiers", params(("slug" = String, Path)), request_body = TierIn,
    responses((status = 200, body = TierOut), (status = 409, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<TierIn>,
) -> Result<Json<TierOut>, WebError> {
    who.require(Action::ManageTiers)?;
    Ok(Json(TierOut::of(state.store.update_tier(&slug, &body.input(), &who.0).await?)))
}

/// Archives a paid tier: its members keep it; it is no longer offered.
#[utoipa::path(post, path = "/tiers/{slug}/archive", tag = "tiers", params(("slug" = String, Path)),
    responses((status = 200, body = TierOut), (status = 409, description = "the free tier", body = super::errors::ApiError)))]
async fn archive(
    State(state): State<AppState>,
    who: ApiActor,
    Path(slug): Path<String>,
) -> Result<Json<TierOut>, WebError> {
    who.require(Action::ManageTiers)?;
    Ok(Json(TierOut::of(state.store.archive_tier(&slug, &who.0).await?)))
}
