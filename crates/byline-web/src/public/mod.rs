//! The public site: every route a reader can visit.

mod archives;
mod articles;
mod assets;
pub(crate) mod chrome;
mod paths;

use crate::AppState;
use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(articles::home))
        .route("/page/{n}/", get(articles::home_page))
        .route("/articles/{slug}/", get(articles::article))
        .route("/authors/{slug}/", get(archives::author))
        .route("/authors/{slug}/page/{n}/", get(archives::author_page))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(health))
        .route("/{slug}/", get(archives::taxonomy_or_page))
        .route("/{taxonomy}/{term}/", get(archives::term))
        .route("/{taxonomy}/{term}/page/{n}/", get(archives::term_page))
        .fallback(fallback)
}

/// Site URLs end in `/`; a path without one (and without a file extension) is sent to the
/// slashed form, keeping its query. Anything else is not found.
async fn fallback(uri: Uri) -> Response {
    let path = uri.path();
    let last = path.rsplit('/').next().unwrap_or("");
    if !path.ends_with('/') && !last.contains('.') {
        let target = match uri.query() {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        return Redirect::permanent(&target).into_response();
    }
    crate::WebError::NotFound.into_response()
}

/// For load balancers: answers 200 while the database answers.
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store.publication().await {
        Ok(_) => ([(header::CACHE_CONTROL, "no-store")], "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
