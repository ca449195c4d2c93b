//! Integrations: Ghost Content API keys for outside front ends (the list with each key, its
//! Admin API token and state), making one (its token's secret shown once), revoking.

use super::fields::{Errors, Failed, Fields, again, done};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/integrations", get(list).post(create))
        .route("/admin/integrations/{id}/revoke", post(revoke))
}

const SECTION: &str = "/admin/integrations";

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    content_key: String,
    token: Option<i64>,
    created: String,
    revoked: bool,
}

#[derive(Serialize, Default)]
struct View {
    integrations: Vec<Row>,
    name: String,
    errors: Errors,
    /// The new integration's Content API key and Admin API token (shown this once).
    made: Option<(String, String)>,
    api_url: String,
}

async fn show(state: &AppState, who: &SignedIn, mut view: View) -> Result<Response, WebError> {
    view.integrations = state
        .store
        .integrations()
        .await?
        .into_iter()
        .map(|i| Row {
            id: i.id,
            name: i.name,
            content_key: i.content_key,
            token: i.api_token_id,
            created: i.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            revoked: i.revoked,
        })
        .collect();
    let frame = state.frame().await?;
    view.api_url = frame.publication.base_url.clone().unwrap_or_else(|| state.base_url.clone());
    let failed = !view.errors.is_empty();
    let layout = Layout::signed_in(state, who, "Integrations", SECTION).await?;
    if failed {
        again(state, "integrations.html", layout, view)
    } else {
        render(state, "integrations.html", layout, view)
    }
}

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    show(&state, &who, View::default()).await
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    let f = Fields(f);
    match state.store.create_integration(&who.actor(), &f.get("name")).await.map_err(Failed::from) {
        Ok(made) => {
            let shown = (made.integration.content_key, made.admin_token.secret);
            show(&state, &who, View { made: Some(shown), ..Default::default() }).await
        }
        Err(Failed::Fields(errors)) => {
            show(&state, &who, View { name: f.get("name"), errors, ..Default::default() }).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn revoke(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    state.store.revoke_integration(&who.actor(), id).await?;
    Ok(done(&who, "Revoked the integration: its key and token no longer work.", SECTION).await)
}
