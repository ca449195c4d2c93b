//! `/articles`: list, read, create, update (version-checked), trash and the workflow's
//! actions, with the same store use cases (and so the same permission rules) as the admin.

use super::auth::ApiActor;
use crate::admin::articles::{ListQuery, article_query};
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use byline_core::editorial::Step;
use byline_core::{FieldError, Invalid};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod schema;

use schema::{
    ArticleBody, ArticleList, ArticleListItem, ArticleOut, ConflictBody, CreateStatus, ListParams,
    edit_error,
};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(action))
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, WebError> {
    b.map(|Json(t)| t).map_err(|r| match r.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge(r.body_text()),
        _ => WebError::BadRequest(r.body_text()),
    })
}

/// List the articles this token may see.
#[utoipa::path(get, path = "/articles", tag = "articles", params(ListParams),
    responses((status = 200, body = ArticleList), (status = 422, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
) -> Result<Json<ArticleList>, WebError> {
    let l = ListQuery {
        q: p.q,
        status: p.status,
        author: p.author,
        term: p.term,
        from: p.from,
        until: p.until,
        page: p.page,
    };
    let (q, errors) = article_query(&state, &l).await?;
    if !errors.is_empty() {
        return Err(
            Invalid(errors.into_iter().map(|(f, m)| FieldError::new(f, m)).collect()).into()
        );
    }
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let paged = state.store.admin_articles(&actor, &q, p.page.unwrap_or(1), per_page).await?;
    Ok(Json(ArticleList {
        pages: paged.pages(),
        page: paged.page,
        per_page: paged.per_page,
        total: paged.total,
        items: paged.items.into_iter().map(ArticleListItem::from).collect(),
    }))
}

/// Create an article: a draft, or with `status` submitted, scheduled or published at once
/// (one transaction: the article, its revision and audit line together).
#[utoipa::path(post, path = "/articles", tag = "articles", request_body = ArticleBody,
    responses((status = 201, body = ArticleOut),
        (status = 403, description = "the role may not create or take the article to `status`",
            body = super::errors::ApiError),
        (status = 422, description = "invalid fields, each named in `fields`", body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    b: Result<Json<ArticleBody>, JsonRejection>,
) -> Result<Response, WebError> {
    let b = body(b)?;
    let input = b.to_input()?;
    let step = b.status.map_or(Step::Create, CreateStatus::step);
    match state.store.create_article(&actor, &input, step).await {
        Ok(a) => Ok((StatusCode::CREATED, Json(ArticleOut::from(a))).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

/// Read an article with every field and its version.
#[utoipa::path(get, path = "/articles/{id}", tag = "articles",
    responses((status = 200, body = ArticleOut), (status = 403, body = super::errors::ApiError),
        (status = 404, body = super::errors::ApiError)))]
async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ArticleOut>, WebError> {
    Ok(Json(state.store.editable_article(&actor, id).await?.into()))
}

/// Replace an article's fields. `version` is required: a stale one gets 409 with the
/// current article.
#[utoipa::path(put, path = "/articles/{id}", tag = "articles", request_body = ArticleBody,
    responses((status = 200, body = ArticleOut), (status = 403, body = super::errors::ApiError),
        (status = 409, body = ConflictBody), (status = 422, body = super::errors::ApiError)))]
async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    b: Result<Json<ArticleBody>, JsonRejection>,
) -> Result<Response, WebError> {
    let b = body(b)?;
    let Some(version) = b.version else {
        return Err(
            Invalid::one("version", "is required: the version your changes start from").into()
        );
    };
    if b.status.is_some() {
        let why =
            "is changed by the actions (submit, schedule, publish, unpublish), not by an update";
        return Err(Invalid::one("status", why).into());
    }
    let input = b.to_input()?;
    match state.store.update_article(&actor, id, version, &input, Step::Update).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Delete an article that is already in the trash for good (editors and above).
    permanent: bool,
    /// Refuse (409) unless the article is at this version.
    version: Option<i64>,
}

/// Move an article to the trash (or, with `permanent=true`, delete one in the trash for good).
#[utoipa::path(delete, path = "/articles/{id}", tag = "articles", params(DeleteParams),
    responses((status = 200, description = "moved to the trash", body = ArticleOut),
        (status = 204, description = "deleted for good"), (status = 403, body = super::errors::ApiError),
        (status = 409, body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<DeleteParams>,
) -> Result<Response, WebError> {
    if p.permanent {
        state.store.purge_article(&actor, id).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    match state.store.article_step(&actor, id, p.version, Step::Trash, None).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

/// A workflow action.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleAction {
    Submit,
    Schedule,
    Publish,
    Unpublish,
    Restore,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionBody {
    /// Refuse (409) unless the article is at this version.
    version: Option<i64>,
    /// Required to schedule: a future time.
    published_at: Option<DateTime<Utc>>,
}

/// Submit for review, schedule, publish, unpublish (back to draft) or restore from the trash.
#[utoipa::path(post, path = "/articles/{id}/{action}", tag = "articles",
    params(("id" = i64, Path), ("action" = ArticleAction, Path)),
    request_body(content = ActionBody, description = "optional"),
    responses((status = 200, body = ArticleOut), (status = 403, body = super::errors::ApiError),
        (status = 409, body = ConflictBody), (status = 422, body = super::errors::ApiError)))]
async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(i64, ArticleAction)>,
    raw: axum::body::Bytes,
) -> Result<Response, WebError> {
    // The body is optional: an empty one means no version check and no time.
    let b: ActionBody = if raw.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(&raw)
            .map_err(|e| WebError::BadRequest(format!("invalid JSON body: {e}")))?
    };
    let step = match action {
        ArticleAction::Submit => Step::Submit,
        ArticleAction::Schedule => Step::Schedule,
        ArticleAction::Publish => Step::Publish,
        ArticleAction::Unpublish => Step::Unpublish,
        ArticleAction::Restore => Step::Restore,
    };
    match state.store.article_step(&actor, id, b.version, step, b.published_at).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}
