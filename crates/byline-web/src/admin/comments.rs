//! Comment moderation (editors and up): the queues (pending, approved, spam, trash) with
//! why each comment was held and what readers reported, bulk and one-click actions, a
//! comment's page with a staff reply and deleting for good. Commenters (bans, hiding all of
//! a member's comments) and the comment settings are in `commenters`.

use super::articles::PageInfo;
use super::fields::{Fields, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::comments::{Comment, CommentStatus};
use byline_core::staff::Action;
use byline_render::view::display_date;
use byline_store::{ModerationAction, QueuedComment, StaffReply};
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/comments", get(queue).post(bulk))
        .route("/admin/comments/{id}", get(one))
        .route("/admin/comments/{id}/reply", post(reply))
        .route("/admin/comments/{id}/delete", post(delete))
        .merge(super::commenters::routes())
}

pub(super) const SECTION: &str = "/admin/comments";
const PER_PAGE: u64 = 30;

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    status: String,
    page: Option<u64>,
}

#[derive(Serialize)]
struct Tab {
    status: &'static str,
    count: u64,
    current: bool,
}

#[derive(Serialize)]
pub(super) struct Row {
    id: i64,
    author: String,
    staff: bool,
    member_id: Option<i64>,
    member_email: Option<String>,
    /// A guest's confirmed address.
    guest_email: Option<String>,
    article_title: String,
    article_url: String,
    html: String,
    status: &'static str,
    held_because: String,
    reports: Vec<String>,
    pinned: bool,
    hidden: bool,
    date: String,
    edited: bool,
}

impl Row {
    pub(super) fn of(q: QueuedComment) -> Self {
        let c: Comment = q.comment;
        Self {
            id: c.id,
            author: c.author_name,
            staff: c.staff,
            member_id: c.member_id,
            member_email: q.member_email,
            guest_email: c.guest_email,
            article_url: byline_render::urls::article(&q.article_slug),
            article_title: q.article_title,
            html: c.body_html,
            status: c.status.as_str(),
            held_because: c.held_because,
            reports: q.report_reasons,
            pinned: c.pinned,
            hidden: c.hidden,
            date: format!("{} {}", display_date(c.created_at), c.created_at.format("%H:%M")),
            edited: c.edited_at.is_some(),
        }
    }
}

async fn queue(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<QueueQuery>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let status = match q.status.as_str() {
        "" => CommentStatus::Pending,
        s => CommentStatus::parse(s)
            .filter(|s| CommentStatus::QUEUES.contains(s))
            .ok_or_else(|| WebError::BadRequest(format!("no comment queue is called {s:?}")))?,
    };
    let queue = state.store.comment_queue(status, q.page.unwrap_or(1), PER_PAGE).await?;
    let tabs: Vec<Tab> = queue
        .counts
        .iter()
        .map(|(s, n)| Tab { status: s.as_str(), count: *n, current: *s == status })
        .collect();
    let paged = PageInfo::from(&queue.page);
    let rows: Vec<Row> = queue.page.items.into_iter().map(Row::of).collect();
    let layout = Layout::signed_in(&state, &who, "Comments", SECTION).await?;
    let settings = who.staff.role.may(Action::ManageSettings);
    render(
        &state,
        "comments.html",
        layout,
        serde_json::json!({
            "status": status.as_str(), "tabs": tabs, "rows": rows, "paged": paged,
            "base": format!("/admin/comments?status={}&", status.as_str()),
            "settings": settings,
        }),
    )
}

/// The bulk form: ticked `ids` and an `action`, or one row's button `one` = `action:id`.
async fn bulk(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let f = Fields(f);
    let back = format!("{SECTION}?status={}", f.opt("status").unwrap_or("pending".into()));
    let (action, ids) = match f.opt("one") {
        Some(one) => {
            let (a, id) = one.split_once(':').unwrap_or((one.as_str(), ""));
            (a.to_owned(), vec![id.to_owned()])
        }
        None => (f.get("action"), f.all("ids")),
    };
    let Some(action) = ModerationAction::parse(&action) else {
        return refused(&who, WebError::Conflict("Choose an action.".into()), &back).await;
    };
    let ids: Vec<i64> = ids.iter().filter_map(|i| i.trim().parse().ok()).collect();
    if ids.is_empty() {
        return refused(&who, WebError::Conflict("Tick the comments to act on.".into()), &back)
            .await;
    }
    match state.store.moderate_comments(&ids, action, &who.actor()).await {
        Ok(changed) => {
            let n = changed.len();
            let what = format!(
                "{n} comment{} {}.",
                if n == 1 { "" } else { "s" },
                match action {
                    ModerationAction::Approve => "approved",
                    ModerationAction::Spam => "marked as spam",
                    ModerationAction::Trash => "moved to the trash",
                    ModerationAction::Restore => "restored to the pending queue",
                    ModerationAction::Pin => "pinned",
                    ModerationAction::Unpin => "unpinned",
                }
            );
            Ok(done(&who, what, &back).await)
        }
        Err(byline_store::StoreError::Conflict(m)) => {
            refused(&who, WebError::Conflict(m), &back).await
        }
        Err(e) if e.is_not_found() => {
            refused(&who, WebError::Conflict(format!("Nothing was changed: {e}.")), &back).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn one(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let row = Row::of(state.store.queued_comment(id).await?);
    let layout = Layout::signed_in(&state, &who, format!("Comment {id}"), SECTION).await?;
    render(&state, "comment.html", layout, serde_json::json!({ "c": row }))
}

async fn reply(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let body = Fields(f).get("body");
    let back = format!("{SECTION}/{id}");
    match state.store.reply_as_staff(&StaffReply { parent_id: id, body }, &who.actor()).await {
        Ok(c) => {
            Ok(done(&who, format!("Your reply is published (comment {}).", c.id), &back).await)
        }
        Err(byline_store::StoreError::Invalid(i)) => {
            refused(&who, WebError::Conflict(format!("Your reply was not posted: {i}.")), &back)
                .await
        }
        Err(byline_store::StoreError::Conflict(m)) => {
            refused(&who, WebError::Conflict(m), &back).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    state.store.delete_comment(id, &who.actor()).await?;
    Ok(done(&who, format!("Comment {id} is deleted for good."), SECTION).await)
}
