//! The dashboard: what needs attention first.

use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

#[derive(Serialize)]
struct Panel {
    title: String,
    total: u64,
    items: Vec<PanelItem>,
    empty: String,
    more: Option<String>,
}

#[derive(Serialize)]
struct PanelItem {
    title: String,
    url: String,
    meta: String,
}

#[derive(Serialize)]
struct Dashboard {
    panels: Vec<Panel>,
}

pub async fn dashboard(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    let layout = Layout::signed_in(&state, &who, "Dashboard", "/admin/").await?;
    let panels = articles_panels(&state, &who).await?;
    render(&state, "dashboard.html", layout, Dashboard { panels })
}

/// The dashboard's article panels: drafts awaiting review, scheduled articles, and recent
/// changes, among the articles the role may see (contributors and authors: their own).
async fn articles_panels(state: &AppState, who: &SignedIn) -> Result<Vec<Panel>, WebError> {
    use byline_core::ArticleStatus;
    use byline_core::editorial::ArticleQuery;
    let actor = who.actor();
    let mut panels = Vec::new();
    for (title, status, empty, more) in [
        (
            "Awaiting review",
            Some(ArticleStatus::Review),
            "No drafts are waiting for review.",
            "/admin/articles?status=review",
        ),
        (
            "Scheduled",
            Some(ArticleStatus::Scheduled),
            "Nothing is scheduled.",
            "/admin/articles?status=scheduled",
        ),
        ("Recent changes", None, "No articles yet.", "/admin/articles"),
    ] {
        let q = ArticleQuery { status, ..Default::default() };
        let rows = state.store.admin_articles(&actor, &q, 1, 8).await?;
        panels.push(Panel {
            title: title.into(),
            total: rows.total,
            items: rows
                .items
                .iter()
                .map(|a| PanelItem {
                    title: a.title.clone(),
                    url: format!("/admin/articles/{}", a.id),
                    meta: match (status, a.published_at) {
                        (Some(ArticleStatus::Scheduled), Some(t)) => {
                            format!("for {}", t.format("%Y-%m-%d %H:%M UTC"))
                        }
                        _ => format!(
                            "{} · {} {}",
                            a.status.label(),
                            a.modified_at.format("%Y-%m-%d %H:%M"),
                            a.modified_by.as_deref().unwrap_or("")
                        ),
                    },
                })
                .collect(),
            empty: empty.into(),
            more: Some(more.into()),
        });
    }
    Ok(panels)
}
