//! Authors: the list with article counts, the form for every field (links as repeated rows),
//! and deleting, which asks for another author to take over any bylines.

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use byline_core::{Author, AuthorInput, AuthorLink};
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/authors", get(list).post(create))
        .route("/admin/authors/new", get(new))
        .route("/admin/authors/{id}", get(edit).post(update))
        .route("/admin/authors/{id}/delete", post(delete))
}

const SECTION: &str = "/admin/authors";

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    slug: String,
    guest: bool,
    articles: u64,
    url: String,
}

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    let rows: Vec<Row> = state
        .store
        .author_listings()
        .await?
        .into_iter()
        .map(|l| Row {
            id: l.author.id,
            url: byline_render::urls::author(&l.author.slug),
            name: l.author.name,
            slug: l.author.slug,
            guest: l.author.guest,
            articles: l.articles,
        })
        .collect();
    let layout = Layout::signed_in(&state, &who, "Authors", SECTION).await?;
    render(&state, "authors.html", layout, serde_json::json!({ "authors": rows }))
}

/// The author form: what was typed (or saved), its errors, and for an existing author the
/// choices for deleting.
#[derive(Serialize, Default)]
struct FormView {
    id: Option<i64>,
    name: String,
    slug: String,
    bio: String,
    photo: String,
    website: String,
    email: String,
    guest: bool,
    links: Vec<AuthorLink>,
    errors: Errors,
    articles: u64,
    others: Vec<(i64, String)>,
    url: Option<String>,
}

impl FormView {
    fn of(a: &Author) -> Self {
        Self {
            id: Some(a.id),
            name: a.name.clone(),
            slug: a.slug.clone(),
            bio: a.bio.clone().unwrap_or_default(),
            photo: a.photo.clone().unwrap_or_default(),
            website: a.website.clone().unwrap_or_default(),
            email: a.email.clone().unwrap_or_default(),
            guest: a.guest,
            links: a.links.clone(),
            url: Some(byline_render::urls::author(&a.slug)),
            ..Default::default()
        }
    }

    fn typed(f: &Fields, id: Option<i64>) -> Self {
        Self {
            id,
            name: f.get("name"),
            slug: f.get("slug"),
            bio: f.get("bio"),
            photo: f.get("photo"),
            website: f.get("website"),
            email: f.get("email"),
            guest: f.checked("guest"),
            links: links(f),
            ..Default::default()
        }
    }
}

/// The link rows that were filled in (a row with neither title nor URL is no link).
fn links(f: &Fields) -> Vec<AuthorLink> {
    f.all("link_title")
        .into_iter()
        .zip(f.all("link_url"))
        .filter(|(t, u)| !t.trim().is_empty() || !u.trim().is_empty())
        .map(|(title, url)| AuthorLink { title, url })
        .collect()
}

fn input(f: &Fields) -> AuthorInput {
    AuthorInput {
        name: f.get("name"),
        slug: f.opt("slug"),
        bio: f.opt("bio"),
        photo: f.opt("photo"),
        website: f.opt("website"),
        email: f.opt("email"),
        links: links(f),
        guest: f.checked("guest"),
    }
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    mut view: FormView,
    failed: bool,
) -> Result<Response, WebError> {
    // Two blank rows to add links without a script.
    let blank = || AuthorLink { title: String::new(), url: String::new() };
    view.links.extend([blank(), blank()]);
    if let Some(id) = view.id {
        let all = state.store.author_listings().await?;
        view.articles = all.iter().find(|l| l.author.id == id).map_or(0, |l| l.articles);
        view.others = all
            .into_iter()
            .filter(|l| l.author.id != id)
            .map(|l| (l.author.id, l.author.name))
            .collect();
    }
    let title = if view.id.is_some() { "Edit author" } else { "New author" };
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    if failed {
        again(state, "author.html", layout, view)
    } else {
        render(state, "author.html", layout, view)
    }
}

async fn new(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    show(&state, &who, FormView::default(), false).await
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    let a = state.store.author_by_id(id).await?;
    show(&state, &who, FormView::of(&a), false).await
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    let f = Fields(f);
    match state.store.create_author(&who.actor(), &input(&f)).await.map_err(Failed::from) {
        Ok(a) => {
            Ok(done(&who, format!("Added {}.", a.name), &format!("/admin/authors/{}", a.id)).await)
        }
        Err(Failed::Fields(errors)) => {
            show(&state, &who, FormView { errors, ..FormView::typed(&f, None) }, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    let f = Fields(f);
    match state.store.update_author(&who.actor(), id, &input(&f)).await.map_err(Failed::from) {
        Ok(a) => {
            Ok(done(&who, format!("Saved {}.", a.name), &format!("/admin/authors/{id}")).await)
        }
        Err(Failed::Fields(errors)) => {
            show(&state, &who, FormView { errors, ..FormView::typed(&f, Some(id)) }, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageAuthors)?;
    let f = Fields(f);
    let to = f.id("reassign_to")?;
    let a = state.store.author_by_id(id).await?;
    match state.store.delete_author(&who.actor(), id, to).await {
        Ok(()) => Ok(done(&who, format!("Deleted {}.", a.name), SECTION).await),
        Err(e) => refused(&who, e.into(), &format!("/admin/authors/{id}")).await,
    }
}
