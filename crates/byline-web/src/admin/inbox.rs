//! The contact desk's inbox: readers' messages from `/contact/` (open, handled or all, newest
//! first), one message, marking it handled (or open again) and deleting it. Readers' messages
//! hold personal data, so the inbox is for those who may see members (editors and up).

use super::fields::done;
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use byline_core::contact::ContactMessage;
use byline_core::staff::Action;
use byline_store::InboxFilter;
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/inbox", get(list))
        .route("/admin/inbox/{id}", get(show))
        .route("/admin/inbox/{id}/handled", post(handled))
        .route("/admin/inbox/{id}/reopen", post(reopen))
        .route("/admin/inbox/{id}/delete", post(delete))
}

const SECTION: &str = "/admin/inbox";
const PER_PAGE: u64 = 50;

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    show: String,
    page: Option<u64>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    email: String,
    subject: &'static str,
    received: String,
    /// The first line of the message, shortened.
    opening: String,
    state: &'static str,
    mailed: Option<String>,
    handled: bool,
}

#[derive(Serialize)]
struct Tab {
    value: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Serialize)]
struct PagerView {
    page: u64,
    pages: u64,
}

#[derive(Serialize)]
struct ListView {
    tabs: Vec<Tab>,
    messages: Vec<Row>,
    paged: PagerView,
    base: String,
}

fn row(m: ContactMessage) -> Row {
    let first = m.message.lines().next().unwrap_or("");
    let mut opening: String = first.chars().take(120).collect();
    if first.chars().count() > 120 || m.message.lines().nth(1).is_some() {
        opening.push('…');
    }
    Row {
        id: m.id,
        name: m.name,
        email: m.email,
        subject: m.subject.label(),
        received: m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        opening,
        state: if m.handled_at.is_some() { "Handled" } else { "Open" },
        mailed: m.sent_to.map(|to| {
            let at = m.sent_at.map(|t| t.format(" at %Y-%m-%d %H:%M UTC").to_string());
            format!("{to}{}", at.unwrap_or_default())
        }),
        handled: m.handled_at.is_some(),
    }
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let filter = InboxFilter::parse(&q.show).ok_or_else(|| {
        WebError::Invalid(byline_core::Invalid::one("show", "must be open, handled or all"))
    })?;
    let page = q.page.unwrap_or(1).max(1);
    let paged = state.store.contact_messages(filter, page, PER_PAGE).await?;
    let pages = paged.pages();
    let view = ListView {
        tabs: [
            (InboxFilter::Open, "Open"),
            (InboxFilter::Handled, "Handled"),
            (InboxFilter::All, "All"),
        ]
        .into_iter()
        .map(|(f, label)| Tab { value: f.as_str(), label, current: f == filter })
        .collect(),
        messages: paged.items.into_iter().map(row).collect(),
        paged: PagerView { page, pages },
        base: format!("/admin/inbox?show={}&", filter.as_str()),
    };
    let layout = Layout::signed_in(&state, &who, "Inbox", SECTION).await?;
    render(&state, "inbox.html", layout, view)
}

#[derive(Serialize)]
struct MessageView {
    row: Row,
    message: String,
}

async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let m = state.store.contact_message(id).await?;
    let title = format!("{} from {}", m.subject.label(), m.name);
    let view = MessageView { message: m.message.clone(), row: row(m) };
    let layout = Layout::signed_in(&state, &who, title, SECTION).await?;
    render(&state, "inbox_message.html", layout, view)
}

async fn handled(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    state.store.mark_contact_message(&who.actor(), id, true).await?;
    Ok(done(&who, "Marked the message handled.", SECTION).await)
}

async fn reopen(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    state.store.mark_contact_message(&who.actor(), id, false).await?;
    Ok(done(&who, "The message is open again.", &format!("{SECTION}/{id}")).await)
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    state.store.delete_contact_message(&who.actor(), id).await?;
    Ok(done(&who, "Deleted the message.", SECTION).await)
}
