//! `/articles/{id}/corrections`: a published article's correction notes, adding one (editors
//! and up, as the admin's corrections screen) and withdrawing one.

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use byline_core::correction::Correction;
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(delete))
}

const MAY: Action = Action::PublishArticle { own: false };

#[derive(Serialize, ToSchema)]
pub struct CorrectionOut {
    id: i64,
    article_id: i64,
    /// Plain text.
    text: String,
    /// `YYYY-MM-DD`.
    date: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl CorrectionOut {
    fn of(c: Correction) -> Self {
        Self {
            id: c.id,
            article_id: c.article_id,
            text: c.text,
            date: c.date.format("%Y-%m-%d").to_string(),
            created_at: c.created_at,
        }
    }
}

/// A new correction.
#[derive(Deserialize, ToSchema)]
pub struct CorrectionIn {
    /// What was wrong and what is right, as plain text (at most 2,000 characters).
    text: String,
    /// `YYYY-MM-DD`, not in the future nor before the article was published; absent: today.
    date: Option<String>,
}

/// An article's corrections, oldest first.
#[utoipa::path(get, path = "/articles/{id}/corrections", tag = "articles",
    responses((status = 200, body = Vec<CorrectionOut>), (status = 404, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<Vec<CorrectionOut>>, WebError> {
    who.require(MAY)?;
    state.store.editable_article(&who.0, id).await?;
    Ok(Json(state.store.corrections_of(id).await?.into_iter().map(CorrectionOut::of).collect()))
}

/// Adds a dated correction to a published article: it shows on the article, in its JSON-LD
/// and on `/corrections/`.
#[utoipa::path(post, path = "/articles/{id}/corrections", tag = "articles", request_body = CorrectionIn,
    responses((status = 201, body = CorrectionOut), (status = 404, body = super::errors::ApiError),
        (status = 409, description = "the article is not published", body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionIn>,
) -> Result<(StatusCode, Json<CorrectionOut>), WebError> {
    who.require(MAY)?;
    let date = body.date.unwrap_or_default();
    let c = state.store.add_correction(&who.0, id, &body.text, &date).await?;
    Ok((StatusCode::CREATED, Json(CorrectionOut::of(c))))
}

/// Withdraws a correction added by mistake.
#[utoipa::path(delete, path = "/articles/{id}/corrections/{correction_id}", tag = "articles",
    responses((status = 204), (status = 404, body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path((id, correction_id)): Path<(i64, i64)>,
) -> Result<StatusCode, WebError> {
    who.require(MAY)?;
    if !state.store.corrections_of(id).await?.iter().any(|c| c.id == correction_id) {
        return Err(WebError::NotFound);
    }
    state.store.delete_correction(&who.0, correction_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
