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
    let mut panels = articles_panels(&state, &who).await?;
    if who.staff.role.may(byline_core::staff::Action::ViewMembers) {
        panels.insert(0, members_panel(&state).await?);
    }
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

/// Members over the last 30 days, paid and complimentary members, and monthly recurring
/// revenue per currency.
async fn members_panel(state: &AppState) -> Result<Panel, WebError> {
    let today = chrono::Utc::now().date_naive();
    let f = state.store.member_figures(today, 30).await?;
    let first = f.over_time.first().map_or(0, |d| d.1);
    let last = f.over_time.last().map_or(0, |d| d.1);
    let item =
        |title: String, meta: String| PanelItem { title, url: "/admin/members".into(), meta };
    let mut items = vec![
        item(format!("{} paid", f.counts.paid), "through Stripe".into()),
        item(format!("{} complimentary", f.counts.comped), "granted by staff".into()),
        item(
            format!("{:+} in 30 days", last as i64 - first as i64),
            f.over_time
                .iter()
                .step_by(7)
                .map(|(d, n)| format!("{}: {n}", d.format("%m-%d")))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    ];
    for m in &f.mrr {
        items.push(item(
            format!("{} {} a month", super::tiers::money(m.amount), m.currency.to_uppercase()),
            "recurring revenue".into(),
        ));
    }
    Ok(Panel {
        title: "Members".into(),
        total: f.counts.total,
        items,
        empty: String::new(),
        more: Some("/admin/members".into()),
    })
}
