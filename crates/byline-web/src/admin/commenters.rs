//! A member as a commenter (editors and up): ban with a reason and an expiry, lift the ban,
//! hide or show all their comments. And the publication's comment settings (administrators
//! and the owner).

use super::comments::SECTION;
use super::fields::{Fields, done, errors, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::Invalid;
use byline_core::comments::{CommentMode, CommentSettings};
use byline_core::staff::Action;
use chrono::{NaiveDate, TimeZone, Utc};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/comments/settings", get(settings).post(save_settings))
        .route("/admin/comments/members/{id}", get(commenter))
        .route("/admin/comments/members/{id}/ban", post(ban))
        .route("/admin/comments/members/{id}/unban", post(unban))
        .route("/admin/comments/members/{id}/hide", post(hide))
        .route("/admin/comments/members/{id}/show", post(show))
}

async fn commenter(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let c = state.store.commenter(id).await?;
    let layout = Layout::signed_in(&state, &who, "Commenter", SECTION).await?;
    let ban = c.ban.as_ref().map(|b| {
        serde_json::json!({
            "reason": b.reason,
            "since": b.since.format("%Y-%m-%d").to_string(),
            "until": b.until.map(|u| u.format("%Y-%m-%d").to_string()),
            "by": b.by,
        })
    });
    render(
        &state,
        "commenter.html",
        layout,
        serde_json::json!({
            "id": c.member_id, "email": c.email, "name": c.name, "ban": ban,
            "hidden": c.hide_comments,
        }),
    )
}

async fn ban(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    let f = Fields(f);
    let back = format!("{SECTION}/members/{id}");
    let until = match f.opt("until") {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
            Ok(d) => d.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t)),
            Err(_) => {
                let why = format!("Until: {d:?} is not a date such as 2027-01-31.");
                return refused(&who, WebError::Conflict(why), &back).await;
            }
        },
    };
    match state.store.ban_commenter(id, &f.get("reason"), until, &who.actor()).await {
        Ok(()) => Ok(done(&who, "The member may not comment now.", &back).await),
        Err(byline_store::StoreError::Invalid(i)) => {
            refused(&who, WebError::Conflict(format!("Not banned: {i}.")), &back).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn unban(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    state.store.lift_comment_ban(id, &who.actor()).await?;
    Ok(done(&who, "The ban is lifted.", &format!("{SECTION}/members/{id}")).await)
}

async fn hide(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    state.store.hide_member_comments(id, true, &who.actor()).await?;
    let msg = "Every comment of this member is hidden, and those to come will be.";
    Ok(done(&who, msg, &format!("{SECTION}/members/{id}")).await)
}

async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ModerateComments)?;
    state.store.hide_member_comments(id, false, &who.actor()).await?;
    let msg = "This member's approved comments show again.";
    Ok(done(&who, msg, &format!("{SECTION}/members/{id}")).await)
}

fn settings_view(s: &CommentSettings) -> serde_json::Value {
    serde_json::json!({
        "mode": s.mode.as_str(),
        "modes": CommentMode::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "depth": s.depth,
        "close_after_days": s.close_after_days.unwrap_or(0),
        "hold_first": s.hold_first,
        "max_links": s.max_links,
        "hold_words": s.hold_words.join("\n"),
        "blocked_words": s.blocked_words.join("\n"),
        "per_page": s.per_page,
    })
}

async fn settings(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let s = state.store.comment_settings().await?;
    let layout = Layout::signed_in(&state, &who, "Comment settings", SECTION).await?;
    let mut v = settings_view(&s);
    v["errors"] = serde_json::json!({});
    render(&state, "comment_settings.html", layout, v)
}

async fn save_settings(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let f = Fields(f);
    let number = |name: &str| -> Result<u32, Invalid> {
        let v = f.get(name);
        let v = v.trim();
        if v.is_empty() {
            return Ok(0);
        }
        v.parse().map_err(|_| Invalid::one(name, format!("must be a whole number, not {v:?}")))
    };
    let parsed = (|| -> Result<CommentSettings, Invalid> {
        let mode = CommentMode::parse(&f.get("mode"))
            .ok_or_else(|| Invalid::one("mode", "choose off, members, paid or everyone"))?;
        Ok(CommentSettings {
            mode,
            depth: number("depth")?,
            close_after_days: Some(number("close_after_days")?).filter(|d| *d > 0),
            hold_first: f.checked("hold_first"),
            max_links: number("max_links")?,
            hold_words: vec![f.get("hold_words")],
            blocked_words: vec![f.get("blocked_words")],
            per_page: number("per_page")?,
        })
    })();
    let result = match parsed {
        Ok(s) => state.store.save_comment_settings(s, &who.actor()).await,
        Err(i) => Err(i.into()),
    };
    match result {
        Ok(_) => Ok(done(&who, "Comment settings saved.", "/admin/comments/settings").await),
        Err(byline_store::StoreError::Invalid(i)) => {
            let layout = Layout::signed_in(&state, &who, "Comment settings", SECTION).await?;
            let mut v = serde_json::json!({
                "mode": f.get("mode"),
                "modes": CommentMode::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
                "depth": f.get("depth"),
                "close_after_days": f.get("close_after_days"),
                "hold_first": f.checked("hold_first"),
                "max_links": f.get("max_links"),
                "hold_words": f.get("hold_words"),
                "blocked_words": f.get("blocked_words"),
                "per_page": f.get("per_page"),
            });
            v["errors"] = serde_json::to_value(errors(&i)).unwrap_or_default();
            let mut r = render(&state, "comment_settings.html", layout, v)?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
