//! Old addresses: the addresses imported sites had, each with where it leads now, a page at
//! a time; deleting one makes it answer not found.

use super::fields::done;
use super::frame::{Layout, SignedIn, render};
use crate::public::old_addresses::url;
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/old-addresses", get(list))
        .route("/admin/old-addresses/{id}/delete", post(delete))
}

const SECTION: &str = "/admin/old-addresses";
const PER_PAGE: u64 = 50;

#[derive(Deserialize)]
struct Params {
    #[serde(default)]
    page: Option<u64>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    address: String,
    /// What it leads to: "article 12".
    target: String,
    /// Where that is now on the site; `None` when it is gone (or not published).
    now: Option<String>,
    source: String,
    created: String,
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(q): Query<Params>,
) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let paged = state.store.old_addresses(q.page.unwrap_or(1), PER_PAGE).await?;
    let mut rows = Vec::with_capacity(paged.items.len());
    for r in &paged.items {
        let t = r.address.target;
        let now = state.store.address_destination(t).await?.map(|d| url(&d));
        let target = match t.id() {
            Some(id) => format!("{} {id}", t.kind().replace('_', " ")),
            None => t.kind().replace('_', " "),
        };
        rows.push(Row {
            id: r.id,
            address: r.address.display(),
            target,
            now,
            source: r.source.clone(),
            created: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        });
    }
    let page = serde_json::json!({
        "rows": rows,
        "pager": { "page": paged.page, "pages": paged.pages() },
        "total": paged.total,
    });
    let layout = Layout::signed_in(&state, &who, "Old addresses", SECTION).await?;
    render(&state, "old_addresses.html", layout, page)
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    state.store.delete_old_address(&who.actor(), id).await?;
    Ok(done(&who, "Deleted the old address: it answers not found from now on.", SECTION).await)
}
