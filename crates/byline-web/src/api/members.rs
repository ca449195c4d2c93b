//! `/members`: the list with search, filters and pages; add, read, replace, delete one;
//! grant a complimentary tier or take it back. Editors read; administrators and the owner
//! manage (the same rules as the admin).

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use byline_core::member_list::{MemberQuery, parse_day};
use byline_core::members::{Grant, Member, MemberInput};
use byline_core::staff::Action;
use byline_store::Joined;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, replace, delete))
        .routes(routes!(grant))
        .routes(routes!(ungrant))
}

#[derive(Serialize, ToSchema)]
pub struct GrantOut {
    tier: String,
    /// `comp` (complimentary) or `stripe`.
    source: String,
    expires_at: Option<DateTime<Utc>>,
    /// Gives access now.
    current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    id: i64,
    uuid: String,
    email: String,
    name: Option<String>,
    note: Option<String>,
    /// `free`, `paid` or `comped`.
    status: String,
    labels: Vec<String>,
    tiers: Vec<GrantOut>,
    stripe_customer_id: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl MemberOut {
    fn of(m: Member) -> Self {
        let now = Utc::now();
        let grant = |g: Grant| GrantOut {
            current: g.is_current(now),
            tier: g.tier_slug,
            source: g.source.as_str().to_owned(),
            expires_at: g.expires_at,
        };
        Self {
            id: m.id,
            uuid: m.uuid,
            email: m.email,
            name: m.name,
            note: m.note,
            status: m.status.as_str().to_owned(),
            labels: m.labels,
            tiers: m.grants.into_iter().map(grant).collect(),
            stripe_customer_id: m.stripe_customer_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    items: Vec<MemberOut>,
    page: u64,
    per_page: u64,
    total: u64,
    pages: u64,
}

/// The list's search and filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of an email address or name (case-insensitive).
    q: Option<String>,
    /// `free`, `paid` or `comped`.
    status: Option<String>,
    /// A tier's slug: members holding it now.
    tier: Option<String>,
    /// A label's slug.
    label: Option<String>,
    /// `YYYY-MM-DD`: joined on or after.
    from: Option<String>,
    /// `YYYY-MM-DD`: joined on or before.
    until: Option<String>,
    page: Option<u64>,
    /// At most 100; 20 by default.
    per_page: Option<u64>,
}

/// A member's fields; a replace (PUT) sets them all.
#[derive(Deserialize, ToSchema)]
pub struct MemberIn {
    email: String,
    name: Option<String>,
    /// Staff's private note.
    note: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
}

impl MemberIn {
    fn input(self) -> MemberInput {
        MemberInput { email: self.email, name: self.name, note: self.note, labels: self.labels }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct GrantIn {
    /// A paid tier's slug.
    tier: String,
    /// `YYYY-MM-DD`: the grant ends at the start of this day (UTC); absent: for good.
    until: Option<String>,
}

/// Members matching the filters, newest first.
#[utoipa::path(get, path = "/members", tag = "members", params(ListParams),
    responses((status = 200, body = MemberList), (status = 403, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
    Query(p): Query<ListParams>,
) -> Result<Json<MemberList>, WebError> {
    who.require(Action::ViewMembers)?;
    let q = MemberQuery::parse(
        p.q.as_deref(),
        p.tier.as_deref(),
        p.status.as_deref(),
        p.label.as_deref(),
        p.from.as_deref(),
        p.until.as_deref(),
    )?;
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let paged = state.store.members_page(&q, p.page.unwrap_or(1), per_page).await?;
    Ok(Json(MemberList {
        pages: paged.pages(),
        page: paged.page,
        per_page: paged.per_page,
        total: paged.total,
        items: paged.items.into_iter().map(MemberOut::of).collect(),
    }))
}

/// Adds a member (free until granted a tier).
#[utoipa::path(post, path = "/members", tag = "members", request_body = MemberIn,
    responses((status = 201, body = MemberOut), (status = 409, description = "the address is a member's", body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(body): JsonBody<MemberIn>,
) -> Result<(StatusCode, Json<MemberOut>), WebError> {
    who.require(Action::ManageMembers)?;
    let fields = body.input().validate()?;
    let m = state.store.add_member(fields, Joined::Staff, Some(&who.0)).await?;
    Ok((StatusCode::CREATED, Json(MemberOut::of(m))))
}

#[utoipa::path(get, path = "/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = MemberOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<MemberOut>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(MemberOut::of(state.store.member(id).await?)))
}

/// Replaces a member's email, name, note and labels.
#[utoipa::path(put, path = "/members/{id}", tag = "members", params(("id" = i64, Path)), request_body = MemberIn,
    responses((status = 200, body = MemberOut), (status = 409, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<MemberIn>,
) -> Result<Json<MemberOut>, WebError> {
    who.require(Action::ManageMembers)?;
    let fields = body.input().validate()?;
    Ok(Json(MemberOut::of(state.store.update_member(id, &fields, &who.0).await?)))
}

/// Deletes a member and everything personal about them at once.
#[utoipa::path(delete, path = "/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ManageMembers)?;
    let m = state.store.member(id).await?;
    crate::members::end_subscriptions(&state, &m).await.map_err(WebError::Conflict)?;
    state.store.delete_member(id, Some(&who.0)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a member a paid tier free of charge (replacing an earlier complimentary grant).
#[utoipa::path(post, path = "/members/{id}/comp", tag = "members", params(("id" = i64, Path)), request_body = GrantIn,
    responses((status = 200, body = MemberOut), (status = 404, body = super::errors::ApiError),
        (status = 409, description = "the free tier, or a tier paid through Stripe", body = super::errors::ApiError)))]
async fn grant(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<GrantIn>,
) -> Result<Json<MemberOut>, WebError> {
    who.require(Action::ManageMembers)?;
    let until = match body.until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(parse_day(u).map_err(|e| byline_core::Invalid::one("until", e))?),
        None => None,
    };
    let tier = body.tier.trim();
    state.store.tier(tier).await.map_err(|e| match e {
        byline_store::StoreError::NotFound { .. } => WebError::Invalid(byline_core::Invalid::one(
            "tier",
            format!("there is no tier {tier:?}"),
        )),
        other => other.into(),
    })?;
    Ok(Json(MemberOut::of(state.store.grant_complimentary(id, tier, until, &who.0).await?)))
}

/// Takes back a complimentary tier.
#[utoipa::path(delete, path = "/members/{id}/comp/{tier}", tag = "members",
    params(("id" = i64, Path), ("tier" = String, Path)),
    responses((status = 200, body = MemberOut), (status = 404, body = super::errors::ApiError)))]
async fn ungrant(
    State(state): State<AppState>,
    who: ApiActor,
    Path((id, tier)): Path<(i64, String)>,
) -> Result<Json<MemberOut>, WebError> {
    who.require(Action::ManageMembers)?;
    Ok(Json(MemberOut::of(state.store.remove_complimentary(id, &tier, &who.0).await?)))
}
