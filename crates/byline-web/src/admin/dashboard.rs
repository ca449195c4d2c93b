//! The dashboard: what needs attention first.

use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

#[derive(Serialize)]
pub struct Panel {
    pub title: String,
    pub total: u64,
    pub items: Vec<PanelItem>,
    pub empty: String,
    pub more: Option<String>,
}

#[derive(Serialize)]
pub struct PanelItem {
    pub title: String,
    pub url: String,
    pub meta: String,
}

#[derive(Serialize)]
struct Dashboard {
    panels: Vec<Panel>,
}

pub async fn dashboard(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    let layout = Layout::signed_in(&state, &who, "Dashboard", "/admin/").await?;
    let panels = super::articles_panels(&state, &who).await?;
    render(&state, "dashboard.html", layout, Dashboard { panels })
}
