//! Static pages: the list, the form (title, slug, Markdown body with a Preview button that
//! works without JavaScript, navigation weight and flag), delete.

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use byline_core::{Invalid, Page, PageInput};
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/pages", get(list).post(create))
        .route("/admin/pages/new", get(new))
        .route("/admin/pages/{id}", get(edit).post(update))
        .route("/admin/pages/{id}/delete", post(delete))
}

const SECTION: &str = "/admin/pages";

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    let rows: Vec<_> = state
        .store
        .pages()
        .await?
        .into_iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id, "title": p.title, "weight": p.weight, "in_nav": p.in_nav,
                "url": byline_render::urls::page(&p.slug),
            })
        })
        .collect();
    let layout = Layout::signed_in(&state, &who, "Pages", SECTION).await?;
    render(&state, "pages.html", layout, serde_json::json!({ "pages": rows }))
}

#[derive(Serialize, Default)]
struct FormView {
    id: Option<i64>,
    title: String,
    slug: String,
    body: String,
    weight: String,
    in_nav: bool,
    errors: Errors,
    preview: Option<String>,
    url: Option<String>,
}

impl FormView {
    fn of(p: &Page) -> Self {
        Self {
            id: Some(p.id),
            title: p.title.clone(),
            slug: p.slug.clone(),
            body: p.body.clone(),
            weight: p.weight.to_string(),
            in_nav: p.in_nav,
            url: Some(byline_render::urls::page(&p.slug)),
            ..Default::default()
        }
    }

    fn typed(f: &Fields, id: Option<i64>) -> Self {
        Self {
            id,
            title: f.get("title"),
            slug: f.get("slug"),
            body: f.get("body"),
            weight: f.get("weight"),
            in_nav: f.checked("in_nav"),
            ..Default::default()
        }
    }
}

fn input(f: &Fields) -> Result<PageInput, Invalid> {
    let input = PageInput {
        title: f.get("title"),
        slug: f.opt("slug"),
        body: f.get("body"),
        weight: 0,
        in_nav: f.checked("in_nav"),
    };
    match (input.validate(chrono::Utc::now()), f.number("weight")) {
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            Err(a)
        }
        (_, Err(b)) => Err(b),
        (_, Ok(weight)) => Ok(PageInput { weight, ..input }),
    }
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    view: FormView,
    failed: bool,
) -> Result<Response, WebError> {
    let title = if view.id.is_some() { "Edit page" } else { "New page" };
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    if failed {
        again(state, "page.html", layout, view)
    } else {
        render(state, "page.html", layout, view)
    }
}

async fn new(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    show(&state, &who, FormView { weight: "0".into(), ..Default::default() }, false).await
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    show(&state, &who, FormView::of(&state.store.page_by_id(id).await?), false).await
}

/// Saves the form (creating when `id` is `None`), or shows the preview when asked.
async fn save(
    state: &AppState,
    who: &SignedIn,
    id: Option<i64>,
    f: Fields,
) -> Result<Response, WebError> {
    if f.pressed("preview") {
        let preview = Some(byline_core::markdown::to_html(&f.get("body")));
        return show(state, who, FormView { preview, ..FormView::typed(&f, id) }, false).await;
    }
    let actor = who.actor();
    let saved = match (input(&f), id) {
        (Err(e), _) => Err(Failed::from(e)),
        (Ok(i), None) => state.store.create_page(&actor, &i).await.map_err(Failed::from),
        (Ok(i), Some(id)) => state.store.update_page(&actor, id, &i).await.map_err(Failed::from),
    };
    match saved {
        Ok(p) => Ok(done(who, format!("Saved {}.", p.title), &format!("{SECTION}/{}", p.id)).await),
        Err(Failed::Fields(errors)) => {
            show(state, who, FormView { errors, ..FormView::typed(&f, id) }, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    save(&state, &who, None, Fields(f)).await
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    state.store.page_by_id(id).await?;
    save(&state, &who, Some(id), Fields(f)).await
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManagePages)?;
    let p = state.store.page_by_id(id).await?;
    match state.store.delete_page(&who.actor(), id).await {
        Ok(()) => Ok(done(&who, format!("Deleted {}.", p.title), SECTION).await),
        Err(e) => refused(&who, e.into(), &format!("{SECTION}/{id}")).await,
    }
}
