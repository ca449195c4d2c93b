//! An article's corrections: the notes it carries, adding a dated one (published articles
//! only; editors and up, as publishing others' articles) and withdrawing one added by mistake.

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::ArticleStatus;
use byline_core::staff::Action;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/articles/{id}/corrections", get(list).post(add))
        .route("/admin/articles/{id}/corrections/{cid}/delete", post(delete))
}

/// Who may correct an article: whoever may publish anyone's.
const MAY: Action = Action::PublishArticle { own: false };

#[derive(Serialize)]
struct Row {
    id: i64,
    date: String,
    text: String,
}

#[derive(Serialize, Default)]
struct View {
    id: i64,
    published: bool,
    public_url: Option<String>,
    corrections: Vec<Row>,
    text: String,
    date: String,
    errors: Errors,
}

fn path(id: i64) -> String {
    format!("/admin/articles/{id}/corrections")
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    id: i64,
    mut view: View,
) -> Result<Response, WebError> {
    let a = state.store.editable_article(&who.actor(), id).await?;
    view.id = id;
    view.published = a.status == ArticleStatus::Published;
    view.public_url = view
        .published
        .then(|| byline_render::urls::article(a.input.slug.as_deref().unwrap_or_default()));
    view.corrections = state
        .store
        .corrections_of(id)
        .await?
        .into_iter()
        .map(|c| Row { id: c.id, date: c.date.format("%Y-%m-%d").to_string(), text: c.text })
        .collect();
    let title = format!("Corrections to “{}”", a.input.title);
    let failed = !view.errors.is_empty();
    let layout = Layout::signed_in(state, who, title, "/admin/articles").await?;
    if failed {
        again(state, "article_corrections.html", layout, view)
    } else {
        render(state, "article_corrections.html", layout, view)
    }
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(MAY)?;
    show(&state, &who, id, View::default()).await
}

async fn add(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(MAY)?;
    let f = Fields(f);
    let (text, date) = (f.get("text"), f.get("date"));
    match state.store.add_correction(&who.actor(), id, &text, &date).await.map_err(Failed::from) {
        Ok(_) => {
            Ok(done(&who, "Added the correction: it shows on the article now.", &path(id)).await)
        }
        Err(Failed::Fields(errors)) => {
            show(&state, &who, id, View { text, date, errors, ..Default::default() }).await
        }
        Err(Failed::Other(e)) => refused(&who, e, &path(id)).await,
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, cid)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    who.require(MAY)?;
    let c = state.store.corrections_of(id).await?;
    if !c.iter().any(|c| c.id == cid) {
        return Err(WebError::NotFound);
    }
    state.store.delete_correction(&who.actor(), cid).await?;
    Ok(done(&who, "Withdrew the correction.", &path(id)).await)
}
