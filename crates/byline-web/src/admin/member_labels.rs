//! Member labels: the list with how many members carry each, renaming and deleting
//! (administrators and the owner; editors look).

use super::fields::{Fields, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/labels", get(list))
        .route("/admin/labels/{slug}", post(rename))
        .route("/admin/labels/{slug}/delete", post(delete))
}

const SECTION: &str = "/admin/labels";

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let labels = state.store.member_labels().await?;
    let layout = Layout::signed_in(&state, &who, "Member labels", "/admin/members").await?;
    let manage = who.staff.role.may(Action::ManageMembers);
    render(
        &state,
        "member_labels.html",
        layout,
        serde_json::json!({ "labels": labels, "manage": manage }),
    )
}

async fn rename(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let name = Fields(f).get("name");
    match state.store.rename_label(&slug, &name, &who.actor()).await {
        Ok(l) => Ok(done(&who, format!("Renamed to {}.", l.name), SECTION).await),
        Err(byline_store::StoreError::Invalid(i)) => {
            refused(&who, WebError::Conflict(i.to_string()), SECTION).await
        }
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    state.store.delete_label(&slug, &who.actor()).await?;
    Ok(done(&who, format!("Deleted the label {slug}."), SECTION).await)
}
