//! An article's revisions: the list, one revision's diff against the article as it is now,
//! and restoring it (a new save, checked against the version the restorer saw).

use crate::admin::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::revision::{FieldDiff, diff};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct RevisionItem {
    id: i64,
    version: i64,
    at: String,
    actor: String,
    action: String,
    title: String,
}

#[derive(Serialize)]
struct RevisionsPage {
    id: i64,
    title: String,
    version: i64,
    revisions: Vec<RevisionItem>,
}

/// `GET /admin/articles/{id}/revisions`
pub(crate) async fn revisions(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let actor = who.actor();
    let a = state.store.editable_article(&actor, id).await?;
    let revs = state.store.article_revisions(&actor, id).await?;
    let page = RevisionsPage {
        id,
        title: a.input.title.clone(),
        version: a.version,
        revisions: revs
            .into_iter()
            .map(|r| RevisionItem {
                id: r.id,
                version: r.version,
                at: r.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                actor: r.actor,
                action: r.action,
                title: r.snapshot.title,
            })
            .collect(),
    };
    let layout = Layout::signed_in(
        &state,
        &who,
        format!("Revisions of “{}”", a.input.title),
        "/admin/articles",
    )
    .await?;
    render(&state, "article_revisions.html", layout, page)
}

#[derive(Serialize)]
struct RevisionPage {
    id: i64,
    title: String,
    revision: RevisionItem,
    /// The version the restore form states (the article's current one).
    current_version: i64,
    /// From this revision to the article as it is now.
    changes: Vec<FieldDiff>,
    may_restore: bool,
}

/// `GET /admin/articles/{id}/revisions/{rev}`: what changed since this revision.
pub(crate) async fn revision(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, rev)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let actor = who.actor();
    let a = state.store.editable_article(&actor, id).await?;
    let r = state.store.article_revision(&actor, id, rev).await?;
    let may_restore =
        byline_core::editorial::Step::Update.permit(&actor, &a.author_ids, a.status).is_ok()
            && a.status != byline_core::ArticleStatus::Trash;
    let page = RevisionPage {
        id,
        title: a.input.title.clone(),
        changes: diff(&r.snapshot, &a.input),
        current_version: a.version,
        may_restore,
        revision: RevisionItem {
            id: r.id,
            version: r.version,
            at: r.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            actor: r.actor,
            action: r.action,
            title: r.snapshot.title,
        },
    };
    let layout = Layout::signed_in(
        &state,
        &who,
        format!("Version {} of “{}”", r.version, a.input.title),
        "/admin/articles",
    )
    .await?;
    render(&state, "article_revision.html", layout, page)
}

#[derive(Deserialize)]
pub(crate) struct RestoreForm {
    version: i64,
}

/// `POST /admin/articles/{id}/revisions/{rev}/restore`
pub(crate) async fn restore(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, rev)): Path<(i64, i64)>,
    Form(f): Form<RestoreForm>,
) -> Result<Response, WebError> {
    let a = state.store.restore_revision(&who.actor(), id, rev, f.version).await?;
    flash(&who.session, format!("Restored: the article is now at version {}.", a.version)).await;
    Ok(Redirect::to(&format!("/admin/articles/{id}")).into_response())
}
