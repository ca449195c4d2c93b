//! The admin's articles: the list (search, filters, pages), the editor (`editor`), revisions
//! (`revisions`), the live preview, and the workflow's buttons. Handlers stay thin: the
//! permission rules and the workflow live in `byline_core::editorial` and the store.

mod editor;
mod email;
mod form;
mod revisions;

pub(crate) use editor::{edit, new, save_existing, save_new};
pub(crate) use revisions::{restore, revision, revisions};

use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::editorial::{ArticleQuery, ArticleRow, Step};
use byline_core::taxonomy::term_and_descendants;
use byline_core::{ArticleStatus, markdown};
use byline_store::{EditError, Paged};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

impl From<EditError> for WebError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Refused(r) => WebError::Forbidden(r.0),
            EditError::Stale(now) => WebError::Conflict(format!(
                "someone else changed this article first; it is now at version {}",
                now.version
            )),
            EditError::Store(s) => s.into(),
        }
    }
}

/// The list's query string, as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub author: String,
    pub term: String,
    pub from: String,
    pub until: String,
    pub page: Option<u64>,
}

/// The list's filters as the store takes them, or errors to show beside the filters.
pub(crate) async fn article_query(
    state: &AppState,
    l: &ListQuery,
) -> Result<(ArticleQuery, BTreeMap<String, String>), WebError> {
    let mut errors = BTreeMap::new();
    let mut q = ArticleQuery {
        text: Some(l.q.trim().to_owned()).filter(|t| !t.is_empty()),
        author: Some(l.author.trim().to_owned()).filter(|a| !a.is_empty()),
        ..Default::default()
    };
    if !l.status.is_empty() {
        match l.status.parse::<ArticleStatus>() {
            Ok(s) => q.status = Some(s),
            Err(e) => {
                errors.insert("status".into(), e);
            }
        }
    }
    if let Some((tax, term)) = l.term.split_once('/') {
        match state.store.term_context(tax, term).await {
            Ok(ctx) => q.terms = term_and_descendants(ctx.term.id, &ctx.terms),
            Err(e) if e.is_not_found() => {
                errors.insert("term".into(), format!("there is no term {}", l.term));
            }
            Err(e) => return Err(e.into()),
        }
    } else if !l.term.is_empty() {
        errors.insert("term".into(), "choose a term as taxonomy/term".into());
    }
    for (field, value, slot) in [("from", &l.from, &mut q.from), ("until", &l.until, &mut q.until)]
    {
        if value.trim().is_empty() {
            continue;
        }
        match chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
            Ok(d) => {
                let d = if field == "until" { d.succ_opt().unwrap_or(d) } else { d };
                *slot = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
            }
            Err(_) => {
                errors.insert(field.into(), format!("{value:?} is not a date (YYYY-MM-DD)"));
            }
        }
    }
    // Words go to the search engine when this node's index is ready (ranked, stemmed, typos
    // allowed, drafts and gated text included); the store keeps only what the user may see.
    if let (Some(text), Some(index)) = (&q.text, state.search.as_ref().filter(|i| i.is_ready())) {
        match index.newsroom_search(text, NEWSROOM_MATCHES) {
            Ok(ids) => q.matching = Some(ids),
            Err(e) => tracing::warn!(error = %e, "the newsroom's search fell back to the database"),
        }
    }
    Ok((q, errors))
}

/// The most articles a newsroom search ranks (its list pages through them).
const NEWSROOM_MATCHES: usize = 1_000;

#[derive(Serialize)]
struct ListPage {
    query: ListQuery,
    errors: BTreeMap<String, String>,
    rows: Vec<ListRow>,
    paged: PageInfo,
    /// The query string without `page`, ending in `&` or `?`, for the pager.
    base: String,
    statuses: Vec<(String, String)>,
    authors: Vec<(String, String)>,
    terms: Vec<TermOption>,
}

#[derive(Serialize)]
pub(crate) struct PageInfo {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

impl<T> From<&Paged<T>> for PageInfo {
    fn from(p: &Paged<T>) -> Self {
        Self { page: p.page, pages: p.pages(), total: p.total }
    }
}

#[derive(Serialize)]
struct ListRow {
    id: i64,
    title: String,
    status: String,
    status_label: String,
    byline: String,
    terms: String,
    changed: String,
    changed_by: String,
    published: String,
}

impl From<ArticleRow> for ListRow {
    fn from(r: ArticleRow) -> Self {
        Self {
            id: r.id,
            title: r.title,
            status: r.status.as_str().into(),
            status_label: r.status.label().into(),
            byline: r.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
            terms: r.terms.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            changed: r.modified_at.format("%Y-%m-%d %H:%M").to_string(),
            changed_by: r.modified_by.unwrap_or_default(),
            published: r
                .published_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Serialize)]
struct TermOption {
    value: String,
    label: String,
}

const PER_PAGE: u64 = 20;

/// `GET /admin/articles`: every article the staff member may see, searched and filtered.
pub(crate) async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(l): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (q, errors) = article_query(&state, &l).await?;
    let paged = state.store.admin_articles(&who.actor(), &q, l.page.unwrap_or(1), PER_PAGE).await?;
    let base = {
        let mut without = l.clone();
        without.page = None;
        format!("/admin/articles?{}&", serde_urlencoded::to_string(&without).unwrap_or_default())
    };
    let mut terms = Vec::new();
    for t in &state.frame().await?.taxonomies {
        for (term, depth) in editor::nested(&state.store.terms(t.id).await?) {
            terms.push(TermOption {
                value: format!("{}/{}", t.slug, term.slug),
                label: format!("{}: {}{}", t.singular, "— ".repeat(depth), term.name),
            });
        }
    }
    let authors = state.store.authors().await?.into_iter().map(|a| (a.slug, a.name)).collect();
    let layout = Layout::signed_in(&state, &who, "Articles", "/admin/articles").await?;
    let page = ListPage {
        paged: PageInfo::from(&paged),
        rows: paged.items.into_iter().map(ListRow::from).collect(),
        query: l,
        errors,
        base,
        statuses: ArticleStatus::ALL
            .iter()
            .map(|s| (s.as_str().into(), s.label().into()))
            .collect(),
        authors,
        terms,
    };
    render(&state, "articles.html", layout, page)
}

/// `POST /admin/articles/preview`: the Markdown body as the public page would show it
/// (sanitized HTML), for the editor's live preview.
pub(crate) async fn preview(_who: SignedIn, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        markdown::to_html(&body),
    )
        .into_response()
}

#[derive(Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    version: Option<i64>,
}

/// `POST /admin/articles/{id}/{step}`: trash, restore or delete for good.
pub(crate) async fn step(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, step)): Path<(i64, String)>,
    axum::Form(f): axum::Form<StepForm>,
) -> Result<Response, WebError> {
    // Steps that carry no fields; the others go through the editor's form.
    let step = match step.parse::<Step>() {
        Ok(s @ (Step::Trash | Step::Restore | Step::Purge | Step::Unpublish | Step::Submit)) => s,
        Ok(s @ Step::Publish) => s,
        _ => return Err(WebError::NotFound),
    };
    let actor = who.actor();
    if step == Step::Purge {
        state.store.purge_article(&actor, id).await?;
        flash(&who.session, step.done()).await;
        return Ok(Redirect::to("/admin/articles?status=trash").into_response());
    }
    state.store.article_step(&actor, id, f.version, step, None).await?;
    flash(&who.session, step.done()).await;
    Ok(Redirect::to(&format!("/admin/articles/{id}")).into_response())
}
