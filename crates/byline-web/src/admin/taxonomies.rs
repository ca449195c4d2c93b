//! Taxonomies: the list, the form (slug, names, description, position), the taxonomy's
//! terms as a tree with a form to add one, and deleting (confirmed when articles use it).

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::staff::Action;
use byline_core::{Invalid, Taxonomy, TaxonomyInput, Term, TermInput};
use byline_store::TaxonomyUsage;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/taxonomies", get(list).post(create))
        .route("/admin/taxonomies/new", get(new))
        .route("/admin/taxonomies/{id}", get(edit).post(update))
        .route("/admin/taxonomies/{id}/delete", post(delete))
        .route("/admin/taxonomies/{id}/terms", post(create_term))
}

pub(super) const SECTION: &str = "/admin/taxonomies";

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let mut rows = Vec::new();
    for t in state.store.taxonomies().await? {
        let used = state.store.taxonomy_usage(t.id).await?;
        rows.push(serde_json::json!({
            "id": t.id, "name": t.name, "slug": t.slug, "position": t.position,
            "terms": used.terms, "articles": used.articles,
            "url": byline_render::urls::taxonomy(&t.slug),
        }));
    }
    let layout = Layout::signed_in(&state, &who, "Taxonomies", SECTION).await?;
    render(&state, "taxonomies.html", layout, serde_json::json!({ "taxonomies": rows }))
}

#[derive(Serialize, Default)]
struct TaxonomyForm {
    name: String,
    slug: String,
    singular: String,
    description: String,
    position: String,
    /// The "Ghost Content API" checkbox.
    exposed: bool,
    errors: Errors,
}

#[derive(Serialize, Default)]
pub(super) struct TermForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub parent: Option<i64>,
    pub errors: Errors,
}

/// A term in the tree, indented by depth.
#[derive(Serialize)]
pub(super) struct TermRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub depth: usize,
    pub articles: u64,
    pub url: String,
}

#[derive(Serialize)]
struct Page {
    id: Option<i64>,
    form: TaxonomyForm,
    terms: Vec<TermRow>,
    term: TermForm,
    usage: Option<TaxonomyUsage>,
    url: Option<String>,
}

