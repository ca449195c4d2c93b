//! `/newsletters`: the newsletters (list, add), and sends: email an article to a segment
//! of a newsletter's subscribers (at once, or when a scheduled article is published), the
//! history with counts (opens and clicks only for sends that counted them, else `null`),
//! one send with its failures, and retrying them. Editors send and read; administrators
//! and the owner add newsletters (the same rules as the admin).

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use byline_core::newsletters::{Audience, Newsletter, NewsletterInput, Segment, Send};
use byline_core::staff::Action;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(sends, send))
        .routes(routes!(read_send))
        .routes(routes!(retry))
}

#[derive(Serialize, ToSchema)]
pub struct NewsletterOut {
    id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    sender_name: Option<String>,
    sender_email: Option<String>,
    reply_to: Option<String>,
    /// `members` or `paid`.
    audience: String,
    subscribe_by_default: bool,
    /// `daily@HH` or `weekly:DAY@HH` for a digest.
    digest: Option<String>,
    archived: bool,
}

impl NewsletterOut {
    fn of(n: Newsletter) -> Self {
        Self {
            id: n.id,
            slug: n.slug,
            name: n.name,
            description: n.description,
            sender_name: n.sender_name,
            sender_email: n.sender_email,
            reply_to: n.reply_to,
            audience: n.audience.as_str().to_owned(),
            subscribe_by_default: n.subscribe_by_default,
            digest: n.digest.map(|d| d.as_string()),
            archived: n.archived,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewsletterIn {
    name: String,
    slug: Option<String>,
    description: Option<String>,
    sender_name: Option<String>,
    sender_email: Option<String>,
    reply_to: Option<String>,
    /// `members` (the default) or `paid`.
    audience: Option<String>,
    #[serde(default)]
    subscribe_by_default: bool,
    /// `daily@HH` or `weekly:DAY@HH` (UTC) for a digest.
    digest: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SendOut {
    id: i64,
    newsletter: String,
    article_ids: Vec<i64>,
    subject: String,
    segment: String,
    /// `scheduled`, `sending` or `done`.
    state: String,
    /// Why it waits (the SMTP server unreachable, …).
    waiting: Option<String>,
    total: u64,
    pending: u64,
    sent: u64,
    failed: u64,
    bounced: u64,
    skipped: u64,
    unsubscribed: u64,
    /// Times the email was opened (its image loaded), when this send counted opens: the
    /// publication had open counting on when the send began (off by default). `null` when
    /// the send did not count them. Only the number is kept, never who opened.
    opens: Option<u64>,
    /// Tracked links followed, when this send counted clicks (the publication had click
    /// counting on when the send began); `null` otherwise. Only the number is kept.
    clicks: Option<u64>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl SendOut {
    fn of(s: Send) -> Self {
        let c = s.counts;
        Self {
            id: s.id,
            newsletter: s.newsletter_slug,
            article_ids: s.article_ids,
            subject: s.subject,
            segment: s.segment.as_string(),
            state: s.state,
            waiting: s.last_error,
            total: c.total,
            pending: c.pending,
            sent: c.sent,
            failed: c.failed,
            bounced: c.bounced,
            skipped: c.skipped,
            unsubscribed: c.unsubscribed,
            opens: c.opens,
            clicks: c.clicks,
            created_at: s.created_at,
            finished_at: s.finished_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FailureOut {
    email: String,
    /// `failed` or `bounced` (or `pending` with the last temporary failure).
    state: String,
    attempts: u32,
    /// The SMTP server's answer.
    error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SendDetail {
    #[serde(flatten)]
    send: SendOut,
    failures: Vec<FailureOut>,
}

#[derive(Deserialize, ToSchema)]
pub struct SendIn {
    /// The article's slug (published: sent now; scheduled: sent when it is published).
    article: String,
    /// The newsletter's slug; absent: the first open newsletter that is not a digest.
    newsletter: Option<String>,
    /// `all` (the default), `free`, `paid`, `tier:SLUG` or `label:SLUG`.
    segment: Option<String>,
}

/// Every newsletter.
#[utoipa::path(get, path = "/newsletters", tag = "newsletters",
    responses((status = 200, body = Vec<NewsletterOut>), (status = 403, body = super::errors::ApiError)))]
async fn list(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<NewsletterOut>>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(state.store.newsletters().await?.into_iter().map(NewsletterOut::of).collect()))
}

/// Adds a newsletter.
#[utoipa::path(post, path = "/newsletters", tag = "newsletters", request_body = NewsletterIn,
    responses((status = 201, body = NewsletterOut), (status = 409, body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn create(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(b): JsonBody<NewsletterIn>,
) -> Result<(StatusCode, Json<NewsletterOut>), WebError> {
    who.require(Action::ManageMembers)?;
    let audience = match b.audience.as_deref() {
        None => Audience::Members,
        Some(a) => Audience::parse(a).map_err(|e| byline_core::Invalid::one("audience", e))?,
    };
    let input = NewsletterInput {
        name: b.name,
        slug: b.slug,
        description: b.description,
        sender_name: b.sender_name,
        sender_email: b.sender_email,
        reply_to: b.reply_to,
        audience,
        subscribe_by_default: b.subscribe_by_default,
        digest: b.digest,
    };
    let n = state.store.create_newsletter(&input, &who.0).await?;
    Ok((StatusCode::CREATED, Json(NewsletterOut::of(n))))
}

/// The latest sends, newest first (at most 100).
#[utoipa::path(get, path = "/newsletters/sends", tag = "newsletters",
    responses((status = 200, body = Vec<SendOut>), (status = 403, body = super::errors::ApiError)))]
async fn sends(
    State(state): State<AppState>,
    who: ApiActor,
) -> Result<Json<Vec<SendOut>>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(state.store.sends(100, false).await?.into_iter().map(SendOut::of).collect()))
}

/// Emails an article: a send queued for delivery (or kept until a scheduled article is
/// published).
#[utoipa::path(post, path = "/newsletters/sends", tag = "newsletters", request_body = SendIn,
    responses((status = 201, body = SendOut), (status = 404, body = super::errors::ApiError),
        (status = 409, description = "the article is not published or scheduled", body = super::errors::ApiError),
        (status = 422, body = super::errors::ApiError)))]
async fn send(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(b): JsonBody<SendIn>,
) -> Result<(StatusCode, Json<SendOut>), WebError> {
    who.require(Action::ViewMembers)?;
    let segment = Segment::parse(b.segment.as_deref().unwrap_or("all"))
        .map_err(|e| byline_core::Invalid::one("segment", e))?;
    let s =
        state.store.email_article(&b.article, b.newsletter.as_deref(), &segment, &who.0).await?;
    Ok((StatusCode::CREATED, Json(SendOut::of(s))))
}

/// One send with its counts and the recipients it could not reach.
#[utoipa::path(get, path = "/newsletters/sends/{id}", tag = "newsletters", params(("id" = i64, Path)),
    responses((status = 200, body = SendDetail), (status = 404, body = super::errors::ApiError)))]
async fn read_send(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<SendDetail>, WebError> {
    who.require(Action::ViewMembers)?;
    let send = SendOut::of(state.store.send(id).await?);
    let failures = state
        .store
        .send_failures(id, 1000)
        .await?
        .into_iter()
        .map(|f| FailureOut {
            email: f.email,
            state: f.state,
            attempts: f.attempts,
            error: f.error,
        })
        .collect();
    Ok(Json(SendDetail { send, failures }))
}

/// Tries the send's failed recipients again.
#[utoipa::path(post, path = "/newsletters/sends/{id}/retry", tag = "newsletters", params(("id" = i64, Path)),
    responses((status = 200, body = SendOut), (status = 404, body = super::errors::ApiError)))]
async fn retry(
    State(state): State<AppState>,
    who: ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<SendOut>, WebError> {
    who.require(Action::ViewMembers)?;
    Ok(Json(SendOut::of(state.store.retry_failed(id, &who.0).await?)))
}
