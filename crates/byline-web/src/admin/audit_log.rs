//! The audit log: who did what and when, newest first, a page at a time.

use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use byline_core::staff::Action;
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(log))
}

const PER_PAGE: u64 = 50;

#[derive(Deserialize)]
struct Params {
    #[serde(default)]
    page: Option<u64>,
}

async fn log(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<Params>,
) -> Result<Response, WebError> {
    who.require(Action::ViewAuditLog)?;
    let paged = state.store.audit_log(q.page.unwrap_or(1), PER_PAGE).await?;
    let entries: Vec<_> = paged
        .items
        .iter()
        .map(|e| {
            serde_json::json!({
                "at": e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                "iso": e.at.to_rfc3339(),
                "actor": e.actor, "action": e.action, "subject": e.subject, "detail": e.detail,
            })
        })
        .collect();
    let page = serde_json::json!({
        "entries": entries,
        "pager": { "page": paged.page, "pages": paged.pages() },
        "total": paged.total,
    });
    let layout = Layout::signed_in(&state, &who, "Audit log", "/admin/audit").await?;
    render(&state, "audit.html", layout, page)
}