/// Terms depth-first under their parents, each with its article count.
pub(super) fn tree(
    tax: &Taxonomy,
    terms: &[Term],
    counts: &std::collections::HashMap<i64, u64>,
) -> Vec<TermRow> {
    fn walk(
        out: &mut Vec<TermRow>,
        tax: &Taxonomy,
        terms: &[Term],
        counts: &std::collections::HashMap<i64, u64>,
        parent: Option<i64>,
        depth: usize,
    ) {
        for t in terms.iter().filter(|t| t.parent_id == parent) {
            out.push(TermRow {
                id: t.id,
                name: t.name.clone(),
                slug: t.slug.clone(),
                depth,
                articles: counts.get(&t.id).copied().unwrap_or(0),
                url: byline_render::urls::term(&tax.slug, &t.slug),
            });
            if depth < 32 {
                walk(out, tax, terms, counts, Some(t.id), depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(&mut out, tax, terms, counts, None, 0);
    out
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    id: Option<i64>,
    form: Option<TaxonomyForm>,
    term: TermForm,
    failed: bool,
) -> Result<Response, WebError> {
    let blank = TaxonomyForm { exposed: true, ..TaxonomyForm::default() };
    let mut page = Page { id, form: blank, terms: vec![], term, usage: None, url: None };
    if let Some(id) = id {
        let t = state.store.taxonomy_by_id(id).await?;
        let terms = state.store.terms(id).await?;
        let counts = state.store.term_article_counts(id).await?;
        page.terms = tree(&t, &terms, &counts);
        page.usage = Some(state.store.taxonomy_usage(id).await?);
        page.url = Some(byline_render::urls::taxonomy(&t.slug));
        page.form = TaxonomyForm {
            name: t.name,
            slug: t.slug,
            singular: t.singular,
            description: t.description.unwrap_or_default(),
            position: t.position.to_string(),
            exposed: t.exposed,
            errors: Errors::new(),
        };
    }
    if let Some(f) = form {
        page.form = f;
    }
    let title = if id.is_some() { "Edit taxonomy" } else { "New taxonomy" };
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    if failed {
        again(state, "taxonomy.html", layout, page)
    } else {
        render(state, "taxonomy.html", layout, page)
    }
}

fn typed(f: &Fields, errors: Errors) -> TaxonomyForm {
    TaxonomyForm {
        name: f.get("name"),
        slug: f.get("slug"),
        singular: f.get("singular"),
        description: f.get("description"),
        position: f.get("position"),
        exposed: exposed(f),
        errors,
    }
}

/// The checkbox: a browser posts it only when ticked.
fn exposed(f: &Fields) -> bool {
    f.get("exposed") == "on"
}

fn input(f: &Fields) -> Result<(TaxonomyInput, Option<i32>), Invalid> {
    let input = TaxonomyInput {
        slug: f.opt("slug"),
        name: f.get("name"),
        singular: f.opt("singular"),
        description: f.opt("description"),
        exposed: Some(exposed(f)),
    };
    // Report a bad position together with the other fields' errors.
    if let (Err(mut a), Err(b)) = (input.validate(), f.number("position")) {
        a.0.extend(b.0);
        return Err(a);
    }
    let position = match f.opt("position") {
        None => None,
        Some(_) => Some(f.number("position")?),
    };
    Ok((input, position))
}

async fn new(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    show(&state, &who, None, None, TermForm::default(), false).await
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    show(&state, &who, Some(id), None, TermForm::default(), false).await
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTaxonomies)?;
    let f = Fields(f);
    let saved = match input(&f) {
        Ok((i, pos)) => {
            state.store.create_taxonomy(&who.actor(), &i, pos).await.map_err(Failed::from)
        }
        Err(e) => Err(e.into()),
    };
    match saved {
        Ok(t) => Ok(done(&who, format!("Added {}.", t.name), &format!("{SECTION}/{}", t.id)).await),
        Err(Failed::Fields(e)) => {
            show(&state, &who, None, Some(typed(&f, e)), TermForm::default(), true).await
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
    who.require(Action::ManageTaxonomies)?;
    let f = Fields(f);
    let saved = match input(&f) {
        Ok((i, pos)) => {
            state.store.update_taxonomy(&who.actor(), id, &i, pos).await.map_err(Failed::from)
        }
        Err(e) => Err(e.into()),
    };
    match saved {
        Ok(t) => Ok(done(&who, format!("Saved {}.", t.name), &format!("{SECTION}/{id}")).await),
        Err(Failed::Fields(e)) => {
            show(&state, &who, Some(id), Some(typed(&f, e)), TermForm::default(), true).await
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
    who.require(Action::ManageTaxonomies)?;
    let f = Fields(f);
    let t = state.store.taxonomy_by_id(id).await?;
    match state.store.delete_taxonomy(&who.actor(), id, f.checked("confirm")).await {
        Ok(_) => Ok(done(&who, format!("Deleted {}.", t.name), SECTION).await),
        Err(e) => refused(&who, e.into(), &format!("{SECTION}/{id}")).await,
    }
}

pub(super) fn term_input(f: &Fields) -> TermInput {
    TermInput { name: f.get("name"), slug: f.opt("slug"), description: f.opt("description") }
}

async fn create_term(
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
            .create_term(&who.actor(), id, &term_input(&f), parent)
            .await
            .map_err(Failed::from),
        Err(e) => Err(e.into()),
    };
    match saved {
        Ok(t) => Ok(done(&who, format!("Added {}.", t.name), &format!("{SECTION}/{id}")).await),
        Err(Failed::Fields(errors)) => {
            let term = TermForm {
                name: f.get("name"),
                slug: f.get("slug"),
                description: f.get("description"),
                parent: f.id("parent").ok().flatten(),
                errors,
            };
            show(&state, &who, Some(id), None, term, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}
