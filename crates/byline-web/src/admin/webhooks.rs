//! Webhooks, beside the integrations they belong to: each subscription (event, URL, secret,
//! last answer), subscribing a URL to an event, removing one, and the delivery log (state,
//! tries, the receiver's answer, when).

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use byline_core::webhooks::EVENTS;
use serde::Serialize;
use std::collections::HashMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(list).post(create))
        .route("/admin/webhooks/{id}/delete", post(delete))
}

const SECTION: &str = "/admin/integrations";
const PATH: &str = "/admin/webhooks";
/// Deliveries the log shows.
const LOGGED: u64 = 100;

#[derive(Serialize)]
struct Hook {
    id: i64,
    integration: String,
    event: String,
    target_url: String,
    secret: String,
    last: String,
}

#[derive(Serialize)]
struct Logged {
    id: i64,
    webhook: i64,
    event: String,
    target_url: String,
    state: String,
    attempts: i32,
    response_code: Option<i32>,
    error: Option<String>,
    at: String,
}

#[derive(Serialize, Default)]
struct View {
    webhooks: Vec<Hook>,
    deliveries: Vec<Logged>,
    /// Live integrations: (id, name).
    integrations: Vec<(i64, String)>,
    events: Vec<&'static str>,
    integration: String,
    event: String,
    target_url: String,
    errors: Errors,
}

async fn show(state: &AppState, who: &SignedIn, mut view: View) -> Result<Response, WebError> {
    let integrations = state.store.integrations().await?;
    let names: HashMap<i64, String> = integrations.iter().map(|i| (i.id, i.name.clone())).collect();
    view.integrations =
        integrations.iter().filter(|i| !i.revoked).map(|i| (i.id, i.name.clone())).collect();
    view.events = EVENTS.to_vec();
    let hooks = state.store.webhooks().await?;
    let urls: HashMap<i64, String> = hooks.iter().map(|h| (h.id, h.target_url.clone())).collect();
    view.webhooks = hooks
        .into_iter()
        .map(|h| Hook {
            id: h.id,
            integration: names.get(&h.integration_id).cloned().unwrap_or_default(),
            last: match (h.last_triggered_at, h.last_status) {
                (None, _) => "never".to_owned(),
                (Some(t), Some(s)) => format!("{s} at {}", t.format("%Y-%m-%d %H:%M UTC")),
                (Some(t), None) => format!("no answer at {}", t.format("%Y-%m-%d %H:%M UTC")),
            },
            event: h.event,
            target_url: h.target_url,
            secret: h.secret,
        })
        .collect();
    view.deliveries = state
        .store
        .webhook_deliveries(LOGGED)
        .await?
        .into_iter()
        .map(|d| Logged {
            id: d.id,
            webhook: d.webhook_id,
            target_url: urls.get(&d.webhook_id).cloned().unwrap_or_default(),
            event: d.event,
            state: d.state,
            attempts: d.attempts,
            response_code: d.response_code,
            error: d.error,
            at: d.updated_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect();
    let failed = !view.errors.is_empty();
    let layout = Layout::signed_in(state, who, "Webhooks", SECTION).await?;
    if failed {
        again(state, "webhooks.html", layout, view)
    } else {
        render(state, "webhooks.html", layout, view)
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
    let typed = |errors| View {
        integration: f.get("integration"),
        event: f.get("event"),
        target_url: f.get("target_url"),
        errors,
        ..Default::default()
    };
    let integration = match f.id("integration") {
        Ok(Some(id)) => id,
        Ok(None) | Err(_) => {
            let mut errors = Errors::new();
            errors.insert("integration".into(), "choose an integration".into());
            return show(&state, &who, typed(errors)).await;
        }
    };
    let made = state
        .store
        .create_webhook(&who.actor(), integration, &f.get("event"), &f.get("target_url"))
        .await
        .map_err(Failed::from);
    match made {
        Ok(w) => Ok(done(&who, format!("Subscribed {} to {}.", w.target_url, w.event), PATH).await),
        Err(Failed::Fields(errors)) => show(&state, &who, typed(errors)).await,
        Err(Failed::Other(e)) => refused(&who, e, PATH).await,
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTokens)?;
    state.store.delete_webhook(&who.actor(), id).await?;
    Ok(done(&who, "Removed the webhook and its delivery log.", PATH).await)
}
