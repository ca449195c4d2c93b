//! `/comments`: the moderation queues, and approving, marking as spam, trashing, restoring
//! and deleting comments, with the admin's permissions (editors and up).

use super::auth::ApiActor;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use byline_core::Invalid;
use byline_core::comments::CommentStatus;
use byline_core::staff::Action;
use byline_store::{ModerationAction, QueuedComment};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read, delete)).routes(routes!(act))
}

#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    id: i64,
    article_id: i64,
    article_slug: String,
    article_title: String,
    parent_id: Option<i64>,
    member_id: Option<i64>,
    member_email: Option<String>,
    /// A guest's address (comments by readers who are not members, `everyone` mode).
    guest_email: Option<String>,
    author_name: String,
    /// A staff reply.
    staff: bool,
    /// As written (the Markdown subset).
    body: String,
    /// Sanitized HTML, as pages show it.
    html: String,
    /// `pending`, `approved`, `spam` or `trash`.
    status: String,
    /// Why it was held, in words; empty when it was not.
    held_because: String,
    /// Open reports by readers, with their reasons.
    reports: Vec<String>,
    pinned: bool,
    /// Hidden with all of its writer's comments.
    hidden: bool,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
}

impl CommentOut {
    fn of(q: QueuedComment) -> Self {
        let c = q.comment;
        Self {
            id: c.id,
            article_id: c.article_id,
            article_slug: q.article_slug,
            article_title: q.article_title,
            parent_id: c.parent_id,
            member_id: c.member_id,
            member_email: q.member_email,
            guest_email: c.guest_email,
            author_name: c.author_name,
            staff: c.staff,
            body: c.body,
            html: c.body_html,
            status: c.status.as_str().to_owned(),
            held_because: c.held_because,
            reports: q.report_reasons,
            pinned: c.pinned,
            hidden: c.hidden,
            created_at: c.created_at,
            edited_at: c.edited_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommentList {
    items: Vec<CommentOut>,
    page: u64,
    per_page: u64,
    total: u64,
    pages: u64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `pending` (the default), `approved`, `spam` or `trash`.
    status: Option<String>,
    page: Option<u64>,
    /// At most 100; 20 by default.
    per_page: Option<u64>,
}

/// One moderation queue, newest first.
#[utoipa::path(get, path = "/comments", tag = "comments", params(ListParams),
    responses((status = 200, body = CommentList), (status = 403, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
    Query(p): Query<ListParams>,
) -> Result<Json<CommentList>, WebError> {
    who.require(Action::ModerateComments)?;
    let status = match p.status.as_deref().map(str::trim) {
        None | Some("") => CommentStatus::Pending,
        Some(s) => CommentStatus::parse(s)
            .filter(|s| CommentStatus::QUEUES.contains(s))
            .ok_or_else(|| {
                Invalid::one(
                    "status",
                    format!("must be pending, approved, spam or trash, not {s:?}"),
                )
            })?,
    };
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let q = state.store.comment_queue(status, p.page.unwrap_or(1), per_page).await?;
    Ok(Json(CommentList {
        pages: q.page.pages(),
        page: q.page.page,
        per_page: q.page.per_page,
        total: q.page.total,
        items: q.page.items.into_iter().map(CommentOut::of).collect(),
    }))
}

/// One comment.
#[utoipa::path(get, path = "/comments/{id}", tag = "comments", params(("id" = i64, Path)),
    responses((status = 200, body = CommentOut), (status = 404, body = super::errors::ApiError)))]
async fn read(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<CommentOut>, WebError> {
    who.require(Action::ModerateComments)?;
    Ok(Json(CommentOut::of(state.store.queued_comment(id).await?)))
}

/// Approves, marks as spam, trashes or restores (to pending) a comment.
#[utoipa::path(post, path = "/comments/{id}/{action}", tag = "comments",
    params(("id" = i64, Path), ("action" = String, Path, description = "approve, spam, trash or restore")),
    responses((status = 200, body = CommentOut), (status = 404, body = super::errors::ApiError)))]
async fn act(
    State(state): State<AppState>,
    who: ApiActor,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Json<CommentOut>, WebError> {
    who.require(Action::ModerateComments)?;
    let action = ModerationAction::parse(&action)
        .filter(|a| !matches!(a, ModerationAction::Pin | ModerationAction::Unpin))
        .ok_or(WebError::NotFound)?;
    state.store.moderate_comments(&[id], action, &who.0).await?;
    Ok(Json(CommentOut::of(state.store.queued_comment(id).await?)))
}

/// Deletes a comment for good (its replies move up a level).
#[utoipa::path(delete, path = "/comments/{id}", tag = "comments", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::errors::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    who.require(Action::ModerateComments)?;
    state.store.delete_comment(id, &who.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
