//! API tokens: the list (name, role, maker, last use, revoked), making one (its secret is
//! shown once, on the page that answers the form), and revoking.

use super::fields::{Errors, Failed, Fields, again, done};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::{Action, Role};
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/tokens", get(list).post(create))
        .route("/admin/tokens/{id}/revoke", post(revoke))
}

const SECTION: &str = "/admin/tokens";

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    role: String,
    made_by: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Serialize, Default)]
struct View {
    tokens: Vec<Row>,
    roles: Vec<&'static str>,
    name: String,
    role: String,
    errors: Errors,
    /// The new token's secret, shown this once.
    secret: Option<String>,
}

async fn show(state: &AppState, who: &SignedIn, mut view: View) -> Result<Response, WebError> {
    let when = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d %H:%M UTC").to_string();
    view.tokens = state
        .store
        .token_listings()
        .await?
        .into_iter()
        .map(|l| Row {
            id: l.token.id,
            name: l.token.name,
            role: l.token.role.to_string(),
            made_by: l.made_by,
            created: when(l.token.created_at),
            last_used: l.token.last_used_at.map_or_else(|| "never".into(), when),
            revoked: l.token.revoked,
        })
        .collect();
    view.roles = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Owner && *r <= who.staff.role)
        .map(Role::as_str)
        .collect();
    let failed = !view.errors.is_empty();
    let layout = Layout::signed_in(state, who, "API tokens", SECTION).await?;
    if failed {
        again(state, "tokens.html", layout, view)
    } else {
        render(state, "tokens.html", layout, view)
    }
}

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    show(&state, &who, View { role: "editor".into(), ..Default::default() }).await
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    let f = Fields(f);
    let role = f.opt("role").and_then(|r| r.parse::<Role>().ok());
    match state
        .store
        .issue_api_token(&who.actor(), &f.get("name"), role)
        .await
        .map_err(Failed::from)
    {
        Ok(made) => {
            let view =
                View { secret: Some(made.secret), role: "editor".into(), ..Default::default() };
            show(&state, &who, view).await
        }
        Err(Failed::Fields(errors)) => {
            show(
                &state,
                &who,
                View { name: f.get("name"), role: f.get("role"), errors, ..Default::default() },
            )
            .await
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
    let t = state.store.api_token(id).await?;
    state.store.revoke_api_token_as(&who.actor(), id).await?;
    Ok(done(&who, format!("Revoked the token “{}”.", t.name), SECTION).await)
}
