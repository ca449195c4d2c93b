//! A term: rename (name and slug: the old archive address then redirects), nest under
//! another term (cycles refused beside the field), merge into another term, delete.

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use super::taxonomies::{SECTION, TermForm, term_input};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/terms/{id}", get(edit).post(update))
        .route("/admin/terms/{id}/merge", post(merge))
        .route("/admin/terms/{id}/delete", post(delete))
}

#[derive(Serialize)]
struct Page {
    id: i64,
    taxonomy_id: i64,
    taxonomy: String,
    form: TermForm,
    /// Every other term of the taxonomy: parents and merge targets to choose from.
    others: Vec<(i64, String)>,
    articles: Vec<String>,
    merge_errors: Errors,
    url: String,
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    id: i64,
    form: Option<TermForm>,
    merge_errors: Errors,
) -> Result<Response, WebError> {
    let term = state.store.term_by_id(id).await?;
    let tax = state.store.taxonomy_by_id(term.taxonomy_id).await?;
    let terms = state.store.terms(tax.id).await?;
    let failed = form.is_some() || !merge_errors.is_empty();
    let form = form.unwrap_or_else(|| TermForm {
        name: term.name.clone(),
        slug: term.slug.clone(),
        description: term.description.clone().unwrap_or_default(),
        parent: term.parent_id,
        errors: Errors::new(),
    });
    let page = Page {
        id,
        taxonomy_id: tax.id,
        url: byline_render::urls::term(&tax.slug, &term.slug),
        taxonomy: tax.name,
        form,
        others: terms.into_iter().filter(|t| t.id != id).map(|t| (t.id, t.name)).collect(),
        articles: state.store.term_article_slugs(id).await?,
        merge_errors,
    };
    let layout = Layout::signed_in(state, who, format!("Term {}", term.name), SECTION).await?;
    if failed {
        again(state, "term.html", layout, page)
    } else {
        render(state, "term.html", layout, page)
    }
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    show(&state, &who, id, None, Errors::new()).await
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let f = Fields(f);
    let saved = match f.id("parent") {
        Ok(parent) => state
            .store
            .update_term(&who.actor(), id, &term_input(&f), parent)
            .await
            .map_err(Failed::from),
        Err(e) => Err(e.into()),
    };
    match saved {
        Ok(t) => Ok(done(&who, format!("Saved {}.", t.name), &format!("/admin/terms/{id}")).await),
        Err(Failed::Fields(errors)) => {
            let form = TermForm {
                name: f.get("name"),
                slug: f.get("slug"),
                description: f.get("description"),
                parent: f.id("parent").ok().flatten(),
                errors,
            };
            show(&state, &who, id, Some(form), Errors::new()).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn merge(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let f = Fields(f);
    let source = state.store.term_by_id(id).await?;
    let into = match f.id("into") {
        Ok(Some(into)) => Ok(into),
        Ok(None) => Err(Failed::from(byline_core::Invalid::one("into", "choose a term"))),
        Err(e) => Err(e.into()),
    };
    let merged = match into {
        Ok(into) => state.store.merge_term(&who.actor(), id, into).await.map_err(Failed::from),
        Err(e) => Err(e),
    };
    match merged {
        Ok(t) => {
            let msg = format!("Merged {} into {}.", source.name, t.name);
            Ok(done(&who, msg, &format!("/admin/terms/{}", t.id)).await)
        }
        Err(Failed::Fields(errors)) => show(&state, &who, id, None, errors).await,
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let t = state.store.term_by_id(id).await?;
    match state.store.delete_term(&who.actor(), id).await {
        Ok(()) => {
            Ok(done(&who, format!("Deleted {}.", t.name), &format!("{SECTION}/{}", t.taxonomy_id))
                .await)
        }
        Err(e) => refused(&who, e.into(), &format!("/admin/terms/{id}")).await,
    }
}
